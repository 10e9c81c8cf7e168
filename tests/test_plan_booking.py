"""Booking hours on calendars: the search that starts at each person's first free day books
exactly what a search from day 0 books."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from worktext.plan.booking import BookedPerson, Point, book
from worktext.plan.calendar import Calendar

TODAY = dt.date(2026, 11, 23)
CALENDARS = [
    Calendar(frozenset(range(5)), 8.0),
    Calendar(
        frozenset({0, 2, 4}), 6.0, frozenset({TODAY + dt.timedelta(days=n) for n in (2, 3, 9)})
    ),
    Calendar(frozenset(range(7)), 4.0),
]
# (who works on it: indexes into the people, hours, earliest day, hours into that day)
TASKS = st.lists(
    st.tuples(
        st.sets(st.integers(0, 2), min_size=1, max_size=3),
        st.floats(0.5, 60, allow_nan=False),
        st.integers(0, 20),
        st.floats(0, 8, allow_nan=False),
    ),
    max_size=25,
)


def _run(tasks: list[tuple[set[int], float, int, float]], from_day_zero: bool) -> list[object]:
    people = [BookedPerson(f"p{n}", calendar, TODAY) for n, calendar in enumerate(CALENDARS)]
    taken: list[object] = []

    def take(person: BookedPerson, day: int, begin: float, end: float) -> None:
        person.booked[day] = end
        taken.append((person.key, day, round(begin, 6), round(end, 6)))

    results: list[object] = []
    for who, hours, day, offset in tasks:
        if from_day_zero:
            for person in people:
                person.first_free = 0
        earliest: Point = (day, offset)
        results.append(book([people[n] for n in sorted(who)], hours, earliest, take))
    return [results, taken, [sorted(p.booked.items()) for p in people]]


@given(TASKS)
def test_starting_at_the_first_free_day_books_the_same(tasks: list) -> None:
    assert _run(tasks, from_day_zero=False) == _run(tasks, from_day_zero=True)


def test_the_first_free_day_moves_past_full_days_and_days_off() -> None:
    person = BookedPerson("p", CALENDARS[0], TODAY)  # Monday: five days of 8 hours
    done = book([person], 40.0, (0, 0.0), lambda p, d, b, e: p.booked.__setitem__(d, e))
    assert done == (0, (4, 8.0))
    assert person.first_free == 7  # the weekend is off: next Monday
