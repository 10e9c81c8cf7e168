"""The ``worktext`` command: parse arguments, call the library, print, set the exit code."""

from __future__ import annotations

import datetime as dt
import sys

import click

from . import __version__, report
from .errors import WorktextError
from .index import Workspace
from .pipeline import open_workspace, relative_paths
from .values import ValueError_, parse_date


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


def _parse_today(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return parse_date(value) if len(value) == 10 else None
    except ValueError_ as exc:
        raise click.BadParameter(str(exc)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
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


def _styler(enabled: bool):
    if enabled:
        return click.style
    return lambda text, **_: text


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(report.FORMATS),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option("--color/--no-color", default=None, help="Colour the text output.")
@click.pass_obj
def check(obj: Context, paths: tuple[str, ...], fmt: str, strict: bool, color: bool | None) -> None:
    """Validate every file of the workspace.

    With PATHS, the whole workspace is still loaded (references need it), but only problems in
    those files are reported: this is what pre-commit runs.

    \b
    Example:
      worktext check --format github      annotations in a GitHub Actions job
      worktext check tasks/web/WEB-12.md  only this file's problems
    Exit status: 0 clean, 1 errors (or warnings with --strict), 2 usage or configuration error.
    """
    ws = obj.workspace()
    diagnostics = ws.diagnostics
    files = ws.file_count
    if paths:
        wanted = relative_paths(ws, list(paths))
        diagnostics = [d for d in diagnostics if d.path in wanted]
        files = len(wanted)
    use_color = color if color is not None else (fmt == "text" and sys.stdout.isatty())
    click.echo(report.render(fmt, diagnostics, files, _styler(use_color)))
    failing = any(d.severity == "error" or strict for d in diagnostics)
    sys.exit(1 if failing else 0)


def main() -> None:
    try:
        cli(prog_name="worktext")
    except WorktextError as exc:  # raised outside click's own handling (e.g. in a callback)
        exc.show()
        sys.exit(exc.exit_code)
