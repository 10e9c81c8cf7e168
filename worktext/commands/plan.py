"""``worktext plan`` and ``worktext forecast``: the schedule and Monte Carlo dates."""

from __future__ import annotations

import datetime as dt
import json

import click

from worktext.commands.common import Context, echo
from worktext.commands.history import _history
from worktext.history import metrics
from worktext.model.query import resolve_date
from worktext.model.workspace import Workspace, id_key
from worktext.plan import baseline, forecast_report, report, risk, targets
from worktext.plan.forecast import TRIALS
from worktext.plan.risk import RISK_TRIALS

FORMATS = ("text", "json", "csv")


@click.command("plan")
@click.option(
    "-f", "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True
)
@click.option(
    "--baseline",
    "rev",
    metavar="REV",
    help="Compare with the schedule of the files at REV (a tag, branch or commit): each "
    "task's and milestone's slip.",
)
@click.pass_obj
def plan(obj: Context, fmt: str, rev: str | None) -> None:
    """Schedule every open task that has an estimate and an assignee: levelled against each
    person's calendar, with slack, the critical path, and each project's and milestone's
    projected finish against its deadline.

    \b
    Example:
      worktext plan                       the schedule, projects first
      worktext plan -f json > plan.json   for scripts (dates as YYYY-MM-DD)
      worktext plan --baseline v1.0       how far each task and milestone slipped
    Exit status: 0, or 1 when a cycle or an impossible constraint keeps tasks off the plan.
    """
    ws = obj.workspace()
    today = obj.day()
    now = baseline.planned(ws, today)
    slips = baseline.against(now, ws, rev, today) if rev else None
    if fmt == "json":
        document = report.document(now.schedule, now.projects, now.milestones, slips)
        echo(json.dumps(document, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        echo(report.to_csv(now.schedule), nl=False)
    else:
        echo(report.to_text(now.schedule, now.projects, now.milestones, slips), nl=False)
    for diagnostic in now.schedule.diagnostics:
        where = f"{diagnostic.path}:{diagnostic.line}:{diagnostic.column}"
        echo(f"error: {where}: {diagnostic.message} [{diagnostic.code}]", err=True)
    if now.schedule.diagnostics:
        raise SystemExit(1)


@click.command("forecast")
@click.argument("target", required=False, metavar="[PROJECT | MILESTONE | GOAL | QUERY]")
@click.option("--by", "until", metavar="YYYY-MM-DD", help="Also: how many tasks by this date.")
@click.option(
    "--trials",
    type=click.IntRange(1, 1_000_000),
    default=None,
    help=f"Trials (default {TRIALS:,}; {RISK_TRIALS} with --schedule).",
)
@click.option(
    "--schedule",
    "over_plan",
    is_flag=True,
    help="Simulate the plan instead, with the three-point estimates (estimate: 2d..5d) "
    "drawn at random: a project's or milestone's projected finish at p50/p85/p95.",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Of the random draws.")
@click.option(
    "--split-rate",
    type=click.FloatRange(0, 0.95),
    default=0.0,
    help="Work that grows: the chance that a finished task adds another.",
)
@click.option("-f", "--format", "fmt", type=click.Choice(("text", "json")), default="text")
@click.pass_obj
def forecast(
    obj: Context,
    target: str | None,
    until: str | None,
    trials: int | None,
    seed: int,
    split_rate: float,
    fmt: str,
    over_plan: bool,
) -> None:
    """When the open tasks of a project, milestone, goal or query will be done: a Monte Carlo
    simulation over the weekly throughput of the last 26 weeks in git.

    \b
    Example:
      worktext forecast web                  p50/p85/p95 dates of the project
      worktext forecast web/launch --by 2027-02-19
      worktext forecast "label:bug" -f json
      worktext forecast web/launch --schedule   risk over the plan's three-point estimates
    """
    ws = obj.workspace()
    today = obj.day()
    if over_plan:
        _schedule_risk(ws, today, target, trials or RISK_TRIALS, seed, fmt)
        return
    trials = trials or TRIALS
    flows = metrics.task_flows(_history(obj), ws, today)
    chosen = targets.resolve(ws, flows, target)
    day = resolve_date(until, today) if until else None
    done, by = targets.forecast(chosen, today, trials, seed, split_rate, day)
    if fmt == "json":
        echo(json.dumps(forecast_report.document(chosen, done, by), indent=2, ensure_ascii=False))
        return
    echo(forecast_report.text(chosen, done, by))


def _schedule_risk(
    ws: Workspace, today: dt.date, target: str | None, trials: int, seed: int, fmt: str
) -> None:
    """``forecast --schedule``: the spread of projected finishes over ``trials`` plans."""
    spreads = risk.schedule_risk(ws, today, trials, seed)
    if target:
        chosen = targets.resolve(ws, [], target)
        if chosen.kind not in ("project", "milestone"):
            raise click.UsageError("--schedule forecasts a project or a milestone")
        spreads = [s for s in spreads if id_key(s.key) == id_key(chosen.id)]
    records = [
        {
            "kind": s.kind,
            "id": s.key,
            **{f"p{p}": day.isoformat() if day else None for p, day in s.dates.items()},
            "trials": s.trials,
            "seed": seed,
            "method": "schedule",
        }
        for s in spreads
    ]
    if fmt == "json":
        echo(json.dumps(records[0] if target and records else records, indent=2))
        return
    for record in records:
        echo(
            f"{record['kind']} {record['id']}: 50 % by {record['p50']}, 85 % by "
            f"{record['p85']}, 95 % by {record['p95']} ({record['trials']} schedules)"
        )


COMMANDS: list[click.Command] = [plan, forecast]
