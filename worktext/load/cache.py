"""The disposable cache under ``.worktext/``: parsed files keyed by file identity, and results
derived from a whole workspace keyed by the identity of every file in it.

Deleting it changes no result; a stale, corrupt or foreign-version cache is ignored and
rebuilt. It is written atomically, and ``.worktext/`` ignores itself in git.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import importlib.util
import marshal
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from worktext import __version__
from worktext import parallel as forks

CACHE_DIR = ".worktext"
FORMAT = 4
StatKey = tuple[int, int, int, int]
# A file changed this recently may change again within the file system's timestamp
# granularity (up to 2 s on FAT, a few ms on ext4) without its key changing, so it is never
# trusted from the cache (git calls these entries "racily clean").
RACY_NS = 2_000_000_000


def cache_dir(root: Path) -> Path:
    return root / CACHE_DIR


def stat_key(stat: os.stat_result) -> StatKey:
    # ctime cannot be set back by tools that restore mtimes (rsync -t, touch -r, tar).
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino, stat.st_ctime_ns)


def is_racy(key: StatKey, now_ns: int) -> bool:
    """Whether the file changed too recently for its key to prove it unchanged later."""
    return max(key[0], key[3]) >= now_ns - RACY_NS


def now_ns() -> int:
    return time.time_ns()


@functools.cache
def code_stamp(names: tuple[str, ...] | None = None) -> tuple[Any, ...]:
    """worktext's, Python's and PyYAML's versions and the mtimes of worktext's own modules (all
    of them when ``names`` is None): an upgrade or an edited checkout never serves old results.
    Worked out once per process: the process runs the code it imported first, whatever the
    files say later. PyYAML is named by its module file, not imported: a build that parses no
    YAML (every file unchanged, or simple enough for fastyaml) does without it."""
    here = Path(__file__).parent.parent  # worktext/
    paths = sorted(here.rglob("*.py")) if names is None else [here / name for name in names]
    stamps = tuple((path.name, os.stat(path).st_mtime_ns) for path in paths)
    return (FORMAT, __version__, sys.version_info[:2], _yaml_stamp(), stamps)


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


# Writes held back by ``deferred_writes`` (None: write at once).
_HELD: list[Callable[[], None]] | None = None


@contextlib.contextmanager
def deferred_writes() -> Iterator[Callable[[], None]]:
    """Hold back the cache writes made inside; the function it yields starts them in a forked
    process, which writes while this one goes on (where there is no fork: here and now).
    Leaving waits for that process, and writes what is still held back.

    ``worktext build`` uses it: after a read of the workspace, the cache is written by the
    second core while the first plans the pages."""
    global _HELD
    outer, _HELD = _HELD, []
    children: list[int] = []

    def start() -> None:
        held = _take()
        if not held:
            return
        if not forks.can_fork():
            _run(held)
            return
        pid = os.fork()
        if pid == 0:  # the child writes and leaves at once: no atexit, no buffers flushed
            status = 0
            try:
                _run(held)
            except BaseException:
                status = 1
            finally:
                os._exit(status)
        children.append(pid)

    try:
        yield start
    finally:
        for pid in children:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        held, _HELD = _take(), outer
        _run(held)


def _take() -> list[Callable[[], None]]:
    held = list(_HELD or ())
    if _HELD is not None:
        _HELD.clear()
    return held


def _run(writes: list[Callable[[], None]]) -> None:
    for write in writes:
        write()


def _write_or_hold(write: Callable[[], None]) -> None:
    if _HELD is None:
        write()
    else:
        _HELD.append(write)


def _load(path: Path) -> Any:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        with gc_paused():  # loads, not load: load reads the file a few bytes at a time
            return marshal.loads(data)
    except (OSError, EOFError, ValueError, TypeError):
        return None


def _dump(root: Path, name: str, payload: Any, header: bytes = b"") -> None:
    """Write atomically (``header`` first); a cache that cannot be written is simply not
    written."""
    with contextlib.suppress(OSError, ValueError):
        write_value(cache_dir(root) / name, payload, header)


def write_value(path: Path, value: Any, header: bytes = b"") -> None:
    """Write ``header`` and ``value`` (plain data, marshalled) to a file of the cache folder
    atomically: into a temporary file beside it, then ``os.replace``. The folder is made, and
    told to git to ignore itself, when missing. Raises OSError or ValueError."""
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# worktext's disposable cache\n*\n", encoding="utf-8")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(header)
            handle.write(marshal.dumps(value))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@dataclass
class Stored:
    """A per-file cache as read: its entries (relative path → (stat key, row)), and its
    parts as stored, so that a few changed rows can be appended rather than all rewritten."""

    entries: dict[str, Any] = field(default_factory=dict)
    parts: list[bytes] = field(default_factory=list)
    rows_stored: int = 0  # rows in all parts, superseded ones included


def read_store(root: Path, name: str, salt: str = "") -> Stored:
    """``salt``: what else the rows depend on (the configuration); a different one is a miss."""
    payload = _load(cache_dir(root) / name)
    if not isinstance(payload, tuple) or len(payload) != 3:
        return Stored()
    stamp, keys, parts = payload
    if stamp != (code_stamp(), salt) or not isinstance(keys, dict):
        return Stored()
    if not isinstance(parts, list) or not all(isinstance(part, bytes) for part in parts):
        return Stored()
    rows: dict[str, Any] = {}
    stored = 0
    with gc_paused():
        for part in parts:  # later parts supersede earlier ones
            try:
                loaded = marshal.loads(part)
            except (EOFError, ValueError, TypeError):
                return Stored()
            if not isinstance(loaded, dict):
                return Stored()
            rows.update(loaded)
            stored += len(loaded)
        entries = {rel: (key, rows[rel]) for rel, key in keys.items() if rel in rows}
    return Stored(entries, parts, stored)


def read(root: Path, name: str, salt: str = "") -> dict[str, Any]:
    """Entries of the per-file cache ``name``: relative path → (stat key, parsed row)."""
    return read_store(root, name, salt).entries


def write(root: Path, name: str, entries: dict[str, Any], salt: str = "") -> None:
    """Store ``entries`` (relative path → (stat key, row))."""
    keys = {rel: entry[0] for rel, entry in entries.items()}
    write_parts(root, name, keys, [{rel: entry[1] for rel, entry in entries.items()}], salt)


def write_parts(
    root: Path,
    name: str,
    keys: dict[str, Any],
    parts: list[bytes | dict[str, Any]],
    salt: str = "",
) -> None:
    """Store the rows of the files in ``keys``, given as dicts of rows or as the marshalled
    bytes of such dicts (parsing workers send those, and parts already stored are kept as
    they are: neither is encoded again). A later part supersedes an earlier one; rows of
    files not in ``keys`` are ignored when read."""

    def write() -> None:
        encoded = [part if isinstance(part, bytes) else marshal.dumps(part) for part in parts]
        _dump(root, name, ((code_stamp(), salt), keys, encoded))

    _write_or_hold(write)


def recall(root: Path, name: str, key: str) -> Any | None:
    """The value remembered under ``key`` (a fingerprint of every input), or None. The file
    starts with a line naming what it was stored under, so a miss reads that line only (a
    workspace's value is megabytes)."""
    try:
        with open(cache_dir(root) / name, "rb") as handle:
            if handle.readline(200) != _header(key):
                return None
            data = handle.read()
        with gc_paused():
            return marshal.loads(data)
    except (OSError, EOFError, ValueError, TypeError):
        return None


def remember(root: Path, name: str, key: str, value: Any) -> None:
    """Keep one value (plain data: str, numbers, tuples, lists, dicts) for ``key``."""
    _write_or_hold(lambda: _dump(root, name, value, _header(key)))


def _header(key: str) -> bytes:
    stamp = hashlib.blake2b(repr((code_stamp(), key)).encode(), digest_size=16).hexdigest()
    return f"worktext-cache {stamp}\n".encode()
