"""Moving a task on a Kanbn board: its link line goes from one column of ``.kanbn/index.md``
to another, and nothing else of the index changes.

With ``mappings: {status_source: {kanbn: ...}}`` a task's status is its column, so
``worktext move`` edits the index, not the task file (Kanbn itself would ignore a status
written there).
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import quote

from worktext.edit import atomic
from worktext.errors import WorktextError
from worktext.model import kanbn
from worktext.model.config import Config

_HEADING = re.compile(r"^(#{1,6}) +(.+?)[ \t#]*$")


def column_for(config: Config, state: str) -> str:
    """The board column that reads as ``state`` (the first, in board order)."""
    mappings = config.mappings
    board = _board(config)
    for column in board.column_names:
        if mappings.status(column) == state or column == state:
            return column
    columns = ", ".join(board.column_names) or "none"
    raise WorktextError(
        f"no column of {mappings.kanbn} reads as the state '{state}' (columns: {columns}); "
        "add a '## Column' heading for it, or map a column to it under mappings: statuses:"
    )


def move_on_board(config: Config, task_rel: str, column: str) -> atomic.Change:
    """The change to the board index that moves ``task_rel``'s link under ``column``."""
    index = config.mappings.kanbn or ""
    before = atomic.read(config.root / index)
    if before.content is None:
        raise WorktextError(f"{index} does not exist; it is where the board keeps statuses")
    text = before.content.decode("utf-8-sig")
    after = move_link(text, index, task_rel, column)
    bom = b"\xef\xbb\xbf" if before.content.startswith(b"\xef\xbb\xbf") else b""
    return atomic.Change(before, bom + after.encode("utf-8"))


def move_link(text: str, index: str, task_rel: str, column: str) -> str:
    """``text`` (a board index) with the link to ``task_rel`` moved to the end of the list
    under ``## column``; a task not on the board gets a new link there."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.split(newline)
    base = posixpath.dirname(index)
    link_line = None
    for number, line in enumerate(lines):
        found = kanbn._ITEM.match(line)
        if found and kanbn._task_path(base, found.group(2)) == task_rel:
            link_line = lines.pop(number)
            break
    if link_line is None:
        name = posixpath.basename(task_rel)[:-3]
        target = quote(posixpath.relpath(task_rel, base or "."), safe="/")
        link_line = f"- [{name}]({target})"
    start = _heading_line(lines, column)
    if start is None:
        raise WorktextError(f"{index} has no column '## {column}'")
    end = start + 1
    last_item = None
    while end < len(lines) and not _HEADING.match(lines[end]):
        if kanbn._ITEM.match(lines[end]):
            last_item = end
        end += 1
    if last_item is not None:
        lines.insert(last_item + 1, link_line)
    else:  # an empty column: a blank line after the heading, the link, a blank line
        lines[start + 1 : start + 1] = ["", link_line] + ([""] if start + 1 < len(lines) else [])
        _squeeze_blanks(lines, start + 1)
    return newline.join(lines)


def _heading_line(lines: list[str], column: str) -> int | None:
    for number, line in enumerate(lines):
        found = _HEADING.match(line)
        if found and len(found.group(1)) == 2 and found.group(2) == column:
            return number
    return None


def _squeeze_blanks(lines: list[str], at: int) -> None:
    """At most one blank line around the new link at ``at`` (its blank line before it)."""
    while at + 3 < len(lines) and lines[at + 2] == "" and lines[at + 3] == "":
        del lines[at + 3]


def _board(config: Config) -> kanbn.Board:
    index = config.mappings.kanbn or ""
    try:
        raw = (config.root / index).read_bytes()
    except OSError as exc:
        raise WorktextError(f"{index}: cannot be read ({exc.strerror or exc})") from None
    return kanbn.parse_index(raw.decode("utf-8-sig", "replace"), index)
