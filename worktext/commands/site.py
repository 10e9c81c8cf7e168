"""``worktext build``: the static team status site."""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from worktext.commands.common import Context
from worktext.load import cache
from worktext.model.loader import scan_in_fork

if TYPE_CHECKING:  # the renderer is imported in ``build``, while the folders are scanned
    from worktext.history.reconstruct import History
    from worktext.model.workspace import Workspace
    from worktext.render import BuildResult


@click.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False),
    default="public",
    show_default=True,
    help="Folder to write the site into (relative to the current folder).",
)
@click.option("--full", is_flag=True, help="Render every page, not only those whose data changed.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None, help="Processes to use.")
@click.pass_obj
def build(obj: Context, output: str, full: bool, jobs: int | None) -> None:
    """Render the workspace into a static site: dashboard, boards, timelines, workload,
    calendar (with .ics feeds), a page per task, project, person and goal, search and
    index.json. It needs no server: publish the folder anywhere or open index.html. With -q
    it prints only the path of the home page.

    Files that cannot be read are left out with a warning (on the site's Data health page
    too); the same workspace and --today always give the same bytes. Rebuilds render only
    the pages whose data changed.

    \b
    Example:
      worktext build                          site in ./public
      worktext -w workspace-template build -o /tmp/site
      worktext --today 2026-11-23 build       reproducible output
    """
    quiet = obj.quiet
    # Reading 10,000 files allocates millions of objects that all stay alive: the cyclic
    # collector would only re-scan them, so it is paused for the command's lifetime.
    gc.disable()
    # The folders are walked once, for the check of what changed and for the read, and so
    # is the output folder: by a second process, while this one imports the renderer.
    listed = scan_in_fork(obj.config(), also=Path(output).resolve(), fork=jobs != 1)
    from worktext.render.builder import up_to_date
    from worktext.render.flow import load_flow_history

    # The history is read once, for the check of what changed and for the pages.
    history = load_flow_history(obj.config(), obj.day(), obj.use_cache)
    found, existing = listed()
    current = None
    if not full:
        config, day = obj.config(), obj.day()
        current = up_to_date(config, day, Path(output), obj.use_cache, history, found, existing)
    if current is not None:  # nothing new since the last build: not even a read is needed
        _report(current, quiet)
        return
    show_bar = not quiet and sys.stderr.isatty()
    if show_bar:
        click.echo("Reading the workspace…", err=True)
    with cache.deferred_writes() as write_cache:
        ws = obj.workspace(found)
        if jobs != 1:
            write_cache()  # by a second process, while this one builds
        result = _build(ws, obj, output, full, jobs, show_bar, history, existing)
    _report(result, quiet)


def _build(
    ws: Workspace,
    obj: Context,
    output: str,
    full: bool,
    jobs: int | None,
    show_bar: bool,
    history: History,
    existing: set[str] | None,
) -> BuildResult:
    from worktext.render import build_site

    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if not show_bar or total < 50:
            return
        if bar is None:
            bar = click.progressbar(length=total, label="Rendering pages", file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        result = build_site(
            ws,
            Path(output),
            progress=progress,
            jobs=jobs,
            incremental=not full,
            use_cache=obj.use_cache,
            history=history,
            existing=existing,
        )
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    return result


def _report(result: BuildResult, quiet: bool) -> None:
    if quiet:
        click.echo(str(result.index))
        return
    for path in result.left_out:
        click.secho(
            f"warning: {path} could not be read and is left out of the site", fg="yellow", err=True
        )
    click.echo(
        f"Built {result.pages} files ({result.rendered} rendered, {result.written} written, "
        f"{result.removed} removed) in {result.seconds:.2f}s."
    )
    errors, warnings = result.problems
    if errors or warnings:
        click.echo(
            f"{errors} error(s), {warnings} warning(s): see health.html or run 'worktext check'."
        )
    click.echo(f"Open {result.index}")


COMMANDS: list[click.Command] = [build]
