"""Finding a workspace's item files: the walk of each kind's folder, the identity (stat key) of
every file, and a fingerprint of them all.

The fingerprint stands for every input of the workspace (worktext's code, the configuration,
each file's path and identity), so anything derived from the whole workspace can be kept in
the cache under it; it is None while a file changed too recently for its identity to be
trusted.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import marshal
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from worktext import parallel
from worktext.load import cache
from worktext.model.codec import decode_diagnostics, encode_diagnostics
from worktext.model.config import Config
from worktext.model.diagnostics import Diagnostic
from worktext.model.items import KINDS

log = logging.getLogger(__name__)

SKIPPED_NAMES = frozenset({"README.md", "readme.md", "index.md"})


def item_files(config: Config) -> tuple[dict[str, list[tuple[str, os.DirEntry[str]]]], list]:
    """(relative path, entry) of every item file by kind, sorted; and the walk's problems.

    Only regular files are read: a FIFO or a device named like an item file is reported and
    left alone (reading one could block, or never end), as are symbolic links that loop, lead
    outside the workspace or to a folder, a folder that cannot be listed, and a file name that
    is not valid UTF-8 (it could not be an id, or a page of the site)."""
    walk = _Walk(os.path.realpath(config.root), config)
    for kind in KINDS:
        for folder in config.item_folders(kind):
            if folder.is_dir():
                # Relative paths are built as the walk descends rather than with
                # os.path.relpath per file, which was most of the walk's time.
                top = os.path.relpath(folder, config.root).replace(os.sep, "/")
                walk.folder(kind, str(folder), "" if top == "." else top + "/")
    for kind in KINDS:
        walk.found[kind].sort(key=lambda pair: pair[0])
    return walk.found, walk.diagnostics


class _Walk:
    """The walk of the item folders: what it found, and the problems it met."""

    def __init__(self, real_root: str, config: Config) -> None:
        self.real_root = real_root
        self.excluded = config.excluded if config.exclude else None
        self.found: dict[str, list[tuple[str, os.DirEntry[str]]]] = {kind: [] for kind in KINDS}
        self.diagnostics: list[Diagnostic] = []
        self.claimed: set[str] = set()
        # Comments and documents are not items, even below a folder of items (``.``).
        self.not_items = {
            config.comments_folder.strip("/"),
            *(d.strip("/") for d in config.document_folders),
        }

    def folder(self, kind: str, path: str, prefix: str) -> None:
        stack = [(path, prefix)]
        while stack:
            current, prefix = stack.pop()
            try:
                entries = list(os.scandir(current))
            except OSError as error:
                self._problem(prefix.rstrip("/"), "folder-unreadable", "warning", error)
                continue
            for entry in entries:
                name = entry.name
                if name.startswith((".", "_")):
                    continue
                rel = prefix + name
                if self.excluded is not None and (self.excluded(rel) or self.excluded(rel + "/")):
                    continue
                what = self._what(entry, rel)
                if what == "folder" and rel in self.not_items:
                    continue
                if what == "folder":
                    if name.endswith(".md"):
                        self.diagnostics.append(_folder_like_file(rel))
                    stack.append((entry.path, rel + "/"))
                elif what == "file" and self._wanted(name, rel):
                    self.claimed.add(rel)
                    self.found[kind].append((rel, entry))

    def _wanted(self, name: str, rel: str) -> bool:
        if not name.endswith(".md") or name in SKIPPED_NAMES or rel in self.claimed:
            return False
        if _undecodable(name):
            self.diagnostics.append(_bad_name(rel))
            return False
        return True

    def _what(self, entry: os.DirEntry[str], rel: str) -> str:
        """``folder``, ``file`` (to read), or ``skip`` (reported here when worth it)."""
        if entry.is_symlink():
            return self._link(entry, rel)
        if entry.is_dir(follow_symlinks=False):
            return "folder"
        if entry.is_file(follow_symlinks=False) or not entry.name.endswith(".md"):
            return "file"
        self.diagnostics.append(_not_a_file(rel, entry))
        return "skip"

    def _link(self, entry: os.DirEntry[str], rel: str) -> str:
        name = entry.name
        try:
            target = os.path.realpath(entry.path, strict=True)
        except FileNotFoundError:
            return "file"  # dangling: read, and reported as unreadable, until it is mended
        except OSError as error:  # a loop of links
            if name.endswith(".md"):
                self._problem(rel, "file-unreadable", "error", error)
            return "skip"
        inside = target.startswith(self.real_root + os.sep)
        if not inside or os.path.isdir(target):
            if name.endswith(".md") or not inside:
                self.diagnostics.append(_symlink_diagnostic(rel, inside))
            return "skip"
        if not os.path.isfile(target):
            if name.endswith(".md"):
                self.diagnostics.append(_not_a_file(rel, None))
            return "skip"
        return "file"

    def _problem(self, rel: str, code: str, severity: str, error: OSError) -> None:
        what = "folder" if code == "folder-unreadable" else "file"
        reason = os.strerror(error.errno) if error.errno else str(error)
        self.diagnostics.append(
            Diagnostic(
                rel or ".",
                0,
                0,
                "warning" if severity == "warning" else "error",
                code,
                f"the {what} cannot be read: {reason}",
                "check its permissions" if what == "folder" else "mend or remove the link",
            )
        )


def _symlink_diagnostic(rel: str, inside: bool) -> Diagnostic:
    if inside:
        message = "symbolic link to a folder is not followed"
        hint = "move the files into the workspace's folders instead of linking a folder"
    else:
        message = "symbolic link to a file outside the workspace is not read"
        hint = "copy the file into the workspace instead of linking to it"
    return Diagnostic(rel, 0, 0, "warning", "symlink-outside", message, hint)


def _undecodable(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # bytes that are not UTF-8, kept as surrogates by os
        return True
    return False


def printable(path: str) -> str:
    """A path as text, bytes that are not UTF-8 written as ``\\xff``."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _bad_name(rel: str) -> Diagnostic:
    return Diagnostic(
        printable(rel),
        0,
        0,
        "error",
        "invalid-id",
        "the file name is not valid UTF-8, so it is not read",
        "rename the file (letters, digits, '.', '_', '-')",
    )


