"""The build: plan every page → decide which changed → render those → write only new bytes.

``build_site`` is the one entry point; the CLI and the MkDocs plugin call it. A manifest in
``.worktext/`` (manifest.py) records, per output file, the fingerprint of the data it was
rendered from and the digest of its bytes. A page is rendered again only when its fingerprint
changed (or its file is gone), and written only when its bytes changed; a build whose inputs
are all as last time does nothing. Large builds render in this process and one fork.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import hashlib
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, DictLoader, Environment
from markupsafe import Markup, escape

from worktext import parallel as forks
from worktext.history.reconstruct import History
from worktext.model.config import Config
from worktext.model.diagnostics import Diagnostic
from worktext.model.loader import Scan, fingerprint, workspace_fingerprint
from worktext.model.workspace import Workspace
from worktext.render import environment, manifest, reuse
from worktext.render.contexts import broken_files
from worktext.render.flow import load_flow_history
from worktext.render.pages import Page, nav, plan, today_month, whole_site_pages
from worktext.render.urls import UrlMap, root_prefix
from worktext.render.view import SiteView

# Below this many pages, and this much weight of pages (the items they depend on: a page of the
# whole site weighs as many as the workspace has tasks), a second process costs more than it
# saves. The weight lets a rebuild after one edit share the few big pages it has to redo.
PARALLEL_THRESHOLD = 400
PARALLEL_WEIGHT = 20_000
CHUNK = 100
HEAVY_DEPS = 20  # pages that depend on more items than this are handed out one by one
# A rebuild that had to plan at most this many task pages afresh renders the whole-site pages
# in a fork while it plans the rest (_start_early); more, and the rest is worth both processes.
EARLY_MAX_FRESH = 200
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
    left_out: list[str] = field(default_factory=list)  # files that could not be read
    problems: tuple[int, int] = (0, 0)  # the workspace's errors and warnings


# The plan and shared state of the current build; forked workers read them from here.
_CURRENT: dict[str, Any] = {}


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
) -> BuildResult:
    """Render the workspace into ``out_dir``; returns what was done.

    ``progress(done, total)`` is called as pages are rendered. ``jobs`` caps the processes
    (default: the CPU count, at most 2 used where it pays). ``incremental=False`` renders every
    page, though files whose bytes did not change are still not rewritten. ``use_cache=False``
    reads the git history without its cache (``--no-cache``); ``history`` is that history when
    the caller has read it already (``up_to_date`` did); ``existing``, the files in ``out_dir``
    (``manifest.existing_files``), when the caller has listed them.
    Raises ``OutputCollision`` (a WorktextError) when two ids map to the same file.
    """
    started = time.perf_counter()
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    site = SiteView(ws, UrlMap(), use_cache=use_cache, history=history)
    if use_cache:
        site.piece_store = lambda kind: manifest.piece_path(ws.config, out, kind)
    manifest_path = manifest.manifest_path(ws.config, out)
    last = manifest.read_manifest(manifest_path) if incremental else ({}, None, {})
    previous = last[0]
    if existing is None:
        existing = manifest.existing_files(out)
    inputs = None
    if incremental and use_cache and ws.input_key is not None:
        inputs = manifest.inputs_key(ws.config, ws.today, ws.input_key, site.flow.history)
    if inputs is not None:
        done = _still_current(out, inputs, last, existing, started)
        if done is not None:
            return done
    build = _Build(
        site, out, manifest_path, previous, existing, inputs, jobs, progress, use_cache, started
    )
    if use_cache:  # a rebuild takes over the task pages that cannot have changed (reuse.py)
        build.store = manifest.piece_path(ws.config, out, "plan")
        if previous:
            build.keep_task_pages()
    # Rendering makes millions of short-lived objects and no reference cycles worth collecting;
    # with the collector paused (and the loaded workspace frozen out of its sight) it is ~25 %
    # faster. It is restored when the build ends.
    was_enabled = gc.isenabled()
    gc.freeze()
    gc.disable()
    try:
        return build.run()
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()
        _CURRENT.clear()


@dataclass
class _Build:
    """One build into a folder: the last build's manifest and files there, what a rebuild
    keeps of it, and how to run."""

    site: SiteView
    out: Path
    manifest_path: Path
    previous: dict[str, tuple[str, str]]  # the last build's pages: (fingerprint, digest)
    existing: set[str]  # the files in ``out``
    inputs: str | None  # the key of every input, when known
    jobs: int | None
    progress: Progress | None
    use_cache: bool
    started: float
    store: Path | None = None  # where the plan is kept for the next build (reuse.py)
    items: dict[str, str] | None = None  # manifest.item_digests, once taken
    histories: dict[str, str] = field(default_factory=dict)  # reuse.histories
    kept: reuse.Kept | None = None  # the task pages taken over from the last build
    fresh: int = 0  # task pages of those planned afresh
    fingerprints: list[str] = field(default_factory=list)  # of ``pages``
    pages: list[Page] = field(default_factory=list)

    @functools.cached_property
    def base(self) -> str:
        return manifest.base_key(self.site.ws.config, self.site.ws.today)

    def keep_task_pages(self) -> None:
        """Take over what the last build planned, when only tasks changed since: then every
        task page's fingerprint is known before the plan."""
        site, store = self.site, self.store
        assert store is not None
        self.items, self.histories = manifest.item_digests(site), reuse.histories(site)
        self.kept = reuse.kept_task_pages(
            site, store, self.base, self.items, self.histories, self.previous
        )
        if self.kept is not None:
            self.fresh = reuse.complete(site, self.kept, self.items)
            fingerprints = self.kept.fingerprints
            site.piece_keys = {t.id: fingerprints[site.task_url(t)] for t in site.ws.tasks}

    def take_fingerprints(self) -> None:
        site, kept = self.site, self.kept
        if self.items is None:
            self.items = manifest.item_digests(site)
            self.histories = reuse.histories(site) if self.store is not None else {}
        known = kept.fingerprints if kept else None
        self.fingerprints.extend(manifest.fingerprints(site, self.pages, self.items, known))
        if kept is None:  # else known before the plan
            by_path = {page.path: self.fingerprints[i] for i, page in enumerate(self.pages)}
            site.piece_keys = {t.id: by_path[site.task_url(t)] for t in site.ws.tasks}

    def run(self) -> BuildResult:
        site, kept, previous, existing = self.site, self.kept, self.previous, self.existing
        ws = site.ws
        # A rebuild whose task pages are nearly all kept knows, before planning, which pages
        # of the whole site to redo: a fork renders those while this process plans the rest.
        early = None
        if kept is not None and self.items is not None and self.fresh <= EARLY_MAX_FRESH:
            early = _start_early(
                site, self.out, self.items, previous, existing, self.jobs, self.use_cache
            )
        # Kept task pages that were not planned afresh, and whose files are there, are as
        # they were: they are left out of the plan, and their entries carried over.
        unchanged: dict[str, str] = {}
        if kept is not None:
            for task in ws.tasks:
                path = site.task_url(task)
                if task.id not in kept.fresh and path in existing and path in previous:
                    unchanged[task.id] = path
        pages = self.pages = plan(site, kept.deps if kept else None, unchanged.keys())
        pages.extend(environment.asset_pages())
        fingerprints = self.fingerprints
        if previous:
            self.take_fingerprints()
            todo = [
                index
                for index, page in enumerate(pages)
                if previous.get(page.path, ("",))[0] != fingerprints[index]
                or page.path not in existing
            ]
        else:  # every page is new: their fingerprints (for the next build) are taken meanwhile
            todo = list(range(len(pages)))
        if todo and "env" not in _CURRENT:  # compiling the templates: much of a build with
            prepare(site, bytecode_cache=self.use_cache)  # little to do
        if any({"*", "h"} & set(pages[index].deps) for index in todo):
            site.flow.warm()  # the pages of many tasks share the flows: once, before any fork
        _CURRENT.update(out=self.out, pages=pages, previous=previous)
        if early is None:
            meanwhile = None if fingerprints else self.take_fingerprints
            results = _render_all(todo, self.jobs, self.progress, meanwhile)
        else:
            taken = early.paths()
            results = _render_chunk([index for index in todo if pages[index].path not in taken])
            by_path = {page.path: index for index, page in enumerate(pages)}
            for path, result in early.finish().items():
                results[by_path[path]] = result
            if self.progress:
                self.progress(len(todo), len(todo))
        fragments = site.fragment_store()
        if fragments is not None:
            fragments.save()
        entries = {}
        written = 0
        for index, page in enumerate(pages):
            digest, wrote = results.get(index, (previous.get(page.path, ("", ""))[1], False))
            written += wrote
            entries[page.path] = (fingerprints[index], digest)
        for path in unchanged.values():
            entries[path] = previous[path]
        removed = manifest.remove_stale(self.out, previous, entries)
        left_out = [path for path, _ in broken_files(site)]
        problems = (len(ws.errors), len(ws.warnings))
        report = {"left_out": left_out, "problems": problems}
        manifest.write_manifest(self.manifest_path, entries, self.inputs, report)
        self.keep_plan()
        return BuildResult(
            self.out,
            self.out / "index.html",
            len(pages) + len(unchanged),
            len(todo),
            written,
            removed,
            time.perf_counter() - self.started,
            ws.warnings,
            left_out,
            problems,
        )

    def keep_plan(self) -> None:
        """Keep this build's digests and task pages' dependencies for the next (reuse.py)."""
        if self.store is None or self.items is None:
            return
        ws, kept = self.site.ws, self.kept
        if kept is not None:  # complete() made it hold every task's, and only theirs
            deps = kept.deps
        else:
            by_path = {page.path: page for page in self.pages}
            deps = {task.id: by_path[self.site.task_url(task)].deps for task in ws.tasks}
        reuse.keep(self.store, self.base, self.items, self.histories, deps, kept)


