"""Work shared with forked processes, behind one guard.

``run_split`` runs a list of portions of work: the first here, the others each in a forked
process, which sends back what its portion returns (plain data, marshalled through a pipe).
``run_shared`` runs one piece of work here and in forks that all take numbered parts from one
queue, so that a faster process does more of them: for parts whose costs are not known. A
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
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

log = logging.getLogger(__name__)

MAX_SHARED_PARTS = 16_384  # a queue's parts: two bytes each, in a pipe's 64 KiB

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


def run_shared(
    parts: int, work: Callable[[Iterator[int]], T], accept: Callable[[Any], bool], workers: int
) -> list[T]:
    """``work(taken)`` here and in ``workers - 1`` forks (while ``can_fork()``), where
    ``taken`` yields the numbers ``0 .. parts - 1`` that this process takes from one shared
    queue, in order: each number goes to one process, whichever asks first. The results of
    the processes whose work finished: a fork that failed, or whose result ``accept`` rejects,
    is left out, and the caller does again what no result covers. The queue is a pipe filled
    before the forks start (at most ``MAX_SHARED_PARTS``); a read of two bytes takes a part."""
    if not 0 < parts <= MAX_SHARED_PARTS:
        raise ValueError(f"a shared queue holds 1 to {MAX_SHARED_PARTS} parts, not {parts}")
    if workers <= 1 or parts == 1 or not can_fork():
        return [work(iter(range(parts)))]
    read_fd, write_fd = os.pipe()
    queue = b"".join(n.to_bytes(2, "big") for n in range(parts))
    try:
        os.set_blocking(write_fd, False)  # a pipe smaller than the queue: no hang, no forks
        filled = os.write(write_fd, queue) == len(queue)
    except BlockingIOError:
        filled = False
    finally:
        os.close(write_fd)  # every process sees the end of the queue once it is empty
    if not filled:
        os.close(read_fd)
        log.info("a queue of %d parts does not fit in a pipe here: all done here", parts)
        return [work(iter(range(parts)))]

    def taken() -> Iterator[int]:
        while len(token := os.read(read_fd, 2)) == 2:
            yield int.from_bytes(token, "big")

    children: list[Fork] = []
    try:
        children.extend(Fork(lambda: work(taken())) for _ in range(workers - 1))
        results = [work(taken())]
        for child in children:
            sent = child.result()
            if sent is not None and accept(sent):
                results.append(sent)
        children.clear()
        return results
    finally:
        os.close(read_fd)
        for child in children:  # interrupted: leave no worker behind
            child.abandon()
