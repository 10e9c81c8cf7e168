"""``worktext move``, ``set``, ``unset``, ``assign``, ``label``, ``due`` and ``log ID TIME``:
fast, scriptable edits of existing items that never damage a file.

The editor (``edit/operations.py``) is imported inside each command, so that a Tab's
completion, which needs the commands' parameters only, loads none of it. Each command plans
its changes with ``edit/operations.py`` (bytes before and after, per
file; the new values checked against the schema and the workflow), and then either prints the
unified diff (``--dry-run``) or writes every file atomically, all or none, and commits them
when asked (``--commit``).
"""

from __future__ import annotations

import click

from worktext.commands import completion as complete
from worktext.commands.common import Context, warn_at
from worktext.commands.writing import conclude, today_of, writing

# -- move, set, unset and shortcuts ----------------------------------------------------------


@click.command()
@click.argument("item_id", metavar="ID", shell_complete=complete.task_ids)
@click.argument("state", shell_complete=complete.move_states)
@click.option("--force", is_flag=True, help="Move even if the workflow does not allow it.")
@writing
@click.pass_obj
def move(obj: Context, item_id: str, state: str, force: bool, dry_run: bool, commit: bool) -> None:
    """Move task ID to STATE, checking its workflow first.

    Refuses, and says why, when the workflow has no such state, does not allow the move from
    the current state, or the state requires keys the task does not have. Warns (and, in a
    GitHub Actions job, annotates the task's file) when the state is over its WIP limit in
    the task's project or the task depends on open work.

    \b
    Example:
      worktext move WEB-7 done --commit       commits "WEB-7: review -> done"
      worktext move WEB-12 done --force        skip the workflow's checks
    """
    ws = obj.workspace()
    from worktext.edit import operations

    outcome = operations.move_task(ws, item_id, state, force)
    conclude(ws.config.root, outcome, dry_run, commit)
    warn_at(outcome.warnings)


@click.command(name="set")
@click.argument("item_id", metavar="ID", shell_complete=complete.task_ids)
@click.argument("pairs", nargs=-1, required=True, metavar="KEY=VALUE...")
@click.option("--force", is_flag=True, help="Write unknown keys and missing references.")
@writing
@click.pass_obj
def set_(
    obj: Context, item_id: str, pairs: tuple[str, ...], force: bool, dry_run: bool, commit: bool
) -> None:
    """Set keys of item ID; values are checked against the schema before anything is written.

    A list key takes a,b or [a, b]. Dates take YYYY-MM-DD, today, tomorrow, today+7d, friday…

    \b
    Example:
      worktext set WEB-12 priority=high due=2026-12-01
      worktext set WEB-12 labels=bug,ui --dry-run
    """
    ws = obj.workspace()
    from worktext.edit import operations
    from worktext.edit.changes import parse_pairs

    outcome = operations.set_fields(ws, item_id, parse_pairs(pairs), today_of(obj), force)
    conclude(ws.config.root, outcome, dry_run, commit)


@click.command()
@click.argument("item_id", metavar="ID", shell_complete=complete.task_ids)
@click.argument("keys", nargs=-1, required=True)
@writing
@click.pass_obj
def unset(obj: Context, item_id: str, keys: tuple[str, ...], dry_run: bool, commit: bool) -> None:
    """Remove keys from item ID.

    \b
    Example:
      worktext unset WEB-12 due milestone
    """
    ws = obj.workspace()
    from worktext.edit import operations

    outcome = operations.unset_fields(ws, item_id, keys)
    conclude(ws.config.root, outcome, dry_run, commit)


@click.command()
@click.argument("item_id", metavar="ID", shell_complete=complete.task_ids)
@click.argument("people", nargs=-1, shell_complete=complete.people)
@click.option("--add", "mode", flag_value="add", help="Add them to the assignees.")
@click.option("--remove", "mode", flag_value="remove", help="Remove them from the assignees.")
@click.option("--clear", "mode", flag_value="clear", help="Remove every assignee.")
@click.option("--force", is_flag=True, help="Allow people who have no person file.")
@writing
@click.pass_obj
def assign(
    obj: Context,
    item_id: str,
    people: tuple[str, ...],
    mode: str | None,
    force: bool,
    dry_run: bool,
    commit: bool,
) -> None:
    """Set (or --add, --remove, --clear) the assignees of task ID.

    \b
    Example:
      worktext assign WEB-12 ana           ana only
      worktext assign WEB-12 --add bo      ana and bo
    """
    ws = obj.workspace()
    from worktext.edit import operations

    outcome = operations.assign(ws, item_id, people, mode, force)
    conclude(ws.config.root, outcome, dry_run, commit)


@click.command()
@click.argument("item_id", metavar="ID", shell_complete=complete.task_ids)
@click.argument("labels", nargs=-1, required=True, shell_complete=complete.labels)
@click.option("--remove", is_flag=True, help="Remove the labels instead of adding them.")
@writing
@click.pass_obj
def label(
    obj: Context, item_id: str, labels: tuple[str, ...], remove: bool, dry_run: bool, commit: bool
) -> None:
    """Add labels to task ID (or --remove them).

    \b
    Example:
      worktext label WEB-12 bug ui
      worktext label WEB-12 --remove ui
    """
    ws = obj.workspace()
    from worktext.edit import operations

    outcome = operations.label(ws, item_id, labels, remove)
    conclude(ws.config.root, outcome, dry_run, commit)


@click.command()
@click.argument("item_id", metavar="ID", shell_complete=complete.task_ids)
@click.argument("date")
@writing
@click.pass_obj
def due(obj: Context, item_id: str, date: str, dry_run: bool, commit: bool) -> None:
    """Set the due date of item ID (YYYY-MM-DD, tomorrow, today+7d, friday…, or none).

    A project's due date is its deadline.

    \b
    Example:
      worktext due WEB-12 2026-12-01 --commit
      worktext due web 2027-03-31          the project's deadline
    """
    ws = obj.workspace()
    from worktext.edit import operations

    outcome = operations.set_due(ws, item_id, date, today_of(obj))
    conclude(ws.config.root, outcome, dry_run, commit)


def log_time(
    obj: Context,
    item_id: str,
    duration: str,
    day: str | None,
    who: str | None,
    note: str | None,
    dry_run: bool,
    commit: bool,
) -> None:
    """Record time spent on task ID: append an entry to its 'log' list. The command is
    ``worktext log ID DURATION`` (commands/log.py), which shares its name with the feed."""
    ws = obj.workspace()
    from worktext.edit import operations

    outcome = operations.log_time(ws, item_id, duration, today_of(obj), day, who, note)
    conclude(ws.config.root, outcome, dry_run, commit)


COMMANDS: list[click.Command] = [move, set_, unset, assign, label, due]
