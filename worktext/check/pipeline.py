"""Read → resolve → check: the one call that every command, the site and the MkDocs plugin use
to read a workspace."""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from worktext.check.rules import apply_severities, check_workspace
from worktext.load import cache
from worktext.load.source import LazySources, SourceFile, read_file
from worktext.model import codec, completion
from worktext.model.build import BUILTIN_WORKFLOW, as_read, build_kind, default_area
from worktext.model.config import Config, load_config
from worktext.model.diagnostics import Diagnostic
from worktext.model.discussion_load import (
    DiscussionScan,
    combined_key,
    discussion_fingerprint,
    load_discussion,
)
from worktext.model.items import KINDS, Item, Workflow
from worktext.model.loader import Loaded, load_sources
from worktext.model.root import find_root
from worktext.model.scan import Scan, fingerprint, scan
from worktext.model.workspace import Workspace, id_key


def open_workspace(
    path: str | os.PathLike[str] | None = None,
    today: dt.date | None = None,
    use_cache: bool = True,
    items_only: bool = False,
) -> Workspace:
    """Read, validate and index the workspace at or above ``path``.

    Raises WorkspaceNotFound or ConfigError (both WorktextError) when it cannot be read at all;
    every problem in an item file becomes a diagnostic on the result instead. ``items_only``:
    the items alone, not validated (``build_workspace``'s).
    """
    root = find_root(path)
    config, config_diagnostics = load_config(root, use_cache)
    day = today or dt.date.today()
    return build_workspace(config, day, use_cache, config_diagnostics, items_only=items_only)


log = logging.getLogger(__name__)

CHECKS_ENTRY = "checks"  # the cache entry of the checked workspace's diagnostics


@cache.gc_settled()  # the workspace lives as long as the process, or until it is rebuilt
def build_workspace(
    config: Config,
    today: dt.date,
    use_cache: bool = True,
    config_diagnostics: list[Diagnostic] | None = None,
    found: Scan | None = None,
    discussion: DiscussionScan | None = None,
    items_only: bool = False,
) -> Workspace:
    """The workspace from its files (each served from the cache while it is unchanged), and
    its diagnostics (from the cache while no input changed). ``found``: a ``scan(config)`` the
    caller has just made (the build's check of what changed), so that the folders are not
    walked again; ``discussion``: the same of the comments and documents.

    ``items_only``: the items alone, for a command that prints nothing else (``ls``): no
    comments or documents, no diagnostics, no input key, and nothing written to the cache
    but the files' rows (not the check's diagnostics, not the completion index)."""
    started = found.now_ns if found is not None else cache.now_ns()
    found = found or scan(config)
    loaded = load_sources(config, use_cache=use_cache, found=found, write_later=not items_only)
    ws, diagnostics = _resolve(config, today, loaded)
    if items_only:
        ws.file_count = len(loaded.rows)
        return ws
    ws.discussion = load_discussion(config, use_cache, discussion)
    diagnostics = [
        *(config_diagnostics or ()),
        *loaded.diagnostics,
        *diagnostics,
        *ws.discussion.diagnostics,
    ]
    ws.file_count = len(loaded.rows) + ws.discussion.file_count
    key = combined_key(loaded.fingerprint, ws.discussion.fingerprint) if use_cache else None
    ws.input_key = key
    store = cache.Cache(config.root, use_cache)
    checked = _kept_check(store.get(CHECKS_ENTRY, key)) if key else None
    if checked is not None:
        loaded.write_cache()
        ws.diagnostics = checked[0]
        log.info("no file changed since the last check: its diagnostics are reused")
        return ws

    def meanwhile() -> None:  # the caches, written while forks work out did-you-means
        loaded.write_cache()
        if key:
            completion.write(ws, started, found.keys)

    _validate(ws, diagnostics, meanwhile)
    if key:
        stored = (ws.file_count, codec.encode_diagnostics(ws.diagnostics))
        store.put(CHECKS_ENTRY, key, stored)
    return ws


def input_key(config: Config, found: Scan | None = None) -> str | None:
    """What ``build_workspace(config).input_key`` would be, from walks of the folders without
    reading a file: a digest of every input's identity (None while one is too new to trust).
    ``found``: a ``scan(config)`` just made."""
    found = found or scan(config)
    return combined_key(fingerprint(config, found), discussion_fingerprint(config))


