"""The schedule and the forecasts as the site shows them: worked out once per build, when a
page first asks (``SiteData.plan``).

The pages that show the schedule of a project (its page and its timeline) depend on
``s:<project id>``, a digest of what the schedule says about that project: its tasks' planned
dates and its outlooks. Levelling makes one project's dates depend on every other's, so the
digest, not the project's files, says when those pages change.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable

from worktext.errors import WorktextError
from worktext.history.metrics import TaskFlow, select, throughput
from worktext.history.since import workspace_at
from worktext.model.items import Goal, Project
from worktext.model.workspace import Workspace, id_key
from worktext.plan.calendar import NoWorkingTime, person_calendar
from worktext.plan.forecast import Forecast, sample_weeks, when_done_many
from worktext.plan.forecast_report import headline
from worktext.plan.outlook import Outlook, outlooks
from worktext.plan.report import sentence
from worktext.plan.schedule import PlannedTask, Schedule, schedule
from worktext.plan.targets import forecast, goal_target

log = logging.getLogger(__name__)

SITE_TRIALS = 2_000  # the site's forecasts: p85 moves by a day or so from the CLI's 10,000
SITE_SEED = 1
DASHBOARD_FORECASTS = 5  # projects with a forecast line on the dashboard, nearest deadline first


def _digest(parts: Iterable[str]) -> str:
    text = "\n".join(parts)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


class PlanView:
    def __init__(self, ws: Workspace, today: dt.date) -> None:
        self.ws, self.today = ws, today
        self._forecasts: dict[str, tuple[Forecast, list[tuple[str, Forecast]]]] = {}

    @functools.cached_property
    def schedule(self) -> Schedule:
        return schedule(self.ws, self.today)

    @functools.cached_property
    def _outlooks(self) -> tuple[dict[str, Outlook], dict[str, list[Outlook]]]:
        projects, milestones = outlooks(self.ws, self.schedule)
        by_project: dict[str, list[Outlook]] = defaultdict(list)
        for outlook in milestones:
            by_project[id_key(outlook.project)].append(outlook)
        return {id_key(o.id): o for o in projects}, dict(by_project)

    @functools.cached_property
    def tasks(self) -> dict[str, PlannedTask]:
        return self.schedule.by_id()

    @property
    def baseline_rev(self) -> str | None:
        """``site: {baseline: REV}``: the revision whose schedule the timelines overlay."""
        site = self.ws.config.site
        rev = site.get("baseline") if hasattr(site, "get") else None
        return rev if isinstance(rev, str) and rev.strip() else None

    @functools.cached_property
    def baseline(self) -> dict[str, PlannedTask]:
        """The schedule of the files at the baseline revision, by task id (empty without
        one, or when it cannot be read: logged, and the timelines show no overlay)."""
        rev = self.baseline_rev
        if rev is None:
            return {}
        try:
            then = workspace_at(self.ws.config, rev, self.today)
        except WorktextError as error:
            log.warning("the baseline %s cannot be read: %s", rev, error.message)
            return {}
        return schedule(then, self.today).by_id()

    def project(self, project: Project) -> Outlook | None:
        return self._outlooks[0].get(id_key(project.id))

    def milestones(self, project: Project) -> list[Outlook]:
        return self._outlooks[1].get(id_key(project.id), [])

    def projects(self) -> list[Outlook]:
        return sorted(self._outlooks[0].values(), key=lambda o: o.id)

    def sentence(self, project: Project) -> str:
        """When the project will finish, how late, and why, in words ("" without a plan)."""
        outlook = self.project(project)
        return sentence(outlook) if outlook is not None else ""

    @functools.cached_property
    def _hours(self) -> dict[str, dict[dt.date, float]]:
        """Hours booked per person (id_key) and Monday."""
        out: dict[str, dict[dt.date, float]] = {}
        for person, days in self.schedule.bookings.items():
            weeks: dict[dt.date, float] = defaultdict(float)
            for day, hours in days.items():
                weeks[day - dt.timedelta(days=day.weekday())] += hours
            out[person] = dict(weeks)
        return out

    def planned_hours(self, person_id: str, monday: dt.date) -> float:
        """The hours the schedule books for the person in the week from ``monday``."""
        return round(self._hours.get(id_key(person_id), {}).get(monday, 0.0), 2)

    def person_tasks(self, person_id: str, limit: int = 10) -> list[PlannedTask]:
        """The person's planned tasks, the first to start first."""
        key = id_key(person_id)
        mine = [t for t in self.schedule.tasks if key in {id_key(a) for a in t.assignees}]
        return mine[:limit]

    def free_from(self, person_id: str) -> tuple[dt.date, dt.date] | None:
        """The last day the schedule books for the person, and their first working day after
        it, from which they can take on more (None: it books them nothing)."""
        days = self.schedule.bookings.get(id_key(person_id))
        if not days:
            return None
        last = max(days)
        calendar = person_calendar(self.ws, self.ws.people.get(person_id))
        try:
            return last, calendar.next_working_day(last + dt.timedelta(days=1))
        except NoWorkingTime:
            return None

    def digests(self) -> dict[str, str]:
        """``s:<project id>`` → a digest of the schedule's word on that project."""
        parts: dict[str, list[str]] = defaultdict(list)
        for task in self.schedule.tasks:
            parts[id_key(task.project)].append(repr(task))
        for unplanned in self.schedule.unplanned:
            parts[id_key(unplanned.project)].append(repr(unplanned))
        for task in self.baseline.values():
            parts[id_key(task.project)].append("baseline " + repr(task))
        for key, outlook in self._outlooks[0].items():
            parts[key].append(repr(outlook))
        for key, found in self._outlooks[1].items():
            parts[key].extend(repr(o) for o in found)
        out = {}
        for project in self.ws.all_projects():
            out[f"s:{project.id}"] = _digest(parts.get(id_key(project.id), ()))
        out.update(self._person_digests())
        return out

    def _person_digests(self) -> dict[str, str]:
        """``b:<person id>`` → a digest of the schedule's word on that person (their planned
        tasks and bookings: what their page shows of it), so that a change to one task
        re-renders the pages of its people, not of everyone with work in its project."""
        mine: dict[str, list[str]] = defaultdict(list)
        for task in self.schedule.tasks:
            for key in {id_key(a) for a in task.assignees}:
                mine[key].append(repr(task))
        bookings = self.schedule.bookings
        out = {}
        for person in self.ws.people:
            key = id_key(person.id)
            booked = sorted(bookings.get(key, {}).items())
            out[f"b:{person.id}"] = _digest([*mine.get(key, ()), repr(booked)])
        return out

    # -- forecasts (they read the history: only the pages that depend on it ask) -----------

    def _project_forecasts(
        self, project: Project, flows: list[TaskFlow]
    ) -> tuple[Forecast, list[tuple[str, Forecast]]]:
        """The project's forecast and its milestones' (title, forecast), from one set of
        trials over the project's throughput; worked out once per project and build (the
        dashboard and the project page both ask)."""
        found = self._forecasts.get(project.id)
        if found is None:
            ws = self.ws
            samples = sample_weeks(throughput(select(flows, project.id), self.today), self.today)
            open_tasks = [t for t in ws.tasks_of_project(project) if ws.is_open(t)]
            counts = [len(open_tasks)]
            for milestone in project.milestones:
                key = id_key(milestone.id)
                counts.append(
                    sum(1 for t in open_tasks if t.milestone and id_key(t.milestone) == key)
                )
            made = when_done_many(samples, counts, self.today, SITE_TRIALS, SITE_SEED)
            titles = [m.title or m.id for m in project.milestones]
            found = self._forecasts[project.id] = (
                made[0],
                list(zip(titles, made[1:], strict=True)),
            )
        return found

    def forecast(self, project: Project, flows: list[TaskFlow]) -> Forecast:
        return self._project_forecasts(project, flows)[0]

    def forecast_line(self, project: Project, flows: list[TaskFlow]) -> str | None:
        """ "Launch: 85 % likely by 19 Feb 2027", or None when there is nothing to forecast."""
        return headline(project.title, self.forecast(project, flows))

    def goal_forecast_line(self, goal: Goal, flows: list[TaskFlow]) -> str | None:
        done, _ = forecast(goal_target(self.ws, flows, goal), self.today, SITE_TRIALS, SITE_SEED)
        return headline(goal.title, done)

    def milestone_forecast_lines(self, project: Project, flows: list[TaskFlow]) -> list[str]:
        """The forecast line of each milestone of the project that has open work."""
        lines = []
        for title, done in self._project_forecasts(project, flows)[1]:
            line = headline(title, done)
            if line is not None:
                lines.append(line)
        return lines

    def dashboard_forecasts(self, flows: list[TaskFlow]) -> list[str]:
        """The forecast lines of the active projects with a deadline, nearest first."""
        projects = [
            p
            for p in self.ws.projects
            if p.status == "active" and not p.is_ongoing and p.deadline is not None
        ]
        projects.sort(key=lambda p: (p.deadline, p.id))
        lines = []
        for project in projects[:DASHBOARD_FORECASTS]:
            line = self.forecast_line(project, flows)
            if line is not None:
                lines.append(line)
        return lines


__all__ = ["PlanView"]
