"""The plan of the site: every output file, what renders it, and the data it depends on.

A page's ``deps`` name the items whose content it shows (``t:`` task, ``p:`` project, ``w:``
workflow, ``u:`` person, ``g:`` goal, ``d:`` document with its thread; ``c:`` the thread on
any other item, ``c:*`` every thread; ``h`` the git history, ``h:`` one task's history; ``s:``
what the schedule says of a project, ``b:`` of a person, see ``planview.py``); ``*`` means the
whole workspace (not its threads) and its history. The build turns them into a fingerprint
(``fingerprints.py``), so an edit re-renders exactly the pages that show the edited item.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from worktext.model.export import index_document, task_record
from worktext.model.items import Task
from worktext.model.workspace import Workspace
from worktext.render import calendar as cal
from worktext.render import contexts, environment
from worktext.render.data import SiteData
from worktext.render.search import search_script

if TYPE_CHECKING:
    from worktext.render.renderer import Renderer
    from worktext.render.view import PageView

EVERYTHING = ("*",)


@dataclass(frozen=True)
class Page:
    path: str
    deps: tuple[str, ...]
    template: str | None = None  # a Jinja template, given ``context(view)``
    context: Callable[[PageView], dict[str, Any]] | None = None
    produce: Callable[[Renderer], bytes] | None = None  # or bytes made directly (ICS, JSON, JS)
    title: str = ""
    section: str = ""


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


PLAIN, WITH_NEIGHBOURS, WITH_PROJECT = 0, 1, 2


class _Deps:
    """Each task's own dependencies, worked out in one pass for one plan: without its
    dependencies, with them (a card's "blocked" flag), and with them and its project (a row
    that names it). Most pages of a plan ask for many tasks'."""

    def __init__(self, ws: Workspace, tasks: Iterable[Task]) -> None:
        self.ws = ws
        self.own: tuple[dict[str, tuple[str, ...]], ...] = ({}, {}, {})
        without, with_neighbours, with_project = self.own
        workflow_of, project_of = ws.workflow_of, ws.project_of
        for task in tasks:
            own = [f"t:{task.id}", f"w:{workflow_of(task).id}", *(f"u:{a}" for a in task.assignees)]
            without[task.id] = plain = tuple(own)
            with_neighbours[task.id] = linked = (
                (*plain, *(f"t:{d}" for d in task.depends_on)) if task.depends_on else plain
            )
            with_project[task.id] = (*linked, f"p:{project_of(task).id}")

    def of(self, tasks: Iterable[Task], kind: int = WITH_NEIGHBOURS) -> set[str]:
        """What showing these tasks depends on: each task, its workflow (its state's
        category), its assignees (their names) and, for cards, its dependencies (the "blocked"
        flag); with ``WITH_PROJECT``, its project too."""
        own = self.own[kind]
        return set().union(*[own[task.id] for task in tasks])

    def task_page(self, task: Task) -> tuple[str, ...]:
        ws = self.ws
        deps = self.of([task, *neighbours(ws, task)], PLAIN)
        deps.add(f"p:{ws.project_of(task).id}")
        deps.update(f"g:{g}" for g in task.goals)
        deps.update(f"t:{d}" for d in task.depends_on)  # ids that do not resolve yet
        deps.add(f"h:{task.id}")
        deps.add(f"c:{task.id}")  # its thread
        return tuple(sorted(deps))


