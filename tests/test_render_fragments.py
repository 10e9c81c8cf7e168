"""The HTML pieces written in Python escape exactly as markupsafe (the templates) does."""

from __future__ import annotations

import markupsafe
from hypothesis import given
from hypothesis import strategies as st

from worktext.render import fragments


@given(st.text())
def test_escape_is_markupsafes_as_a_plain_string(text: str) -> None:
    assert fragments.escape(text) == str(markupsafe.escape(text))
    assert type(fragments.escape(text)) is str


def test_escape_leaves_markup_and_writes_other_values_as_markupsafe_does() -> None:
    for value in (markupsafe.Markup("<b>kept</b>"), 3, 2.5, None, "'\"<&>"):
        assert fragments.escape(value) == str(markupsafe.escape(value))
