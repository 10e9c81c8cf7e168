"""What every command module shares: the context object and output helpers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import click

from worktext.check.pipeline import build_workspace
from worktext.model.config import Config, find_root, load_config
from worktext.model.diagnostics import Diagnostic
from worktext.model.loader import Scan
from worktext.model.workspace import Workspace


class Context:
    def __init__(self, workspace: str | None, today: dt.date | None, use_cache: bool) -> None:
        self.workspace_path = workspace
        self.today = today
        self.use_cache = use_cache
        self._ws: Workspace | None = None
        self._config: tuple[Config, list[Diagnostic]] | None = None

    def config(self) -> Config:
        """The workspace's configuration, read once (without reading the workspace)."""
        return self._read_config()[0]

    def _read_config(self) -> tuple[Config, list[Diagnostic]]:
        if self._config is None:
            self._config = load_config(find_root(self.workspace_path), self.use_cache)
        return self._config

    def day(self) -> dt.date:
        """``--today``, or the real date."""
        return self.today or dt.date.today()

    def workspace(self, found: Scan | None = None) -> Workspace:
        """The workspace, read once; ``found``: a scan of its folders just made."""
        if self._ws is None:
            config, diagnostics = self._read_config()
            self._ws = build_workspace(config, self.day(), self.use_cache, diagnostics, found)
        return self._ws


def styler(enabled: bool) -> Callable[..., str]:
    """click.style when colour is wanted, else a function that returns the text as it is."""
    if enabled:
        return click.style
    return lambda text, **_: text
