"""The whole file reader under fuzz: random bytes and YAML-like text full of Unicode line
breaks (U+0085, U+2028, U+2029), control characters and odd indentation never raise, and the
fast path changes nothing: every file reads the same with the fast path as with the full
parser alone."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from worktext.load import fastyaml, source

ODD = ["\x85", "\u2028", "\u2029", "\x00", "\x07", "\x1b", "\t", "\r", "\ufeff", "\x7f"]
PIECES = [
    "title: ",
    "status: ",
    "- ",
    "  ",
    "# ",
    ": ",
    "'",
    '"',
    "[",
    "]",
    "{",
    "}",
    "|",
    ">",
    "&a ",
    "*a",
    "!!str ",
    "\n",
    "---\n",
    "...\n",
    "key",
    "ünï",
    "12",
    "2026-01-01",
    ".iNf",
    "null",
    "yes",
    *ODD,
]
yaml_like = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


def read(raw: bytes) -> tuple[Any, list[tuple[str, tuple[int, int, int, int]]], str]:
    found = source.parse_bytes(raw, "tasks/T-1.md")
    return found.data, [(p.code, p.span) for p in found.problems], found.body


def both(raw: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = read(raw)
    with monkeypatch.context() as patched:
        patched.setattr(fastyaml, "parse_simple", lambda *_a, **_k: None)
        slow = read(raw)
    assert fast == slow


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300))
def test_random_bytes_never_raise(monkeypatch: pytest.MonkeyPatch, raw: bytes) -> None:
    both(b"---\n" + raw + b"\n---\nbody\n", monkeypatch)
    both(raw, monkeypatch)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(yaml_like)
def test_yaml_like_text_reads_the_same_with_and_without_the_fast_path(
    monkeypatch: pytest.MonkeyPatch, block: str
) -> None:
    both(f"---\n{block}\n---\n# Heading\n".encode("utf-8", "surrogatepass"), monkeypatch)


KEYS = ["title", "status", "assignee", "labels", "due", "x_ünï", "estimate", "parent"]
VALUES = ["todo", "Fix login", "[a, b]", "2026-01-01", "'quoted'", '"dq"', "12", "", "a # c"]
NORMAL = ["", "", "", "", "", ""]


def block_of(rows: list[tuple[str, str, str, int]]) -> str:
    seen: set[str] = set()
    lines = []
    for key, value, odd, at in rows:
        if key not in seen:  # a repeated key is the parser's to report, always
            seen.add(key)
            lines.append(f"{key}: {value[:at]}{odd}{value[at:]}\n")
    return "".join(lines)


plausible = st.lists(
    st.tuples(
        st.sampled_from(KEYS),
        st.sampled_from(VALUES),
        st.sampled_from([*NORMAL, *ODD]),
        st.integers(0, 20),
    ),
    min_size=1,
    max_size=8,
).map(block_of)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plausible)
def test_front_matter_with_odd_characters_reads_the_same_either_way(
    monkeypatch: pytest.MonkeyPatch, block: str
) -> None:
    both(f"---\n{block}---\nBody\n".encode(), monkeypatch)


def test_the_fuzz_reaches_the_fast_path() -> None:
    """The comparisons mean something only if the fast path takes many of the texts, and
    declines those with the characters it does not read."""
    rng = random.Random(7)
    taken = with_odd = 0
    for _ in range(500):
        rows = [
            (rng.choice(KEYS), rng.choice(VALUES), rng.choice([*NORMAL, *ODD]), rng.randint(0, 20))
            for _ in range(rng.randint(1, 8))
        ]
        block = block_of(rows)
        fast = fastyaml.parse_simple(block)
        taken += fast is not None
        with_odd += fast is not None and any(c in block for c in ODD if c != "\t")
    assert taken > 40 and with_odd == 0, (taken, with_odd)  # 55 of 500 with this seed
