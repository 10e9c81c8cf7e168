"""Workload: remaining estimate spread over working days, split among assignees, against
capacity after time away."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from render_helpers import TODAY, fixture_workspace

from worktext.model.items import Task
from worktext.plan.workload import monday, person_load, spread, task_window, team_load, working_days
from worktext.render.data import SiteData

D = dt.date


def task(**kw: object) -> Task:
    return Task(id="T", path="", title="t", **kw)  # type: ignore[arg-type]


def test_working_days_skip_the_weekend() -> None:
    assert working_days(D(2026, 11, 20), D(2026, 11, 24), 5) == [
        D(2026, 11, 20),
        D(2026, 11, 23),
        D(2026, 11, 24),
    ]


def test_start_and_due_spread_evenly_over_the_working_days_between() -> None:
    days = spread(task(start=D(2026, 11, 23), due=D(2026, 11, 27), estimate=10.0), TODAY)
    assert days == {D(2026, 11, 23) + dt.timedelta(n): 2.0 for n in range(5)}


def test_only_due_takes_as_many_days_before_it_as_the_estimate_needs() -> None:
    assert task_window(task(due=D(2026, 12, 2), estimate=24.0), 8, 5) == (
        D(2026, 11, 30),
        D(2026, 12, 2),
    )
    # across a weekend: three working days ending on Monday start the Thursday before
    assert task_window(task(due=D(2026, 11, 30), estimate=24.0), 8, 5) == (
        D(2026, 11, 26),
        D(2026, 11, 30),
    )


def test_only_start_runs_as_long_as_the_estimate() -> None:
    assert task_window(task(start=D(2026, 11, 27), estimate=16.0), 8, 5) == (
        D(2026, 11, 27),
        D(2026, 11, 30),
    )


def test_past_days_are_dropped_and_overdue_work_lands_on_today() -> None:
    days = spread(task(start=D(2026, 11, 16), due=D(2026, 11, 24), estimate=14.0), TODAY)
    assert days == {D(2026, 11, 23): 7.0, D(2026, 11, 24): 7.0}
    assert spread(task(due=D(2026, 11, 2), estimate=5.0), TODAY) == {TODAY: 5.0}


def test_logged_time_is_subtracted_and_no_dates_means_unscheduled() -> None:
    from worktext.model.items import TimeEntry

    logged = task(
        start=D(2026, 11, 23),
        due=D(2026, 11, 23),
        estimate=8.0,
        log=(TimeEntry(D(2026, 11, 20), 6.0),),
    )
    assert spread(logged, TODAY) == {TODAY: 2.0}
    assert spread(task(estimate=8.0), TODAY) == {}


@pytest.fixture
def ws(tmp_path: Path):  # type: ignore[no-untyped-def]
    return fixture_workspace(tmp_path / "ws")


def test_shared_tasks_are_split_and_away_days_cut_capacity(ws) -> None:  # type: ignore[no-untyped-def]
    ana = person_load(ws, ws.people.get("ana"), TODAY, weeks=2)
    bo = person_load(ws, ws.people.get("bo"), TODAY, weeks=2)
    # S-2: 40h estimate, 8h logged, 32h left over Mon 23 .. Fri 27 (5 days), shared by two.
    assert ana.weeks[0].tasks == (("S-2", 16.0),)
    assert bo.weeks[0].tasks == (("S-2", 16.0),)
    assert ana.weeks[0].away_days == 2  # Thursday and Friday
    assert ana.weeks[0].capacity == pytest.approx(40 * 3 / 5)
    assert bo.weeks[0].capacity == 32.0
    assert ana.weeks[0].start == monday(TODAY) and ana.weeks[0].iso == "2026-W48"


def test_team_load_adds_up_to_the_remaining_open_estimates(ws) -> None:  # type: ignore[no-untyped-def]
    loads = team_load(ws, TODAY, weeks=8)
    total = sum(w.assigned for load in loads for w in load.weeks) + sum(
        load.unscheduled for load in loads
    )
    expected = 0.0
    for t in ws.tasks:
        if ws.is_open(t) and t.estimate and t.assignees:
            expected += max(t.estimate - t.spent, 0)
    assert total == pytest.approx(expected, abs=0.05)


def test_over_allocation_is_flagged(ws) -> None:  # type: ignore[no-untyped-def]
    cy = person_load(ws, ws.people.get("cy"), TODAY, weeks=1)
    # S-4 (6h, overdue) and O-1 (2h due Wednesday) both land in this week
    assert cy.weeks[0].assigned == pytest.approx(8.0)
    assert not cy.weeks[0].over
    ana = person_load(ws, ws.people.get("ana"), TODAY, weeks=1)
    assert ana.weeks[0].assigned == 16.0 and ana.weeks[0].capacity == 24.0 and not ana.weeks[0].over


def test_the_site_cuts_fewer_weeks_from_eight(ws) -> None:  # type: ignore[no-untyped-def]
    """SiteData works a person's 8 weeks out once and cuts the 1 or 2 the dashboard and the
    people index show: that must equal working out fewer weeks."""
    site = SiteData(ws)
    for weeks in (1, 2, 5, 8, 9):
        assert site.team_load(weeks) == team_load(ws, TODAY, weeks)
        for person in ws.people:
            assert site.person_load(person, weeks) == person_load(ws, person, TODAY, weeks)


def test_the_current_week_counts_only_the_working_days_left(tmp_path: Path) -> None:
    from worktext.model.items import Away, Person

    person = Person(id="dev", path="", name="Dev", capacity=40.0)
    ws = fixture_workspace(tmp_path / "ws")
    thursday = D(2026, 11, 26)
    week = person_load(ws, person, thursday, weeks=2).weeks
    assert (week[0].capacity, week[0].workdays) == (16.0, 2)  # Thursday and Friday of 40 h
    assert (week[1].capacity, week[1].workdays) == (40.0, 5)
    away = Person(
        id="dev", path="", name="Dev", capacity=40.0, away=(Away(D(2026, 11, 30), D(2026, 12, 4)),)
    )
    conference = person_load(ws, away, thursday, weeks=2).weeks[1]
    assert conference.capacity == 0.0 and conference.away_all and conference.away_days == 5


def test_work_is_never_placed_on_a_day_away() -> None:
    away = {D(2026, 11, 30) + dt.timedelta(n) for n in range(5)}  # a conference week
    # due in the conference week: its work moves to the next day back at work
    hours = spread(
        task(start=D(2026, 11, 30), due=D(2026, 12, 4), estimate=16.0), TODAY, 8, 5, away
    )
    assert hours == {D(2026, 12, 7): 16.0}
    # a window across the week away keeps its days before and after
    hours = spread(task(start=D(2026, 11, 27), due=D(2026, 12, 7), estimate=8.0), TODAY, 8, 5, away)
    assert hours == {D(2026, 11, 27): 4.0, D(2026, 12, 7): 4.0}