def _not_a_file(rel: str, entry: os.DirEntry[str] | None) -> Diagnostic:
    kind = "not a regular file"
    if entry is not None:
        try:
            mode = entry.stat(follow_symlinks=False).st_mode
            kind = (
                "a FIFO"
                if stat.S_ISFIFO(mode)
                else "a device"
                if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                else "a socket"
                if stat.S_ISSOCK(mode)
                else kind
            )
        except OSError as error:
            log.debug("cannot stat %s: %s", rel, error)
    return Diagnostic(
        rel,
        0,
        0,
        "error",
        "not-a-file",
        f"'{rel}' is {kind}, not a file: it is not read",
        "only regular files are items; remove it or give it another name",
    )


def _folder_like_file(rel: str) -> Diagnostic:
    return Diagnostic(
        rel,
        0,
        0,
        "warning",
        "folder-named-like-item",
        "a folder named like an item file: the files in it are read, the folder is not an item",
        "rename the folder (without .md)",
    )


@dataclass
class Scan:
    """The item files found, with the stat key of each (None when it could not be read)."""

    files: dict[str, list[tuple[str, str]]]  # (relative path, path) of each, by kind
    diagnostics: list[Diagnostic]
    keys: dict[str, cache.StatKey | None]
    now_ns: int
    # fingerprint() by configuration: the pipeline asks first, the loader again
    fingerprints: dict[str, str | None] = field(default_factory=dict, repr=False)

    def trusted(self, rel: str) -> bool:
        """Whether the file's parse may be served from, and stored in, the cache."""
        return rel not in self.untrusted

    @functools.cached_property
    def racy(self) -> set[str]:
        """The files changed too recently to be told apart from a later change."""
        now = self.now_ns
        return {
            rel for rel, key in self.keys.items() if key is not None and cache.is_racy(key, now)
        }

    @functools.cached_property
    def untrusted(self) -> set[str]:
        """The racy files, and those that could not be stat'ed (a dangling link gives the same
        diagnostic until its key appears)."""
        return self.racy | {rel for rel, key in self.keys.items() if key is None}


