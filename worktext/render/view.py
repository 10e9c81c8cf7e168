"""What templates ask of the workspace: links, states, people's names, cards and summaries.

A ``SiteView`` wraps the resolved workspace for one build; templates call its methods instead
of reaching into the index, so every page formats an id, a date or a state the same way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from worktext.history.reconstruct import History
from worktext.model.diagnostics import Diagnostic
from worktext.model.items import Goal, Person, Project, State, Task, Workflow
from worktext.model.recurrence import Occurrence
from worktext.model.values import as_day, format_hours
from worktext.model.workspace import Workspace, id_key
from worktext.plan import recur
from worktext.plan.timesheet import logged_by
from worktext.plan.workload import PersonLoad, person_load
from worktext.render import calendar, fragments, ics
from worktext.render.flow import FlowView
from worktext.render.markdown import Renderer, is_safe_url, repo_rewriter
from worktext.render.pieces import Fragments, Pieces
from worktext.render.urls import UrlMap

_LEADING_HEADING = re.compile(r"\A\s*#[ \t]+(.+?)[ \t#]*(?:\n|\Z)")


@dataclass(frozen=True)
class Column:
    state: State
    tasks: list[Task]
    shown: list[Task]  # closed columns show their first cards only; the rest are listed

    @property
    def over_limit(self) -> bool:
        return self.state.wip is not None and len(self.tasks) > self.state.wip


CLOSED_COLUMN_CARDS = 60
LOAD_WEEKS = 8  # workload.person_load's default: the workload page and the person pages


def person_feed_kind(person_id: str) -> str:
    """The name of the store of one person's feed events (ids may hold any character)."""
    return f"ics-person-{hashlib.sha256(person_id.encode()).hexdigest()[:16]}"


