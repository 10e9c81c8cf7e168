"""Lossless front matter edits: change one top-level key and leave every other byte alone.

An edit is a text splice, not a YAML re-dump: the key and value spans that ``source.py`` and
``yamlpos.py`` record tell which characters hold the value, and only those are replaced (or the
key's lines removed, or new lines inserted after the last key). Comments, key order, quoting,
indentation, blank lines, the BOM, CRLF line endings and the body are never touched. A new value
is written in the style of the file (block or flow lists, the old value's quotes, the file's
indentation). Every edit is verified: the result is parsed again and must hold exactly the
intended data, or the edit is refused and nothing is written.
"""

from __future__ import annotations

import codecs
import copy
import datetime as dt
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from worktext.errors import WorktextError
from worktext.load import yamlpos
from worktext.load.source import SourceFile, parse_bytes

Op = tuple[str, str, Any]  # ("set" | "unset" | "append" | "remove", key, value)


class EditError(WorktextError):
    """An edit that cannot be made without changing more than intended; nothing is written."""


@dataclass
class _Doc:
    """One file's text split into lines (with their endings), and its parse."""

    relpath: str
    bom: bool
    text: str
    source: SourceFile

    @classmethod
    def read(cls, raw: bytes, relpath: str) -> _Doc:
        source = parse_bytes(raw, relpath)
        _refuse_unreadable(source, relpath)
        root = source.values.get(())
        if source.data and root and _char_at(cls._lines(raw, source.bom), root) == "{":
            raise EditError(
                f"cannot edit {relpath}: its front matter is one {{...}} mapping; "
                "write it as 'key: value' lines, or edit it by hand."
            )
        text = raw[len(codecs.BOM_UTF8) :] if source.bom else raw
        return cls(relpath, source.bom, text.decode("utf-8"), source)

    @staticmethod
    def _lines(raw: bytes, bom: bool) -> list[str]:
        text = (raw[len(codecs.BOM_UTF8) :] if bom else raw).decode("utf-8")
        return text.split("\n")

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    @property
    def data(self) -> dict[str, Any]:
        return self.source.data or {}

    @property
    def newline(self) -> str:
        return self.source.newline

    def offset(self, line: int, column: int) -> int:
        lines = self.lines
        return sum(len(text) + 1 for text in lines[: line - 1]) + column - 1

    def line_end(self, line: int) -> int:
        """The offset just after line ``line``'s newline."""
        return self.offset(line + 1, 1)

    def to_bytes(self, text: str) -> bytes:
        return (codecs.BOM_UTF8 if self.bom else b"") + text.encode("utf-8")


def _refuse_unreadable(source: SourceFile, relpath: str) -> None:
    """Raise EditError when the front matter could not be read, or not without an error."""
    errors = [p for p in source.problems if p.severity == "error"]
    if source.data is None or errors:
        first = errors[0] if errors else None
        where = f" (line {first.span[0]}: {first.message})" if first else ""
        raise EditError(
            f"cannot edit {relpath}: its front matter cannot be read safely{where}. "
            "Fix the file by hand first ('worktext check' shows the problems)."
        )


def _char_at(lines: list[str], span: yamlpos.Span) -> str:
    text = lines[span[0] - 1] if span[0] - 1 < len(lines) else ""
    return text[span[1] - 1 : span[1]]


# -- the public operations -------------------------------------------------------------------


def apply(raw: bytes, relpath: str, ops: Iterable[Op]) -> bytes:
    """Apply each operation in turn; each one is verified before the next."""
    for op, key, value in ops:
        raw = OPERATIONS[op](raw, relpath, key, value)
    return raw


def set_key(raw: bytes, relpath: str, key: str, value: Any) -> bytes:
    doc = _Doc.read(raw, relpath)
    value = plain_data(value)
    intended = copy.deepcopy(doc.data)
    intended[key] = value
    if key not in doc.data:
        return _verify(doc, _insert_key(doc, key, value), intended)
    return _verify(doc, _replace_value(doc, key, value), intended)


def unset_key(raw: bytes, relpath: str, key: str, _value: Any = None) -> bytes:
    doc = _Doc.read(raw, relpath)
    if key not in doc.data:
        return raw
    intended = copy.deepcopy(doc.data)
    del intended[key]
    start = doc.offset(doc.source.keys[(key,)][0], 1)
    end_line = _value_end(doc, (key,))[0]
    return _verify(doc, _splice(doc, [(start, doc.line_end(end_line), "")]), intended)