def scan(config: Config) -> Scan:
    entries, diagnostics = item_files(config)
    keys: dict[str, cache.StatKey | None] = {}
    files: dict[str, list[tuple[str, str]]] = {}
    for kind, pairs in entries.items():
        for rel, entry in pairs:
            try:
                keys[rel] = cache.stat_key(entry.stat())
            except OSError as error:  # a dangling link: read (and reported) every time
                log.debug("cannot stat %s: %s", rel, error)
                keys[rel] = None
        files[kind] = [(rel, entry.path) for rel, entry in pairs]
    return Scan(files, diagnostics, keys, cache.now_ns())


def fingerprint(config: Config, found: Scan) -> str | None:
    """A digest of every input: worktext's code, the configuration, and each file's path and
    identity; None while a file is too new for its identity to be trusted."""
    salt = repr((str(config.root), config.fingerprint))
    if salt not in found.fingerprints:
        found.fingerprints[salt] = _fingerprint(config, found)
    return found.fingerprints[salt]


def _fingerprint(config: Config, found: Scan) -> str | None:
    if found.racy:
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


def workspace_fingerprint(config: Config) -> str | None:
    """What the loaded workspace's fingerprint would be, without reading any file: a result
    stored under it can be served before the workspace is even parsed."""
    return fingerprint(config, scan(config))


def files_under(folder: str | os.PathLike[str]) -> set[str]:
    """Every file under ``folder`` (none when it is missing), by path relative to it, with
    forward slashes."""
    found = set()
    for current, _dirs, files in os.walk(folder):
        rel = os.path.relpath(current, folder).replace(os.sep, "/")
        for name in files:
            found.add(name if rel == "." else f"{rel}/{name}")
    return found


def scan_in_fork(
    config: Config, also: str | os.PathLike[str] | None = None, fork: bool = True
) -> Callable[[], tuple[Scan, set[str] | None]]:
    """Start ``scan(config)`` (and its fingerprint), and the listing of folder ``also`` (a
    site's output: ``files_under``), in a forked process; the function returned waits for
    them. The build imports the site's renderer meanwhile: walking and stat'ing 10,000 files
    and importing Jinja and the templates' code take about as long, and both are on the way
    to the first page. Where it may not fork (``parallel.can_fork``, or ``fork=False``), or
    when the fork fails, the scan is made here when the function is called, and ``also``'s
    files are not listed (None)."""
    if not (fork and parallel.can_fork()):
        return lambda: (scan(config), None)
    listed: Callable[[], list[str]] = (
        (lambda: sorted(files_under(also))) if also is not None else list
    )
    child = parallel.Fork(lambda: (_payload(config), listed()))

    def result() -> tuple[Scan, set[str] | None]:
        sent = child.result()
        if isinstance(sent, tuple) and len(sent) == 2 and isinstance(sent[1], list):
            found = _from_payload(sent[0])
            if found is not None:
                return found, set(sent[1]) if also is not None else None
        log.info("the scan in a second process failed; scanning here")
        return scan(config), None

    return result


def _payload(config: Config) -> tuple[Any, ...]:
    """``scan(config)`` with its fingerprint, as plain data (what a fork sends back)."""
    found = scan(config)
    fingerprint(config, found)  # kept in found.fingerprints
    diagnostics = encode_diagnostics(found.diagnostics)
    return found.files, diagnostics, found.keys, found.now_ns, found.fingerprints


def _from_payload(sent: Any) -> Scan | None:
    if not (isinstance(sent, tuple) and len(sent) == 5):
        return None
    files, diagnostics, keys, now, fingerprints = sent
    return Scan(files, decode_diagnostics(diagnostics), keys, now, fingerprints)
