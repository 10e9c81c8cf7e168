"""Baselines and scenarios: the schedule of another revision beside today's, and what a change
does to it ("moves the milestone web/launch's projected finish from 19 Jan to 26 Jan").

A baseline is any revision (a tag such as ``baseline-q1``, a branch, a commit): its files are
read from git with the current configuration and scheduled as of the same ``today``, so the
slip is what the change of the files does, not the passing of time. A branch is a scenario:
``worktext plan --baseline main`` on it says what it would change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from worktext.history.since import workspace_at
from worktext.model.workspace import Workspace
from worktext.plan.outlook import Outlook, outlooks
from worktext.plan.report import Slip, slip_sentence, slips
from worktext.plan.schedule import Schedule, schedule


@dataclass(frozen=True)
class Planned:
    """A workspace's schedule with its projects' and milestones' outlooks."""

    schedule: Schedule
    projects: list[Outlook]
    milestones: list[Outlook]


def planned(ws: Workspace, today: dt.date) -> Planned:
    plan = schedule(ws, today)
    projects, milestones = outlooks(ws, plan)
    return Planned(plan, projects, milestones)


def against(now: Planned, ws: Workspace, rev: str, today: dt.date) -> list[Slip]:
    """Each task's and milestone's slip from its planned finish at ``rev``."""
    was = planned(workspace_at(ws.config, rev, today), today)
    return slips(now.schedule, now.milestones, was.schedule, was.milestones)


def schedule_changes(old: Workspace, new: Workspace, today: dt.date) -> list[str]:
    """What going from ``old`` to ``new`` does to the schedule, in sentences: each milestone
    and project whose projected finish moves, then each task that becomes late or stops being
    late."""
    was, now = planned(old, today), planned(new, today)
    out = [
        slip_sentence(s)
        for s in slips(now.schedule, now.milestones, was.schedule, was.milestones)
        if s.kind == "milestone" and s.was != s.now
    ]
    was_projects = {o.id: o.projected_finish for o in was.projects}
    for project in now.projects:
        before = was_projects.get(project.id)
        if before != project.projected_finish:
            out.append(slip_sentence(Slip("project", project.id, before, project.projected_finish)))
    was_late = {t.id for t in was.schedule.tasks if t.late}
    for task in now.schedule.tasks:
        if task.late and task.id not in was_late:
            out.append(f"makes {task.id} late: it finishes {task.planned_finish}, due {task.due}")
    return out


def schedule_markdown(old: Workspace, new: Workspace, today: dt.date) -> str:
    """The schedule section of ``worktext diff`` ("" when the change moves nothing)."""
    changes = schedule_changes(old, new, today)
    if not changes:
        return ""
    return "### Schedule\n\n" + "".join(f"- This change {line}.\n" for line in changes)


__all__ = ["Planned", "against", "planned", "schedule_changes", "schedule_markdown"]
