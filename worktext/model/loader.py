"""Reading every item file of a workspace: served from the cache when the file has not changed,
parsed and built (on every core when many files have) when it has.

A file's row is ``(item row, diagnostic rows, digest)``: its item encoded by ``codec`` (None
when it has none), its own problems, and a digest of the item row. The parsed file itself is
not kept: key positions are needed only to place a diagnostic found later. A parse keeps the
positions of the keys the rules across files report at (``POSITIONED_KEYS``); for any other,
and for a file whose row came from the cache, ``LazySources`` reads the file again.

The cache keeps the rows of each top folder (``tasks/web``, ``people``) in an entry of its
own, each row beside its file's stat key, so an edit rewrites the entry of one folder. A file
gives the same row wherever it was parsed (here or in a worker).
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from worktext import parallel
from worktext.load import cache
from worktext.load.source import SourceFile, keep_positions, read_file
from worktext.model.build import build_read, kind_fields
from worktext.model.codec import encode_diagnostics, encode_item, row_digest
from worktext.model.config import Config
from worktext.model.diagnostics import Diagnostic
from worktext.model.items import KINDS
from worktext.model.scan import Scan, fingerprint, scan
from worktext.model.schema import POSITIONED_KEYS

log = logging.getLogger(__name__)

# Below this many files to parse, starting workers costs more than it saves.
PARALLEL_MIN_FILES = 400

Row = tuple[Any, list[tuple[Any, ...]], str | None]
Job = tuple[str, str, int, str]  # (path, relative path, size, kind) of a file to read


@dataclass
class Loaded:
    """Every item file's row by path, the paths by kind, the problems found while walking the
    folders, how many rows came from the cache, the workspace's fingerprint (``scan``), and
    the kept key positions of the files parsed."""

    root: str
    files: dict[str, list[str]]
    rows: dict[str, Row]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    from_cache: int = 0
    fingerprint: str | None = None
    # By file: the keys whose positions its parse kept, and those positions (``keep_positions``).
    positions: dict[str, tuple[frozenset[str], bytes]] = field(default_factory=dict)
    unwritten: Callable[[], None] | None = None  # the rows' cache entries, while not written

    def write_cache(self) -> None:
        """Write the cache entries of the rows (once; nothing when they are written)."""
        write, self.unwritten = self.unwritten, None
        if write is not None:
            with cache.gc_paused():
                write()

    @property
    def sources(self) -> dict[str, list[SourceFile]]:
        """The files parsed again, by kind (for tests and tools; the pipeline needs none)."""
        return {
            kind: [read_file(os.path.join(self.root, rel), rel) for rel in rels]
            for kind, rels in self.files.items()
        }


def folder_of(rel: str) -> str:
    """The cache entry a file's row is kept in: its first two folders (``tasks/web``)."""
    parts = rel.split("/")
    return "/".join(parts[: min(2, len(parts) - 1)])


def entry_name(folder: str) -> str:
    return (
        "files-"
        + hashlib.blake2b(folder.encode("utf-8", "surrogateescape"), digest_size=8).hexdigest()
    )


def load_sources(
    config: Config, use_cache: bool = True, found: Scan | None = None, write_later: bool = False
) -> Loaded:
    """Every item file, parsed. ``found``: a ``scan(config)`` just made (to fingerprint the
    workspace first), so the folders are not walked twice. ``write_later``: the rows parsed
    are written to the cache by ``Loaded.write_cache``, when the caller has a moment (while
    forks work for it), not before this returns."""
    found = found or scan(config)
    store = cache.Cache(config.root, use_cache)
    key = config.fingerprint  # built items depend on the configuration
    by_folder = _jobs_by_folder(found)
    rows: dict[str, Row] = {}
    stored: dict[str, dict[str, Any]] = {}
    todo: list[Job] = []
    with cache.gc_paused():
        for folder, jobs in by_folder.items():
            kept = store.get(entry_name(folder), key)
            stored[folder] = kept if isinstance(kept, dict) else {}
            for job in jobs:
                row = _kept_row(stored[folder], job[1], found)
                if row is None:
                    todo.append(job)
                else:
                    rows[job[1]] = row
        hits = len(rows)
        parsed, kept = parse_rows(todo, config)
        rows.update(parsed)
        positions = {
            rel: (POSITIONED_KEYS[kind], kept[rel])
            for _path, rel, _size, kind in todo
            if rel in kept
        }
        log.info("%d item files: %d parsed, %d from the cache", len(rows), len(todo), hits)
    files = {kind: [rel for rel, _path in pairs] for kind, pairs in found.files.items()}
    loaded = Loaded(
        str(config.root),
        files,
        rows,
        found.diagnostics,
        hits,
        fingerprint(config, found),
        positions,
    )
    if use_cache:
        loaded.unwritten = lambda: _keep(store, key, by_folder, stored, rows, found)
        if not write_later:
            loaded.write_cache()
    return loaded


