"""Finding, reading and building every item file of a workspace: served from the per-file
cache when the file has not changed, and parsed and built on every core when many files have.

A file's row is ``(item row, diagnostic rows)``: its item encoded by ``snapshot`` (None when
it has none) and its own problems. The parsed file itself is not kept: key positions are
needed only to place a diagnostic found later, and ``LazySources`` reads those few files again.
Parallel work is an implementation detail: a worker's rows are the very rows
the cache stores, so a file gives the same result wherever it was read; ordering is by path.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import marshal
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from worktext import parallel as forks
from worktext.load import cache
from worktext.load.source import SourceFile, read_file
from worktext.model.build import build_file, kind_fields
from worktext.model.codec import decode_diagnostics, encode_diagnostics, encode_item, row_digest
from worktext.model.config import Config
from worktext.model.diagnostics import Diagnostic
from worktext.model.items import KINDS

log = logging.getLogger(__name__)

CACHE_NAME = "sources.marshal"
SKIPPED_NAMES = frozenset({"README.md", "readme.md", "index.md"})
# Below this many files to parse, starting workers costs more than it saves.
PARALLEL_MIN_FILES = 400
MAX_WORKERS = 8
# The parse cache is rewritten whole once it holds this many superseded rows beyond 1 per file.
COMPACT_SLACK = 64
# The size of this process's share relative to a worker's. Both parse and then encode their
# rows for the cache (this process while the workers still run), so shares are equal.
MAIN_SHARE = 1.0
JOBS_ENV = "WORKTEXT_JOBS"  # processes to parse with; 1 turns parallel parsing off


@dataclass
class Loaded:
    """Every item file's row (see above) by path, the paths by kind, and the problems found
    while walking the folders.

    ``fingerprint`` identifies every input of the workspace (the configuration, worktext's code
    and the identity of each file), so results derived from it can be cached under it; it is
    None when a file changed too recently for its identity to be trusted.
    """

    root: str
    files: dict[str, list[str]]
    rows: dict[str, tuple]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    from_cache: int = 0
    fingerprint: str | None = None

    @property
    def sources(self) -> dict[str, list[SourceFile]]:
        """The files parsed again, by kind (for tests and tools; the pipeline needs none)."""
        return {
            kind: [read_file(os.path.join(self.root, rel), rel) for rel in rels]
            for kind, rels in self.files.items()
        }


def item_files(config: Config) -> tuple[dict[str, list[tuple[str, os.DirEntry]]], list]:
    """(relative path, entry) of every item file by kind, sorted; and walk diagnostics."""
    root = config.root
    real_root = os.path.realpath(root)
    found: dict[str, list[tuple[str, os.DirEntry]]] = {kind: [] for kind in KINDS}
    diagnostics: list[Diagnostic] = []
    claimed: set[str] = set()
    for kind in KINDS:
        folder = config.folder(kind)
        if not folder.is_dir():
            continue
        # Relative paths are built as the walk descends rather than with os.path.relpath
        # per file, which was most of the walk's time.
        top = os.path.relpath(folder, root).replace(os.sep, "/")
        stack = [(str(folder), "" if top == "." else top + "/")]
        while stack:
            current, prefix = stack.pop()
            try:
                entries = list(os.scandir(current))
            except OSError:
                continue
            for entry in entries:
                name = entry.name
                if name.startswith((".", "_")):
                    continue
                rel = prefix + name
                if entry.is_symlink():
                    target = os.path.realpath(entry.path)
                    inside = target.startswith(real_root + os.sep)
                    if not inside or os.path.isdir(target):
                        if name.endswith(".md") or not inside:
                            diagnostics.append(_symlink_diagnostic(rel, inside))
                        continue
                if entry.is_dir():
                    stack.append((entry.path, rel + "/"))
                elif name.endswith(".md") and name not in SKIPPED_NAMES and rel not in claimed:
                    claimed.add(rel)
                    found[kind].append((rel, entry))
    for kind in KINDS:
        found[kind].sort(key=lambda pair: pair[0])
    return found, diagnostics


def _symlink_diagnostic(rel: str, inside: bool) -> Diagnostic:
    if inside:
        message = "symbolic link to a folder is not followed"
        hint = "move the files into the workspace's folders instead of linking a folder"
    else:
        message = "symbolic link to a file outside the workspace is not read"
        hint = "copy the file into the workspace instead of linking to it"
    return Diagnostic(rel, 0, 0, "warning", "symlink-outside", message, hint)


@dataclass
class Scan:
    """The item files found, with the stat key of each (None when it could not be read)."""

    files: dict[str, list[tuple[str, str]]]  # (relative path, path) of each, by kind
    diagnostics: list[Diagnostic]
    keys: dict[str, cache.StatKey | None]
    now_ns: int
    # fingerprint() by configuration fingerprint: the pipeline asks first, the loader again
    fingerprints: dict[str, str | None] = field(default_factory=dict, repr=False)

    def trusted(self, rel: str) -> bool:
        """Whether the file's parse may be served from, and stored in, the cache."""
        return rel not in self.untrusted

    def settled(self) -> bool:
        """No file changed too recently to be told apart from a later change. A file that
        cannot be stat'ed (a dangling link) gives the same diagnostic until its key appears."""
        return not self.racy

    @functools.cached_property
    def racy(self) -> set[str]:
        """The files changed too recently to be told apart from a later change."""
        now = self.now_ns
        return {
            rel for rel, key in self.keys.items() if key is not None and cache.is_racy(key, now)
        }

    @functools.cached_property
    def untrusted(self) -> set[str]:
        """The racy files, and those that could not be stat'ed."""
        return self.racy | {rel for rel, key in self.keys.items() if key is None}


