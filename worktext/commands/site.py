"""``worktext build``: the static team status site."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from worktext.commands.common import Context, echo, warn

if TYPE_CHECKING:  # the renderer is imported by render.site.build, while the folders are scanned
    from worktext.render.build import BuildResult


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
    from worktext.render import site

    show_bar = not obj.quiet and sys.stderr.isatty()
    config, diagnostics = obj.settings()
    with _progress_bar(show_bar) as progress:
        result = site.build(
            config,
            Path(output),
            obj.day(),
            use_cache=obj.use_cache,
            full=full,
            jobs=jobs,
            progress=progress,
            config_diagnostics=diagnostics,
            on_read=(lambda: echo("Reading the workspace…", err=True)) if show_bar else None,
        )
    _report(result, obj.quiet)


@contextmanager
def _progress_bar(show: bool) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on standard error for builds of many pages."""
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if not show or total < 50:
            return
        if bar is None:
            bar = click.progressbar(length=total, label="Rendering pages", file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        yield progress
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


def _report(result: BuildResult, quiet: bool) -> None:
    if quiet:
        echo(str(result.index))
        return
    for path in result.left_out:
        why = result.left_out_why.get(path, "could not be read")
        warn(f"{path} {why} and is left out of the site")
    echo(
        f"Built {result.pages} files ({result.rendered} rendered, {result.written} written, "
        f"{result.removed} removed) in {result.seconds:.2f}s."
    )
    errors, warnings = result.problems
    if errors or warnings:
        echo(f"{errors} error(s), {warnings} warning(s): see health.html or run 'worktext check'.")
    echo(f"Open {result.index}")


COMMANDS: list[click.Command] = [build]
