"""The front matter most files have, read without libyaml, with the same result.

Most item files hold only top-level ``key: value`` lines whose values are simple words,
quoted strings without escapes, ``[a, b]`` lists of those, and block lists of those or of time
log entries (``- {date: …, duration: …}`` or a set of ``key: value`` lines under a dash).
``parse_simple`` reads exactly that subset line by line and returns the very ``YamlDoc`` that
``yamlpos.parse`` returns for it: the same data, every span (in the same order), no problems.

Anything else returns None, and the text goes to ``yamlpos``: every other shape, anything the
full parser would warn about, and any text holding a character other than printable ones and
the line feed (a tab, CR, NEL, LS, PS, BOM, control characters), because what those mean to
YAML is not a matter of lines. Declining is always safe. ``tests/test_fastyaml.py`` holds the
two readers equal on generated front matter this module accepts, and counts that it accepts
almost all of it.

It exists because parsing is most of a cold ``worktext check`` and of a cold history: about
40 µs a task file here, against 110 µs for libyaml's events and the builder over them.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from worktext.load.yamlpos import Path, YamlDoc, ambiguity, resolve_plain

# Any character but the line feed and printable ones: what makes the text not line-by-line.
_UNUSUAL = re.compile(
    "[^\n -~\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
_KEY = r"[A-Za-z_][A-Za-z0-9_-]*"
# 'key: value  # comment'. A value holds no '#' at all (the full parser reads those), which
# keeps the pattern free of backtracking, and ends with a character other than a space.
_VALUE = r"([^ #](?:[^#]*[^ #])?)"
_COMMENT = r"(?: +#.*)? *\Z"
_KEY_LINE = re.compile(rf"({_KEY}):(?: +{_VALUE})?{_COMMENT}")
_ITEM_LINE = re.compile(rf"( *)- +{_VALUE}{_COMMENT}")
_FLOW_ENTRY = re.compile(rf"( *)({_KEY}): +([^ ](?:.*[^ ])?) *\Z")
_BLANK = re.compile(r" *(?:#.*)?\Z")  # blank lines and comments, which YAML skips
_PLAIN_START = re.compile(r"[-+]?\.?[\w(]")
# In a flow collection libyaml ends a plain scalar at a ':' before '?' or ':' too.
_FLOW_COLON = re.compile(r":(?!\w)")
_DOUBLE = re.compile(r'"[^"\\]*"\Z')
_SINGLE = re.compile(r"'[^']*'\Z")
# Keys YAML reads as null or a boolean, or YAML 1.1 tools as a boolean: the full parser
# reports those.
_SPECIAL_KEYS = frozenset({"null", "true", "false", "yes", "no", "on", "off", "y", "n"})
_LONGEST_KEY = 1024  # libyaml's limit for a key on one line
_NOT = object()  # not of the simple kind


def parse_simple(block: str, first_line: int = 1) -> YamlDoc | None:
    """The parse of ``block`` (front matter that ends with a line break) if it is of the
    simple kind, else None. ``first_line`` is the file line of its first line."""
    if not block.endswith("\n") or _UNUSUAL.search(block):
        return None
    lines = block.split("\n")
    lines.pop()  # the nothing after the last line break
    doc = YamlDoc({})
    data: dict[str, Any] = doc.data
    values = doc.values
    # libyaml ends whatever is still open where the stream ends: the line after the last one.
    end = (first_line + len(lines), 1)
    index, count = 0, len(lines)
    while index < count:
        line = lines[index]
        number = first_line + index
        index += 1
        entry = _key_line(line)
        if entry is None:
            if _BLANK.match(line):
                continue
            return None
        key, text, column, scalar = entry
        if key in data:
            return None
        if scalar is not _NOT:
            value = scalar
            values[(key,)] = (number, column, number, column + len(text))
        elif text is None:
            found = _block_list(lines, index, first_line, key, doc, end)
            if found is None:
                return None
            value, index = found
            if value is None:  # 'key:' alone: null, placed right after the ':'
                values[(key,)] = (number, column, number, column)
            values[(key,)] = values.pop((key,))  # after its items, as yamlpos has it
        else:
            value = _value(text, (key,), number, column, doc)
            if value is _NOT:
                return None
        data[key] = value
        doc.keys[(key,)] = (number, 1, number, len(key) + 1)
    if not data:
        return None
    first_key = next(span for path, span in doc.keys.items() if len(path) == 1)
    values[()] = (first_key[0], 1, *end)  # the mapping starts at its first key
    return doc


# Lines and values recur across files ('status: done', dates, people); both memos are
# bounded, for long-lived processes (serve, the MkDocs plugin).
@functools.lru_cache(maxsize=1 << 15)
def _key_line(line: str) -> tuple[str, Any, int, Any] | None:
    """A top-level ``key: value`` line with a key of the simple kind: the key, the value's
    text (None for none), its column and, when it is a scalar of the simple kind, its value
    (else _NOT). None for any other line."""
    match = _KEY_LINE.match(line)
    if match is None or not _simple_key(match.group(1)):
        return None
    key, text = match.groups()
    if text is None:  # libyaml places a missing value right after the ':'
        return key, None, len(key) + 2, _NOT
    scalar = _NOT if text[0] in "[{" else _scalar(text, in_flow=False)
    return key, text, match.start(2) + 1, scalar


def _simple_key(key: str) -> bool:
    """Whether the full parser reads the plain key as that text, without a word."""
    return len(key) <= _LONGEST_KEY and key.lower() not in _SPECIAL_KEYS


def _block_list(
    lines: list[str], index: int, first_line: int, key: str, doc: YamlDoc, end: tuple[int, int]
) -> tuple[list[Any] | None, int] | None:
    """The block list under a bare ``key:`` at ``lines[index]`` on and the index of the line
    after it; (None, index) when no list follows (the value is null); None when the lines
    are not of the simple kind. An item is a scalar, a flow list or mapping, or a set of
    ``key: value`` lines whose first line holds the dash."""
    items: list[Any] = []
    dash = -1  # the column of the dashes
    record: dict[str, Any] | None = None  # the item being read when it is a set of keys
    pad, indent = 0, ""  # the column of its keys, and the spaces before them
    record_start: tuple[int, int] = (0, 0)
    next_token = end  # where the line after the list starts
    while index < len(lines):
        line = lines[index]
        number = first_line + index
        if _BLANK.match(line):
            index += 1
            continue
        if record is not None and line.startswith(indent) and line[pad : pad + 1] not in ("", " "):
            entry = _KEY_LINE.match(line, pad)
            if entry is None or not _record_entry(entry, number, (key, len(items)), record, doc):
                return None
            index += 1
            continue
        item = _ITEM_LINE.match(line)
        if item is None or (dash >= 0 and len(item.group(1)) != dash):
            next_token = (number, 1)
            break
        if record is not None:  # a set of keys ends where the next dash is
            items.append(record)
            doc.values[(key, len(items) - 1)] = (*record_start, number, dash + 1)
            record = None
        if dash < 0:
            dash = len(item.group(1))
            doc.values[(key,)] = (number, dash + 1, 0, 0)  # the end is filled in below
        path = (key, len(items))
        column = item.start(2)
        entry = _KEY_LINE.match(line, column)
        if entry is not None:  # the first key of a set of keys
            record, pad, record_start = {}, column, (number, column + 1)
            indent = " " * pad
            if not _record_entry(entry, number, path, record, doc):
                return None
        else:
            value = _value(item.group(2), path, number, column + 1, doc)
            if value is _NOT:
                return None
            items.append(value)
        index += 1
    if dash < 0:
        return None, index
    if record is not None:
        items.append(record)
        doc.values[(key, len(items) - 1)] = (*record_start, *next_token)
    start = doc.values[(key,)]
    doc.values[(key,)] = (start[0], start[1], *next_token)
    return items, index


def _record_entry(
    match: re.Match[str], line: int, path: Path, record: dict[str, Any], doc: YamlDoc
) -> bool:
    """Add one ``key: value`` line to a list item's set of keys; False when it is not of the
    simple kind (an empty value among them, say)."""
    key, text = match.groups()
    if text is None or key in record or not _simple_key(key):
        return False
    at = (*path, key)
    value = _value(text, at, line, match.start(2) + 1, doc)
    if value is _NOT:
        return False
    record[key] = value
    column = match.start(1) + 1
    doc.keys[at] = (line, column, line, column + len(key))
    doc.values[at] = doc.values.pop(at)
    return True


def _value(text: str, path: Path, line: int, column: int, doc: YamlDoc) -> Any:
    """The value of the text of one line from ``column`` on, its span (and its items'
    spans) recorded; _NOT when it is not of the simple kind."""
    first = text[0]
    if first == "[":
        value = _flow_list(text, path, line, column, doc)
    elif first == "{":
        value = _flow_mapping(text, path, line, column, doc)
    else:
        value = _scalar(text, in_flow=False)
    if value is not _NOT:
        doc.values[path] = (line, column, line, column + len(text))
    return value


def _flow_parts(text: str, brackets: str) -> list[str] | None:
    """The comma-separated parts between ``brackets`` (no other brackets inside)."""
    if text[-1] != brackets[1] or sum(text.count(c) for c in "[]{}") != 2:
        return None
    inner = text[1:-1]
    return inner.split(",") if inner.strip(" ") else []


def _flow_list(text: str, path: Path, line: int, column: int, doc: YamlDoc) -> Any:
    """``[a, b]`` of scalars on one line."""
    parts = _flow_parts(text, "[]")
    if parts is None:
        return _NOT
    items: list[Any] = []
    offset = column + 1  # the column of the part being read
    for part in parts:
        item = part.strip(" ")
        value = _scalar(item, in_flow=True) if item else _NOT
        if value is _NOT:
            return _NOT
        start = offset + len(part) - len(part.lstrip(" "))
        at = (*path, len(items))
        doc.values[at] = (line, start, line, start + len(item))
        items.append(value)
        offset += len(part) + 1
    return items


def _flow_mapping(text: str, path: Path, line: int, column: int, doc: YamlDoc) -> Any:
    """``{key: value, key: value}`` of scalars on one line, as time log entries are."""
    parts = _flow_parts(text, "{}")
    if parts is None:
        return _NOT
    mapping: dict[str, Any] = {}
    offset = column + 1
    for part in parts:
        entry = _FLOW_ENTRY.match(part)
        if entry is None or entry.group(2) in mapping or not _simple_key(entry.group(2)):
            return _NOT
        lead, key, item = entry.groups()
        value = _scalar(item, in_flow=True)
        if value is _NOT:
            return _NOT
        mapping[key] = value
        start, value_start = offset + len(lead), offset + entry.start(3)
        at = (*path, key)
        doc.keys[at] = (line, start, line, start + len(key))
        doc.values[at] = (line, value_start, line, value_start + len(item))
        offset += len(part) + 1
    return mapping


@functools.lru_cache(maxsize=1 << 15)
def _scalar(text: str, in_flow: bool) -> Any:
    """A quoted string without escapes, or a plain scalar that starts with a word character
    and that no YAML 1.1 tool reads differently; _NOT for any other text."""
    first = text[0]
    if first == '"':
        return text[1:-1] if _DOUBLE.match(text) else _NOT
    if first == "'":
        return text[1:-1] if _SINGLE.match(text) else _NOT
    if not _PLAIN_START.match(text) or ": " in text or text[-1] == ":" or ambiguity(text):
        return _NOT
    if in_flow and (any(c in text for c in ",[]{}") or _FLOW_COLON.search(text)):
        return _NOT
    return resolve_plain(text)
