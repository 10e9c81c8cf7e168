from __future__ import annotations

import codecs

from hypothesis import given
from hypothesis import strategies as st

from worktext.load.source import MAX_FILE_BYTES, parse_bytes, read_file


def test_splits_front_matter_and_body() -> None:
    raw = b"---\ntitle: A\nstatus: todo\n---\n# Heading\n\n- [x] one\n- [ ] two\n* [X] three\n"
    source = parse_bytes(raw, "tasks/A.md")
    assert source.data == {"title": "A", "status": "todo"}
    assert source.body_line == 5
    assert source.body.startswith("# Heading")
    assert source.checklist == (2, 3)
    assert source.problems == []


def test_first_heading_is_found_when_no_key_gives_a_title() -> None:
    raw = b"---\nstatus: todo\n---\n```\n# not this\n```\n# Heading ##\n"
    assert parse_bytes(raw, "a.md").heading == "Heading"
    assert parse_bytes(raw.replace(b"status", b"title"), "a.md").heading is None


def test_checkboxes_in_code_blocks_do_not_count() -> None:
    raw = b"---\ntitle: A\n---\n- [ ] real\n```\n- [x] example\n```\n"
    assert parse_bytes(raw, "a.md").checklist == (0, 1)


def test_bom_and_crlf_are_remembered_and_positions_stay_right() -> None:
    raw = codecs.BOM_UTF8 + b"---\r\ntitle: A\r\ndue: 2026-13-01\r\n---\r\nBody\r\n"
    source = parse_bytes(raw, "a.md")
    assert source.bom and source.newline == "\r\n"
    assert source.data == {"title": "A", "due": "2026-13-01"}
    assert source.values[("due",)][:2] == (3, 6)


def test_invalid_utf8_is_a_problem_not_an_exception() -> None:
    source = parse_bytes(b"---\ntitle: \xff\n---\n", "a.md")
    assert source.data is None
    assert [(p.code, p.span[0]) for p in source.problems] == [("encoding", 2)]


def test_empty_front_matter_is_an_empty_mapping() -> None:
    assert parse_bytes(b"---\n---\nbody\n", "a.md").data == {}


def test_a_block_scalar_as_the_last_key_keeps_its_line_breaks() -> None:
    for indicator, value in (("|", "a\nb\n"), ("|+", "a\nb\n\n"), ("|-", "a\nb"), (">", "a b\n")):
        raw = f"---\nstatus: todo\nnote: {indicator}\n  a\n  b\n\n---\nBody\n".encode()
        assert parse_bytes(raw, "a.md").data == {"status": "todo", "note": value}


def test_closing_dots_are_accepted() -> None:
    assert parse_bytes(b"---\na: 1\n...\nbody\n", "a.md").data == {"a": 1}


def test_large_files_are_refused_before_parsing(tmp_path) -> None:
    path = tmp_path / "big.md"
    path.write_bytes(b"---\ntitle: big\n---\n" + b"x" * MAX_FILE_BYTES)
    source = read_file(str(path), "big.md")
    assert source.data is None
    assert source.problems[0].code == "file-too-large"


def test_read_file_gives_the_bytes_as_parse_bytes_reads_them(tmp_path) -> None:
    raw = b"---\ntitle: A\n---\n" + "é body line\n".encode() * 5000  # beyond one 64 KiB read
    path = tmp_path / "a.md"
    path.write_bytes(raw)
    read = read_file(str(path), "a.md")
    parsed = parse_bytes(raw, "a.md")
    assert (read.data, read.body, read.values) == (parsed.data, parsed.body, parsed.values)


def test_a_file_that_cannot_be_read_is_a_problem(tmp_path) -> None:
    (tmp_path / "folder.md").mkdir()
    for name in ("missing.md", "folder.md"):
        source = read_file(str(tmp_path / name), name)
        assert source.data is None
        assert source.problems[0].code == "file-unreadable"
        assert source.problems[0].message.startswith("cannot read the file: ")


keys = st.from_regex(r"[a-z][a-z_]{0,10}", fullmatch=True)
values = st.from_regex(r"[A-Za-z][A-Za-z0-9 ]{0,20}", fullmatch=True).map(str.strip)
body_lines = st.lists(
    st.text(
        alphabet=st.characters(exclude_characters="\r", exclude_categories=("Cs",)), max_size=40
    )
)


@given(st.dictionaries(keys, values.filter(bool), max_size=6), body_lines, st.booleans())
def test_splitter_round_trip(data: dict[str, str], body: list[str], crlf: bool) -> None:
    newline = "\r\n" if crlf else "\n"
    front = "".join(f'{k}: "{v}"{newline}' for k, v in data.items())
    text = f"---{newline}{front}---{newline}" + newline.join(
        line.replace("\n", " ") for line in body
    )
    source = parse_bytes(text.encode("utf-8"), "x.md")
    if any(line.startswith(("<<<<<<<", ">>>>>>>")) for line in body):
        return  # conflict markers are reported instead
    assert source.data == data
    assert source.body_line == len(data) + 3
    assert source.body == "\n".join(line.replace("\n", " ") for line in body)
    assert source.newline == ("\r\n" if crlf else "\n")


@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(raw: bytes) -> None:
    source = parse_bytes(raw, "x.md")
    assert source.data is not None or source.problems
