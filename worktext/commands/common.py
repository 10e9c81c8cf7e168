"""What every command module shares: the context object and output helpers."""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from worktext.terminal import visible

if TYPE_CHECKING:  # the workspace is imported when it is read: a Tab's completion never is
    from worktext.model.config import Config
    from worktext.model.diagnostics import Diagnostic
    from worktext.model.scan import Scan
    from worktext.model.workspace import Workspace


def configure_logging(verbosity: int, quiet: bool) -> None:
    """worktext's log on standard error: warnings by default, what it does with ``-v``, every
    step with ``-vv``, errors only with ``-q``."""
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO)[min(verbosity, 1)]
    if verbosity >= 2:
        level = logging.DEBUG
    logger = logging.getLogger("worktext")
    logger.setLevel(level)
    if not any(isinstance(h, _Handler) for h in logger.handlers):
        handler = _Handler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False


class _Handler(logging.StreamHandler):
    """worktext's own log handler (so that it is added once)."""


class Context:
    """What every command is given: the global options, and the workspace, read once."""

    def __init__(
        self,
        workspace: str | None,
        today: dt.date | None,
        use_cache: bool,
        verbosity: int = 0,
        quiet: bool = False,
    ) -> None:
        self.workspace_path = workspace
        self.today = today
        self.use_cache = use_cache
        self.verbosity = verbosity
        self.quiet = quiet
        self._ws: Workspace | None = None
        self._items_only = False  # whether _ws holds its items alone (``workspace``'s)
        self._config: tuple[Config, list[Diagnostic]] | None = None

    def set_option(self, name: str, value: object) -> None:
        """A global option given after the command (``worktext check -w DIR``)."""
        if name == "no_cache":
            self.use_cache = False
        elif name == "verbosity":
            self.verbosity += value if isinstance(value, int) else 1
        else:
            setattr(self, name, value)
        if name in ("verbosity", "quiet"):
            configure_logging(self.verbosity, self.quiet)

    def config(self) -> Config:
        """The workspace's configuration, read once (without reading the workspace)."""
        return self._read_config()[0]

    def settings(self) -> tuple[Config, list[Diagnostic]]:
        """The configuration and its diagnostics (warnings; errors raise ConfigError)."""
        return self._read_config()

    def _read_config(self) -> tuple[Config, list[Diagnostic]]:
        if self._config is None:
            from worktext.model.config import load_config
            from worktext.model.root import find_root

            self._config = load_config(find_root(self.workspace_path), self.use_cache)
        return self._config

    def day(self) -> dt.date:
        """``--today``, or the real date."""
        return self.today or dt.date.today()

    def workspace(self, found: Scan | None = None, items_only: bool = False) -> Workspace:
        """The workspace, read once; ``found``: a scan of its folders just made.
        ``items_only``: its items alone, without comments or diagnostics (for ``ls``)."""
        if self._ws is None or (self._items_only and not items_only):
            from worktext.check.pipeline import build_workspace

            config, diagnostics = self._read_config()
            self._ws = build_workspace(
                config, self.day(), self.use_cache, diagnostics, found, items_only=items_only
            )
            self._items_only = items_only
        return self._ws


def styler(enabled: bool) -> Callable[..., str]:
    """``click.style`` of text made visible (``terminal.visible``) when colour is wanted, else
    a function that returns the text made visible."""
    if enabled:
        return lambda text, **style: click.style(visible(text), **style)
    return lambda text, **_: visible(text)


def echo(text: str, *, err: bool = False, nl: bool = True, styled: bool = False) -> None:
    """Print ``text`` with its control characters made visible. ``styled``: the text was
    made with ``styler``, whose colours are kept (and whose text is visible already)."""
    click.echo(text if styled else visible(text), err=err, nl=nl)


def warn(text: str) -> None:
    """A warning on standard error (yellow on a terminal)."""
    echo(styler(sys.stderr.isatty())(f"warning: {text}", fg="yellow"), err=True, styled=True)


def error(text: str) -> None:
    """An error on standard error (red on a terminal); the caller decides the exit status."""
    echo(styler(sys.stderr.isatty())(f"error: {text}", fg="red"), err=True, styled=True)


def warn_at(diagnostics: list[Diagnostic]) -> None:
    """Warnings about files; in a GitHub Actions job also an annotation at each file (on
    standard output, where the runner reads workflow commands), so a pull request shows it
    on the changed file."""
    from worktext.check.report import github_annotation

    for d in diagnostics:
        warn(f"{d.path}:{d.line}: {d.message}" + (f"; {d.hint}" if d.hint else ""))
        if os.environ.get("GITHUB_ACTIONS") == "true":
            echo(github_annotation(d))


_TERM_MARK = "\x00"  # marks a negated query term while click parses the arguments


class QueryCommand(click.Command):
    """A command whose ``query`` arguments may start with ``-``, as negated terms do
    (``ls label:ops -status:done``), without a ``--`` first.

    An argument that starts with one ``-`` is a query term when it holds a ``:`` (no option
    value here does) or when its letter is no short option of the command; anything else,
    and everything after ``--``, is click's to parse as usual."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        shorts = {
            opt[1]
            for param in self.get_params(ctx)
            for opt in (*getattr(param, "opts", ()), *getattr(param, "secondary_opts", ()))
            if len(opt) == 2 and opt.startswith("-")
        }
        marked: list[str] = []
        for number, arg in enumerate(args):
            if arg == "--":
                marked += args[number:]
                break
            term = (
                len(arg) > 1
                and arg.startswith("-")
                and not arg.startswith("--")
                and (":" in arg or arg[1] not in shorts)
            )
            marked.append(_TERM_MARK + arg if term else arg)
        rest = super().parse_args(ctx, marked)
        if "query" in ctx.params:
            ctx.params["query"] = tuple(v.removeprefix(_TERM_MARK) for v in ctx.params["query"])
        return rest
