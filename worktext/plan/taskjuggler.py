"""The workspace's open work as a TaskJuggler project (``.tjp``), and TaskJuggler's schedule
read back: the anchor that ``worktext plan`` is tested and timed against.

What is written is what the scheduler reads: each person's working days and hours, the
workspace's holidays (``leaves holiday``) and their time away (``leaves annual``); each open,
estimated, assigned task's remaining effort, its assignees (``allocate``, all at once), its
open dependencies with their lag (``gaplength``), its ``start`` as the earliest start and its
priority. TaskJuggler ids allow no ``-``, so tasks become ``t1``, ``t2``…; ``tj_ids`` maps
them back.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

from worktext.errors import WorktextError
from worktext.model.items import Task
from worktext.model.values import as_day
from worktext.model.workspace import Workspace, id_key
from worktext.plan.calendar import Calendar, person_calendar, workspace_calendar
from worktext.plan.workload import remaining_hours

log = logging.getLogger(__name__)

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
REPORT = "schedule"


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _hours(calendar: Calendar) -> str:
    """TaskJuggler working hours of one day of ``calendar``, from 9:00, with a lunch hour
    after three hours as TaskJuggler's own default has."""
    minutes = round(calendar.hours_per_day * 60)
    if minutes <= 0:
        return "off"
    morning = min(minutes, 180)
    spans = [(9 * 60, 9 * 60 + morning)]
    if minutes > morning:
        spans.append((13 * 60, 13 * 60 + minutes - morning))
    return ", ".join(f"{a // 60}:{a % 60:02d} - {b // 60}:{b % 60:02d}" for a, b in spans)


def _working_hours(calendar: Calendar) -> list[str]:
    on = [DAY_NAMES[d] for d in sorted(calendar.workdays)]
    off = [DAY_NAMES[d] for d in range(7) if d not in calendar.workdays]
    lines = []
    if on:
        lines.append(f"  workinghours {', '.join(on)} {_hours(calendar)}")
    if off:
        lines.append(f"  workinghours {', '.join(off)} off")
    return lines


def plannable(ws: Workspace) -> list[Task]:
    """The tasks that both schedulers plan: open, estimated, assigned, by id."""
    return [t for t in ws.tasks if ws.is_open(t) and t.estimate is not None and t.assignees]


def to_tjp(
    ws: Workspace, today: dt.date, years: int = 3, resolution: int = 60
) -> tuple[str, dict[str, str]]:
    """The project text, and the worktext id of each TaskJuggler task id. The project runs
    ``years`` from ``today`` in slots of ``resolution`` minutes (TaskJuggler's time grows
    with both; whole hours of effort need no finer slots)."""
    calendar = workspace_calendar(ws)
    lines = [
        f'project worktext "{ws.config.name}" {today.isoformat()} +{years}y {{',
        '  timezone "UTC"',
        f"  dailyworkinghours {calendar.hours_per_day:g}",
        f"  timingresolution {resolution}min",
        f"  now {today.isoformat()}",
        *_working_hours(calendar),
        "}",
    ]
    for holiday in ws.config.holidays:
        lines.append(f"leaves holiday {_quoted(holiday.name or 'Holiday')} {holiday.date}")
    tasks = plannable(ws)
    people: dict[str, str] = {}
    for task in tasks:
        for name in task.assignees:
            people.setdefault(id_key(name), name)
    resource_ids = {key: f"r{n}" for n, key in enumerate(sorted(people), 1)}
    for key in sorted(people):
        person = ws.people.get(people[key])
        lines.append(f"resource {resource_ids[key]} {_quoted(people[key])} {{")
        lines.extend(_working_hours(person_calendar(ws, person)))
        for span in person.away if person is not None else ():
            days = (span.end - span.start).days + 1
            lines.append(f"  leaves annual {span.start} +{days}d")
        lines.append("}")
    tj_ids = {f"t{n}": task.id for n, task in enumerate(tasks, 1)}
    by_task = {task_id: tj for tj, task_id in tj_ids.items()}
    for task in tasks:
        lines.extend(_task(ws, task, by_task, resource_ids, today, resolution / 60))
    lines += [
        f'taskreport "{REPORT}" {{',
        "  formats csv",
        "  columns id, start, end",
        '  timeformat "%Y-%m-%d"',
        "}",
    ]
    return "\n".join(lines) + "\n", tj_ids


def _task(
    ws: Workspace,
    task: Task,
    by_task: dict[str, str],
    resource_ids: dict[str, str],
    today: dt.date,
    slot: float,
) -> list[str]:
    lines = [f"task {by_task[task.id]} {_quoted(task.title)} {{"]
    # TaskJuggler's effort is whole slots, of one at least.
    slots = max(1, round(remaining_hours(task) / slot))
    lines.append(f"  effort {slots * slot:g}h")
    allocated = sorted({resource_ids[id_key(a)] for a in task.assignees})
    lines.append(f"  allocate {', '.join(allocated)}")
    lines.append(f"  priority {min(1000, 500 + 100 * ws.priority_rank(task))}")
    deps = [d.id for d in ws.dependencies(task) if ws.is_open(d) and d.id in by_task]
    lag = task.extra.get("lag")
    gap = f" {{ gaplength {float(lag):g}h }}" if isinstance(lag, int | float) and lag else ""
    for dep in deps:
        lines.append(f"  depends {by_task[dep]}{gap}")
    if not deps:
        begin = max(today, as_day(task.start)) if task.start else today
        lines.append(f"  start {begin.isoformat()}")
    lines.append("}")
    return lines


def read_schedule(text: str, tj_ids: dict[str, str]) -> dict[str, tuple[dt.date, dt.date]]:
    """TaskJuggler's CSV report → (start, end) by worktext task id."""
    rows = csv.reader(io.StringIO(text), delimiter=";")
    next(rows, None)
    out = {}
    for row in rows:
        if len(row) >= 3 and row[0] in tj_ids:
            out[tj_ids[row[0]]] = (dt.date.fromisoformat(row[1]), dt.date.fromisoformat(row[2]))
    return out


def run_tj3(tjp: str, tj_ids: dict[str, str]) -> dict[str, tuple[dt.date, dt.date]]:
    """Schedule the project with ``tj3`` (raises WorktextError when it is missing or fails)."""
    program = shutil.which("tj3")
    if program is None:
        raise WorktextError("tj3 (TaskJuggler) is not installed")
    with tempfile.TemporaryDirectory(prefix="worktext-tj3-") as folder:
        path = Path(folder) / "plan.tjp"
        path.write_text(tjp, encoding="utf-8")
        done = subprocess.run(
            [program, "--silent", "--no-color", "-o", folder, str(path)],
            capture_output=True,
            check=False,
        )
        report = Path(folder) / f"{REPORT}.csv"
        if done.returncode != 0 or not report.is_file():
            message = done.stderr.decode("utf-8", "replace").strip()
            raise WorktextError(f"tj3 failed: {message[-2000:]}")
        log.info("tj3 scheduled %d tasks", len(tj_ids))
        return read_schedule(report.read_text(encoding="utf-8"), tj_ids)


__all__ = ["plannable", "read_schedule", "run_tj3", "to_tjp"]
