"""Server-side SVG timelines: a Gantt chart per project and the roadmap across projects.

No charting library reaches the page: the chart is plain SVG whose colours come from the site's
CSS classes, so it follows the light and dark themes and prints. Every text is escaped here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from worktext.model.items import Project, Task
from worktext.model.values import as_day
from worktext.model.workspace import Workspace, id_key
from worktext.plan.calendar import Calendar, workspace_calendar
from worktext.plan.outlook import Outlook
from worktext.plan.schedule import PlannedTask
from worktext.plan.workload import task_window
from worktext.render.urls import UrlMap

DAY = dt.timedelta(days=1)
LABEL_WIDTH = 280
ROW = 30
HEADER = 46
TARGET_WIDTH = 1000


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    start: dt.date
    end: dt.date
    href: str
    css: str  # the bar's class: a state category
    tooltip: str
    estimated: bool = False  # the end comes from the estimate, not from a due date
    progress: float | None = None  # 0..1, drawn inside the bar (roadmap)
    depends_on: tuple[str, ...] = ()
    open_end: bool = False  # an ongoing area: no end, drawn to the chart's edge
    # The schedule's dates (``worktext plan``), drawn as a thin bar under the declared one.
    planned: tuple[dt.date, dt.date] | None = None
    critical: bool = False
    late: bool = False
    declared: bool = True  # False: the task has no dates of its own, only planned ones
    baseline: tuple[dt.date, dt.date] | None = None  # its planned dates at the baseline


@dataclass(frozen=True)
class Marker:
    day: dt.date
    label: str
    row: int | None = None  # a row's milestone, or None for the header


@dataclass
class Chart:
    rows: list[Row]
    markers: list[Marker] = field(default_factory=list)
    today: dt.date = dt.date(2000, 1, 1)
    title: str = ""


def task_rows(
    ws: Workspace,
    tasks: list[Task],
    urls: UrlMap,
    prefix: str,
    planned: dict[str, PlannedTask] | None = None,
    baseline: dict[str, PlannedTask] | None = None,
) -> tuple[list[Row], list[Task]]:
    """Bars for tasks with dates (start→due, or sized by the estimate from one of them) or a
    place in the schedule (``planned``, by task id); the others apart. ``baseline``: the
    schedule at the baseline revision, drawn as an outline."""
    hours_per_day, days_per_week = ws.config.units.hours_per_day, ws.config.units.days_per_week
    calendar = workspace_calendar(ws)
    planned = planned or {}
    baseline = baseline or {}
    rows, undated = [], []
    for task in tasks:
        own = _bar_dates(task, hours_per_day, days_per_week, calendar)
        plan = planned.get(task.id)
        if own is not None:
            dates = own
        elif plan is not None:
            dates = (plan.planned_start, plan.planned_finish, False)
        else:
            undated.append(task)
            continue
        row = _task_row(ws, task, *dates, urls, prefix)
        if plan is not None:
            row = _with_plan(row, plan, declared=own is not None)
        then = baseline.get(task.id)
        if then is not None:
            row = _with_baseline(row, then, plan)
        rows.append(row)
    rows.sort(key=lambda r: (r.start, r.end, r.key))
    return rows, undated


def _with_baseline(row: Row, then: PlannedTask, plan: PlannedTask | None) -> Row:
    slip = ""
    if plan is not None:
        days = (plan.planned_finish - then.planned_finish).days
        slip = f", slip {days:+d} days" if days else ", no slip"
    tip = f"{row.tooltip}; baseline {then.planned_start} → {then.planned_finish}{slip}"
    return dataclasses.replace(row, baseline=(then.planned_start, then.planned_finish), tooltip=tip)


def _with_plan(row: Row, plan: PlannedTask, declared: bool) -> Row:
    """The row with the schedule's dates, and what the tooltip says of them."""
    notes = [f"planned {plan.planned_start} → {plan.planned_finish}"]
    notes.append("critical" if plan.critical else f"slack {plan.slack_days} working days")
    if plan.late:
        notes.append(f"{plan.late_days} days late")
    return dataclasses.replace(
        row,
        planned=(plan.planned_start, plan.planned_finish),
        critical=plan.critical,
        late=plan.late,
        declared=declared,
        tooltip=f"{row.tooltip}; {', '.join(notes)}"
        if declared
        else (f"{plan.id}: {row.label.split(' ', 1)[-1]} ({', '.join(notes)})"),
    )


