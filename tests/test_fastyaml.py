"""The fast reader gives exactly what the YAML parser gives, or declines.

The generators make front matter of the shapes item files have, with words from a wide
alphabet, so that the fast reader takes almost all of it (a test counts how much); whatever
it takes must then be what ``yamlpos`` reads: the data, every span in the same order, no
problems. A few documents in fifty get a character that YAML reads differently from a line
reader (NEL, LS, PS, BOM, a tab, CR, a control character); the fast reader must decline
every one of those (``test_loader_fuzz.py`` checks what the loader makes of them).
"""

from __future__ import annotations

from hypothesis import Phase, assume, given, settings
from hypothesis import strategies as st

from worktext.load import fastyaml, yamlpos

UNUSUAL = ["\x85", "\u2028", "\u2029", "\ufeff", "\t", "\r", "\x00", "\x07", "\x1b", "\x7f"]
UNUSUAL += ["\x9f", "\x01", "\ufffe"]

common_keys = st.sampled_from(
    ["title", "status", "labels", "due", "log", "assignee", "a_b", "x-y", "k", "_k", "Key"]
)
# Not the keys YAML reads as null or booleans (or YAML 1.1 does): the fast reader declines those.
SPECIAL_KEYS = {"null", "true", "false", "yes", "no", "on", "off", "y", "n"}
KEY_START = "abnoxyzANOXYZ_"
random_keys = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from(KEY_START),
    st.text(alphabet=KEY_START + "fles019-", max_size=6),
)
keys = st.one_of(common_keys, random_keys.filter(lambda k: k.lower() not in SPECIAL_KEYS))
# Characters of words: letters of several scripts, digits, punctuation, spaces YAML does not
# count as spaces (no-break, ideographic), a character beyond the BMP. No 'y' to start with:
# 'y' alone is a YAML 1.1 boolean.
START = "abcxzABXZ_019éßΩж日("
INNER = START + "y -./+()!?&%*@`'\"=<>~^$|:,[]{}\xa0\u3000\u200b😀"
FLOW_INNER = "".join(c for c in INNER if c not in ",[]{}")
NUMBERS = ["12", "-3", "1.5", ".5", "1e3", "0o17", "0x1F", ".inf", "-.Inf", ".NaN", ".iNf"]
NUMBERS += ["0", "true", "False", "null", "NULL", "2026-02-30", "2026-03-28T10:00", "4h"]


def tidy(text: str, inner: str) -> str:
    """A plain scalar made of ``text``: no ': ', no ':' or spaces at its end."""
    text = "".join(c for c in text if c in inner)
    while ": " in text:
        text = text.replace(": ", ":")
    return text.rstrip(" :")


def plain(inner: str) -> st.SearchStrategy[str]:
    prefix = st.sampled_from(["", "", "", "", "-", "+", "."])
    first = st.sampled_from(START)
    rest = st.text(alphabet=inner, max_size=12).map(lambda text: tidy(text, inner))
    return st.builds(lambda p, f, r: p + f + r, prefix, first, rest)


def quoted_text(in_flow: bool) -> st.SearchStrategy[str]:
    """Any printable text but quotes, backslashes and '#' (and, in a flow collection,
    commas and brackets), which the fast reader leaves to the full parser."""
    excluded = "\"'\\#\ufeff\ufffe\uffff" + (",[]{}" if in_flow else "")
    alphabet = st.characters(
        codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp"), exclude_characters=excluded
    )
    return st.text(alphabet=alphabet, max_size=10)


def scalars(in_flow: bool) -> st.SearchStrategy[str]:
    return st.one_of(
        plain(FLOW_INNER if in_flow else INNER),
        st.sampled_from(NUMBERS),
        quoted_text(in_flow).map(lambda t: '"' + t + '"'),
        quoted_text(in_flow).map(lambda t: "'" + t + "'"),
    )


