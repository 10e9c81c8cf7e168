"""Timesheets from time logs: ISO weeks, sums equal to what was logged, spent vs estimate."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from worktext.model.items import Task, TimeEntry
from worktext.plan.timesheet import (
    by_person,
    by_task,
    logged_by,
    spent_against_estimate,
    timesheet,
    week_label,
    week_of,
)

D = dt.date


def make(task_id: str, estimate: float | None, *log: TimeEntry) -> Task:
    return Task(id=task_id, path=f"tasks/{task_id}.md", title=task_id, estimate=estimate, log=log)


def test_weeks_start_on_monday_and_are_labelled_iso() -> None:
    assert week_of(D(2026, 11, 23)) == D(2026, 11, 23)  # a Monday
    assert week_of(D(2026, 11, 29)) == D(2026, 11, 23)  # the Sunday after
    assert week_of(D(2027, 1, 1)) == D(2026, 12, 28)
    assert week_label(D(2026, 12, 28)) == "2026-W53"
    assert week_label(D(2027, 1, 4)) == "2027-W01"


def test_project_sheet_sums_hours_by_person_and_week() -> None:
    tasks = [
        make(
            "A-1",
            8,
            TimeEntry(D(2026, 11, 16), 2, "ana"),
            TimeEntry(D(2026, 11, 18), 3, "ana"),
            TimeEntry(D(2026, 11, 23), 1.5, "bo"),
        ),
        make(
            "A-2", None, TimeEntry(D(2026, 11, 22), 4, None), TimeEntry(D(2026, 11, 24), 1, "ana")
        ),
    ]
    sheet = by_person(tasks)
    assert sheet.weeks == [D(2026, 11, 16), D(2026, 11, 23)]
    assert sheet.rows == ["ana", "bo", None]  # unattributed last
    assert sheet.hours("ana", D(2026, 11, 16)) == 5
    assert sheet.hours(None, D(2026, 11, 16)) == 4
    assert sheet.hours("ana", D(2026, 11, 23)) == 1
    assert sheet.row_totals == {"ana": 6, "bo": 1.5, None: 4}
    assert sheet.week_totals == {D(2026, 11, 16): 9, D(2026, 11, 23): 2.5}
    assert sheet.total == 11.5 == sum(t.spent for t in tasks)


def test_person_sheet_has_only_their_hours_by_task() -> None:
    tasks = [
        make("A-1", 8, TimeEntry(D(2026, 11, 16), 2, "ana"), TimeEntry(D(2026, 11, 16), 7, "bo")),
        make("A-10", 8, TimeEntry(D(2026, 11, 17), 1, "ana")),
        make("A-2", 8, TimeEntry(D(2026, 11, 30), 3, "ana")),
    ]
    sheet = by_task(tasks, "ana")
    assert sheet.rows == ["A-1", "A-10", "A-2"]
    assert sheet.total == 6
    assert sheet.week_totals == {D(2026, 11, 16): 3, D(2026, 11, 30): 3}
    assert logged_by(tasks) == {"ana": tasks, "bo": tasks[:1]}


def test_old_weeks_are_summed_into_earlier() -> None:
    entries = [("x", TimeEntry(D(2026, 1, 5) + dt.timedelta(weeks=n), 1.0)) for n in range(20)]
    sheet = timesheet(entries, recent=12)
    assert len(sheet.weeks) == 12
    assert sheet.weeks[0] == D(2026, 1, 5) + dt.timedelta(weeks=8)
    assert sheet.earlier == {"x": 8} and sheet.earlier_total == 8
    assert sum(sheet.week_totals.values()) + sheet.earlier_total == sheet.total == 20


def test_spent_against_estimate() -> None:
    tasks = [
        make("A-1", 4, TimeEntry(D(2026, 11, 16), 5, "ana")),
        make("A-2", 10, TimeEntry(D(2026, 11, 16), 2, "ana")),
        make("A-3", None, TimeEntry(D(2026, 11, 16), 1, "ana")),
    ]
    spent = spent_against_estimate(tasks)
    assert (spent.spent, spent.estimate, spent.unestimated) == (8, 14, 1)
    assert not spent.over and spent.ratio == 8 / 14
    assert spent_against_estimate(tasks[:1]).over
    assert spent_against_estimate([]).ratio is None


entry = st.builds(
    TimeEntry,
    st.dates(D(2025, 1, 1), D(2027, 12, 31)),
    st.integers(1, 40).map(lambda n: n / 4),
    st.sampled_from(["ana", "bo", None]),
)


@given(st.lists(st.lists(entry, max_size=6), max_size=6), st.integers(1, 10))
def test_sheet_totals_equal_the_logged_hours(logs: list[list[TimeEntry]], recent: int) -> None:
    tasks = [make(f"T-{n}", None, *log) for n, log in enumerate(logs)]
    logged = sum(t.spent for t in tasks)
    sheet = by_person(tasks, recent)
    assert abs(sheet.total - logged) < 1e-6
    shown = sum(sheet.cells.values()) + sheet.earlier_total
    assert abs(shown - logged) < 1e-6
    assert len(sheet.weeks) <= recent
    for person in ("ana", "bo"):
        mine = sum(e.hours for t in tasks for e in t.log if e.who == person)
        assert abs(by_task(tasks, person, recent).total - mine) < 1e-6


def test_weeks_without_hours_are_shown_between_those_with_hours() -> None:
    entries = [
        ("ana", TimeEntry(D(2026, 11, 2), 2.0)),
        ("ana", TimeEntry(D(2026, 11, 25), 1.0)),  # two empty weeks between
    ]
    sheet = timesheet(entries)
    assert sheet.weeks == [D(2026, 11, 2), D(2026, 11, 9), D(2026, 11, 16), D(2026, 11, 23)]
    assert sheet.hours("ana", D(2026, 11, 9)) == 0.0
    assert sheet.week_totals.get(D(2026, 11, 16), 0.0) == 0.0
    assert sheet.total == 3.0
