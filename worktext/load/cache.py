"""The disposable cache under ``.worktext/``: one store of named entries, each one value kept
under one key.

An entry is one file, ``.worktext/<name>.marshal``: a line naming what it was stored under (a
digest of worktext's code and the entry's key), then the value, marshalled. Only plain data is
stored (``marshal``, never pickle): a cache file in a cloned repository cannot run code. ``get``
gives the value only when the line matches: an entry that is missing, stale (another key, other
code) or corrupt is a miss, and a stale or corrupt one is deleted and logged. ``put`` writes
atomically; an entry that cannot be written is logged and left out. Deleting the folder changes
no result, and ``.worktext/`` tells git to ignore itself.

The loader keeps each folder's parsed files here, the history its reconstruction, the site's
build what it rendered and from what (``render/``): each is a user of this one store.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import importlib.util
import logging
import marshal
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from worktext import __version__

log = logging.getLogger(__name__)

CACHE_DIR = ".worktext"
FORMAT = 5
StatKey = tuple[int, int, int, int]
# A file changed this recently may change again within the file system's timestamp
# granularity (up to 2 s on FAT, a few ms on ext4) without its key changing, so it is never
# trusted from the cache (git calls these entries "racily clean").
RACY_NS = 2_000_000_000
_HEADER = b"worktext-cache "


def cache_dir(root: Path) -> Path:
    return Path(root) / CACHE_DIR


def stat_key(stat: os.stat_result) -> StatKey:
    # ctime cannot be set back by tools that restore mtimes (rsync -t, touch -r, tar).
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino, stat.st_ctime_ns)


def is_racy(key: StatKey, now_ns: int) -> bool:
    """Whether the file changed too recently for its key to prove it unchanged later."""
    return max(key[0], key[3]) >= now_ns - RACY_NS


def now_ns() -> int:
    return time.time_ns()


@functools.cache
def code_stamp() -> str:
    """A digest of worktext's, Python's and PyYAML's versions and of worktext's own modules and
    templates (their names, sizes and mtimes): an upgrade or an edited checkout never serves
    old results. Worked out once per process, which runs the code it imported first. PyYAML is
    named by its module file, not imported: a command whose files are all cached does without
    it."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr((FORMAT, __version__, sys.version_info[:2], _yaml_stamp())).encode())
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".html", ".css", ".js") and "__pycache__" not in path.parts:
            stat = path.stat()
            digest.update(
                f"{path.relative_to(package)}:{stat.st_size}:{stat.st_mtime_ns};".encode()
            )
    return digest.hexdigest()


def _yaml_stamp() -> tuple[Any, ...]:
    spec = importlib.util.find_spec("yaml")
    origin = spec.origin if spec is not None else None
    if origin is None:
        return ()
    stat = os.stat(origin)
    return (origin, stat.st_mtime_ns, stat.st_size)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Build a large acyclic structure without the cycle collector re-scanning it again and
    again as it grows (that doubles the time of loading a big cache)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def gc_settled() -> Iterator[None]:
    """``gc_paused``, and then every object made meanwhile moved straight to the collector's
    oldest generation: a workspace is hundreds of thousands of long-lived objects, which the
    next young collections would otherwise scan to free nothing. Nothing is frozen for good
    (unless someone else froze objects on purpose: then this leaves the collector alone)."""
    with gc_paused():
        try:
            yield
        finally:
            if gc.get_freeze_count() == 0:
                gc.freeze()  # every tracked object to the permanent generation...
                gc.unfreeze()  # ...and back, into the oldest one, unscanned


class Cache:
    """The store of one workspace. ``enabled=False`` (``--no-cache``) reads and writes nothing."""

    def __init__(self, root: str | os.PathLike[str], enabled: bool = True) -> None:
        self.folder = cache_dir(Path(root))
        self.enabled = enabled

    def path(self, name: str) -> Path:
        return self.folder / f"{name}.marshal"

    def get(self, name: str, key: str) -> Any | None:
        """The value kept under ``key``, or None."""
        if not self.enabled:
            return None
        path = self.path(name)
        try:
            with open(path, "rb") as handle:
                header = handle.readline(200)
                if header != _header(key):
                    if header.startswith(_HEADER):
                        log.debug("cache %s: kept under another key or other code; not used", name)
                    else:
                        self._drop(path, name, "not a worktext cache entry")
                    return None
                data = handle.read()
        except FileNotFoundError:
            return None
        except OSError as error:
            log.info("cache %s: cannot be read (%s); not used", name, error.strerror or error)
            return None
        try:
            with gc_paused():  # loads, not load: load reads the file a few bytes at a time
                return marshal.loads(data)
        except (EOFError, ValueError, TypeError) as error:
            self._drop(path, name, f"corrupt ({error})")
            return None

    def put(self, name: str, key: str, value: Any) -> None:
        """Keep ``value`` (plain data: str, bytes, numbers, tuples, lists, dicts) under
        ``key``."""
        if not self.enabled:
            return
        try:
            write_entry(self.path(name), _header(key), marshal.dumps(value))
        except (OSError, ValueError) as error:
            log.info("cache %s: not written (%s)", name, error)

    def _drop(self, path: Path, name: str, why: str) -> None:
        log.info("cache %s: %s; dropped", name, why)
        try:
            path.unlink()
        except OSError as error:
            log.debug("cache %s: cannot delete it (%s)", name, error.strerror or error)


def _header(key: str) -> bytes:
    stamp = hashlib.blake2b(f"{code_stamp()}|{key}".encode(), digest_size=16).hexdigest()
    return _HEADER + stamp.encode("ascii") + b"\n"


def write_entry(path: Path, header: bytes, data: bytes) -> None:
    """Write ``header`` and ``data`` into ``path`` atomically: into a temporary file beside
    it, then ``os.replace``. The folder is made, and told to git to ignore itself, when
    missing. Raises OSError."""
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# worktext's disposable cache\n*\n", encoding="utf-8")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(header)
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