block_scalars = scalars(in_flow=False)
flow_scalars = scalars(in_flow=True)
flow_lists = st.lists(flow_scalars, max_size=3).map(lambda items: "[" + ", ".join(items) + "]")
flow_maps = st.lists(st.tuples(keys, flow_scalars), max_size=3, unique_by=lambda e: e[0]).map(
    lambda entries: "{" + ", ".join(f"{k}: {v}" for k, v in entries) + "}"
)
values = st.one_of(block_scalars, block_scalars, flow_lists, flow_maps)
comments = st.one_of(
    st.just(""),
    st.just(""),
    st.text(alphabet=INNER + "#", max_size=8).map(lambda t: " # " + t),
    st.just("   #"),
)
spaces = st.sampled_from(["", "", "", " ", "   "])  # trailing spaces


@st.composite
def records(draw: st.DrawFn, dash: str) -> list[str]:
    """One list item that is a set of keys: 'key: value' lines, the first after the dash."""
    gap = " " * draw(st.integers(1, 3))
    pad = " " * (len(dash) + 1 + len(gap))
    entries = draw(
        st.lists(st.tuples(keys, values), min_size=1, max_size=3, unique_by=lambda e: e[0])
    )
    lines = []
    for number, (key, value) in enumerate(entries):
        start = f"{dash}-{gap}" if number == 0 else pad
        lines.append(f"{start}{key}: {value}{draw(comments)}")
        lines += draw(st.sampled_from([[], [], [""], [f"{pad}# note"], ["# note"]]))
    return lines


@st.composite
def entries(draw: st.DrawFn, key: str) -> list[str]:
    """The lines of one top-level key."""
    shape = draw(st.sampled_from(["scalar", "scalar", "flow", "null", "list", "records"]))
    if shape == "scalar":
        return [f"{key}: {draw(values)}{draw(comments)}{draw(spaces)}"]
    if shape == "flow":
        return [f"{key}: {draw(st.one_of(flow_lists, flow_maps))}{draw(comments)}"]
    if shape == "null":
        return [f"{key}:{draw(st.sampled_from(['', '   ', ' # none']))}"]
    dash = " " * draw(st.integers(0, 3))
    lines = [f"{key}:{draw(comments)}"]
    lines += draw(st.sampled_from([[], [], ["# before"], [""]]))
    for _ in range(draw(st.integers(1, 3))):
        if shape == "list":
            item = draw(st.one_of(block_scalars, flow_lists, flow_maps))
            lines.append(f"{dash}- {item}{draw(comments)}")
        else:
            lines += draw(records(dash))
    return lines


@st.composite
def documents(draw: st.DrawFn, unusual: bool | None = None) -> str:
    """Front matter of item-file shapes, ending with a line break. ``unusual``: True puts a
    character from UNUSUAL somewhere, False never, None in one document in fifty."""
    lines = draw(st.sampled_from([[], [], ["# leading comment"], [""]]))
    for key in draw(st.lists(keys, min_size=1, max_size=6, unique=True)):
        lines += draw(entries(key))
        lines += draw(st.sampled_from([[], [], [], [""], ["# between"], ["  # indented"]]))
    text = "\n".join(lines) + "\n"
    if unusual is None:
        unusual = draw(st.sampled_from([False] * 49 + [True]))
    if unusual:
        at = draw(st.integers(0, len(text) - 1))
        text = text[:at] + draw(st.sampled_from(UNUSUAL)) + text[at:]
    return text


def same(block: str) -> None:
    """The fast reader takes ``block`` and reads it as yamlpos does."""
    fast = fastyaml.parse_simple(block, 2)
    assert fast is not None
    full = yamlpos.parse(block, 2)
    assert full.ok and full.problems == [] and fast.problems == []
    # repr, not ==: 1, 1.0 and True are equal in Python but not the same value; and the order
    # of keys is part of the data
    assert repr(fast.data) == repr(full.data)
    assert list(fast.keys.items()) == list(full.keys.items())
    assert list(fast.values.items()) == list(full.values.items())


@settings(max_examples=800, deadline=None)
@given(documents())
def test_same_as_the_yaml_parser_on_generated_front_matter(block: str) -> None:
    assume(fastyaml.parse_simple(block, 2) is not None)
    same(block)


