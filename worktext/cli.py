"""The ``worktext`` command: parse arguments, call the library, print, set the exit code.

The global options (``-w``, ``--today``, ``--no-cache``, ``-v``, ``-q``) are accepted before the
command and after it, as people type them: ``worktext check -w DIR`` works like
``worktext -w DIR check``.
"""

from __future__ import annotations

import datetime as dt
import gc
import sys
from collections.abc import Callable
from typing import Any

import click
from click.shell_completion import CompletionItem, add_completion_class

from worktext import __version__
from worktext.commands import LazyGroup
from worktext.commands.common import Context, configure_logging
from worktext.commands.completion import WorktextBash
from worktext.errors import WorktextError
from worktext.model.values import ValueError_, as_day, parse_date


def _parse_today(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return as_day(parse_date(value))
    except ValueError_ as exc:
        raise click.BadParameter(str(exc)) from None


# The global options: (parameter declarations, settings, the Context attribute they set).
GLOBAL_OPTIONS: list[tuple[list[str], dict[str, Any], str]] = [
    (
        ["-w", "--workspace"],
        {
            "type": click.Path(file_okay=False),
            "help": "The workspace folder (default: the nearest folder with worktext.yml).",
        },
        "workspace_path",
    ),
    (
        ["--today"],
        {
            "callback": _parse_today,
            "metavar": "YYYY-MM-DD",
            "help": "Treat this date as today, for reproducible output.",
        },
        "today",
    ),
    (
        ["--no-cache"],
        {"is_flag": True, "help": "Ignore and do not write the .worktext/ cache."},
        "no_cache",
    ),
    (
        ["-v", "--verbose"],
        {"count": True, "help": "Say what worktext does (-vv: every step)."},
        "verbosity",
    ),
    (["-q", "--quiet"], {"is_flag": True, "help": "Print only errors and results."}, "quiet"),
]


# Before any command is read: click picks the shell's class as soon as it is asked to complete.
add_completion_class(WorktextBash, "bash")

Callback = Callable[[click.Context, click.Parameter, Any], Any]


def _setter(attribute: str, parse: Callback | None) -> Callback:
    """A callback that stores a global option given after the command on the Context (after
    ``parse``, the option's own callback, when it has one)."""

    def store(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if parse is not None:
            value = parse(ctx, param, value)
        obj = ctx.find_object(Context)
        given = value not in (None, False, 0)
        if obj is not None and given:
            obj.set_option(attribute, value)
        return value

    return store


class GlobalOption(click.Option):
    """A global option, added to a command so that it may follow the command's name."""


def add_global_options(command: click.Command) -> click.Command:
    """Let ``command`` take the global options too (those it has no option of its own for)."""
    if any(isinstance(param, GlobalOption) for param in command.params):
        return command
    taken = {opt for param in command.params for opt in getattr(param, "opts", ())}
    for decls, settings, attribute in GLOBAL_OPTIONS:
        if taken.intersection(decls):
            continue
        settings = dict(settings)
        parse = settings.pop("callback", None)
        command.params.append(
            GlobalOption(decls, expose_value=False, **settings, callback=_setter(attribute, parse))
        )
    return command


class Cli(LazyGroup):
    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        return add_global_options(command) if command is not None else None

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[CompletionItem]:
        """The commands' names without importing their modules (click's own way reads each
        command's help: a Tab after ``worktext`` would import the site renderer), and the
        options."""
        names = [name for name in self.list_commands(ctx) if name.startswith(incomplete)]
        return [CompletionItem(name) for name in names] + click.Command.shell_complete(
            self, ctx, incomplete
        )


@click.group(
    cls=Cli,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="worktext")
@click.option(
    "-w",
    "--workspace",
    type=click.Path(file_okay=False),
    envvar="WORKTEXT_WORKSPACE",
    help="The workspace folder (default: the nearest folder with worktext.yml).",
)
@click.option(
    "--today",
    callback=_parse_today,
    envvar="WORKTEXT_TODAY",
    metavar="YYYY-MM-DD",
    help="Treat this date as today, for reproducible output.",
)
@click.option("--no-cache", is_flag=True, help="Ignore and do not write the .worktext/ cache.")
@click.option("-v", "--verbose", count=True, help="Say what worktext does (-vv: every step).")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and results.")
@click.pass_context
def cli(
    ctx: click.Context,
    workspace: str | None,
    today: dt.date | None,
    no_cache: bool,
    verbose: int,
    quiet: bool,
) -> None:
    """Plain-text work management: tasks, projects, workflows and goals as Markdown in git.

    The options above may also follow the command (worktext check -w DIR).

    \b
    Example:
      worktext check            validate every file
      worktext ls is:open assignee:ana sort:due
    """
    ctx.obj = Context(workspace, today, not no_cache, verbose, quiet)
    configure_logging(verbose, quiet)


def main() -> None:
    """The console script."""
    try:
        cli(prog_name="worktext")
    except WorktextError as exc:  # raised outside click's own handling (e.g. in a callback)
        exc.show()
        sys.exit(exc.exit_code)
    finally:
        # The interpreter's last collection walks every object still alive (a build's memo
        # tables: 0.1 s of a one-edit rebuild) just before the process is gone; frozen, they
        # are skipped. Exit handlers and the flushing of output still run as usual.
        gc.freeze()
