"""Lossless front matter edits: exactly the intended lines change, everything else stays."""

from __future__ import annotations

import codecs
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from worktext.edit import engine as edit
from worktext.edit.engine import EditError
from worktext.load.source import parse_bytes

RESERVED = {"true", "false", "null", "yes", "no", "on", "off", "y", "n"}
words = st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True).filter(lambda w: w not in RESERVED)
texts = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "Zs", "S")), max_size=20
)
KEYS = ["title", "status", "due", "labels", "assignee", "notes", "points", "x-custom"]


@st.composite
def scalars(draw: st.DrawFn) -> tuple[str, object]:
    """(written form, value read back) of a scalar in one of many styles."""
    style = draw(st.sampled_from(["plain", "single", "double", "int", "empty", "tilde", "date"]))
    if style == "plain":
        word = draw(words)
        return word, word
    if style == "single":
        text = draw(texts)
        return "'" + text.replace("'", "''") + "'", text
    if style == "double":
        text = draw(texts)
        return json.dumps(text, ensure_ascii=False), text
    if style == "int":
        number = draw(st.integers(-1000, 10**6))
        return str(number), number
    if style == "date":
        day = draw(st.dates()).isoformat()
        return day, day
    return ("", None) if style == "empty" else ("~", None)


@st.composite
def entries(draw: st.DrawFn, key: str) -> tuple[list[str], object]:
    """The lines of one top-level entry and its value."""
    comment = draw(st.sampled_from(["", "  # note", " #x"]))
    shapes = ["scalar", "scalar", "flow", "block", "block-scalar", "map", "flow-map", "folded"]
    shape = draw(st.sampled_from(shapes))
    if shape == "scalar":
        written, value = draw(scalars())
        sep = " " if written else ""
        return [f"{key}:{sep}{written}{comment if written else ''}"], value
    items = draw(st.lists(words, min_size=1, max_size=4))
    if shape == "map":  # a nested block mapping
        return [f"{key}:{comment}"] + [f"  k{i}: {w}" for i, w in enumerate(items)], {
            f"k{i}": w for i, w in enumerate(items)
        }
    if shape == "flow-map":
        inner = ", ".join(f"k{i}: {w}" for i, w in enumerate(items))
        return [f"{key}: {{{inner}}}{comment}"], {f"k{i}": w for i, w in enumerate(items)}
    if shape == "folded":  # a plain scalar over several lines
        return [f"{key}: {items[0]}"] + [f"  {w}" for w in items[1:]], " ".join(items)
    if shape == "flow":
        return [f"{key}: [{', '.join(items)}]{comment}"], items
    if shape == "block":
        indent = " " * draw(st.sampled_from([0, 2, 4]))
        lines = [f"{key}:{comment}"] + [f"{indent}- {item}" for item in items]
        if len(items) > 1 and draw(st.booleans()):
            lines.insert(2, f"{indent}# between items")
        return lines, items
    return [f"{key}: |-"] + [f"  {item}" for item in items], "\n".join(items)


@st.composite
def documents(draw: st.DrawFn) -> dict:
    keys = draw(st.lists(st.sampled_from(KEYS), unique=True, max_size=6))
    blocks: list[tuple[str | None, list[str]]] = []
    data = {}
    for key in keys:
        if draw(st.booleans()):
            blocks.append((None, [draw(st.sampled_from(["", "# a comment", " "]))]))
        lines, value = draw(entries(key))
        blocks.append((key, lines))
        data[key] = value
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    bom = draw(st.booleans())
    body = draw(st.sampled_from(["", "# Heading\n\nText.\n", "body without newline"]))
    return {"blocks": blocks, "data": data, "newline": newline, "bom": bom, "body": body}


def assemble(doc: dict) -> bytes:
    lines = ["---", *(line for _key, block in doc["blocks"] for line in block), "---"]
    text = doc["newline"].join(lines) + doc["newline"] + doc["body"].replace("\n", doc["newline"])
    return (codecs.BOM_UTF8 if doc["bom"] else b"") + text.encode("utf-8")


