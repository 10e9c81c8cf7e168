"""Flow charts as standalone inline SVG strings: no JavaScript, every text escaped, each chart
an accessible image (``role="img"`` with a ``<title>`` and a ``<desc>`` that says the numbers).

Pure functions of plain data (dates, counts, hours), so the site, the docs and tests can call
them with anything; ``worktext.metrics`` produces that data. Imports are absolute so this
module loads whether or not ``worktext.render`` is a package.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from worktext.history.metrics import Summary, TaskFlow

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 40
CATEGORY_COLOURS = {
    "backlog": "#9aa5b1",
    "todo": "#5b8def",
    "active": "#f5a623",
    "blocked": "#d64545",
    "done": "#3c9d5d",
    "cancelled": "#c8ccd0",
}
PALETTE = ("#5b8def", "#f5a623", "#3c9d5d", "#d64545", "#8e6bd8", "#2bb3b1", "#9aa5b1", "#e07b39")
FONT = 'font-family="system-ui, sans-serif" font-size="11"'


def human_days(days: float) -> str:
    """A duration given in days as a person says it: ``50 min``, ``5.5 h``, ``1 day``,
    ``3.2 days`` (never ``0.0417 days``)."""
    if days < 1 / 24:
        return f"{max(1, round(days * 1440))} min"
    if days < 1:
        return f"{round(days * 24, 1):g} h"
    rounded = round(days, 1)
    return "1 day" if rounded == 1 else f"{rounded:g} days"


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _id(*parts: object) -> str:
    digest = hashlib.sha1(repr(parts).encode("utf-8", "replace")).hexdigest()[:10]
    return f"wt-chart-{digest}"


def _frame(title: str, desc: str, body: list[str], key: object, height: int = HEIGHT) -> str:
    chart = _id(title, key)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" class="wt-chart" '
        f'aria-labelledby="{chart}-t {chart}-d">'
        f'<title id="{chart}-t">{_e(title)}</title><desc id="{chart}-d">{_e(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 4:
            return float(step * (int(value // step) + (value % step > 0)))
    return float(value)


def _axes(days: Sequence[dt.date], top: float, height: int = HEIGHT, unit: str = "") -> list[str]:
    """The two axis lines; ``_labels`` writes their text last, so no plot covers it."""
    bottom = height - BOTTOM
    return [
        f'<g class="axes" stroke="#8893a0" stroke-width="1">'
        f'<line x1="{LEFT}" y1="{bottom}" x2="{WIDTH - RIGHT}" y2="{bottom}"/>'
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}"/></g>'
    ]


def _labels(days: Sequence[dt.date], top: float, height: int = HEIGHT, unit: str = "") -> list[str]:
    bottom = height - BOTTOM
    out = [
        f'<g {FONT} fill="#4a5560">',
        f'<text x="{LEFT - 4}" y="{TOP + 4}" text-anchor="end">{_fmt(top)}</text>',
        f'<text x="{LEFT - 4}" y="{bottom}" text-anchor="end">0</text>',
    ]
    if unit:
        out.append(
            f'<text x="{LEFT + 4}" y="{TOP + 10}" stroke="#fff" stroke-width="3" '
            f'paint-order="stroke">{_e(unit)}</text>'
        )
    if days:
        out.append(f'<text x="{LEFT}" y="{bottom + 14}">{days[0].isoformat()}</text>')
        if len(days) > 1:
            out.append(
                f'<text x="{WIDTH - RIGHT}" y="{bottom + 14}" text-anchor="end">'
                f"{days[-1].isoformat()}</text>"
            )
    out.append("</g>")
    return out


def _fmt(value: float) -> str:
    return f"{value:g}" if value < 1e6 else f"{value:.3g}"


def _scale(count: int, height: int = HEIGHT) -> tuple[float, float]:
    plot_w = WIDTH - LEFT - RIGHT
    return plot_w / max(count - 1, 1), height - BOTTOM - TOP


def _x(index: int, step: float) -> float:
    return round(LEFT + index * step, 2)


def _y(value: float, top: float, plot_h: float, height: int = HEIGHT) -> float:
    return round(height - BOTTOM - (value / top) * plot_h, 2)


def _legend(names: Sequence[tuple[str, str]], height: int = HEIGHT) -> tuple[list[str], int]:
    """Swatches under the chart, wrapped onto more rows when they do not fit; returns the
    elements and the chart's new height."""
    out = [f'<g class="legend" {FONT} fill="#4a5560">']
    x, y = LEFT, height - 14
    for name, colour in names:
        width = 24 + 7 * len(name)
        if x > LEFT and x + width > WIDTH - RIGHT:
            x, y = LEFT, y + 16
        out.append(
            f'<rect x="{x}" y="{y}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14}" y="{y + 9}">{_e(name)}</text>'
        )
        x += width
    out.append("</g>")
    return out, y + 14


