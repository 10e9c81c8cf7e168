"""The data each page template shows: one function per kind of page, given the page's view
(``PageView``: the build's shared data and the page's way back to the site root), returning
the template's variables. The renderer adds what every page shares (root prefix, navigation,
site name, today, CSP).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from worktext.model.items import Goal, Person, Project, Task, Workflow
from worktext.model.values import as_day
from worktext.model.workspace import Workspace, id_key
from worktext.plan.outlook import Outlook
from worktext.plan.report import sentence
from worktext.plan.workload import PersonLoad, WeekLoad
from worktext.render import gantt, html, worklog
from worktext.render.data import SiteData
from worktext.render.discussion import feed_path, inbox_path
from worktext.render.view import PageView

LEGEND = [
    ("backlog", "Backlog"),
    ("todo", "To do"),
    ("active", "In progress"),
    ("blocked", "Blocked"),
    ("done", "Done"),
    ("overdue", "Overdue"),
]
# The thin bars of the schedule (``worktext plan``) under the declared ones.
PLANNED_LEGEND = [
    ("bar-planned", "Planned"),
    ("bar-planned critical", "Planned, critical"),
    ("bar-planned late", "Planned, late"),
]
HEALTH_ROWS = 500
_NO_OUTLOOK = Outlook("project", "", "", "", None, None, "", 0, (), 0, 0)


def broken_files(ws: Workspace) -> list[tuple[str, list[str]]]:
    """Files that could not be read at all (left out of the site), with why."""
    errors = [d for d in ws.errors if d.path and d.path.endswith(".md")]
    if not errors:  # the usual case: no need to gather 10,000 items' paths
        return []
    items = {item.path for _, item in ws.items()}
    broken: dict[str, list[str]] = {}
    for d in errors:
        if d.path not in items:
            broken.setdefault(d.path, []).append(d.message)
    return sorted(broken.items())


def left_out_reasons(ws: Workspace) -> dict[str, str]:
    """Why each left-out file is left out, in words for a warning: a duplicate id (the file
    reads well; another file has its id first), or that it could not be read."""
    broken = broken_files(ws)
    if not broken:
        return {}
    duplicates = {dup.item.path: dup.first.path for dup in ws.duplicates}
    return {
        path: (
            f"has a duplicate id (the same as {duplicates[path]})"
            if path in duplicates
            else "could not be read"
        )
        for path, _ in broken
    }


def home(view: PageView) -> dict[str, Any]:
    site = view.data
    ws = site.ws
    open_tasks = [t for t in ws.tasks if ws.is_open(t)]
    projects = ws.all_projects()
    return {
        "open_count": len(open_tasks),
        **_worklists(site, open_tasks),
        "active_projects": [_active_project(site, p) for p in projects if _is_active(p)],
        "areas": [_area(site, p) for p in projects if p.is_ongoing],
        "goals": goal_rows(ws),
        "hot": _hot_spots(site)[:10],
        "broken": broken_files(ws),
        "flow": site.flow.home_charts(),
        "forecasts": site.plan.dashboard_forecasts(site.flow.flows())
        if site.flow.available
        else [],
        "outlooks": [o for o in site.plan.projects() if o.status in ("late", "at risk")],
    }


def _worklists(site: SiteData, open_tasks: list[Task]) -> dict[str, list[Any]]:
    """The dashboard's lists of open work: overdue, due within a week, blocked."""
    ws, today = site.ws, site.today
    overdue = site.by_due(t for t in open_tasks if ws.is_overdue(t))
    due_week = site.by_due(
        t for t in open_tasks if t.due and 0 <= (as_day(t.due) - today).days <= 7
    )
    blocked = [
        {"task": task, "waiting": [d for d in ws.dependencies(task) if ws.is_open(d)]}
        for task in open_tasks
        if ws.is_blocked(task)
    ]
    return {"overdue": overdue[:25], "due_week": due_week[:25], "blocked": blocked[:25]}


