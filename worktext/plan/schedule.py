"""The schedule: when each open, estimated task will be worked on, by whom, levelled against
everyone's calendar; slack and the critical path.

The rule, in full (``site/docs/planning.md`` states it for users):

* Every open task with an ``estimate`` and an assignee is scheduled; its remaining work is the
  estimate minus the time logged on it. Others are *unplanned*, with the reason (no estimate,
  no assignee, waits for an unplanned task, in a dependency cycle, no working time).
* A task starts no earlier than ``today``, its ``start`` ("not before"), and the finish of each
  open task it ``depends_on`` plus its ``lag`` (working time of the workspace calendar).
  Closed dependencies are met. ``due`` is a deadline: reported (``late``), never moved to.
* Work is booked on each assignee's calendar (``plan/calendar.py``) hour by hour: a person's
  hours on a day go to one task after another, never twice. Several assignees work on a task
  at once and share its effort, so two people finish 16 hours in one day.
* Tasks are placed one at a time, each as early as its constraints and the hours still free
  allow (a serial schedule, in TaskJuggler's spirit): the ready task of highest priority
  first, then the one on the longest chain of work still ahead of it (criticality), then
  file order.
* Slack is how many working days of the workspace calendar a task could finish later without
  moving what waits for it nor its project's projected finish; a task without slack is
  critical.

Everything is a pure function of the workspace and ``today``.
"""

from __future__ import annotations

import datetime as dt
import heapq
import logging
from dataclasses import dataclass, field

from worktext.model.diagnostics import Diagnostic
from worktext.model.items import Task
from worktext.model.workspace import Workspace, id_key
from worktext.plan import dependencies
from worktext.plan.booking import (
    BookedPerson,
    DayHours,
    Point,
    WorkingDayCount,
    after_lag,
    book,
    normalised,
)
from worktext.plan.calendar import person_calendar, workspace_calendar
from worktext.plan.workload import remaining_hours

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlannedTask:
    id: str
    title: str
    project: str
    milestone: str | None
    assignees: tuple[str, ...]
    hours: float  # remaining work, all assignees together
    planned_start: dt.date
    planned_finish: dt.date
    due: dt.date | None
    slack_days: int
    critical: bool
    late: bool
    late_days: int  # calendar days after due (0 when not late)
    path: str


@dataclass(frozen=True)
class Unplanned:
    id: str
    title: str
    project: str
    reason: str


@dataclass
class Schedule:
    today: dt.date
    tasks: list[PlannedTask] = field(default_factory=list)  # by planned start, then id
    unplanned: list[Unplanned] = field(default_factory=list)  # by id
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # Hours booked per person (id_key) and day: the workload's planned hours.
    bookings: dict[str, dict[dt.date, float]] = field(default_factory=dict)
    # What drove each planned task's start: the dependency it waits for (None: its own start,
    # today, or its assignees' free time). The critical path follows these links.
    drivers: dict[str, str | None] = field(default_factory=dict)

    _index: dict[str, PlannedTask] | None = field(default=None, repr=False, compare=False)

    def by_id(self) -> dict[str, PlannedTask]:
        """The planned tasks by id (made once: the outlooks ask for every project)."""
        if self._index is None or len(self._index) != len(self.tasks):
            self._index = {task.id: task for task in self.tasks}
        return self._index


