"""``worktext history``, ``log``, ``stats`` and ``diff``: what git says about the work."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import sys
from typing import Any

import click

from worktext.check.pipeline import input_key
from worktext.commands import completion as complete
from worktext.commands.common import Context, echo, error, warn
from worktext.errors import NotFound, WorktextError
from worktext.history import gitio, metrics, notices, prdiff
from worktext.history.events import first_state, status_after
from worktext.history.reconstruct import UNCOMMITTED, Event, History, Skipped, load_history
from worktext.history.since import workspace_at
from worktext.load import cache
from worktext.model.items import Project
from worktext.model.values import ValueError_, parse_day
from worktext.model.workspace import Workspace, id_key
from worktext.plan.baseline import schedule_markdown

JSON_VERSION = 1


def _history(obj: Context, rev: str = "HEAD") -> History:
    config = obj.config()  # the history needs the settings, not the workspace read
    now = None
    if obj.today is not None:  # a fixed --today dates uncommitted changes too, reproducibly
        now = dt.datetime.combine(obj.today, dt.time(12, 0), tzinfo=dt.timezone.utc)
    history = load_history(config, rev=rev, now=now, use_cache=obj.use_cache)
    for warning in history.warnings:
        warn(warning)
    for diagnostic in history.diagnostics:
        if diagnostic.severity == "error":
            error(notices.one_line(diagnostic))
        else:
            warn(notices.one_line(diagnostic))
    return history


def _exit_for(history: History) -> None:
    """Exit 1, after the output, when ``rules:`` made a history problem an error."""
    if any(d.severity == "error" for d in history.diagnostics):
        sys.exit(1)


def _diagnostics_json(history: History) -> list[dict[str, str]]:
    return [
        {"code": d.code, "severity": d.severity, "message": d.message, "hint": d.hint}
        for d in history.diagnostics
    ]


def skipped_json(skipped: Skipped) -> dict[str, str]:
    commit = skipped.commit
    return {
        "path": skipped.path,
        "commit": commit.sha,
        "date": commit.date.isoformat(),
        "reason": skipped.reason,
    }


def skipped_line(skipped: Skipped) -> str:
    commit = skipped.commit
    return f"{commit.date:%Y-%m-%d}  {commit.short:<11} {skipped.path}: {skipped.reason}"


def show_value(value: Any) -> str:
    if value is None:
        return "(unset)"
    if isinstance(value, list):
        return ", ".join(show_value(v) for v in value) or "[]"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def event_json(event: Event) -> dict[str, Any]:
    commit = event.commit
    return {
        "task": event.task_id,
        "commit": commit.sha,
        "author": commit.author,
        "email": commit.email,
        "date": commit.date.isoformat(),
        "message": commit.message,
        "action": event.action,
        "path": event.path,
        "old_path": event.old_path,
        "changes": [{"field": c.field, "old": c.old, "new": c.new} for c in event.changes],
    }


def event_lines(event: Event, with_id: bool = False, first: str = "") -> list[str]:
    """One event as text: when, who, what; a new task's first state in words ("created in
    backlog"), a status that was not written as its workflow's ``first`` state."""
    commit = event.commit
    who = commit.author or "-"
    head = f"{commit.date:%Y-%m-%d %H:%M}  {commit.short:<11} {who}"
    what = event.action
    arrived = event.action in ("created", "present", "restored")
    if arrived and first:
        what += f" in {status_after(event, first)}"
    if event.old_path:
        what += f" from {event.old_path} to {event.path}"
    if with_id:
        what = f"{event.task_id} {what}"
    lines = [f"{head}  {what}"]
    for change in event.changes:
        if arrived:
            if change.field != "status" or not first:
                lines.append(f"    {change.field}: {show_value(change.new)}")
        else:
            implied = first if change.field == "status" else ""  # no status: the first state
            was = show_value(change.old) if change.old is not None or not implied else implied
            now = show_value(change.new) if change.new is not None or not implied else implied
            lines.append(f"    {change.field}: {was} → {now}")
    if commit.sha != UNCOMMITTED and commit.subject:
        lines.append(f"    “{commit.subject}”")
    return lines


FORMAT_OPTION = click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)


logger = logging.getLogger(__name__)


