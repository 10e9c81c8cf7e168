"""Flow metrics from the history: pure functions of (history, workspace, today).

A task's history becomes a timeline of segments (status, category, project, milestone,
estimate); per-task figures (time in state, lead time, cycle time, reopens) and daily or
weekly series (cumulative flow, WIP, throughput, burndown/burnup) are read from timelines.
Statuses are mapped to categories with the workflows of the workspace as it is now. Durations
are in days (floats); a day is the calendar day of the commit in its author's time zone.

Where git history starts after the work did (an adoption, an import), the timeline before a
task's first commit comes from its file's own ``created``/``started``/``completed`` dates
(``_backfill``). Everything is as of the end of ``today``: later commits and dates are cut off
(``_until``), so a past ``--today`` counts only what had happened by then.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import accumulate
from typing import Any

from worktext.history.reconstruct import Event, History
from worktext.model.items import CLOSED_CATEGORIES, Workflow
from worktext.model.values import ValueError_, parse_date, parse_duration
from worktext.model.workspace import Workspace, id_key

WIP_CATEGORIES = frozenset({"active", "blocked"})
PERCENTILES = (50, 85, 95)
DAY = 86400.0


@dataclass(frozen=True, slots=True)
class Segment:
    """What a task was from ``start`` until ``end`` (None: still, as of today)."""

    start: dt.datetime
    end: dt.datetime | None
    status: str
    category: str
    project: str
    workflow: str
    milestone: str | None
    estimate: float | None  # hours


@dataclass(frozen=True)
class TaskFlow:
    id: str
    project: str
    workflow: str
    status: str | None  # None when the task was deleted
    category: str | None
    created: dt.datetime | None  # None when history is cut (shallow clone) before it
    started: dt.datetime | None  # first entry into an active state
    finished: dt.datetime | None  # last entry into a done state, if it is done now
    lead_days: float | None
    cycle_days: float | None
    reopens: int
    time_in_state: Mapping[str, float]
    segments: tuple[Segment, ...] = field(repr=False, default=())
    # Day runs by (first day, day count), computed once for all the series of one report.
    runs: dict[tuple[dt.date, int], list] = field(repr=False, compare=False, default_factory=dict)


def end_of(today: dt.date) -> dt.datetime:
    return dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min, tzinfo=dt.timezone.utc)


def _aware(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)


def _days(start: dt.datetime, end: dt.datetime) -> float:
    return round((_aware(end) - _aware(start)).total_seconds() / DAY, 4)


class Resolver:
    """Maps a historical front matter to (project, workflow, status, category, ...)."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.units = ws.config.units

    def workflow(self, project_id: str) -> Workflow:
        project = self.ws.projects.get(project_id) or self.ws.default_area
        return self.ws.workflow_of_project(project)

    def segment(self, start: dt.datetime, fields: Mapping[str, Any]) -> Segment:
        project_value = fields.get("project")
        project_id = str(project_value) if project_value else self.ws.default_area.id
        project = self.ws.projects.get(project_id)
        project_id = project.id if project else project_id
        workflow = self.workflow(project_id)
        status = fields.get("status")
        status = str(status) if status is not None else workflow.initial.id
        state = workflow.state(status)
        milestone = fields.get("milestone")
        return Segment(
            _aware(start),
            None,
            status,
            state.category if state else "todo",
            project_id,
            workflow.id,
            str(milestone) if milestone is not None else None,
            self.hours(fields.get("estimate")),
        )

    def hours(self, value: Any) -> float | None:
        if isinstance(value, str):
            try:
                return parse_duration(value, self.units.hours_per_day, self.units.days_per_week)
            except ValueError_:
                return None
        return None


def timeline(events: Sequence[Event], resolver: Resolver) -> list[Segment]:
    segments: list[Segment] = []
    for event in events:
        if segments and segments[-1].end is None:
            last = segments[-1]
            segments[-1] = _close(last, event.commit.date)
        if event.action != "deleted":
            segments.append(resolver.segment(event.commit.date, event.fields))
    return segments