class _Build:
    """One scheduling run's state."""

    def __init__(
        self, ws: Workspace, today: dt.date, estimates: dict[str, float] | None = None
    ) -> None:
        self.ws, self.today = ws, today
        self.estimates = estimates or {}
        self._remaining: dict[str, float] = {}
        self._dates: dict[int, dt.date] = {}
        self.calendar = workspace_calendar(ws)
        self.ws_hours = DayHours(self.calendar, today)
        self.people: dict[str, BookedPerson] = {}
        self.schedule = Schedule(today)

    def remaining(self, task: Task) -> float:
        """Hours left: the estimate (or the one given for this run) minus the time logged."""
        found = self._remaining.get(task.id)
        if found is None:
            estimate = self.estimates.get(task.id)
            left = remaining_hours(task) if estimate is None else max(estimate - task.spent, 0.0)
            found = self._remaining[task.id] = left
        return found

    def person(self, name: str) -> BookedPerson:
        key = id_key(name)
        found = self.people.get(key)
        if found is None:
            calendar = person_calendar(self.ws, self.ws.people.get(name))
            found = self.people[key] = BookedPerson(key, calendar, self.today)
        return found

    def index(self, day: dt.date) -> int:
        return (day - self.today).days

    def date(self, index: int) -> dt.date:
        found = self._dates.get(index)
        if found is None:
            found = self._dates[index] = self.today + dt.timedelta(days=index)
        return found

    def after_lag(self, point: Point, lag: float) -> Point:
        """The point ``lag`` working hours of the workspace calendar after ``point``."""
        return after_lag(self.ws_hours, point, lag)

    def normalised(self, point: Point) -> int:
        """The first day from ``point`` with work time left on the workspace calendar."""
        return normalised(self.ws_hours, point)


def schedule(
    ws: Workspace, today: dt.date | None = None, estimates: dict[str, float] | None = None
) -> Schedule:
    """The schedule of the workspace's open work as of ``today``; ``estimates``: hours that
    replace some tasks' estimates (one trial of the risk simulation)."""
    build = _Build(ws, today or ws.today, estimates)
    plannable, order = _select(build)
    succ, preds = dependencies.graph(ws, plannable.values())
    topo = _topological(build, plannable, succ, preds, order)
    crit = _criticality(build, plannable, succ, topo)
    finish: dict[str, Point] = {}
    start: dict[str, int] = {}
    _place(build, plannable, succ, preds, order, crit, finish, start)
    slack = _slack(build, plannable, succ, finish, start, topo)
    _collect(build, plannable, finish, start, slack)
    log.info(
        "planned %d tasks, %d unplanned", len(build.schedule.tasks), len(build.schedule.unplanned)
    )
    return build.schedule


def _select(build: _Build) -> tuple[dict[str, Task], dict[str, int]]:
    """The open tasks that can be scheduled by id, and every task's file order; the others
    are listed as unplanned."""
    ws, out = build.ws, build.schedule
    plannable: dict[str, Task] = {}
    order = {task.id: n for n, task in enumerate(sorted(ws.tasks, key=lambda t: (t.path, t.id)))}
    for task in ws.tasks:
        if not ws.is_open(task):
            continue
        if task.estimate is None:
            _unplanned(build, task, "no estimate")
        elif not task.assignees:
            _unplanned(build, task, "no assignee")
        elif not any(build.person(a).calendar.hours_per_day > 0 for a in task.assignees):
            _unplanned(build, task, "its assignees have no working time")
            out.diagnostics.append(
                _diagnostic(
                    ws,
                    task,
                    "assignee",
                    "plan-impossible",
                    f"{task.id} cannot be scheduled: its assignees have no working hours",
                    "give them workdays and hours, or assign someone else",
                )
            )
        else:
            plannable[task.id] = task
    return plannable, order


def _unplanned(build: _Build, task: Task, reason: str) -> None:
    project = build.ws.project_of(task).id
    build.schedule.unplanned.append(Unplanned(task.id, task.title, project, reason))


