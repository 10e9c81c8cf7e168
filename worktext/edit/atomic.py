"""Atomic file writes that notice when someone else changed the file first.

``read`` returns a ``Snapshot`` (the bytes and a fingerprint). ``write``/``write_all`` write a
temp file in the same folder, fsync it, and ``os.replace`` it over the target, so a reader (or a
crash, or SIGKILL) sees the old file or the new one, never a partial one. Before replacing, the
target is locked and compared with the snapshot: if it changed since it was read, nothing is
written. Symbolic links are never written through, and the file's mode is kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import socket
import stat
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from worktext.errors import WorktextError

if sys.platform != "win32":
    import fcntl
else:  # pragma: no cover - Windows: no advisory locks, the fingerprint still checks
    fcntl = None

log = logging.getLogger(__name__)

TEMP_PREFIX = ".worktext-tmp-"  # a dot name: the loader skips it if a crash leaves one behind
ABSENT = "absent"


class WriteError(WorktextError):
    """A write that was refused or failed; the file on disk is unchanged."""


@dataclass(frozen=True)
class Snapshot:
    """A file as it was read: ``content`` is None when it did not exist."""

    path: Path
    content: bytes | None
    fingerprint: str
    mode: int | None = None

    @property
    def exists(self) -> bool:
        return self.content is not None


@dataclass(frozen=True)
class Change:
    """Replace (or create) ``before.path`` with ``after``."""

    before: Snapshot
    after: bytes

    @property
    def path(self) -> Path:
        return self.before.path


def fingerprint(content: bytes | None) -> str:
    return ABSENT if content is None else hashlib.sha256(content).hexdigest()


def read(path: str | os.PathLike[str]) -> Snapshot:
    """The file's bytes and fingerprint; a missing file is a snapshot of absence."""
    path = Path(path)
    _refuse_symlink(path)
    try:
        with open(path, "rb") as handle:
            content = handle.read()
            mode = stat.S_IMODE(os.fstat(handle.fileno()).st_mode)
    except FileNotFoundError:
        return Snapshot(path, None, ABSENT)
    except OSError as exc:
        raise WriteError(f"cannot read {path}: {exc.strerror or exc}") from None
    return Snapshot(path, content, fingerprint(content), mode)


def write(before: Snapshot, after: bytes) -> None:
    """Replace the file atomically, unless it changed since ``before`` was read."""
    write_all([Change(before, after)])


def write_all(changes: list[Change]) -> None:
    """Write every change or none: all temp files first, then each replace in order; if a
    replace fails, the files already replaced are put back as they were."""
    for change in changes:
        _refuse_symlink(change.path)
    temps: list[str] = []
    new_folders = _missing_folders(changes)
    written = False
    try:
        for change in changes:
            temps.append(_write_temp(change))
        _install_all(changes, temps)
        written = True
    finally:
        _remove_temps(temps)
        if not written:
            _remove_empty_folders(new_folders)
    for folder in {c.path.parent for c in changes}:
        _fsync_dir(folder)


def _install_all(changes: list[Change], temps: list[str]) -> None:
    """Under the files' locks: check that none changed since it was read, then put each temp
    file in place; if one fails, put back the files already replaced."""
    with _locked([c.path for c in changes if c.before.exists]):
        for change in changes:
            _check_unchanged(change.before)
        done: list[Change] = []
        try:
            for change, temp in zip(changes, temps, strict=True):
                _install(change, temp)
                done.append(change)
        except BaseException:
            _roll_back(done)
            raise


def _remove_temps(temps: list[str]) -> None:
    for temp in temps:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)


def _remove_empty_folders(folders: set[Path]) -> None:
    """Remove the folders that are empty, deepest first: never anything else."""
    for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):
        with contextlib.suppress(OSError):
            folder.rmdir()  # only if empty: never removes anything else


def _missing_folders(changes: list[Change]) -> set[Path]:
    """Folders that writing the changes would create, so a failed write can remove them."""
    missing: set[Path] = set()
    for change in changes:
        folder = change.path.parent
        while not folder.exists() and folder != folder.parent:
            missing.add(folder)
            folder = folder.parent
    return missing