def _close(segment: Segment, end: dt.datetime) -> Segment:
    return Segment(
        segment.start,
        _aware(end),
        segment.status,
        segment.category,
        segment.project,
        segment.workflow,
        segment.milestone,
        segment.estimate,
    )


def task_flow(
    task_id: str, events: Sequence[Event], resolver: Resolver, today: dt.date
) -> TaskFlow:
    """One task's figures as of the end of ``today``: what happened later is left out."""
    now = end_of(today)
    dates = file_dates(events, now)
    segments = _until(_backfill(timeline(events, resolver), dates, resolver), now)
    in_state, started, finished, reopens = _walk(segments, now, _known_finish(events, dates))
    last = segments[-1] if segments else None
    current = last if last is not None and last.end is None else None  # None: deleted
    if current is None or current.category != "done":
        finished = None  # finished only counts while the task is still done
    created = _created(events, dates, segments)
    return TaskFlow(
        id=task_id,
        project=last.project if last else resolver.ws.default_area.id,
        workflow=last.workflow if last else resolver.ws.default_workflow.id,
        status=current.status if current else None,
        category=current.category if current else None,
        created=created,
        started=started,
        finished=finished,
        lead_days=_days_between(created, finished),
        cycle_days=_days_between(started, finished),
        reopens=reopens,
        time_in_state=in_state,
        segments=tuple(segments),
    )


def _walk(
    segments: Sequence[Segment], now: dt.datetime, first_done_counts: bool = False
) -> tuple[dict[str, float], dt.datetime | None, dt.datetime | None, int]:
    """Over a timeline, in one pass: the days spent in each status, the first entry into an
    active state, the last move into done, and how often the task was reopened.

    Finishing is a move into done; a task first seen done finished when it was first seen
    only when ``first_done_counts`` (see ``_known_finish``)."""
    in_state: dict[str, float] = defaultdict(float)
    started = finished = None
    reopens = 0
    previous: Segment | None = None
    for segment in segments:
        in_state[segment.status] += _days(segment.start, segment.end or now)
        if segment.category == "active" and started is None:
            started = segment.start
        if segment.category == "done" and (
            previous.category != "done" if previous is not None else first_done_counts
        ):
            finished = segment.start
        if previous and previous.category in CLOSED_CATEGORIES:
            reopens += segment.category not in CLOSED_CATEGORIES
        previous = segment
    return dict(in_state), started, finished, reopens


def _days_between(start: dt.datetime | None, end: dt.datetime | None) -> float | None:
    return _days(start, end) if start and end else None


def _created(
    events: Sequence[Event], dates: FileDates, segments: Sequence[Segment]
) -> dt.datetime | None:
    """When the task was created: its file's ``created`` date when that is set and not later
    than its first commit, else that first commit, or the file's start or completion when
    earlier (unknown when a shallow clone cuts history first); None when, as of the day
    asked for, it did not exist yet."""
    if not events or not segments:
        return None
    first = events[0]
    if dates.created is not None and dates.created <= _aware(first.commit.date):
        return dates.created
    return segments[0].start if first.action == "created" else None


# -- where git history starts after the work did ----------------------------------------------


@dataclass(frozen=True, slots=True)
class FileDates:
    """What a task's file says of when it was created, started and completed; each None
    when unset or later than the end of the day asked for."""

    created: dt.datetime | None = None
    started: dt.datetime | None = None
    completed: dt.datetime | None = None


DATE_KEYS = ("created", "started", "completed")


def file_dates(events: Sequence[Event], now: dt.datetime) -> FileDates:
    """The dates the task's file gives, as it is now (its last version, through the key
    mappings of worktext.yml, as history reads every version): of its own file, too, when
    two files hold one id."""
    values: Mapping[str, Any] = next(
        (e.fields for e in reversed(events) if e.action != "deleted"), {}
    )
    found: dict[str, dt.datetime | None] = {}
    for key in DATE_KEYS:
        value = values.get(key)
        if isinstance(value, str):
            try:
                value = parse_date(value)
            except ValueError_:
                value = None
        when = _as_datetime(value) if isinstance(value, dt.date) else None
        found[key] = when if when is not None and when <= now else None
    return FileDates(**found)


