"""When each project and milestone will be finished, by the schedule, against its deadline;
and the critical path that decides it.

* ``projected_finish`` is the latest planned finish of its open, scheduled tasks.
* ``late``: after the deadline; ``at risk``: less than ``RISK_DAYS`` working days before it,
  or some of its open work is unplanned (so the date may move); ``on track`` otherwise;
  ``no deadline`` when it has none.
* The critical path runs back from its last task through the dependency that held each task
  back, as long as there is one (a task held back by its own start, or by its people being
  busy, begins the path).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from worktext.model.values import as_day
from worktext.model.workspace import Workspace, id_key
from worktext.plan.calendar import workspace_calendar
from worktext.plan.schedule import PlannedTask, Schedule

RISK_DAYS = 3


@dataclass(frozen=True)
class Outlook:
    kind: str  # "project" or "milestone"
    id: str
    title: str
    project: str
    deadline: dt.date | None
    projected_finish: dt.date | None
    status: str  # on track, at risk, late, no deadline, unplanned
    late_days: int
    critical_path: tuple[str, ...]
    planned: int  # open tasks scheduled
    unplanned: int  # open tasks that are not

    @property
    def key(self) -> str:
        return self.id if self.kind == "project" else f"{self.project}/{self.id}"


def outlooks(ws: Workspace, plan: Schedule) -> tuple[list[Outlook], list[Outlook]]:
    """Every project's and every milestone's outlook (those with open work), by id."""
    by_id = plan.by_id()
    unplanned_ids = {u.id for u in plan.unplanned}
    projects, milestones = [], []
    for project in sorted(ws.all_projects(), key=lambda p: p.id):
        tasks = [t for t in ws.tasks_of_project(project) if ws.is_open(t)]
        if not tasks:
            continue
        deadline = as_day(project.deadline) if project.deadline else None
        projects.append(
            _outlook(
                ws,
                plan,
                "project",
                project.id,
                project.title,
                project.id,
                deadline,
                [by_id[t.id] for t in tasks if t.id in by_id],
                sum(t.id in unplanned_ids for t in tasks),
            )
        )
        by_milestone: dict[str, list[str]] = defaultdict(list)
        for task in tasks:
            if task.milestone:
                by_milestone[id_key(task.milestone)].append(task.id)
        for milestone in project.milestones:
            ids = by_milestone.get(id_key(milestone.id), [])
            if not ids:
                continue
            date = as_day(milestone.date) if milestone.date else None
            milestones.append(
                _outlook(
                    ws,
                    plan,
                    "milestone",
                    milestone.id,
                    milestone.title or milestone.id,
                    project.id,
                    date,
                    [by_id[i] for i in ids if i in by_id],
                    sum(i in unplanned_ids for i in ids),
                )
            )
    return projects, milestones


def _outlook(
    ws: Workspace,
    plan: Schedule,
    kind: str,
    item_id: str,
    title: str,
    project: str,
    deadline: dt.date | None,
    planned: list[PlannedTask],
    unplanned: int,
) -> Outlook:
    finish = max((t.planned_finish for t in planned), default=None)
    late_days = max(0, (finish - deadline).days) if finish and deadline else 0
    return Outlook(
        kind,
        item_id,
        title,
        project,
        deadline,
        finish,
        _status(ws, finish, deadline, unplanned),
        late_days,
        critical_path(plan, planned),
        len(planned),
        unplanned,
    )


def _status(ws: Workspace, finish: dt.date | None, deadline: dt.date | None, unplanned: int) -> str:
    if finish is None:
        return "unplanned"
    if deadline is None:
        return "no deadline"
    if finish > deadline:
        return "late"
    margin = len(workspace_calendar(ws).working_days(finish + dt.timedelta(days=1), deadline))
    return "at risk" if unplanned or margin < RISK_DAYS else "on track"


def critical_path(plan: Schedule, planned: list[PlannedTask]) -> tuple[str, ...]:
    """The chain of tasks, first to last, that decides when the last of ``planned`` ends."""
    if not planned:
        return ()
    by_id = plan.by_id()
    last = max(planned, key=lambda t: (t.planned_finish, -t.slack_days, t.id))
    path, seen = [last.id], {last.id}
    driver = plan.drivers.get(last.id)
    while driver is not None and driver in by_id and driver not in seen:
        path.append(driver)
        seen.add(driver)
        driver = plan.drivers.get(driver)
    return tuple(reversed(path))


__all__ = ["RISK_DAYS", "Outlook", "critical_path", "outlooks"]
