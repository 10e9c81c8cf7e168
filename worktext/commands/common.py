"""What every command module shares: the context object and output helpers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import click

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
