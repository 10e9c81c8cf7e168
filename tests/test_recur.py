"""Recurring tasks: rules, occurrences in a window, idempotent materialisation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import TODAY
from hypothesis import given, settings
from hypothesis import strategies as st

from worktext.check.pipeline import open_workspace
from worktext.model import recurrence
from worktext.model.items import Task
from worktext.model.recurrence import RecurrenceError
from worktext.plan import recur

D = dt.date


def task(**kw: object) -> Task:
    return Task(id=str(kw.pop("id", "OPS-1")), path="tasks/OPS-1.md", title="t", **kw)  # type: ignore[arg-type]


def days(found: list[recurrence.Occurrence]) -> list[dt.date]:
    return [o.date for o in found]


def test_shorthands_and_rrules() -> None:
    weekly = task(due=D(2026, 11, 27), repeat="weekly")
    assert days(recurrence.occurrences(weekly, D(2026, 11, 1), D(2026, 12, 12))) == [
        D(2026, 12, 4),
        D(2026, 12, 11),
    ]  # the series task itself (27 Nov) is not an extra occurrence
    monthly = task(due=D(2026, 1, 31), repeat="Monthly")
    assert days(recurrence.occurrences(monthly, D(2026, 2, 1), D(2026, 5, 31))) == [
        D(2026, 3, 31),
        D(2026, 5, 31),
    ]  # RFC 5545: months without a 31st are skipped
    rule = task(due=D(2026, 11, 15), repeat="RRULE:FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15")
    assert days(recurrence.occurrences(rule, TODAY, D(2027, 12, 31))) == [
        D(2027, 2, 15),
        D(2027, 5, 15),
        D(2027, 8, 15),
        D(2027, 11, 15),
    ]
    mondays = task(due=D(2026, 11, 27), repeat="FREQ=WEEKLY;BYDAY=MO;COUNT=3")
    assert days(recurrence.occurrences(mondays, TODAY, D(2027, 1, 31))) == [
        D(2026, 11, 30),
        D(2026, 12, 7),
        D(2026, 12, 14),
    ]
    assert days(
        recurrence.occurrences(task(due=D(2026, 11, 23), repeat="yearly"), TODAY, D(2028, 12, 31))
    ) == [D(2027, 11, 23), D(2028, 11, 23)]


def test_start_and_due_keep_their_gap() -> None:
    series = task(start=D(2026, 11, 23), due=D(2026, 11, 25), repeat="weekly")
    (first,) = recurrence.occurrences(series, D(2026, 11, 26), D(2026, 12, 2))
    assert (first.id, first.start, first.due) == ("OPS-1-20261202", D(2026, 11, 30), D(2026, 12, 2))
    only_start = task(start=D(2026, 11, 23), repeat="daily")
    (day,) = recurrence.occurrences(only_start, D(2026, 11, 24), D(2026, 11, 24))
    assert (day.start, day.due) == (D(2026, 11, 24), None)


def test_no_occurrences_without_rule_or_date() -> None:
    assert recurrence.occurrences(task(repeat="weekly"), TODAY, D(2027, 1, 1)) == []
    assert recurrence.occurrences(task(due=TODAY), TODAY, D(2027, 1, 1)) == []


@pytest.mark.parametrize(
    "text", ["fortnightly", "FREQ=SOMETIMES", "DTSTART:20260101\nFREQ=DAILY", ""]
)
def test_bad_rules_are_refused(text: str) -> None:
    with pytest.raises(RecurrenceError, match="not a recurrence rule"):
        recurrence.parse_rule(text, TODAY)


SERIES = """\
---
title: Weekly backup test
project: ops
assignee: femi
labels: [backup]
estimate: 1h
due: 2026-11-27
repeat: weekly
---
- [x] Restore a file
- [ ] Note it
"""
FILES = {
    "projects/ops.md": "---\ntitle: Ops\nkind: ongoing\n---\n",
    "people/femi.md": "---\nname: Femi\n---\n",
    "tasks/ops/OPS-1.md": SERIES,
    "tasks/ops/OPS-2.md": "---\ntitle: Stopped\ndue: 2026-11-20\nrepeat: daily\nstatus: cancelled\n---\n",  # noqa: E501
    "tasks/ops/OPS-3.md": "---\ntitle: Broken\ndue: 2026-11-20\nrepeat: sometimes\n---\n",
    "workflows/default.md": "---\nstates:\n  - {id: todo, category: todo}\n  - {id: done, category: done}\n  - {id: cancelled, category: cancelled}\n---\n",  # noqa: E501
}


def test_plan_materialises_once(make_workspace: Callable[..., Path]) -> None:
    root = make_workspace(FILES)
    ws = open_workspace(root, TODAY, use_cache=False)
    planned, problems = recur.plan(ws, D(2026, 12, 12))
    assert [p.occurrence.id for p in planned] == ["OPS-1-20261204", "OPS-1-20261211"]
    assert problems and "tasks/ops/OPS-3.md" in problems[0]
    first = planned[0]
    assert first.path == root / "tasks/ops/OPS-1-20261204.md"
    assert first.data == {
        "title": "Weekly backup test",
        "created": TODAY,  # the day it is made: "Open work by age" can count from it
        "project": "ops",
        "assignee": "femi",
        "labels": ["backup"],
        "estimate": "1h",
        "due": D(2026, 12, 4),
        "recurrence_of": "OPS-1",
    }
    assert first.body == "- [ ] Restore a file\n- [ ] Note it\n"
    # One occurrence exists already under another name: it still counts.
    (root / "tasks/ops/OPS-9.md").write_text(
        "---\ntitle: moved\ndue: 2026-12-11\nrecurrence_of: OPS-1\n---\n", encoding="utf-8"
    )
    (root / "tasks/ops/OPS-1-20261204.md").write_text("---\ntitle: x\n---\n", encoding="utf-8")
    ws = open_workspace(root, TODAY, use_cache=False)
    assert recur.plan(ws, D(2026, 12, 12))[0] == []


def test_pending_occurrences_for_the_calendar(make_workspace: Callable[..., Path]) -> None:
    root = make_workspace(FILES)
    (root / "tasks/ops/OPS-1-20261211.md").write_text("---\ntitle: made\n---\n", encoding="utf-8")
    ws = open_workspace(root, TODAY, use_cache=False)
    found = recur.pending(ws, TODAY, D(2026, 12, 31))
    assert [o.id for o in found] == ["OPS-1-20261204", "OPS-1-20261218", "OPS-1-20261225"]
    assert not (root / "tasks/ops/OPS-1-20261204.md").exists()


RULES = st.sampled_from(
    [
        *("daily", "weekly", "monthly", "yearly", "FREQ=MONTHLY"),
        *("FREQ=DAILY;INTERVAL=3", "RRULE:FREQ=WEEKLY;INTERVAL=2"),
        *("FREQ=MONTHLY;INTERVAL=5", "FREQ=YEARLY;INTERVAL=4"),
        *("FREQ=WEEKLY;BYDAY=MO", "RRULE:FREQ=WEEKLY;BYDAY=TU,FR,SU"),
    ]
)
DAYS = st.dates(min_value=D(1990, 1, 1), max_value=D(2060, 12, 31))


@settings(max_examples=400, deadline=None)
@given(rule=RULES, first=DAYS, low=DAYS, span=st.integers(min_value=0, max_value=3000))
def test_simple_rules_give_the_dates_dateutil_gives(
    rule: str, first: dt.date, low: dt.date, span: int
) -> None:
    """Rules that repeat a date every n days, weeks, months or years are counted directly; the
    dates must be rrule's, the 31st and 29 February included."""
    high = low + dt.timedelta(days=span)
    if low <= first:
        low = first + dt.timedelta(days=1)
    assert recurrence.is_simple(rule)
    fast = recurrence.simple_dates(rule, first, low, high)
    moments = recurrence.parse_rule(rule, first).between(
        dt.datetime.combine(low, dt.time()), dt.datetime.combine(high, dt.time()), inc=True
    )
    assert fast == [moment.date() for moment in moments]


def test_other_rules_are_left_to_dateutil() -> None:
    for rule in ("FREQ=WEEKLY;BYDAY=1MO", "FREQ=MONTHLY;COUNT=3", "freq=daily", "FREQ=DAILY;X=1"):
        assert recurrence.simple_dates(rule, D(2026, 1, 31), D(2026, 2, 1), D(2026, 12, 31)) is None
        assert not recurrence.is_simple(rule)
