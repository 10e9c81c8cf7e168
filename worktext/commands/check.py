"""``worktext check``."""

from __future__ import annotations

import logging
import sys

import click

from worktext.check import report
from worktext.check.pipeline import last_check, relative_paths
from worktext.check.rules import apply_severities
from worktext.commands.common import Context, echo, styler, warn
from worktext.model.diagnostics import Diagnostic
from worktext.model.scan import scan

log = logging.getLogger(__name__)


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
@click.option(
    "--since",
    "since",
    metavar="REV",
    help="Also check what changed after REV (e.g. origin/main): allowed status transitions, "
    "no deleted task that others depend on, no reused ids.",
)
@click.pass_obj
def check(
    obj: Context,
    paths: tuple[str, ...],
    fmt: str,
    strict: bool,
    color: bool | None,
    since: str | None,
) -> None:
    """Validate every file of the workspace.

    With PATHS, the whole workspace is still loaded (references need it), but only problems in
    those files are reported: this is what pre-commit runs.

    \b
    Example:
      worktext check --format github      annotations in a GitHub Actions job
      worktext check tasks/web/WEB-12.md  only this file's problems
      worktext check --since origin/main  in a pull request: the changes since main too
    Exit status: 0 clean, 1 errors (or warnings with --strict), 2 usage or configuration error.
    """
    kept = None
    found = None
    if not paths and not since and obj.use_cache:  # nothing changed: no file need be read
        config = obj.config()
        found = scan(config)
        kept = last_check(config, found)
    if kept is not None:
        diagnostics, files = kept
        log.info("no file changed since the last check: its report is the last one's")
    else:
        ws = obj.workspace(found)
        diagnostics, files = ws.diagnostics, ws.file_count
    if since:
        diagnostics = _with_since(obj, since)
    if paths:
        wanted = relative_paths(ws, list(paths))
        diagnostics = [d for d in diagnostics if d.path in wanted]
        files = len(wanted)
    use_color = color if color is not None else (fmt == "text" and sys.stdout.isatty())
    echo(report.render(fmt, diagnostics, files, styler(use_color)), styled=fmt == "text")
    failing = any(d.severity == "error" or strict for d in diagnostics)
    sys.exit(1 if failing else 0)


def _with_since(obj: Context, rev: str) -> list[Diagnostic]:
    ws = obj.workspace()
    # Imported here: git history is only read with --since, not on every pre-commit check.
    from worktext.history.reconstruct import load_history
    from worktext.history.since import since_diagnostics

    history = load_history(ws.config, use_cache=obj.use_cache)
    for warning in history.warnings:
        warn(warning)
    extra = since_diagnostics(ws.config, ws, rev, history if history.available else None)
    extra = apply_severities(extra, dict(ws.config.rules)) + history.diagnostics
    _schedule_notes(obj, rev)
    return sorted(set(ws.diagnostics) | set(extra), key=Diagnostic.sort_key)


def _schedule_notes(obj: Context, rev: str) -> None:
    """What the change since ``rev`` does to the schedule, as notes on standard error (not
    diagnostics: a moved date is information, not a problem of a file)."""
    from worktext.history.since import workspace_at
    from worktext.plan.baseline import schedule_changes

    ws = obj.workspace()
    for line in schedule_changes(workspace_at(ws.config, rev, ws.today), ws, ws.today):
        echo(f"schedule: this change {line}", err=True)


COMMANDS = [check]