def _is_active(project: Project) -> bool:
    return not project.is_ongoing and project.status == "active"


def _active_project(site: SiteData, project: Project) -> dict[str, Any]:
    done, total = site.ws.progress(site.ws.tasks_of_project(project))
    return {
        "project": project,
        "done": done,
        "total": total,
        "milestone": site.next_milestone(project),
    }


def _area(site: SiteData, project: Project) -> dict[str, Any]:
    """An ongoing area's open work, and the age of its oldest."""
    open_here = [t for t in site.ws.tasks_of_project(project) if site.ws.is_open(t)]
    ages = [a for a in (site.age_days(t) for t in open_here) if a is not None]
    return {"project": project, "open": len(open_here), "oldest": max(ages, default=None)}


def _hot_spots(site: SiteData) -> list[dict[str, Any]]:
    """People over capacity in the next two weeks, the most loaded first."""
    hot: list[dict[str, Any]] = [
        {"person": load.person, "week": week}
        for load in site.team_load(weeks=2)
        for week in load.weeks
        if week.over
    ]
    hot.sort(key=lambda h: (-h["week"].ratio, h["person"].id))
    return hot


def goal_rows(ws: Workspace) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for goal in ws.goals:
        done, total = ws.goal_progress(goal)
        rows.append({"goal": goal, "done": done, "total": total})
    return rows


def projects_index(view: PageView) -> dict[str, Any]:
    ws = view.data.ws
    rows: list[dict[str, Any]] = []
    for project in ws.all_projects():
        done, total = ws.progress(ws.tasks_of_project(project))
        rows.append({"project": project, "done": done, "total": total})
    by_workflow = ws.tasks_by_workflow()
    workflows = [
        {"workflow": w, "count": len(by_workflow.get(w.id, ()))} for w in ws.workflows_in_use()
    ]
    groups = [
        ("Projects", [r for r in rows if not r["project"].is_ongoing]),
        ("Ongoing areas", [r for r in rows if r["project"].is_ongoing]),
    ]
    return {"projects": rows, "groups": groups, "workflows": workflows}


def board(
    site: SiteData, workflow: Workflow, tasks: list[Task], project: Project | None
) -> dict[str, Any]:
    assignees = sorted({a for t in tasks for a in t.assignees}, key=lambda a: site.name(a).lower())
    labels = sorted({label for t in tasks for label in t.labels})
    heading = f"{project.title} board" if project else f"{workflow.title}: all work"
    return {
        "project": project,
        "workflow": workflow,
        "heading": heading,
        "columns": site.columns(workflow, tasks, per_project=project is None),
        "unplaced": site.unplaced(workflow, tasks),
        "total": len(tasks),
        "assignees": assignees,
        "labels": labels,
        "priorities": list(site.ws.config.priorities),
        "done_days": site.board_done_days,
        "flow": None,  # workflow boards show their flow charts; a project's are on its page
    }


def project_board(view: PageView, project: Project) -> dict[str, Any]:
    site = view.data
    workflow = site.ws.workflow_of_project(project)
    return board(site, workflow, site.ws.tasks_of_project(project), project)


def workflow_board(view: PageView, workflow: Workflow) -> dict[str, Any]:
    site = view.data
    tasks = [t for t in site.ws.tasks if site.ws.workflow_of(t).id == workflow.id]
    return {**board(site, workflow, tasks, None), "flow": site.flow.workflow_charts(workflow)}


