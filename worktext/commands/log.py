"""``worktext log``: two specifications ask for this name, and one command serves both.

Without arguments it is the activity feed read from git (``worktext log --since DATE|REV``);
with ``ID DURATION`` it records time spent on a task (``worktext log WEB-12 1h30m``).
"""

from __future__ import annotations

import click

from worktext.commands import completion as complete
from worktext.commands import edit, history
from worktext.commands.writing import writing


@click.command("log")
@click.argument(
    "item_id", metavar="[ID DURATION...]", required=False, shell_complete=complete.task_ids
)
@click.argument("duration", nargs=-1, metavar="")
@click.option("--since", metavar="DATE|REV", help="Feed: only changes on or after DATE or REV.")
@click.option("-n", "--limit", type=int, default=0, help="Feed: show at most this many.")
@click.option(
    "-f", "--format", "fmt", type=click.Choice(("text", "json")), default="text", help="Feed."
)
@click.option("--date", "day", metavar="YYYY-MM-DD", help="Time: the day it was spent (today).")
@click.option(
    "--who",
    shell_complete=complete.people,
    help="Time: who spent it (a person id; default: the one with git's user.email).",
)
@click.option("--note", help="Time: what was done.")
@writing
@click.pass_context
def log(
    ctx: click.Context,
    item_id: str | None,
    duration: tuple[str, ...],
    since: str | None,
    limit: int,
    fmt: str,
    day: str | None,
    who: str | None,
    note: str | None,
    dry_run: bool,
    commit: bool,
) -> None:
    """The activity feed from git, or, given ID DURATION, record time spent on a task.

    \b
    Example:
      worktext log --since 2026-11-01          every task change since then
      worktext log --since origin/main -f json
      worktext log WEB-12 1h30m --who ana --note "review fixes"
      worktext log WEB-12 1d 4h      credited to the person with git's user.email
    """
    if item_id is None:
        _refuse_time_options(day, who, note, dry_run, commit)
        ctx.invoke(history.log, since=since, limit=limit, fmt=fmt)
        return
    if not duration:
        raise click.UsageError("give ID and DURATION to record time, e.g. 'worktext log WEB-12 2h'")
    _refuse_feed_options(since, limit, fmt)
    edit.log_time(ctx.obj, item_id, " ".join(duration), day, who, note, dry_run, commit)


def _refuse_time_options(
    day: str | None, who: str | None, note: str | None, dry_run: bool, commit: bool
) -> None:
    """The options of recording time make no sense for the feed."""
    if day or who or note or dry_run or commit:
        raise click.UsageError("--date, --who, --note, --dry-run and --commit need ID DURATION")


def _refuse_feed_options(since: str | None, limit: int, fmt: str) -> None:
    """The feed's options make no sense when recording time."""
    if since or limit or fmt != "text":
        raise click.UsageError("--since, --limit and --format are for the feed, without ID")


COMMANDS: list[click.Command] = [log]