def scan(config: Config) -> Scan:
    entries, diagnostics = item_files(config)
    keys: dict[str, cache.StatKey | None] = {}
    files: dict[str, list[tuple[str, str]]] = {}
    for kind, pairs in entries.items():
        for rel, entry in pairs:
            try:
                keys[rel] = cache.stat_key(entry.stat())
            except OSError:
                keys[rel] = None
        files[kind] = [(rel, entry.path) for rel, entry in pairs]
    return Scan(files, diagnostics, keys, cache.now_ns())


def scan_in_fork(
    config: Config, also: str | os.PathLike[str] | None = None, fork: bool = True
) -> Callable[[], tuple[Scan, set[str] | None]]:
    """Start ``scan(config)`` (and its fingerprint), and the listing of folder ``also`` (the
    build's output: ``files_under``), in a forked process; the function returned waits for
    them. ``worktext build`` imports the site's renderer meanwhile: walking and stat'ing
    10,000 files and importing Jinja and the templates' code take about as long, and both
    were on the way to the first page. Without fork (or when the fork fails), the scan is
    made here when the function is called, and ``also``'s files are not listed (None);
    likewise with ``fork=False`` (``worktext build -j 1``)."""
    if not (fork and can_fork()):
        return lambda: (scan(config), None)
    listed = (lambda: sorted(files_under(also))) if also is not None else list
    child = forks.Fork(lambda: (scan_payload(config), listed()))

    def result() -> tuple[Scan, set[str] | None]:
        sent = child.result()
        if isinstance(sent, tuple) and len(sent) == 2 and isinstance(sent[1], list):
            found = scan_from_payload(sent[0])
            if found is not None:
                return found, set(sent[1]) if also is not None else None
        return scan(config), None

    return result


def can_fork() -> bool:
    """Whether work may be handed to a forked process here. Forking a process that runs
    other threads can deadlock the child on a lock one of them held (the mkdocs plugin under
    `mkdocs serve`, for one)."""
    return forks.can_fork() and threading.active_count() == 1


def scan_payload(config: Config) -> tuple[Any, ...]:
    """``scan(config)`` with its fingerprint, as plain data (what a fork sends back)."""
    found = scan(config)
    fingerprint(config, found)  # kept in found.fingerprints
    diagnostics = encode_diagnostics(found.diagnostics)
    return found.files, diagnostics, found.keys, found.now_ns, found.fingerprints


def scan_from_payload(sent: Any) -> Scan | None:
    """The scan ``scan_payload`` sent; None for anything else (a fork that failed)."""
    if not (isinstance(sent, tuple) and len(sent) == 5):
        return None
    files, diagnostics, keys, now, fingerprints = sent
    return Scan(files, decode_diagnostics(diagnostics), keys, now, fingerprints)


