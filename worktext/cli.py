"""The ``worktext`` command: parse arguments, call the library, print, set the exit code."""

from __future__ import annotations

import datetime as dt
import sys

import click

from . import __version__
from .commands import LazyGroup
from .commands.common import Context
from .errors import WorktextError
from .values import ValueError_, as_day, parse_date


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
    try:
        cli(prog_name="worktext")
    except WorktextError as exc:  # raised outside click's own handling (e.g. in a callback)
        exc.show()
        sys.exit(exc.exit_code)