@click.command()
@click.argument("task_id", required=False, shell_complete=complete.task_ids)
@click.option("--skipped", is_flag=True, help="List the old file versions that could not be read.")
@FORMAT_OPTION
@click.pass_obj
def history(obj: Context, task_id: str | None, skipped: bool, fmt: str) -> None:
    """Show every change of one task's front matter, from git, through renames and moves.

    With --skipped (and no id): the old versions of task files that could not be read and
    are left out of the history.

    \b
    Example:
      worktext history WEB-12
      worktext history WEB-12 --format json
      worktext history --skipped
    """
    if task_id is None and not skipped:
        raise click.UsageError("give a task id, or --skipped")
    if task_id is not None and skipped:
        raise click.UsageError("--skipped lists the whole history's; give no task id with it")
    found = _history(obj)
    if task_id is None:
        _show_skipped(found, fmt)
        _exit_for(found)
        return
    task = found.task(task_id)
    if task is None:
        if not found.available:
            raise NotFound(f"no history for '{task_id}': the workspace has no git history")
        raise NotFound(f"git history has no task '{task_id}'; check the id with 'worktext ls'")
    left_out = notices.skipped_of(found, task)
    if fmt == "json":
        payload = {
            "version": JSON_VERSION,
            "id": task.id,
            "events": [event_json(e) for e in task.events],
            "mentions": [
                {"commit": m.commit.sha, "subject": m.commit.subject, "closes": m.closes}
                for m in task.mentions
            ],
            "skipped": [skipped_json(s) for s in left_out],
            "warnings": found.warnings,
            "diagnostics": _diagnostics_json(found),
        }
        echo(json.dumps(payload, indent=2, ensure_ascii=False, default=str))
        _exit_for(found)
        return
    echo(f"{task.id}: {len(task.events)} change(s)")
    for event in task.events:
        echo("\n".join(event_lines(event, first=first_state(obj.workspace(), task.id))))
    if task.mentions:
        echo("Mentioned in:")
        for mention in task.mentions:
            closes = " (closes)" if mention.closes else ""
            echo(f"  {mention.commit.short}  {mention.commit.subject}{closes}")
    if left_out:
        echo("Left out (could not be read):")
        for version in left_out:
            echo(f"  {skipped_line(version)}")
    _exit_for(found)


def _show_skipped(found: History, fmt: str) -> None:
    if fmt == "json":
        payload = {
            "version": JSON_VERSION,
            "skipped": [skipped_json(s) for s in found.skipped],
            "warnings": found.warnings,
            "diagnostics": _diagnostics_json(found),
        }
        echo(json.dumps(payload, indent=2, ensure_ascii=False, default=str))
        return
    for version in found.skipped:
        echo(skipped_line(version))
    if not found.skipped:
        echo("Every old version of every task file could be read.")


def _since_filter(obj: Context, since: str | None) -> tuple[dt.date | None, set[str] | None]:
    """A date (any of the words ``set due=`` takes: ``yesterday``, ``today-7d``), or the
    commits after a revision (from ``--since``)."""
    if not since:
        return None, None
    try:
        return parse_day(since, obj.day()), None
    except ValueError_:
        pass  # not a date: a revision
    root = obj.workspace().config.root
    newer = set(gitio.rev_list(root, [f"{gitio.resolve(root, since)}..HEAD"]))
    return None, newer | {UNCOMMITTED}


@click.command()
@click.option("--since", metavar="DATE|REV", help="Only changes on or after DATE, or after REV.")
@click.option("-n", "--limit", type=int, default=0, help="Show at most this many changes.")
@FORMAT_OPTION
@click.pass_obj
def log(obj: Context, since: str | None, limit: int, fmt: str) -> None:
    """The activity feed: every task change, newest first.

    \b
    Example:
      worktext log --since 2026-11-01
      worktext log --since origin/main --format json
    """
    found = _history(obj)
    events = _newest_events(found.events(), *_since_filter(obj, since), limit)
    if fmt == "json":
        payload = {
            "version": JSON_VERSION,
            "events": [event_json(e) for e in events],
            "warnings": found.warnings,
            "diagnostics": _diagnostics_json(found),
        }
        echo(json.dumps(payload, indent=2, ensure_ascii=False, default=str))
        _exit_for(found)
        return
    ws = obj.workspace()
    for event in events:
        echo("\n".join(event_lines(event, with_id=True, first=first_state(ws, event.task_id))))
    if not events:
        echo("No task changes.")
    _exit_for(found)


def _newest_events(
    events: list[Event], day: dt.date | None, commits: set[str] | None, limit: int
) -> list[Event]:
    """The events newest first: those on or after ``day`` and in ``commits`` when given, at
    most ``limit`` of them when it is positive."""
    events = list(reversed(events))
    if day is not None:
        events = [e for e in events if e.commit.date.date() >= day]
    if commits is not None:
        events = [e for e in events if e.commit.sha in commits]
    if limit > 0:
        events = events[:limit]
    return events


def _days(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}d"