def _as_datetime(value: dt.date) -> dt.datetime:
    """A date as the start of its day (UTC), a datetime as itself (UTC when it has no zone)."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time.min)
    return _aware(value)


def _known_finish(events: Sequence[Event], dates: FileDates) -> bool:
    """Whether a task first seen done counts as finished when first seen: when its file says
    when (the first segment then starts there), or when it was created done in a commit. A
    task present done where a shallow clone cuts history finished at an unknown time."""
    if not events:
        return False
    first = events[0]
    if dates.completed is not None and dates.completed <= _aware(first.commit.date):
        return True
    return first.action == "created"


def _backfill(segments: list[Segment], dates: FileDates, resolver: Resolver) -> list[Segment]:
    """The timeline before its first commit, from the file's own dates when they are earlier
    (history that starts at an adoption or an import): done from ``completed``, active from
    ``started``, open from ``created``, each phase only before the one the task was first
    seen in, in the workflow's first state of that category."""
    if not segments:
        return segments
    first = segments[0]
    workflow = resolver.workflow(first.project)
    phases = [("done", dates.completed), ("active", dates.started), ("todo", dates.created)]
    seen = _PHASE.get(first.category, 0)
    earlier: list[Segment] = []
    begin = first.start
    for phase, when in phases:
        rank = _PHASE[phase]
        if when is None or when >= begin or rank > seen:
            continue
        if rank == seen and not earlier:
            first = replace(first, start=when)  # the state it was first seen in began earlier
        else:
            state = next((s for s in workflow.states if s.category == phase), None)
            if phase == "todo":
                state = workflow.initial
            if state is None:
                continue
            earlier.insert(
                0, replace(first, start=when, end=begin, status=state.id, category=state.category)
            )
        begin = when
    return [*earlier, first, *segments[1:]]


_PHASE = {"backlog": 0, "todo": 0, "active": 1, "blocked": 1, "done": 2, "cancelled": 2}


def _until(segments: list[Segment], now: dt.datetime) -> list[Segment]:
    """The timeline as it was at ``now``: later segments left out, the one then current open."""
    out = [s for s in segments if s.start <= now]
    if out and out[-1].end is not None and out[-1].end > now:
        out[-1] = replace(out[-1], end=None)
    return out


def task_flows(history: History, ws: Workspace, today: dt.date) -> list[TaskFlow]:
    """Every task that history knows and that existed by the end of ``today``, by id."""
    resolver = Resolver(ws)
    flows = [task_flow(t.id, t.events, resolver, today) for t in history.tasks.values()]
    return sorted((f for f in flows if f.segments), key=lambda f: id_key(f.id))


# -- selections ------------------------------------------------------------------------------


def select(
    flows: Iterable[TaskFlow],
    project: str | None = None,
    workflow: str | None = None,
    milestone: str | None = None,
) -> list[TaskFlow]:
    """Tasks whose latest project / workflow / milestone is the one given."""
    out = []
    for flow in flows:
        if project and id_key(flow.project) != id_key(project):
            continue
        if workflow and id_key(flow.workflow) != id_key(workflow):
            continue
        if milestone and _latest_milestone(flow) != id_key(milestone):
            continue
        out.append(flow)
    return out


def _latest_milestone(flow: TaskFlow) -> str | None:
    """The milestone of the task's latest segment, in id_key form."""
    last = flow.segments[-1] if flow.segments else None
    return id_key(last.milestone) if last is not None and last.milestone is not None else None


def group(flows: Iterable[TaskFlow], attribute: str) -> dict[str, list[TaskFlow]]:
    """Tasks by their latest ``project`` or ``workflow`` (keys in id_key form)."""
    out: dict[str, list[TaskFlow]] = defaultdict(list)
    for flow in flows:
        out[id_key(getattr(flow, attribute))].append(flow)
    return dict(out)


def day_range(flows: Iterable[TaskFlow], today: dt.date) -> list[dt.date]:
    starts = [f.segments[0].start.date() for f in flows if f.segments]
    if not starts:
        return [today]
    first = min(min(starts), today)
    return [first + dt.timedelta(days=i) for i in range((today - first).days + 1)]


