"""Time logged and recurring work on the site: timesheets of project, person and task pages,
and the upcoming occurrences of an area's recurring tasks (not yet task files)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from worktext.model.items import Person, Project, Task
from worktext.model.workspace import id_key
from worktext.plan import timesheet
from worktext.render.data import SiteData

UPCOMING_DAYS = 60
UPCOMING_ROWS = 20


def meter(spent: float, estimate: float | None) -> dict[str, Any]:
    """What the spent-against-estimate meter shows: hours, the percentage and whether the
    estimate is exceeded (the meter's scale stretches to the larger of the two)."""
    estimate = estimate or 0.0
    return {
        "spent": spent,
        "estimate": estimate,
        "max": max(spent, estimate, 0.01),
        "percent": round(100 * spent / estimate) if estimate else None,
        "over": bool(estimate) and spent > estimate,
    }


def task_time(site: SiteData, task: Task) -> dict[str, Any]:
    entries = sorted(task.log, key=lambda e: (e.date, e.who or "", e.note))
    return {"meter": meter(task.spent, task.estimate), "entries": entries}


def project_time(site: SiteData, tasks: list[Task]) -> dict[str, Any]:
    """Spent against estimate over the tasks, and their weeks × people timesheet."""
    spent = timesheet.spent_against_estimate(tasks)
    sheet = timesheet.by_person(tasks)
    return {
        "summary": spent,
        "meter": meter(spent.spent, spent.estimate),
        "sheet": sheet,
        "labels": [timesheet.week_label(w) for w in sheet.weeks],
    }


def person_time(site: SiteData, person: Person) -> dict[str, Any]:
    """The weeks × tasks timesheet of what ``person`` logged, on any task."""
    tasks = site.logged_tasks(person.id)
    by_id = {t.id: t for t in tasks}
    sheet = timesheet.by_task(tasks, person.id, order=lambda task_id: id_key(str(task_id)))
    return {
        "sheet": sheet,
        "tasks": by_id,
        "labels": [timesheet.week_label(w) for w in sheet.weeks],
    }


def upcoming(site: SiteData, project: Project) -> list[dict[str, Any]]:
    """The next occurrences of the project's recurring tasks, within ``UPCOMING_DAYS``."""
    ws = site.ws
    series = {id_key(t.id): t for t in ws.tasks_of_project(project) if t.repeat}
    if not series:
        return []
    end = site.today + dt.timedelta(days=UPCOMING_DAYS)
    rows = []
    for occurrence in site.pending(site.today, end):
        task = series.get(id_key(occurrence.series_id))
        if task is not None:
            rows.append({"occurrence": occurrence, "task": task})
    return rows[:UPCOMING_ROWS]