def append_item(raw: bytes, relpath: str, key: str, item: Any) -> bytes:
    """Add ``item`` at the end of the list ``key`` (a scalar becomes a list of two)."""
    doc = _Doc.read(raw, relpath)
    item = plain_data(item)
    old = doc.data.get(key)
    if old is None:
        return set_key(raw, relpath, key, [item])
    if not isinstance(old, list):
        return set_key(raw, relpath, key, [old, item])
    intended = copy.deepcopy(doc.data)
    intended[key].append(item)
    span = doc.source.values[(key,)]
    if not old:
        return set_key(raw, relpath, key, intended[key])
    if _is_flow(doc, span):  # after the last item, so spacing and trailing commas stay
        last = doc.offset(*_value_end(doc, (key, len(old) - 1)))
        text = ", " + _flow(item, in_flow=True)
        return _verify(doc, _splice(doc, [(last, last, text)]), intended)
    dash, key_indent = _block_indents(doc, key)
    end_line = _value_end(doc, (key, len(old) - 1))[0]
    lines = _block_item_lines(item, dash, key_indent)
    text = "".join(line + "\n" for line in lines)
    edit = (doc.line_end(end_line), doc.line_end(end_line), text)
    return _verify(doc, _splice(doc, [edit]), intended)


def remove_items(raw: bytes, relpath: str, key: str, items: Iterable[Any]) -> bytes:
    """Remove every entry equal to one of ``items`` from the list (or scalar) ``key``."""
    doc = _Doc.read(raw, relpath)
    unwanted = [plain_data(item) for item in items]
    old = doc.data.get(key)
    if old is None:
        return raw
    entries = old if isinstance(old, list) else [old]
    kept = [entry for entry in entries if entry not in unwanted]
    if len(kept) == len(entries):
        return raw
    if not kept:
        return unset_key(raw, relpath, key)
    if not isinstance(old, list) or _is_flow(doc, doc.source.values[(key,)]):
        return set_key(raw, relpath, key, kept)
    intended = copy.deepcopy(doc.data)
    intended[key] = kept
    return _verify(doc, _splice(doc, _item_line_removals(doc, key, unwanted)), intended)


def _item_line_removals(doc: _Doc, key: str, unwanted: list[Any]) -> list[tuple[int, int, str]]:
    """The edits that remove the lines of each entry of the block list ``key`` that is one of
    ``unwanted``."""
    edits = []
    for index, entry in enumerate(doc.data[key]):
        if entry in unwanted:
            item_span = doc.source.values[(key, index)]
            start = doc.offset(item_span[0], 1)
            edits.append((start, doc.line_end(_value_end(doc, (key, index))[0]), ""))
    return edits


OPERATIONS: dict[str, Callable[[bytes, str, str, Any], bytes]] = {
    "set": set_key,
    "unset": unset_key,
    "append": append_item,
    "remove": remove_items,
}


def render_document(data: dict[str, Any], body: str = "", newline: str = "\n") -> bytes:
    """A new item file: front matter in worktext's own style, then the body."""
    lines = ["---"]
    for key, value in data.items():
        lines.extend(_entry_lines(key, plain_data(value), 0, 2, block_scalars=False))
    lines.append("---")
    text = "\n".join(lines) + "\n" + body
    if newline != "\n":
        text = text.replace("\n", newline)
    raw = text.encode("utf-8")
    parsed = parse_bytes(raw, "new")
    if parsed.data != {k: plain_data(v) for k, v in data.items()}:
        raise EditError("the new file's front matter does not read back as written")  # a bug
    return raw


def plain_data(value: Any) -> Any:
    """The value as the YAML reader returns it: dates as ISO text, tuples as lists."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [plain_data(item) for item in value]
    if isinstance(value, dict):
        return {str(k): plain_data(v) for k, v in value.items()}
    return value


# -- splicing --------------------------------------------------------------------------------


def _splice(doc: _Doc, edits: list[tuple[int, int, str]]) -> str:
    """Apply (start, end, text) replacements; inserted text gets the file's newline."""
    text = doc.text
    for start, end, new in sorted(edits, key=lambda e: e[0], reverse=True):
        text = text[:start] + new.replace("\n", doc.newline) + text[end:]
    return text


def _verify(doc: _Doc, text: str, intended: dict[str, Any]) -> bytes:
    raw = doc.to_bytes(text)
    after = parse_bytes(raw, doc.relpath)
    errors = [p for p in after.problems if p.severity == "error"]
    new_warnings = {(p.code, p.message) for p in after.problems} - {
        (p.code, p.message) for p in doc.source.problems
    }
    if errors or after.data != intended or after.body != doc.source.body or new_warnings:
        raise EditError(
            f"cannot edit {doc.relpath} without changing more than intended "
            "(the result does not read back as the intended data); nothing was written. "
            "Edit this key by hand."
        )
    return raw


