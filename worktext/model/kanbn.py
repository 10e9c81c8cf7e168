"""A Kanbn board index (``.kanbn/index.md``): which column each task is in.

Kanbn keeps a task's status outside its file: the index lists the columns as ``## Column``
headings, each over a list of links to task files (``- [task-id](tasks/task-id.md)``), and
its front matter names the columns where work has started (``startedColumns``) and is done
(``completedColumns``). With ``mappings: {status_source: {kanbn: .kanbn/index.md}}`` worktext
reads a task's column as its status, for the current files (``load_config`` reads the index)
and for every version in git history (a column move in a commit of the index is a status
change of that task).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote

from worktext.load import yamlpos

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*(?:\n|\Z)", re.DOTALL)
_COLUMN = re.compile(r"^## +(.+?)[ \t#]*$", re.MULTILINE)
# A list item linking a task file: '- [text](target)' (or '*', '+').
_ITEM = re.compile(r"^[ \t]*[-*+][ \t]+\[([^\]\n]*)\]\(<?([^)>\n]+)>?\)", re.MULTILINE)


@dataclass(frozen=True)
class Board:
    """The columns in order, each with its task files (workspace-relative paths) in order."""

    name: str
    columns: tuple[tuple[str, tuple[str, ...]], ...]
    started: tuple[str, ...] = ()
    completed: tuple[str, ...] = ()

    def column_of(self) -> dict[str, str]:
        """Each task file's column (the first one that lists it)."""
        found: dict[str, str] = {}
        for column, paths in self.columns:
            for path in paths:
                found.setdefault(path, column)
        return found

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column for column, _ in self.columns)


def parse_index(text: str, index_path: str = ".kanbn/index.md") -> Board:
    """The board in an index's text. ``index_path``: the index's workspace-relative path, which
    the links are relative to. Never raises: what is not a column or a link is skipped."""
    text = text.replace("\r\n", "\n")
    started: tuple[str, ...] = ()
    completed: tuple[str, ...] = ()
    body = text
    match = _FRONT_MATTER.match(text)
    if match is not None:
        doc = yamlpos.parse(match.group(1), first_line=2)
        data = doc.data if doc.ok and isinstance(doc.data, dict) else {}
        started = _names(data.get("startedColumns"))
        completed = _names(data.get("completedColumns"))
        body = text[match.end() :]
    title = re.search(r"^# +(.+?)[ \t#]*$", body, re.MULTILINE)
    base = posixpath.dirname(index_path)
    headings = list(_COLUMN.finditer(body))
    columns = []
    for number, heading in enumerate(headings):
        end = headings[number + 1].start() if number + 1 < len(headings) else len(body)
        section = body[heading.end() : end]
        paths = tuple(_task_path(base, link) for _text, link in _ITEM.findall(section))
        columns.append((heading.group(1), tuple(p for p in paths if p)))
    return Board(title.group(1) if title else "", tuple(columns), started, completed)


def _names(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(v) for v in value if isinstance(v, (str, int, float)))
    return ()


def _task_path(base: str, link: str) -> str:
    """The workspace-relative path of a linked task file; '' for a link that is not one."""
    target = unquote(link.strip().split("#", 1)[0])
    if not target.endswith(".md") or "://" in target or target.startswith("/"):
        return ""
    path = posixpath.normpath(posixpath.join(base, target))
    return "" if path.startswith("../") else path
