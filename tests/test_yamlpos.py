from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from worktext.load import yamlpos


def test_yaml_12_scalars() -> None:
    doc = yamlpos.parse(
        "a: yes\nb: no\nc: on\nd: 0755\ne: 0o17\nf: 0x1F\ng: true\nh: ~\ni: 1.5\nj: 2026-01-02\n"
        "k: 1:30\nl: .inf\nm: 12\n"
    )
    assert doc.ok
    assert doc.data == {
        "a": "yes",
        "b": "no",
        "c": "on",
        "d": 755,
        "e": 15,
        "f": 31,
        "g": True,
        "h": None,
        "i": 1.5,
        "j": "2026-01-02",
        "k": "1:30",
        "l": math.inf,
        "m": 12,
    }
    ambiguous = sorted(p.span[0] for p in doc.problems if p.code == "yaml-ambiguous")
    assert ambiguous == [1, 2, 3, 4, 11]
    assert all(p.severity == "warning" for p in doc.problems)


def test_quoted_values_stay_text_without_warnings() -> None:
    doc = yamlpos.parse('a: "yes"\nb: \'0755\'\nc: "12"\n')
    assert doc.data == {"a": "yes", "b": "0755", "c": "12"}
    assert doc.problems == []


def test_spans_are_file_lines_and_columns() -> None:
    doc = yamlpos.parse("title: Hello\nlabels:\n  - a\n  - bb\nnested: {x: 1}\n", first_line=2)
    assert doc.keys[("title",)][:2] == (2, 1)
    assert doc.values[("title",)] == (2, 8, 2, 13)
    assert doc.values[("labels", 1)][:2] == (5, 5)
    assert doc.values[("nested", "x")][:2] == (6, 13)


def test_refused_features() -> None:
    doc = yamlpos.parse("a: &x 1\nb: *x\nc: !!python/object foo\n")
    codes = [(p.code, p.span[0]) for p in doc.problems]
    assert codes == [("yaml-refused", 1), ("yaml-refused", 2), ("yaml-refused", 3)]
    assert doc.data["b"] is None  # an alias is never expanded


def test_syntax_error_at_file_line() -> None:
    doc = yamlpos.parse("a: 1\nb: [1, 2\n", first_line=2)
    assert not doc.ok
    assert doc.problems[0].code == "yaml-syntax"
    assert doc.problems[0].span[0] >= 3


def test_complex_keys_are_reported() -> None:
    doc = yamlpos.parse("? [a, b]\n: 1\nc: 2\n")
    assert [p.code for p in doc.problems] == ["yaml-complex-key"]
    assert doc.data == {"c": 2}


plain_text = st.text(
    alphabet=st.characters(
        codec="utf-8", exclude_categories=("Cs", "Cc", "Cn", "Co", "Cf", "Zl", "Zp")
    ),
    max_size=30,
)


@given(st.dictionaries(st.from_regex(r"[a-z][a-z_]{0,8}", fullmatch=True), plain_text, max_size=8))
def test_double_quoted_strings_round_trip(data: dict[str, str]) -> None:
    import json

    text = "".join(f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in data.items())
    doc = yamlpos.parse(text)
    assert doc.ok
    assert (doc.data or {}) == data
    for line, key in enumerate(data, start=1):
        assert doc.keys[(key,)][:2] == (line, 1)


@given(st.text(max_size=200))
def test_never_raises(text: str) -> None:
    doc = yamlpos.parse(text)
    assert doc.ok or doc.problems


def test_only_the_core_schema_letter_cases_are_special_floats() -> None:
    doc = yamlpos.parse("a: .inf\nb: -.Inf\nc: .NAN\nd: .iNf\ne: .nAn\nf: +.INF\n")
    assert doc.data["a"] == math.inf and doc.data["b"] == -math.inf and doc.data["f"] == math.inf
    assert math.isnan(doc.data["c"])
    assert (doc.data["d"], doc.data["e"]) == (".iNf", ".nAn")


