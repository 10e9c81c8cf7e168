"""The HTML written in Python (html.py) fills its slots exactly as ``Markup.format`` does:
every value escaped by markupsafe, Markup inserted as it is."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from worktext.render.html import Html, join

values = st.one_of(
    st.text(),
    st.text().map(Markup),
    st.integers(),
    st.floats(allow_nan=False),
    st.none(),
    st.booleans(),
)
literal = st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=12)


@given(st.lists(st.tuples(literal, values), max_size=6), literal)
def test_an_html_template_is_markup_format(slots: list[tuple[str, object]], tail: str) -> None:
    template = "".join(text + "{}" for text, _ in slots) + tail
    args = [value for _, value in slots]
    made = Html(template)(*args)
    assert made == Markup(template).format(*args)
    assert isinstance(made, Markup)


def test_hostile_text_is_escaped_and_markup_is_kept() -> None:
    cell = Html('<td title="{}">{}</td>')
    assert cell("\"'<&>", Markup("<b>x</b>")) == (
        '<td title="&#34;&#39;&lt;&amp;&gt;"><b>x</b></td>'
    )
    assert join([Markup("<i>a</i>"), "<b>"], ", ") == "<i>a</i>, &lt;b&gt;"


def test_a_template_takes_exactly_its_slots_and_no_other_braces() -> None:
    with pytest.raises(TypeError):
        Html("<td>{}</td>")()
    with pytest.raises(ValueError):
        Html("<td>{name}</td>")


@given(values)
def test_escape_is_markupsafes_as_a_plain_string(value: object) -> None:
    from markupsafe import escape as markupsafe_escape

    from worktext.render.html import escape

    assert escape(value) == str(markupsafe_escape(value))
    assert isinstance(escape(value), str)
