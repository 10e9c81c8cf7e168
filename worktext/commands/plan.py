"""``worktext plan`` and ``worktext forecast``: the schedule and Monte Carlo dates."""

from __future__ import annotations

import json

import click

from worktext.commands.common import Context, echo
from worktext.plan import baseline, report

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


COMMANDS: list[click.Command] = [plan]
