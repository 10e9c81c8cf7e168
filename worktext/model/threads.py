"""An item's thread of comments as data (``show --format json``, ``comments``) and as text
lines (``show``, ``comments``)."""

from __future__ import annotations

from typing import Any

from worktext.model.discussion import Comment, depths
from worktext.model.workspace import Workspace


def comment_record(comment: Comment, depth: int = 0) -> dict[str, Any]:
    return {
        "id": comment.id,
        "hash": comment.hash,
        "item": comment.item,
        "path": comment.path,
        "author": comment.author,
        "date": comment.date.strftime("%Y-%m-%dT%H:%M:%SZ") if comment.date else None,
        "reply_to": comment.reply_to,
        "depth": depth,
        "body": comment.body,
    }


def thread_records(ws: Workspace, item_id: str) -> list[dict[str, Any]]:
    """The item's comments in thread order, as JSON-ready records."""
    thread = ws.discussion.thread(item_id)
    return [comment_record(c, d) for c, d in zip(thread, depths(thread), strict=True)]


def thread_lines(ws: Workspace, item_id: str) -> list[str]:
    """The item's thread as text: a heading line per comment (indented by reply depth),
    then its body; nothing when there are no comments."""
    thread = ws.discussion.thread(item_id)
    if not thread:
        return []
    lines = [f"comments ({len(thread)}):"]
    for comment, depth in zip(thread, depths(thread), strict=True):
        indent = "  " * (depth + 1)
        person = ws.people.get(comment.author)
        who = f"{comment.author} ({person.name})" if person and person.name else comment.author
        when = comment.date.strftime("%Y-%m-%d %H:%M UTC") if comment.date else "undated"
        reply = f", replying to {comment.reply_to.rsplit('-', 1)[-1]}" if comment.reply_to else ""
        lines.append(f"{indent}[{comment.hash}] {who}, {when}{reply}")
        for line in comment.body.strip("\n").splitlines():
            lines.append(f"{indent}  {line}" if line else "")
    return lines


__all__ = ["comment_record", "thread_lines", "thread_records"]
