"""What every page of one build reads: the workspace as the site shows it.

A ``SiteData`` is made once per build from the resolved workspace, the site's links, its git
history and its Markdown renderer, and works out once what several pages show (people's load,
the calendar's months, the upcoming recurring work, the calendar feeds). Pages read it; none
changes it (``PageView`` adds what differs from page to page).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from markupsafe import Markup

from worktext.history.reconstruct import History
from worktext.model.diagnostics import Diagnostic
from worktext.model.items import Goal, Milestone, Person, Project, State, Task, Workflow
from worktext.model.recurrence import Occurrence, anchor, describe, next_date
from worktext.model.values import as_day, format_hours
from worktext.model.workspace import Workspace, id_key
from worktext.plan import recur
from worktext.plan.timesheet import logged_by
from worktext.plan.workload import PersonLoad, person_load
from worktext.render import calendar, ics
from worktext.render.discussion import DiscussionView
from worktext.render.flow import FlowView
from worktext.render.markdown import Renderer, is_safe_url
from worktext.render.planview import PlanView
from worktext.render.urls import Links

_LEADING_HEADING = re.compile(r"\A\s*#[ \t]+(.+?)[ \t#]*(?:\n|\Z)")
CLOSED_COLUMN_CARDS = 60
BOARD_DONE_DAYS = 14  # site.board_done_days: done cards closed longer ago are folded away
LOAD_WEEKS = 8  # workload.person_load's default: the workload page and the person pages
OPEN_FIRST = {"active": 0, "blocked": 1, "todo": 2, "backlog": 3, "done": 4, "cancelled": 5}


@dataclass(frozen=True)
class Column:
    state: State
    tasks: list[Task]
    shown: list[Task]  # closed columns show their first cards only; the rest are listed
    # A workflow-wide board's cards by project, (project title, count), most first: a state's
    # WIP limit is per project. Empty on a project's board.
    by_project: tuple[tuple[str, int], ...] = ()
    folded: list[Task] = dataclasses.field(default_factory=list)  # done long ago, folded away

    @property
    def over_limit(self) -> bool:
        """Some project holds more cards here than the state's WIP limit."""
        if self.state.wip is None:
            return False
        if self.by_project:
            return any(count > self.state.wip for _, count in self.by_project)
        return len(self.tasks) > self.state.wip

    @property
    def over_projects(self) -> list[str]:
        """The projects over the limit (on a workflow-wide board)."""
        wip = self.state.wip
        return [title for title, count in self.by_project if wip is not None and count > wip]


