"""Recurring work in a workspace: which occurrences of its series are not task files yet, and
the files that make them.

``plan`` turns the occurrences due within a horizon into task files with deterministic ids
(``<series-id>-<YYYYMMDD>``) and deterministic content, so running it twice, or on two branches
that later merge, never makes duplicates: an occurrence whose id already exists, or a task that
names the same series and due date in ``recurrence_of``, is left alone. Delete an unwanted
occurrence only after its date; cancel it to skip it before. A cancelled series makes no more
occurrences.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from worktext.load.source import CHECKBOX
from worktext.model.items import Task
from worktext.model.recurrence import Occurrence, RecurrenceError, occurrence_id, occurrences
from worktext.model.values import as_day
from worktext.model.workspace import Workspace, id_key
from worktext.plan.calendar import NoWorkingTime, person_calendar, workspace_calendar

SERIES_KEY = "recurrence_of"
DAY_OFF_KEY = "repeat_on_day_off"
DEFAULT_HORIZON = dt.timedelta(days=14)
COPIED_KEYS = ("project", "assignee", "priority", "labels", "estimate", "milestone", "goal")


log = logging.getLogger(__name__)


def series(ws: Workspace) -> Iterator[Task]:
    """Tasks with a rule whose series goes on (not cancelled)."""
    for task in ws.tasks:
        if task.repeat and ws.category(task) != "cancelled":
            yield task


def materialised(ws: Workspace) -> set[str]:
    """Ids (in id_key form) of occurrences that exist as tasks, by id or by recurrence_of."""
    seen = {id_key(task.id) for task in ws.tasks}
    for task in ws.tasks:
        source = task.recurrence_of
        if isinstance(source, str) and task.due is not None:
            seen.add(id_key(occurrence_id(source, as_day(task.due))))
    return seen


def pending(
    ws: Workspace, start: dt.date, end: dt.date, exists: set[str] | None = None
) -> list[Occurrence]:
    """Occurrences of every live series dated ``start`` to ``end`` that are not task files
    yet, by date then series: what the site's calendar shows as upcoming. Series whose rule
    cannot be read are left out (``check`` reports them). ``exists`` is ``materialised(ws)``
    when the caller has it already."""
    exists = materialised(ws) if exists is None else exists
    out: list[Occurrence] = []
    for task in series(ws):
        try:
            found = occurrences(task, start, end)
        except RecurrenceError as exc:  # check reports the rule at its line
            log.debug("recur: %s has no occurrences: %s", task.id, exc)
            continue
        out.extend(on_working_day(ws, task, o) for o in found if id_key(o.id) not in exists)
    return sorted(out, key=lambda o: (o.date, o.series_id))


def on_working_day(ws: Workspace, task: Task, occurrence: Occurrence) -> Occurrence:
    """With ``repeat_on_day_off: next``, the occurrence moved (start and due together) to the
    next working day of its first assignee's calendar (the workspace's without one) when it
    falls on a day off; its id keeps the rule's date, so it is still the same occurrence."""
    if task.extra.get(DAY_OFF_KEY) != "next":
        return occurrence
    people = ws.assignees_of(task)
    calendar = person_calendar(ws, people[0]) if people else workspace_calendar(ws)
    try:
        moved = calendar.next_working_day(occurrence.date)
    except NoWorkingTime:
        return occurrence
    shift = moved - occurrence.date
    return occurrence._replace(
        date=moved,
        start=occurrence.start + shift if occurrence.start else None,
        due=occurrence.due + shift if occurrence.due else None,
    )


@dataclass(frozen=True)
class PlannedOccurrence:
    occurrence: Occurrence
    path: Path
    data: dict[str, Any]
    body: str


def plan(
    ws: Workspace, until: dt.date, since: dt.date | None = None
) -> tuple[list[PlannedOccurrence], list[str]]:
    """Occurrences dated ``since`` (default: today) to ``until`` that are not tasks yet, as
    files to create; and one message per series whose rule cannot be read."""
    since = since or ws.today
    exists = materialised(ws)
    planned: list[PlannedOccurrence] = []
    problems: list[str] = []
    for task in series(ws):
        try:
            dates = occurrences(task, since, until)
        except RecurrenceError as exc:
            problems.append(f"{task.path}: {exc.message}")
            continue
        for occurrence in dates:
            if id_key(occurrence.id) in exists:
                continue
            occurrence = on_working_day(ws, task, occurrence)
            exists.add(id_key(occurrence.id))
            path = ws.config.root / Path(task.path).parent / f"{occurrence.id}.md"
            planned.append(
                PlannedOccurrence(
                    occurrence, path, occurrence_data(ws, task, occurrence), fresh_body(task.body)
                )
            )
    return planned, problems


def occurrence_data(ws: Workspace, task: Task, occurrence: Occurrence) -> dict[str, Any]:
    """The occurrence's front matter: the series' keys that describe the work, its dates, the
    series it belongs to, and ``created`` (so the site can tell its age): the day it is made
    (``ws.today``), or its own date when that is earlier (an occurrence made after the fact).
    Runs on the same day make the same bytes; a second run finds the file and leaves it."""
    source = ws.sources.get(task.path)
    raw = source.data if source and source.data else {}
    data: dict[str, Any] = {"title": task.title, "created": min(ws.today, occurrence.date)}
    for key in COPIED_KEYS:
        if raw.get(key) is not None:
            data[key] = raw[key]
    if occurrence.start is not None:
        data["start"] = occurrence.start
    if occurrence.due is not None:
        data["due"] = occurrence.due
    data[SERIES_KEY] = task.id
    return data


def fresh_body(body: str) -> str:
    """The series' body with its checklist unticked, for a new occurrence."""
    return CHECKBOX.sub(lambda m: m.group(0)[:-2] + " ]", body)
