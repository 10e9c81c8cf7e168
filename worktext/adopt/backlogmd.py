"""Backlog.md (``backlog/config.yml``): its statuses, its folders and its keys.

Backlog.md keeps one file per task under ``backlog/tasks``, moves finished ones to
``backlog/completed`` and archived ones to ``backlog/archive/tasks``, keeps drafts in
``backlog/drafts`` and documents, decisions and milestones in folders of their own (the
first two are read as worktext's documents). Its
statuses ("To Do", "In Progress", "Done") are listed in the config, spelt as people write them.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from worktext.adopt.proposal import Proposal, ensure_state, states_from_names
from worktext.errors import WorktextError
from worktext.load import yamlpos

log = logging.getLogger(__name__)

TOOL = "Backlog.md"
FOLDERS = ("backlog", ".backlog")
# Backlog.md's key → worktext's.
KEYS = {
    "created_date": "created",
    "completed_date": "completed",
    "dependencies": "depends_on",
    "parent_task_id": "parent",
}
DEFAULT_STATUSES = ("To Do", "In Progress", "Done")
DRAFTS = ("exclude", "backlog")


def find(root: Path) -> Path | None:
    """The Backlog.md folder of ``root`` (``backlog/`` or ``.backlog/`` with a config.yml)."""
    for name in FOLDERS:
        if (root / name / "config.yml").is_file():
            return root / name
    return None


def read_config(path: Path, rel: str) -> dict[str, Any]:
    """Backlog.md's config.yml as data; a file that is not YAML is a clear error."""
    try:
        text = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise WorktextError(f"{rel}: cannot be read ({exc}); fix it, or adopt without it") from None
    doc = yamlpos.parse(text)
    errors = [p for p in doc.problems if p.severity == "error"]
    if not doc.ok or errors:
        problem = errors[0] if errors else None
        where = f":{problem.span[0]}:{problem.span[1]}" if problem else ""
        what = problem.message if problem else "it is not YAML"
        raise WorktextError(f"{rel}{where}: {what}; fix {rel}, then run adopt again")
    if not isinstance(doc.data, dict):
        raise WorktextError(f"{rel}: expected a mapping of settings; fix {rel}, then adopt")
    return doc.data


def propose(root: Path, folder: Path, drafts: str = "exclude") -> Proposal:
    """Settings that read the Backlog.md project in ``folder`` (below ``root``) in place."""
    base = folder.relative_to(root).as_posix()
    rel = f"{base}/config.yml"
    settings = read_config(folder / "config.yml", rel)
    names = [str(s) for s in settings.get("statuses") or DEFAULT_STATUSES if s is not None]
    default = settings.get("default_status")
    if isinstance(default, str) and default in names:  # where work waits comes first
        names.remove(default)
        names.insert(0, default)
    states, spellings = states_from_names(names)
    done = ensure_state(states, "done", "Done")
    tasks = [f"{base}/tasks"]
    folder_states: dict[str, str] = {}
    if (folder / "completed").is_dir():
        tasks.append(f"{base}/completed")
        folder_states[f"{base}/completed"] = done
    if (folder / "archive" / "tasks").is_dir():
        tasks.append(f"{base}/archive/tasks")
        folder_states[f"{base}/archive/tasks"] = ensure_state(states, "cancelled", "Archived")
    notes = []
    if (folder / "drafts").is_dir():
        if drafts == "backlog":
            tasks.append(f"{base}/drafts")
            folder_states[f"{base}/drafts"] = ensure_state(states, "backlog", "Draft")
            notes.append(f"drafts in {base}/drafts are tasks in the backlog")
        else:
            notes.append(f"drafts in {base}/drafts are not read (--drafts backlog reads them)")
    documents = [f"{base}/{n}" for n in ("docs", "decisions") if (folder / n).is_dir()]
    if documents:
        notes.append(f"{', '.join(documents)}: documents, each a page of the site")
    if (folder / "milestones").is_dir():
        notes.append(f"{base}/milestones: not tasks, not read")
    name = settings.get("project_name")
    return Proposal(
        tool=TOOL,
        source=rel,
        name=str(name) if name else root.resolve().name,
        workflow_id="backlog",
        states=states,
        task_folders=tasks,
        statuses=spellings,
        ignore_case=True,
        keys=dict(KEYS),
        handles=True,
        folder_states=folder_states,
        documents=documents,
        notes=notes,
    )
