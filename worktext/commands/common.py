"""What every command module shares: the context object and output helpers."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .. import atomic, gitcommit
from ..changes import relpath
from ..index import Workspace
from ..pipeline import open_workspace


class Context:
    def __init__(self, workspace: str | None, today: dt.date | None, use_cache: bool) -> None:
        self.workspace_path = workspace
        self.today = today
        self.use_cache = use_cache
        self._ws: Workspace | None = None

    def workspace(self) -> Workspace:
        if self._ws is None:
            self._ws = open_workspace(self.workspace_path, self.today, self.use_cache)
        return self._ws


def styler(enabled: bool) -> Callable[..., str]:
    """click.style when colour is wanted, else a function that returns the text as it is."""
    if enabled:
        return click.style
    return lambda text, **_: text


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
    changes = [c for c in changes if c.before.content != c.after]
    if not changes:
        click.echo("nothing to change")
        return
    if dry_run:
        for change in changes:
            click.echo(unified_diff(ws_root, change), nl=False)
        return
    atomic.write_all(changes)
    for change in changes:
        verb = "updated" if change.before.exists else "created"
        click.echo(f"{verb} {relpath(ws_root, change.path)}")
    if commit:
        gitcommit.commit(ws_root, [c.path for c in changes], message)
        click.echo(f"committed: {message.splitlines()[0]}")


def unified_diff(root: Path, change: atomic.Change) -> str:
    rel = relpath(root, change.path)
    before = (change.before.content or b"").decode("utf-8", "replace")
    after = change.after.decode("utf-8", "replace")
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        "/dev/null" if not change.before.exists else f"a/{rel}",
        f"b/{rel}",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def today_of(obj: Context) -> dt.date:
    return obj.today or dt.date.today()