class SiteView:
    def __init__(
        self, ws: Workspace, urls: UrlMap, use_cache: bool = True, history: History | None = None
    ) -> None:
        self.ws = ws
        self.urls = urls
        self.today = ws.today
        title = ws.config.site.get("title") if hasattr(ws.config.site, "get") else None
        self.site_title = title if isinstance(title, str) and title.strip() else ws.config.name
        self.markdown = Renderer()
        self.repo_url = ws.config.repo_url if _safe_web_url(ws.config.repo_url) else None
        # The git history: given (already read for this build), or read when first asked.
        self.flow = FlowView(ws, self.repo_url, use_cache, history)
        # Every task's page, claimed at once (two ids on one file are an error before any
        # page is made); task_url is asked for it tens of thousands of times.
        self._task_urls = urls.items("task", [t.id for t in ws.tasks])
        self._item_pages = {t.path: self._task_urls[t.id] for t in ws.tasks if t.path}
        for project in ws.all_projects():
            if project.path:
                self._item_pages[project.path] = urls.item("project", project.id)
        self.root = ""  # the current page's way back to the site root, set per page
        self.page = ""  # the current page's path, set per page
        self._fragments: dict[tuple[str, str, str], str] = {}
        # Set by the builder once the task pages' fingerprints are known: task id → fingerprint,
        # and where each kind of share is stored (pieces.py).
        self.piece_keys: dict[str, str] | None = None
        self.piece_store: Callable[[str], Path] | None = None
        self._fragment_store: Fragments | None = None
        self._loads: dict[str, PersonLoad] = {}  # by person id, LOAD_WEEKS weeks
        self._months: dict[tuple[int, int], calendar.Month] | None = None
        self.frames: dict[tuple[str, str, str], tuple[Markup, Markup, Markup]] = {}  # builder.frame
        self._diagnostics: dict[str, list[Diagnostic]] = {}
        self._logged: dict[str, list[Task]] | None = None
        self._pending: dict[tuple[dt.date, dt.date], list[Occurrence]] = {}
        self._materialised: set[str] | None = None
        self._upcoming: tuple[dt.date, list[Occurrence]] | None = None  # (last day, found)
        for diagnostic in ws.diagnostics:
            self._diagnostics.setdefault(diagnostic.path, []).append(diagnostic)

    # -- links ----------------------------------------------------------------------------

    def task_paths(self) -> dict[str, str]:
        """Every task's page by task id (exactly as the ids are spelled); do not change it."""
        return self._task_urls

    def task_url(self, task: Task) -> str:
        found = self._task_urls.get(task.id)
        return found if found is not None else self.urls.item("task", task.id)

    def project_url(self, project: Project) -> str:
        return self.urls.item("project", project.id)

    def board_url(self, project: Project) -> str:
        return self.urls.item("board", project.id)

    def timeline_url(self, project: Project) -> str:
        return self.urls.item("timeline", project.id)

    def workflow_url(self, workflow: Workflow) -> str:
        return self.urls.item("workflow", workflow.id)

    def person_url(self, person: Person) -> str:
        return self.urls.item("person", person.id)

    def person_ics_url(self, person: Person) -> str:
        return self.urls.item("ics", person.id, ".ics")

    def goal_url(self, goal: Goal) -> str:
        return self.urls.item("goal", goal.id)

    def source_url(self, path: str) -> str | None:
        """The file in the repository, when ``repo_url`` is a web address."""
        if not self.repo_url or not path:
            return None
        branch = self.ws.config.branch
        return f"{self.repo_url.rstrip('/')}/blob/{branch}/{path}"

    # -- fragments shared by many pages, rendered once ---------------------------------------

    def cards_html(self, tasks: Iterable[Task]) -> Markup:
        """A board column's cards (one call from the template, not one per card)."""
        fragment, card = self._fragment, fragments.card
        return Markup("".join([fragment("card", t, lambda t=t: card(self, t)) for t in tasks]))

    def rows_html(self, tasks: Iterable[Task], show_project: bool) -> Markup:
        """A task table's rows, each indented as the template's loop indented them."""
        kind = "row+project" if show_project else "row"
        fragment, row = self._fragment, fragments.task_row
        return Markup(
            "".join(
                ["    " + fragment(kind, t, lambda t=t: row(self, t, show_project)) for t in tasks]
            )
        )

    def state_badge(self, task: Task) -> Markup:
        return fragments.state_badge(self, task)

    def priority(self, task: Task) -> Markup:
        return fragments.priority(task)

    def due(self, task: Task) -> Markup:
        return fragments.due(self, task)

    def person_link(self, person_id: str) -> Markup:
        return fragments.person_link(self, person_id)

    def chip(self, person_id: str) -> Markup:
        return fragments.chip(self, person_id)

    def spent_meter(self, meter: dict[str, Any], label: str) -> Markup:
        return fragments.spent_meter(self, meter, label)

    def task_links(self, tasks: list[Task]) -> Markup:
        return fragments.task_links(self, tasks)

    def timesheet(self, time: dict[str, Any], caption: str, row_head: str) -> Markup:
        """A project's timesheet (rows are people) or a person's (rows are task ids)."""
        if "tasks" in time:
            tasks = time["tasks"]
            return fragments.timesheet_table(
                time, caption, row_head, lambda row: fragments.task_row_label(self, tasks[row])
            )
        return fragments.timesheet_table(
            time, caption, row_head, lambda row: fragments.person_row_label(self, row)
        )

    def _fragment(self, kind: str, task: Task, make: Callable[[], str]) -> str:
        """A card or row's HTML (markup made by ``fragments``; a plain ``str``, wrapped as
        ``Markup`` once per list of them), made once per page depth in this process, and
        kept for the next build in the store of the page being rendered (``self.page``)."""
        key = (kind, task.id, self.root)
        memo = self._fragments

        def made() -> str:
            found = memo.get(key)
            if found is None:
                found = memo[key] = str(make())
            return found

        store = self.fragment_store()
        if store is None:
            return made()
        # a card or row shows nothing its task's page does not: kept under its key
        return store.get(self.page, kind, self.root, task.id, made)

    def calendar_recurring(self, shown: list[tuple[int, int]]) -> list[Occurrence]:
        """The occurrences of recurring work the months ``shown`` list: upcoming ones only (a
        past date of a series that has no file was skipped or never made)."""
        span = calendar.window(shown)
        if span is None or span[1] < self.today:
            return []
        return [
            occurrence
            for occurrence in self.pending(max(span[0], self.today), span[1])
            if self.ws.tasks.get(occurrence.series_id) is not None
        ]

    def month(self, year: int, month: int) -> calendar.Month:
        """A month page's weeks and events; all months are made at the first one asked."""
        if self._months is None:
            events = calendar.events_by_day(self.ws, self.urls)
            shown = calendar.months(self.ws, events)
            calendar.add_recurring(events, self.ws, self.urls, self.calendar_recurring(shown))
            built = [calendar.build_month(y, m, self.today, events) for y, m in shown]
            calendar.link_months(built, self.today)
            self._months = {(m.year, m.month): m for m in built}
        return self._months[(year, month)]

    def person_load(self, person: Person, weeks: int = LOAD_WEEKS) -> PersonLoad:
        """``workload.person_load`` for the build: the dashboard, the workload page, the people
        index and the person's page ask for 1 to 8 weeks; a week's load does not depend on how
        many follow it, so the 8 are worked out once and cut."""
        if weeks > LOAD_WEEKS:
            return person_load(self.ws, person, self.today, weeks)
        found = self._loads.get(person.id)
        if found is None:
            found = self._loads[person.id] = person_load(self.ws, person, self.today, LOAD_WEEKS)
        return dataclasses.replace(found, weeks=found.weeks[:weeks])

    def team_load(self, weeks: int = LOAD_WEEKS) -> list[PersonLoad]:
        """Every person's load (``workload.team_load``), sorted by id."""
        return [self.person_load(person, weeks) for person in self.ws.people]

    def fragment_store(self) -> Fragments | None:
        """The cards and rows kept from the last build, once the task pages' fingerprints are
        known (see ``pieces``). Each process saves the stores of the pages it rendered."""
        if self.piece_keys is None or self.piece_store is None:
            return None
        if self._fragment_store is None:
            self._fragment_store = Fragments(self.piece_store, self.piece_keys)
        return self._fragment_store

    # -- tasks ----------------------------------------------------------------------------

    def state(self, task: Task) -> State | None:
        return self.ws.state_of(task)

    def state_title(self, task: Task) -> str:
        state = self.ws.state_of(task)
        return state.title if state else (task.status or "")

    def category(self, task: Task) -> str:
        return self.ws.category(task)

    def is_open(self, task: Task) -> bool:
        return self.ws.is_open(task)

    def overdue(self, task: Task) -> bool:
        return self.ws.is_overdue(task)

    def blocked(self, task: Task) -> bool:
        return self.ws.is_blocked(task)

    def due_soon(self, task: Task) -> bool:
        if task.due is None or not self.ws.is_open(task):
            return False
        return 0 <= (as_day(task.due) - self.today).days <= 7

    def person(self, person_id: str) -> Person | None:
        return self.ws.people.get(person_id)

    def name(self, person_id: str | None) -> str:
        person = self.ws.people.get(person_id) if person_id else None
        return person.name if person else (person_id or "")

    def initials(self, person_id: str) -> str:
        words = self.name(person_id).split()
        return "".join(word[0] for word in words[:2]).upper() or person_id[:2].upper()

    def hours(self, hours: float | None) -> str:
        return format_hours(hours, self.ws.config.units.hours_per_day) if hours else ""

    def logged_tasks(self, person_id: str) -> list[Task]:
        """Tasks on which the person logged time, whoever they are assigned to."""
        if self._logged is None:
            self._logged = logged_by(self.ws.tasks)
        return self._logged.get(person_id, [])

    @functools.cached_property
    def feeds(self) -> ics.Feeds:
        """The calendar feeds of the build; they share their events and recurring work."""
        upcoming = self.pending(*ics.upcoming_window(self.ws))
        return ics.Feeds(self.ws, upcoming, self.pieces("ics"), self.person_feed_pieces)

    def person_feed_pieces(self, person_id: str) -> Pieces:
        """The events kept for one person's feed (its own store: see ``ics.Feeds``)."""
        return self.pieces(person_feed_kind(person_id))

    def pieces(self, kind: str) -> Pieces:
        """Each task's share of a whole-site file, kept from the last build (see pieces.py)."""
        path = self.piece_store(kind) if self.piece_store is not None else None
        return Pieces(path, self.piece_keys)

    def pending(self, start: dt.date, end: dt.date) -> list[Occurrence]:
        """``recur.pending`` for the build: the feeds, the calendar and the area pages all ask
        from today on, so the series are unrolled once, to the furthest day asked (at least
        the feeds' year), and each window is cut from that."""
        if start < self.today:  # not asked by any page: computed as it is
            return recur.pending(self.ws, start, end, self._existing())
        key = (start, end)
        if key not in self._pending:
            if self._upcoming is None or end > self._upcoming[0]:
                last = max(end, ics.upcoming_window(self.ws)[1])
                found = recur.pending(self.ws, self.today, last, self._existing())
                self._upcoming = (last, found)
            self._pending[key] = [o for o in self._upcoming[1] if start <= o.date <= end]
        return self._pending[key]

    def _existing(self) -> set[str]:
        if self._materialised is None:  # the same for every window: found once
            self._materialised = recur.materialised(self.ws)
        return self._materialised

    def body_html(self, item: Task | Project | Goal | Person, prefix: str) -> Markup:
        body = item.body
        match = _LEADING_HEADING.match(body)
        title = getattr(item, "title", None) or getattr(item, "name", "")
        if match and match.group(1).strip() == title.strip():
            body = body[match.end() :]  # the page shows the title already
        rewrite = repo_rewriter(
            item.path, self._item_pages, self.repo_url, self.ws.config.branch, prefix
        )
        # Safe: the renderer escapes raw HTML and drops unsafe links (see markdown.py).
        return Markup(self.markdown.render(body, rewrite))

    def diagnostics_of(self, path: str) -> list[Diagnostic]:
        return self._diagnostics.get(path, []) if path else []

    def sort_open_first(self, tasks: Iterable[Task]) -> list[Task]:
        order = {"active": 0, "blocked": 1, "todo": 2, "backlog": 3, "done": 4, "cancelled": 5}
        return sorted(
            tasks,
            key=lambda t: (
                order.get(self.ws.category(t), 9),
                as_day(t.due) if t.due else dt.date.max,
                -self.ws.priority_rank(t),
                t.id,
            ),
        )

    def by_due(self, tasks: Iterable[Task]) -> list[Task]:
        return sorted(tasks, key=lambda t: (as_day(t.due) if t.due else dt.date.max, t.id))

    def age_days(self, task: Task) -> int | None:
        return (self.today - as_day(task.created)).days if task.created else None

    # -- projects, boards ------------------------------------------------------------------

    def workflow_of_project(self, project: Project) -> Workflow:
        return self.ws.workflow_of_project(project)

    def columns(self, workflow: Workflow, tasks: Iterable[Task]) -> list[Column]:
        by_state: dict[str, list[Task]] = {state.id: [] for state in workflow.states}
        for task in tasks:
            state = self.ws.state_of(task)
            if state is not None and state.id in by_state:
                by_state[state.id].append(task)
        columns = []
        for state in workflow.states:
            cards = self.sort_open_first(by_state[state.id])
            shown = cards[:CLOSED_COLUMN_CARDS] if state.is_closed else cards
            columns.append(Column(state, cards, shown))
        return columns

    def unplaced(self, workflow: Workflow, tasks: Iterable[Task]) -> list[Task]:
        """Tasks whose status is not a state of the board's workflow (reported by check)."""
        ids = {state.id for state in workflow.states}
        return [t for t in tasks if (s := self.ws.state_of(t)) is None or s.id not in ids]

    def progress(self, tasks: Iterable[Task]) -> tuple[int, int]:
        return self.ws.progress(tasks)

    def estimate_progress(self, tasks: Iterable[Task]) -> tuple[float, float]:
        """(done hours, total hours) of estimated work that is not cancelled."""
        done = total = 0.0
        for task in tasks:
            category = self.ws.category(task)
            if category == "cancelled" or not task.estimate:
                continue
            total += task.estimate
            done += task.estimate if category == "done" else 0.0
        return done, total

    def by_category(self, tasks: Iterable[Task]) -> dict[str, int]:
        counts: dict[str, int] = {}
        for task in tasks:
            category = self.ws.category(task)
            counts[category] = counts.get(category, 0) + 1
        return counts

    def next_milestone(self, project: Project) -> object | None:
        upcoming = [m for m in project.milestones if m.date and as_day(m.date) >= self.today]
        return min(upcoming, key=lambda m: as_day(m.date)) if upcoming else None  # type: ignore[arg-type]

    def milestone_progress(self, project: Project, milestone_id: str) -> tuple[int, int]:
        tasks = [
            t
            for t in self.ws.tasks_of_project(project)
            if t.milestone and id_key(t.milestone) == id_key(milestone_id)
        ]
        return self.ws.progress(tasks)

    def days_until(self, day: dt.date | None) -> int | None:
        return (as_day(day) - self.today).days if day else None


def percent(done: float, total: float) -> int:
    return round(100 * done / total) if total else 0


def _safe_web_url(url: str | None) -> bool:
    return bool(url) and is_safe_url(url or "") and (url or "").startswith(("https://", "http://"))