def test_keys_that_are_not_text_are_reported_and_left_out() -> None:
    doc = yamlpos.parse('null: a\ntrue: b\n0o17: c\n1e3: d\n~: e\n"12": f\nok: g\n', first_line=2)
    assert doc.data == {"12": "f", "ok": "g"}
    problems = [(p.code, p.span[:2], p.message) for p in doc.problems]
    assert problems == [
        ("non-string-key", (2, 1), "the key 'null' is null in YAML, not text"),
        ("non-string-key", (3, 1), "the key 'true' is the boolean true in YAML, not text"),
        ("non-string-key", (4, 1), "the key '0o17' is the number 15 in YAML, not text"),
        ("non-string-key", (5, 1), "the key '1e3' is the number 1000.0 in YAML, not text"),
        ("non-string-key", (6, 1), "the key '~' is null in YAML, not text"),
    ]
    assert all(p.severity == "error" for p in doc.problems)
    nested = yamlpos.parse("log:\n  - {1: x, date: today}\n")
    assert nested.data == {"log": [{"date": "today"}]}
    assert [(p.code, p.span[:2]) for p in nested.problems] == [("non-string-key", (2, 6))]


def test_an_alias_as_a_key_is_refused_and_left_out() -> None:
    doc = yamlpos.parse("*x : 1\nb: 2\n")
    assert doc.data == {"b": 2}
    assert [p.code for p in doc.problems] == ["yaml-refused"]


def test_a_unicode_line_break_is_a_line_break_to_yaml_but_positions_are_file_lines() -> None:
    # NEL ends the comment: libyaml sees the 'due' key. Its position is where it is in the
    # file, whose lines end at LF only.
    for brk in ("\x85", "\u2028", "\u2029", "\r"):
        text = f"title: Fix login # note{brk}due: 2026-13-45\nstatus: todo\n"
        doc = yamlpos.parse(text, first_line=2)
        assert doc.data == {"title": "Fix login", "due": "2026-13-45", "status": "todo"}
        assert doc.keys[("due",)] == (2, 25, 2, 28)
        assert doc.values[("due",)] == (2, 30, 2, 40)
        assert doc.keys[("status",)] == (3, 1, 3, 7)
        assert doc.values[()] == (2, 1, 4, 1)


def test_a_unicode_line_break_in_quotes_folds_as_libyaml_folds_it() -> None:
    doc = yamlpos.parse('a: "x\x85y"\nb: 1\n')
    assert doc.data == {"a": "x y", "b": 1}
    assert doc.values[("b",)] == (2, 4, 2, 5)


def test_syntax_errors_after_a_unicode_line_break_are_at_the_file_line() -> None:
    doc = yamlpos.parse("a: 1 # c\u2028b: [x\nc: 2\n", first_line=2)
    assert not doc.ok
    line, column = doc.problems[0].span[:2]
    assert line >= 3 and column >= 1  # in the file: after the LS, on the flow's own lines


def test_control_characters_are_an_error_at_their_own_line_and_column() -> None:
    for char in ("\x00", "\x07", "\x1b", "\x7f", "\x9f", "\ufffe"):
        text = f'title: ü\nnote: "a{char}b"\n'
        doc = yamlpos.parse(text, first_line=2)
        assert not doc.ok
        (problem,) = doc.problems
        assert problem.code == "yaml-syntax"
        assert problem.span[:2] == (3, 9), (char, problem)
        assert f"U+{ord(char):04X}" in problem.message


def test_a_control_character_in_a_comment_is_an_error_too() -> None:
    doc = yamlpos.parse("a: 1\n# bell \x07\n", first_line=5)
    assert not doc.ok and doc.problems[0].span[:2] == (6, 8)


@pytest.mark.parametrize(
    "text",
    [
        "x: " + "[" * 20000 + "]" * 20000 + "\n",
        "".join(" " * i + "k:\n" for i in range(300)),
    ],
)
def test_values_nested_too_deep_are_an_error_not_a_recursion(text: str) -> None:
    doc = yamlpos.parse(text, first_line=2)
    assert not doc.ok
    assert [p.code for p in doc.problems] == ["yaml-too-deep"]
    line = doc.problems[0].span[0]
    assert 2 <= line <= 2 + text.count("\n")


def test_nesting_up_to_the_limit_is_read() -> None:
    depth = yamlpos.MAX_DEPTH - 1  # the document's own mapping is one level
    doc = yamlpos.parse("x: " + "[" * depth + "]" * depth + "\n")
    assert doc.ok and doc.problems == []