def lines_of(raw: bytes) -> list[bytes]:
    return raw.splitlines(keepends=True)


def split_around(doc: dict, key: str) -> tuple[list[bytes], list[bytes]]:
    """The file's lines before and after ``key``'s entry."""
    raw = assemble(doc)
    all_lines = lines_of(raw)
    index = next(i for i, (k, _) in enumerate(doc["blocks"]) if k == key)
    first = 1 + sum(len(block) for _k, block in doc["blocks"][:index])
    last = first + len(doc["blocks"][index][1])
    return all_lines[:first], all_lines[last:]


def assert_only_entry_changed(doc: dict, key: str, result: bytes) -> None:
    before, after = split_around(doc, key)
    new_lines = lines_of(result)
    assert new_lines[: len(before)] == before
    assert new_lines[len(new_lines) - len(after) :] == after
    assert len(new_lines) >= len(before) + len(after)


new_values = st.one_of(
    words,
    texts,
    st.integers(0, 100),
    st.lists(words, min_size=1, max_size=3),
    st.dates(),
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), st.sampled_from(KEYS), new_values)
def test_set_changes_only_the_key_lines(doc: dict, key: str, value: object) -> None:
    raw = assemble(doc)
    assert parse_bytes(raw, "t.md").data == doc["data"]
    result = edit.set_key(raw, "t.md", key, value)
    expected = {**doc["data"], key: edit.plain_data(value)}
    parsed = parse_bytes(result, "t.md")
    assert parsed.data == expected
    assert result.startswith(codecs.BOM_UTF8) == doc["bom"]
    assert parsed.body == parse_bytes(raw, "t.md").body
    if doc["newline"] == "\r\n":
        assert b"\n" not in result.replace(b"\r\n", b"")
    if key in doc["data"]:
        assert_only_entry_changed(doc, key, result)
    else:  # the old lines all stay, in order, with the new ones in one place
        old, new = lines_of(raw), lines_of(result)
        inserted = len(new) - len(old)
        assert inserted >= 1
        at = next((i for i in range(len(old)) if old[i] != new[i]), len(old))
        assert new[:at] + new[at + inserted :] == old


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), st.data())
def test_unset_removes_only_the_key_lines(doc: dict, data: st.DataObject) -> None:
    if not doc["data"]:
        return
    key = data.draw(st.sampled_from(sorted(doc["data"])))
    raw = assemble(doc)
    result = edit.unset_key(raw, "t.md", key)
    before, after = split_around(doc, key)
    assert lines_of(result) == before + after
    expected = {k: v for k, v in doc["data"].items() if k != key}
    assert parse_bytes(result, "t.md").data == expected


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), st.sampled_from(KEYS), words)
def test_append_changes_only_the_key_lines(doc: dict, key: str, item: str) -> None:
    raw = assemble(doc)
    result = edit.append_item(raw, "t.md", key, item)
    old = doc["data"].get(key)
    expected_list = [] if old is None else (old if isinstance(old, list) else [old])
    parsed = parse_bytes(result, "t.md").data
    assert parsed is not None
    assert parsed[key] == [*expected_list, item]
    if key in doc["data"]:
        assert_only_entry_changed(doc, key, result)


MOVE_FILE = """\ufeff---\r
# The task\r
title: 'Fix: the login'   # keep me\r
status:   todo     # where it is\r
labels: [bug,   ui]\r
due: 2026-12-01\r
\r
log:\r
    - date: 2026-11-20\r
      duration: 2h\r
---\r
Body with --- and status: todo\r
"""


def test_set_status_changes_one_line_byte_for_byte() -> None:
    raw = MOVE_FILE.encode("utf-8")
    result = edit.set_key(raw, "t.md", "status", "review")
    expected = raw.replace(b"status:   todo ", b"status:   review ")
    assert result == expected