def active_range(flows: Iterable[TaskFlow], today: dt.date, limit: int = 0) -> list[dt.date]:
    """The days from the first change to the last one by ``today`` (at most the last
    ``limit`` of them when it is positive): what charts cover, so a backlog last worked on
    long ago still shows its work, not months of nothing up to today."""
    changes = [
        when.date()
        for f in flows
        for s in f.segments
        for when in (s.start, s.end)
        if when is not None
    ]
    if not changes:
        return [today]
    first, last = min(min(changes), today), min(max(changes), today)
    if limit > 0:
        first = max(first, last - dt.timedelta(days=limit - 1))
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def _runs(flow: TaskFlow, first: dt.date, size: int) -> list[tuple[int, int, Segment]]:
    """(first day index, stop index, segment) for each run of days that ends in a segment."""
    known = flow.runs.get((first, size))
    if known is not None:
        return known
    # The state at the end of a day is the last change made on or before that day.
    by_day: dict[int, Segment | None] = {}
    for segment in flow.segments:
        by_day[(segment.start.date() - first).days] = segment
        if segment.end is not None:
            # A later segment starting that day overwrites this gap marker.
            by_day[(segment.end.date() - first).days] = None
    ordered = sorted(by_day.items())
    runs: list[tuple[int, int, Segment]] = []
    for n, (index, found) in enumerate(ordered):
        stop = ordered[n + 1][0] if n + 1 < len(ordered) else size
        start, stop = max(index, 0), min(stop, size)
        if found is not None and start < stop:
            runs.append((start, stop, found))
    flow.runs[(first, size)] = runs
    return runs


def daily(
    flows: Iterable[TaskFlow],
    days: Sequence[dt.date],
    key: Callable[[Segment], Any],
    weight: Callable[[Segment], float] | None = None,
) -> dict[Any, list[Any]]:
    """For each key, how many tasks (or their summed ``weight``) end each day in a segment
    with that key."""
    if not days:
        return {}
    first, size = days[0], len(days)
    deltas: dict[Any, list[Any]] = defaultdict(lambda: [0] * (size + 1))
    for flow in flows:
        for start, stop, segment in _runs(flow, first, size):
            k = key(segment)
            if k is None:
                continue
            w = 1 if weight is None else weight(segment)
            delta = deltas[k]
            delta[start] += w
            delta[stop] -= w
    if weight is None:
        return {k: list(accumulate(delta[:size])) for k, delta in deltas.items()}
    return {k: [round(v, 6) for v in accumulate(delta[:size])] for k, delta in deltas.items()}


def cumulative_flow(
    flows: Sequence[TaskFlow], days: Sequence[dt.date], by: str = "status"
) -> dict[str, list[int]]:
    """Tasks per state (or per category) at the end of each day."""
    return daily(flows, days, lambda s: s.status if by == "status" else s.category)


def wip(flows: Sequence[TaskFlow], days: Sequence[dt.date]) -> list[int]:
    series = daily(flows, days, lambda s: "wip" if s.category in WIP_CATEGORIES else None)
    return series.get("wip", [0] * len(days))


def week_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def throughput(
    flows: Iterable[TaskFlow], today: dt.date, first: dt.date | None = None
) -> list[tuple[dt.date, int]]:
    """Tasks finished per week (weeks start on Monday), zero weeks included."""
    counts = Counter(week_of(f.finished.date()) for f in flows if f.finished)
    if not counts and first is None:
        return []
    start = week_of(min([*counts, *([first] if first else [])]))
    weeks = []
    week = start
    while week <= week_of(today):
        weeks.append((week, counts.get(week, 0)))
        week += dt.timedelta(days=7)
    return weeks


@dataclass(frozen=True)
class Burn:
    """Per day: scope and done, by count and by estimated hours (cancelled work left out)."""

    days: list[dt.date]
    scope: list[int]
    done: list[int]
    scope_hours: list[float]
    done_hours: list[float]

    @property
    def remaining(self) -> list[int]:
        return [s - d for s, d in zip(self.scope, self.done, strict=True)]

    @property
    def remaining_hours(self) -> list[float]:
        return [round(s - d, 6) for s, d in zip(self.scope_hours, self.done_hours, strict=True)]


