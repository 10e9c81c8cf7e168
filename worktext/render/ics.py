"""iCalendar feeds (RFC 5545) of due dates and milestones, for the workspace and each person.

Built with the ``icalendar`` library, which folds long lines and ends them with CRLF. UIDs are
derived from ids, so a calendar client updates an event instead of duplicating it; DTSTAMP is
``today`` at midnight UTC, so the same workspace and ``--today`` give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from icalendar import Calendar, Event

from ..index import Workspace
from ..model import Project, Task
from ..values import as_day

DAY = dt.timedelta(days=1)


def _domain(ws: Workspace) -> str:
    slug = re.sub(r"[^a-z0-9-]+", "-", ws.config.name.lower()).strip("-") or "workspace"
    return f"{slug}.worktext"


def _calendar(ws: Workspace, name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//worktext//worktext site//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    return cal


def _event(uid: str, summary: str, day: dt.date, stamp: dt.datetime, description: str) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)  # a date: an all-day event (VALUE=DATE)
    event.add("dtend", day + DAY)
    event.add("summary", summary)
    event.add("transp", "TRANSPARENT")
    if description:
        event.add("description", description)
    return event


def task_events(ws: Workspace, tasks: Iterable[Task], stamp: dt.datetime) -> list[Event]:
    domain = _domain(ws)
    events = []
    for task in tasks:
        if task.due is None:
            continue
        project = ws.project_of(task)
        summary = f"{task.id}: {task.title}"
        description = f"Status: {ws.status_of(task)}\nProject: {project.title}"
        if task.assignees:
            description += "\nAssignees: " + ", ".join(task.assignees)
        event = _event(f"task-{task.id}@{domain}", summary, as_day(task.due), stamp, description)
        if ws.category(task) == "cancelled":
            event.add("status", "CANCELLED")
        if task.labels:
            event.add("categories", list(task.labels))
        events.append(event)
    return events


def milestone_events(ws: Workspace, projects: Iterable[Project], stamp: dt.datetime) -> list[Event]:
    domain = _domain(ws)
    events = []
    for project in projects:
        for milestone in project.milestones:
            if milestone.date:
                name = milestone.title or milestone.id
                uid = f"milestone-{project.id}-{milestone.id}@{domain}"
                events.append(
                    _event(uid, f"◆ {project.title}: {name}", as_day(milestone.date), stamp, "")
                )
        if project.deadline:
            uid = f"deadline-{project.id}@{domain}"
            summary = f"Deadline: {project.title}"
            events.append(_event(uid, summary, as_day(project.deadline), stamp, ""))
    return events


def _stamp(ws: Workspace) -> dt.datetime:
    return dt.datetime.combine(ws.today, dt.time(0, 0), tzinfo=dt.timezone.utc)


def workspace_ics(ws: Workspace) -> bytes:
    cal = _calendar(ws, ws.config.name)
    stamp = _stamp(ws)
    for event in [
        *milestone_events(ws, ws.all_projects(), stamp),
        *task_events(ws, ws.tasks, stamp),
    ]:
        cal.add_component(event)
    return cal.to_ical()


def person_ics(ws: Workspace, person_id: str) -> bytes:
    person = ws.people.get(person_id)
    cal = _calendar(ws, f"{ws.config.name}: {person.name if person else person_id}")
    tasks = ws.tasks_of_person(person) if person else []
    for event in task_events(ws, sorted(tasks, key=lambda t: t.id), _stamp(ws)):
        cal.add_component(event)
    return cal.to_ical()
