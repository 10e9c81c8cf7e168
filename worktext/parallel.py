"""Work shared with forked processes, behind one guard.

``run_split`` runs a list of portions of work: the first here, the others each in a forked
process, which sends back what its portion returns (plain data, marshalled through a pipe). A
fork that fails, for any reason (an exception, a signal, data marshal cannot carry), is logged
and its portion is done here instead: a dead worker costs time, never a result, and never a
hang. ``can_fork`` is the guard: no fork while other threads run (a fork copies only the
calling thread, so a lock another thread held stays held in the child: ``serve``'s HTTP
thread, ``mkdocs serve``), and none where fork is unsafe (macOS, once system frameworks are
loaded) or missing (Windows). ``multiprocessing`` would do the same at the cost of a ~15 ms
import and picklable work; a fork needs only ``os``, and the work may be a closure over
whatever this process has loaded.
"""

from __future__ import annotations

import contextlib
import logging
import marshal
import os
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

log = logging.getLogger(__name__)

JOBS_ENV = "WORKTEXT_JOBS"  # processes to use; 1 turns forking off
MAX_WORKERS = 8
T = TypeVar("T")


def can_fork() -> bool:
    """Whether work may be handed to a forked process here and now."""
    return (
        hasattr(os, "fork")
        and sys.platform.startswith("linux")
        and threading.active_count() == 1
        and os.environ.get(JOBS_ENV, "").strip() != "1"
    )


def cpu_count(wanted: int | None = None) -> int:
    """Processes to work with, counting this one: ``wanted`` (``-j``) or ``WORKTEXT_JOBS``,
    else the CPUs this process may run on; at most ``MAX_WORKERS``; 1 where it may not fork."""
    if not can_fork():
        return 1
    given = os.environ.get(JOBS_ENV, "").strip()
    if wanted is None and given.isdigit() and int(given) > 0:
        wanted = int(given)
    if wanted is None:
        try:
            wanted = len(os.sched_getaffinity(0))
        except (AttributeError, OSError):
            wanted = os.cpu_count() or 1
    return max(1, min(wanted, MAX_WORKERS))


class Fork:
    """A forked process that runs ``work()`` and sends back what it returns. It leaves with
    ``os._exit`` once its result is written: its copy of this process's state is not torn
    down, and this process's exit handlers and buffers are not run twice."""

    def __init__(self, work: Callable[[], Any]) -> None:
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the fork: never returns
            status = 1
            try:
                os.close(read_fd)
                data = marshal.dumps(work())
                with os.fdopen(write_fd, "wb") as pipe:
                    pipe.write(data)
                status = 0
            except BaseException as error:  # reported by the parent as a failed fork
                with contextlib.suppress(Exception):
                    sys.stderr.write(f"worktext: a worker failed: {error!r}\n")
            finally:
                os._exit(status)
        os.close(write_fd)
        self.pid = pid
        self._read = read_fd

    def result(self) -> Any | None:
        """What ``work()`` returned, once the fork is done; None when it failed."""
        with os.fdopen(self._read, "rb") as pipe:
            data = pipe.read()
        _pid, status = os.waitpid(self.pid, 0)
        if status != 0:
            log.warning("a worker process failed (status %d); its work is done here", status)
            return None
        try:
            return marshal.loads(data)
        except (EOFError, ValueError, TypeError) as error:
            log.warning("a worker process sent back no result (%s); its work is done here", error)
            return None

    def abandon(self) -> None:
        """Stop the fork and wait for it: its result is not wanted (this process was
        interrupted)."""
        with contextlib.suppress(OSError):
            os.close(self._read)
        try:
            os.kill(self.pid, 9)
            os.waitpid(self.pid, 0)
        except OSError as error:
            log.debug("stopping worker %d: %s", self.pid, error)


def run_split(portions: Sequence[Callable[[], T]], accept: Callable[[Any], bool]) -> list[T]:
    """The result of each portion, in order: the first made here, the others in forks (while
    ``can_fork()``). ``accept(result)`` tells a fork's result from garbage; a rejected or
    failed one is made again here."""
    if len(portions) <= 1 or not can_fork():
        return [portion() for portion in portions]
    children: list[Fork] = []
    try:
        children.extend(Fork(portion) for portion in portions[1:])
        results = [portions[0]()]
        for portion, child in zip(portions[1:], children, strict=True):
            sent = child.result()
            results.append(sent if sent is not None and accept(sent) else portion())
        children.clear()
        return results
    finally:
        for child in children:  # interrupted: leave no worker behind
            child.abandon()
