"""Who has how much work in which week: assigned estimated hours against capacity.

The rule, in full (the site's workload page states it too):

* Only open tasks with an ``estimate`` and at least one assignee count.
* What is left of a task is its estimate minus the time logged on it (never below zero), split
  equally among its assignees.
* It is spread evenly over the working days of its window that the person is not away. The
  window runs from ``start`` to ``due``; without ``start`` it ends at ``due`` and is as long as
  the estimate needs at the workspace's hours per day; without ``due`` it starts at ``start``
  and is as long as that. Days before ``today`` are dropped from the window: past days cannot
  take more work. Work whose window lies wholly in the past (overdue), or on days the person is
  away, lands on their first working day from ``today`` (or from the window's end) that they
  are not away.
* Tasks with neither ``start`` nor ``due`` are *unscheduled*: counted per person, not per week.
* Working days are each person's calendar's (``plan/calendar.py``): their ``workdays`` (by
  default the workspace's, Monday to Friday), without the workspace's ``holidays`` and their
  time ``away``. A week's capacity is the hours of that calendar's working days in the week;
  in the week of ``today`` only the working days from today on count (on a Thursday, two of
  five). (Called without a calendar, the functions here count the first ``days_per_week`` days
  of the ISO week.)

Everything is a pure function of the workspace and ``today``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from worktext.model.items import Person, Task
from worktext.model.values import as_day
from worktext.model.workspace import Workspace, id_key
from worktext.plan.calendar import (
    Calendar,
    NoWorkingTime,
    away_dates,
    person_calendar,
    workspace_calendar,
)

DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class WeekLoad:
    start: dt.date  # the Monday
    assigned: float  # hours
    capacity: float  # hours, after holidays and time away
    away_days: int  # working days away, of those counted (a holiday is not a day away)
    tasks: tuple[tuple[str, float], ...] = ()  # (task id, hours) in this week, largest first
    workdays: int = 0  # working days counted: all of the week's, or those left from today
    partial: bool = False  # counted from today, not from Monday (the week of today)

    @property
    def away_all(self) -> bool:
        """Away on every working day counted: the week has no capacity because of it."""
        return self.workdays > 0 and self.away_days >= self.workdays

    @property
    def over(self) -> bool:
        return self.assigned > self.capacity + 1e-9

    @property
    def ratio(self) -> float:
        if self.capacity <= 0:
            return math.inf if self.assigned > 0 else 0.0
        return self.assigned / self.capacity

    @property
    def iso(self) -> str:
        year, week, _ = self.start.isocalendar()
        return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class PersonLoad:
    person: Person
    weeks: tuple[WeekLoad, ...]
    unscheduled: float = 0.0  # hours of open, estimated work with no dates
    unscheduled_tasks: tuple[str, ...] = field(default=())


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def week_calendar(days_per_week: float, hours_per_day: float = 8) -> Calendar:
    """The first ``days_per_week`` days of the week, without holidays."""
    return Calendar(
        frozenset(range(max(1, min(7, math.ceil(days_per_week))))), hours_per_day, frozenset()
    )


def is_working_day(day: dt.date, days_per_week: float) -> bool:
    return week_calendar(days_per_week).is_working_day(day)


def working_days(
    start: dt.date, end: dt.date, days_per_week: float, calendar: Calendar | None = None
) -> list[dt.date]:
    return (calendar or week_calendar(days_per_week)).working_days(start, end)


def _shift_working_days(day: dt.date, count: int, step: int, calendar: Calendar) -> dt.date:
    """The day ``count`` working days after (step 1) or before (step -1) ``day``, inclusive."""
    return calendar.add_working_days(day, step * max(0, count - 1))


def remaining_hours(task: Task) -> float:
    return max((task.estimate or 0.0) - task.spent, 0.0)


def task_window(
    task: Task, hours_per_day: float, days_per_week: float, calendar: Calendar | None = None
) -> tuple[dt.date, dt.date] | None:
    """The planned days of a task, before clipping to today; None when it has no dates."""
    calendar = calendar or week_calendar(days_per_week, hours_per_day)
    start = as_day(task.start) if task.start else None
    due = as_day(task.due) if task.due else None
    length = max(1, math.ceil((task.estimate or 0.0) / hours_per_day))
    if start and due:
        return (start, due) if due >= start else (due, due)
    if due:
        return _shift_working_days(due, length, -1, calendar), due
    if start:
        return start, _shift_working_days(start, length, 1, calendar)
    return None


def spread(
    task: Task,
    today: dt.date,
    hours_per_day: float = 8,
    days_per_week: float = 5,
    away: Collection[dt.date] = frozenset(),
    calendar: Calendar | None = None,
) -> dict[dt.date, float]:
    """Hours of a task's remaining work on each day (all assignees together), on the working
    days of ``calendar`` (default: the first ``days_per_week`` days of the week), never on a
    day in ``away`` (a person's days away; a person's calendar holds them already)."""
    calendar = calendar or week_calendar(days_per_week, hours_per_day)
    if away:
        calendar = Calendar(
            calendar.workdays, calendar.hours_per_day, calendar.days_off | frozenset(away)
        )
    hours = remaining_hours(task)
    window = task_window(task, hours_per_day, days_per_week, calendar)
    if hours <= 0 or window is None:
        return {}
    start, end = max(window[0], today), window[1]
    days = calendar.working_days(start, end) if end >= start else []
    if not days:  # overdue, away, or a window with no working day: due on the next free day
        days = [_next_free_day(max(today, end), calendar)]
    share = hours / len(days)
    return {day: share for day in days}


def _next_free_day(day: dt.date, calendar: Calendar) -> dt.date:
    """The first working day of ``calendar`` from ``day`` on (``day`` itself when the calendar
    has none left, every day away: the work is shown, not lost)."""
    try:
        return calendar.next_working_day(day)
    except NoWorkingTime:
        return day


def away_days(
    person: Person,
    start: dt.date,
    end: dt.date,
    days_per_week: float,
    calendar: Calendar | None = None,
) -> int:
    """Working days from ``start`` to ``end`` the person is away: days of ``calendar`` (their
    calendar without time away; default: the first ``days_per_week`` days of the week), so a
    holiday is not counted as a day away."""
    calendar = calendar or week_calendar(days_per_week)
    away = away_dates(person)
    return sum(1 for day in calendar.working_days(start, end) if day in away)


def person_load(
    ws: Workspace, person: Person, today: dt.date | None = None, weeks: int = 8
) -> PersonLoad:
    """One person's load for ``weeks`` ISO weeks from the week of ``today``."""
    today = today or ws.today
    first = monday(today)
    last = first + dt.timedelta(weeks=weeks) - DAY
    calendar = person_calendar(ws, person)
    # the same working days and holidays without their time away: what time away takes from
    present = Calendar(calendar.workdays, calendar.hours_per_day, workspace_calendar(ws).days_off)
    per_week, unscheduled, unscheduled_tasks = _planned_hours(
        ws, person, today, first, last, calendar
    )
    loads = []
    for n in range(weeks):
        start = first + dt.timedelta(weeks=n)
        counted_from = today if n == 0 else start
        loads.append(
            _week_load(person, start, per_week.get(start, {}), calendar, present, counted_from)
        )
    return PersonLoad(person, tuple(loads), round(unscheduled, 2), tuple(unscheduled_tasks))


