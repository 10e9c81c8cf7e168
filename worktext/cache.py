"""The disposable parse cache under ``.worktext/``: parsed files keyed by file identity.

Deleting it changes no result; a stale, corrupt or foreign-version cache is ignored and
rebuilt. It is written atomically, and ``.worktext/`` ignores itself in git.
"""

from __future__ import annotations

import marshal
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from . import __version__

CACHE_DIR = ".worktext"
FORMAT = 1
StatKey = tuple[int, int, int]


def cache_dir(root: Path) -> Path:
    return root / CACHE_DIR


def stat_key(stat: os.stat_result) -> StatKey:
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


def _header() -> tuple[Any, ...]:
    # The parser's own files are part of the key, so an upgrade or an edited checkout of
    # worktext never serves files parsed by older code.
    here = Path(__file__).parent
    code = tuple(os.stat(here / name).st_mtime_ns for name in ("source.py", "yamlpos.py"))
    return (FORMAT, __version__, sys.version_info[:2], code)


def read(root: Path, name: str) -> dict[str, Any]:
    path = cache_dir(root) / name
    try:
        with open(path, "rb") as handle:
            payload = marshal.load(handle)
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if not isinstance(payload, tuple) or len(payload) != 2 or payload[0] != _header():
        return {}
    return payload[1] if isinstance(payload[1], dict) else {}


def write(root: Path, name: str, entries: dict[str, Any]) -> None:
    """Write atomically; a cache that cannot be written is simply not written."""
    folder = cache_dir(root)
    try:
        folder.mkdir(exist_ok=True)
        ignore = folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# worktext's disposable cache\n*\n", encoding="utf-8")
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                marshal.dump((_header(), entries), handle)
            os.replace(tmp, folder / name)
        except BaseException:
            os.unlink(tmp)
            raise
    except (OSError, ValueError):
        pass
