"""The workspace as JSON-ready data: ``index.json`` for other tools and the site, and the
records that ``worktext ls --format json|csv`` prints."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from worktext import __version__
from worktext.model.diagnostics import Diagnostic
from worktext.model.items import Goal, Item, Person, Project, Task, Template, Workflow
from worktext.model.values import format_hours
from worktext.model.workspace import Workspace

INDEX_VERSION = 1


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _plain(value: Any) -> Any:
    """JSON-safe form of front matter values kept as they were (custom keys)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value != value:  # NaN is not JSON
        return None
    return value


def task_record(ws: Workspace, task: Task, body: bool = False) -> dict[str, Any]:
    state = ws.state_of(task)
    milestone = ws.milestone_of(task)
    record: dict[str, Any] = {
        "id": task.id,
        "path": task.path,
        "title": task.title,
        "status": ws.status_of(task),
        "category": state.category if state else None,
        "project": ws.project_of(task).id,
        "workflow": ws.workflow_of(task).id,
        "assignees": list(task.assignees),
        "priority": task.priority,
        "labels": list(task.labels),
        "created": _date(task.created),
        "start": _date(task.start),
        "due": _date(task.due),
        "estimate_hours": task.estimate,
        "spent_hours": task.spent or None,
        "depends_on": list(task.depends_on),
        "dependents": [t.id for t in ws.dependents(task)],
        "parent": task.parent,
        "children": [t.id for t in ws.children(task)],
        "milestone": milestone.id if milestone else task.milestone,
        "goals": list(task.goals),
        "repeat": task.repeat,
        "recurrence_of": task.recurrence_of,
        "checklist": {"done": task.checklist.done, "total": task.checklist.total},
        "is_open": ws.is_open(task),
        "is_overdue": ws.is_overdue(task),
        "is_blocked": ws.is_blocked(task),
        "log": [
            {"date": _date(e.date), "hours": e.hours, "who": e.who, "note": e.note}
            for e in task.log
        ],
        "fields": _plain(dict(task.extra)),
    }
    if body:
        record["body"] = task.body
    return record


def project_record(ws: Workspace, project: Project) -> dict[str, Any]:
    done, total = ws.progress(ws.tasks_of_project(project))
    return {
        "id": project.id,
        "path": project.path or None,
        "title": project.title,
        "kind": project.kind,
        "status": project.status,
        "owner": project.owner,
        "start": _date(project.start),
        "deadline": _date(project.deadline),
        "workflow": ws.workflow_of_project(project).id,
        "milestones": [
            {"id": m.id, "title": m.title, "date": _date(m.date)} for m in project.milestones
        ],
        "goals": list(project.goals),
        "budget_hours": project.budget,
        "progress": {"done": done, "total": total},
        "fields": _plain(dict(project.extra)),
    }


def workflow_record(workflow: Workflow) -> dict[str, Any]:
    return {
        "id": workflow.id,
        "path": workflow.path or None,
        "title": workflow.title,
        "builtin": workflow.builtin,
        "states": [
            {**asdict(state), "requires": list(state.requires)} for state in workflow.states
        ],
        "transitions": (
            {k: list(v) for k, v in workflow.transitions.items()}
            if workflow.transitions is not None
            else None
        ),
    }


def person_record(ws: Workspace, person: Person) -> dict[str, Any]:
    return {
        "id": person.id,
        "path": person.path,
        "name": person.name,
        "email": person.email,
        "capacity_hours": person.capacity,
        "teams": list(person.teams),
        "away": [{"from": _date(a.start), "to": _date(a.end), "note": a.note} for a in person.away],
        "open_tasks": sum(1 for t in ws.tasks_of_person(person) if ws.is_open(t)),
    }


def goal_record(ws: Workspace, goal: Goal) -> dict[str, Any]:
    done, total = ws.goal_progress(goal)
    return {
        "id": goal.id,
        "path": goal.path,
        "title": goal.title,
        "owner": goal.owner,
        "due": _date(goal.due),
        "status": goal.status,
        "parent": goal.parent,
        "progress": {"done": done, "total": total},
    }


def template_record(ws: Workspace, template: Template) -> dict[str, Any]:
    hours_per_day = ws.config.units.hours_per_day
    return {
        "id": template.id,
        "path": template.path,
        "title": template.title,
        "owner": template.owner,
        "deadline_days": template.deadline,
        "params": [asdict(p) for p in template.params],
        "tasks": [
            {
                "key": t.key,
                "title": t.title,
                "assignee": t.assignee,
                "offset_days": t.offset,
                "duration_days": t.duration,
                "estimate": format_hours(t.estimate, hours_per_day) if t.estimate else None,
                "depends_on": list(t.depends_on),
                "labels": list(t.labels),
            }
            for t in template.tasks
        ],
    }


def item_record(ws: Workspace, kind: str, item: Item) -> dict[str, Any]:
    """The record of any item, by its kind (``kind`` as ``Workspace.find`` names it)."""
    if isinstance(item, Task):
        return task_record(ws, item)
    if isinstance(item, Project):
        return project_record(ws, item)
    if isinstance(item, Person):
        return person_record(ws, item)
    if isinstance(item, Goal):
        return goal_record(ws, item)
    if isinstance(item, Workflow):
        return workflow_record(item)
    assert isinstance(item, Template), kind
    return template_record(ws, item)


def index_document(ws: Workspace, tasks: bool = True) -> dict[str, Any]:
    """Everything in the workspace, deterministic for a given workspace and ``today``.
    ``tasks=False`` leaves the task records out (an empty list; the site adds its own)."""
    workflows = list(ws.workflows)
    if ws.default_workflow.builtin:  # no file declares it, but tasks follow it
        workflows.append(ws.default_workflow)
    return {
        "version": INDEX_VERSION,
        "generator": f"worktext {__version__}",
        "today": ws.today.isoformat(),
        "workspace": {
            "name": ws.config.name,
            "priorities": list(ws.config.priorities),
            "default_workflow": ws.default_workflow.id,
            "default_area": ws.default_area.id,
        },
        "tasks": [task_record(ws, t) for t in ws.tasks] if tasks else [],
        "projects": [project_record(ws, p) for p in ws.all_projects()],
        "workflows": [workflow_record(w) for w in workflows],
        "templates": [template_record(ws, t) for t in ws.templates],
        "people": [person_record(ws, p) for p in ws.people],
        "goals": [goal_record(ws, g) for g in ws.goals],
        "diagnostics": [diagnostic_record(d) for d in ws.diagnostics],
    }


def diagnostic_record(diagnostic: Diagnostic) -> dict[str, Any]:
    return {
        "path": diagnostic.path,
        "line": diagnostic.line,
        "column": diagnostic.column,
        "severity": diagnostic.severity,
        "code": diagnostic.code,
        "message": diagnostic.message,
        "hint": diagnostic.hint,
    }
