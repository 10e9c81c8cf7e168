"""Calendars: working days per person, hours, holidays (dates, named, ICS) and time away."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import TODAY

from worktext.check.pipeline import open_workspace
from worktext.errors import ConfigError
from worktext.model.config import Holiday, load_config
from worktext.plan.calendar import Calendar, NoWorkingTime, person_calendar, workspace_calendar
from worktext.plan.workload import person_load

D = dt.date
ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
    "BEGIN:VEVENT\r\nUID:1\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Christmas Day\r\n"
    "DTSTART;VALUE=DATE:20261225\r\nDTEND;VALUE=DATE:20261227\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:2\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:New Year\r\n"
    "DTSTART;VALUE=DATE:20270101\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def test_holidays_as_dates_and_named(make_workspace) -> None:
    root = make_workspace(
        {},
        config="name: T\nholidays: [2026-12-25, {date: 2026-12-24, name: Eve}, 2026-12-25]\n",
    )
    config, diagnostics = load_config(root, use_cache=False)
    assert diagnostics == []
    assert config.holidays == (Holiday(D(2026, 12, 24), "Eve"), Holiday(D(2026, 12, 25), ""))
    assert config.workdays == (0, 1, 2, 3, 4)


def test_holidays_from_an_ics_file_cover_every_day_of_each_event(make_workspace) -> None:
    root = make_workspace({"holidays.ics": ICS}, config="name: T\nholidays: holidays.ics\n")
    config, _ = load_config(root, use_cache=False)
    assert [(h.date, h.name) for h in config.holidays] == [
        (D(2026, 12, 25), "Christmas Day"),
        (D(2026, 12, 26), "Christmas Day"),
        (D(2027, 1, 1), "New Year"),
    ]


def test_a_missing_ics_file_is_a_positioned_warning(make_workspace) -> None:
    root = make_workspace({}, config="name: T\nholidays: nothere.ics\n")
    config, diagnostics = load_config(root, use_cache=False)
    assert config.holidays == ()
    assert [(d.line, d.code, d.severity) for d in diagnostics] == [(2, "holidays", "warning")]


def test_bad_holiday_and_weekday_are_positioned_errors(make_workspace) -> None:
    root = make_workspace({}, config="name: T\nworkdays: [mon, funday]\nholidays: [2026-02-30]\n")
    with pytest.raises(ConfigError) as info:
        load_config(root, use_cache=False)
    assert sorted((d.line, d.code) for d in info.value.diagnostics) == [
        (2, "invalid-value"),
        (3, "invalid-date"),
    ]


def test_workdays_default_follows_days_per_week(make_workspace) -> None:
    config, _ = load_config(make_workspace({}, config="name: T\ndays_per_week: 4\n"))
    assert config.workdays == (0, 1, 2, 3)
    config, _ = load_config(
        make_workspace({}, config="name: T\nworkdays: [Tuesday, sat]\n", name="b")
    )
    assert config.workdays == (1, 5)


def test_person_calendar_reads_workdays_hours_capacity_and_away(make_workspace) -> None:
    root = make_workspace(
        {
            "people/ana.md": """
            ---
            workdays: [mon, wed, fri]
            hours_per_day: 6
            away: [{from: 2026-11-25, to: 2026-11-27}]
            ---
            """,
            "people/bo.md": "---\ncapacity: 20h\n---\n",
        },
        config="name: T\nholidays: [2026-11-24]\n",
    )
    ws = open_workspace(root, today=TODAY, use_cache=False)
    ana = person_calendar(ws, ws.people.get("ana"))
    assert ana.workdays == frozenset({0, 2, 4})
    assert ana.hours_per_day == 6
    assert ana.working_days(D(2026, 11, 23), D(2026, 11, 30)) == [D(2026, 11, 23), D(2026, 11, 30)]
    bo = person_calendar(ws, ws.people.get("bo"))
    assert bo.hours_per_day == 4  # 20h over five days
    assert not bo.is_working_day(D(2026, 11, 24))  # the holiday
    assert workspace_calendar(ws).next_working_day(D(2026, 11, 24)) == D(2026, 11, 25)


def test_add_working_days_skips_weekends_and_holidays() -> None:
    calendar = Calendar(frozenset(range(5)), 8, frozenset({D(2026, 11, 30)}))
    assert calendar.add_working_days(D(2026, 11, 27), 1) == D(2026, 12, 1)
    assert calendar.add_working_days(D(2026, 11, 28), 0) == D(2026, 12, 1)
    assert calendar.add_working_days(D(2026, 12, 1), -1) == D(2026, 11, 27)
    with pytest.raises(NoWorkingTime):
        Calendar(frozenset(), 8).next_working_day(D(2026, 11, 24))


def test_workload_capacity_drops_on_holidays_and_no_work_lands_on_them(make_workspace) -> None:
    root = make_workspace(
        {
            "people/ana.md": "---\nworkdays: [mon, tue, wed]\ncapacity: 24h\n---\n",
            "tasks/T-1.md": """
            ---
            assignee: ana
            start: 2026-11-23
            due: 2026-11-27
            estimate: 12h
            ---
            """,
        },
        config="name: T\nholidays: [2026-11-24]\n",
    )
    ws = open_workspace(root, today=TODAY, use_cache=False)
    week = person_load(ws, ws.people.get("ana"), TODAY, weeks=1).weeks[0]
    assert week.capacity == 16  # Monday and Wednesday, 8 hours each
    assert week.assigned == 12  # 6h on Monday, 6h on Wednesday: none on the holiday


def test_recurrence_moves_an_occurrence_on_a_day_off_to_the_next_working_day(
    make_workspace,
) -> None:
    from click.testing import CliRunner

    from worktext.cli import cli
    from worktext.plan.recur import pending

    series = """
    ---
    title: Backup check
    assignee: ana
    due: 2026-11-25
    repeat: weekly
    repeat_on_day_off: next
    ---
    """
    root = make_workspace(
        {"people/ana.md": "---\nname: Ana\n---\n", "tasks/BK.md": series},
        config="name: T\nholidays: [2026-12-02]\n",
    )
    ws = open_workspace(root, today=TODAY, use_cache=False)
    found = [(o.id, o.due) for o in pending(ws, TODAY, D(2026, 12, 10))]
    # The rule's Wednesday 2 December is a holiday: due Thursday 3, its id unchanged.
    assert found == [("BK-20261202", D(2026, 12, 3)), ("BK-20261209", D(2026, 12, 9))]
    args = [
        "-w",
        str(root),
        "--today",
        "2026-11-23",
        "--no-cache",
        "recur",
        "--until",
        "2026-12-10",
    ]
    assert CliRunner().invoke(cli, args).exit_code == 0
    assert "due: 2026-12-03" in (root / "tasks" / "BK-20261202.md").read_text("utf-8")
    again = CliRunner().invoke(cli, args)  # nothing new: the occurrences exist
    assert again.exit_code == 0
    assert sorted(p.name for p in (root / "tasks").iterdir()) == [
        "BK-20261202.md",
        "BK-20261209.md",
        "BK.md",
    ]


def test_a_yearly_holiday_in_an_ics_file_repeats(make_workspace) -> None:
    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        "BEGIN:VEVENT\r\nUID:3\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Boxing Day\r\n"
        "DTSTART;VALUE=DATE:20251226\r\nRRULE:FREQ=YEARLY;COUNT=3\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )
    root = make_workspace({"h.ics": ics}, config="name: T\nholidays: h.ics\n")
    config, diagnostics = load_config(root, use_cache=False)
    assert diagnostics == []
    assert [h.date for h in config.holidays] == [D(2025, 12, 26), D(2026, 12, 26), D(2027, 12, 26)]


def test_days_left_and_away_all_week_count_on_the_persons_calendar(make_workspace) -> None:
    # Ana works Monday to Wednesday; Monday 30 Nov is a holiday and she is away the Tuesday
    # and Wednesday after it: that week she is away on every working day it has.
    root = make_workspace(
        {
            "people/ana.md": """
            ---
            workdays: [mon, tue, wed]
            capacity: 24h
            away: [{from: 2026-12-01, to: 2026-12-02}]
            ---
            """,
            "tasks/T-1.md": """
            ---
            assignee: ana
            start: 2026-12-01
            due: 2026-12-02
            estimate: 8h
            ---
            """,
        },
        config="name: T\nholidays: [2026-11-30]\n",
    )
    tuesday = D(2026, 11, 24)
    ws = open_workspace(root, today=tuesday, use_cache=False)
    this, away, after = person_load(ws, ws.people.get("ana"), tuesday, weeks=3).weeks
    # this week: Tuesday and Wednesday left of her three days
    assert (this.capacity, this.workdays, this.partial) == (16.0, 2, True)
    # the holiday is no day away: two working days, both away
    assert (away.capacity, away.workdays, away.away_days, away.away_all) == (0.0, 2, 2, True)
    # the task's days are all away: its work waits for her next working day, Monday 7 Dec
    assert (away.assigned, after.assigned, after.tasks) == (0.0, 8.0, (("T-1", 8.0),))


def test_a_timeline_sizes_an_estimate_only_bar_in_working_days_without_holidays() -> None:
    from worktext.model.items import Task
    from worktext.render.gantt import _bar_dates

    calendar = Calendar(frozenset(range(5)), 8, frozenset({D(2026, 11, 26)}))
    due_only = Task(id="A", path="", title="t", due=D(2026, 11, 30), estimate=16.0)
    # two days of work up to Monday: Friday and Monday (Thursday's holiday is not reached)
    assert _bar_dates(due_only, 8, 5, calendar) == (D(2026, 11, 27), D(2026, 11, 30), True)
    three = Task(id="B", path="", title="t", due=D(2026, 11, 30), estimate=24.0)
    # three days: Wednesday, then Friday and Monday, over the holiday
    assert _bar_dates(three, 8, 5, calendar) == (D(2026, 11, 25), D(2026, 11, 30), True)
    assert _bar_dates(three, 8, 5) == (D(2026, 11, 26), D(2026, 11, 30), True)  # no holidays