def project_page(view: PageView, project: Project) -> dict[str, Any]:
    site, prefix = view.data, view.root
    ws = site.ws
    tasks = site.sort_open_first(ws.tasks_of_project(project))
    done, total = ws.progress(tasks)
    est_done, est_total = site.estimate_progress(tasks)
    milestones = _milestones(site, project)
    open_tasks = [t for t in tasks if ws.is_open(t)]
    aging = sorted(open_tasks, key=lambda t: (-(site.age_days(t) or -1), t.id))
    return {
        "project": project,
        "tasks": tasks,
        "done": done,
        "total": total,
        "est_done": est_done,
        "est_total": est_total,
        "milestones": milestones,
        "columns": site.columns(ws.workflow_of_project(project), tasks),
        "goals": ws.goals_of(project),
        "aging": aging,
        "recurring": [
            {"task": t, "rule": site.repeat_words(t), "next": site.next_occurrence(t)}
            for t in tasks
            if t.repeat
        ],
        "upcoming": worklog.upcoming(site, project) if project.is_ongoing else [],
        "flow": site.flow.project_charts(project),
        "time": worklog.project_time(site, tasks),
        "body": site.body_html(project, prefix) if project.body.strip() else "",
        "thread": site.discussion.item_extras(view, project.id, project.path, project.body),
        "source_url": site.source_url(project.path),
        "edit_url": site.edit_url(project.path),
        "diagnostics": site.diagnostics_of(project.path),
        "plan_sentence": site.plan.sentence(project),
        "plan_status": (site.plan.project(project) or _NO_OUTLOOK).status,
        "forecast_line": (
            site.plan.forecast_line(project, site.flow.flows()) if site.flow.available else None
        ),
        "milestone_forecasts": (
            site.plan.milestone_forecast_lines(project, site.flow.flows())
            if site.flow.available
            else []
        ),
    }


def _milestones(site: SiteData, project: Project) -> list[dict[str, Any]]:
    """A project's milestones by date, each with its progress and whether it is past."""
    rows = []
    for milestone in sorted(
        project.milestones, key=lambda m: (as_day(m.date) if m.date else dt.date.max, m.id)
    ):
        done, total = site.milestone_progress(project, milestone.id)
        past = milestone.date is not None and as_day(milestone.date) < site.today
        rows.append({"milestone": milestone, "done": done, "total": total, "past": past})
    return rows


def timeline(view: PageView, project: Project) -> dict[str, Any]:
    site = view.data
    chart, undated = gantt.project_chart(
        site.ws, project, site.links.urls, view.root, site.plan.tasks, site.plan.baseline
    )
    rev = site.plan.baseline_rev
    planned_legend = PLANNED_LEGEND + ([("bar-baseline", f"Baseline ({rev})")] if rev else [])
    return {
        "project": project,
        "heading": f"{project.title} timeline",
        "svg": gantt.render_svg(chart),
        "rows": len(chart.rows),
        "undated": undated,
        "legend": LEGEND,
        "plan_sentence": site.plan.sentence(project),
        "milestone_sentences": [sentence(o) for o in site.plan.milestones(project)],
        "planned_legend": planned_legend,
        "outlooks": [],
    }


def roadmap(view: PageView) -> dict[str, Any]:
    site = view.data
    projects = [p for p in site.ws.all_projects() if p.status not in ("cancelled",)]
    outlooks = {o.id: o for o in site.plan.projects()}
    chart = gantt.roadmap_chart(site.ws, projects, site.links.urls, view.root, outlooks)
    legend = [
        ("project-active", "Active"),
        ("project-proposed", "Proposed"),
        ("project-paused", "Paused"),
        ("project-done", "Done"),
    ]
    return {
        "project": None,
        "heading": "Roadmap",
        "svg": gantt.render_svg(chart),
        "rows": len(chart.rows),
        "undated": [],
        "legend": legend,
        "outlooks": [o for o in site.plan.projects() if o.deadline is not None],
        "plan_sentence": "",
        "milestone_sentences": [],
        "planned_legend": [("bar-planned", "Projected"), ("bar-planned late", "Projected, late")],
    }


