"""The front matter of the most common shape, read for its data only (no positions), without
the YAML parser: what history needs for tens of thousands of file versions, about three times
faster than ``fastyaml.parse_simple`` (which ``worktext check`` uses, positions and all).
Anything outside the subset returns None and goes through the full parser; tests hold both to
the same data.
"""

from __future__ import annotations

import re
from typing import Any

from worktext.load.yamlpos import resolve_plain

# A trailing ' # comment' is dropped; a '#' anywhere else makes the line not simple.
_SIMPLE_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: +(.*?))?(?: +#.*)? *\Z")
_WORD = r"\w[\w./+-]*"
_SIMPLE_PLAIN = re.compile(rf"{_WORD}(?:[ :]{_WORD})*\Z")
_SIMPLE_QUOTED = re.compile(r"\"([^\"\\]*)\"\Z|'([^']*)'\Z")
_SIMPLE_ITEM = re.compile(rf"{_WORD}\Z")
_FLAT_LINE = re.compile(rf"([A-Za-z_][A-Za-z0-9_-]*): +({_WORD}(?:[ :]{_WORD})*)(?: +#.*)? *\Z")
# Plain words that YAML reads as null or booleans; every other plain word starting with a
# letter is the text itself.
_WORDS = frozenset({"null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE"})
_SIMPLE_BLOCK_ITEM = re.compile(r"( *)-( +)(\S.*?)(?: +#.*)? *\Z")


def simple_front_matter(raw: bytes) -> dict[str, Any] | None:
    """The front matter of the most common shape, read without the YAML parser; else None.

    Only top-level ``key: value`` lines (a value is a simple plain scalar, a quoted string
    without escapes, or a flow list of simple words), ``key:`` followed by a block list of
    such values, blank lines and whole-line comments. Anything else returns None and the file
    goes through ``parse_bytes``. Tests check that both give the same data on this subset;
    history reads tens of thousands of file versions, and the YAML parser is most of its time.
    """
    if not raw.startswith(b"---\n"):
        return None
    end = raw.find(b"\n---\n", 3)
    if end < 0 or raw.find(b"\n...", 3, end + 1) >= 0:
        return None
    block = raw[4 : end + 1]
    if b"\r" in block or b"\t" in block:
        return None
    try:
        lines = block.decode("utf-8").split("\n")[:-1]
    except UnicodeDecodeError:
        return None
    data: dict[str, Any] = {}
    open_list: list[Any] | None = None  # the block list being filled, under a bare 'key:'
    indent: str | None = None  # the indentation of its dashes
    record: dict[str, Any] | None = None  # its last item, when that is a set of keys
    record_indent = ""  # the indentation of that item's keys
    bare: list[str] = []
    for line in lines:
        if open_list is None:
            flat = _FLAT_LINE.match(line)
            if flat is not None:  # the usual 'key: word' line, in one step
                key, text = flat.groups()
                if key in data or key in _WORDS:
                    return None
                plain = text[0].isalpha() and text not in _WORDS
                data[key] = text if plain else resolve_plain(text)
                continue
        if not line.strip() or line.startswith("#"):
            continue
        if (
            record is not None
            and line.startswith(record_indent)
            and line[len(record_indent)] != " "
        ):
            if not _simple_entry(line[len(record_indent) :], record):
                return None
            continue
        if open_list is not None:
            item = _SIMPLE_BLOCK_ITEM.match(line)
            if item is not None and indent in (None, item.group(1)):
                indent = item.group(1)
                content = item.group(3)
                if _SIMPLE_KEY.match(content):
                    record = {}
                    record_indent = " " * (len(indent) + 1 + len(item.group(2)))
                    if not _simple_entry(content, record):
                        return None
                    open_list.append(record)
                    continue
                record = None
                value = _simple_value(content)
                if value is _NOT_SIMPLE or isinstance(value, list):
                    return None
                open_list.append(value)
                continue
        record = None
        match = _SIMPLE_KEY.match(line)
        if match is None:
            return None
        key, text = match.groups()
        text = text or None  # 'key: ' is the same as 'key:'
        if key in data or key in _WORDS:
            return None
        if text is None:
            open_list, indent = [], None
            data[key] = open_list
            bare.append(key)
            continue
        open_list = None
        value = _simple_value(text)
        if value is _NOT_SIMPLE:
            return None
        data[key] = value
    for key in bare:
        if not data[key]:
            data[key] = None  # 'key:' with nothing under it is null, not an empty list
    return data


_NOT_SIMPLE = object()


def _simple_entry(text: str, record: dict[str, Any]) -> bool:
    """Add one 'key: value' to a list item's keys; False when it is not that simple."""
    match = _SIMPLE_KEY.match(text)
    if match is None or not match.group(2):
        return False
    key = match.group(1)
    value = _simple_value(match.group(2))
    if key in record or key in _WORDS or value is _NOT_SIMPLE:
        return False
    record[key] = value
    return True


def _simple_value(text: str) -> Any:
    if not text:
        return _NOT_SIMPLE
    if _SIMPLE_PLAIN.match(text):
        return resolve_plain(text)
    if text[0] in "\"'":
        quoted = _SIMPLE_QUOTED.match(text)
        if quoted is None:
            return _NOT_SIMPLE
        return quoted.group(1) if quoted.group(1) is not None else quoted.group(2)
    if text[0] == "[" and text[-1] == "]":
        inner = text[1:-1]
        items = [item.strip() for item in inner.split(",")] if inner.strip() else []
        if not all(_SIMPLE_ITEM.match(item) for item in items):
            return _NOT_SIMPLE
        return [resolve_plain(item) for item in items]
    if text[0] == "{" and text[-1] == "}":
        record: dict[str, Any] = {}
        inner = text[1:-1]
        for entry in inner.split(",") if inner.strip() else ():
            entry = entry.strip()
            if entry[:1] in ("[", "{") or not _simple_entry(entry, record):
                return _NOT_SIMPLE
            if isinstance(record[next(reversed(record))], list | dict):
                return _NOT_SIMPLE
        return record
    return _NOT_SIMPLE