# -- where values are ------------------------------------------------------------------------


def _is_flow(doc: _Doc, span: yamlpos.Span) -> bool:
    return _char_at(doc.lines, span) in ("[", "{")


def _is_block_collection(doc: _Doc, path: yamlpos.Path) -> bool:
    value = _get(doc.data, path)
    return (
        isinstance(value, list | dict)
        and bool(value)
        and not _is_flow(doc, doc.source.values[path])
    )


def _get(data: Any, path: yamlpos.Path) -> Any:
    for part in path:
        data = data[part]
    return data


def _value_end(doc: _Doc, path: yamlpos.Path) -> tuple[int, int]:
    """(line, column) just after the last character of the value: a block collection's end
    mark lies at the next key, after any comments, so its last child's end is used instead;
    a block scalar's end mark lies after its trailing blank lines."""
    span = doc.source.values[path]
    if _is_block_collection(doc, path):
        value = _get(doc.data, path)
        children = range(len(value)) if isinstance(value, list) else list(value)
        return max(_value_end(doc, (*path, child)) for child in children)
    line, column = span[2], span[3]
    lines = doc.lines
    if _char_at(lines, span) in ("|", ">") and line > span[0]:
        if column == 1:
            line -= 1
        header = lines[span[0] - 1][span[1] - 1 :].split(" ", 1)[0]
        keep = "+" in header  # '|+' keeps its trailing blank lines: they are its value
        while not keep and line > span[0] and not lines[line - 1].strip():
            line -= 1
        column = len(lines[line - 1].rstrip("\r")) + 1
    return line, column


def _colon_after_key(doc: _Doc, key: str) -> int:
    """The offset just after the ':' that follows a top-level key."""
    key_span = doc.source.keys[(key,)]
    line = doc.lines[key_span[2] - 1]
    colon = line.find(":", key_span[3] - 1)
    if colon < 0:
        raise EditError(
            f"cannot edit '{key}' in {doc.relpath}: its value is not on the key's line "
            "(an explicit '? key' entry); edit it by hand."
        )
    return doc.offset(key_span[2], colon + 2)


def _block_indents(doc: _Doc, key: str) -> tuple[int, int]:
    """Columns (0-based) of the dash of a block list's items and of their mapping keys."""
    dash = doc.source.values[(key,)][1] - 1
    first = doc.data[key][0]
    if isinstance(first, dict) and first:
        return dash, doc.source.keys[(key, 0, next(iter(first)))][1] - 1
    return dash, dash + 2


def _key_indent(doc: _Doc) -> int:
    keys = [span for path, span in doc.source.keys.items() if len(path) == 1]
    return keys[0][1] - 1 if keys else 0


def _sequence_indent(doc: _Doc) -> int | None:
    """How far the file indents the dashes of block lists under a key, or None if it has
    no block lists."""
    for path, span in doc.source.values.items():
        top_list = len(path) == 1 and isinstance(doc.data.get(str(path[0])), list)
        if top_list and _is_block_collection(doc, path):
            return span[1] - doc.source.keys[path][1]
    return None


# -- edits -----------------------------------------------------------------------------------


def _insert_key(doc: _Doc, key: str, value: Any) -> str:
    top = [path for path in doc.source.keys if len(path) == 1]
    after_line = max((_value_end(doc, path)[0] for path in top), default=1)
    seq_indent = _sequence_indent(doc)
    block_lists = seq_indent is not None
    indent = 2 if seq_indent is None else seq_indent
    lines = _entry_lines(key, value, _key_indent(doc), indent, block_lists)
    text = "".join(line + "\n" for line in lines)
    at = doc.line_end(after_line)
    return _splice(doc, [(at, at, text)])


def _replace_value(doc: _Doc, key: str, value: Any) -> str:
    was_block = _is_block_collection(doc, (key,))
    if _writes_block_list(doc, key, value, was_block):
        return _replace_with_block_list(doc, key, value, was_block)
    return _replace_with_flow(doc, key, value, was_block)


def _writes_block_list(doc: _Doc, key: str, value: Any, was_block: bool) -> bool:
    """Whether the new value of ``key`` is written as a block list: a block list stays one
    while it is given a non-empty list, and a list of mappings becomes one unless the old
    value is written in flow style."""
    old = doc.data[key]
    keep_block = was_block and isinstance(old, list) and isinstance(value, list) and value
    wants_block = isinstance(value, list) and value and all(isinstance(v, dict) for v in value)
    return bool(keep_block or (wants_block and not _is_flow(doc, doc.source.values[(key,)])))


