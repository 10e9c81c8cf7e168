"""The ``worktext`` command: parse arguments, call the library, print, set the exit code."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
from typing import NoReturn

import click

from worktext import __version__
from worktext.commands import LazyGroup
from worktext.commands.common import Context
from worktext.errors import WorktextError
from worktext.model.values import ValueError_, as_day, parse_date


def _parse_today(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return as_day(parse_date(value))
    except ValueError_ as exc:
        raise click.BadParameter(str(exc)) from None


@click.group(
    cls=LazyGroup,
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
@click.pass_context
def cli(ctx: click.Context, workspace: str | None, today: dt.date | None, no_cache: bool) -> None:
    """Plain-text work management: tasks, projects, workflows and goals as Markdown in git.

    \b
    Example:
      worktext check            validate every file
      worktext ls is:open assignee:ana sort:due
    """
    ctx.obj = Context(workspace, today, not no_cache)


def main() -> None:
    """The console script. Once the command is done and its output flushed, it leaves with
    ``os._exit``: Python would otherwise free a loaded workspace object by object on the way
    out (a fifth of a second for 10,000 tasks) with nothing left to do."""
    code: int | str | None = 0
    try:
        cli(prog_name="worktext")
    except WorktextError as exc:  # raised outside click's own handling (e.g. in a callback)
        exc.show()
        code = exc.exit_code
    except SystemExit as stop:  # click ends every command with one
        code = stop.code
    _leave(code)


def _leave(code: int | str | None) -> NoReturn:
    """``sys.exit(code)``, without the interpreter's teardown."""
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed pipe (| head) is not an error here
            stream.flush()
    os._exit(code)