def _topological(
    build: _Build,
    plannable: dict[str, Task],
    succ: dict[str, list[str]],
    preds: dict[str, list[str]],
    order: dict[str, int],
) -> list[str]:
    """The plannable tasks in an order where each comes after what it waits for. Tasks that
    wait for an unplanned task, or are in (or behind) a cycle, are moved to unplanned."""
    unplanned_reason: dict[str, str] = {}
    for task_id in plannable:
        for dep in preds[task_id]:
            if dep not in plannable:
                unplanned_reason.setdefault(task_id, f"waits for {dep}, which is unplanned")
    topo = dependencies.topological(plannable, succ, preds, order)
    placed = set(topo)
    stuck = [t for t in plannable if t not in placed]
    in_cycle = dependencies.on_cycles(stuck, succ)
    for task_id in stuck:
        if task_id in in_cycle:
            unplanned_reason.setdefault(task_id, "in a dependency cycle")
            _cycle_diagnostic(build, plannable[task_id], preds[task_id], in_cycle)
        else:
            unplanned_reason.setdefault(task_id, "waits for tasks in a dependency cycle")
    # Behind an unplanned task: everything after it is unplanned too.
    for task_id in topo:
        if task_id not in unplanned_reason:
            for dep in preds[task_id]:
                if dep in unplanned_reason:
                    unplanned_reason[task_id] = f"waits for {dep}, which is unplanned"
                    break
    for task_id in sorted(unplanned_reason):
        _unplanned(build, plannable.pop(task_id), unplanned_reason[task_id])
    return [t for t in topo if t in plannable]


def _cycle_diagnostic(build: _Build, task: Task, deps: list[str], in_cycle: set[str]) -> None:
    stuck = sorted(dep for dep in deps if dep in in_cycle)
    build.schedule.diagnostics.append(
        _diagnostic(
            build.ws,
            task,
            "depends_on",
            "plan-cycle",
            f"{task.id} cannot be scheduled: it waits, through {', '.join(stuck)}, for itself",
            "remove one of the depends_on links of the circle",
        )
    )


def _criticality(
    build: _Build, plannable: dict[str, Task], succ: dict[str, list[str]], topo: list[str]
) -> dict[str, float]:
    """The working days of the longest chain of work from each task to the end."""

    def days(task_id: str) -> float:
        task = plannable[task_id]
        daily = sum(build.person(a).calendar.hours_per_day for a in _people(task))
        return build.remaining(task) / daily if daily > 0 else 0.0

    return dependencies.longest_chains(topo, succ, days)


def _people(task: Task) -> list[str]:
    """The task's assignees, each once."""
    seen: dict[str, str] = {}
    for name in task.assignees:
        seen.setdefault(id_key(name), name)
    return list(seen.values())


def _lag(task: Task) -> float:
    lag = task.extra.get("lag")
    return float(lag) if isinstance(lag, int | float) else 0.0


