"""The month view: which months the site shows and what falls on each day."""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from worktext.model.recurrence import Occurrence
from worktext.model.values import as_day
from worktext.model.workspace import Workspace
from worktext.render.urls import UrlMap

MONTHS_BACK = 6
MONTHS_AHEAD = 12


@dataclass(frozen=True)
class Event:
    kind: str  # task, done, milestone, deadline, recurring
    label: str
    title: str
    href: str
    late: bool = False
    key: str = ""  # the item it comes from, as a page dependency (t:ID, p:ID)


@dataclass
class Day:
    date: dt.date
    in_month: bool
    weekend: bool
    today: bool
    events: list[Event] = field(default_factory=list)


@dataclass
class Month:
    year: int
    month: int
    path: str
    title: str
    weeks: list[list[Day]]
    prev: str | None = None
    prev_title: str = ""
    next: str | None = None
    next_title: str = ""
    current: str | None = None


def month_path(year: int, month: int) -> str:
    return f"calendar/{year:04d}-{month:02d}.html"


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + n
    return index // 12, index % 12 + 1


def events_by_day(ws: Workspace, urls: UrlMap) -> dict[dt.date, list[Event]]:
    found: dict[dt.date, list[Event]] = defaultdict(list)
    for task in ws.tasks:
        if task.due is None:
            continue
        found[as_day(task.due)].append(
            Event(
                "task" if ws.is_open(task) else "done",
                f"{task.id} {task.title}",
                f"{task.id}: {task.title} ({ws.status_of(task)})",
                urls.item("task", task.id),
                ws.is_overdue(task),
                f"t:{task.id}",
            )
        )
    for project in ws.all_projects():
        page = urls.item("project", project.id)
        for milestone in project.milestones:
            if milestone.date:
                name = milestone.title or milestone.id
                found[as_day(milestone.date)].append(
                    Event(
                        "milestone",
                        f"◆ {name}",
                        f"{project.title}: {name}",
                        page,
                        key=f"p:{project.id}",
                    )
                )
        if project.deadline:
            found[as_day(project.deadline)].append(
                Event(
                    "deadline",
                    f"⚑ {project.title}",
                    f"Deadline of {project.title}",
                    page,
                    key=f"p:{project.id}",
                )
            )
    for events in found.values():
        events.sort(key=_order)
    return found


def add_recurring(
    found: dict[dt.date, list[Event]],
    ws: Workspace,
    urls: UrlMap,
    pending: Iterable[Occurrence],
) -> None:
    """Add the occurrences of recurring tasks that are not task files yet (``pending``, from
    ``recur.pending``): shown, not created; each links to its series task."""
    for occurrence in pending:
        task = ws.tasks.get(occurrence.series_id)
        if task is None:
            continue
        found[occurrence.date].append(
            Event(
                "recurring",
                f"↻ {task.title}",
                f"{task.title}: recurring ({task.repeat}), not created yet",
                urls.item("task", task.id),
                key=f"t:{task.id}",
            )
        )
    for events in found.values():
        events.sort(key=_order)


def _order(event: Event) -> tuple[int, str]:
    return {"deadline": 0, "milestone": 1, "recurring": 3}.get(event.kind, 2), event.label


def window(months_: list[tuple[int, int]]) -> tuple[dt.date, dt.date] | None:
    """The first and last day of the months shown."""
    if not months_:
        return None
    (y0, m0), (y1, m1) = months_[0], months_[-1]
    last = _calendar.monthrange(y1, m1)[1]
    return dt.date(y0, m0, 1), dt.date(y1, m1, last)


def months(ws: Workspace, events: Mapping[dt.date, object]) -> list[tuple[int, int]]:
    """Months with events, within a window around today; today's month always."""
    today = ws.today
    low = _add_months(today.year, today.month, -MONTHS_BACK)
    high = _add_months(today.year, today.month, MONTHS_AHEAD)
    wanted = {(today.year, today.month)}
    for day in events:
        key = (day.year, day.month)
        if low <= key <= high:
            wanted.add(key)
    if not wanted:
        return []
    first, last = min(wanted), max(wanted)
    out, current = [], first
    while current <= last:
        out.append(current)
        current = _add_months(*current, 1)
    return out


def build_month(year: int, month: int, today: dt.date, events: dict[dt.date, list[Event]]) -> Month:
    weeks = []
    for week in _calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append(
            [
                Day(day, day.month == month, day.weekday() >= 5, day == today, events.get(day, []))
                for day in week
            ]
        )
    return Month(year, month, month_path(year, month), month_title(year, month), weeks)


def month_title(year: int, month: int) -> str:
    return dt.date(year, month, 1).strftime("%B %Y")


def month_days(year: int, month: int) -> list[dt.date]:
    """The days a month's page shows: its weeks, Monday to Sunday."""
    weeks = _calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return [day for week in weeks for day in week]


def keys_by_day(ws: Workspace) -> dict[dt.date, list[str]]:
    """The items of ``events_by_day``'s events (``Event.key``) on each day, without making the
    events: what the plan needs of the calendar, for the pages' dependencies."""
    found: dict[dt.date, list[str]] = defaultdict(list)
    for task in ws.tasks:
        if task.due is not None:
            found[as_day(task.due)].append(f"t:{task.id}")
    for project in ws.all_projects():
        for milestone in project.milestones:
            if milestone.date:
                found[as_day(milestone.date)].append(f"p:{project.id}")
        if project.deadline:
            found[as_day(project.deadline)].append(f"p:{project.id}")
    return found


def link_months(months_: list[Month], today: dt.date) -> None:
    current = month_path(today.year, today.month)
    for index, month in enumerate(months_):
        if index > 0:
            month.prev, month.prev_title = months_[index - 1].path, months_[index - 1].title
        if index + 1 < len(months_):
            month.next, month.next_title = months_[index + 1].path, months_[index + 1].title
        month.current = current if month.path != current else None