def _bar_dates(
    task: Task,
    hours_per_day: float,
    days_per_week: float = 5,
    calendar: Calendar | None = None,
) -> tuple[dt.date, dt.date, bool] | None:
    """(start, due, whether a date comes from the estimate) of a task's bar. With an estimate
    and one date, the bar is as many working days long as the estimate needs, counted on
    ``calendar`` (the workspace's, holidays skipped; default the first ``days_per_week`` days
    of the week): from the start on, or up to the due date (as the workload plans it); a due
    date alone, without an estimate, is a one-day bar on that day. None for a task without
    dates to draw (it may still have planned ones)."""
    start = as_day(task.start) if task.start else None
    due = as_day(task.due) if task.due else None
    if start is not None and due is not None:
        return start, due, False
    if start is None and due is None:
        return None
    if not task.estimate:
        day = start or due
        assert day is not None
        return day, day, False
    window = task_window(task, hours_per_day, days_per_week, calendar)
    if window is None:  # pragma: no cover - a task with a date always has a window
        return None
    return window[0], window[1], True


def _task_row(
    ws: Workspace,
    task: Task,
    start: dt.date,
    due: dt.date,
    estimated: bool,
    urls: UrlMap,
    prefix: str,
) -> Row:
    state = ws.state_of(task)
    status = state.title if state else (task.status or "")
    how = ", estimated" if estimated else ""
    tip = f"{task.id}: {task.title} ({status}; {start} → {due}{how})"
    if estimated and not task.start:
        tip = f"{task.id}: {task.title} ({status}; {start} → {due}, no start: from the estimate)"
    return Row(
        task.id,
        f"{task.id} {task.title}",
        min(start, due),
        max(start, due),
        prefix + urls.item("task", task.id),
        "overdue" if ws.is_overdue(task) else ws.category(task),
        tip,
        estimated,
        depends_on=tuple(task.depends_on),
    )


def project_chart(
    ws: Workspace,
    project: Project,
    urls: UrlMap,
    prefix: str,
    planned: dict[str, PlannedTask] | None = None,
    baseline: dict[str, PlannedTask] | None = None,
) -> tuple[Chart, list[Task]]:
    rows, undated = task_rows(ws, ws.tasks_of_project(project), urls, prefix, planned, baseline)
    markers = [Marker(as_day(m.date), m.title or m.id) for m in project.milestones if m.date]
    if project.deadline:
        markers.append(Marker(as_day(project.deadline), "Deadline"))
    return Chart(rows, markers, ws.today, project.title), undated


def roadmap_chart(
    ws: Workspace,
    projects: list[Project],
    urls: UrlMap,
    prefix: str,
    outlooks: dict[str, Outlook] | None = None,
) -> Chart:
    """A bar per project; with ``outlooks`` (by project id), a thin bar to its projected
    finish under it, red when that is after the deadline."""
    rows: list[Row] = []
    markers: list[Marker] = []
    outlooks = outlooks or {}
    for project in projects:
        tasks = ws.tasks_of_project(project)
        span = _project_span(project, tasks, ws.today)
        if span is None:
            continue
        index = len(rows)
        row = _project_row(ws, project, tasks, *span, urls, prefix)
        outlook = outlooks.get(project.id)
        if outlook is not None and outlook.projected_finish is not None:
            finish = outlook.projected_finish
            row = dataclasses.replace(
                row,
                planned=(min(row.start, ws.today, finish), finish),
                late=outlook.status == "late",
                tooltip=f"{row.tooltip}; projected finish {finish} ({outlook.status})",
            )
        rows.append(row)
        markers += [
            Marker(as_day(milestone.date), milestone.title or milestone.id, index)
            for milestone in project.milestones
            if milestone.date
        ]
    return Chart(rows, markers, ws.today, "Roadmap")