def up_to_date(
    config: Config,
    today: dt.date,
    out_dir: str | os.PathLike[str],
    use_cache: bool = True,
    history: History | None = None,
    found: Scan | None = None,
    existing: set[str] | None = None,
) -> BuildResult | None:
    """The result of the last build into ``out_dir`` when it was made from exactly these
    inputs (files, settings, code, day and git history) and its files are all still there;
    else None. Costs a walk of the folders, not a read of the workspace: a build with nothing
    new to show is over before the workspace is loaded. ``history``: the git history of the
    site, when the caller has read it (to give it to ``build_site`` too); ``found``: a
    ``scan(config)`` made for the workspace's load too; ``existing``: the files in
    ``out_dir``, when the caller has listed them."""
    started = time.perf_counter()
    out = Path(out_dir).resolve()
    input_key = None
    if use_cache:
        input_key = fingerprint(config, found) if found else workspace_fingerprint(config)
    if input_key is None or not out.is_dir():
        return None
    history = history if history is not None else load_flow_history(config, today)
    inputs = manifest.inputs_key(config, today, input_key, history)
    where = manifest.manifest_path(config, out)
    last = manifest.read_manifest(where)
    if inputs != last[1]:  # before the walk of the output folder
        return None
    if existing is None:
        existing = manifest.existing_files(out)
    return _still_current(out, inputs, last, existing, started)


