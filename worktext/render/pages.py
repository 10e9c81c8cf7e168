"""The plan of the site: every output file, what renders it, and the data it depends on.

A page's ``deps`` name the items whose content it shows (``t:`` task, ``p:`` project, ``w:``
workflow, ``u:`` person, ``g:`` goal; ``h`` the git history, ``h:`` one task's history); ``*``
means the whole workspace and its history. The builder turns them
into a fingerprint, so an edit re-renders exactly the pages that show the edited item.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from worktext.model.export import index_document, task_record
from worktext.model.items import Task
from worktext.model.workspace import Workspace
from worktext.render import calendar as cal
from worktext.render import contexts
from worktext.render.search import search_script
from worktext.render.urls import UrlMap
from worktext.render.view import SiteView

EVERYTHING = ("*",)


@dataclass(frozen=True)
class Page:
    path: str
    deps: tuple[str, ...]
    template: str | None = None  # a Jinja template, given ``context(prefix)``
    context: Callable[[str], dict[str, Any]] | None = None
    produce: Callable[[], bytes] | None = None  # or bytes made directly (ICS, JSON, JS)
    title: str = ""
    section: str = ""
    # Made of the tasks' shares kept between builds (pieces.py), which need the task pages'
    # fingerprints: the builder renders it in the process that has them.
    keyed: bool = False


def nav(today_month: str) -> list[tuple[str, str, str]]:
    return [
        ("home", "Overview", "index.html"),
        ("projects", "Projects", "projects.html"),
        ("roadmap", "Roadmap", "roadmap.html"),
        ("workload", "Workload", "workload.html"),
        ("calendar", "Calendar", today_month),
        ("people", "People", "people.html"),
        ("goals", "Goals", "goals.html"),
        ("search", "Search", "search.html"),
    ]


# Each task's own dependencies, per build (plan() clears them): without its dependencies,
# with them (a card's "blocked" flag), and with them and its project (a row that names it).
_OWN_DEPS: tuple[dict[str, tuple[str, ...]], ...] = ({}, {}, {})
PLAIN, WITH_NEIGHBOURS, WITH_PROJECT = 0, 1, 2


def _task_deps(site: SiteView, tasks: Iterable[Task], kind: int = WITH_NEIGHBOURS) -> set[str]:
    """What showing these tasks depends on: each task, its workflow (its state's category),
    its assignees (their names) and, for cards, its dependencies (the "blocked" flag); with
    ``WITH_PROJECT``, its project too."""
    memo = _OWN_DEPS[kind]
    get = memo.get
    return set().union(*[get(task.id) or _own_deps(site, task, kind) for task in tasks])


def _own_deps(site: SiteView, task: Task, kind: int) -> tuple[str, ...]:
    found = [f"t:{task.id}", f"w:{site.ws.workflow_of(task).id}"]
    found.extend(f"u:{a}" for a in task.assignees)
    if kind != PLAIN:
        found.extend(f"t:{d}" for d in task.depends_on)
    if kind == WITH_PROJECT:
        found.append(f"p:{site.ws.project_of(task).id}")
    own = _OWN_DEPS[kind][task.id] = tuple(found)
    return own


def _fill_own_deps(site: SiteView) -> None:
    """Every task's own dependencies, in one pass: most pages of a plan ask for many."""
    without, with_neighbours, with_project = _OWN_DEPS
    workflow_of, project_of = site.ws.workflow_of, site.ws.project_of
    for task in site.ws.tasks:
        own = [f"t:{task.id}", f"w:{workflow_of(task).id}", *(f"u:{a}" for a in task.assignees)]
        without[task.id] = plain = tuple(own)
        with_neighbours[task.id] = linked = (
            (*plain, *(f"t:{d}" for d in task.depends_on)) if task.depends_on else plain
        )
        with_project[task.id] = (*linked, f"p:{project_of(task).id}")


def plan(
    site: SiteView,
    kept: Mapping[str, tuple[str, ...]] | None = None,
    skip: Collection[str] = (),
) -> list[Page]:
    """Every page of the site, in a stable order. ``kept``: task pages' dependencies by task
    id, known to be what they were last time (reuse.py), so not worked out again; ``skip``:
    ids of tasks whose pages are left out (a rebuild keeps them as they are)."""
    for memo in _OWN_DEPS:  # of this build's workspace only
        memo.clear()
    try:
        _fill_own_deps(site)
        return _plan(site, kept or {}, skip)
    finally:
        for memo in _OWN_DEPS:
            memo.clear()


def task_pages(site: SiteView, tasks: Iterable[Task]) -> list[Page]:
    """The pages of these tasks, planned as ``plan`` plans them."""
    for memo in _OWN_DEPS:
        memo.clear()
    try:
        return [_task_page(site, task, None) for task in tasks]
    finally:
        for memo in _OWN_DEPS:
            memo.clear()


def _task_page(site: SiteView, task: Task, deps: tuple[str, ...] | None) -> Page:
    return Page(
        site.urls.item("task", task.id),
        deps if deps is not None else tuple(sorted(_task_page_deps(site, task))),
        "task.html",
        lambda p, t=task: contexts.task_page(site, t, p),
        title=f"{task.id} {task.title}",
        section="projects",
    )


def whole_site_pages(site: SiteView) -> list[Page]:
    """The pages that show the whole workspace (the dashboard, the indexes, the whole-site
    files): first in a plan, and the same whatever else the plan holds."""
    ws, urls = site.ws, site.urls
    return [
        Page(
            "index.html",
            EVERYTHING,
            "home.html",
            lambda p: contexts.home(site),
            title="Overview",
            section="home",
        ),
        Page(
            "projects.html",
            EVERYTHING,
            "projects.html",
            lambda p: contexts.projects_index(site),
            title="Projects",
            section="projects",
        ),
        Page(
            "roadmap.html",
            EVERYTHING,
            "timeline.html",
            lambda p: contexts.roadmap(site, p),
            title="Roadmap",
            section="roadmap",
        ),
        Page(
            "workload.html",
            EVERYTHING,
            "workload.html",
            lambda p: contexts.workload(site),
            title="Workload",
            section="workload",
        ),
        Page(
            "people.html",
            EVERYTHING,
            "people.html",
            lambda p: contexts.people_index(site),
            title="People",
            section="people",
        ),
        Page(
            "goals.html",
            EVERYTHING,
            "goals.html",
            lambda p: contexts.goal_rows_page(site),
            title="Goals",
            section="goals",
        ),
        Page("search.html", (), "search.html", lambda p: {}, title="Search", section="search"),
        Page(
            "health.html",
            EVERYTHING,
            "health.html",
            lambda p: contexts.health(site),
            title="Data health",
            section="",
        ),
        Page(
            "search-index.js",
            EVERYTHING,
            produce=lambda: search_script(ws, urls, site.pieces("search")),
            keyed=True,
        ),
        Page("index.json", EVERYTHING, produce=lambda: index_json(site), keyed=True),
        Page("calendar.ics", EVERYTHING, produce=lambda: site.feeds.workspace(), keyed=True),
    ]


def _plan(site: SiteView, kept: Mapping[str, tuple[str, ...]], skip: Collection[str]) -> list[Page]:
    ws, urls = site.ws, site.urls
    pages = whole_site_pages(site)
    pages.extend(_project_pages(site))
    by_workflow = ws.tasks_by_workflow()
    for workflow in contexts.board_workflows(site):
        tasks = by_workflow.get(workflow.id, [])
        pages.append(
            Page(
                urls.item("workflow", workflow.id),
                tuple(sorted(_task_deps(site, tasks) | {"h"})),
                "board.html",
                lambda p, w=workflow: contexts.workflow_board(site, w),
                title=f"{workflow.title} board",
                section="projects",
            )
        )
    pages.extend(
        _task_page(site, task, kept.get(task.id)) for task in ws.tasks if task.id not in skip
    )
    for person in ws.people:
        tasks = ws.tasks_of_person(person)
        deps = (
            _task_deps(site, tasks, WITH_PROJECT)
            | {f"u:{person.id}"}
            | {f"t:{t.id}" for t in site.logged_tasks(person.id)}  # their timesheet
        )
        deps_tuple = tuple(sorted(deps))
        pages.append(
            Page(
                urls.item("person", person.id),
                deps_tuple,
                "person.html",
                lambda p, x=person: contexts.person_page(site, x, p),
                title=person.name,
                section="people",
            )
        )
        pages.append(
            Page(
                urls.item("ics", person.id, ".ics"),
                deps_tuple,
                produce=lambda x=person: site.feeds.person(x.id),
            )
        )
    for goal in ws.goals:
        _subtree, projects, tasks = contexts.goal_work(site, goal)
        deps = _task_deps(site, tasks, WITH_PROJECT) | {f"g:{g.id}" for g in ws.goals}
        deps |= {f"p:{p.id}" for p in projects}
        pages.append(
            Page(
                urls.item("goal", goal.id),
                tuple(sorted(deps)),
                "goal.html",
                lambda p, g=goal: contexts.goal_page(site, g, p),
                title=goal.title,
                section="goals",
            )
        )
    pages.extend(_calendar_pages(site))
    return pages


def _project_pages(site: SiteView) -> list[Page]:
    ws, urls = site.ws, site.urls
    pages = []
    for project in ws.all_projects():
        tasks = ws.tasks_of_project(project)
        deps = _task_deps(site, tasks) | {
            f"p:{project.id}",
            f"w:{ws.workflow_of_project(project).id}",
        }
        deps |= {f"g:{g}" for g in project.goals} | (
            {f"u:{project.owner}"} if project.owner else set()
        )
        key = tuple(sorted(deps))
        title = project.title
        pages.append(
            Page(
                urls.item("project", project.id),
                tuple(sorted({*key, "h"})),
                "project.html",
                lambda p, x=project: contexts.project_page(site, x, p),
                title=title,
                section="projects",
            )
        )
        pages.append(
            Page(
                urls.item("board", project.id),
                key,
                "board.html",
                lambda p, x=project: contexts.project_board(site, x),
                title=f"{title} board",
                section="projects",
            )
        )
        pages.append(
            Page(
                urls.item("timeline", project.id),
                key,
                "timeline.html",
                lambda p, x=project: contexts.timeline(site, x, p),
                title=f"{title} timeline",
                section="projects",
            )
        )
    return pages


def neighbours(ws: Workspace, task: Task) -> list[Task]:
    """The tasks a task's page shows (dependencies both ways, children, parent): each of
    them shows it in turn (reuse.py relies on that)."""
    found = [*ws.dependencies(task), *ws.dependents(task), *ws.children(task)]
    parent = ws.parent_of(task)
    if parent is not None:
        found.append(parent)
    return found


def _task_page_deps(site: SiteView, task: Task) -> set[str]:
    ws = site.ws
    deps = _task_deps(site, [task, *neighbours(ws, task)], PLAIN)
    deps.add(f"p:{ws.project_of(task).id}")
    deps.update(f"g:{g}" for g in task.goals)
    deps.update(f"t:{d}" for d in task.depends_on)  # ids that do not resolve yet
    deps.add(f"h:{task.id}")
    return deps


def _calendar_pages(site: SiteView) -> list[Page]:
    """The month pages. Their dependencies come from the items on each day they show; the
    months themselves (their events) are made when the first is rendered (SiteView.month)."""
    ws = site.ws
    keys = cal.keys_by_day(ws)
    shown = cal.months(ws, keys)
    for occurrence in site.calendar_recurring(shown):
        keys[occurrence.date].append(f"t:{occurrence.series_id}")
    workflows = {f"w:{w.id}" for w in ws.workflows} | {f"w:{ws.default_workflow.id}"}
    # The first and last month shown: a month links to the next and the one before.
    span = f"months:{shown[0]}-{shown[-1]}" if shown else "months:"
    pages = []
    for year, month in shown:
        deps = {*workflows, span}
        for day in cal.month_days(year, month):
            deps.update(keys.get(day, ()))
        pages.append(
            Page(
                cal.month_path(year, month),
                tuple(sorted(deps)),
                "calendar.html",
                lambda p, key=(year, month): contexts.calendar_page(site.month(*key)),
                title=cal.month_title(year, month),
                section="calendar",
            )
        )
    return pages


def _dumps(data: object) -> str:
    # Compact: a 10,000-task index is read by programs, and indenting doubles its size.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def index_json(site: SiteView) -> bytes:
    """The site's ``index.json``: ``index_document`` with each task's record kept from the last
    build when its page did not change. Compact JSON of a list is its items' JSON joined by
    commas; the first ``"tasks":[]`` is the top-level key (string values escape their quotes,
    and no key before it has tasks)."""
    ws = site.ws
    pieces = site.pieces("index")
    records = pieces.many(
        [t.id for t in ws.tasks],
        lambda task_id: _dumps(task_record(ws, ws.tasks.get(task_id))).encode(),
    )
    head, tail = _dumps(index_document(ws, tasks=False)).split('"tasks":[]', 1)
    pieces.save()
    return b"".join([f'{head}"tasks":['.encode(), b",".join(records), f"]{tail}\n".encode()])


def today_month(site: SiteView) -> str:
    return cal.month_path(site.today.year, site.today.month)


__all__ = ["Page", "UrlMap", "nav", "plan", "task_pages", "today_month", "whole_site_pages"]
