"""Comments on items and the workspace's documents, read from their folders.

A comment is one file, ``comments/<ITEM-ID>/<UTC timestamp>-<author>-<hash>.md``: front matter
``author``, ``date`` and an optional ``reply_to`` (another comment's id or hash), and a Markdown
body. One file per comment is what makes comments merge-safe: two people commenting on the
same item on two branches add two different files, which git merges without a conflict. A
comment's id is its file name without ``.md``; its hash is the part after the last ``-``.

A document is any Markdown file under ``docs/`` (``folders: {docs: ...}``), front matter
optional (``title``, ``owner``, ``status``, ``type``, ``date``, ``id``); its id is its ``id``,
else its path below the folder without ``.md`` (``decisions/0001-use-git``). Comments on a
document live in a folder named by that id.

``discussion_load`` reads them all into a ``Discussion``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from worktext.model.diagnostics import Diagnostic
from worktext.model.values import id_key

DOCUMENT_TYPES = ("decision", "note", "spec")


class Comment(NamedTuple):
    """One comment. A named tuple, not a frozen dataclass: a workspace holds tens of
    thousands, and building a tuple is several times cheaper."""

    id: str  # the file name without .md
    item: str  # the id of the item it is on (its folder's name)
    path: str  # relative to the workspace root
    author: str
    date: dt.datetime | None
    body: str
    reply_to: str | None = None
    body_line: int = 1

    @property
    def hash(self) -> str:
        return self.id.rsplit("-", 1)[-1]


@dataclass(frozen=True, slots=True)
class Document:
    id: str  # the path below the documents folder, without .md
    path: str
    title: str
    body: str
    owner: str | None = None
    status: str | None = None
    type: str | None = None
    date: dt.date | None = None
    body_line: int = 1


@dataclass
class Discussion:
    """Every comment by the key of the item it is on, and every document by id."""

    comments: dict[str, list[Comment]] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    fingerprint: str | None = ""  # "": no files; None: a file too new to be trusted
    file_count: int = 0  # comment and document files read
    digests: dict[str, str] = field(default_factory=dict)  # of each file's row, by path

    def thread(self, item_id: str) -> list[Comment]:
        """The comments on an item: oldest first, each reply right after what it answers."""
        comments = self.comments.get(id_key(item_id), [])
        return thread_order(comments)

    def all_comments(self) -> Iterator[Comment]:
        for key in sorted(self.comments):
            yield from self.comments[key]

    def comment(self, item_id: str, ref: str) -> Comment | None:
        """A comment on ``item_id`` by its id or its hash."""
        return find_comment(self.comments.get(id_key(item_id), []), ref)

    def document(self, doc_id: str) -> Document | None:
        found = self.documents.get(doc_id)
        if found is not None:
            return found
        key = id_key(doc_id)
        return next((d for d in self.documents.values() if id_key(d.id) == key), None)

    def document_at(self, rel: str) -> Document | None:
        """The document whose file is ``rel`` (relative to the workspace root)."""
        return next((d for d in self.documents.values() if d.path == rel), None)


def find_comment(comments: Iterable[Comment], ref: str) -> Comment | None:
    for comment in comments:
        if ref in (comment.id, comment.hash):
            return comment
    return None


def thread_order(comments: list[Comment]) -> list[Comment]:
    """Oldest first, each reply (depth first) right after the comment it answers; a reply to
    a comment that is not there is a top-level comment."""
    ordered = sorted(comments, key=lambda c: (c.date or dt.datetime.min, c.id))
    known = {c.id for c in ordered} | {c.hash for c in ordered}
    children: dict[str, list[Comment]] = {}
    roots: list[Comment] = []
    for comment in ordered:
        parent = comment.reply_to
        if parent and parent in known:
            target = find_comment(ordered, parent)
            children.setdefault(target.id if target else parent, []).append(comment)
        else:
            roots.append(comment)
    out: list[Comment] = []
    seen: set[str] = set()

    def visit(comment: Comment) -> None:
        if comment.id in seen:
            return
        seen.add(comment.id)
        out.append(comment)
        for child in children.get(comment.id, ()):
            visit(child)

    for root in roots:
        visit(root)
    out.extend(c for c in ordered if c.id not in seen)  # replies in a circle
    return out


def depths(comments: list[Comment]) -> list[int]:
    """How many replies deep each comment of a thread is (0: it answers nothing), in order.
    A reply's target is the first comment with that id or hash (as ``find_comment`` finds
    it); a chain that comes round in a circle stops where it would repeat."""
    by_ref: dict[str, Comment] = {}
    for comment in comments:
        by_ref.setdefault(comment.id, comment)
        by_ref.setdefault(comment.hash, comment)
    out = []
    for comment in comments:
        depth, current, seen = 0, comment, set()
        while current.reply_to and current.id not in seen:
            seen.add(current.id)
            parent = by_ref.get(current.reply_to)
            if parent is None:
                break
            depth, current = depth + 1, parent
        out.append(depth)
    return out


# -- file names ----------------------------------------------------------------------------


def comment_stamp(when: dt.datetime) -> str:
    return when.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def comment_name(item_id: str, author: str, when: dt.datetime, body: str) -> str:
    """A comment's file name (without .md): its time, author and a hash of what it says."""
    stamp = comment_stamp(when)
    digest = hashlib.sha1(f"{item_id}\0{author}\0{stamp}\0{body}".encode()).hexdigest()[:7]
    return f"{stamp}-{author}-{digest}"


def comment_text(author: str, when: dt.datetime, body: str, reply_to: str | None) -> str:
    """A comment file's text."""
    stamp = when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = ["---", f"author: {author}", f"date: {stamp}"]
    if reply_to:
        lines.append(f"reply_to: {reply_to}")
    lines.append("---")
    return "\n".join(lines) + "\n" + body.rstrip("\n") + "\n"


def parse_timestamp(value: Any) -> dt.datetime | None:
    """An ISO 8601 date or date-time as an aware UTC date-time; None if it is not one."""
    if isinstance(value, dt.datetime):
        when = value
    elif isinstance(value, dt.date):
        when = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            when = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(dt.timezone.utc)


__all__ = [
    "Comment",
    "Discussion",
    "Document",
    "comment_name",
    "comment_text",
    "depths",
    "find_comment",
    "parse_timestamp",
    "thread_order",
]