def _summary_text(summary: metrics.Summary, order: dict[str, int]) -> list[str]:
    burn = summary.burn
    recent = summary.throughput[-4:]
    lines = [
        f"== {summary.name}",
        f"  finished: {summary.finished}   reopened: {summary.reopens}   "
        f"in progress now: {summary.wip[-1] if summary.wip else 0}",
        "  cycle time p50/p85/p95: " + " / ".join(_days(v) for v in summary.cycle.values()),
        "  lead time  p50/p85/p95: " + " / ".join(_days(v) for v in summary.lead.values()),
        "  throughput (last weeks): " + (", ".join(f"{w:%Y-%m-%d}: {n}" for w, n in recent) or "-"),
    ]
    if burn.scope:
        lines.append(
            f"  scope: {burn.scope[-1]} tasks, {burn.done[-1]} done, {burn.remaining[-1]} left; "
            f"{burn.scope_hours[-1]:g}h estimated, {burn.remaining_hours[-1]:g}h left"
        )
    lines.append(_now_line(summary, order))
    oldest = summary.ageing[:5]
    if oldest:
        lines.append(
            "  oldest open work: "
            + ", ".join(f"{a.id} ({a.status}, {a.days:.0f}d)" for a in oldest)
        )
    return lines


def _now_line(summary: metrics.Summary, order: dict[str, int]) -> str:
    """How many tasks are in each state today (the states that have any), in the order of
    the workflows' states."""
    found = sorted(summary.flow.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))
    states = ", ".join(f"{k}: {v[-1]}" for k, v in found if v and v[-1])
    return f"  now: {states or 'no tasks'}"


def summary_json(summary: metrics.Summary) -> dict[str, Any]:
    burn = summary.burn
    return {
        "name": summary.name,
        "finished": summary.finished,
        "reopens": summary.reopens,
        "cycle_time_days": {f"p{p}": v for p, v in summary.cycle.items()},
        "lead_time_days": {f"p{p}": v for p, v in summary.lead.items()},
        "throughput": [{"week": w.isoformat(), "finished": n} for w, n in summary.throughput],
        "days": [d.isoformat() for d in summary.days],
        "wip": summary.wip,
        "cumulative_flow": summary.flow,
        "burn": {
            "scope": burn.scope,
            "done": burn.done,
            "scope_hours": burn.scope_hours,
            "done_hours": burn.done_hours,
        },
        "ageing": [
            {"id": a.id, "status": a.status, "category": a.category, "days": a.days}
            for a in summary.ageing
        ],
    }


def _task_row(flow: metrics.TaskFlow) -> dict[str, Any]:
    def iso(value: dt.datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "id": flow.id,
        "project": flow.project,
        "workflow": flow.workflow,
        "status": flow.status,
        "created": iso(flow.created),
        "started": iso(flow.started),
        "finished": iso(flow.finished),
        "lead_days": flow.lead_days,
        "cycle_days": flow.cycle_days,
        "reopens": flow.reopens,
        "time_in_state": flow.time_in_state,
    }


def _tasks_csv(flows: list[metrics.TaskFlow]) -> str:
    """One row per task, with a ``days_<status>`` column for every status any task was in."""
    out = io.StringIO()
    names = sorted({s for f in flows for s in f.time_in_state})
    writer = csv.writer(out, lineterminator="\n")
    head = ["id", "project", "workflow", "status", "created", "started", "finished"]
    writer.writerow([*head, "lead_days", "cycle_days", "reopens", *[f"days_{n}" for n in names]])
    for flow in flows:
        row = _task_row(flow)
        writer.writerow(
            [row[k] or "" for k in head]
            + [row["lead_days"] if row["lead_days"] is not None else ""]
            + [row["cycle_days"] if row["cycle_days"] is not None else ""]
            + [flow.reopens]
            + [flow.time_in_state.get(n, 0) for n in names]
        )
    return out.getvalue()


def _every_summary(
    ws: Workspace, flows: list[metrics.TaskFlow], today: dt.date, days: list[dt.date]
) -> list[metrics.Summary]:
    """The workspace's summary, then each project's (and each of its milestones' with
    tasks), then each workflow's."""
    summaries = [metrics.summarize(ws.config.name, flows, today, days=days)]
    by_project = metrics.group(flows, "project")
    for p in ws.all_projects():
        mine = by_project.get(id_key(p.id))
        if mine:
            summaries += _project_summaries(p, mine, today, days)
    for _, mine in sorted(metrics.group(flows, "workflow").items()):
        name = mine[0].workflow
        summaries.append(metrics.summarize(f"workflow {name}", mine, today, days=days))
    return summaries


def _project_summaries(
    p: Project, mine: list[metrics.TaskFlow], today: dt.date, days: list[dt.date]
) -> list[metrics.Summary]:
    summaries = [metrics.summarize(f"project {p.id}", mine, today, p.id, None, days)]
    for m in p.milestones:
        ours = metrics.select(mine, milestone=m.id)
        if ours:
            name = f"project {p.id} milestone {m.id}"
            summaries.append(metrics.summarize(name, ours, today, p.id, m.id, days))
    return summaries