def _jobs_by_folder(found: Scan) -> dict[str, list[Job]]:
    """Every file to read, by the folder whose cache entry holds its row."""
    by_folder: dict[str, list[Job]] = {}
    for kind, pairs in found.files.items():
        for rel, path in pairs:
            stat = found.keys[rel]
            job = (path, rel, stat[1] if stat else 0, kind)
            by_folder.setdefault(folder_of(rel), []).append(job)
    return by_folder


def _kept_row(kept: dict[str, Any], rel: str, found: Scan) -> Row | None:
    """The file's row from its folder's entry, while the file is what it was then."""
    entry = kept.get(rel)
    if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == found.keys[rel]:
        return entry[1] if found.trusted(rel) else None
    return None


def _keep(
    store: cache.Cache,
    key: str,
    by_folder: dict[str, list[Job]],
    stored: dict[str, dict[str, Any]],
    rows: dict[str, Row],
    found: Scan,
) -> None:
    """Write the entry of each folder whose files are not exactly what it holds (a file
    parsed afresh, added or deleted); a file too new to be trusted is left out."""
    for folder, jobs in by_folder.items():
        entries = {
            rel: (found.keys[rel], rows[rel])
            for _path, rel, _size, _kind in jobs
            if found.trusted(rel)
        }
        if entries != stored[folder]:
            store.put(entry_name(folder), key, entries)


# -- parsing, on every core ----------------------------------------------------------------


Parsed = tuple[dict[str, Row], dict[str, bytes]]


def parse_rows(todo: list[Job], config: Config) -> Parsed:
    """The rows of the files in ``todo`` and their kept positions, by relative path: in this
    process and, when there are enough of them, in worker processes (``parallel.run_split``)."""
    workers = parallel.cpu_count() if len(todo) >= PARALLEL_MIN_FILES else 1
    workers = min(workers, max(1, len(todo) // (PARALLEL_MIN_FILES // 2)))
    if workers <= 1:
        return _parse(todo, config)
    chunks = _chunks(todo, workers)

    def accept(sent: Any) -> bool:
        return isinstance(sent, tuple) and len(sent) == 2

    rows: dict[str, Row] = {}
    positions: dict[str, bytes] = {}
    for part_rows, part_positions in parallel.run_split(
        [_portion(chunk, config) for chunk in chunks], accept
    ):
        rows.update(part_rows)
        positions.update(part_positions)
    return rows, positions


def _portion(chunk: list[Job], config: Config) -> Any:
    return lambda: _parse(chunk, config)


def _parse(todo: list[Job], config: Config) -> Parsed:
    fields = {kind: kind_fields(kind, config) for kind in KINDS}
    rows: dict[str, Row] = {}
    positions: dict[str, bytes] = {}
    for path, rel, _size, kind in todo:
        item, diagnostics, read = build_read(kind, read_file(path, rel), config, fields[kind])
        item_row = encode_item(kind, item) if item is not None else None
        digest = row_digest(item_row) if item_row is not None else None
        rows[rel] = (item_row, encode_diagnostics(diagnostics), digest)
        if item is not None:
            positions[rel] = keep_positions(read, POSITIONED_KEYS[kind])
    return rows, positions


def _chunks(todo: list[Job], count: int) -> list[list[Job]]:
    """``count`` runs of consecutive files of about the same number of bytes."""
    total = sum(job[2] for job in todo) or 1
    chunks: list[list[Job]] = [[] for _ in range(count)]
    done = 0
    for job in todo:
        middle = done + job[2] / 2  # a file goes where most of its bytes fall
        chunks[min(count - 1, int(middle * count / total))].append(job)
        done += job[2]
    return [chunk for chunk in chunks if chunk]


__all__ = ["Loaded", "entry_name", "folder_of", "load_sources", "parse_rows"]
