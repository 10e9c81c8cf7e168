"""The one way to build a workspace's site: ``worktext build``, ``worktext serve`` and the MkDocs
plugin all read and render through here, with the same behaviour.

``build`` walks the workspace's folders (and lists the output folder) in a forked process
while this one imports the renderer, reads the git history once (for the check of what is new
and for the pages), serves a build with nothing new from the last one's manifest before the
workspace is read, and otherwise reads the workspace and renders what changed. ``pages``
renders every page in memory, for a host that writes the files itself (MkDocs).

This module imports the renderer (Jinja, the templates' code) only when it builds: a caller
that starts a build has a scan running meanwhile.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from worktext.check.pipeline import build_workspace
from worktext.history.reconstruct import History
from worktext.load.cache import Cache
from worktext.model.config import Config
from worktext.model.diagnostics import Diagnostic
from worktext.model.discussion_load import (
    DiscussionScan,
    combined_key,
    discussion_fingerprint,
    scan_discussion,
)
from worktext.model.scan import Scan, files_under, fingerprint, scan, scan_in_fork
from worktext.render.flow import load_flow_history

if TYPE_CHECKING:
    from worktext.model.workspace import Workspace
    from worktext.render.build import BuildResult, Manifest
    from worktext.render.data import SiteData
    from worktext.render.plan import Page

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


def build(
    config: Config,
    out_dir: str | os.PathLike[str],
    today: dt.date,
    *,
    use_cache: bool = True,
    full: bool = False,
    jobs: int | None = None,
    progress: Progress | None = None,
    config_diagnostics: list[Diagnostic] | None = None,
    on_read: Callable[[], None] | None = None,
) -> BuildResult:
    """Build the site of the workspace ``config`` describes into ``out_dir``. ``full``: render
    every page. ``on_read()`` is called before the workspace is read (it is not when nothing
    changed since the last build)."""
    out = Path(out_dir).resolve()
    listed = scan_in_fork(config, also=out, fork=jobs != 1)
    # The renderer (Jinja, the templates' code), imported while the fork scans.
    from worktext.render.build import build_site, read_manifest

    history = load_flow_history(config, today, use_cache)
    found, existing = listed()
    if existing is None:  # not listed by a fork
        existing = files_under(out)
    last = read_manifest(Cache(config.root, use_cache), out)
    discussion = None  # a first build reads the comments as it walks their folders
    if not full and last.inputs is not None:
        discussion = scan_discussion(config)
        current = up_to_date(
            config,
            today,
            out,
            use_cache=use_cache,
            history=history,
            found=found,
            existing=existing,
            last=last,
            discussion=discussion,
        )
        if current is not None:
            log.info("nothing changed since the last build into %s", out)
            return current
    if on_read is not None:
        on_read()
    ws = build_workspace(config, today, use_cache, config_diagnostics, found, discussion)
    return build_site(
        ws,
        out,
        progress=progress,
        jobs=jobs,
        incremental=not full,
        use_cache=use_cache,
        history=history,
        existing=existing,
        last=last,
    )


def up_to_date(
    config: Config,
    today: dt.date,
    out_dir: str | os.PathLike[str],
    *,
    use_cache: bool = True,
    history: History | None = None,
    found: Scan | None = None,
    existing: set[str] | None = None,
    last: Manifest | None = None,
    discussion: DiscussionScan | None = None,
) -> BuildResult | None:
    """The result of the last build into ``out_dir`` when it was made from exactly these
    inputs (files, settings, code, day and git history) and its files are all still there;
    else None. Costs a walk of the folders, not a read of the workspace. The caller may pass
    what it has: the site's ``history``, a ``scan(config)`` (``found``), the files in
    ``out_dir`` (``existing``), its manifest (``last``) and a ``scan_discussion(config)``."""
    from worktext.render.build import inputs_of, read_manifest, still_current

    started = time.perf_counter()
    out = Path(out_dir).resolve()
    if not use_cache or not out.is_dir():
        return None
    input_key = combined_key(
        fingerprint(config, found if found is not None else scan(config)),
        discussion_fingerprint(config, discussion),
    )
    history = history if history is not None else load_flow_history(config, today)
    inputs = inputs_of(config, today, input_key, history)
    last = last if last is not None else read_manifest(Cache(config.root), out)
    if inputs is None or inputs != last.inputs:  # before the walk of the output folder
        return None
    return still_current(
        out, inputs, last, existing if existing is not None else files_under(out), started
    )


def pages(
    config: Config,
    today: dt.date,
    *,
    layout: str,
    root: str,
    left_out: frozenset[str] = frozenset(),
    use_cache: bool = True,
) -> tuple[Workspace, SiteData, list[Page], Iterator[tuple[Page, bytes]]]:
    """The workspace, the site's shared data, and every page of its site rendered in memory
    with ``layout`` in place of ``base.html`` and every link rooted at ``root``: what the MkDocs
    plugin shows inside its theme. ``left_out``: page paths not wanted."""
    from worktext.render.build import collector_paused
    from worktext.render.data import SiteData
    from worktext.render.plan import asset_pages, plan
    from worktext.render.renderer import Renderer

    history = load_flow_history(config, today, use_cache)
    ws = build_workspace(config, today, use_cache)
    data = SiteData(ws, history, use_cache)
    planned = [p for p in plan(data) if p.path not in left_out] + asset_pages()
    renderer = Renderer(data, layout=layout, root=root)

    def rendered() -> Iterator[tuple[Page, bytes]]:
        with collector_paused():
            for page in planned:
                yield page, renderer.page(page)

    return ws, data, planned, rendered()
