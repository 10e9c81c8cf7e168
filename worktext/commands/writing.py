"""What every writing command shares: ``--dry-run``/``--commit`` and how a change is shown,
written and committed. Separate from ``common`` so that reading commands (``check``, ``ls``)
do not import the editor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from worktext.commands.common import Context, echo

if TYPE_CHECKING:  # the editor is imported when a command writes: a Tab never does
    from worktext.edit import atomic
    from worktext.edit.operations import Outcome


def writing(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options every writing command has."""
    func = click.option(
        "--commit", is_flag=True, help="Commit the changed files with a descriptive message."
    )(func)
    func = click.option("--dry-run", is_flag=True, help="Print the unified diff; write nothing.")(
        func
    )
    return func


def finish(
    ws_root: Path, changes: list[atomic.Change], message: str, dry_run: bool, commit: bool
) -> None:
    """Print the diff, or write all files (all or none) and commit them."""
    from worktext.edit import atomic, gitcommit
    from worktext.edit.changes import relpath
    from worktext.edit.operations import unified_diff

    changes = [c for c in changes if c.before.content != c.after]
    if not changes:
        echo("nothing to change")
        return
    if dry_run:
        for change in changes:
            echo(unified_diff(ws_root, change), nl=False)
        return
    atomic.write_all(changes)
    for change in changes:
        verb = "updated" if change.before.exists else "created"
        echo(f"{verb} {relpath(ws_root, change.path)}")
    if commit:
        gitcommit.commit(ws_root, [c.path for c in changes], message)
        echo(f"committed: {message.splitlines()[0]}")


def conclude(ws_root: Path, outcome: Outcome, dry_run: bool, commit: bool) -> None:
    """``finish`` an operation's outcome, or say why there is nothing to do."""
    if outcome.note:
        echo(outcome.note)
        return
    finish(ws_root, outcome.changes, outcome.message, dry_run, commit)


def today_of(obj: Context) -> dt.date:
    return obj.today or dt.date.today()