def _place(
    build: _Build,
    plannable: dict[str, Task],
    succ: dict[str, list[str]],
    preds: dict[str, list[str]],
    order: dict[str, int],
    crit: dict[str, float],
    finish: dict[str, Point],
    start: dict[str, int],
) -> None:
    """Book every plannable task, the most urgent ready task first."""
    ws = build.ws
    waiting = {t: sum(1 for p in preds[t] if p in plannable) for t in plannable}

    def key(task_id: str) -> tuple[int, float, int]:
        return (-ws.priority_rank(plannable[task_id]), -crit.get(task_id, 0.0), order[task_id])

    ready = [(key(t), t) for t, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    while ready:
        _, task_id = heapq.heappop(ready)
        task = plannable[task_id]
        earliest, driver = _earliest(build, task, preds[task_id], finish)
        placed = _book(build, task, earliest)
        if placed is None:
            _impossible(build, task, plannable)
            continue
        start[task_id], finish[task_id] = placed
        build.schedule.drivers[task_id] = driver
        for nxt in succ.get(task_id, ()):
            if nxt in waiting:
                waiting[nxt] -= 1
                if waiting[nxt] == 0:
                    heapq.heappush(ready, (key(nxt), nxt))
    for task_id in [t for t in plannable if t not in finish]:
        if task_id in plannable:  # behind a task that could not be placed
            _unplanned(build, plannable.pop(task_id), "waits for a task that cannot be scheduled")


def _earliest(
    build: _Build, task: Task, deps: list[str], finish: dict[str, Point]
) -> tuple[Point, str | None]:
    """The first point the task may start, and the dependency that sets it (if one does)."""
    point: Point = (0, 0.0)
    if task.start is not None:
        point = (max(0, build.index(_day(task.start))), 0.0)
    driver = None
    lag = _lag(task)
    for dep in deps:
        if dep in finish:
            after = build.after_lag(finish[dep], lag)
            if after > point or (after == point and driver is not None and dep < driver):
                point, driver = after, dep
    return point, driver


def _day(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _book(build: _Build, task: Task, earliest: Point) -> tuple[int, Point] | None:
    """Book the task's remaining hours on its assignees from ``earliest``."""
    people = [build.person(a) for a in _people(task)]
    bookings = build.schedule.bookings

    def take(person: BookedPerson, day: int, begin: float, end: float) -> None:
        person.booked[day] = end
        booked = bookings.setdefault(person.key, {})
        date = build.date(day)
        booked[date] = booked.get(date, 0.0) + (end - begin)

    return book(people, build.remaining(task), earliest, take)


def _impossible(build: _Build, task: Task, plannable: dict[str, Task]) -> None:
    plannable.pop(task.id)
    _unplanned(build, task, "cannot be done within ten years")
    build.schedule.diagnostics.append(
        _diagnostic(
            build.ws,
            task,
            "estimate",
            "plan-impossible",
            f"{task.id} cannot be scheduled: its assignees have no free time for "
            f"{build.remaining(task):g} hours within ten years",
            "lower the estimate, or assign someone with working time",
        )
    )


def _slack(
    build: _Build,
    plannable: dict[str, Task],
    succ: dict[str, list[str]],
    finish: dict[str, Point],
    start: dict[str, int],
    topo: list[str],
) -> dict[str, int]:
    """Each task's slack in working days of the workspace calendar (see the module's doc)."""
    counted = WorkingDayCount(build.ws_hours)
    project_end: dict[str, int] = {}
    for task_id, point in finish.items():
        project = build.ws.project_of(plannable[task_id]).id
        project_end[project] = max(project_end.get(project, point[0]), point[0])
    slack: dict[str, int] = {}
    for task_id in reversed(topo):
        if task_id not in finish:
            continue
        task = plannable[task_id]
        end = finish[task_id][0]
        best = counted(project_end[build.ws.project_of(task).id]) - counted(end)
        for nxt in succ.get(task_id, ()):
            if nxt in slack:
                allowed = build.normalised(build.after_lag(finish[task_id], _lag(plannable[nxt])))
                gap = counted(start[nxt]) - counted(allowed)
                best = min(best, max(0, gap) + slack[nxt])
        slack[task_id] = max(0, best)
    return slack


def _collect(
    build: _Build,
    plannable: dict[str, Task],
    finish: dict[str, Point],
    start: dict[str, int],
    slack: dict[str, int],
) -> None:
    ws, out = build.ws, build.schedule
    for task_id, task in plannable.items():
        if task_id not in finish:
            continue
        first, last = build.date(start[task_id]), build.date(finish[task_id][0])
        due = _day(task.due) if task.due is not None else None
        late_days = max(0, (last - due).days) if due is not None else 0
        out.tasks.append(
            PlannedTask(
                id=task_id,
                title=task.title,
                project=ws.project_of(task).id,
                milestone=task.milestone,
                assignees=tuple(_people(task)),
                hours=round(build.remaining(task), 2),
                planned_start=first,
                planned_finish=max(first, last),
                due=due,
                slack_days=slack.get(task_id, 0),
                critical=slack.get(task_id, 0) == 0,
                late=late_days > 0,
                late_days=late_days,
                path=task.path,
            )
        )
    out.tasks.sort(key=lambda t: (t.planned_start, t.planned_finish, t.id))
    out.unplanned.sort(key=lambda u: u.id)
    out.diagnostics.sort(key=Diagnostic.sort_key)


def _diagnostic(
    ws: Workspace, task: Task, key: str, code: str, message: str, hint: str
) -> Diagnostic:
    """A diagnostic at ``key`` of the task's file (the whole file if it has no such key)."""
    source = ws.sources.get(task.path)
    span = (1, 1, 1, 1)
    if source is not None and source.data and key in source.data:
        span = source.key_span(key)
    return Diagnostic.at(task.path, span, "error", code, message, hint)


__all__ = ["PlannedTask", "Schedule", "Unplanned", "schedule"]