@click.command()
@click.option("--project", shell_complete=complete.projects, help="Only this project's tasks.")
@click.option("--workflow", help="Only tasks that follow this workflow.")
@click.option("--milestone", help="Only this milestone's tasks (with --project).")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "csv"]),
    default="text",
    show_default=True,
    help="Output format; csv gives one row per task.",
)
@click.pass_obj
def stats(
    obj: Context, project: str | None, workflow: str | None, milestone: str | None, fmt: str
) -> None:
    """Flow metrics from git history: throughput, WIP, cycle and lead time, burnup, ageing.

    Without options: the workspace, then each project and each workflow.

    \b
    Example:
      worktext stats
      worktext stats --project web --milestone beta --format json
      worktext stats --format csv > tasks.csv
    """
    found = _history(obj)
    config = obj.config()
    # The key is worked out from a walk of the files (their identities), before any is read:
    # while nothing changed, the figures are the last run's and the workspace is not loaded.
    inputs = input_key(config) if obj.use_cache else None
    key = _stats_key(inputs, obj.day(), found, (project, workflow, milestone, fmt))
    store = cache.Cache(config.root, obj.use_cache and key is not None)
    out = store.get(STATS_ENTRY, key or "")
    if not isinstance(out, str):
        ws = obj.workspace()
        out = _stats_output(ws, found, project, workflow, milestone, fmt)
        store.put(STATS_ENTRY, key or "", out)
    else:
        logger.info("stats: nothing changed since the last run; its figures are reused")
    echo(out, nl=False)
    _exit_for(found)


STATS_ENTRY = "stats"  # the cache entry of the last stats output


def _stats_key(
    inputs: str | None, today: dt.date, found: History, options: tuple[str | None, ...]
) -> str | None:
    """What the figures depend on: every input file, the commit, the day and the options;
    None while the working tree has task changes (they are dated now)."""
    if inputs is None or found.head is None or not found.available:
        return None
    if found.commits and found.commits[-1].sha == UNCOMMITTED:
        return None
    return repr((inputs, found.head, today.isoformat(), options))


def _stats_output(
    ws: Workspace,
    found: History,
    project: str | None,
    workflow: str | None,
    milestone: str | None,
    fmt: str,
) -> str:
    today = ws.today
    flows = metrics.task_flows(found, ws, today)
    chosen = metrics.select(flows, project, workflow, milestone)
    if fmt == "csv":
        return _tasks_csv(chosen)
    days = metrics.day_range(chosen, today)
    if fmt == "text":  # the text shows each series' last day only: count that day alone
        days = days[-1:]
    if project or workflow or milestone:
        name = " / ".join(x for x in (project, workflow, milestone) if x)
        summaries = [metrics.summarize(name, chosen, today, project, milestone, days)]
    else:
        summaries = _every_summary(ws, flows, today, days)
    if fmt == "json":
        return _stats_json(today, summaries, chosen, found) + "\n"
    order: dict[str, int] = {}
    for workflow_item in ws.workflows:
        for state in workflow_item.states:
            order.setdefault(state.id, len(order))
    return "".join("\n".join(_summary_text(summary, order)) + "\n" for summary in summaries)


def _stats_json(
    today: dt.date,
    summaries: list[metrics.Summary],
    flows: list[metrics.TaskFlow],
    found: History,
) -> str:
    payload = {
        "version": JSON_VERSION,
        "today": today.isoformat(),
        "summaries": [summary_json(s) for s in summaries],
        "tasks": [_task_row(f) for f in flows],
        "warnings": found.warnings,
        "diagnostics": _diagnostics_json(found),
    }
    return json.dumps(payload, indent=2, ensure_ascii=False, default=str)


@click.command()
@click.argument("rev")
@click.argument("rev2", required=False)
@click.pass_obj
def diff(obj: Context, rev: str, rev2: str | None) -> None:
    """Summarise the work changes from REV to REV2 (default: the working tree) as Markdown.

    New and removed tasks, status moves, reassignments, date slips and finished milestones,
    ready to post as a pull-request comment.

    \b
    Example:
      worktext diff origin/main
      worktext diff v1.0 v1.1 > changes.md
    """
    ws = obj.workspace()
    try:
        old = workspace_at(ws.config, rev, ws.today)
        new = workspace_at(ws.config, rev2, ws.today) if rev2 else ws
        echo(prdiff.render(prdiff.compare(old, new), rev, rev2 or "working tree"))
        section = schedule_markdown(old, new, ws.today)
        if section:
            echo(section, nl=False)
    except gitio.GitError:
        raise
    except OSError as exc:
        raise WorktextError(f"cannot compare revisions: {exc}") from None


# ``log`` is registered by commands/log.py, which also records time.
COMMANDS: list[click.Command] = [history, stats, diff]
