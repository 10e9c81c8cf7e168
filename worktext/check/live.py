"""A workspace kept in memory while its files are edited: the language server's.

``LiveWorkspace`` reads the workspace once (through the loader and its cache) and keeps every
file's decoded item and own diagnostics. Giving it the unsaved text of open files rebuilds the
resolved workspace with those files replaced, in memory, and checks it with the same rules as
``worktext check``: the files not being edited are never read or parsed again, so a keystroke
costs the resolution and the rules across files, not a load.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from worktext.check.pipeline import _index, _reader, _validate
from worktext.load import cache
from worktext.load.source import LazySources, SourceFile, parse_bytes, read_file
from worktext.model import codec
from worktext.model.build import build_file, build_read, kind_fields
from worktext.model.config import load_config
from worktext.model.diagnostics import Diagnostic
from worktext.model.discussion_load import load_discussion
from worktext.model.items import KINDS, Checklist, Item, Task
from worktext.model.loader import load_sources
from worktext.model.scan import SKIPPED_NAMES
from worktext.model.workspace import Workspace

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Parsed:
    """One file's unsaved text, parsed and built."""

    kind: str
    text: str
    source: SourceFile
    item: Item | None
    diagnostics: tuple[Diagnostic, ...]


class LiveWorkspace:
    """The workspace at ``root``, with open files' unsaved texts in place of their files."""

    def __init__(self, root: str | os.PathLike[str], today: dt.date, use_cache: bool = True):
        self.root = root
        self.today = today
        self.use_cache = use_cache
        self._open: dict[str, Parsed] = {}  # unsaved texts by relative path
        self._workspace: Workspace | None = None
        self._unchecked: list[Diagnostic] | None = None  # to check, with the rules
        self.reload()

    # -- what is on disk ----------------------------------------------------------------------

    def reload(self) -> None:
        """Read the workspace from disk again (files served from the cache while unchanged):
        after a save, or when files changed outside the editor."""
        self.config, self._config_diagnostics = load_config(self.root, self.use_cache)
        loaded = load_sources(self.config, use_cache=self.use_cache)
        self._files = {kind: list(loaded.files.get(kind, ())) for kind in KINDS}
        self._kind_of = {rel: kind for kind, rels in self._files.items() for rel in rels}
        self._walk_diagnostics = list(loaded.diagnostics)
        # Comments and documents as saved (they are not items: an editor's unsaved text of
        # one is checked when it is saved).
        self._discussion = load_discussion(self.config, self.use_cache)
        self._items: dict[str, Item] = {}
        self._own: dict[str, list[Diagnostic]] = {}
        with cache.gc_paused():
            rows: dict[str, list[tuple[object, ...]]] = {kind: [] for kind in KINDS}
            paths: dict[str, list[str]] = {kind: [] for kind in KINDS}
            for kind, rels in self._files.items():
                for rel in rels:
                    item_row, diagnostic_rows, _digest = loaded.rows[rel]
                    if item_row is not None:
                        rows[kind].append(item_row)
                        paths[kind].append(rel)
                    if diagnostic_rows:
                        self._own[rel] = codec.decode_diagnostics(diagnostic_rows)
            for kind, items in codec.decode_items(rows).items():
                self._items.update(zip(paths[kind], items, strict=True))
        self._read = _reader(self.config, set(self._files["task"]))
        # Texts of open files are parsed again: the configuration may have changed.
        for rel, parsed in list(self._open.items()):
            self._open[rel] = self._parse(rel, parsed.kind, parsed.text)
        self._workspace = None
        log.info("live workspace: %d item files read", len(self._kind_of))

    def kind_of(self, rel: str) -> str | None:
        """The kind of item the file at ``rel`` (relative to the root) holds, or None when
        it is no item file of the workspace."""
        found = self._kind_of.get(rel)
        if found is not None:
            return found
        name = rel.rsplit("/", 1)[-1]
        if not name.endswith(".md") or name in SKIPPED_NAMES or name.startswith((".", "_")):
            return None
        if self.config.exclude and self.config.excluded(rel):
            return None
        for kind in KINDS:
            for folder in self.config.folders[kind]:
                prefix = folder.strip("/") + "/"
                if folder in ("", ".") or rel.startswith(prefix):
                    return kind
        return None

    def relative(self, path: str | os.PathLike[str]) -> str | None:
        """``path`` relative to the workspace root, with forward slashes (None outside it)."""
        try:
            rel = os.path.relpath(os.path.realpath(path), os.path.realpath(self.config.root))
        except ValueError:  # another drive
            return None
        if rel.startswith(".."):
            return None
        return rel.replace(os.sep, "/")

    # -- what is being edited -----------------------------------------------------------------

    def set_text(self, rel: str, text: str) -> bool:
        """Put the unsaved ``text`` in place of the file at ``rel``; False when it is no item
        file (nothing changes)."""
        kind = self.kind_of(rel)
        if kind is None:
            return False
        current = self._open.get(rel)
        if current is not None and current.text == text:
            return True
        parsed = self._parse(rel, kind, text)
        self._open[rel] = parsed
        if current is None or not _same_but_body(current, parsed):
            self._workspace = None
        # else: typing in the body changes no rule's result, nor any position of one
        return True

    def close(self, rel: str) -> None:
        """Forget the unsaved text of ``rel``: the file on disk counts again (read anew)."""
        if self._open.pop(rel, None) is not None:
            self.saved(rel)

    def saved(self, rel: str) -> None:
        """Read the file at ``rel`` from disk again (it was saved, made or deleted)."""
        kind = self.kind_of(rel)
        if kind is None:
            return
        path = os.path.join(self.config.root, rel)
        self._items.pop(rel, None)
        self._own.pop(rel, None)
        if not os.path.isfile(path):
            if rel in self._kind_of:
                del self._kind_of[rel]
                self._files[kind].remove(rel)
        else:
            item, diagnostics = build_file(
                kind, read_file(path, rel), self.config, kind_fields(kind, self.config)
            )
            if item is not None:
                self._items[rel] = item
            if diagnostics:
                self._own[rel] = diagnostics
            if rel not in self._kind_of:
                self._kind_of[rel] = kind
                self._files[kind] = sorted([*self._files[kind], rel])
        self._workspace = None

    def parsed(self, rel: str) -> Parsed | None:
        """The open file at ``rel`` as typed, or None when it is not open."""
        return self._open.get(rel)

    def saved_item(self, rel: str) -> Item | None:
        """The item of the file at ``rel`` as it is on disk."""
        return self._items.get(rel)

    def _parse(self, rel: str, kind: str, text: str) -> Parsed:
        source = parse_bytes(text.encode("utf-8", "surrogatepass"), rel)
        fields = kind_fields(kind, self.config)
        item, diagnostics, read = build_read(kind, source, self.config, fields)
        return Parsed(kind, text, read, item, tuple(diagnostics))

    # -- the result ---------------------------------------------------------------------------

    @property
    def workspace(self) -> Workspace:
        """The resolved workspace, open files as they are in the editor (worked out again
        only after a change); its diagnostics are worked out by ``checked``."""
        if self._workspace is None:
            with cache.gc_paused():  # thousands of new objects, none in a cycle
                self._workspace, self._unchecked = self._build()
        return self._workspace

    @property
    def checked(self) -> Workspace:
        """The workspace with its diagnostics: the files' own and the rules across files
        (completion and hover need only ``workspace``, which is cheaper)."""
        ws = self.workspace
        if self._unchecked is not None:
            _validate(ws, self._unchecked)
            self._unchecked = None
        return ws

    def diagnostics_of(self, rel: str) -> list[Diagnostic]:
        """The diagnostics of the file at ``rel``, as ``worktext check`` would report them."""
        return [d for d in self.checked.diagnostics if d.path == rel]

    def _build(self) -> tuple[Workspace, list[Diagnostic]]:
        items: dict[str, list[Item]] = {kind: [] for kind in KINDS}
        diagnostics = [*self._config_diagnostics, *self._walk_diagnostics]
        paths: list[str] = []
        opened = self._open
        for kind, rels in self._files.items():
            for rel in rels:
                if rel in opened:
                    continue
                item = self._items.get(rel)
                if item is not None:
                    items[kind].append(item)
                    paths.append(rel)
                diagnostics.extend(self._own.get(rel, ()))
        overrides: dict[str, SourceFile] = {}
        for rel, parsed in sorted(opened.items()):
            if parsed.item is not None:
                items[parsed.kind].append(parsed.item)
                paths.append(rel)
                overrides[rel] = parsed.source
            diagnostics.extend(parsed.diagnostics)
        for kind in KINDS:
            items[kind].sort(key=lambda item: item.path)
        sources = LazySources(paths, _with_overrides(self._read, overrides))
        ws = _index(self.config, self.today, items, sources)
        ws.discussion = self._discussion
        diagnostics.extend(self._discussion.diagnostics)
        ws.file_count = len(paths) + self._discussion.file_count
        return ws, diagnostics


def _same_but_body(before: Parsed, after: Parsed) -> bool:
    """Whether two texts of a file differ in the body only: same item but for the body (and
    the checklist counted in it), same diagnostics, same positions of every key."""
    return (
        before.diagnostics == after.diagnostics
        and before.source.keys == after.source.keys
        and before.source.values == after.source.values
        and _without_body(before.item) == _without_body(after.item)
    )


def _without_body(item: Item | None) -> Item | None:
    if item is None:
        return None
    if isinstance(item, Task):
        return dataclasses.replace(item, body="", checklist=Checklist())
    return dataclasses.replace(item, body="")


def _with_overrides(
    read: Callable[[str], SourceFile], overrides: Mapping[str, SourceFile]
) -> Callable[[str], SourceFile]:
    """How a file is read for its key positions: an open file from its unsaved text."""

    def load(rel: str) -> SourceFile:
        found = overrides.get(rel)
        return found if found is not None else read(rel)

    return load