def _shade(colour: str, amount: float) -> str:
    """``colour`` (#rrggbb) mixed with white (``amount`` < 0) or black (> 0)."""
    channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    target = 0 if amount > 0 else 255
    mixed = [round(c + (target - c) * abs(amount)) for c in channels]
    return "#" + "".join(f"{c:02x}" for c in mixed)


def state_colours(categories: Mapping[str, str], order: Sequence[str] = ()) -> dict[str, str]:
    """A colour per state: its category's, in shades (lighter to darker, in ``order``, the
    workflow's order of its states) where a category has several states, so that "doing" and
    "review" are two oranges, not one."""
    names = [s for s in order if s in categories] + [s for s in categories if s not in order]
    by_category: dict[str, list[str]] = {}
    for name in names:
        by_category.setdefault(categories[name], []).append(name)
    colours: dict[str, str] = {}
    for index, (category, states) in enumerate(by_category.items()):
        base = CATEGORY_COLOURS.get(category, PALETTE[index % len(PALETTE)])
        count = len(states)
        for position, state in enumerate(states):
            amount = 0.0 if count == 1 else -0.3 + 0.75 * position / (count - 1)
            colours[state] = _shade(base, amount * (0.6 if amount > 0 else 1.0))
    return colours


def _colour(name: str, index: int, categories: Mapping[str, str] | None) -> str:
    if categories and name in categories:
        return CATEGORY_COLOURS.get(categories[name], PALETTE[index % len(PALETTE)])
    return CATEGORY_COLOURS.get(name, PALETTE[index % len(PALETTE)])


def _empty(title: str, note: str = "No history yet.") -> str:
    return _frame(
        title,
        note,
        [f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle" {FONT}>{_e(note)}</text>'],
        note,
    )


def cumulative_flow_svg(
    days: Sequence[dt.date],
    series: Mapping[str, Sequence[int]],
    order: Sequence[str] | None = None,
    categories: Mapping[str, str] | None = None,
    title: str = "Cumulative flow",
) -> str:
    """Stacked areas, one per state: the count of tasks in each state at the end of each day.

    ``order`` lists states from the bottom of the stack (done first reads best); states in
    ``series`` but not in ``order`` follow. ``categories`` maps states to colours by category.
    """
    names = _stack_order(series, order)
    if not days or not names:
        return _empty(title)
    totals = [sum(series[n][i] for n in names) for i in range(len(days))]
    top = _nice_max(max(totals))
    body = _axes(days, top, unit="tasks")
    areas, legend = _stacked_areas(len(days), series, names, top, categories)
    body += areas
    swatches, height = _legend(legend)
    body += swatches + _labels(days, top, unit="tasks")
    now = ", ".join(f"{n} {series[n][-1]}" for n in names)
    desc = f"Tasks per state from {days[0]} to {days[-1]}. On {days[-1]}: {now}."
    return _frame(title, desc, body, (days[0], days[-1], now), height)


def _stack_order(series: Mapping[str, Sequence[int]], order: Sequence[str] | None) -> list[str]:
    """The states of ``series`` from the bottom of the stack: those in ``order`` first, in
    its order, then the others."""
    order = order or ()
    return [s for s in order if s in series] + [s for s in series if s not in order]


def _stacked_areas(
    count: int,
    series: Mapping[str, Sequence[int]],
    names: Sequence[str],
    top: float,
    categories: Mapping[str, str] | None,
) -> tuple[list[str], list[tuple[str, str]]]:
    """One polygon per state, stacked on the ones before it, and the legend's entries."""
    step, plot_h = _scale(count)
    below = [0.0] * count
    areas, legend = [], []
    shades = state_colours(categories, list(reversed(names))) if categories else {}
    for index, name in enumerate(names):
        upper = [below[i] + series[name][i] for i in range(count)]
        points = [f"{_x(i, step)},{_y(upper[i], top, plot_h)}" for i in range(count)]
        points += [f"{_x(i, step)},{_y(below[i], top, plot_h)}" for i in reversed(range(count))]
        colour = shades.get(name) or _colour(name, index, categories)
        areas.append(
            f'<polygon points="{" ".join(points)}" fill="{colour}" fill-opacity="0.85">'
            f"<title>{_e(name)}: {series[name][-1]} now</title></polygon>"
        )
        legend.append((name, colour))
        below = upper
    return areas, legend


def line_chart_svg(
    days: Sequence[dt.date],
    lines: Mapping[str, Sequence[float]],
    title: str,
    unit: str = "tasks",
    dashed: Sequence[str] = (),
    colours: Mapping[str, str] | None = None,
) -> str:
    """Lines over days (one per name); names in ``dashed`` are drawn dashed (targets)."""
    if not days or not lines:
        return _empty(title)
    top = _nice_max(_highest(lines))
    step, plot_h = _scale(len(days))
    body = _axes(days, top, unit=unit)
    legend = []
    for index, (name, values) in enumerate(lines.items()):
        colour = (colours or {}).get(name, PALETTE[index % len(PALETTE)])
        points = " ".join(f"{_x(i, step)},{_y(v, top, plot_h)}" for i, v in enumerate(values))
        dash = ' stroke-dasharray="5 4"' if name in dashed else ""
        body.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"{dash}>'
            f"<title>{_e(name)}: {_fmt(values[-1]) if values else 0}</title></polyline>"
        )
        legend.append((name, colour))
    swatches, height = _legend(legend)
    body += swatches + _labels(days, top, unit=unit)
    last = _latest_values(lines)
    desc = f"{title} from {days[0]} to {days[-1]} in {unit}. On {days[-1]}: {last}."
    return _frame(title, desc, body, (days[0], days[-1], last, unit), height)


