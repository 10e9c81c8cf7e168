"""What a forecast is about: a project, a milestone, a goal or a query; its open tasks, and the
finished work whose weekly throughput is sampled.

* A project: its open tasks; the throughput of the project.
* A milestone (``PROJECT/MILESTONE``, or a milestone id that only one project has): its open
  tasks; the throughput of its project (the team that does it).
* A goal: the open tasks linked to it, to its projects and sub-goals; the throughput of the
  tasks of its projects and of the tasks linked to it.
* Anything else is a query (``worktext ls`` syntax): the open tasks it selects; the
  workspace's throughput.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from worktext.errors import QueryError, WorktextError
from worktext.history.metrics import TaskFlow, select, throughput
from worktext.model.items import Goal, Milestone, Project, Task
from worktext.model.query import select as query_select
from worktext.model.workspace import Workspace, id_key
from worktext.plan.forecast import Forecast, HowMany, how_many, sample_weeks, when_done


@dataclass(frozen=True)
class Target:
    kind: str  # project, milestone, goal, query, workspace
    id: str
    title: str
    open_tasks: tuple[Task, ...]
    flows: tuple[TaskFlow, ...]


def resolve(ws: Workspace, flows: list[TaskFlow], text: str | None) -> Target:
    """The target named by ``text`` (None: the whole workspace)."""
    if not text:
        open_all = tuple(t for t in ws.tasks if ws.is_open(t))
        return Target("workspace", "", ws.config.name, open_all, tuple(flows))
    project = ws.projects.get(text)
    if project is None and id_key(text) == id_key(ws.default_area.id):
        project = ws.default_area
    if project is not None:
        tasks = tuple(t for t in ws.tasks_of_project(project) if ws.is_open(t))
        return Target("project", project.id, project.title, tasks, tuple(select(flows, project.id)))
    milestone = _milestone(ws, text)
    if milestone is not None:
        project_id, milestone_id, title = milestone
        found = ws.projects.get(project_id) or ws.default_area
        tasks = tuple(
            t
            for t in ws.tasks_of_project(found)
            if ws.is_open(t) and t.milestone and id_key(t.milestone) == id_key(milestone_id)
        )
        return Target(
            "milestone",
            f"{project_id}/{milestone_id}",
            title,
            tasks,
            tuple(select(flows, project_id)),
        )
    goal = ws.goals.get(text)
    if goal is not None:
        return goal_target(ws, flows, goal)
    try:
        matched = query_select(ws, text)
    except QueryError as error:
        raise WorktextError(
            f"'{text}' is no project, milestone or goal, and not a query: {error}"
        ) from None
    return Target("query", text, text, tuple(t for t in matched if ws.is_open(t)), tuple(flows))


def goal_target(ws: Workspace, flows: list[TaskFlow], goal: Goal) -> Target:
    """A goal's open tasks, and the history of its tasks and its projects' tasks."""
    linked = _goal_tasks(ws, goal.id)
    keys = {id_key(t.id) for t in linked}
    projects = {
        id_key(p.id) for p in ws.projects if any(id_key(g) == id_key(goal.id) for g in p.goals)
    }
    chosen = tuple(f for f in flows if id_key(f.id) in keys or id_key(f.project) in projects)
    return Target("goal", goal.id, goal.title, tuple(t for t in linked if ws.is_open(t)), chosen)


def milestone_target(
    ws: Workspace, flows: list[TaskFlow], project: Project, milestone: Milestone
) -> Target:
    """A milestone's open tasks, and its project's history (the team that does the work)."""
    tasks = tuple(
        t
        for t in ws.tasks_of_project(project)
        if ws.is_open(t) and t.milestone and id_key(t.milestone) == id_key(milestone.id)
    )
    return Target(
        "milestone",
        f"{project.id}/{milestone.id}",
        milestone.title or milestone.id,
        tasks,
        tuple(select(flows, project.id)),
    )


def _milestone(ws: Workspace, text: str) -> tuple[str, str, str] | None:
    project_part, _, milestone_part = text.rpartition("/")
    found = []
    for project in ws.all_projects():
        if project_part and id_key(project.id) != id_key(project_part):
            continue
        for milestone in project.milestones:
            if id_key(milestone.id) == id_key(milestone_part):
                found.append((project.id, milestone.id, milestone.title or milestone.id))
    if len(found) > 1:
        raise WorktextError(
            f"milestone '{text}' is in several projects; write PROJECT/{milestone_part}"
        )
    return found[0] if found else None


def _goal_tasks(ws: Workspace, goal_id: str) -> list[Task]:
    """The tasks linked to the goal, its projects and its sub-goals, each once."""
    seen: dict[str, Task] = {}
    stack, visited = [goal_id], set()
    while stack:
        current = stack.pop()
        if id_key(current) in visited:
            continue
        visited.add(id_key(current))
        goal = ws.goals.get(current)
        if goal is None:
            continue
        for task in _linked(ws, goal.id):
            seen[task.id] = task
        stack.extend(g.id for g in ws.goals if g.parent and id_key(g.parent) == id_key(goal.id))
    return list(seen.values())


def _linked(ws: Workspace, goal_id: str) -> Iterable[Task]:
    goal = ws.goals.get(goal_id)
    if goal is None:
        return []
    tasks = list(ws.tasks_of_goal(goal))
    for project in ws.projects:
        if any(id_key(g) == id_key(goal_id) for g in project.goals):
            tasks.extend(ws.tasks_of_project(project))
    return tasks


def forecast(
    target: Target,
    today: dt.date,
    trials: int,
    seed: int,
    split_rate: float = 0.0,
    until: dt.date | None = None,
) -> tuple[Forecast, HowMany | None]:
    """The target's forecast, and how many of its tasks by ``until`` (if given)."""
    samples = sample_weeks(throughput(target.flows, today), today)
    done = when_done(samples, len(target.open_tasks), today, trials, seed, split_rate)
    by = how_many(samples, today, until, trials, seed) if until is not None else None
    return done, by


__all__ = ["Target", "forecast", "goal_target", "milestone_target", "resolve"]