def _project_span(
    project: Project, tasks: list[Task], today: dt.date
) -> tuple[dt.date, dt.date, bool] | None:
    """A project's start and deadline, each taken from its tasks' dates when not set, and
    whether it is open-ended (an ongoing area without a deadline: it runs on past today);
    None when there is nothing to take a start from."""
    days = [as_day(d) for t in tasks for d in (t.start, t.due) if d]
    start = as_day(project.start) if project.start else (min(days) if days else None)
    if project.is_ongoing and not project.deadline:
        if start is None:
            return None
        return start, max([*days, today, start]), True
    end = as_day(project.deadline) if project.deadline else (max(days) if days else None)
    if start is None or end is None:
        return None
    return start, end, False


def _project_row(
    ws: Workspace,
    project: Project,
    tasks: list[Task],
    start: dt.date,
    end: dt.date,
    open_end: bool,
    urls: UrlMap,
    prefix: str,
) -> Row:
    done, total = ws.progress(tasks)
    until = "ongoing, no end" if open_end else str(end)
    return Row(
        project.id,
        project.title,
        min(start, end),
        max(start, end),
        prefix + urls.item("timeline", project.id),
        f"project-{project.status}",
        f"{project.title}: {start} → {until}, {done}/{total} done",
        progress=None if open_end else (done / total if total else 0.0),
        open_end=open_end,
    )


def render_svg(chart: Chart) -> Markup:
    """The chart as an inline SVG element (an accessible image with a text alternative)."""
    if not chart.rows:
        return Markup("")
    days = [r.start for r in chart.rows] + [r.end for r in chart.rows] + [chart.today]
    days += [m.day for m in chart.markers]
    days += [day for r in chart.rows if r.planned for day in r.planned]
    days += [day for r in chart.rows if r.baseline for day in r.baseline]
    first = min(days) - DAY * 3
    last = max(days) + DAY * 3
    span = (last - first).days + 1
    day_w = max(2.0, min(28.0, TARGET_WIDTH / span))
    width = LABEL_WIDTH + span * day_w + 8
    rows_end = HEADER + len(chart.rows) * ROW + 10
    lanes = _label_lanes(chart.markers, first, day_w)
    height = rows_end + (MARK_LANE * (max(lanes.values()) + 1) + 6 if lanes else 0)

    def x(day: dt.date) -> float:
        return LABEL_WIDTH + (day - first).days * day_w

    out: list[str] = []
    add = out.append
    title = escape(chart.title)
    add(
        f'<svg class="gantt" data-labels="{LABEL_WIDTH}" xmlns="http://www.w3.org/2000/svg" '
        'role="img" '
        f'aria-label="{title}: {len(chart.rows)} bars" width="{width:.0f}" height="{height}" '
        f'viewBox="0 0 {width:.0f} {height}">'
    )
    add(
        '<defs><marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse">'
        '<path class="arrowhead" d="M0,0 L8,4 L0,8 z"/></marker></defs>'
    )
    add(f'<rect class="g-bg" x="0" y="0" width="{width:.0f}" height="{height}"/>')
    _grid(add, first, last, day_w, x, rows_end)
    for index in range(len(chart.rows)):
        y = HEADER + index * ROW
        if index % 2:
            add(f'<rect class="g-stripe" x="0" y="{y}" width="{width:.0f}" height="{ROW}"/>')
    _today(add, chart.today, first, last, x, rows_end)
    _arrows(add, chart.rows, x, day_w)
    edge = x(last + DAY)
    for index, row in enumerate(chart.rows):
        _bar(add, row, index, x, day_w, edge)
    for position, marker in enumerate(chart.markers):
        _marker(add, marker, x, rows_end, lanes.get(position), _room(chart.markers, position, x))
    add("</svg>")
    return Markup("".join(out))