def _highest(lines: Mapping[str, Sequence[float]]) -> float:
    return max((max(v) if v else 0) for v in lines.values())


def _latest_values(lines: Mapping[str, Sequence[float]]) -> str:
    """``name value`` of each line's last point, for the chart's description."""
    return ", ".join(f"{n} {_fmt(v[-1])}" for n, v in lines.items() if v)


def burnup_svg(
    days: Sequence[dt.date],
    scope: Sequence[float],
    done: Sequence[float],
    unit: str = "tasks",
    title: str = "Burnup",
) -> str:
    """Scope and done over time; the gap between the lines is the work left."""
    return line_chart_svg(
        days,
        {"scope": scope, "done": done},
        title,
        unit,
        colours={"scope": "#5b8def", "done": "#3c9d5d"},
    )


def burndown_svg(
    days: Sequence[dt.date],
    remaining: Sequence[float],
    target: dt.date | None = None,
    unit: str = "tasks",
    title: str = "Burndown",
) -> str:
    """Work left per day; with a target date, an ideal straight line from the first day's
    remaining work to zero on that date (drawn over the days shown)."""
    lines: dict[str, Sequence[float]] = {"remaining": remaining}
    if target is not None and days and remaining:
        span = max((target - days[0]).days, 1)
        start = remaining[0]
        lines[f"ideal (by {target})"] = [
            max(start * (1 - (d - days[0]).days / span), 0.0) for d in days
        ]
    return line_chart_svg(
        days,
        lines,
        title,
        unit,
        dashed=[n for n in lines if n != "remaining"],
        colours={"remaining": "#d64545"},
    )


def wip_svg(
    days: Sequence[dt.date],
    counts: Sequence[int],
    limit: int | None = None,
    title: str = "Work in progress",
) -> str:
    lines: dict[str, Sequence[float]] = {"in progress": counts}
    if limit is not None:
        lines[f"limit {limit}"] = [limit] * len(days)
    return line_chart_svg(
        days, lines, title, "tasks", dashed=[n for n in lines if n != "in progress"]
    )


def throughput_svg(weeks: Sequence[tuple[dt.date, int]], title: str = "Throughput per week") -> str:
    """One bar per week (weeks start on Monday): tasks finished that week."""
    if not weeks:
        return _empty(title, "Nothing finished yet.")
    top = _nice_max(max(n for _, n in weeks))
    plot_w = WIDTH - LEFT - RIGHT
    bar = plot_w / len(weeks)
    _, plot_h = _scale(2)
    body = _axes([w for w, _ in weeks], top, unit="tasks")
    body.append('<g fill="#5b8def">')
    for index, (week, count) in enumerate(weeks):
        y = _y(count, top, plot_h)
        body.append(
            f'<rect x="{round(LEFT + index * bar + bar * 0.1, 2)}" y="{y}" '
            f'width="{round(bar * 0.8, 2)}" height="{round(HEIGHT - BOTTOM - y, 2)}">'
            f"<title>week of {week}: {count}</title></rect>"
        )
    body.append("</g>")
    body += _labels([w for w, _ in weeks], top, unit="tasks")
    total = sum(n for _, n in weeks)
    desc = (
        f"Tasks finished per week from the week of {weeks[0][0]} to the week of {weeks[-1][0]}: "
        f"{total} in all, {weeks[-1][1]} in the last week."
    )
    return _frame(title, desc, body, (weeks[0], weeks[-1], total))


