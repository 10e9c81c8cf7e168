"""Adding a comment: a new file in the item's folder under ``comments/``, written atomically.

The file is new (``comment_name`` gives it the time, the author and a hash), so a write never
replaces anyone's comment, and two people commenting on two branches never conflict.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from worktext.edit import atomic
from worktext.errors import WorktextError
from worktext.history import gitio
from worktext.model.discussion import comment_name, comment_text
from worktext.model.items import Person
from worktext.model.workspace import Workspace


def git_email(root: Path) -> str | None:
    """git's ``user.email`` in the workspace's repository, or None when unset (or no git)."""
    try:
        result = gitio.run(root, ["config", "--get", "user.email"], check=False)
    except gitio.GitError:
        return None
    email = result.stdout.decode("utf-8", "replace").strip()
    return email or None


def person_by_email(ws: Workspace, email: str) -> Person | None:
    wanted = email.strip().casefold()
    return next((p for p in ws.people if p.email and p.email.casefold() == wanted), None)


def default_author(ws: Workspace) -> str:
    """The person whose ``email`` is git's ``user.email``; WorktextError saying how to name
    one when there is none."""
    email = git_email(ws.config.root)
    if email is None:
        raise WorktextError(
            "no author: git's user.email is not set; pass --as PERSON or set it "
            "(git config user.email you@example.com)"
        )
    person = person_by_email(ws, email)
    if person is None:
        raise WorktextError(
            f"no person file has 'email: {email}' (git's user.email); add it to your person "
            "file, or pass --as PERSON"
        )
    return person.id


def item_key(ws: Workspace, item_id: str) -> str:
    """The id as a comment folder is named: the item's or document's own spelling."""
    found = ws.find(item_id)
    if found is not None and found[0] in ("task", "project", "goal", "person", "workflow"):
        return found[1].id
    doc = ws.discussion.document(item_id)
    if doc is not None:
        return doc.id
    raise WorktextError(f"no item or document with id '{item_id}'")


def plan_comment(
    ws: Workspace,
    item_id: str,
    body: str,
    author: str,
    now: dt.datetime,
    reply_to: str | None = None,
) -> atomic.Change:
    """The new comment file, as a change to write (its ``before`` is the file's absence)."""
    if not body.strip():
        raise WorktextError("the comment is empty; write what you have to say")
    key = item_key(ws, item_id)
    if ws.people.get(author) is None:
        raise WorktextError(f"no person with id '{author}'; see 'worktext ls' of people")
    author = ws.people.get(author).id
    if reply_to is not None:
        answered = ws.discussion.comment(key, reply_to)
        if answered is None:
            raise WorktextError(f"{key} has no comment '{reply_to}' to reply to")
        reply_to = answered.id
    folder = ws.config.root / ws.config.comments_folder / key
    path = folder / f"{comment_name(key, author, now, body)}.md"
    before = atomic.read(path)
    if before.exists:
        raise WorktextError(f"{path.name} exists already; wait a second and comment again")
    return atomic.Change(before, comment_text(author, now, body, reply_to).encode("utf-8"))


__all__ = ["default_author", "git_email", "person_by_email", "plan_comment"]