def task_page(view: PageView, task: Task) -> dict[str, Any]:
    site, prefix = view.data, view.root
    ws = site.ws
    known = {id_key(d.id) for d in ws.dependencies(task)}
    custom = [
        (k, v) for k, v in sorted(task.extra.items()) if isinstance(v, str | int | float | bool)
    ]
    project = ws.project_of(task)
    # What the page shows twice or builds from several calls, made here in one go.
    context = {
        "task": task,
        "project": project,
        "project_link": html.link(prefix + site.links.project(project), project.title),
        "badge": html.state_badge(site, task),
        "prio": html.priority(task),
        "overdue": ws.is_overdue(task),
        "due_html": html.due(site, task),
        "assignee_links": html.people_links(view, task.assignees),
        "estimate": site.hours(task.estimate),
        "blocked": ws.is_blocked(task),
        "dependencies": ws.dependencies(task),
        "missing": [d for d in task.depends_on if id_key(d) not in known],
        "dependents": sorted(ws.dependents(task), key=lambda t: t.id),
        "parent": ws.parent_of(task),
        "children": sorted(ws.children(task), key=lambda t: t.id),
        "milestone": ws.milestone_of(task),
        "goals": ws.goals_of(task),
        "body": site.body_html(task, prefix) if task.body.strip() else "",
        "source_url": site.source_url(task.path),
        "edit_url": site.edit_url(task.path),
        "diagnostics": site.diagnostics_of(task.path),
        "extra": custom,
        "history": site.flow.task_history(task),
        "time": worklog.task_time(site, task),
    }
    extras = site.discussion.item_extras(view, task.id, task.path, task.body)
    return {**context, "content": html.task_content(view, context) + extras}


def workload(view: PageView) -> dict[str, Any]:
    site = view.data
    loads = site.team_load()
    weeks = list(loads[0].weeks) if loads else []
    planned = {
        load.person.id: [site.plan.planned_hours(load.person.id, w.start) for w in load.weeks]
        for load in loads
    }
    return {"loads": loads, "weeks": weeks, "planned": planned}


def person_page(view: PageView, person: Person) -> dict[str, Any]:
    site, prefix = view.data, view.root
    ws = site.ws
    load: PersonLoad = site.person_load(person)
    tasks = ws.tasks_of_person(person)
    open_tasks = site.sort_open_first(t for t in tasks if ws.is_open(t))
    this_week: WeekLoad = load.weeks[0]
    week_tasks = [(ws.tasks.get(task_id), hours) for task_id, hours in this_week.tasks]
    email = (
        person.email if person.email and "@" in person.email and ":" not in person.email else None
    )
    return {
        "person": person,
        "load": load,
        "open_tasks": open_tasks,
        "closed_count": len(tasks) - len(open_tasks),
        "week_tasks": [(t, h) for t, h in week_tasks if t is not None],
        "email": email,
        "time": worklog.person_time(site, person),
        "body": site.body_html(person, prefix) if person.body.strip() else "",
        "thread": site.discussion.item_extras(view, person.id, person.path, person.body),
        "inbox_url": inbox_path(person),
        "feed_url": feed_path(person),
        "planned": [
            (found, t) for t in site.plan.person_tasks(person.id) if (found := ws.tasks.get(t.id))
        ],
        "free_from": site.plan.free_from(person.id),
    }


def people_index(view: PageView) -> dict[str, Any]:
    site = view.data
    ws = site.ws
    rows = []
    for person in ws.people:
        tasks = ws.tasks_of_person(person)
        rows.append(
            {
                "person": person,
                "open": sum(ws.is_open(t) for t in tasks),
                "overdue": sum(ws.is_overdue(t) for t in tasks),
                "week": site.person_load(person, weeks=1).weeks[0],
            }
        )
    return {"people": rows}