def _planned_hours(
    ws: Workspace,
    person: Person,
    today: dt.date,
    first: dt.date,
    last: dt.date,
    calendar: Calendar,
) -> tuple[dict[dt.date, dict[str, float]], float, list[str]]:
    """The person's share of the remaining work of their open, estimated tasks, by Monday
    and task (the days ``first`` to ``last``), and the hours and ids of the tasks with work
    left but no day to put it on. Their calendar keeps work off their days away."""
    units = ws.config.units
    per_week: dict[dt.date, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    unscheduled, unscheduled_tasks = 0.0, []
    for task in ws.tasks_of_person(person):
        if not ws.is_open(task) or not task.estimate:
            continue
        share = 1 / len({id_key(a) for a in task.assignees})
        days = spread(task, today, units.hours_per_day, units.days_per_week, calendar=calendar)
        if not days and remaining_hours(task) > 0:
            unscheduled += remaining_hours(task) * share
            unscheduled_tasks.append(task.id)
        for day, hours in days.items():
            if first <= day <= last:
                per_week[monday(day)][task.id] += hours * share
    return per_week, unscheduled, unscheduled_tasks


def _week_load(
    person: Person,
    start: dt.date,
    contributions: dict[str, float],
    calendar: Calendar,
    present: Calendar | None = None,
    counted_from: dt.date | None = None,
) -> WeekLoad:
    """The week from Monday ``start``: its hours, and the hours of its working days from
    ``counted_from`` (default: all of them) after holidays and time away. ``present`` is the
    person's calendar without their time away (default: ``calendar``'s working days)."""
    end = start + dt.timedelta(days=6)
    present = present or Calendar(calendar.workdays, calendar.hours_per_day)
    begin = max(start, counted_from or start)
    counted = present.working_days(begin, end)
    away = away_days(person, begin, end, 0, present)
    capacity = calendar.hours_between(begin, end)
    ranked = sorted(contributions.items(), key=lambda pair: (-pair[1], pair[0]))
    return WeekLoad(
        start,
        round(sum(contributions.values()), 2),
        round(capacity, 2),
        away,
        tuple((task_id, round(hours, 2)) for task_id, hours in ranked),
        len(counted),
        len(counted) < len(present.working_days(start, end)),
    )


def team_load(ws: Workspace, today: dt.date | None = None, weeks: int = 8) -> list[PersonLoad]:
    """Every person's load, sorted by id."""
    return [person_load(ws, person, today, weeks) for person in ws.people]
