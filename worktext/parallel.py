"""Work shared with one forked process: portions handed out in turn, and the fork's results.

``multiprocessing`` does this too, but importing it is ~15 ms of a rebuild after one edit
(which has a second in all), and a fork needs only ``os``. The portions' counter is a pipe
holding one token, the number of the next portion: whoever reads it takes that portion (the
other process waits in its read meanwhile) and writes the next number back. The fork's result,
plain data, comes back marshalled through a second pipe. The build's renderer, the scan at its
start and the loader's parsing workers all fork through here.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import struct
from collections.abc import Callable
from typing import Any

_NUMBER = struct.Struct("<q")  # 8 bytes: written and read whole (a pipe's writes up to 512
# bytes are atomic)


def can_fork() -> bool:
    return hasattr(os, "fork")


class Counter:
    """The next portion's number, shared by this process and the forks it makes afterwards."""

    def __init__(self) -> None:
        self._read, self._write = os.pipe()
        os.write(self._write, _NUMBER.pack(0))

    def take(self) -> int:
        """A number no process has taken yet (0, 1, 2, … across all of them)."""
        (taken,) = _NUMBER.unpack(os.read(self._read, _NUMBER.size))
        os.write(self._write, _NUMBER.pack(taken + 1))
        return taken

    def close(self) -> None:
        for fd in (self._read, self._write):
            with contextlib.suppress(OSError):
                os.close(fd)


class Fork:
    """A forked process that runs ``work()`` and sends back what it returns (plain data:
    marshal's types). It leaves with ``os._exit``: no exit handlers, no buffers flushed."""

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
            finally:
                os._exit(status)
        os.close(write_fd)
        self.pid = pid
        self._read = read_fd

    def data(self) -> bytes | None:
        """The marshalled bytes of what ``work()`` returned, once the fork is done; None when
        it failed."""
        with os.fdopen(self._read, "rb") as pipe:
            data = pipe.read()
        _pid, status = os.waitpid(self.pid, 0)
        return data if status == 0 else None

    def result(self) -> Any:
        """What ``work()`` returned, once the fork is done; None when it failed."""
        data = self.data()
        if data is None:
            return None
        try:
            return marshal.loads(data)
        except (EOFError, ValueError, TypeError):
            return None

    def abandon(self) -> None:
        """Stop the fork and wait for it (its result is not wanted: this process was
        interrupted)."""
        with contextlib.suppress(OSError):
            os.close(self._read)
        try:
            os.kill(self.pid, 9)
            os.waitpid(self.pid, 0)
        except OSError:
            pass
