"""Process templates → planned files: a project (or a batch of tasks in an existing project or
area) with real dates, ids, assignees and ``depends_on`` links.

Placeholders are filled by plain substitution in one pass: ``{name}`` becomes the parameter's
value, and anything else, including ``{unknown}`` and text that looks like template code
(``{{ x }}``, ``{% if %}``, ``{0}``), stays literal. Values are never substituted again.

Dates count the workspace calendar's working days (``plan/calendar.py``: its ``workdays``,
Monday to Friday by default, without its ``holidays``), because template durations are working
time: ``1w`` is five days of work, and ``offset: 5d`` from a Monday lands on the next Monday,
not on a Saturday. A start date on a day off moves to the next working day. A task starts at
``start + offset`` working days (a negative offset is before the start date: ``-5d`` is the
week before) and is due ``duration`` working days later, counting its first day
(``duration: 1d`` is due the day it starts; a fraction of a day counts as one day). A
template's ``deadline`` counts working days from the start date the same way.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from worktext.edit import ids
from worktext.errors import WorktextError
from worktext.model.items import Project, Template, TemplateTask
from worktext.model.values import format_hours
from worktext.model.workspace import Workspace
from worktext.plan.calendar import Calendar, workspace_calendar

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.-]*)\}")
BUILTIN_PARAMS = ("start", "project")


@dataclass(frozen=True)
class Planned:
    """One file to create."""

    kind: str
    item_id: str
    path: Path
    data: dict[str, Any] = field(default_factory=dict)
    body: str = ""


def fill(text: str, values: Mapping[str, str]) -> str:
    """``{name}`` → ``values[name]`` in one pass; unknown placeholders stay as they are."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


# Monday to Friday without holidays: ``add_workdays`` and ``next_workday`` count on it; ``plan``
# counts on the workspace's own calendar (its workdays and holidays).
WEEKDAYS = Calendar(frozenset(range(5)), 8.0)


def add_workdays(day: dt.date, count: int) -> dt.date:
    """The working day (Monday to Friday) ``count`` working days after ``day`` (itself moved
    off a weekend); before it when ``count`` is negative."""
    return WEEKDAYS.add_working_days(next_workday(day), count)


def next_workday(day: dt.date) -> dt.date:
    return WEEKDAYS.next_working_day(day)


def resolve_params(template: Template, given: Mapping[str, str]) -> dict[str, str]:
    """The template's parameters with defaults applied; refuses unknown or missing ones."""
    _refuse_unknown_params(template, given)
    values = {p.name: p.default for p in template.params if p.default is not None}
    values.update(given)
    _refuse_missing_params(template, values)
    return values


def _refuse_unknown_params(template: Template, given: Mapping[str, str]) -> None:
    declared = {p.name for p in template.params}
    unknown = sorted(set(given) - declared - set(BUILTIN_PARAMS))
    if unknown:
        known = ", ".join(sorted(declared)) or "none"
        raise WorktextError(
            f"template '{template.id}' has no parameter {', '.join(map(repr, unknown))}; "
            f"its parameters: {known}"
        )


def _refuse_missing_params(template: Template, values: Mapping[str, str]) -> None:
    """Refuse a required parameter without a value (``start`` and ``project`` always get
    one)."""
    missing = [p.name for p in template.params if p.required and not values.get(p.name)]
    missing = [name for name in missing if name not in BUILTIN_PARAMS]
    if missing:
        raise WorktextError(
            f"template '{template.id}' needs {', '.join(map(repr, missing))}; "
            f"give it with --set {missing[0]}=VALUE"
        )


