"""Rules over comments, mentions and links: what ``check`` says about the discussion.

* ``invalid-comment``: a comment on an item that does not exist, or a reply to a comment that
  is not there;
* ``guest``: a comment's author has no person file;
* ``unknown-mention``: an ``@name`` that is no person and no team (with a did-you-mean);
* ``broken-link``: a relative link or image in a body, comment or document whose target is
  not in the workspace.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterator

from worktext.model.diagnostics import Diagnostic
from worktext.model.discussion import find_comment
from worktext.model.mentions import Names, link_path, mentions
from worktext.model.workspace import Workspace


def texts(ws: Workspace, needle: str) -> Iterator[tuple[str, str, int]]:
    """(path, text, file line of the text's first line) of every body, comment and document
    that could hold a mention (``needle`` "@") or a link ("]("): each rule looks for its own,
    once. For an item's body the line is 0: it is looked up (``body_line``)
    only when a problem is found in it."""
    for _kind, registry in ws.registries():
        for item in registry:
            body = getattr(item, "body", "")
            if body and needle in body:
                yield item.path, body, 0
    for comment in ws.discussion.all_comments():
        if needle in comment.body:
            yield comment.path, comment.body, comment.body_line
    for doc in ws.discussion.documents.values():
        if needle in doc.body:
            yield doc.path, doc.body, doc.body_line


def _first_line(ws: Workspace, path: str, given: int) -> int:
    if given:
        return given
    source = ws.positions(path)
    return source.body_line if source is not None else 1


def comment_rules(ws: Workspace) -> Iterator[Diagnostic]:
    discussion = ws.discussion
    people = ws.people
    known_people = people.ids()
    for _key, comments in sorted(discussion.comments.items()):
        first = comments[0]
        if ws.find(first.item) is None and discussion.document(first.item) is None:
            for comment in comments:
                yield Diagnostic(
                    comment.path,
                    1,
                    1,
                    "error",
                    "invalid-comment",
                    f"a comment on '{comment.item}', which is no item or document",
                    "move the comment into the folder named by its item's id",
                )
        for comment in comments:
            if comment.author not in people:
                close = difflib.get_close_matches(comment.author, known_people, n=1)
                yield Diagnostic(
                    comment.path,
                    2,
                    1,
                    "warning",
                    "guest",
                    f"the comment's author '{comment.author}' has no person file",
                    f"did you mean '{close[0]}'?" if close else "add a person file for them",
                )
            if comment.reply_to and find_comment(comments, comment.reply_to) is None:
                yield Diagnostic(
                    comment.path,
                    1,
                    1,
                    "warning",
                    "invalid-comment",
                    f"a reply to '{comment.reply_to}', which is no comment on {comment.item}",
                    "name the comment answered by its id (its file name) or its hash",
                )


def unknown_mentions(ws: Workspace) -> Iterator[Diagnostic]:
    names = Names(list(ws.people))
    for path, text, first_line in texts(ws, "@"):
        for found in mentions(text):
            if names.resolve(found.text) is not None:
                continue
            close = names.suggestion(found.text)
            first_line = _first_line(ws, path, first_line)
            yield Diagnostic(
                path,
                first_line + found.line,
                found.column + 1,
                "warning",
                "unknown-mention",
                f"'@{found.text}' is no person and no team",
                f"did you mean '@{close}'?" if close else "mention a person's id or a team",
                first_line + found.line,
                found.column + 2 + len(found.text),
            )


def broken_links(ws: Workspace) -> Iterator[Diagnostic]:
    root = str(ws.config.root)
    real_root = os.path.realpath(root)
    for path, text, first_line in texts(ws, "]("):
        for found in ws.links(path, text):
            target = link_path(path, found.text)
            what = "image" if found.image else "link"
            if target is None:
                problem = f"the {what} '{found.text}' leads outside the workspace"
            else:
                full = os.path.realpath(os.path.join(root, target))
                inside = full == real_root or full.startswith(real_root + os.sep)
                if inside and os.path.exists(full):
                    continue
                problem = (
                    f"the {what} '{found.text}' points at {target}, which does not exist"
                    if inside
                    else f"the {what} '{found.text}' leads outside the workspace"
                )
            first_line = _first_line(ws, path, first_line)
            yield Diagnostic(
                path,
                first_line + found.line,
                found.column + 1,
                "warning",
                "broken-link",
                problem,
                "fix the path (relative to this file), or add the file",
                first_line + found.line,
                found.column + 1 + len(found.text),
            )


RULES = (comment_rules, unknown_mentions, broken_links)
