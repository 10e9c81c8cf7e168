"""Working time: which days a person works and how many hours, after holidays and time away.

One calendar per person, made from the workspace's settings and their file:

* ``workdays`` — the weekdays they work: their file's, else ``workdays:`` in ``worktext.yml``,
  else the first ``days_per_week`` days of the week (Monday to Friday by default).
* hours on a working day — their file's ``hours_per_day``, else the workspace's, and never
  more than their weekly ``capacity`` shared over their working days (``32h`` over five days
  is 6.4 hours a day).
* ``holidays:`` of the workspace and the person's ``away`` spans are days without work.

The workspace's own calendar (no one's time away) measures lags and slack in working days; the
scheduler, the workload, template offsets and recurrence ("the next working day") all read
working time here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from worktext.model.items import Person
from worktext.model.workspace import Workspace

DAY = dt.timedelta(days=1)
# Searching forward for a working day gives up after this long: a calendar without any
# working day (every weekday off, or away for ever) has none to find.
SEARCH_LIMIT = 366 * 10


class NoWorkingTime(ValueError):
    """A calendar with no working day within ``SEARCH_LIMIT`` days of the date asked."""


@dataclass(frozen=True)
class Calendar:
    """Working days and hours; ``days_off`` holds holidays and time away."""

    workdays: frozenset[int]
    hours_per_day: float
    days_off: frozenset[dt.date] = frozenset()

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() in self.workdays and day not in self.days_off

    def hours_on(self, day: dt.date) -> float:
        """Working hours on ``day`` (0 on a day off)."""
        return self.hours_per_day if self.is_working_day(day) else 0.0

    def working_days(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """The working days from ``start`` to ``end``, both included."""
        days, day = [], start
        while day <= end:
            if self.is_working_day(day):
                days.append(day)
            day += DAY
        return days

    def hours_between(self, start: dt.date, end: dt.date) -> float:
        return len(self.working_days(start, end)) * self.hours_per_day

    def next_working_day(self, day: dt.date) -> dt.date:
        """``day`` if it is a working day, else the first working day after it."""
        for _ in range(SEARCH_LIMIT):
            if self.is_working_day(day):
                return day
            day += DAY
        raise NoWorkingTime(f"no working day within {SEARCH_LIMIT} days")

    def previous_working_day(self, day: dt.date) -> dt.date:
        """``day`` if it is a working day, else the last working day before it."""
        for _ in range(SEARCH_LIMIT):
            if self.is_working_day(day):
                return day
            day -= DAY
        raise NoWorkingTime(f"no working day within {SEARCH_LIMIT} days")

    def add_working_days(self, day: dt.date, count: int) -> dt.date:
        """The working day ``count`` working days after (or, when negative, before) the
        working day on or after ``day``: ``add_working_days(friday, 1)`` is Monday."""
        day = self.next_working_day(day) if count >= 0 else self.previous_working_day(day)
        step = DAY if count >= 0 else -DAY
        for _ in range(abs(count)):
            day += step
            day = self.next_working_day(day) if count >= 0 else self.previous_working_day(day)
        return day


def workspace_calendar(ws: Workspace) -> Calendar:
    """The workspace's calendar: its working days, hours per day and holidays."""
    config = ws.config
    return Calendar(
        frozenset(config.workdays),
        config.units.hours_per_day,
        frozenset(holiday.date for holiday in config.holidays),
    )


def person_calendar(ws: Workspace, person: Person | None) -> Calendar:
    """A person's calendar; ``None`` (a guest without a person file): the workspace's, at
    the default capacity."""
    base = workspace_calendar(ws)
    if person is None:
        capacity = ws.config.capacity
        return Calendar(
            base.workdays, _daily(base.hours_per_day, capacity, base.workdays), base.days_off
        )
    workdays = frozenset(person.workdays) if person.workdays is not None else base.workdays
    hours = person.hours_per_day if person.hours_per_day is not None else base.hours_per_day
    away = base.days_off | away_dates(person)
    return Calendar(workdays, _daily(hours, person.capacity, workdays), away)


def away_dates(person: Person) -> frozenset[dt.date]:
    """Every day of the person's time ``away`` (working or not)."""
    found: set[dt.date] = set()
    for span in person.away:
        day = span.start
        while day <= span.end:
            found.add(day)
            day += DAY
    return frozenset(found)


def _daily(hours_per_day: float, capacity: float, workdays: frozenset[int]) -> float:
    """Hours on a working day: the day's length, or less when the weekly capacity is less."""
    if not workdays:
        return 0.0
    return max(0.0, min(hours_per_day, capacity / len(workdays)))


__all__ = [
    "Calendar",
    "NoWorkingTime",
    "away_dates",
    "person_calendar",
    "workspace_calendar",
]