def files_under(folder: str | os.PathLike[str]) -> set[str]:
    """Every file under ``folder`` (none when it is missing), by path relative to it, with
    forward slashes."""
    found = set()
    for current, _dirs, files in os.walk(folder):
        rel = os.path.relpath(current, folder).replace(os.sep, "/")
        for name in files:
            found.add(name if rel == "." else f"{rel}/{name}")
    return found


def workspace_fingerprint(config: Config) -> str | None:
    """What ``load_sources(config).fingerprint`` would be, without reading any file: a
    derived result stored under it can be served before the workspace is even parsed."""
    return fingerprint(config, scan(config))


def load_sources(config: Config, use_cache: bool = True, found: Scan | None = None) -> Loaded:
    """Every item file, parsed. ``found``: a ``scan(config)`` just made (to fingerprint the
    workspace first), so the folders are not walked twice."""
    found = found or scan(config)
    salt = config.fingerprint  # built items depend on the configuration
    stored = cache.read_store(config.root, CACHE_NAME, salt) if use_cache else cache.Stored()
    previous = stored.entries
    rows: dict[str, tuple] = {}  # rel → row
    todo: list[Job] = []
    with cache.gc_paused():
        for kind, pairs in found.files.items():
            for rel, path in pairs:
                cached = previous.get(rel)
                key = found.keys[rel]
                if cached is not None and cached[0] == key and found.trusted(rel):
                    rows[rel] = cached[1]
                else:
                    todo.append((path, rel, key[1] if key else 0, kind))
        hits = len(rows)
        parsed, parts = parse_rows(todo, config, encode=use_cache)
        rows.update(parsed)
        log.info("%d item files: %d parsed, %d from the cache", len(rows), len(parsed), hits)
        if use_cache:
            keys = {rel: found.keys[rel] for rel in rows if found.trusted(rel)}
            if hits != len(keys) or len(previous) != len(keys):
                _write_cache(config, keys, rows, parts, stored)
    files = {kind: [rel for rel, _path in pairs] for kind, pairs in found.files.items()}
    root = str(config.root)
    return Loaded(root, files, rows, found.diagnostics, hits, fingerprint(config, found))


def _write_cache(
    config: Config,
    keys: dict[str, cache.StatKey],
    rows: dict[str, tuple],
    parts: list[Part],
    stored: cache.Stored,
) -> None:
    """Workers' rows are stored as the bytes they sent, and the parts already stored are kept
    when only a few files changed: only the other new rows are encoded here."""
    covered = {rel for part in parts for rel in part.rels}
    previous = stored.entries
    new = {
        rel: rows[rel]
        for rel, key in keys.items()
        if rel not in covered and (rel not in previous or previous[rel][0] != key)
    }
    total = stored.rows_stored + len(covered) + len(new)
    kept = stored.parts
    if total > 2 * len(keys) + COMPACT_SLACK:  # mostly superseded rows: write afresh
        kept = []
        new = {rel: rows[rel] for rel in keys if rel not in covered}
    parts_out = [*kept, *(p.data for p in parts), new]
    cache.write_parts(config.root, CACHE_NAME, keys, parts_out, config.fingerprint)


def fingerprint(config: Config, found: Scan) -> str | None:
    """A digest of every input: worktext's code, the configuration, and each file's path and
    identity; None while a file is too new for its identity to be trusted."""
    salt = repr((str(config.root), config.fingerprint))
    if salt not in found.fingerprints:
        found.fingerprints[salt] = _fingerprint(config, found)
    return found.fingerprints[salt]


def _fingerprint(config: Config, found: Scan) -> str | None:
    if not found.settled():
        return None
    digest = hashlib.blake2b(digest_size=20)
    digest.update(repr((cache.code_stamp(), str(config.root), config.fingerprint)).encode())
    digest.update(repr(found.diagnostics).encode())  # links found by the walk
    keys = found.keys
    listing = [
        (kind, [(rel, keys[rel]) for rel, _path in pairs]) for kind, pairs in found.files.items()
    ]
    digest.update(marshal.dumps(listing, 2))  # version 2: no back-references, so stable bytes
    return digest.hexdigest()


