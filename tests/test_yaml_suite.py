"""The official YAML test suite (vendored in tests/fixtures/yaml-test-suite, MIT): every case
is read as the suite says (or, where libyaml itself reads it otherwise, as libyaml does), or
refused with a positioned problem; never a traceback. The fast path agrees on what it takes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from worktext.load import fastyaml, yamlpos

CASES = json.loads(
    (Path(__file__).parent / "fixtures/yaml-test-suite/cases.json").read_text(encoding="utf-8")
)


def documents(text: str | None) -> list[Any]:
    """The JSON documents of an ``in.json`` (one per YAML document)."""
    decoder, found, at = json.JSONDecoder(), [], 0
    text = text or ""
    while True:
        while at < len(text) and text[at].isspace():
            at += 1
        if at >= len(text):
            return found
        value, at = decoder.raw_decode(text, at)
        found.append(value)


def libyaml(text: str) -> list[Any] | None:
    try:
        return list(yaml.load_all(text, Loader=yaml.CSafeLoader))
    except yaml.YAMLError:
        return None


def test_the_suite_is_all_there() -> None:
    assert len(CASES) == 402 and sum(c["error"] for c in CASES) == 94


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_each_case_is_read_as_the_suite_says_or_refused_with_a_position(case: dict) -> None:
    doc = yamlpos.parse(case["yaml"])
    errors = [p for p in doc.problems if p.severity == "error"]
    if not doc.ok or errors:
        assert errors, "refused without saying why"
        for problem in errors:
            line, column = problem.span[:2]
            assert line >= 1 and column >= 1 and problem.message and problem.hint
        return
    if case["error"]:  # invalid YAML that libyaml reads: read as libyaml reads it
        assert libyaml(case["yaml"]) is not None
        return
    expected = documents(case["json"])
    assert len(expected) <= 1, "a stream of documents is never front matter"
    wanted = expected[0] if expected else None
    if doc.data != wanted:  # one of libyaml's own readings of the case
        assert [doc.data] == libyaml(case["yaml"])


def test_the_fast_path_reads_what_it_takes_as_the_parser_does() -> None:
    compared = 0
    for case in CASES:
        fast = fastyaml.parse_simple(case["yaml"])
        if fast is None:
            continue
        doc = yamlpos.parse(case["yaml"])
        assert doc.ok and not [p for p in doc.problems if p.severity == "error"], case["id"]
        assert fast.data == doc.data, case["id"]
        compared += 1
    assert compared >= 10  # the suite is mostly what the fast path leaves to the parser


def test_each_case_as_front_matter_reads_as_the_parser_reads_it() -> None:
    """The file reader (splitter, fast path, parser) on every case that can be front matter
    (no document markers): the parser's mapping, or a positioned problem."""
    from worktext.load.source import parse_bytes

    read = 0
    for case in CASES:
        text = case["yaml"]
        if any(line.startswith(("---", "...")) for line in text.splitlines()):
            continue
        found = parse_bytes(f"---\n{text}\n---\nBody\n".encode(), "tasks/T-1.md")
        doc = yamlpos.parse(text + "\n")
        codes = {p.code for p in found.problems}
        assert all(p.span[0] >= 1 for p in found.problems), case["id"]
        if doc.ok and isinstance(doc.data, dict):
            assert found.data == doc.data, case["id"]
            assert {p.code for p in doc.problems} <= codes, case["id"]
            read += 1
        elif doc.ok and doc.data is None:  # nothing but comments: no keys
            assert found.data == {}, case["id"]
        else:
            assert found.data is None and codes, case["id"]
    assert read >= 90  # 92 of the cases without document markers are mappings
