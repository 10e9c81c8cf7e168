"""Time logs as timesheets: hours per ISO week (Monday to Sunday) and row, and spent against
estimate. Pure functions of tasks' ``log`` entries; the site's task, project and person pages
show them.

An entry that does not name ``who`` stays unattributed (row ``None``) rather than being guessed
from the assignees: a timesheet shows what was logged, nothing more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from worktext.model.items import Task, TimeEntry

RECENT_WEEKS = 12  # the weeks a timesheet shows; earlier hours are summed in one column


def week_of(day: dt.date) -> dt.date:
    """The Monday that starts ``day``'s ISO week."""
    return day - dt.timedelta(days=day.weekday())


def week_label(monday: dt.date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class Timesheet:
    """Hours by (row, week). ``weeks`` are the Mondays shown, oldest first; hours of weeks
    before them are in ``earlier``. Rows are in the order given by the caller's key."""

    weeks: list[dt.date]
    rows: list[Hashable]
    cells: dict[tuple[Hashable, dt.date], float]
    earlier: dict[Hashable, float]
    row_totals: dict[Hashable, float]
    week_totals: dict[dt.date, float]
    earlier_total: float
    total: float

    def hours(self, row: Hashable, week: dt.date) -> float:
        return self.cells.get((row, week), 0.0)

    @property
    def empty(self) -> bool:
        return not self.rows


def timesheet(
    entries: Iterable[tuple[Hashable, TimeEntry]],
    recent: int = RECENT_WEEKS,
    order: Callable[[Hashable], Any] | None = None,
) -> Timesheet:
    """A timesheet of ``(row, entry)`` pairs: the ``recent`` latest weeks up to the last one
    with hours, those without hours included (a week nobody logged is shown, as a gap)."""
    cells = _hours_by_cell(entries)
    all_weeks = _every_week(sorted({week for _, week in cells}))
    shown = all_weeks[-recent:] if recent > 0 else all_weeks
    first_shown = shown[0] if shown else None
    rows = sorted({row for row, _ in cells}, key=order or _default_order)
    earlier, row_totals, week_totals = _totals(cells, first_shown)
    visible = {k: v for k, v in cells.items() if first_shown and k[1] >= first_shown}
    return Timesheet(
        weeks=shown,
        rows=rows,
        cells=_rounded(visible),
        earlier=_rounded(earlier),
        row_totals=_rounded(row_totals),
        week_totals=_rounded(week_totals),
        earlier_total=round(sum(earlier.values()), 6),
        total=round(sum(row_totals.values()), 6),
    )


def _every_week(logged: list[dt.date]) -> list[dt.date]:
    """Every Monday from the first of ``logged`` to the last."""
    if not logged:
        return []
    count = (logged[-1] - logged[0]).days // 7 + 1
    return [logged[0] + dt.timedelta(weeks=n) for n in range(count)]


def _hours_by_cell(
    entries: Iterable[tuple[Hashable, TimeEntry]],
) -> dict[tuple[Hashable, dt.date], float]:
    """The hours logged by (row, the Monday of the entry's week)."""
    cells: dict[tuple[Hashable, dt.date], float] = {}
    for row, entry in entries:
        key = (row, week_of(entry.date))
        cells[key] = cells.get(key, 0.0) + entry.hours
    return cells


def _totals(
    cells: dict[tuple[Hashable, dt.date], float], first_shown: dt.date | None
) -> tuple[dict[Hashable, float], dict[Hashable, float], dict[dt.date, float]]:
    """The hours of weeks before ``first_shown`` by row, all hours by row, and the hours of
    the shown weeks by week."""
    earlier: dict[Hashable, float] = {}
    row_totals: dict[Hashable, float] = {}
    week_totals: dict[dt.date, float] = {}
    for (row, week), hours in cells.items():
        row_totals[row] = row_totals.get(row, 0.0) + hours
        if first_shown is not None and week < first_shown:
            earlier[row] = earlier.get(row, 0.0) + hours
        else:
            week_totals[week] = week_totals.get(week, 0.0) + hours
    return earlier, row_totals, week_totals


K = TypeVar("K")


def _rounded(hours: dict[K, float]) -> dict[K, float]:
    """Each sum of hours to six places, which hides floating-point noise (0.1 + 0.2)."""
    return {key: round(value, 6) for key, value in hours.items()}


def _default_order(row: Hashable) -> tuple[bool, str]:
    return (row is None, str(row).lower())  # unattributed last


def by_person(tasks: Iterable[Task], recent: int = RECENT_WEEKS) -> Timesheet:
    """Weeks × people over the tasks (a project's timesheet); ``None`` is "not named"."""
    return timesheet(((e.who, e) for t in tasks for e in t.log), recent)


def by_task(
    tasks: Iterable[Task],
    person_id: str,
    recent: int = RECENT_WEEKS,
    order: Callable[[Hashable], Any] | None = None,
) -> Timesheet:
    """Weeks × tasks of the hours ``person_id`` logged on the tasks (a person's timesheet)."""
    return timesheet(((t.id, e) for t in tasks for e in t.log if e.who == person_id), recent, order)


@dataclass(frozen=True)
class Spent:
    """Hours logged against hours estimated. ``estimate`` counts the tasks that have one;
    ``unestimated`` is the time logged on tasks that have none."""

    spent: float
    estimate: float
    unestimated: float

    @property
    def ratio(self) -> float | None:
        return self.spent / self.estimate if self.estimate else None

    @property
    def over(self) -> bool:
        return bool(self.estimate) and self.spent > self.estimate


def spent_against_estimate(tasks: Iterable[Task]) -> Spent:
    spent = estimate = unestimated = 0.0
    for task in tasks:
        spent += task.spent
        if task.estimate:
            estimate += task.estimate
        else:
            unestimated += task.spent
    return Spent(round(spent, 6), round(estimate, 6), round(unestimated, 6))


def logged_by(tasks: Iterable[Task]) -> dict[str, list[Task]]:
    """Tasks by the people named in their logs: whose timesheet each task appears in."""
    out: dict[str, list[Task]] = {}
    for task in tasks:
        if not task.log:  # most tasks: no generator made for them
            continue
        for who in dict.fromkeys(e.who for e in task.log if e.who is not None):
            out.setdefault(who, []).append(task)
    return out
