"""The front matter most files have, read without the YAML parser, with the same result.

``parse_simple`` gives data with every key's position (what ``worktext check`` needs);
``simpleyaml.simple_front_matter`` reads the same kind of subset for data only, about three
times faster (what history needs for tens of thousands of file versions).

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

from worktext.load.yamlpos import Path, Span, YamlDoc, ambiguity, resolve_plain

# 'key: value # comment'. A value holds no '#' at all (a '#' inside a value is rare, and the
# full parser reads it), which keeps the pattern free of backtracking.
_KEY_LINE = re.compile(r"([A-Za-z_][\w-]*):(?: +([^ #](?:[^#]*[^ #])?))?(?: +#.*)? *\Z", re.ASCII)
# A plain scalar of the safe kind: no indicator first, no ': ' or ' #' inside, no flow
# characters, no trailing space.
_PLAIN = re.compile(r"[\w(][\w ./+();=<>~^$%!?&:-]*(?<![ :])\Z|[\w(]\Z")
_PLAIN_ITEM = re.compile(r"[\w(][\w ./+();=<>~^$%!?&-]*(?<! )\Z|[\w(]\Z")
_DOUBLE = re.compile(r'"([^"\\]*)"\Z')
_SINGLE = re.compile(r"'([^']*)'\Z")
_ITEM_LINE = re.compile(r"( *)- +([^ #](?:[^#]*[^ #])?)(?: +#.*)? *\Z")
_COMMENT = re.compile(r" *(#.*)?\Z")
_SPECIAL_KEYS = frozenset({"null", "true", "false", "yes", "no", "on", "off", "y", "n", "~"})
_NOT = object()


_UNSEEN = object()
_SCALARS: dict[str, Any] = {}  # raw text → value (or _NOT): most values recur across files
# Only short texts are kept (those that recur: dates, states, names; not titles), and at most
# so many, so that a long-lived process (serve, the MkDocs plugin) holds under 25 MiB in all
# three memos.
_MEMO_LENGTH = 40
_SCALARS_MAX = 50_000
# Whole 'key: value' lines recur too ('status: todo'): line → (key, value, its columns).
_LINES: dict[str, tuple[str, Any, int, int]] = {}
_LINES_MAX = 50_000


def _scalar(text: str) -> Any:
    """The value of a simple scalar, or _NOT when the text is not one."""
    try:
        return _SCALARS[text]
    except KeyError:
        pass
    value = _read_scalar(text)
    if len(text) <= _MEMO_LENGTH and len(_SCALARS) < _SCALARS_MAX:
        _SCALARS[text] = value
    return value


def _read_scalar(text: str) -> Any:
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
    keys: dict[Path, Span] = {}
    values: dict[Path, Span] = {}
    open_key: str | None = None  # a 'key:' whose block list may follow
    items: list[Any] = []
    indent = -1
    # The list item being read when it is a set of keys over several lines (a time log entry):
    # its keys, its path, the column its keys start at and where it starts.
    record: dict[str, Any] | None = None
    record_path: Path = ()
    record_pad = ""
    record_start = (0, 0)
    last = len(lines) - 1
    known = _SCALARS.get
    known_line = _LINES.get
    for index, line in enumerate(lines):
        number = index + first_line
        if open_key is not None:
            if (
                record is not None
                and line.startswith(record_pad)
                and line[len(record_pad) : len(record_pad) + 1] not in ("", " ", "#")
            ):
                entry = _KEY_LINE.match(line, len(record_pad))
                if entry is None or not _entry(entry, number, record_path, record, keys, values):
                    return None
                continue
            item = _ITEM_LINE.match(line)
            if item is not None and (indent < 0 or len(item.group(1)) == indent):
                if indent < 0:
                    indent = len(item.group(1))
                    values[(open_key,)] = (number, indent + 1, 0, 0)
                if record is not None:  # a set of keys ends where the next item starts
                    values[record_path] = (*record_start, number, indent + 1)
                    record = None
                text = item.group(2)
                column = item.start(2) + 1
                path = (open_key, len(items))
                if text[0] == "{":  # a set of keys on one line, as time log entries are
                    value = _flow_mapping(text, number, column, path, keys, values)
                    if value is None:
                        return None
                    values[path] = (number, column, number, column + len(text))
                else:
                    entry = _KEY_LINE.match(line, column - 1)
                    if entry is not None:  # the first key of a set of keys
                        record, record_path = {}, path
                        record_pad, record_start = " " * (column - 1), (number, column)
                        if not _entry(entry, number, path, record, keys, values):
                            return None
                        value = record
                    else:
                        value = _scalar(text)
                        if value is _NOT:
                            return None
                        values[path] = (number, column, number, column + len(text))
                items.append(value)
                continue
            if _COMMENT.match(line):
                continue  # blank lines and comments do not end a block list
            if indent < 0:
                return None  # its first item is not a simple one
            if record is not None:
                values[record_path] = (*record_start, number, 1)
                record = None
            _close(open_key, items, number, data, values)
            open_key = None
        seen = known_line(line)
        if seen is not None:  # a 'key: value' line read before, in this file or another
            key, value, column, end = seen
            if key in data:
                return None
            data[key] = value
            keys[(key,)] = (number, 1, number, len(key) + 1)
            values[(key,)] = (number, column, number, end)
            continue
        if not line or line[0] in " #":
            if _COMMENT.match(line):
                continue
            return None
        match = _KEY_LINE.match(line)
        if match is None:
            return None
        key, text = match.groups()
        if key in data or (len(key) < 6 and key.lower() in _SPECIAL_KEYS):
            return None
        keys[(key,)] = (number, 1, number, len(key) + 1)
        if not text:
            column = len(key) + 2  # libyaml places a missing value right after the ':'
            if index == last or not lines[index + 1].lstrip(" ").startswith("-"):
                data[key] = None
                values[(key,)] = (number, column, number, column)
                continue
            open_key, items, indent = key, [], -1
            data[key] = None
            continue
        column = match.start(2) + 1
        if text[0] == "[":
            parsed = _flow_list(text, number, column, (key,), values)
            if parsed is None:
                return None
            data[key] = parsed
            continue
        value = known(text, _UNSEEN)
        if value is _UNSEEN:
            value = _scalar(text)
        if value is _NOT:
            return None
        data[key] = value
        values[(key,)] = (number, column, number, column + len(text))
        if len(line) <= _MEMO_LENGTH and len(_LINES) < _LINES_MAX:
            _LINES[line] = (key, value, column, column + len(text))
    # libyaml ends what is still open at the start of the line after the last one, except
    # that a last line of only a comment or spaces first ends what is indented beyond it.
    end_line = first_line + len(lines) - block.endswith("\n")
    tail = len(lines[-1]) if _COMMENT.match(lines[-1]) else len(block)
    if record is not None:
        if len(record_pad) > tail:
            values[record_path] = (*record_start, first_line + last, tail + 1)
        else:
            values[record_path] = (*record_start, end_line, 1)
    if open_key is not None:
        _close(open_key, items, end_line, data, values)
        if indent > tail:
            start = values[(open_key,)]
            values[(open_key,)] = (start[0], start[1], first_line + last, tail + 1)
    if not data:
        return None
    first_key = next(iter(keys.values()))  # the mapping starts at its first key
    values[()] = (first_key[0], 1, end_line, 1)
    return YamlDoc(data, keys, values, [], True)


def _entry(
    match: re.Match[str],
    line: int,
    path: Path,
    record: dict[str, Any],
    keys: dict[Path, Span],
    values: dict[Path, Span],
) -> bool:
    """Add one ``key: value`` line of a list item's set of keys; False when it is not simple
    (an empty value or a nested block among them)."""
    key, text = match.groups()
    if not text or key in record or key.lower() in _SPECIAL_KEYS:
        return False
    key_column = match.start(1) + 1
    keys[(*path, key)] = (line, key_column, line, key_column + len(key))
    column = match.start(2) + 1
    if text[0] == "[":
        parsed = _flow_list(text, line, column, (*path, key), values)
        if parsed is None:
            return False
        record[key] = parsed
        return True
    value = _scalar(text)
    if value is _NOT:
        return False
    record[key] = value
    values[(*path, key)] = (line, column, line, column + len(text))
    return True


def _close(
    key: str,
    items: list[Any],
    next_line: int,
    data: dict[str, Any],
    values: dict[Path, Span],
) -> None:
    """Finish a block list: libyaml ends it where the next line starts."""
    start = values[(key,)]
    values[(key,)] = (start[0], start[1], next_line, 1)
    data[key] = items


_FLOW_ENTRY = re.compile(r"( *)([A-Za-z_][A-Za-z0-9_-]*): +(.*?) *\Z")


def _flow_mapping(
    text: str,
    line: int,
    column: int,
    path: Path,
    keys: dict[Path, Span],
    values: dict[Path, Span],
) -> dict[str, Any] | None:
    """``{key: value, ...}`` of simple words on one line, or None. Values may not hold ':',
    quotes or brackets (the flow rules for those differ from block lines'): those go to the
    full parser."""
    if not text.endswith("}") or any(c in text[1:-1] for c in "{}[]\"'#"):
        return None
    inner = text[1:-1]
    out: dict[str, Any] = {}
    if not inner.strip():
        return out
    offset = 1
    for part in inner.split(","):
        entry = _FLOW_ENTRY.match(part)
        if entry is None:
            return None
        lead, key, raw = entry.groups()
        if key in out or key.lower() in _SPECIAL_KEYS or ":" in raw:
            return None
        value = _scalar(raw)
        if value is _NOT:
            return None
        start = column + offset + len(lead)
        keys[(*path, key)] = (line, start, line, start + len(key))
        value_start = column + offset + entry.start(3)
        values[(*path, key)] = (line, value_start, line, value_start + len(raw))
        out[key] = value
        offset += len(part) + 1
    return out


def _flow_list(
    text: str, line: int, column: int, path: Path, values: dict[Path, Span]
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
            value = _FLOW_ITEMS.get(stripped, _UNSEEN)
            if value is _UNSEEN:
                value = _flow_item(stripped)
                if len(stripped) <= _MEMO_LENGTH and len(_FLOW_ITEMS) < _SCALARS_MAX:
                    _FLOW_ITEMS[stripped] = value
            if value is _NOT:
                return None
            start = column + offset + lead
            values[(*path, len(out))] = (line, start, line, start + len(stripped))
            out.append(value)
            offset += len(part) + 1
    values[path] = (line, column, line, column + len(text))
    return out


_FLOW_ITEMS: dict[str, Any] = {}  # an entry of a '[a, b]' list → value (labels recur)


def _flow_item(text: str) -> Any:
    if text[0] not in "\"'" and not _PLAIN_ITEM.match(text):
        return _NOT
    if "," in text or text.startswith("-"):
        return _NOT
    return _scalar(text)
