from __future__ import annotations

import contextlib

import pytest
from conftest import TODAY
from hypothesis import given
from hypothesis import strategies as st

from worktext.check.pipeline import open_workspace
from worktext.errors import QueryError
from worktext.model.query import KEYS, ORDERED_KEYS, SORT_KEYS, Query, Sort, Term, parse, select


def test_parse_terms() -> None:
    query = parse(
        'status:doing,review -label:ops priority:>=high due:<today+7d "free text" -sort:due'
    )
    assert query.terms == (
        Term("status", ("doing", "review")),
        Term("label", ("ops",), negated=True),
        Term("priority", ("high",), ">="),
        Term("due", ("today+7d",), "<"),
        Term(None, ("free text",)),
    )
    assert query.sorts == (Sort("due", descending=True),)


def test_values_with_dots_at_the_ends_survive_a_range() -> None:
    query = Query((Term("priority", ("0.", "0"), ".."),))
    assert str(query) == 'priority:"0."..0'
    assert parse(str(query)) == query
    inner = Query((Term("label", ("a..b",)),))
    assert parse(str(inner)) == inner


def test_parse_range_and_quotes() -> None:
    query = parse('start:2026-01-01..2026-03-31 title:"a \\"b\\" c"')
    assert query.terms[0] == Term("start", ("2026-01-01", "2026-03-31"), "..")
    assert query.terms[1] == Term("title", ('a "b" c',))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("statsu:doing", "did you mean 'status'"),
        ('"unclosed', "unclosed quote"),
        ("status:", "needs a value"),
        ("label:>x", "cannot be compared"),
        ("sort:colour", "cannot sort by"),
    ],
)
def test_parse_errors(text: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        parse(text)


value = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 _.:-]{0,12}", fullmatch=True).filter(
    lambda v: ".." not in v
)
set_keys = [k for k in KEYS if k not in ORDERED_KEYS and k != "sort"]
terms = st.one_of(
    st.builds(
        Term,
        st.sampled_from(set_keys),
        st.lists(value, min_size=1, max_size=3).map(tuple),
        st.just("="),
        st.booleans(),
    ),
    st.builds(
        Term,
        st.sampled_from(ORDERED_KEYS),
        value.map(lambda v: (v,)),
        st.sampled_from(["=", "<", "<=", ">", ">="]),
        st.booleans(),
    ),
    st.builds(
        Term,
        st.sampled_from(ORDERED_KEYS),
        st.tuples(value, value),
        st.just(".."),
        st.booleans(),
    ),
    st.builds(Term, st.none(), value.map(lambda v: (v,)), st.just("="), st.booleans()),
)
queries = st.builds(
    Query,
    st.lists(terms, max_size=5).map(tuple),
    st.lists(st.builds(Sort, st.sampled_from(SORT_KEYS), st.booleans()), max_size=2).map(tuple),
)


@given(queries)
def test_format_then_parse_round_trips(query: Query) -> None:
    assert parse(str(query)) == query


@given(st.text(max_size=60))
def test_parser_raises_only_query_errors(text: str) -> None:
    with contextlib.suppress(QueryError):
        parse(text)


@pytest.fixture
def ws(make_workspace):
    root = make_workspace(
        {
            "people/ana.md": "---\nname: Ana\n---\n",
            "people/bo.md": "---\nname: Bo\n---\n",
            "projects/web.md": "---\ntitle: Web\n---\n",
            "projects/ops.md": "---\ntitle: Ops\nkind: ongoing\n---\n",
            "tasks/WEB-1.md": "---\ntitle: Login page\nstatus: doing\nproject: web\n"
            "assignee: ana\npriority: high\ndue: 2026-11-20\nlabels: [ui]\nestimate: 2d\n---\n",
            "tasks/WEB-2.md": "---\ntitle: Signup\nproject: web\nassignee: [ana, bo]\n"
            "priority: low\ndue: 2026-11-28\ndepends_on: WEB-1\n---\nMentions passkeys.\n",
            "tasks/WEB-10.md": "---\ntitle: Launch\nstatus: done\nproject: web\n"
            "priority: urgent\ndue: 2026-11-01\n---\n",
            "tasks/OPS-1.md": "---\ntitle: Backups\nproject: ops\nrepeat: weekly\n"
            "labels: [ops]\nestimate: 30m\n---\n",
        }
    )
    return open_workspace(root, today=TODAY, use_cache=False)


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ("", ["OPS-1", "WEB-1", "WEB-2", "WEB-10"]),
        ("is:open", ["OPS-1", "WEB-1", "WEB-2"]),
        ("is:closed", ["WEB-10"]),
        ("is:overdue", ["WEB-1"]),
        ("is:blocked", ["WEB-2"]),
        ("is:recurring", ["OPS-1"]),
        ("is:unassigned", ["OPS-1", "WEB-10"]),
        ("assignee:bo", ["WEB-2"]),
        ("assignee:ana -assignee:bo", ["WEB-1"]),
        ("status:doing,done", ["WEB-1", "WEB-10"]),
        ("category:active", ["WEB-1"]),
        ("project:web priority:>=high", ["WEB-1", "WEB-10"]),
        ("priority:<medium", ["WEB-2"]),
        ("due:<today", ["WEB-1", "WEB-10"]),
        ("due:<=today+7d is:open", ["WEB-1", "WEB-2"]),
        ("due:2026-11-21..2026-11-30", ["WEB-2"]),
        ("kind:ongoing", ["OPS-1"]),
        ("label:ops", ["OPS-1"]),
        ("passkeys", ["WEB-2"]),
        ('"login page"', ["WEB-1"]),
        ("estimate:>1h", ["WEB-1"]),
        ("has:estimate", ["OPS-1", "WEB-1"]),
        ("no:due", ["OPS-1"]),
        ("sort:due", ["WEB-10", "WEB-1", "WEB-2", "OPS-1"]),
        ("-sort:priority", ["WEB-10", "WEB-1", "WEB-2", "OPS-1"]),
        ("project:general", []),
    ],
)
def test_select(ws, query: str, ids: list[str]) -> None:
    assert [t.id for t in select(ws, query)] == ids


def test_bad_values_are_query_errors(ws) -> None:
    with pytest.raises(QueryError, match="not a priority"):
        select(ws, "priority:>=huge")
    with pytest.raises(QueryError, match="not a date"):
        select(ws, "due:<soon")
    with pytest.raises(QueryError, match="unknown is:"):
        select(ws, "is:lost")