def _still_current(
    out: Path, inputs: str, last: manifest.Manifest, existing: set[str], started: float
) -> BuildResult | None:
    """The last build's result (``last``: its manifest) when it was made from ``inputs`` and
    its files (``existing``) are all there; else None."""
    previous, built_from, report = last
    if inputs != built_from or not existing.issuperset(previous):
        return None
    left_out = [str(path) for path in report.get("left_out", [])]
    errors, warnings = report.get("problems", (0, 0))
    return BuildResult(
        out,
        out / "index.html",
        len(previous),
        0,
        0,
        0,
        time.perf_counter() - started,
        left_out=left_out,
        problems=(int(errors), int(warnings)),
    )


def _render_all(
    todo: list[int],
    jobs: int | None,
    progress: Progress | None,
    meanwhile: Callable[[], None] | None = None,
) -> dict[int, tuple[str, bool]]:
    """Render the pages ``todo``; ``meanwhile`` is work of this process that can be done
    while a second one renders (or first, when there is none)."""
    results: dict[int, tuple[str, bool]] = {}
    total = len(todo)
    if progress:
        progress(0, total)
    chunks, weight = _chunks(todo)
    workers = min(2, jobs or os.cpu_count() or 1)
    can_fork = forks.can_fork()
    worth_it = total >= PARALLEL_THRESHOLD or weight >= PARALLEL_WEIGHT
    if workers > 1 and worth_it and can_fork:
        if meanwhile is None:
            return _render_in_two(chunks, total, progress)
        # Pages made of the tasks' kept shares need the fingerprints ``meanwhile`` takes: this
        # process renders them right after it, while the fork renders the rest.
        pages: list[Page] = _CURRENT["pages"]
        keyed = [index for index in todo if pages[index].keyed]
        shared = [[index for index in chunk if not pages[index].keyed] for chunk in chunks]
        work = meanwhile

        def then_keyed() -> None:
            work()
            results.update(_render_chunk(keyed))

        results.update(_render_in_two([c for c in shared if c], total, progress, then_keyed))
        return results
    if meanwhile is not None:
        meanwhile()
    for chunk in chunks:
        results.update(_render_chunk(chunk))
        if progress:
            progress(len(results), total)
    return results