def test_append_log_entry_uses_the_lists_indentation() -> None:
    raw = MOVE_FILE.encode("utf-8")
    entry = {"date": "2026-11-23", "duration": "1h 30m", "who": "ana", "note": "review: done"}
    result = edit.append_item(raw, "t.md", "log", entry)
    added = (
        b"    - date: 2026-11-23\r\n      duration: 1h 30m\r\n      who: ana\r\n"
        b'      note: "review: done"\r\n'
    )
    assert result == raw.replace(b"2h\r\n---", b"2h\r\n" + added + b"---")


def test_quoted_value_keeps_its_quote_style() -> None:
    raw = MOVE_FILE.encode("utf-8")
    result = edit.set_key(raw, "t.md", "title", "It's fixed")
    assert b"title: 'It''s fixed'   # keep me\r\n" in result


def test_flow_list_append_and_remove() -> None:
    raw = MOVE_FILE.encode("utf-8")
    added = edit.append_item(raw, "t.md", "labels", "backend")
    assert b"labels: [bug,   ui, backend]\r\n" in added
    removed = edit.remove_items(added, "t.md", "labels", ["ui"])
    assert b"labels: [bug, backend]\r\n" in removed
    emptied = edit.remove_items(removed, "t.md", "labels", ["bug", "backend"])
    assert b"labels" not in emptied.split(b"---")[1]


def test_block_list_item_removal_keeps_other_items() -> None:
    raw = b"---\nlabels:\n  - a  # first\n  - b\n  - c\nz: 1\n---\n"
    assert edit.remove_items(raw, "t.md", "labels", ["b"]) == raw.replace(b"  - b\n", b"")


def test_values_that_need_quotes_are_quoted() -> None:
    raw = b"---\ntitle: x\n---\n"
    for value in ["yes", "0755", "a: b", "#tag", "- item", "  padded", "12", "true", "multi\nline"]:
        result = edit.set_key(raw, "t.md", "title", value)
        assert parse_bytes(result, "t.md").data == {"title": value}
        assert not parse_bytes(result, "t.md").problems


def test_empty_front_matter_gets_the_key() -> None:
    assert edit.set_key(b"---\n---\nbody\n", "t.md", "status", "doing") == (
        b"---\nstatus: doing\n---\nbody\n"
    )


def test_new_key_goes_after_the_last_key_before_trailing_comments() -> None:
    raw = b"---\ntitle: x\n# end notes\n---\n"
    assert edit.set_key(raw, "t.md", "due", "2026-01-02") == (
        b"---\ntitle: x\ndue: 2026-01-02\n# end notes\n---\n"
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"---\ntitle: [unclosed\n---\n", "cannot be read safely"),
        (b"---\ntitle: a\ntitle: b\n---\n", "cannot be read safely"),
        (b"no front matter\n", "cannot be read safely"),
        (b"---\n{title: a, status: b}\n---\n", "one {...} mapping"),
        (b"---\n? title\n: a\n---\n", "not on the key's line"),
    ],
)
def test_refuses_files_it_cannot_edit_safely(raw: bytes, message: str) -> None:
    with pytest.raises(EditError, match=message):
        edit.set_key(raw, "t.md", "title", "new")


def test_unset_of_missing_key_is_a_no_op() -> None:
    raw = b"---\ntitle: x\n---\n"
    assert edit.unset_key(raw, "t.md", "due") is raw


def test_apply_runs_operations_in_order() -> None:
    raw = b"---\ntitle: x\nstatus: todo\n---\n"
    ops = [("set", "status", "doing"), ("append", "labels", "a"), ("unset", "title", None)]
    assert edit.apply(raw, "t.md", ops) == b"---\nstatus: doing\nlabels: [a]\n---\n"


def test_render_document_reads_back() -> None:
    data = {
        "title": "Fix: login",
        "labels": ["a", "b"],
        "log": [{"date": "2026-11-23", "duration": "1h"}],
    }
    raw = edit.render_document(data, "# Body\n")
    assert raw == (
        b'---\ntitle: "Fix: login"\nlabels: [a, b]\nlog:\n  - date: 2026-11-23\n'
        b"    duration: 1h\n---\n# Body\n"
    )
