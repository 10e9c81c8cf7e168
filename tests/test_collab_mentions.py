"""The mention and link finders, and the comment file's round trip, on generated text."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from worktext.load import comments
from worktext.load.source import parse_bytes
from worktext.model import mentions as mentions_module
from worktext.model.discussion import comment_name, comment_text, parse_timestamp
from worktext.model.mentions import _SCHEME, links, mentions, prose

NAMES = st.from_regex(r"[a-z][a-z0-9_-]{0,10}[a-z0-9]", fullmatch=True)
WORDS = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


@given(st.lists(st.tuples(WORDS, NAMES), max_size=5))
def test_every_mention_points_at_its_at_sign_and_name(parts: list[tuple[str, str]]) -> None:
    text = "".join(f"{words} @{name} " for words, name in parts)
    lines = text.split("\n")
    for found in mentions(text):
        line = lines[found.line]
        assert line[found.column] == "@"
        assert line[found.column + 1 :].startswith(found.text)


@given(NAMES, NAMES)
def test_addresses_and_code_are_not_mentions(user: str, name: str) -> None:
    assert mentions(f"mail {user}@{name}.org or `@{name}`") == []
    assert [m.text for m in mentions(f"(@{name}).")] == [name]


@given(st.from_regex(r"[A-Za-z0-9_./-]{1,20}", fullmatch=True), WORDS)
def test_relative_link_targets_are_found_at_their_column(target: str, before: str) -> None:
    before = before.replace("[", "").replace("]", "").replace("`", "").replace("\n", " ")
    text = f"{before}[label]({target})"
    found = links(text)
    if target.startswith(("/", "#")):
        assert found == []
    else:
        (link,) = found
        assert link.text == target
        assert text.split("\n")[link.line][link.column :].startswith(target)


# The pattern as first written, with the "!" of an image inside it: the one in mentions.py
# starts at "[" and looks back for the "!", and must find exactly the same links.
_REFERENCE_LINK = re.compile(
    r"(!?)\[(?:[^\]\\\n]|\\.)*\]\(\s*(<[^>\n]*>|[^\s()]+)(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
)
LINKISH = st.text(alphabet="![]()<>\\ \n\"'#/ab.`~:", max_size=60)


@given(
    st.lists(
        st.one_of(
            LINKISH,
            st.sampled_from(["![a](b.png)", "[x](y.md)", "!![", "](http:", "](<a:", "](  b:x"]),
            st.sampled_from(["\n```\n", "\n~~~\n", "](`", "]( <"]),
        ),
        max_size=6,
    )
)
def test_links_and_images_are_those_of_the_pattern_with_the_bang_inside(parts: list[str]) -> None:
    text = "".join(parts)
    expected = []
    plain = prose(text)
    for match in _REFERENCE_LINK.finditer(plain):
        target = match.group(2)
        target = target[1:-1] if target.startswith("<") else target
        if target and not target.startswith(("#", "/", "\\")) and not _SCHEME.match(target):
            line = plain.count("\n", 0, match.start(2))
            column = match.start(2) - (plain.rfind("\n", 0, match.start(2)) + 1)
            expected.append((target, line, column, match.group(1) == "!"))
    found = [(f.text, f.line, f.column, f.image) for f in links(text)]
    assert found == expected


@given(
    st.lists(
        st.one_of(LINKISH, st.sampled_from(["](http:", "](<a:", "](  b:x", "\n```\n", "](`"])),
        max_size=8,
    )
)
@example(["[x](<a:)"])  # an unclosed "<" is cut off with the last character: "a"
@example(["[x](`c` y.md)"])  # the code span is blanked: "y.md"
@example(["[x](\n```\nc\n```\ny.md)"])  # a fence too
def test_a_text_passed_over_unblanked_has_no_relative_link(parts: list[str]) -> None:
    """The first look (no "](" that may start a relative target) never misses a link that
    blanking the code first and reading every "](" finds."""
    text = "".join(parts)
    found = links(text)
    kept = mentions_module._MAYBE_RELATIVE
    mentions_module._MAYBE_RELATIVE = re.compile(r"\]\(")  # every "](" read in full
    try:
        assert found == links(text)
    finally:
        mentions_module._MAYBE_RELATIVE = kept


def test_an_image_is_a_link_after_a_bang() -> None:
    found = links("See ![chart](a.png) and [notes](b.md), !x [c](d.md)")
    assert [(f.text, f.image) for f in found] == [("a.png", True), ("b.md", False), ("d.md", False)]


TEXT_VALUE = comments._TEXT_VALUE


@given(
    NAMES,
    st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    st.text(min_size=1, max_size=200).filter(lambda s: s.strip() and "\r" not in s),
)
def test_a_comment_file_reads_back_as_written(author: str, when: dt.datetime, body: str) -> None:
    when = when.replace(microsecond=0, tzinfo=dt.timezone.utc)
    text = comment_text(author, when, body, None)
    source = parse_bytes(
        text.encode("utf-8"), f"comments/X-1/{comment_name('X-1', author, when, body)}.md"
    )
    assert source.data is not None, source.problems
    assert source.data["author"] == author
    assert parse_timestamp(source.data["date"]) == when
    assert source.body == body.rstrip("\n") + "\n"
    assert source.data["date"] == f"{when:%Y-%m-%dT%H:%M:%SZ}"


@given(NAMES, st.text(max_size=200).filter(lambda s: "\r" not in s))
def test_the_fast_reader_reads_what_comment_writes(author: str, body: str) -> None:
    import tempfile

    from worktext.load.comments import read_comment

    when = dt.datetime(2026, 12, 3, 13, 21, tzinfo=dt.timezone.utc)
    if author in ("null", "true", "false") or "<<<<<<<" in body or ">>>>>>>" in body:
        return
    with tempfile.TemporaryDirectory() as folder:
        path = f"{folder}/c.md"
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(comment_text(author, when, body or "x", "abc1234"))
        fast = read_comment(path, "c.md")[0]
    assert fast is not None
    assert fast.data == {"author": author, "date": "2026-12-03T13:21:00Z", "reply_to": "abc1234"}


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["author", "date", "reply_to", "other"]),
            st.one_of(
                st.from_regex(r"[A-Za-z0-9_.:+-]{1,12}|yes|null|0755|12:30", fullmatch=True),
                st.from_regex(TEXT_VALUE, fullmatch=True),
            ),
        ),
        max_size=4,
    ),
    st.text(max_size=40),
)
@example([("author", "0:")], "")  # a value ending in ":" is a nested mapping: YAML refuses it
@example([("date", "2026-12-03T13:21:00Z")], "x")
def test_the_fast_comment_reader_agrees_with_the_general_one(
    tmp_path_factory: pytest.TempPathFactory, pairs: list[tuple[str, str]], body: str
) -> None:
    from worktext.load.comments import read_comment
    from worktext.load.source import read_file

    folder = tmp_path_factory.mktemp("c")
    text = "---\n" + "".join(f"{k}: {v}\n" for k, v in pairs) + "---\n" + body
    path = folder / "c.md"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    fast = read_comment(str(path), "c.md")[0]
    if fast is None:
        return  # declined: the general reader reads it
    full = read_file(str(path), "c.md")
    assert (fast.data, fast.body, fast.body_line) == (full.data, full.body, full.body_line)
    assert fast.keys == full.keys and fast.values == full.values
    assert not full.problems


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(-1, 12)), max_size=12))
def test_a_thread_holds_every_comment_once_each_reply_after_what_it_answers(
    shape: list[tuple[int, int]],
) -> None:
    from worktext.model.discussion import Comment, thread_order

    base = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
    comments = []
    for n, (minutes, parent) in enumerate(shape):
        reply = f"c{parent:06d}" if 0 <= parent < len(shape) and parent != n else None
        comments.append(
            Comment(
                f"20261201T000000Z-ana-c{n:06d}",
                "X-1",
                f"comments/X-1/{n}.md",
                "ana",
                base + dt.timedelta(minutes=minutes),
                "text",
                reply,
            )
        )
    ordered = thread_order(comments)
    assert sorted(c.id for c in ordered) == sorted(c.id for c in comments)
    position = {c.hash: i for i, c in enumerate(ordered)}
    for comment in ordered:
        parent = comment.reply_to
        # a reply follows what it answers, unless replies go round in a circle
        if parent in position and not _in_cycle(comment, {c.hash: c for c in comments}):
            assert position[parent] < position[comment.hash]


def _in_cycle(comment, by_hash) -> bool:  # type: ignore[no-untyped-def]
    seen = set()
    current = comment
    while current is not None and current.reply_to:
        if current.hash in seen:
            return True
        seen.add(current.hash)
        current = by_hash.get(current.reply_to)
    return False


@given(st.from_regex(TEXT_VALUE, fullmatch=True))
def test_a_date_or_reply_the_fast_reader_takes_as_it_is_is_text_to_yaml(value: str) -> None:
    """The fast reader skips ``resolve_plain`` and ``ambiguity`` for these values: both
    must have nothing to change or say about them."""
    from worktext.load.yamlpos import ambiguity, resolve_plain

    assert resolve_plain(value) == value
    assert ambiguity(value) is None