class _Early:
    """The whole-site pages a fork renders while this process plans the others (the fork was
    made before the plan, so it knows these pages only); this process takes what the fork has
    not started when its own pages are done."""

    def __init__(self, pages: list[Page], chunks: list[list[int]]) -> None:
        self.pages = pages
        self.chunks = chunks
        self.counter = forks.Counter()
        _CURRENT["pages"] = pages
        self.child = forks.Fork(lambda: _render_taken_child(chunks, self.counter))

    def paths(self) -> set[str]:
        return {page.path for page in self.pages}

    def finish(self) -> dict[str, tuple[str, bool]]:
        """Every early page's (digest, written), by path."""
        planned = _CURRENT["pages"]
        _CURRENT["pages"] = self.pages
        try:
            results: dict[int, tuple[str, bool]] = {}
            for done in _render_taken(self.chunks, self.counter):
                results.update(done)
            results.update(_collect(self.child, self.counter))
            left = [i for chunk in self.chunks for i in chunk if i not in results]
            if left:  # the fork failed: what it took is rendered here
                results.update(_render_chunk(left))
        finally:
            _CURRENT["pages"] = planned
        return {self.pages[index].path: result for index, result in results.items()}


def _start_early(
    site: SiteView,
    out: Path,
    items: dict[str, str],
    previous: dict[str, tuple[str, str]],
    existing: set[str],
    jobs: int | None,
    use_cache: bool,
) -> _Early | None:
    """Start a fork on the whole-site pages whose fingerprints changed, when there are two
    processes to use; None when not."""
    if min(2, jobs or os.cpu_count() or 1) < 2:
        return None
    if not forks.can_fork():
        return None
    whole = whole_site_pages(site)
    keys = manifest.fingerprints(site, whole, items)
    early = [
        page
        for page, key in zip(whole, keys, strict=True)
        if previous.get(page.path, ("",))[0] != key or page.path not in existing
    ]
    if not early:
        return None
    prepare(site, bytecode_cache=use_cache)
    site.flow.warm()  # shared with the pages this process renders: once, before the fork
    _CURRENT.update(out=out, previous=previous)
    # The whole-site files (made of every task's share) take longest: handed out first.
    order = sorted(range(len(early)), key=lambda index: (not early[index].keyed, index))
    return _Early(early, [[index] for index in order])