def _replace_with_block_list(doc: _Doc, key: str, value: list[Any], was_block: bool) -> str:
    """The block list replaces the old one's items in place, or else the old value goes and
    the list's lines follow the key's line, indented as the file indents its lists."""
    path = (key,)
    span = doc.source.values[path]
    end = doc.offset(*_value_end(doc, path))
    if was_block:
        dash, key_indent = _block_indents(doc, key)
        start = doc.offset(span[0], span[1])
        lines = _block_list_lines(value, dash, key_indent)
        return _splice(doc, [(start, end, "\n".join(lines)[dash:])])
    seq_indent = _sequence_indent(doc)
    dash = _key_indent(doc) + (2 if seq_indent is None else seq_indent)
    start = _colon_after_key(doc, key)
    lines = _block_list_lines(value, dash, dash + 2)
    after = doc.line_end(_value_end(doc, path)[0])
    return _splice(doc, [(start, end, ""), (after, after, "".join(f"{x}\n" for x in lines))])


def _block_list_lines(value: list[Any], dash: int, key_indent: int) -> list[str]:
    return [line for item in value for line in _block_item_lines(item, dash, key_indent)]


def _replace_with_flow(doc: _Doc, key: str, value: Any, was_block: bool) -> str:
    """The value in flow style (text in the old value's quotes), on the key's line."""
    path = (key,)
    span = doc.source.values[path]
    end = doc.offset(*_value_end(doc, path))
    quote = _quote_style(doc, span) if isinstance(doc.data[key], str) else None
    text = _flow(value, quote=quote)
    if was_block or span[0] != doc.source.keys[path][2]:
        return _splice(doc, [(_colon_after_key(doc, key), end, " " + text)])
    start = doc.offset(span[0], span[1])
    if start == end:  # an empty value: 'key:' with nothing after the colon
        return _splice(doc, [(start, end, " " + text)])
    return _splice(doc, [(start, end, text)])


def _quote_style(doc: _Doc, span: yamlpos.Span) -> str | None:
    char = _char_at(doc.lines, span)
    return char if char in ("'", '"') else None


# -- rendering values ------------------------------------------------------------------------


def _entry_lines(
    key: str, value: Any, indent: int, seq_indent: int, block_scalars: bool
) -> list[str]:
    pad = " " * indent
    name = _scalar(key)
    is_list = isinstance(value, list) and value
    if is_list and (block_scalars or all(isinstance(v, dict) for v in value)):
        dash = indent + seq_indent
        return [f"{pad}{name}:"] + [
            line for item in value for line in _block_item_lines(item, dash, dash + 2)
        ]
    return [f"{pad}{name}: {_flow(value)}"]


def _block_item_lines(item: Any, dash: int, key_indent: int) -> list[str]:
    if isinstance(item, dict) and item:
        lines = [" " * key_indent + f"{_scalar(k)}: {_flow(v)}" for k, v in item.items()]
        lines[0] = " " * dash + "- " + " " * (key_indent - dash - 2) + lines[0][key_indent:]
        return lines
    return [" " * dash + "- " + _flow(item)]


def _flow(value: Any, quote: str | None = None, in_flow: bool = False) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v, in_flow=True) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{_scalar(k, True)}: {_flow(v, in_flow=True)}" for k, v in value.items())
            + "}"
        )
    return _scalar(value, in_flow, quote)


def _scalar(value: Any, in_flow: bool = False, quote: str | None = None) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _number(value)
    return _text(str(value), in_flow, quote)


def _number(value: int | float) -> str:
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    return repr(value)


def _text(text: str, in_flow: bool, quote: str | None) -> str:
    """``text`` plain if it reads back so (and no quote is asked for), else in the quotes
    asked for if they can hold it, else double-quoted."""
    if quote is None and _reads_back(text, text, in_flow):
        return text
    if quote == "'" and "\n" not in text and text.isprintable():
        single = "'" + text.replace("'", "''") + "'"
        if _reads_back(single, text, in_flow):
            return single
    double = json.dumps(text, ensure_ascii=False)
    for char, escape in (("\u2028", "\\L"), ("\u2029", "\\P"), ("\x85", "\\N")):
        double = double.replace(char, escape)
    if not _reads_back(double, text, in_flow):
        raise EditError(f"cannot write the value {text!r} as YAML")
    return double


def _reads_back(written: str, text: str, in_flow: bool) -> bool:
    """Whether ``written`` is read back as exactly ``text`` (and without a warning)."""
    probe = f"k: [{written}]" if in_flow else f"k: {written}"
    parsed = yamlpos.parse(probe)
    expected = [text] if in_flow else text
    return parsed.ok and not parsed.problems and parsed.data == {"k": expected}