class SiteData:
    def __init__(
        self, ws: Workspace, history: History | None = None, use_cache: bool = True
    ) -> None:
        self.ws = ws
        self.today = ws.today
        title = ws.config.site.get("title") if hasattr(ws.config.site, "get") else None
        self.site_title = title if isinstance(title, str) and title.strip() else ws.config.name
        self.repo_url = ws.config.repo_url if _safe_web_url(ws.config.repo_url) else None
        self.links = Links(ws)
        self.markdown = Renderer()
        self.discussion = DiscussionView(self)  # threads, documents, attachments
        # The git history: given (already read for this build), or read when first asked.
        self.flow = FlowView(ws, self.repo_url, use_cache, history)
        self._diagnostics: dict[str, list[Diagnostic]] = {}
        for diagnostic in ws.diagnostics:
            self._diagnostics.setdefault(diagnostic.path, []).append(diagnostic)
        self._loads: dict[str, PersonLoad] = {}  # by person id, LOAD_WEEKS weeks
        self._pending: dict[tuple[dt.date, dt.date], list[Occurrence]] = {}
        self._upcoming: tuple[dt.date, list[Occurrence]] | None = None  # (last day, found)

    # -- tasks ----------------------------------------------------------------------------

    def category(self, task: Task) -> str:
        return self.ws.category(task)

    def state_title(self, task: Task) -> str:
        state = self.ws.state_of(task)
        return state.title if state else (task.status or "")

    def overdue(self, task: Task) -> bool:
        return self.ws.is_overdue(task)

    def blocked(self, task: Task) -> bool:
        return self.ws.is_blocked(task)

    def due_soon(self, task: Task) -> bool:
        if task.due is None or not self.ws.is_open(task):
            return False
        return 0 <= (as_day(task.due) - self.today).days <= 7

    def created_on(self, task: Task) -> dt.date | None:
        """The task's ``created`` date, else the day git first saw it (files made by a tool
        that writes no ``created:``)."""
        if task.created:
            return as_day(task.created)
        return self.flow.task_dates(task.id)[0]

    def age_days(self, task: Task) -> int | None:
        created = self.created_on(task)
        return (self.today - created).days if created else None

    def completed_on(self, task: Task) -> dt.date | None:
        """When a closed task was finished: its ``completed`` date, else the day history saw
        it move into a done state; None for an open task."""
        if self.ws.category(task) not in ("done", "cancelled"):
            return None
        if task.completed:
            return as_day(task.completed)
        return self.flow.task_dates(task.id)[1]

    def repeat_words(self, task: Task) -> str:
        """The task's ``repeat`` rule in words ("monthly on the second Tuesday")."""
        return describe(task.repeat, anchor(task)) if task.repeat else ""

    def next_occurrence(self, task: Task) -> dt.date | None:
        """A live series' next date from today on (not its file's own, maybe past, date)."""
        if not task.repeat or self.ws.category(task) == "cancelled":
            return None
        return next_date(task, self.today)

    def sort_open_first(self, tasks: Iterable[Task]) -> list[Task]:
        ws = self.ws
        return sorted(
            tasks,
            key=lambda t: (
                OPEN_FIRST.get(ws.category(t), 9),
                as_day(t.due) if t.due else dt.date.max,
                -ws.priority_rank(t),
                t.id,
            ),
        )

    def by_due(self, tasks: Iterable[Task]) -> list[Task]:
        return sorted(tasks, key=lambda t: (as_day(t.due) if t.due else dt.date.max, t.id))

    @functools.cached_property
    def _logged(self) -> dict[str, list[Task]]:
        return logged_by(self.ws.tasks)

    def logged_tasks(self, person_id: str) -> list[Task]:
        """Tasks on which the person logged time, whoever they are assigned to."""
        return self._logged.get(person_id, [])

    # -- people ---------------------------------------------------------------------------

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

    def person_load(self, person: Person, weeks: int = LOAD_WEEKS) -> PersonLoad:
        """``workload.person_load``: the dashboard, the workload page, the people index and
        the person's page ask for 1 to 8 weeks; a week's load does not depend on how many
        follow it, so the 8 are worked out once and cut."""
        if weeks > LOAD_WEEKS:
            return person_load(self.ws, person, self.today, weeks)
        found = self._loads.get(person.id)
        if found is None:
            found = self._loads[person.id] = person_load(self.ws, person, self.today, LOAD_WEEKS)
        return dataclasses.replace(found, weeks=found.weeks[:weeks])

    @functools.cached_property
    def plan(self) -> PlanView:
        """The schedule and forecasts (``worktext plan`` and ``forecast``), made when a page
        first asks."""
        return PlanView(self.ws, self.today)

    def team_load(self, weeks: int = LOAD_WEEKS) -> list[PersonLoad]:
        """Every person's load (``workload.team_load``), sorted by id."""
        return [self.person_load(person, weeks) for person in self.ws.people]

    # -- projects and boards ----------------------------------------------------------------

    def columns(
        self, workflow: Workflow, tasks: Iterable[Task], per_project: bool = False
    ) -> list[Column]:
        """A board's columns; ``per_project`` (a workflow-wide board) counts each state's
        cards per project too, as its WIP limit is per project."""
        by_state: dict[str, list[Task]] = {state.id: [] for state in workflow.states}
        for task in tasks:
            state = self.ws.state_of(task)
            if state is not None and state.id in by_state:
                by_state[state.id].append(task)
        columns = []
        for state in workflow.states:
            cards = self.sort_open_first(by_state[state.id])
            folded = self._long_done(cards) if state.category == "done" else []
            gone = {id(t) for t in folded}
            recent = [t for t in cards if id(t) not in gone] if folded else cards
            shown = recent[:CLOSED_COLUMN_CARDS] if state.is_closed else recent
            counts = self._project_counts(cards) if per_project else ()
            columns.append(Column(state, cards, shown, counts, folded[:CLOSED_COLUMN_CARDS]))
        return columns

    @functools.cached_property
    def board_done_days(self) -> int:
        """``site: {board_done_days: N}``: done cards closed more than N days ago are folded
        away on boards (default 14)."""
        settings = self.ws.config.site
        value = settings.get("board_done_days") if hasattr(settings, "get") else None
        return int(value) if isinstance(value, int | float) and value >= 0 else BOARD_DONE_DAYS

    def _long_done(self, cards: list[Task]) -> list[Task]:
        """The done cards closed before the board's cut-off, most recently closed first; a
        card whose closing day is unknown stays in view."""
        cutoff = self.today - dt.timedelta(days=self.board_done_days)
        dated = [(self.completed_on(t), t) for t in cards]
        old = [(day, t) for day, t in dated if day is not None and day < cutoff]
        return [t for _, t in sorted(old, key=lambda pair: (pair[0], pair[1].id), reverse=True)]

    def _project_counts(self, cards: list[Task]) -> tuple[tuple[str, int], ...]:
        counts: dict[str, int] = {}
        for task in cards:
            title = self.ws.project_of(task).title
            counts[title] = counts.get(title, 0) + 1
        return tuple(sorted(counts.items(), key=lambda pair: (-pair[1], pair[0].lower())))

    def unplaced(self, workflow: Workflow, tasks: Iterable[Task]) -> list[Task]:
        """Tasks whose status is not a state of the board's workflow (reported by check)."""
        ids = {state.id for state in workflow.states}
        return [t for t in tasks if (s := self.ws.state_of(t)) is None or s.id not in ids]

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

    def next_milestone(self, project: Project) -> Milestone | None:
        upcoming = [m for m in project.milestones if m.date and as_day(m.date) >= self.today]
        return min(upcoming, key=lambda m: as_day(m.date or self.today)) if upcoming else None

    def milestone_progress(self, project: Project, milestone_id: str) -> tuple[int, int]:
        tasks = [
            t
            for t in self.ws.tasks_of_project(project)
            if t.milestone and id_key(t.milestone) == id_key(milestone_id)
        ]
        return self.ws.progress(tasks)

    # -- recurring work, the calendar and its feeds ---------------------------------------------

    def pending(self, start: dt.date, end: dt.date) -> list[Occurrence]:
        """``recur.pending``: the feeds, the calendar and the area pages all ask from today on,
        so the series are unrolled once, to the furthest day asked (at least the feeds'
        year), and each window is cut from that."""
        if start < self.today:  # not asked by any page: computed as it is
            return recur.pending(self.ws, start, end, self._existing)
        key = (start, end)
        if key not in self._pending:
            if self._upcoming is None or end > self._upcoming[0]:
                last = max(end, ics.upcoming_window(self.ws)[1])
                found = recur.pending(self.ws, self.today, last, self._existing)
                self._upcoming = (last, found)
            self._pending[key] = [o for o in self._upcoming[1] if start <= o.date <= end]
        return self._pending[key]

    @functools.cached_property
    def _existing(self) -> set[str]:
        return recur.materialised(self.ws)  # the same for every window: found once

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

    @functools.cached_property
    def months(self) -> dict[tuple[int, int], calendar.Month]:
        """Every month page's weeks and events, made when the first is asked for."""
        events = calendar.events_by_day(self.ws, self.links.urls)
        shown = calendar.months(self.ws, events)
        calendar.add_recurring(events, self.ws, self.links.urls, self.calendar_recurring(shown))
        built = [calendar.build_month(y, m, self.today, events) for y, m in shown]
        calendar.link_months(built, self.today)
        return {(m.year, m.month): m for m in built}

    # -- files ----------------------------------------------------------------------------

    def body_html(self, item: Task | Project | Goal | Person, prefix: str) -> Markup:
        """An item's body as safe HTML, its relative links leading from a page at ``prefix``."""
        body = item.body
        match = _LEADING_HEADING.match(body)
        title = str(getattr(item, "title", None) or getattr(item, "name", ""))
        if match and match.group(1).strip() == title.strip():
            body = body[match.end() :]  # the page shows the title already
        # Mentions become links, relative links lead to pages and attachments (and are
        # rendered safely: the renderer escapes raw HTML and drops unsafe links).
        return self.discussion.markdown(body, item.path, prefix)

    def source_url(self, path: str) -> str | None:
        """The file in the repository, when ``repo_url`` is a web address."""
        if not self.repo_url or not path:
            return None
        return file_url(self.repo_url, "blob", self.ws.config.branch, path)

    def edit_url(self, path: str) -> str | None:
        """The forge's editor for the file: ``site: {edit_url: ...}`` with ``{path}`` and
        ``{branch}`` in it, else GitHub's (or, on a GitLab host, GitLab's) edit page."""
        if not self.repo_url or not path:
            return None
        template = (
            self.ws.config.site.get("edit_url") if hasattr(self.ws.config.site, "get") else None
        )
        if isinstance(template, str) and template.strip():
            url = template.replace("{path}", quote(path)).replace(
                "{branch}", quote(self.ws.config.branch, safe="")
            )
            return url if _safe_web_url(url) else None
        kind = "-/edit" if "gitlab" in (urlsplit(self.repo_url).hostname or "") else "edit"
        return file_url(self.repo_url, kind, self.ws.config.branch, path)

    def diagnostics_of(self, path: str) -> list[Diagnostic]:
        return self._diagnostics.get(path, []) if path else []


def file_url(repo_url: str, kind: str, branch: str, path: str) -> str:
    """``<repo>/<kind>/<branch>/<path>`` with the branch and every path segment
    percent-encoded (a space, ``%`` or ``#`` in a file name would cut the link)."""
    return f"{repo_url.rstrip('/')}/{kind}/{quote(branch, safe='')}/{quote(path)}"


def _safe_web_url(url: str | None) -> bool:
    return bool(url) and is_safe_url(url or "") and (url or "").startswith(("https://", "http://"))
