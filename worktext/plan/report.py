"""The schedule as data and text: the JSON document of ``worktext plan``, its CSV and text
forms, and the slip of each task and milestone against a baseline schedule."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from worktext.plan.outlook import Outlook
from worktext.plan.schedule import PlannedTask, Schedule

CSV_COLUMNS = (
    "id",
    "title",
    "project",
    "milestone",
    "assignees",
    "hours",
    "planned_start",
    "planned_finish",
    "due",
    "slack_days",
    "critical",
    "late",
    "late_days",
)


@dataclass(frozen=True)
class Slip:
    """How far one task's or milestone's planned finish moved from the baseline's."""

    kind: str  # task or milestone
    key: str  # the task id, or project/milestone
    was: dt.date | None
    now: dt.date | None

    @property
    def days(self) -> int | None:
        if self.was is None or self.now is None:
            return None
        return (self.now - self.was).days


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def task_record(task: PlannedTask) -> dict[str, Any]:
    return {
        "id": task.id,
        "title": task.title,
        "project": task.project,
        "milestone": task.milestone,
        "assignees": list(task.assignees),
        "hours": task.hours,
        "planned_start": _day(task.planned_start),
        "planned_finish": _day(task.planned_finish),
        "due": _day(task.due),
        "slack_days": task.slack_days,
        "critical": task.critical,
        "late": task.late,
        "late_days": task.late_days,
    }


def outlook_record(outlook: Outlook) -> dict[str, Any]:
    record: dict[str, Any] = {"id": outlook.id}
    if outlook.kind == "milestone":
        record["project"] = outlook.project
    record.update(
        {
            "title": outlook.title,
            "deadline": _day(outlook.deadline),
            "projected_finish": _day(outlook.projected_finish),
            "status": outlook.status,
            "late_days": outlook.late_days,
            "critical_path": list(outlook.critical_path),
            "planned": outlook.planned,
            "unplanned": outlook.unplanned,
        }
    )
    return record


def document(
    plan: Schedule,
    projects: Sequence[Outlook],
    milestones: Sequence[Outlook],
    slips: Sequence[Slip] | None = None,
) -> dict[str, Any]:
    """The JSON document of ``worktext plan``."""
    out: dict[str, Any] = {
        "today": plan.today.isoformat(),
        "tasks": [task_record(t) for t in plan.tasks],
        "unplanned": [
            {"id": u.id, "project": u.project, "reason": u.reason} for u in plan.unplanned
        ],
        "projects": [outlook_record(o) for o in projects],
        "milestones": [outlook_record(o) for o in milestones],
        "diagnostics": [
            {
                "path": d.path,
                "line": d.line,
                "column": d.column,
                "severity": d.severity,
                "code": d.code,
                "message": d.message,
                "hint": d.hint,
            }
            for d in plan.diagnostics
        ],
    }
    if slips is not None:
        out["baseline"] = [
            {
                "kind": s.kind,
                "id": s.key,
                "was": _day(s.was),
                "now": _day(s.now),
                "slip_days": s.days,
            }
            for s in slips
        ]
    return out


def to_csv(plan: Schedule) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for task in plan.tasks:
        record = task_record(task)
        record["assignees"] = " ".join(task.assignees)
        writer.writerow(_csv_value(record[c]) for c in CSV_COLUMNS)
    return buffer.getvalue()


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def to_text(
    plan: Schedule,
    projects: Sequence[Outlook],
    milestones: Sequence[Outlook],
    slips: Sequence[Slip] | None = None,
) -> str:
    lines = []
    for o in projects:
        lines.append(sentence(o))
    for o in milestones:
        lines.append("  " + sentence(o))
    if lines:
        lines.append("")
    for task in plan.tasks:
        flags = ("critical " if task.critical else "") + (
            f"late {task.late_days}d" if task.late else ""
        )
        lines.append(
            f"{task.id:<12} {task.planned_start} → {task.planned_finish}  "
            f"slack {task.slack_days:>3}d  {flags.strip():<16} {', '.join(task.assignees)}"
            f"  {task.title}"
        )
    if plan.unplanned:
        lines.append("")
        lines.append(f"unplanned ({len(plan.unplanned)}):")
        lines.extend(f"  {u.id:<12} {u.reason}" for u in plan.unplanned)
    if slips:
        lines.append("")
        lines.append("against the baseline:")
        lines.extend(f"  {slip_sentence(s)}" for s in slips if s.days)
    return "\n".join(lines) + "\n"


def short(day: dt.date) -> str:
    return f"{day.day} {day:%b}"


def sentence(outlook: Outlook) -> str:
    """The outlook in words: "Web: finishes 27 Nov, 3 days late (deadline 24 Nov); critical
    path: WEB-5 → WEB-8"."""
    what = f"{outlook.title}"
    if outlook.projected_finish is None:
        return f"{what}: no scheduled work ({_tasks(outlook.unplanned)} unplanned)"
    text = f"{what}: finishes {short(outlook.projected_finish)}"
    if outlook.deadline is not None:
        if outlook.status == "late":
            days = "day" if outlook.late_days == 1 else "days"
            text += f", {outlook.late_days} {days} late (deadline {short(outlook.deadline)})"
        else:
            text += f", {outlook.status} (deadline {short(outlook.deadline)})"
    if outlook.critical_path:
        text += "; critical path: " + " → ".join(outlook.critical_path)
    if outlook.unplanned:
        text += f"; {_tasks(outlook.unplanned)} unplanned"
    return text


def _tasks(count: int) -> str:
    return f"{count} open task" + ("" if count == 1 else "s")


def slips(
    now: Schedule,
    now_milestones: Sequence[Outlook],
    was: Schedule,
    was_milestones: Sequence[Outlook],
) -> list[Slip]:
    """Each task's and milestone's planned finish now and in the baseline, where either has
    one; tasks by id, then milestones."""
    now_tasks = {t.id: t.planned_finish for t in now.tasks}
    was_tasks = {t.id: t.planned_finish for t in was.tasks}
    out = [
        Slip("task", key, was_tasks.get(key), now_tasks.get(key))
        for key in sorted(now_tasks.keys() | was_tasks.keys())
    ]
    now_m = {o.key: o.projected_finish for o in now_milestones}
    was_m = {o.key: o.projected_finish for o in was_milestones}
    out.extend(
        Slip("milestone", key, was_m.get(key), now_m.get(key))
        for key in sorted(now_m.keys() | was_m.keys())
    )
    return out


def slip_sentence(slip: Slip) -> str:
    """ "moves the milestone web/launch's projected finish from 19 Jan to 26 Jan"."""
    what = f"the {slip.kind} {slip.key}"
    if slip.was is None and slip.now is not None:
        return f"plans {what} to finish {short(slip.now)}"
    if slip.now is None and slip.was is not None:
        return f"takes {what} off the schedule (it was to finish {short(slip.was)})"
    if slip.was is None or slip.now is None or slip.was == slip.now:
        return f"leaves {what} as it was"
    return f"moves {what}'s projected finish from {short(slip.was)} to {short(slip.now)}"


__all__ = ["Slip", "document", "sentence", "slip_sentence", "slips", "to_csv", "to_text"]
