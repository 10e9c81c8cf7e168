"""The build of a site into a folder: plan every page → decide which changed → render those →
write only new bytes.

The last build's manifest (a cache entry, ``site-<folder>``) holds, per output file, the
fingerprint of what it was rendered from and the digest of its bytes. A page is rendered again
only when its fingerprint changed (or its file is gone), and written only when its bytes
changed; a build whose inputs are all as last time does nothing. A large build renders in this
process and a forked one, which take the pages from one queue (``parallel.run_shared``); the
pages a fork took and did not send back are rendered here.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from worktext import parallel
from worktext.history.reconstruct import History
from worktext.load.cache import Cache
from worktext.model.config import Config
from worktext.model.diagnostics import Diagnostic
from worktext.model.workspace import Workspace
from worktext.render import reuse
from worktext.render.contexts import broken_files, left_out_reasons
from worktext.render.data import SiteData
from worktext.render.fingerprints import Fingerprints, digest, inputs_key, item_digests
from worktext.render.plan import Page, asset_pages, plan
from worktext.render.renderer import Renderer
from worktext.render.shares import Shares

log = logging.getLogger(__name__)

MANIFEST_FORMAT = 4
# Below this many pages, and this much weight of pages (the items they depend on: a page of the
# whole site weighs as many as the workspace has tasks), a second process costs more than it
# saves.
PARALLEL_PAGES = 400
PARALLEL_WEIGHT = 20_000
Progress = Callable[[int, int], None]


@dataclass
class BuildResult:
    out_dir: Path
    index: Path  # the home page
    pages: int  # files in the site
    rendered: int  # files rendered in this build
    written: int  # files whose bytes changed on disk
    removed: int  # files of an earlier build that no longer exist
    seconds: float
    warnings: list[Diagnostic] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # files left out: unreadable, duplicates
    problems: tuple[int, int] = (0, 0)  # the workspace's errors and warnings
    left_out_why: dict[str, str] = field(default_factory=dict)  # path → why, in words


@dataclass
class Manifest:
    """What the last build into a folder rendered: each page's (fingerprint, digest of its
    bytes), the key of all its inputs, and what it reported (files left out, problems)."""

    pages: dict[str, tuple[str, str]] = field(default_factory=dict)
    inputs: str | None = None
    report: dict[str, Any] = field(default_factory=dict)


def site_name(out: Path) -> str:
    """The prefix of a site's cache entries: one per output folder."""
    return f"site-{digest(str(out))}"


def read_manifest(store: Cache, out: Path) -> Manifest:
    data = store.get(site_name(out), "manifest")
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        return Manifest()
    pages = data.get("pages")
    inputs, report = data.get("inputs"), data.get("report")
    return Manifest(
        {k: (v[0], v[1]) for k, v in pages.items()} if isinstance(pages, dict) else {},
        inputs if isinstance(inputs, str) else None,
        report if isinstance(report, dict) else {},
    )


def write_manifest(store: Cache, out: Path, manifest: Manifest) -> None:
    value = {
        "format": MANIFEST_FORMAT,
        "inputs": manifest.inputs,
        "report": manifest.report,
        "pages": manifest.pages,
    }
    store.put(site_name(out), "manifest", value)


def still_current(
    out: Path, inputs: str | None, last: Manifest, existing: set[str], started: float
) -> BuildResult | None:
    """The last build's result when it was made from ``inputs`` and its files (``existing``,
    the files in ``out``) are all there; else None."""
    if inputs is None or inputs != last.inputs or not existing.issuperset(last.pages):
        return None
    errors, warnings = last.report.get("problems", (0, 0))
    return BuildResult(
        out,
        out / "index.html",
        len(last.pages),
        0,
        0,
        0,
        time.perf_counter() - started,
        left_out=[str(path) for path in last.report.get("left_out", [])],
        problems=(int(errors), int(warnings)),
        left_out_why={str(k): str(v) for k, v in last.report.get("left_out_why", {}).items()},
    )