def _grid(add, first: dt.date, last: dt.date, day_w: float, x, height: int) -> None:
    day = first
    while day <= last:
        if day.weekday() >= 5 and day_w >= 3:
            add(
                f'<rect class="g-weekend" x="{x(day):.1f}" y="{HEADER - 16}" '
                f'width="{day_w:.1f}" height="{height - HEADER + 16}"/>'
            )
        if day.day == 1 or day == first:
            add(f'<line class="g-month" x1="{x(day):.1f}" y1="4" x2="{x(day):.1f}" y2="{height}"/>')
            if (last - day).days * day_w > 64:  # room for the label before the chart ends
                add(f'<text class="g-head" x="{x(day) + 4:.1f}" y="16">{day:%b %Y}</text>')
        elif day.weekday() == 0 and day_w >= 5:
            add(f'<text class="g-tick" x="{x(day) + 2:.1f}" y="{HEADER - 6}">{day.day}</text>')
        day += DAY


def _today(add, today: dt.date, first: dt.date, last: dt.date, x, height: int) -> None:
    if first <= today <= last:
        add(
            f'<line class="g-today" x1="{x(today):.1f}" y1="22" x2="{x(today):.1f}" y2="{height}"/>'
        )
        add(f'<text class="g-today-label" x="{x(today) + 3:.1f}" y="30">Today</text>')


def _bar(add, row: Row, index: int, x, day_w: float, edge: float) -> None:
    y = HEADER + index * ROW
    label = escape(row.label if len(row.label) <= 38 else row.label[:37] + "…")
    x0, x1 = x(row.start), (edge if row.open_end else x(row.end + DAY))
    extra = (" estimated" if row.estimated else "") + (" open-ended" if row.open_end else "")
    add(f'<a href="{escape(row.href)}"><title>{escape(row.tooltip)}</title>')
    add(f'<text class="g-label" x="8" y="{y + 19}">{label}</text>')
    if row.declared:
        add(
            f'<rect class="bar {escape(row.css)}{extra}" x="{x0:.1f}" y="{y + 7}" '
            f'width="{max(x1 - x0, 3):.1f}" height="{ROW - 14}" rx="4"/>'
        )
    if row.planned is not None:
        _planned_bar(add, row, row.planned, y, x)
    if row.baseline is not None:
        b0, b1 = x(row.baseline[0]), x(row.baseline[1] + DAY)
        add(
            f'<rect class="bar-baseline" x="{b0:.1f}" y="{y + 4}" '
            f'width="{max(b1 - b0, 3):.1f}" height="{ROW - 8}" rx="4"/>'
        )
    # On a narrow screen the label column scrolls away (site.js) and this name, at the bar,
    # shows instead (site.css): the labels give way to the bars.
    add(f'<text class="g-bar-label" x="{x0 + 4:.1f}" y="{y + 19}">{label}</text>')
    if row.open_end:  # no end: the bar runs off the chart, and says so
        add(
            f'<text class="g-open" x="{x1 - 4:.1f}" y="{y + 19}" text-anchor="end">ongoing →</text>'
        )
    if row.progress is not None:
        add(
            f'<rect class="bar-progress" x="{x0:.1f}" y="{y + 7}" '
            f'width="{max((x1 - x0) * row.progress, 0):.1f}" height="{ROW - 14}" rx="4"/>'
        )
    add("</a>")


