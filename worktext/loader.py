"""Finding and reading every item file of a workspace, served from the parse cache when the
file has not changed."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from . import cache
from .config import Config
from .model import KINDS, Diagnostic
from .source import SourceFile, read_file

CACHE_NAME = "sources.marshal"
SKIPPED_NAMES = frozenset({"README.md", "readme.md", "index.md"})


@dataclass
class Loaded:
    """Every item file, parsed, by kind; plus problems found while walking the folders."""

    sources: dict[str, list[SourceFile]]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    from_cache: int = 0


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
        stack = [folder]
        while stack:
            current = stack.pop()
            try:
                entries = list(os.scandir(current))
            except OSError:
                continue
            for entry in entries:
                name = entry.name
                if name.startswith((".", "_")):
                    continue
                rel = os.path.relpath(entry.path, root).replace(os.sep, "/")
                if entry.is_symlink():
                    target = os.path.realpath(entry.path)
                    inside = target.startswith(real_root + os.sep)
                    if not inside or os.path.isdir(target):
                        if name.endswith(".md") or not inside:
                            diagnostics.append(_symlink_diagnostic(rel, inside))
                        continue
                if entry.is_dir():
                    stack.append(Path(entry.path))
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


def load_sources(config: Config, use_cache: bool = True) -> Loaded:
    files, diagnostics = item_files(config)
    previous = cache.read(config.root, CACHE_NAME) if use_cache else {}
    current: dict[str, tuple] = {}
    sources: dict[str, list[SourceFile]] = {}
    hits = 0
    for kind, pairs in files.items():
        parsed = sources[kind] = []
        for rel, entry in pairs:
            try:
                key = cache.stat_key(entry.stat())
            except OSError:
                key = None
            cached = previous.get(rel)
            if key is not None and cached is not None and cached[0] == key:
                source = SourceFile.from_cache(cached[1])
                hits += 1
            else:
                source = read_file(entry.path, rel)
            if key is not None:
                current[rel] = (
                    key,
                    cached[1] if cached and cached[0] == key else source.to_cache(),
                )
            parsed.append(source)
    if use_cache and (hits != len(current) or len(previous) != len(current)):
        cache.write(config.root, CACHE_NAME, current)
    return Loaded(sources, diagnostics, hits)