def burn(
    flows: Sequence[TaskFlow],
    days: Sequence[dt.date],
    project: str | None = None,
    milestone: str | None = None,
) -> Burn:
    wanted_project = id_key(project) if project else None
    wanted_milestone = id_key(milestone) if milestone else None
    key_of = lru_cache(maxsize=None)(id_key)

    def member(s: Segment) -> bool:
        if s.category == "cancelled":
            return False
        if wanted_project and key_of(s.project) != wanted_project:
            return False
        return not wanted_milestone or (
            s.milestone is not None and key_of(s.milestone) == wanted_milestone
        )

    def key(s: Segment) -> str | None:
        if not member(s):
            return None
        return "done" if s.category == "done" else "open"

    counts = daily(flows, days, key)
    hours = daily(flows, days, key, lambda s: s.estimate or 0.0)
    zero = [0] * len(days)
    done, open_ = counts.get("done", zero), counts.get("open", zero)
    done_h, open_h = hours.get("done", zero), hours.get("open", zero)
    return Burn(
        list(days),
        [a + b for a, b in zip(done, open_, strict=True)],
        list(done),
        [round(a + b, 6) for a, b in zip(done_h, open_h, strict=True)],
        [round(a, 6) for a in done_h],
    )


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least p% of values at or below."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def cycle_percentiles(flows: Iterable[TaskFlow]) -> dict[int, float | None]:
    times = [f.cycle_days for f in flows if f.cycle_days is not None]
    return {p: percentile(times, p) for p in PERCENTILES}


@dataclass(frozen=True)
class Age:
    id: str
    status: str
    category: str
    days: float  # since work started, or since it was created when not started yet


def ageing(flows: Iterable[TaskFlow], today: dt.date) -> list[Age]:
    """Open work, oldest first."""
    now = end_of(today)
    out = []
    for f in flows:
        if f.status is None or f.category is None or f.category in CLOSED_CATEGORIES:
            continue
        since = f.started or f.created or (f.segments[0].start if f.segments else None)
        if since is None:
            continue
        out.append(Age(f.id, f.status, f.category, _days(since, now)))
    return sorted(out, key=lambda a: (-a.days, id_key(a.id)))


@dataclass(frozen=True)
class Summary:
    """Everything ``worktext stats`` shows for one selection of tasks."""

    name: str
    days: list[dt.date]
    throughput: list[tuple[dt.date, int]]
    wip: list[int]
    flow: dict[str, list[int]]
    burn: Burn
    cycle: dict[int, float | None]
    lead: dict[int, float | None]
    ageing: list[Age]
    reopens: int
    finished: int


def summarize(
    name: str,
    flows: Sequence[TaskFlow],
    today: dt.date,
    project: str | None = None,
    milestone: str | None = None,
    days: Sequence[dt.date] | None = None,
) -> Summary:
    days = list(days) if days is not None else day_range(flows, today)
    leads = [f.lead_days for f in flows if f.lead_days is not None]
    return Summary(
        name=name,
        days=days,
        throughput=throughput(flows, days[-1] if days else today, days[0] if days else None),
        wip=wip(flows, days),
        flow=cumulative_flow(flows, days),
        burn=burn(flows, days, project, milestone),
        cycle=cycle_percentiles(flows),
        lead={p: percentile(leads, p) for p in PERCENTILES},
        ageing=ageing(flows, today),
        reopens=sum(f.reopens for f in flows),
        finished=sum(1 for f in flows if f.finished),
    )


def cycle_points(flows: Iterable[TaskFlow]) -> list[tuple[dt.date, float, str]]:
    """(finish day, cycle time in days, id) of every finished task, for a scatter chart."""
    return sorted(
        (f.finished.date(), f.cycle_days, f.id)
        for f in flows
        if f.finished is not None and f.cycle_days is not None
    )