def _planned_bar(add, row: Row, planned: tuple[dt.date, dt.date], y: int, x) -> None:
    """The schedule's dates: a thin bar at the foot of the row (critical and late in their
    own colours)."""
    x0, x1 = x(planned[0]), x(planned[1] + DAY)
    kind = " critical" if row.critical else ""
    kind += " late" if row.late else ""
    add(
        f'<rect class="bar-planned{kind}" x="{x0:.1f}" y="{y + ROW - 8}" '
        f'width="{max(x1 - x0, 3):.1f}" height="4" rx="2"/>'
    )


def _arrows(add, rows: list[Row], x, day_w: float) -> None:
    position = {id_key(row.key): (index, row) for index, row in enumerate(rows)}
    for index, row in enumerate(rows):
        for dependency in row.depends_on:
            found = position.get(id_key(dependency))
            if found is None:
                continue
            dep_index, dep = found
            x0, y0 = x(dep.end + DAY), HEADER + dep_index * ROW + ROW / 2
            x1, y1 = x(row.start), HEADER + index * ROW + ROW / 2
            mid = max(x0 + 6, min(x1 - 6, x0 + 12))
            add(
                f'<path class="g-dep" d="M{x0:.1f},{y0:.1f} H{mid:.1f} V{y1:.1f} H{x1 - 1:.1f}" '
                f'marker-end="url(#arrow)"/>'
            )


MARK_LANE = 16  # the height of a line of milestone names under the chart
CHAR_W = 6.5  # about how wide a character of a label is, at the chart's 11 px


def _label_lanes(markers: list[Marker], first: dt.date, day_w: float) -> dict[int, int]:
    """The line under the chart that the name of each milestone without a row goes on, by
    its index in ``markers``: a name that would run into the one before goes a line lower."""
    ends: list[float] = []
    lanes: dict[int, int] = {}
    order = sorted(
        (i for i, m in enumerate(markers) if m.row is None), key=lambda i: markers[i].day
    )
    for index in order:
        start = (markers[index].day - first).days * day_w - 6
        lane = next((n for n, end in enumerate(ends) if start > end + 6), len(ends))
        if lane == len(ends):
            ends.append(0.0)
        ends[lane] = start + 14 + CHAR_W * len(markers[index].label)
        lanes[index] = lane
    return lanes


def _room(markers: list[Marker], position: int, x) -> float | None:
    """How much room a row milestone's name has before the next milestone of its row."""
    marker = markers[position]
    if marker.row is None:
        return None
    later = [x(m.day) for m in markers if m.row == marker.row and m.day > marker.day]
    return min(later) - x(marker.day) - 12 if later else None


def _fit(label: str, room: float | None) -> str:
    if room is None or len(label) * CHAR_W <= room:
        return label
    keep = max(1, int(room / CHAR_W) - 1)
    return label[:keep] + "…"


def _marker(
    add, marker: Marker, x, rows_end: int, lane: int | None, room: float | None = None
) -> None:
    """A milestone: a diamond with its name beside it (on a row), or a line down the chart
    with its name under it (a project's milestones), so it shows without hovering."""
    mx = x(marker.day)
    title = escape(marker.label)
    if marker.row is None:
        add(
            f'<line class="g-milestone-line" x1="{mx:.1f}" y1="{HEADER - 10}" '
            f'x2="{mx:.1f}" y2="{rows_end + MARK_LANE * (lane or 0) + 4}"/>'
        )
        y: float = HEADER - 10
        label_y: float = rows_end + MARK_LANE * (lane or 0) + 12
        name = escape(marker.label)
        label_x = mx + 5
    else:
        y = HEADER + marker.row * ROW + ROW / 2
        label_y = y + 4
        name = escape(_fit(marker.label, room))
        label_x = mx + 8
    add(
        f'<g class="g-milestone"><title>{title}: {marker.day}</title>'
        f'<path d="M{mx:.1f},{y - 6:.1f} l6,6 l-6,6 l-6,-6 z"/></g>'
        f'<text class="g-milestone-label" x="{label_x:.1f}" y="{label_y:.1f}">{name}</text>'
    )
