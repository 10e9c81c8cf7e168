"""The fast reader must give exactly what the YAML parser gives, or nothing."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from worktext.load import fastyaml, yamlpos

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
entry_values = st.one_of(
    scalars,
    st.lists(scalars, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
    st.sampled_from(["", "{a: b}", "- x"]),
)
keys = st.sampled_from(["title", "status", "labels", "due", "a_b", "x-y", "true", "k"])


@st.composite
def documents(draw) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        key = draw(keys)
        shape = draw(
            st.sampled_from(
                [
                    "scalar",
                    "flow",
                    "block",
                    "records",
                    "block records",
                    "empty",
                    "comment",
                    "blank",
                ]
            )
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
        elif shape == "block records":
            lines.append(f"{key}:")
            indent = " " * draw(st.integers(0, 3))
            gap = " " * draw(st.integers(1, 3))
            for _ in range(draw(st.integers(1, 3))):
                entries = draw(st.lists(st.tuples(keys, entry_values), min_size=1, max_size=3))
                pad = indent + " " + gap
                for number, (k, v) in enumerate(entries):
                    start = f"{indent}-{gap}" if number == 0 else pad
                    lines.append(f"{start}{k}: {v}{draw(st.sampled_from(['', ' # c']))}")
                    lines += draw(st.sampled_from([[], [""], [f"{pad}# note"], ["# note"]]))
            lines += draw(st.sampled_from([[], [f"{indent}  more"], [f"{pad} deeper: x"]]))
        elif shape == "empty":
            lines.append(f"{key}:{draw(st.sampled_from(['', '   ', comment]))}")
        elif shape == "comment":
            lines.append("# a comment")
        else:
            lines.append("")
    return "\n".join(lines)


simple_values = st.sampled_from(
    ["web", "WEB-12", "12", "1.5", "2026-02-30", "a b", "1h 30m", "a:b", "'q'", '"x y"', "[a, 2]"]
)


@st.composite
def time_logs(draw) -> str:
    """Only what the fast reader takes: lists of sets of keys over several lines."""
    indent = " " * draw(st.integers(0, 3))
    gap = " " * draw(st.integers(1, 3))
    pad = indent + " " + gap
    lines = ["title: x", "log:"]
    fields = st.lists(st.sampled_from(["date", "duration", "who", "note"]), min_size=1, unique=True)
    for _ in range(draw(st.integers(1, 4))):
        for number, key in enumerate(draw(fields)):
            start = f"{indent}-{gap}" if number == 0 else pad
            lines.append(f"{start}{key}: {draw(simple_values)}")
            lines += draw(st.sampled_from([[], [""], [f"{pad}# note"], ["# note"]]))
    lines += draw(st.sampled_from([[], ["due: 2026-01-01"], ["tags:", f"{indent}- a"]]))
    # A last line of a comment or spaces ends what is indented beyond it, there and then.
    lines += draw(st.sampled_from([[], ["#"], ["  "], [" # x"], ["      #"]]))
    return "\n".join(lines) + draw(st.sampled_from(["", "\n"]))


def same(block: str) -> None:
    fast = fastyaml.parse_simple(block, 2)
    if fast is None:
        return
    full = yamlpos.parse(block, 2)
    assert full.ok and full.problems == []
    # repr, not ==: 1, 1.0 and True are equal in Python but not the same value
    assert repr(fast.data) == repr(full.data)
    assert (fast.keys, fast.values) == (full.keys, full.values)


@settings(max_examples=400)
@given(documents())
def test_same_as_the_yaml_parser_on_generated_front_matter(block: str) -> None:
    same(block)


@given(time_logs())
def test_time_logs_take_the_fast_path_and_agree(block: str) -> None:
    assert fastyaml.parse_simple(block, 2) is not None
    same(block)


@given(st.text(max_size=80))
def test_same_as_the_yaml_parser_on_any_text(block: str) -> None:
    same(block)


def test_common_shapes_take_the_fast_path() -> None:
    block = "title: Fix login page\nstatus: doing\nassignee: [ana, bo]\ndepends_on:\n  - WEB-1\n"
    block += 'due: 2026-12-01 # soon\nestimate: 4h\ndescription: "Quoted: with colon"\nparent:'
    assert fastyaml.parse_simple(block, 2) is not None
    same(block)


def test_time_log_entries_over_several_lines_take_the_fast_path() -> None:
    block = "title: x\nlog:\n  - date: 2026-01-02\n    duration: 2h # c\n\n    who: [ana]\n"
    block += "  # between\n  - {date: 2026-01-03, duration: 1h}\n  -   date: 2026-01-04\n"
    block += "      note: done\nestimate: 4h"
    fast = fastyaml.parse_simple(block, 2)
    assert fast is not None
    assert fast.data["log"][0] == {"date": "2026-01-02", "duration": "2h", "who": ["ana"]}
    same(block)


def test_odd_list_items_go_to_the_full_parser() -> None:
    assert fastyaml.parse_simple("a:\n  - \n", 2) is None  # a null item, once a crash
    assert fastyaml.parse_simple("a:\n  - k:\n    j: 1", 2) is None  # a null value
    assert fastyaml.parse_simple("a:\n  - k: 1\n      j: 1", 2) is None  # deeper: invalid
    assert fastyaml.parse_simple("a:\n  - k: 1\n    k: 2", 2) is None  # duplicate key


def test_a_missing_value_is_placed_right_after_the_colon() -> None:
    for block in ("key:   \nb: 1", "key: # c\nb: 1", "key:   "):
        assert fastyaml.parse_simple(block, 2) is not None
        same(block)


def test_a_short_last_comment_ends_a_deeper_list_on_its_own_line() -> None:
    for block in ("log:\n   - web\n#", "log:\n   - web\n  ", "log:\n  - a: 1\n    b: 2\n #"):
        assert fastyaml.parse_simple(block, 2) is not None
        same(block)


def test_what_needs_a_warning_goes_to_the_full_parser() -> None:
    assert fastyaml.parse_simple("status: no", 2) is None
    assert fastyaml.parse_simple("mode: 0755", 2) is None
    assert fastyaml.parse_simple("a: 1\na: 2", 2) is None
    assert fastyaml.parse_simple("a: &x 1", 2) is None
