"""The discussion's rules of ``check --since REV``.

* ``comment-edited``: a comment file that existed at REV was changed or deleted after it by
  someone other than its author (a commit's author email, or git's ``user.email`` for the
  working tree, is matched to a person's ``email``);
* ``unknown-mention``: an ``@name`` in the message of a commit after REV that is no person
  and no team.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from worktext.history import gitio
from worktext.load.source import parse_bytes
from worktext.model.diagnostics import Diagnostic
from worktext.model.mentions import Names, mentions
from worktext.model.workspace import Workspace


def _changed_comments(root: Path, commit: str, folder: str) -> list[tuple[str, str]]:
    """(status M or D, workspace-relative path) of every comment file that existed at
    ``commit`` and differs in the working tree."""
    raw = gitio.run(
        root,
        [
            "diff",
            "--name-status",
            "-z",
            "--no-renames",
            "--relative",
            "--end-of-options",
            commit,
            "--",
            folder,
        ],
    ).stdout.decode("utf-8", "surrogateescape")
    parts = raw.split("\0")
    out = []
    for status, path in zip(parts[::2], parts[1::2], strict=False):
        if status in ("M", "D") and path.endswith(".md"):
            out.append((status, path))
    return out


def _emails_of(root: Path, commit: str, rel: str, dirty: bool) -> set[str]:
    """Who changed ``rel`` after ``commit``: its commits' author emails, and git's
    ``user.email`` when the working tree changed it too."""
    log = gitio.run(
        root,
        ["log", "--no-merges", "--format=%ae", "--end-of-options", f"{commit}..HEAD", "--", rel],
    ).stdout.decode("utf-8", "replace")
    emails = {line.strip().casefold() for line in log.splitlines() if line.strip()}
    if dirty:
        found = gitio.run(root, ["config", "--get", "user.email"], check=False).stdout
        emails.add(found.decode("utf-8", "replace").strip().casefold())
    return emails


def edited_comments(ws: Workspace, commit: str) -> Iterator[Diagnostic]:
    root = ws.config.root
    folder = ws.config.comments_folder
    changed = _changed_comments(root, commit, folder)
    if not changed:
        return
    dirty_raw = gitio.run(
        root, ["diff", "--name-only", "-z", "--relative", "HEAD", "--", folder]
    ).stdout.decode("utf-8", "surrogateescape")
    dirty = set(dirty_raw.split("\0"))
    by_email = {p.email.casefold(): p.id for p in ws.people if p.email}
    for status, rel in changed:
        old = gitio.run(root, ["show", f"{commit}:./{rel}"], check=False).stdout
        data = parse_bytes(old, rel).data or {}
        author = str(data.get("author") or "")
        editors = {
            by_email.get(email, email) for email in _emails_of(root, commit, rel, rel in dirty)
        }
        others = sorted(e for e in editors if e and e != author)
        if not author or not others:
            continue
        verb = "deleted" if status == "D" else "edited"
        yield Diagnostic(
            rel,
            1,
            1,
            "error",
            "comment-edited",
            f"{', '.join(others)} {verb} a comment by {author}",
            "leave others' comments as they are; answer with a new comment (--reply-to)",
        )


def commit_mentions(ws: Workspace, commit: str) -> Iterator[Diagnostic]:
    raw = gitio.run(
        ws.config.root,
        ["log", "--no-merges", "--format=%H%x00%B%x00", "--end-of-options", f"{commit}..HEAD"],
    ).stdout.decode("utf-8", "replace")
    names = Names(list(ws.people))
    parts = raw.split("\0")
    for sha, message in zip(parts[::2], parts[1::2], strict=False):
        for found in mentions(message):
            if names.resolve(found.text) is not None:
                continue
            close = names.suggestion(found.text)
            yield Diagnostic(
                f"commit {sha.strip()[:7]}",
                found.line + 1,
                found.column + 1,
                "warning",
                "unknown-mention",
                f"the commit message's '@{found.text}' is no person and no team",
                f"did you mean '@{close}'?" if close else "mention a person's id or a team",
            )


__all__ = ["commit_mentions", "edited_comments"]
