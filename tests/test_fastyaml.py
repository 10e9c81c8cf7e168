"""The fast reader must give exactly what the YAML parser gives, or nothing."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from worktext import fastyaml, yamlpos

words = st.sampled_from(
    [
        "web",
        "WEB-12",
        "doing",
        "no",
        "yes",
        "on",
        "0755",
        "12",
        "1.5",
        "2026-02-30",
        "null",
        "true",
        "a b",
        "Fix login",
        "x: y",
        "a #b",
        "-x",
        "é",
        "4h",
        "2026-03-28T10:00",
        "a:b",
        "x:",
        "1:30",
        "http://x.y/z",
        "[x]",
        "'q'",
        "a,b",
        "~",
    ]
)
quoted = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=8)
scalars = st.one_of(
    words,
    quoted.map(lambda t: '"' + t + '"'),
    quoted.map(lambda t: "'" + t + "'"),
)
keys = st.sampled_from(["title", "status", "labels", "due", "a_b", "x-y", "true", "k"])


@st.composite
def documents(draw) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        key = draw(keys)
        shape = draw(
            st.sampled_from(["scalar", "flow", "block", "records", "empty", "comment", "blank"])
        )
        comment = draw(st.sampled_from(["", " # note", "  #x"]))
        if shape == "scalar":
            lines.append(f"{key}: {draw(scalars)}{comment}")
        elif shape == "flow":
            items = draw(st.lists(scalars, max_size=3))
            lines.append(f"{key}: [{', '.join(items)}]{comment}")
        elif shape == "block":
            indent = " " * draw(st.integers(0, 3))
            lines.append(f"{key}:")
            lines += [
                f"{indent}- {item}" for item in draw(st.lists(scalars, min_size=1, max_size=3))
            ]
        elif shape == "records":
            lines.append(f"{key}:")
            for _ in range(draw(st.integers(1, 3))):
                entries = draw(st.lists(st.tuples(keys, scalars), max_size=3))
                sep = draw(st.sampled_from([", ", ",", " , "]))
                body = sep.join(f"{k}: {v}" for k, v in entries)
                lines.append(f"  - {{{body}}}")
        elif shape == "empty":
            lines.append(f"{key}:")
        elif shape == "comment":
            lines.append("# a comment")
        else:
            lines.append("")
    return "\n".join(lines)


def same(block: str) -> None:
    fast = fastyaml.parse_simple(block, 2)
    if fast is None:
        return
    full = yamlpos.parse(block, 2)
    assert full.ok and full.problems == []
    assert (fast.data, fast.keys, fast.values) == (full.data, full.keys, full.values)


@settings(max_examples=400)
@given(documents())
def test_same_as_the_yaml_parser_on_generated_front_matter(block: str) -> None:
    same(block)


@given(st.text(max_size=80))
def test_same_as_the_yaml_parser_on_any_text(block: str) -> None:
    same(block)


def test_common_shapes_take_the_fast_path() -> None:
    block = "title: Fix login page\nstatus: doing\nassignee: [ana, bo]\ndepends_on:\n  - WEB-1\n"
    block += 'due: 2026-12-01 # soon\nestimate: 4h\ndescription: "Quoted: with colon"\nparent:'
    assert fastyaml.parse_simple(block, 2) is not None
    same(block)


def test_what_needs_a_warning_goes_to_the_full_parser() -> None:
    assert fastyaml.parse_simple("status: no", 2) is None
    assert fastyaml.parse_simple("mode: 0755", 2) is None
    assert fastyaml.parse_simple("a: 1\na: 2", 2) is None
    assert fastyaml.parse_simple("a: &x 1", 2) is None
