"""``worktext check``."""

from __future__ import annotations

import sys

import click

from .. import report
from ..pipeline import relative_paths
from .common import Context, styler


@click.command()
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
    click.echo(report.render(fmt, diagnostics, files, styler(use_color)))
    failing = any(d.severity == "error" or strict for d in diagnostics)
    sys.exit(1 if failing else 0)


COMMANDS = [check]
