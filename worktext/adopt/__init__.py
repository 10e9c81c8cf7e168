"""``worktext adopt``: read a backlog another tool keeps, in place.

``plan_adoption`` finds the tool (Backlog.md's ``backlog/config.yml``, Kanbn's
``.kanbn/index.md``, else the folder of Markdown files with front matter that looks most like
tasks), proposes the settings that read its files as they are (``proposal.py``) and works out
what to write: ``worktext.yml`` and a workflow of the tool's statuses. It never changes a file
of the tool's, and a file of its own only while nobody has edited it: each file it writes
carries a stamp with a digest of its content, so that a second run updates an untouched file,
leaves an identical one alone and keeps one a person has changed (showing the difference).
``write_adoption`` writes the files all at once, or none.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from worktext.adopt import backlogmd, kanbn, plain
from worktext.adopt.proposal import (
    OWN_FOLDER,
    Proposal,
    config_text,
    infer_fields,
    task_files,
    workflow_text,
)
from worktext.edit import atomic
from worktext.errors import WorktextError

log = logging.getLogger(__name__)

STAMP = "# Written by 'worktext adopt'"
_DIGEST = re.compile(r"; digest ([0-9a-f]{12})\.$")

CREATE, UNCHANGED, UPDATE, KEEP = "create", "unchanged", "update", "keep"


@dataclass(frozen=True)
class PlannedFile:
    """One file adopt writes: its workspace-relative path, the text proposed, and what
    happens to it (``create``, ``update``, ``unchanged``, or ``keep`` a file someone edited);
    ``diff`` shows how the file on disk differs from the proposal."""

    rel: str
    text: str
    action: str
    diff: str = ""


@dataclass(frozen=True)
class Adoption:
    proposal: Proposal
    task_count: int
    files: list[PlannedFile]

    @property
    def to_write(self) -> list[PlannedFile]:
        return [f for f in self.files if f.action in (CREATE, UPDATE)]


def detect(root: Path, drafts: str = "exclude") -> Proposal:
    """The proposal for the tool whose files ``root`` holds."""
    folder = backlogmd.find(root)
    if folder is not None:
        return backlogmd.propose(root, folder, drafts)
    if kanbn.find(root) is not None:
        return kanbn.propose(root)
    found = plain.find(root)
    if found is not None:
        return plain.propose(root, *found)
    raise WorktextError(
        f"nothing to adopt in {root}: no Backlog.md project (backlog/config.yml), no Kanbn "
        "board (.kanbn/index.md) and no Markdown files with front matter (a title or a status)"
    )


def plan_adoption(root: Path, today: dt.date, drafts: str = "exclude") -> Adoption:
    """What adopting ``root`` writes, without writing anything."""
    root = Path(root)
    proposal = detect(root, drafts)
    rels = task_files(root, proposal.task_folders, proposal.exclude)
    proposal.fields, count = infer_fields(root, rels, proposal.keys)
    log.info("adopt: %s, %d task files in %s", proposal.tool, count, proposal.task_folders)
    stamp = f"{STAMP} on {today.isoformat()} from {proposal.source} ({proposal.tool})"
    workflow = f"{OWN_FOLDER}/workflows/{proposal.workflow_id}.md"
    files = [
        _planned(root, "worktext.yml", config_text(proposal), stamp, at=0),
        _planned(root, workflow, workflow_text(proposal), stamp, at=1),
    ]
    return Adoption(proposal, count, files)


def write_adoption(root: Path, adoption: Adoption) -> list[PlannedFile]:
    """Write the files to create or update, all or none; returns them."""
    changes = []
    for planned in adoption.to_write:
        before = atomic.read(Path(root) / planned.rel)
        changes.append(atomic.Change(before, planned.text.encode("utf-8")))
    atomic.write_all(changes)
    return adoption.to_write


def _planned(root: Path, rel: str, content: str, stamp: str, at: int) -> PlannedFile:
    """The file ``rel`` with ``content`` stamped at line ``at``, and what to do with it."""
    lines = content.splitlines(keepends=True)
    lines.insert(at, f"{stamp}; digest {_digest(content)}.\n")
    text = "".join(lines)
    path = root / rel
    try:
        existing = path.read_text("utf-8") if path.exists() else None
    except (OSError, UnicodeDecodeError) as exc:
        raise WorktextError(f"{rel}: cannot be read ({exc}); move it aside to adopt") from None
    if existing is None:
        return PlannedFile(rel, text, CREATE)
    body, recorded = _unstamped(existing)
    if body == content:
        return PlannedFile(rel, text, UNCHANGED)
    diff = "".join(
        difflib.unified_diff(
            body.splitlines(keepends=True),
            content.splitlines(keepends=True),
            f"{rel} (as it is)",
            f"{rel} (as adopt would write it)",
        )
    )
    if recorded is None:
        if rel == "worktext.yml":
            raise WorktextError(
                f"{path} exists and was not written by 'worktext adopt': this folder is a "
                "worktext workspace already. Move worktext.yml aside to adopt again."
            )
        return PlannedFile(rel, text, KEEP, diff)
    if recorded == _digest(body):  # nobody edited it since adopt wrote it
        return PlannedFile(rel, text, UPDATE, diff)
    return PlannedFile(rel, text, KEEP, diff)


def _unstamped(text: str) -> tuple[str, str | None]:
    """``text`` without adopt's stamp line, and the digest the stamp recorded."""
    kept, recorded = [], None
    for line in text.splitlines(keepends=True):
        if recorded is None and line.startswith(STAMP):
            found = _DIGEST.search(line.rstrip("\n"))
            recorded = found.group(1) if found else ""
            continue
        kept.append(line)
    return "".join(kept), recorded


def _digest(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8")).hexdigest()[:12]