def inputs_of(
    config: Config, today: dt.date, input_key: str | None, history: History
) -> str | None:
    """The key of every input of a site, when the workspace's is known."""
    return inputs_key(config, today, input_key, history) if input_key is not None else None


@contextmanager
def collector_paused() -> Iterator[None]:
    """Rendering makes millions of short-lived objects and no reference cycles worth
    collecting: with the collector paused (and the loaded workspace frozen out of its sight)
    a build is about a quarter faster. Restored when the build ends."""
    was_enabled = gc.isenabled()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def build_site(
    ws: Workspace,
    out_dir: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
    jobs: int | None = None,
    incremental: bool = True,
    use_cache: bool = True,
    history: History | None = None,
    existing: set[str] | None = None,
    last: Manifest | None = None,
) -> BuildResult:
    """Render the workspace into ``out_dir``; returns what was done.

    ``progress(done, total)`` is called as pages are rendered. ``jobs`` caps the processes.
    ``incremental=False`` renders every page, though files whose bytes did not change are
    still not rewritten. ``use_cache=False`` reads and keeps nothing in the cache. The caller
    may pass what it has already: ``history`` (the git history the site shows), ``existing``
    (the files in ``out_dir``) and ``last`` (the folder's manifest). Raises
    ``OutputCollision`` (a WorktextError) when two ids map to the same file."""
    started = time.perf_counter()
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    store = Cache(ws.config.root, use_cache)
    data = SiteData(ws, history, use_cache)
    if last is None:
        last = read_manifest(store, out) if incremental else Manifest()
    if not incremental:
        last = Manifest()
    if existing is None:
        from worktext.model.scan import files_under

        existing = files_under(out)
    inputs = inputs_of(ws.config, ws.today, ws.input_key, data.flow.history) if use_cache else None
    done = still_current(out, inputs, last, existing, started)
    if done is not None:
        return done
    with collector_paused():
        build = _Build(data, store, out, last, existing, inputs, jobs, progress, started)
        return build.run()


