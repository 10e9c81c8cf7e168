"""The front matter most files have, read without the YAML parser, with the same result.

Most item files hold only top-level ``key: value`` lines whose values are simple words,
quoted strings without escapes, and lists of those (``[a, b]`` or ``- a`` lines). This module
reads exactly that subset line by line and returns the very ``YamlDoc`` (data, every span,
no problems) that ``yamlpos.parse`` returns for it; anything else, including anything the
full parser would warn about, returns None and the file goes through ``yamlpos``. A property
test holds the two equal. It exists because parsing is most of a cold ``worktext check``.
"""

from __future__ import annotations

import re
from typing import Any

from .yamlpos import Span, YamlDoc, ambiguity, resolve_plain

_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?:( +)(.*?))?( +#.*)? *\Z")
# A plain scalar of the safe kind: no indicator first, no ': ' or ' #' inside, no flow
# characters, no trailing space.
_PLAIN = re.compile(r"[\w(][\w ./+();=<>~^$%!?&-]*(?<! )\Z|[\w(]\Z")
_PLAIN_ITEM = re.compile(r"[\w(][\w ./+();=<>~^$%!?&-]*(?<! )\Z|[\w(]\Z")
_DOUBLE = re.compile(r'"([^"\\]*)"\Z')
_SINGLE = re.compile(r"'([^']*)'\Z")
_ITEM_LINE = re.compile(r"( *)- +(.*?)( +#.*)? *\Z")
_COMMENT = re.compile(r" *(#.*)?\Z")
_SPECIAL_KEYS = frozenset({"null", "true", "false", "yes", "no", "on", "off", "y", "n", "~"})
_NOT = object()


def _scalar(text: str) -> Any:
    """The value of a simple scalar, or _NOT when the text is not one."""
    if not text:
        return _NOT
    first = text[0]
    if first == '"':
        match = _DOUBLE.match(text)
        return match.group(1) if match else _NOT
    if first == "'":
        match = _SINGLE.match(text)
        return match.group(1) if match else _NOT
    if not _PLAIN.match(text) or ": " in text or " #" in text or ambiguity(text):
        return _NOT
    return resolve_plain(text)


def parse_simple(block: str, first_line: int = 1) -> YamlDoc | None:
    """The parse of ``block`` (no trailing newline) if it is of the simple kind, else None."""
    if "\t" in block or "\r" in block or not block:
        return None
    lines = block.split("\n")
    data: dict[str, Any] = {}
    keys: dict[tuple[str | int, ...], Span] = {}
    values: dict[tuple[str | int, ...], Span] = {}
    open_key: str | None = None  # a 'key:' whose block list may follow
    items: list[Any] = []
    indent = -1
    last = len(lines) - 1
    for index, line in enumerate(lines):
        number = index + first_line
        if open_key is not None:
            item = _ITEM_LINE.match(line)
            if item is not None and (indent < 0 or len(item.group(1)) == indent):
                if indent < 0:
                    indent = len(item.group(1))
                    values[(open_key,)] = (number, indent + 1, 0, 0)
                text = item.group(2)
                value = _scalar(text)
                if value is _NOT:
                    return None
                column = item.start(2) + 1
                values[(open_key, len(items))] = (number, column, number, column + len(text))
                items.append(value)
                continue
            if _COMMENT.match(line):
                continue  # blank lines and comments do not end a block list
            _close(open_key, items, number, data, values)
            open_key = None
        if not line or line[0] == " " or line[0] == "#":
            if _COMMENT.match(line):
                continue
            return None
        match = _KEY_LINE.match(line)
        if match is None:
            return None
        key, space, text, _comment = match.groups()
        if key in data or key.lower() in _SPECIAL_KEYS:
            return None
        keys[(key,)] = (number, 1, number, len(key) + 1)
        if not text:
            column = len(key) + 2 + (len(space) if space else 0)
            if index == last or not lines[index + 1].lstrip(" ").startswith("-"):
                data[key] = None
                values[(key,)] = (number, column, number, column)
                continue
            open_key, items, indent = key, [], -1
            data[key] = None
            continue
        column = match.start(3) + 1
        if text[0] == "[":
            parsed = _flow_list(text, number, column, key, values)
            if parsed is None:
                return None
            data[key] = parsed
            continue
        value = _scalar(text)
        if value is _NOT:
            return None
        data[key] = value
        values[(key,)] = (number, column, number, column + len(text))
    # libyaml ends what is still open at the start of the line after the last one
    end_line = first_line + len(lines) - block.endswith("\n")
    if open_key is not None:
        _close(open_key, items, end_line, data, values)
    if not data:
        return None
    first_key = min(span[0] for span in keys.values())  # the mapping starts at its first key
    values[()] = (first_key, 1, end_line, 1)
    return YamlDoc(data, keys, values, [], True)


def _close(
    key: str,
    items: list[Any],
    next_line: int,
    data: dict[str, Any],
    values: dict[tuple[str | int, ...], Span],
) -> None:
    """Finish a block list: libyaml ends it where the next line starts."""
    start = values[(key,)]
    values[(key,)] = (start[0], start[1], next_line, 1)
    data[key] = items


def _flow_list(
    text: str, line: int, column: int, key: str, values: dict[tuple[str | int, ...], Span]
) -> list[Any] | None:
    if not text.endswith("]") or text.count("[") != 1 or "{" in text:
        return None
    inner = text[1:-1]
    out: list[Any] = []
    if inner.strip():
        offset = 1
        for part in inner.split(","):
            stripped = part.strip(" ")
            if not stripped:
                return None
            lead = len(part) - len(part.lstrip(" "))
            if stripped[0] not in "\"'" and not _PLAIN_ITEM.match(stripped):
                return None
            value = _scalar(stripped)
            if value is _NOT or ("," in stripped) or (stripped.startswith("-")):
                return None
            start = column + offset + lead
            values[(key, len(out))] = (line, start, line, start + len(stripped))
            out.append(value)
            offset += len(part) + 1
    values[(key,)] = (line, column, line, column + len(text))
    return out
