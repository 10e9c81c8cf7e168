"""The search index (render/search.py): a task's rows are one JSON text, and comments' dates
are written as ``%Y-%m-%d``."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from worktext.model.discussion import Comment
from worktext.render.search import comment_entry, safe_json

TEXTS = st.text(alphabet=st.sampled_from(list('ab <>&"\\/\u2028\u2029\n\té😀')), max_size=12)


@given(st.lists(st.lists(TEXTS, max_size=6), min_size=1, max_size=6))
def test_a_tasks_rows_as_one_json_text_are_its_rows_joined_by_commas(
    rows: list[list[str]],
) -> None:
    """The index joins each task's rows as text: one ``safe_json`` of the list, without its
    brackets, must be the rows' own JSON joined by commas."""
    assert safe_json(rows)[1:-1] == ",".join(safe_json(row) for row in rows)


@given(st.datetimes(timezones=st.just(dt.timezone.utc)))
def test_a_comments_date_in_the_index_is_strftimes(when: dt.datetime) -> None:
    comment = Comment("20261101T100000Z-ana-abc1234", "T-1", "c/x.md", "ana", when, "Hi")
    assert comment_entry(comment, "tasks/T-1.html")[5] == when.strftime("%Y-%m-%d")
