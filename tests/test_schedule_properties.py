"""Properties of every schedule, on random small workspaces: nobody is booked beyond their
calendar, no work lands on a day off, every hour of remaining work is booked once, and no task
starts before what it waits for."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from worktext.check.pipeline import workspace_from_sources
from worktext.load.source import parse_bytes
from worktext.model.config import Config
from worktext.plan.calendar import person_calendar
from worktext.plan.schedule import schedule

TODAY = dt.date(2026, 11, 23)
NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

people = st.lists(
    st.tuples(
        st.sets(st.integers(0, 6), min_size=1, max_size=7),  # workdays
        st.integers(1, 8),  # hours per day
        st.one_of(st.none(), st.tuples(st.integers(0, 10), st.integers(0, 4))),  # away
    ),
    min_size=1,
    max_size=3,
)


@st.composite
def workspaces(draw: st.DrawFn) -> tuple[list, list]:
    staff = draw(people)
    count = draw(st.integers(1, 8))
    tasks = []
    for n in range(count):
        tasks.append(
            (
                draw(st.integers(1, 30)),  # estimate, hours
                draw(st.sets(st.integers(0, len(staff) - 1), min_size=1)),  # assignees
                draw(st.sets(st.integers(0, n - 1), max_size=3)) if n else set(),  # deps
                draw(st.integers(0, 10)),  # lag, hours
                draw(st.one_of(st.none(), st.integers(0, 6))),  # start, days from today
                draw(st.sampled_from(["", "low", "high"])),
            )
        )
    return staff, tasks


def _sources(staff: list, tasks: list) -> dict:
    persons = []
    for n, (workdays, hours, away) in enumerate(staff):
        lines = [f"workdays: [{', '.join(NAMES[d] for d in sorted(workdays))}]"]
        lines.append(f"hours_per_day: {hours}")
        if away is not None:
            first = TODAY + dt.timedelta(days=away[0])
            last = first + dt.timedelta(days=away[1])
            lines.append(f"away: [{{from: {first}, to: {last}}}]")
        text = "---\n" + "\n".join(lines) + "\n---\n"
        persons.append(parse_bytes(text.encode(), f"people/p{n}.md"))
    files = []
    for n, (estimate, assignees, deps, lag, start, priority) in enumerate(tasks):
        lines = [
            f"estimate: {estimate}h",
            f"assignee: [{', '.join(f'p{a}' for a in sorted(assignees))}]",
        ]
        if deps:
            lines.append(f"depends_on: [{', '.join(f'T{d}' for d in sorted(deps))}]")
        if lag:
            lines.append(f"lag: {lag}h")
        if start is not None:
            lines.append(f"start: {TODAY + dt.timedelta(days=start)}")
        if priority:
            lines.append(f"priority: {priority}")
        text = "---\n" + "\n".join(lines) + "\n---\n"
        files.append(parse_bytes(text.encode(), f"tasks/T{n}.md"))
    return {"person": persons, "task": files}


@settings(max_examples=60, deadline=None)
@given(workspaces())
def test_every_schedule_keeps_its_promises(drawn: tuple[list, list]) -> None:
    staff, tasks = drawn
    ws = workspace_from_sources(Config(root=Path("/nonexistent")), TODAY, _sources(staff, tasks))
    assert not ws.errors, ws.errors
    plan = schedule(ws, TODAY)
    assert plan.unplanned == [] and plan.diagnostics == []
    by_id = plan.by_id()
    assert len(by_id) == len(tasks)
    for key, days in plan.bookings.items():
        calendar = person_calendar(ws, ws.people.get(key))
        for day, hours in days.items():
            assert calendar.is_working_day(day), (key, day)
            assert hours <= calendar.hours_per_day + 1e-6, (key, day, hours)
    booked = sum(h for days in plan.bookings.values() for h in days.values())
    assert abs(booked - sum(t[0] for t in tasks)) < 1e-6
    for n, (_estimate, _people, deps, _lag, start, _priority) in enumerate(tasks):
        planned = by_id[f"T{n}"]
        assert TODAY <= planned.planned_start <= planned.planned_finish
        if start is not None:
            assert planned.planned_start >= TODAY + dt.timedelta(days=start)
        for dep in deps:
            assert planned.planned_start >= by_id[f"T{dep}"].planned_finish
        assert planned.slack_days >= 0
    assert any(t.critical for t in plan.tasks)