def test_takes_at_least_95_percent_of_generated_front_matter() -> None:
    taken: list[bool] = []

    @settings(max_examples=1000, derandomize=True, database=None, phases=[Phase.generate])
    @given(documents())
    def count(block: str) -> None:
        taken.append(fastyaml.parse_simple(block, 2) is not None)

    count()
    print(f"fast path took {sum(taken)} of {len(taken)} generated documents")
    assert len(taken) >= 900
    assert sum(taken) >= 0.95 * len(taken), f"took {sum(taken)} of {len(taken)}"


@settings(max_examples=300, deadline=None)
@given(documents(unusual=True))
def test_declines_every_text_with_an_unusual_character(block: str) -> None:
    assert fastyaml.parse_simple(block, 2) is None


@given(st.text(max_size=80).map(lambda t: t + "\n"))
def test_any_text_it_takes_is_read_as_the_yaml_parser_reads_it(block: str) -> None:
    fast = fastyaml.parse_simple(block, 2)
    if fast is not None:  # arbitrary text is rarely front matter: only a check, no assume
        full = yamlpos.parse(block, 2)
        assert repr(fast.data) == repr(full.data)
        assert (fast.keys, fast.values) == (full.keys, full.values)


def test_common_shapes_take_the_fast_path() -> None:
    block = "title: Fix login page\nstatus: doing\nassignee: [ana, bo]\ndepends_on:\n  - WEB-1\n"
    block += 'due: 2026-12-01 # soon\nestimate: 4h\ndescription: "Quoted: with colon"\nparent:\n'
    block += "log:\n  - date: 2026-01-02\n    duration: 2h # c\n\n    who: [ana]\n"
    block += "  # between\n  - {date: 2026-01-03, duration: 1h}\n  -   date: 2026-01-04\n"
    block += "      note: done\nestimate_2: 4h\n"
    fast = fastyaml.parse_simple(block, 2)
    assert fast is not None
    assert fast.data["log"][0] == {"date": "2026-01-02", "duration": "2h", "who": ["ana"]}
    same(block)


def test_a_missing_value_is_placed_right_after_the_colon() -> None:
    for block in ("key:   \nb: 1\n", "key: # c\nb: 1\n", "key:   \n", "key:\n# c\n"):
        assert fastyaml.parse_simple(block, 2) is not None
        same(block)


def test_what_the_full_parser_reads_otherwise_or_warns_about_is_declined() -> None:
    declined = [
        "status: no\n",  # YAML 1.1 boolean: a warning
        "mode: 0755\n",  # YAML 1.1 octal: a warning
        "a: 1\na: 2\n",  # duplicate key
        "a: &x 1\n",  # anchor
        "null: 1\n",  # a key that is not text
        "a:\n  - \n",  # a null item
        "a:\n  - k:\n    j: 1\n",  # a null value in a set of keys
        "a:\n  - k: 1\n      j: 1\n",  # deeper: not valid
        "a:\n  - k: 1\n    k: 2\n",  # duplicate key in a set of keys
        "title: Fix the\n  login page\n",  # a scalar over two lines
        "a: x#y\n",  # '#' inside a value
        "a: [b, [c]]\n",  # nested flow
        "parent:\n  child: 1\n",  # nested mapping
        "a: 1",  # no final line break
        "title: Fix login # note\x85due: 2026-13-45\n",  # NEL ends the comment for YAML
        'note: "a\u2028b"\n',  # LS inside quotes: YAML folds it
        'note: "bell \x07"\n',  # a control character: libyaml refuses it
    ]
    for block in declined:
        assert fastyaml.parse_simple(block, 2) is None, block


def test_a_key_of_1024_characters_is_taken_and_a_longer_one_declined() -> None:
    block = "k" * 1024 + ": v\n"
    same(block)
    longer = "k" * 1025 + ": v\n"
    assert fastyaml.parse_simple(longer, 2) is None
    assert not yamlpos.parse(longer, 2).ok  # libyaml refuses it
