"""Output paths: every id becomes a safe file name; case-insensitive clashes are errors."""

from __future__ import annotations

import posixpath
import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from worktext.render.urls import (
    OutputCollision,
    UrlMap,
    escaped_name,
    relative,
    root_prefix,
    safe_name,
)

SAFE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*\Z")


@pytest.mark.parametrize(
    ("item_id", "expected"),
    [
        ("WEB-12", "WEB-12"),
        ("a.b_c", "a.b_c"),
        ("../etc", "_.._2f_etc"),
        ("con", "_con"),
        ("x y", "x_20_y"),
    ],
)
def test_safe_name_examples(item_id: str, expected: str) -> None:
    assert safe_name(item_id) == expected


@given(st.text(min_size=1, max_size=40))
def test_safe_name_is_always_one_portable_file_name(item_id: str) -> None:
    name = safe_name(item_id)
    assert SAFE.match(name), name
    assert name not in {".", ".."}
    assert name.split(".")[0].lower() not in {"con", "prn", "aux", "nul", "com1", "lpt1"}


def test_item_paths_are_inside_their_folder() -> None:
    urls = UrlMap()
    assert urls.item("task", "WEB-1") == "tasks/WEB-1.html"
    assert urls.item("task", "WEB-1") == "tasks/WEB-1.html"  # asked twice: the same, no clash
    assert urls.item("ics", "ana", ".ics") == "people/ana.ics"
    assert urls.item("person", "ana") == "people/ana.html"


def test_ids_differing_only_in_case_are_an_error_not_an_overwrite() -> None:
    urls = UrlMap()
    urls.item("task", "Web-1")
    with pytest.raises(OutputCollision, match=r"Web-1.*WEB-1|WEB-1.*Web-1"):
        urls.item("task", "WEB-1")


def test_ids_that_sanitise_to_the_same_name_are_an_error() -> None:
    urls = UrlMap()
    urls.item("goal", "a b")
    with pytest.raises(OutputCollision):
        urls.item("goal", "a_20_b")


PARTS = st.sampled_from(["a", "b", "tasks", "x.html", ".", "..", "", "a b"])


@given(st.lists(PARTS, max_size=4), st.lists(PARTS, min_size=1, max_size=4))
def test_relative_is_what_relpath_says(start: list[str], target: list[str]) -> None:
    """Worked out from the parts for plain paths, asked of relpath otherwise: the same."""
    page, to = "/".join([*start, "p.html"]), "/".join(target)
    if not to or to.startswith("/"):
        return  # no page to link to
    assert relative(page, to) == posixpath.relpath(to, posixpath.dirname(page) or ".")


def test_relative_links_work_from_any_depth() -> None:
    assert relative("tasks/A.html", "boards/x.html") == "../boards/x.html"
    assert relative("index.html", "tasks/A.html") == "tasks/A.html"
    assert root_prefix("index.html") == ""
    assert root_prefix("tasks/A.html") == "../"


@given(st.text(alphabet=string.ascii_letters + string.digits + "._- /\\:é\x00", max_size=8))
def test_the_quick_path_of_safe_name_gives_the_full_answer(item_id: str) -> None:
    assert safe_name(item_id) == escaped_name(item_id)


def test_reserved_and_dotted_names_take_the_full_path() -> None:
    for item_id in ("con", "CON.txt", "aux.", "lpt1", "a.", "-x", ".x", "a b"):
        assert safe_name(item_id) == escaped_name(item_id) != item_id


@given(st.lists(st.text(alphabet=string.ascii_letters + string.digits + "._- é", max_size=6)))
def test_items_gives_what_item_gives_one_by_one(ids: list[str]) -> None:
    """The batch (a site's task pages) and the single calls agree, clashes included."""
    one_by_one: dict[str, str] | str = {}
    try:
        single = UrlMap()
        one_by_one = {item_id: single.item("task", item_id) for item_id in ids}
    except OutputCollision:
        one_by_one = "clash"
    try:
        batch: dict[str, str] | str = UrlMap().items("task", ids)
    except OutputCollision:
        batch = "clash"
    assert batch == one_by_one


def test_items_reports_a_clash_with_both_ids() -> None:
    urls = UrlMap()
    urls.item("task", "Web-1")
    with pytest.raises(OutputCollision, match=r"task 'WEB-1' and task 'Web-1'"):
        urls.items("task", ["A-1", "WEB-1"])
    assert UrlMap().items("task", ["A-1", "A-1"]) == {"A-1": "tasks/A-1.html"}