def goal_work(ws: Workspace, goal: Goal) -> tuple[list[Goal], list[Project], list[Task]]:
    """A goal's sub-goals (all levels), the projects serving any of them, and the linked tasks
    (their own and those projects'): the work ``goal_progress`` counts."""
    tree = _goal_tree(ws, goal)
    projects = [p for p in ws.projects if any(id_key(g) in tree for g in p.goals)]
    linked: dict[str, Task] = {}
    for member in tree.values():
        linked.update((t.id, t) for t in ws.tasks_of_goal(member))
    for project in projects:
        linked.update((t.id, t) for t in ws.tasks_of_project(project))
    return list(tree.values())[1:], projects, list(linked.values())


def goal_tree(ws: Workspace, goal: Goal) -> list[dict[str, Any]]:
    """The goal's sub-goals, each with its progress and its own sub-goals, nested to every
    level (a cycle of parents, which check reports, is cut where it comes back)."""
    children: dict[str, list[Goal]] = {}
    for candidate in ws.goals:
        if candidate.parent:
            children.setdefault(id_key(candidate.parent), []).append(candidate)

    def nest(parent: Goal, seen: frozenset[str]) -> list[dict[str, Any]]:
        rows = []
        for child in sorted(children.get(id_key(parent.id), []), key=lambda g: g.title.lower()):
            key = id_key(child.id)
            if key in seen:
                continue
            done, total = ws.goal_progress(child)
            below = nest(child, seen | {key})
            rows.append({"goal": child, "done": done, "total": total, "children": below})
        return rows

    return nest(goal, frozenset({id_key(goal.id)}))


def goal_forest(ws: Workspace) -> list[dict[str, Any]]:
    """Every goal as a tree: the top-level goals (no parent, or a parent that is not a goal
    of the workspace), each with its sub-goals nested."""
    known = {id_key(g.id) for g in ws.goals}
    rows = []
    for goal in ws.goals:
        if goal.parent and id_key(goal.parent) in known:
            continue
        done, total = ws.goal_progress(goal)
        rows.append({"goal": goal, "done": done, "total": total, "children": goal_tree(ws, goal)})
    return rows


def _goal_tree(ws: Workspace, goal: Goal) -> dict[str, Goal]:
    """The goal and its sub-goals of every level, by id key, the goal first."""
    tree: dict[str, Goal] = {}
    stack = [goal]
    while stack:
        current = stack.pop()
        key = id_key(current.id)
        if key not in tree:
            tree[key] = current
            stack.extend(g for g in ws.goals if g.parent and id_key(g.parent) == key)
    return tree


def goal_page(view: PageView, goal: Goal) -> dict[str, Any]:
    site, prefix = view.data, view.root
    ws = site.ws
    done, total = ws.goal_progress(goal)
    _subtree, projects, tasks = goal_work(ws, goal)
    return {
        "goal": goal,
        "done": done,
        "total": total,
        "parent": ws.goals.get(goal.parent) if goal.parent else None,
        "subgoals": goal_tree(ws, goal),
        "projects": projects,
        "tasks": site.sort_open_first(tasks),
        "body": site.body_html(goal, prefix) if goal.body.strip() else "",
        "thread": site.discussion.item_extras(view, goal.id, goal.path, goal.body),
        "forecast_line": (
            site.plan.goal_forecast_line(goal, site.flow.flows()) if site.flow.available else None
        ),
    }


def calendar_page(view: PageView, month: tuple[int, int]) -> dict[str, Any]:
    return {"month": view.data.months[month]}


def no_data(view: PageView) -> dict[str, Any]:
    """A page whose template needs nothing but what every page has (the search page)."""
    return {}


def health(view: PageView) -> dict[str, Any]:
    ws = view.data.ws
    diagnostics = ws.diagnostics
    return {
        "errors": ws.errors,
        "warnings": ws.warnings,
        "diagnostics": diagnostics[:HEALTH_ROWS],
        "truncated": max(0, len(diagnostics) - HEALTH_ROWS),
        "broken": broken_files(ws),
    }


def goal_rows_page(view: PageView) -> dict[str, Any]:
    ws = view.data.ws
    return {"goals": goal_rows(ws), "tree": goal_forest(ws)}