@dataclass
class _Build:
    """One build into a folder: the last build's manifest and the files there."""

    data: SiteData
    store: Cache
    out: Path
    last: Manifest
    existing: set[str]
    inputs: str | None
    jobs: int | None
    progress: Progress | None
    started: float

    @property
    def site(self) -> str:
        return site_name(self.out)

    def run(self) -> BuildResult:
        data = self.data
        ws = data.ws
        fingerprints = Fingerprints(data, item_digests(data))
        history = reuse.histories(data) if self.store.enabled else {}
        kept = self._kept(fingerprints, history)
        unchanged = self._unchanged(kept)
        pages = plan(data, kept.deps if kept else None, unchanged.keys())
        pages.extend(asset_pages())
        keys = fingerprints.of(pages, kept.fingerprints if kept else None)
        todo = self._changed(pages, keys)
        log.info("%d pages planned, %d to render", len(pages) + len(unchanged), len(todo))
        log.debug("to render: %s", " ".join(pages[index].path for index in todo))
        shares = self._shares(pages, keys, kept, unchanged)
        renderer = Renderer(data, shares, bytecode_cache=self.store.enabled)
        if any({"*", "h"} & set(pages[index].deps) for index in todo):
            data.flow.warm()  # the pages of many tasks share the flows: once, before any fork
        results = self._render(renderer, pages, todo)
        entries = self._entries(pages, keys, results, unchanged)
        removed = remove_stale(self.out, self.last.pages, entries)
        left_out = [path for path, _ in broken_files(ws)]
        why = left_out_reasons(ws)
        problems = (len(ws.errors), len(ws.warnings))
        report = {"left_out": left_out, "problems": problems, "left_out_why": why}
        write_manifest(self.store, self.out, Manifest(entries, self.inputs, report))
        if self.store.enabled:
            self._keep_plan(pages, fingerprints, history, kept)
        return BuildResult(
            self.out,
            self.out / "index.html",
            len(pages) + len(unchanged),
            len(todo),
            sum(wrote for _digest, wrote in results.values()),
            removed,
            time.perf_counter() - self.started,
            ws.warnings,
            left_out,
            problems,
            why,
        )

    def _changed(self, pages: list[Page], keys: list[str]) -> list[int]:
        """The pages whose fingerprint is not the last build's, or whose file is gone."""
        previous, existing = self.last.pages, self.existing
        return [
            index
            for index, page in enumerate(pages)
            if previous.get(page.path, ("",))[0] != keys[index] or page.path not in existing
        ]

    def _entries(
        self,
        pages: list[Page],
        keys: list[str],
        results: dict[int, tuple[str, bool]],
        unchanged: dict[str, str],
    ) -> dict[str, tuple[str, str]]:
        """The manifest of this build: each page's fingerprint and the digest of its bytes
        (the last build's, for a page not rendered)."""
        previous = self.last.pages
        entries = {}
        for index, page in enumerate(pages):
            done = results.get(index)
            digest = done[0] if done is not None else previous.get(page.path, ("", ""))[1]
            entries[page.path] = (keys[index], digest)
        entries.update({path: previous[path] for path in unchanged.values()})
        return entries

    def _kept(self, fingerprints: Fingerprints, history: dict[str, str]) -> reuse.Kept | None:
        """The task pages the last build planned that need no planning now (reuse.py), with
        every other task page planned: then all their fingerprints are known."""
        if not (self.store.enabled and self.last.pages):
            return None
        data = self.data
        kept = reuse.kept_task_pages(
            data, self.store, self.site, fingerprints, history, self.last.pages
        )
        if kept is not None:
            fresh = reuse.complete(data, kept, fingerprints)
            log.info("%d task pages planned afresh, %d kept", fresh, len(kept.deps) - fresh)
        return kept

    def _unchanged(self, kept: reuse.Kept | None) -> dict[str, str]:
        """The page paths (by task id) of the kept task pages that were not planned afresh and
        whose files are there: they are as they were, left out of the plan, and their manifest
        entries carried over."""
        if kept is None:
            return {}
        previous, existing, links = self.last.pages, self.existing, self.data.links
        return {
            task.id: path
            for task in self.data.ws.tasks
            if task.id not in kept.fresh
            and (path := links.task(task)) in existing
            and path in previous
        }

    def _shares(
        self,
        pages: list[Page],
        keys: list[str],
        kept: reuse.Kept | None,
        unchanged: dict[str, str],
    ) -> Shares | None:
        """The kept shares of this build: each task's, under its page's fingerprint."""
        if not self.store.enabled:
            return None
        by_path = {page.path: key for page, key in zip(pages, keys, strict=True)}
        if kept is not None:
            by_path.update({path: kept.fingerprints[path] for path in unchanged.values()})
        links = self.data.links
        return Shares(
            self.store, self.site, {t.id: by_path[links.task(t)] for t in self.data.ws.tasks}
        )

    def _keep_plan(
        self,
        pages: list[Page],
        fingerprints: Fingerprints,
        history: dict[str, str],
        kept: reuse.Kept | None,
    ) -> None:
        """Keep the task pages' dependencies for the next build (reuse.py)."""
        if kept is not None:
            deps = kept.deps  # complete() made it hold every task's, and only theirs
        else:
            planned = {page.path: page for page in pages}
            links = self.data.links
            deps = {task.id: planned[links.task(task)].deps for task in self.data.ws.tasks}
        reuse.keep(self.store, self.site, fingerprints, history, deps, kept)

    def _render(
        self, renderer: Renderer, pages: list[Page], todo: list[int]
    ) -> dict[int, tuple[str, bool]]:
        """Render the pages ``todo``: here, or here and in a fork, which take the pages from
        one queue (``parallel.run_shared``), the heaviest first: a page's cost is known only
        roughly (a task's comments, a whole-site file's size), and a fork is slower than this
        process by its copies of the pages it touches, so a split fixed beforehand leaves one
        process idle while the other renders a second or more."""
        if not todo:
            return {}
        everything = len(self.data.ws.tasks)
        weights = {i: everything if "*" in pages[i].deps else len(pages[i].deps) for i in todo}
        worth_it = len(todo) >= PARALLEL_PAGES or sum(weights.values()) >= PARALLEL_WEIGHT
        workers = min(2, parallel.cpu_count(self.jobs)) if worth_it else 1
        order = sorted(todo, key=lambda i: -weights[i])
        size = -(-len(order) // parallel.MAX_SHARED_PARTS)
        parts = [order[i : i + size] for i in range(0, len(order), size)]
        progress = _Progress(self.progress, len(todo), workers)
        previous, here = self.last.pages, os.getpid()

        def work(taken: Iterator[int]) -> dict[int, tuple[str, bool]]:
            report = progress.part if os.getpid() == here else None
            indexes = (index for number in taken for index in parts[number])
            done = render_pages(renderer, pages, indexes, self.out, previous, report)
            renderer.save()  # the cards and rows of these pages, for the next build
            return done

        def accept(sent: Any) -> bool:
            return isinstance(sent, dict) and all(isinstance(k, int) for k in sent)

        results: dict[int, tuple[str, bool]] = {}
        progress.part(0, len(todo))
        for done in parallel.run_shared(len(parts), work, accept, workers):
            results.update(done)
        missing = [index for index in todo if index not in results]
        if missing:  # a fork failed: what it took is rendered here
            log.info("%d pages a worker took are rendered here", len(missing))
            results.update(render_pages(renderer, pages, missing, self.out, previous))
            renderer.save()
        progress.done()
        return results


class _Progress:
    """A build's progress, reported by this process alone: the pages it has rendered, times
    the ``processes`` rendering, stand for the whole (they take from one queue)."""

    def __init__(self, report: Progress | None, total: int, processes: int) -> None:
        self.report, self.total, self.processes = report, total, processes

    def part(self, done: int, _total: int) -> None:
        if self.report is not None:
            self.report(min(self.total, done * self.processes), self.total)

    def done(self) -> None:
        if self.report is not None:
            self.report(self.total, self.total)


def render_pages(
    renderer: Renderer,
    pages: list[Page],
    indexes: Iterable[int],
    out: Path,
    previous: dict[str, tuple[str, str]],
    progress: Progress | None = None,
) -> dict[int, tuple[str, bool]]:
    """Render pages and write those whose bytes changed: each page's (digest, written).
    ``progress(done, done)`` is called every 100 pages."""
    done = {}
    folder = str(out)
    for count, index in enumerate(indexes, 1):
        page = pages[index]
        data = renderer.page(page)
        # sha256: most CPUs have instructions for it (2.5x blake2b here, on 10 MB files)
        page_digest = hashlib.sha256(data).hexdigest()[:24]
        target = os.path.join(folder, page.path)
        last = previous.get(page.path)
        changed = last is None or last[1] != page_digest or not os.path.exists(target)
        if changed:
            write_file(target, data)
        done[index] = (page_digest, changed)
        if progress and count % 100 == 0:
            progress(count, count)
    return done


_WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)


def write_file(path: str, data: bytes) -> None:
    """Write a page, making its folder when missing. Plain ``os`` calls: a cold build writes
    10,000 files, and a ``Path`` with ``mkdir`` and ``write_bytes`` costs several times more
    per file than the file itself."""
    try:
        handle = os.open(path, _WRITE_FLAGS | getattr(os, "O_BINARY", 0), 0o666)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        handle = os.open(path, _WRITE_FLAGS | getattr(os, "O_BINARY", 0), 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view) :]
    finally:
        os.close(handle)


def remove_stale(out: Path, previous: dict[str, tuple[str, str]], current: dict[str, Any]) -> int:
    """Delete files an earlier build wrote that this one does not (a deleted task's page)."""
    removed = 0
    for path in sorted(set(previous) - set(current)):
        target = (out / path).resolve()
        if out in target.parents and target.is_file():
            target.unlink()
            removed += 1
    return removed