def cycle_time_svg(
    points: Sequence[tuple[dt.date, float, str]],
    percentiles: Mapping[int, float | None],
    title: str = "Cycle time",
) -> str:
    """One dot per finished task (finish day, cycle time in days, task id) with horizontal
    lines at the percentiles (50/85/95)."""
    if not points:
        return _empty(title, "No finished tasks with a start yet.")
    ordered = sorted(points)
    first, last = ordered[0][0], ordered[-1][0]
    span = max((last - first).days, 1)
    values = [p[1] for p in ordered] + [v for v in percentiles.values() if v is not None]
    top = _nice_max(max(values))
    step, plot_h = _scale(span + 1)
    body = _axes([first, last] if span else [first], top, unit="days")
    body.append('<g fill="#5b8def" fill-opacity="0.7">')
    for day, days, task_id in ordered:
        body.append(
            f'<circle cx="{_x((day - first).days, step)}" cy="{_y(days, top, plot_h)}" r="3">'
            f"<title>{_e(task_id)}: {human_days(days)}, finished {day}</title></circle>"
        )
    body.append("</g>")
    body += _percentile_lines(percentiles, top, plot_h)
    body += _labels([first, last] if span else [first], top, unit="days")
    described = ", ".join(
        f"{p}% within {human_days(v)}" for p, v in sorted(percentiles.items()) if v is not None
    )
    desc = f"Cycle time of {len(points)} finished tasks from {first} to {last}: {described}."
    return _frame(title, desc, body, (first, last, len(points), described))


def _percentile_lines(
    percentiles: Mapping[int, float | None], top: float, plot_h: float
) -> list[str]:
    """A dashed line at each percentile's value, labelled; percentiles with one value share
    one line, and a label too close to the one above goes under its line."""
    same: dict[float, list[int]] = {}
    for p, value in sorted(percentiles.items()):
        if value is not None:
            same.setdefault(value, []).append(p)
    out = []
    previous_label = None
    for value, ps in same.items():
        y = _y(value, top, plot_h)
        label_y = y - 3
        if previous_label is not None and abs(previous_label - label_y) < 12:
            label_y = y + 11  # lines close together: this label goes under its line
        previous_label = label_y
        label = "/".join(f"{p}%" for p in ps)
        out.append(
            f'<g stroke="#8e6bd8" stroke-dasharray="4 3"><line x1="{LEFT}" y1="{y}" '
            f'x2="{WIDTH - RIGHT}" y2="{y}"/></g><text x="{WIDTH - RIGHT}" y="{label_y}" '
            f'text-anchor="end" {FONT} fill="#8e6bd8">{label}: {human_days(value)}</text>'
        )
    return out


def timeline_svg(
    segments: Sequence[tuple[dt.datetime, dt.datetime | None, str, str]],
    now: dt.datetime,
    title: str = "History",
    colours: Mapping[str, str] | None = None,
) -> str:
    """A task's states as one horizontal band: (start, end or None, state, category);
    ``colours`` by state (``state_colours``), else by category."""
    height = 70
    if not segments:
        return _frame(title, "No history yet.", [], "empty", height)
    start = segments[0][0]
    last_day = now - dt.timedelta(microseconds=1)  # 'now' may be midnight after today
    total = max((now - start).total_seconds(), 1.0)
    plot_w = WIDTH - LEFT - RIGHT
    body = [f"<g {FONT}>"]
    for index, (begin, end, state, category) in enumerate(segments):
        x0 = LEFT + (begin - start).total_seconds() / total * plot_w
        x1 = LEFT + ((end or now) - start).total_seconds() / total * plot_w
        colour = (colours or {}).get(state) or CATEGORY_COLOURS.get(
            category, PALETTE[index % len(PALETTE)]
        )
        until = f" to {end:%Y-%m-%d}" if end else " until now"
        body.append(
            f'<rect x="{round(x0, 2)}" y="14" width="{round(max(x1 - x0, 1), 2)}" height="22" '
            f'fill="{colour}"><title>{_e(state)} from {begin:%Y-%m-%d}{_e(until)}</title></rect>'
        )
        if x1 - x0 > 7 * len(state) + 6:
            body.append(f'<text x="{round(x0 + 4, 2)}" y="29" fill="#fff">{_e(state)}</text>')
    body.append(
        f'<text x="{LEFT}" y="52" fill="#4a5560">{start:%Y-%m-%d}</text>'
        f'<text x="{WIDTH - RIGHT}" y="52" text-anchor="end" fill="#4a5560">'
        f"{last_day:%Y-%m-%d}</text>"
    )
    body.append("</g>")
    steps = "; ".join(f"{s} from {b:%Y-%m-%d}" for b, _, s, _ in segments)
    return _frame(title, f"States over time: {steps}.", body, (steps, now), height)


