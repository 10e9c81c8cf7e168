"""Booking hours on calendars: the arithmetic under the scheduler.

Time is a point ``(day, hours)``: a day index from ``today`` and the hours of that day's
working time already past. A person's booked hours on a day run from the day's first hour on,
one task after another, so a day is never booked twice and a task that follows another on the
same day starts where the other stopped.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Sequence

from worktext.plan.calendar import Calendar

HORIZON_DAYS = 366 * 10  # work that cannot be done within ten years is impossible
EPSILON = 1e-9
Point = tuple[int, float]  # (day index from today, hours into that day)


class DayHours(dict[int, float]):
    """Working hours of each day index of a calendar, worked out on first use."""

    def __init__(self, calendar: Calendar, today: dt.date) -> None:
        super().__init__()
        self.calendar, self.today = calendar, today

    def __missing__(self, index: int) -> float:
        hours = self[index] = self.calendar.hours_on(self.today + dt.timedelta(days=index))
        return hours


class BookedPerson:
    """One assignee's calendar, the hours of each day booked so far (``book`` books them), and
    the first day with time left: every day before it is off or booked full."""

    __slots__ = ("booked", "calendar", "day_hours", "first_free", "key")

    def __init__(self, key: str, calendar: Calendar, today: dt.date) -> None:
        self.key = key
        self.calendar = calendar
        self.booked: dict[int, float] = {}
        self.day_hours = DayHours(calendar, today)
        self.first_free = 0

    def settle(self) -> None:
        """Move ``first_free`` past the days now off or booked full."""
        day, hours, booked = self.first_free, self.day_hours, self.booked
        while day < HORIZON_DAYS and hours[day] - booked.get(day, 0.0) <= EPSILON:
            day += 1
        self.first_free = day


Take = Callable[[BookedPerson, int, float, float], None]  # (person, day, from, to hours)
Slot = tuple[float, float, BookedPerson]  # (from, to hours, who)


def after_lag(hours: DayHours, point: Point, lag: float) -> Point:
    """The point ``lag`` working hours of the calendar of ``hours`` after ``point``."""
    day, offset = point
    if lag <= EPSILON:
        return point
    rest = lag
    for _ in range(HORIZON_DAYS):
        free = max(0.0, hours[day] - offset)
        if free >= rest - EPSILON and free > 0:
            return day, offset + rest
        rest -= free
        day, offset = day + 1, 0.0
    return day, 0.0


def normalised(hours: DayHours, point: Point) -> int:
    """The day index on which work from ``point`` can first happen on the calendar of
    ``hours`` (a point at a day's end, or on a day off, is the next working day)."""
    day, offset = point
    for _ in range(HORIZON_DAYS):
        if hours[day] - offset > EPSILON:
            return day
        day, offset = day + 1, 0.0
    return day


def book(
    people: Sequence[BookedPerson], rest: float, earliest: Point, take: Take
) -> tuple[int, Point] | None:
    """Book ``rest`` hours on ``people`` working together from ``earliest``, calling
    ``take`` for each stretch booked: (first day worked, finish point), or None when it
    cannot be done within the horizon."""
    first_day_index = earliest[0]
    if rest <= EPSILON:
        return first_day_index, earliest
    # No one has time before the first free day of the freest: the search starts there (from
    # day 0 each time, booking the 1,700 tasks of 40 people took 3x as long).
    begin_day = max(first_day_index, min((person.first_free for person in people), default=0))
    try:
        return _book_from(people, rest, earliest, take, begin_day)
    finally:
        for person in people:
            person.settle()


def _book_from(
    people: Sequence[BookedPerson], rest: float, earliest: Point, take: Take, begin_day: int
) -> tuple[int, Point] | None:
    first_day_index, first_offset = earliest
    first_day: int | None = None
    for day in range(begin_day, first_day_index + HORIZON_DAYS):
        floor = first_offset if day == first_day_index else 0.0
        slots: list[Slot] = []
        for person in people:
            hours = person.day_hours[day]
            begin = max(floor, person.booked.get(day, 0.0))
            if hours - begin > EPSILON:
                slots.append((begin, hours, person))
        if not slots:
            continue
        if first_day is None:
            first_day = day
        free = sum(hours - begin for begin, hours, _ in slots)
        if free <= rest + EPSILON:
            end = max(hours for _, hours, _ in slots)
            for begin, hours, person in slots:
                take(person, day, begin, hours)
            rest -= free
            if rest <= EPSILON:
                return first_day, (day, end)
            continue
        end = fill_time(slots, rest)
        for begin, hours, person in slots:
            if end > begin:
                take(person, day, begin, min(hours, end))
        return first_day, (day, end)
    return None


def fill_time(slots: Sequence[Slot], rest: float) -> float:
    """The hour of the day by which the slots, worked at once, hold ``rest`` hours."""
    marks = sorted({m for begin, hours, _ in slots for m in (begin, hours)})
    done = 0.0
    for low, high in itertools.pairwise(marks):
        active = sum(1 for begin, hours, _ in slots if begin <= low and hours >= high)
        if active and done + active * (high - low) >= rest - EPSILON:
            return low + (rest - done) / active
        done += active * (high - low)
    return marks[-1]


class WorkingDayCount:
    """The number of working days of a calendar from today to a day index, both included
    (days before today count as none)."""

    def __init__(self, hours: DayHours) -> None:
        self.hours = hours
        self.counts: list[int] = []

    def __call__(self, index: int) -> int:
        if index < 0:
            return 0
        while len(self.counts) <= index:
            day = len(self.counts)
            before = self.counts[-1] if self.counts else 0
            self.counts.append(before + (self.hours[day] > EPSILON))
        return self.counts[index]


__all__ = [
    "EPSILON",
    "HORIZON_DAYS",
    "BookedPerson",
    "DayHours",
    "Point",
    "WorkingDayCount",
    "after_lag",
    "book",
    "fill_time",
    "normalised",
]