def _refuse_symlink(path: Path) -> None:
    if path.is_symlink():
        raise WriteError(
            f"{path} is a symbolic link; worktext does not write through links. "
            "Edit the file it points to instead."
        )


def _temp_prefix() -> str:
    """The temporary files of this process: ``.worktext-tmp-<host>-<pid>-``, so that a later
    write can tell which ones were left by a writer that is gone."""
    return f"{TEMP_PREFIX}{_HOST}-{os.getpid()}-"


_HOST = hashlib.blake2b(socket.gethostname().encode(), digest_size=4).hexdigest()
_OWN_TEMP = re.compile(rf"{re.escape(TEMP_PREFIX)}{_HOST}-(\d+)-")


def remove_abandoned(folder: Path) -> list[Path]:
    """Delete the temporary files in ``folder`` that a write of this machine left behind when
    it was killed: their process is gone, so nothing can finish or rename them. Those of a
    living process, another machine, or another name are left alone."""
    removed: list[Path] = []
    try:
        names = [name for name in os.listdir(folder) if name.startswith(TEMP_PREFIX)]
    except OSError as error:
        log.debug("cannot list %s: %s", folder, error)
        return removed
    for name in names:
        match = _OWN_TEMP.match(name)
        if match is None or _alive(int(match.group(1))):
            continue
        try:
            os.unlink(folder / name)
            removed.append(folder / name)
            log.info("removed %s, left by a write that was killed", folder / name)
        except OSError as error:
            log.debug("cannot remove %s: %s", folder / name, error)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def _write_temp(change: Change) -> str:
    folder = change.path.parent
    if not folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
    else:
        remove_abandoned(folder)
    fd, temp = tempfile.mkstemp(prefix=_temp_prefix(), dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(change.after)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, change.before.mode if change.before.mode is not None else _new_mode())
    except BaseException:
        os.unlink(temp)
        raise
    return temp


def _new_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _check_unchanged(before: Snapshot) -> None:
    current = read(before.path)
    if current.fingerprint != before.fingerprint:
        if before.exists and current.exists:
            what = "changed on disk since it was read"
        elif before.exists:
            what = "was deleted since it was read"
        else:
            what = "already exists"
        raise WriteError(f"{before.path} {what}; nothing was written. Run the command again.")


def _install(change: Change, temp: str) -> None:
    if change.before.exists:
        os.replace(temp, change.path)
        return
    try:
        # A hard link creates the name only if it is free: two writers cannot both create it.
        os.link(temp, change.path)
    except FileExistsError:
        raise WriteError(f"{change.path} already exists; nothing was written.") from None
    except OSError:  # a file system without hard links
        if change.path.exists():
            raise WriteError(f"{change.path} already exists; nothing was written.") from None
        os.replace(temp, change.path)


def _roll_back(done: list[Change]) -> None:
    for change in reversed(done):
        with contextlib.suppress(OSError):
            if change.before.content is None:
                os.unlink(change.path)
            else:
                restore = Change(change.before, change.before.content)
                os.replace(_write_temp(restore), change.path)


@contextlib.contextmanager
def _locked(paths: list[Path]) -> Iterator[None]:
    """Hold an exclusive advisory lock on each existing target, in a fixed order so that two
    writers of the same files cannot deadlock. The lock is on the file's inode; when the name
    now points to another inode (someone replaced it), the lock is taken again on the new one."""
    handles = []
    try:
        for path in sorted(set(paths)):
            handle = _lock_one(path)
            if handle is not None:
                handles.append(handle)
        yield
    finally:
        for handle in handles:
            handle.close()


def _lock_one(path: Path):
    if fcntl is None:
        return None
    while True:
        try:
            handle = open(path, "rb")  # noqa: SIM115 - closed by _locked
        except FileNotFoundError:
            return None  # deleted meanwhile; the fingerprint check reports it
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            same = os.fstat(handle.fileno()).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = True
        if same:
            return handle
        handle.close()


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