def flow_timeline_svg(
    flow: TaskFlow,
    today: dt.date,
    title: str | None = None,
    colours: Mapping[str, str] | None = None,
) -> str:
    """``timeline_svg`` for a ``worktext.metrics.TaskFlow``."""
    from worktext.history.metrics import end_of

    segments = [(s.start, s.end, s.status, s.category) for s in flow.segments]
    return timeline_svg(segments, end_of(today), title or f"History of {flow.id}", colours)


def summary_charts(
    summary: Summary,
    categories: Mapping[str, str] | None = None,
    order: Sequence[str] | None = None,
    target: dt.date | None = None,
    cycle_points: Sequence[tuple[dt.date, float, str]] = (),
) -> dict[str, str]:
    """Every chart of a ``worktext.metrics.Summary``, by name: flow, wip, throughput,
    burnup, burnup_hours, burndown, cycle."""
    s = summary
    name = s.name
    days, burn = s.days, s.burn
    return {
        "flow": cumulative_flow_svg(days, s.flow, order, categories, f"Cumulative flow: {name}"),
        "wip": wip_svg(days, s.wip, title=f"Work in progress: {name}"),
        "throughput": throughput_svg(s.throughput, f"Throughput per week: {name}"),
        "burnup": burnup_svg(days, burn.scope, burn.done, "tasks", f"Burnup: {name}"),
        "burnup_hours": burnup_svg(
            days, burn.scope_hours, burn.done_hours, "hours", f"Burnup by estimate: {name}"
        ),
        "burndown": burndown_svg(days, burn.remaining, target, "tasks", f"Burndown: {name}"),
        "cycle": cycle_time_svg(cycle_points, s.cycle, f"Cycle time: {name}"),
    }


def ageing_svg(
    ages: Sequence[tuple[str, str, str, float]],
    states: Sequence[str],
    percentiles: Mapping[int, float | None],
    title: str = "Ageing work in progress",
) -> str:
    """Open work by state (columns, in workflow order) and age in days (task id, state, its
    category, days), with the finished tasks' cycle-time percentiles as lines: a dot above
    the 85 % line is older than 85 % of finished work was when it was done."""
    shown = [a for a in ages if a[1] in states]
    if not shown:
        return _empty(title, "No work in progress.")
    columns = [s for s in states if any(a[1] == s for a in shown)]
    values = [a[3] for a in shown] + [v for v in percentiles.values() if v is not None]
    top = _nice_max(max(values))
    plot_w = WIDTH - LEFT - RIGHT
    width = plot_w / len(columns)
    plot_h = HEIGHT - BOTTOM - TOP
    body = _axes([], top, unit="days")
    for index, state in enumerate(columns):
        here = sorted((a for a in shown if a[1] == state), key=lambda a: (a[3], a[0]))
        centre = LEFT + width * (index + 0.5)
        for n, (task_id, _state, category, days) in enumerate(here):
            spread = (n % 5 - 2) * min(6.0, width / 12)  # side by side, not on top
            colour = CATEGORY_COLOURS.get(category, PALETTE[0])
            body.append(
                f'<circle cx="{centre + spread:.1f}" cy="{_y(days, top, plot_h)}" r="3.5" '
                f'fill="{colour}" fill-opacity="0.8"><title>{_e(task_id)}: {_e(state)}, '
                f"{human_days(days)} old</title></circle>"
            )
        body.append(
            f'<text x="{centre:.1f}" y="{HEIGHT - BOTTOM + 14}" text-anchor="middle" {FONT} '
            f'fill="#4a5560">{_e(state)}</text>'
        )
    body += _percentile_lines(percentiles, top, plot_h)
    body += _labels([], top, unit="days")
    oldest = max(shown, key=lambda a: a[3])
    desc = (
        f"{len(shown)} open tasks in {len(columns)} states; the oldest, {oldest[0]}, "
        f"is {human_days(oldest[3])} old."
    )
    return _frame(title, desc, body, (tuple(columns), len(shown), round(oldest[3], 1)))
