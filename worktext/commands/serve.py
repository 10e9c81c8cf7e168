"""``worktext serve``: a local preview of the status site that follows your edits."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from pathlib import Path

import click

from worktext.commands.common import Context, echo, styler, warn
from worktext.errors import WorktextError
from worktext.integrations.serve import Preview
from worktext.render.build import BuildResult


@click.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False),
    default="public",
    show_default=True,
    help="Folder to build the site into and serve (relative to the current folder).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port (0: any free one).",
)
@click.pass_obj
def serve(obj: Context, output: str, host: str, port: int) -> None:
    """Build the status site, serve it on your machine, and rebuild it when a file of the
    workspace changes: only the pages whose data changed are rendered again, and the page
    open in your browser reloads by itself. Stop it with Ctrl-C.

    It listens on 127.0.0.1 (this computer only) unless --host says otherwise, and serves
    the files of the output folder and nothing else. With -v it prints every request.

    \b
    Example:
      worktext serve                          http://127.0.0.1:8000/
      worktext serve --port 8080 -o /tmp/site
      worktext --today 2026-11-23 serve       preview the status as of a date
    """
    preview = Preview(obj.workspace_path, Path(output), today=obj.today, use_cache=obj.use_cache)
    result = preview.build(progress=_progress_bar())
    echo(f"Built {result.pages} files in {result.seconds:.2f}s into {result.out_dir}.")
    try:
        url = preview.start(host, port)
    except OSError as error:
        raise WorktextError(
            f"cannot listen on {host}:{port} ({error.strerror}); try another --port"
        ) from error
    if obj.verbosity and preview.server is not None:  # -v: every request
        preview.server.log = lambda line: echo(line, err=True)
    echo(f"Serving {url}  (watching {preview.root}; press Ctrl-C to stop)")
    if host not in ("127.0.0.1", "localhost", "::1"):
        warn(f"{host} lets other computers see the site")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops it as cleanly as Ctrl-C
    try:
        preview.watch(stop, _report)
    except KeyboardInterrupt:
        logging.getLogger(__name__).debug("serve: stopped by Ctrl-C")
    finally:
        stop.set()
        preview.stop()
    echo("Stopped. Publish the site with 'worktext build' (see the README).")


def _interrupt(_signal: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _report(result: BuildResult | Exception, changed: set[str]) -> None:
    names = ", ".join(sorted(changed)[:3]) + (" …" if len(changed) > 3 else "")
    if isinstance(result, Exception):
        message = result.format_message() if isinstance(result, WorktextError) else str(result)
        style = styler(sys.stderr.isatty())
        echo(style(f"Rebuild failed after {names}: {message}", fg="red"), err=True, styled=True)
        echo("The last good site is still served; fix the file and save it again.")
        return
    problems = len(result.warnings)
    note = f", {problems} warning(s): run 'worktext check'" if problems else ""
    echo(
        f"Rebuilt after {names}: {result.rendered} rendered, {result.written} written "
        f"in {result.seconds:.2f}s{note}."
    )


def _progress_bar():
    """A progress bar on stderr for long first builds (none when output is not a terminal)."""
    if not sys.stderr.isatty():
        return None
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if total < 50:
            return
        if bar is None:
            bar = click.progressbar(length=total, label="Rendering pages", file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)
        if done >= total:
            bar.__exit__(None, None, None)

    return progress


COMMANDS: list[click.Command] = [serve]