def plan(
    ws: Workspace,
    template: Template,
    given: Mapping[str, str],
    start: dt.date,
    today: dt.date,
    project_id: str | None = None,
) -> list[Planned]:
    """The files that instantiating ``template`` creates: a new project with its tasks, or
    only tasks when ``project_id`` names an existing project or area."""
    if not template.tasks:
        raise WorktextError(f"template '{template.id}' has no tasks")
    calendar = workspace_calendar(ws)
    start = calendar.next_working_day(start)
    values = resolve_params(template, given)
    values["start"] = start.isoformat()
    new_project = project_id is None
    project = _target_project(ws, template, values, project_id)
    values["project"] = project.id
    task_ids = ids.new_ids(ws, len(template.tasks), project)
    by_key = {task.key: task_id for task, task_id in zip(template.tasks, task_ids, strict=True)}
    hours_per_day = ws.config.units.hours_per_day
    tasks: list[Planned] = []
    for task, task_id in zip(template.tasks, task_ids, strict=True):
        data = _task_data(template, task, values, by_key, start, today, hours_per_day, calendar)
        path = ids.item_path(ws, "task", task_id, project.id)
        tasks.append(Planned("task", task_id, path, data))
    if new_project:
        return [_project_file(ws, template, project, values, tasks, today), *tasks]
    return tasks


def _target_project(
    ws: Workspace, template: Template, values: Mapping[str, str], project_id: str | None
) -> Project:
    """The project the tasks go to: a new one (not a file yet) titled after the template
    when ``project_id`` is None, else the existing project or area it names."""
    if project_id is None:
        title = fill(template.title, values)
        return Project(ids.unique_slug([p.id for p in ws.all_projects()], title), "", title)
    found = ws.projects.get(project_id)
    if found is None and project_id.lower() != ws.default_area.id.lower():
        raise WorktextError(f"no project or area with id '{project_id}'")
    return found or ws.default_area


def _task_data(
    template: Template,
    task: TemplateTask,
    values: Mapping[str, str],
    by_key: Mapping[str, str],
    start: dt.date,
    today: dt.date,
    hours_per_day: float,
    calendar: Calendar,
) -> dict[str, Any]:
    """The front matter of one planned task, its keys in the order they are written."""
    begins = calendar.add_working_days(start, math.floor(task.offset))
    data: dict[str, Any] = {"title": fill(task.title, values), "project": values["project"]}
    if task.assignee:
        data["assignee"] = _filled_id(fill(task.assignee, values), template, task.key)
    data["created"] = today
    data["start"] = begins
    if task.duration is not None:
        data["due"] = calendar.add_working_days(begins, max(1, math.ceil(task.duration)) - 1)
    if task.estimate is not None:
        data["estimate"] = format_hours(task.estimate, hours_per_day)
    if task.depends_on:
        data["depends_on"] = [by_key[key] for key in task.depends_on if key in by_key]
    if task.labels:
        data["labels"] = list(task.labels)
    return data


def _project_file(
    ws: Workspace,
    template: Template,
    project: Project,
    values: Mapping[str, str],
    tasks: list[Planned],
    today: dt.date,
) -> Planned:
    """The new project's file: active from the start date, owned by the template's
    ``owner``, due by its ``deadline`` (working days from the start; else the last task's
    due date, or the start when no task has one), with the template's body filled in."""
    start = dt.date.fromisoformat(values["start"])
    if template.deadline is not None:
        deadline = workspace_calendar(ws).add_working_days(start, math.floor(template.deadline))
    else:
        deadline = max([start, *(task.data["due"] for task in tasks if "due" in task.data)])
    data: dict[str, Any] = {"title": project.title, "kind": "project", "status": "active"}
    if template.owner:
        data["owner"] = _filled_id(fill(template.owner, values), template, None)
    data.update({"start": start, "deadline": deadline})
    made = f"Created from the template `{template.id}` on {today.isoformat()}."
    carried = fill(template.body, values).strip()
    body = f"{carried}\n\n{made}\n" if carried else f"{made}\n"
    path = ws.config.folder("project") / f"{project.id}.md"
    return Planned("project", project.id, path, data, body)


def _filled_id(value: str, template: Template, key: str | None) -> str:
    """A person id filled in; refused while a placeholder in it has no value (``key``: the
    task's key, None for the project's owner)."""
    left = PLACEHOLDER.search(value)
    if left:
        where = f"task '{key}': the assignee" if key is not None else "the owner"
        raise WorktextError(
            f"template '{template.id}', {where} '{value}' names the "
            f"parameter '{left.group(1)}', which has no value; give it with --set "
            f"{left.group(1)}=PERSON"
        )
    return value
