"""An imported task's body: the tool's description, then its comments.

Comments go under a ``## Comments`` heading in the body: ``render_comments`` is the one place
that writes them, so that they can move to files of their own when worktext has them."""

from __future__ import annotations

from collections.abc import Sequence

from worktext.importers.base import Comment, Record

COMMENTS_HEADING = "## Comments"


def task_body(record: Record) -> str:
    """The body of the file of ``record``: ends with one line break, or is empty."""
    parts = [_text(record.body)] if _text(record.body) else []
    comments = render_comments(record.comments)
    if comments:
        parts.append(comments)
    return "\n\n".join(parts) + "\n" if parts else ""


def render_comments(comments: Sequence[Comment]) -> str:
    """``## Comments``, then each comment as ``**author** · date`` and its text."""
    if not comments:
        return ""
    blocks = [COMMENTS_HEADING]
    for comment in comments:
        when = f" · {comment.date}" if comment.date else ""
        blocks.append(f"**{comment.author}**{when}")
        text = _text(comment.body)
        if text:
            blocks.append(text)
    return "\n\n".join(blocks)


def _text(text: str) -> str:
    """Text with Unix line breaks, without blank lines before it or blank space after it."""
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\n").rstrip()