def plan(
    data: SiteData,
    kept: Mapping[str, tuple[str, ...]] | None = None,
    skip: Collection[str] = (),
) -> list[Page]:
    """Every page of the site, in a stable order. ``kept``: task pages' dependencies by task
    id, known to be what they were last time (reuse.py), so not worked out again; ``skip``:
    ids of tasks whose pages are left out (a rebuild keeps them as they are)."""
    ws = data.ws
    deps = _Deps(ws, ws.tasks)
    kept = kept or {}
    pages = whole_site_pages(data)
    pages.extend(_project_pages(data, deps))
    by_workflow = ws.tasks_by_workflow()
    for workflow in ws.workflows_in_use():
        tasks = by_workflow.get(workflow.id, [])
        pages.append(
            Page(
                data.links.workflow(workflow),
                tuple(sorted(deps.of(tasks) | {"h"})),
                "board.html",
                partial(contexts.workflow_board, workflow=workflow),
                title=f"{workflow.title} board",
                section="projects",
            )
        )
    pages.extend(
        _task_page(data, task, kept.get(task.id) or deps.task_page(task))
        for task in ws.tasks
        if task.id not in skip
    )
    pages.extend(_people_pages(data, deps))
    for goal in ws.goals:
        _subtree, projects, tasks = contexts.goal_work(ws, goal)
        found = deps.of(tasks, WITH_PROJECT) | {f"g:{g.id}" for g in ws.goals}
        found |= {f"p:{p.id}" for p in projects} | {"h"}  # "h": its forecast reads history
        found.add(f"c:{goal.id}")  # its thread
        pages.append(
            Page(
                data.links.goal(goal),
                tuple(sorted(found)),
                "goal.html",
                partial(contexts.goal_page, goal=goal),
                title=goal.title,
                section="goals",
            )
        )
    pages.extend(_calendar_pages(data))
    from worktext.render.collab_pages import discussion_pages  # it plans with Page

    pages.extend(discussion_pages(data))
    return pages


def task_pages(data: SiteData, tasks: list[Task]) -> list[Page]:
    """The pages of these tasks, planned as ``plan`` plans them."""
    deps = _Deps(data.ws, _with_neighbours(data.ws, tasks))
    return [_task_page(data, task, deps.task_page(task)) for task in tasks]


def _with_neighbours(ws: Workspace, tasks: list[Task]) -> list[Task]:
    found = {task.id: task for task in tasks}
    for task in tasks:
        found.update((n.id, n) for n in neighbours(ws, task))
    return list(found.values())


def _task_page(data: SiteData, task: Task, deps: tuple[str, ...]) -> Page:
    return Page(
        data.links.task(task),
        deps,
        "task.html",
        partial(contexts.task_page, task=task),
        title=f"{task.id} {task.title}",
        section="projects",
    )


def whole_site_pages(data: SiteData) -> list[Page]:
    """The pages that show the whole workspace (the dashboard, the indexes, the whole-site
    files): first in a plan, and the same whatever else the plan holds."""
    return [
        Page(
            "index.html", EVERYTHING, "home.html", contexts.home, title="Overview", section="home"
        ),
        Page(
            "projects.html",
            EVERYTHING,
            "projects.html",
            contexts.projects_index,
            title="Projects",
            section="projects",
        ),
        Page(
            "roadmap.html",
            EVERYTHING,
            "timeline.html",
            contexts.roadmap,
            title="Roadmap",
            section="roadmap",
        ),
        Page(
            "workload.html",
            EVERYTHING,
            "workload.html",
            contexts.workload,
            title="Workload",
            section="workload",
        ),
        Page(
            "people.html",
            EVERYTHING,
            "people.html",
            contexts.people_index,
            title="People",
            section="people",
        ),
        Page(
            "goals.html",
            EVERYTHING,
            "goals.html",
            contexts.goal_rows_page,
            title="Goals",
            section="goals",
        ),
        Page("search.html", (), "search.html", contexts.no_data, title="Search", section="search"),
        Page(
            "health.html",
            EVERYTHING,
            "health.html",
            contexts.health,
            title="Data health",
            section="",
        ),
        Page("search-index.js", (*EVERYTHING, "c:*"), produce=search_page),  # comments too
        Page("index.json", EVERYTHING, produce=index_json),
        Page("calendar.ics", EVERYTHING, produce=_workspace_feed),
    ]


def _people_pages(data: SiteData, deps: _Deps) -> list[Page]:
    ws, pages = data.ws, []
    for person in ws.people:
        found = (
            deps.of(ws.tasks_of_person(person), WITH_PROJECT)
            | {f"u:{person.id}"}
            | {f"t:{t.id}" for t in data.logged_tasks(person.id)}  # their timesheet
        )
        feed_deps = tuple(sorted(found))
        # and their place in the plan, and the thread on them
        person_deps = tuple(sorted({*found, f"b:{person.id}", f"c:{person.id}"}))
        pages.append(
            Page(
                data.links.person(person),
                person_deps,
                "person.html",
                partial(contexts.person_page, person=person),
                title=person.name,
                section="people",
            )
        )
        pages.append(
            Page(
                data.links.person_ics(person),
                feed_deps,
                produce=partial(_person_feed, person_id=person.id),
            )
        )
    return pages