def last_check(config: Config, found: Scan | None = None) -> tuple[list[Diagnostic], int] | None:
    """The diagnostics and the file count of the last check while no input has changed since
    (known from the walks alone, no file read); None otherwise."""
    key = input_key(config, found)
    return _kept_check(cache.Cache(config.root).get(CHECKS_ENTRY, key)) if key else None


def _kept_check(stored: object) -> tuple[list[Diagnostic], int] | None:
    if not (isinstance(stored, tuple) and len(stored) == 2 and isinstance(stored[0], int)):
        return None
    files, rows = stored
    return (codec.decode_diagnostics(rows), files) if isinstance(rows, list) else None


def _resolve(config: Config, today: dt.date, loaded: Loaded) -> tuple[Workspace, list[Diagnostic]]:
    """The workspace of the loaded rows, and the files' own diagnostics."""
    diagnostics: list[Diagnostic] = []
    item_rows: dict[str, list[tuple[Any, ...]]] = {kind: [] for kind in KINDS}
    digests: dict[str, list[str]] = {kind: [] for kind in KINDS}
    with cache.gc_paused():
        for kind, rels in loaded.files.items():
            for rel in rels:
                item_row, diagnostic_rows, digest = loaded.rows[rel]
                if item_row is not None:
                    item_rows[kind].append(item_row)
                    digests[kind].append(digest or "")
                if diagnostic_rows:
                    diagnostics.extend(codec.decode_diagnostics(diagnostic_rows))
        items = codec.decode_items(item_rows)
        paths = [item.path for group in items.values() for item in group]
        reader = _reader(config, set(loaded.files.get("task", ())))
        sources = LazySources(paths, reader, loaded.positions)
        ws = _index(config, today, items, sources)
    ws.row_digests = _by_path(items, digests)
    return ws, diagnostics


def _reader(config: Config, tasks: set[str]) -> Callable[[str], SourceFile]:
    """How a file is read again for the positions of its keys: as the loader read it (a task
    file under ``mappings:`` with its keys renamed)."""
    root = str(config.root)

    def read(rel: str) -> SourceFile:
        source = read_file(os.path.join(root, rel), rel)
        return as_read("task" if rel in tasks else "", source, config)

    return read


def _by_path(items: dict[str, list[Item]], digests: dict[str, list[str]]) -> dict[str, str]:
    """Each item's row digest (``decode_items`` keeps the rows' order) by its file."""
    return {
        item.path: digest
        for kind, group in items.items()
        for item, digest in zip(group, digests[kind], strict=True)
    }


def workspace_from_sources(
    config: Config, today: dt.date, sources: dict[str, list[SourceFile]]
) -> Workspace:
    """The workspace from files already parsed (read out of git objects, say), not cached."""
    items: dict[str, list[Item]] = {}
    parsed: dict[str, SourceFile] = {}
    diagnostics: list[Diagnostic] = []
    for kind in KINDS:
        built = build_kind(kind, sources.get(kind, []), config)
        items[kind] = built.items
        parsed.update(built.sources)
        diagnostics.extend(built.diagnostics)
    ws = _index(config, today, items, parsed)
    _validate(ws, diagnostics)
    ws.file_count = sum(len(files) for files in sources.values())
    return ws


def _validate(
    ws: Workspace, diagnostics: list[Diagnostic], meanwhile: Callable[[], None] | None = None
) -> None:
    """Add the rules across files to the files' own diagnostics; apply ``rules:``; sort.
    ``meanwhile``: the caller's work, for this process to do while forks work for the rules
    (``check_workspace``)."""
    diagnostics = [*diagnostics, *check_workspace(ws, meanwhile)]
    diagnostics = apply_severities(diagnostics, dict(ws.config.rules))
    ws.diagnostics = sorted(set(diagnostics), key=Diagnostic.sort_key)


def _index(
    config: Config, today: dt.date, items: dict[str, list[Item]], sources: dict[str, SourceFile]
) -> Workspace:
    default_workflow = BUILTIN_WORKFLOW
    workflows = {id_key(w.id): w for w in items["workflow"]}
    wanted = id_key(config.default_workflow or "default")
    found = workflows.get(wanted)
    if isinstance(found, Workflow):
        default_workflow = found
    return Workspace(config, today, items, sources, default_workflow, default_area(config))


def relative_paths(ws: Workspace, paths: list[str]) -> set[str]:
    """Workspace-relative forms of paths given on the command line."""
    out = set()
    for given in paths:
        absolute = Path(given).resolve()
        try:
            out.add(absolute.relative_to(ws.config.root).as_posix())
        except ValueError:
            out.add(given.replace(os.sep, "/"))
    return out
