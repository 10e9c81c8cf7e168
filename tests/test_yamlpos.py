from __future__ import annotations

import math

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