def _project_pages(data: SiteData, deps: _Deps) -> list[Page]:
    ws, links = data.ws, data.links
    pages = []
    for project in ws.all_projects():
        found = deps.of(ws.tasks_of_project(project)) | {
            f"p:{project.id}",
            f"w:{ws.workflow_of_project(project).id}",
        }
        found |= {f"g:{g}" for g in project.goals} | (
            {f"u:{project.owner}"} if project.owner else set()
        )
        key = tuple(sorted(found))
        title = project.title
        planned = f"s:{project.id}"  # the schedule's word on it (render/planview.py)
        pages.append(
            Page(
                links.project(project),
                tuple(sorted({*key, "h", planned, f"c:{project.id}"})),
                "project.html",
                partial(contexts.project_page, project=project),
                title=title,
                section="projects",
            )
        )
        pages.append(
            Page(
                links.board(project),
                tuple(sorted({*key, "h"})),  # done cards fold by the day history saw them close
                "board.html",
                partial(contexts.project_board, project=project),
                title=f"{title} board",
                section="projects",
            )
        )
        pages.append(
            Page(
                links.timeline(project),
                tuple(sorted({*key, planned})),
                "timeline.html",
                partial(contexts.timeline, project=project),
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


def _calendar_pages(data: SiteData) -> list[Page]:
    """The month pages. Their dependencies come from the items on each day they show; the
    months themselves (their events) are made when the first is rendered (SiteData.months)."""
    ws = data.ws
    keys = cal.keys_by_day(ws)
    shown = cal.months(ws, keys)
    for occurrence in data.calendar_recurring(shown):
        keys[occurrence.date].append(f"t:{occurrence.series_id}")
    workflows = {f"w:{w.id}" for w in ws.workflows} | {f"w:{ws.default_workflow.id}"}
    # The first and last month shown: a month links to the next and the one before.
    span = f"months:{shown[0]}-{shown[-1]}" if shown else "months:"
    pages = []
    for year, month in shown:
        found = {*workflows, span}
        for day in cal.month_days(year, month):
            found.update(keys.get(day, ()))
        pages.append(
            Page(
                cal.month_path(year, month),
                tuple(sorted(found)),
                "calendar.html",
                partial(contexts.calendar_page, month=(year, month)),
                title=cal.month_title(year, month),
                section="calendar",
            )
        )
    return pages


def _dumps(data: object) -> str:
    # Compact: a 10,000-task index is read by programs, and indenting doubles its size.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def index_json(renderer: Renderer) -> bytes:
    """The site's ``index.json``: ``index_document`` with each task's record kept from the last
    build when its page did not change. Compact JSON of a list is its items' JSON joined by
    commas; the first ``"tasks":[]`` is the top-level key (string values escape their quotes,
    and no key before it has tasks)."""
    ws = renderer.data.ws
    shares = renderer.kept("index")

    def record(task_id: str) -> bytes:
        return _dumps(task_record(ws, ws.tasks.get(task_id))).encode()

    ids = [t.id for t in ws.tasks]
    records = shares.many(ids, record) if shares is not None else [record(i) for i in ids]
    head, tail = _dumps(index_document(ws, tasks=False)).split('"tasks":[]', 1)
    if shares is not None:
        shares.save()
    return b"".join([f'{head}"tasks":['.encode(), b",".join(records), f"]{tail}\n".encode()])


def search_page(renderer: Renderer) -> bytes:
    data = renderer.data
    return search_script(data.ws, data.links.urls, renderer.kept("search"))


def asset_pages() -> list[Page]:
    """The site's static files, each depending on its own bytes."""
    pages = []
    for path, data in environment.assets():
        digest = hashlib.blake2b(data, digest_size=12).hexdigest()
        pages.append(Page(path, (f"asset:{digest}",), produce=partial(_constant, data=data)))
    return pages


def _workspace_feed(renderer: Renderer) -> bytes:
    return renderer.feeds.workspace()


def _person_feed(renderer: Renderer, person_id: str) -> bytes:
    return renderer.feeds.person(person_id)


def _constant(_renderer: Renderer, data: bytes) -> bytes:
    return data


def today_month(data: SiteData) -> str:
    return cal.month_path(data.today.year, data.today.month)


__all__ = ["Page", "asset_pages", "nav", "plan", "task_pages", "today_month", "whole_site_pages"]