def _collect(child: forks.Fork, counter: forks.Counter) -> dict[int, tuple[str, bool]]:
    """What a fork rendered: each page's (digest, written), by index. Empty when the fork
    failed: what it took is then rendered here."""
    sent = child.result()
    counter.close()
    return sent if isinstance(sent, dict) else {}


def _chunks(todo: list[int]) -> tuple[list[list[int]], int]:
    """The pages in portions for the workers to take in turn, and their total weight: the
    heavy pages (the whole-site files, boards, project, person and goal pages, which depend on
    many items) first and one by one, so the two processes share them; then the light ones by
    the hundred."""
    pages: list[Page] = _CURRENT["pages"]
    everything = len(_CURRENT["site"].ws.tasks) if "site" in _CURRENT else 0
    weights = {
        index: everything if "*" in pages[index].deps else len(pages[index].deps) for index in todo
    }
    order = sorted(todo, key=lambda index: -weights[index])
    heavy = [index for index in order if weights[index] > HEAVY_DEPS]
    light = order[len(heavy) :]
    chunks = [[index] for index in heavy] + [
        light[i : i + CHUNK] for i in range(0, len(light), CHUNK)
    ]
    return chunks, sum(weights.values())


def _render_in_two(
    chunks: list[list[int]],
    total: int,
    progress: Progress | None,
    meanwhile: Callable[[], None] | None = None,
) -> dict[int, tuple[str, bool]]:
    """Render in this process and one fork of it, each taking the next portion from a shared
    counter until none is left. One fork, not two: this process works instead of waiting, and
    only one copy of the loaded workspace is touched by a second process. A portion the fork
    did not finish (it failed) is rendered here afterwards."""
    counter = forks.Counter()
    child = forks.Fork(lambda: _render_taken_child(chunks, counter))
    if meanwhile is not None:
        meanwhile()
    results: dict[int, tuple[str, bool]] = {}
    for done in _render_taken(chunks, counter):
        results.update(done)
        if progress:
            progress(min(total, len(results) * 2), total)
    results.update(_collect(child, counter))
    left = [index for chunk in chunks for index in chunk if index not in results]
    if left:
        results.update(_render_chunk(left))
    if progress:
        progress(total, total)
    return results


def _render_taken(
    chunks: list[list[int]], counter: forks.Counter
) -> Iterator[dict[int, tuple[str, bool]]]:
    while True:
        taken = counter.take()
        if taken >= len(chunks):
            return
        yield _render_chunk(chunks[taken])


def _render_taken_child(
    chunks: list[list[int]], counter: forks.Counter
) -> dict[int, tuple[str, bool]]:
    """The fork's part: portions until none is left. It keeps the cards and rows of the pages
    it rendered, and returns each page's (digest, written) for ``forks.Fork`` to send."""
    results: dict[int, tuple[str, bool]] = {}
    # On a failure, the parent renders what is missing (and reports the error, if it recurs).
    with contextlib.suppress(Exception):
        for done in _render_taken(chunks, counter):
            results.update(done)
        store = _CURRENT["site"].fragment_store()
        if store is not None:
            store.save()
    return results