# -- parsing, on every core ----------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """The marshalled ``{rel: row}`` of the files one worker parsed."""

    rels: tuple[str, ...]
    data: bytes


Job = tuple[str, str, int, str]  # (abspath, rel, size, kind) of a file to read


def parse_rows(
    todo: list[Job], config: Config, encode: bool = False
) -> tuple[dict[str, tuple], list[Part]]:
    """Rows of the files in ``todo`` by relative path, and the bytes of the rows that worker
    processes sent (the cache stores them as they are). ``encode``: the rows are to be cached,
    so this process encodes its own share too while the workers are still busy."""
    workers = _worker_count(len(todo))
    if workers <= 1:
        return _parse(todo, config), []
    chunks = _chunks(todo, workers)
    children: list[forks.Fork] = []
    try:
        children.extend(forks.Fork(_parser(chunk, config)) for chunk in chunks[1:])
        rows = _parse(chunks[0], config)
        parts = []
        if encode:
            parts.append(Part(tuple(job[1] for job in chunks[0]), marshal.dumps(rows)))
        for chunk, child in zip(chunks[1:], children, strict=True):
            rels = tuple(job[1] for job in chunk)
            data = child.data()
            parsed = _unmarshal(data, rels) if data is not None else None
            if parsed is None:  # the worker failed: parse its share here instead
                rows.update(_parse(chunk, config))
            else:
                rows.update(parsed)
                parts.append(Part(rels, data))  # type: ignore[arg-type]
        children.clear()
        return rows, parts
    finally:
        for child in children:  # interrupted: do not leave workers behind
            child.abandon()


def _parse(todo: list[Job], config: Config) -> dict[str, tuple]:
    fields = {kind: kind_fields(kind, config) for kind in KINDS}
    rows = {}
    for path, rel, _size, kind in todo:
        source = read_file(path, rel)
        item, diagnostics = build_file(kind, source, config, fields[kind])
        item_row = encode_item(kind, item) if item is not None else None
        digest = row_digest(item_row) if item_row is not None else None
        rows[rel] = (item_row, encode_diagnostics(diagnostics), digest)
    return rows


def _worker_count(files: int) -> int:
    """Processes to parse with, counting this one; 1 means here, serially."""
    if files < PARALLEL_MIN_FILES or not can_fork():
        return 1
    wanted = os.environ.get(JOBS_ENV, "").strip()
    if wanted.isdigit() and int(wanted) > 0:
        return min(int(wanted), MAX_WORKERS)
    if not sys.platform.startswith("linux"):
        return 1  # fork is unsafe on macOS once system frameworks are loaded; ask for it
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_WORKERS, files // (PARALLEL_MIN_FILES // 2)))


def _chunks(todo: list[Job], count: int) -> list[list[Job]]:
    """``count`` runs of consecutive files; the first, parsed here, is MAIN_SHARE of the size
    of each other one."""
    total = sum(job[2] for job in todo) or 1
    weights = [MAIN_SHARE, *([1.0] * (count - 1))]
    bounds = [sum(weights[: i + 1]) / sum(weights) * total for i in range(count)]
    chunks: list[list[Job]] = [[] for _ in range(count)]
    done = 0
    index = 0
    for job in todo:
        middle = done + job[2] / 2  # a file goes where most of its bytes fall
        while index < count - 1 and middle > bounds[index]:
            index += 1
        chunks[index].append(job)
        done += job[2]
    return chunks


def _parser(chunk: list[Job], config: Config) -> Callable[[], dict[str, tuple]]:
    """A worker's work: parse ``chunk`` (its rows go back marshalled, see ``forks.Fork``)."""
    return lambda: _parse(chunk, config)


def _unmarshal(data: bytes, rels: tuple[str, ...]) -> dict[str, tuple] | None:
    try:
        rows = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return None
    if not isinstance(rows, dict) or len(rows) != len(rels) or not all(r in rows for r in rels):
        return None
    return rows


__all__ = [
    "CACHE_NAME",
    "Loaded",
    "Part",
    "Scan",
    "fingerprint",
    "item_files",
    "load_sources",
    "parse_rows",
    "scan",
    "workspace_fingerprint",
]