def _render_chunk(indexes: list[int]) -> dict[int, tuple[str, bool]]:
    pages: list[Page] = _CURRENT["pages"]
    out = str(_CURRENT["out"])
    previous: dict[str, tuple[str, str]] = _CURRENT["previous"]
    done = {}
    for index in indexes:
        page = pages[index]
        data = render_page(page)
        # sha256: most CPUs have instructions for it (2.5x blake2b here, on 10 MB files)
        digest = hashlib.sha256(data).hexdigest()[:24]
        target = os.path.join(out, page.path)
        last = previous.get(page.path)
        changed = last is None or last[1] != digest or not os.path.exists(target)
        if changed:
            write_file(target, data)
        done[index] = (digest, changed)
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


def page_environment(
    site: SiteView, bytecode_cache: bool = False, layout: str | None = None
) -> Environment:
    """The Jinja environment of one build. ``layout`` replaces ``base.html`` (the MkDocs
    plugin gives one that emits the content block alone, inside the theme's page)."""
    env = environment.make_environment(bytecode_cache)
    env.globals["own_layout"] = layout is None  # base.html is ours (see render_template)
    if layout is not None:
        env.loader = ChoiceLoader([DictLoader({"base.html": layout}), env.loader])  # type: ignore[list-item]
    # Macros are imported without the page's context (much faster): they read these globals.
    env.globals.update(
        site=site,
        today=site.today,
        # The small pieces every page repeats, written in Python (see fragments.py).
        state_badge=site.state_badge,
        due=site.due,
        person_link=site.person_link,
        chip=site.chip,
    )
    return env


def prepare(site: SiteView, bytecode_cache: bool = False) -> None:
    """Set up rendering for one build: the environment and what every page shares."""
    env = page_environment(site, bytecode_cache)
    _CURRENT.update(site=site, env=env, nav=nav(today_month(site)))


def render_template(
    page: Page, site: SiteView, env: Environment, prefix: str, page_nav: Any
) -> str:
    """A templated page, its links relative to ``prefix`` (the way back to the site root)."""
    site.root = prefix
    site.page = page.path
    context = page.context(prefix) if page.context else {}
    kind = (page.template or "").removesuffix(".html")
    common = {
        "site": site,
        "root": prefix,
        "nav": page_nav,
        "section": page.section,
        "page_kind": kind,
        "site_name": site.site_title,
        "today": site.today,
        "repo_url": site.repo_url,
        "csp": Markup(environment.CSP),  # a constant of ours, not user data
    }
    page_frame = frame(env, common)
    content = context.get("content")
    if isinstance(content, Markup) and env.globals.get("own_layout"):
        # A page whose content is made in Python (task pages): base.html's one line, without
        # a template context per page.
        title = escape(page.title)
        name = escape(site.site_title)
        return f"{page_frame[0]}{title} · {name}{page_frame[1]}{content}{page_frame[2]}"
    return env.get_template(page.template or "").render(
        context, title=page.title, frame=page_frame, **common
    )


_TITLE_SLOT = Markup("<!--worktext:title-->")  # markup of ours: no escaped text can hold it
_CONTENT_SLOT = Markup("<!--worktext:content-->")


def frame(env: Environment, common: dict[str, Any]) -> tuple[Markup, Markup, Markup]:
    """Every page's head, top bar and footer (``_frame.html``), cut around the title and the
    content: rendered once per prefix, section and kind of page, not once per page."""
    site: SiteView = common["site"]
    key = (common["root"], common["section"], common["page_kind"])
    found = site.frames.get(key)
    if found is None:
        html = env.get_template("_frame.html").render(
            common, title_slot=_TITLE_SLOT, content_slot=_CONTENT_SLOT
        )
        head, rest = html.split(_TITLE_SLOT, 1)
        middle, foot = rest.split(_CONTENT_SLOT, 1)
        found = site.frames[key] = (Markup(head), Markup(middle), Markup(foot))
    return found


def render_page(page: Page) -> bytes:
    if page.produce is not None:
        return page.produce()
    site: SiteView = _CURRENT["site"]
    text = render_template(page, site, _CURRENT["env"], root_prefix(page.path), _CURRENT["nav"])
    return text.encode("utf-8")
