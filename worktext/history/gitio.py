"""Running git safely: a fixed argument list, never a shell, ``--end-of-options`` before
revisions and ``--`` before paths, so no user string can ever become an option.

Every failure becomes a ``GitError`` (a WorktextError) with a message that says what to do:
git missing, not a repository, a revision that does not exist. Repository facts that are not
failures (a shallow clone, a detached HEAD, no commit yet) are reported by ``repo_state`` as
data, for the caller to turn into warnings.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from worktext.errors import WorktextError

log = logging.getLogger(__name__)

GIT = "git"
# Quoted paths and localised messages would make the output unparseable.
BASE_ARGS = ("-c", "core.quotepath=off", "-c", "color.ui=never", "-c", "log.showSignature=false")


class GitError(WorktextError):
    """git cannot answer: it is missing, the folder is not a repository, a revision is unknown."""


class GitMissing(GitError):
    pass


class NotARepository(GitError):
    pass


def git_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "GIT_TERMINAL_PROMPT": "0",
            "LC_ALL": "C",
            "LANG": "C",
            "GIT_PAGER": "cat",
            "GIT_OPTIONAL_LOCKS": "0",  # reading must never take the index lock of a busy repo
            "GIT_LITERAL_PATHSPECS": "1",  # a folder named ':(glob)*' is just a folder name
        }
    )
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        env.pop(name, None)  # an inherited setting would point git at another repository
    return env


def _argv(args: Sequence[str]) -> list[str]:
    return [GIT, *BASE_ARGS, *args]


def run(cwd: Path, args: Sequence[str], check: bool = True) -> subprocess.CompletedProcess[bytes]:
    """Run git with a fixed argument list in ``cwd``; bytes out, no shell."""
    try:
        result = subprocess.run(
            _argv(args),
            cwd=cwd,
            env=git_env(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        raise GitMissing(
            "git is not installed or not on PATH; install git to use history, log, stats, "
            "diff and check --since"
        ) from None
    except OSError as exc:
        raise GitError(f"cannot run git: {exc}") from None
    if check and result.returncode != 0:
        raise GitError(_explain(args, result.stderr))
    return result


def text(cwd: Path, args: Sequence[str]) -> str:
    return run(cwd, args).stdout.decode("utf-8", "surrogateescape").strip()


def _explain(args: Sequence[str], stderr: bytes) -> str:
    message = stderr.decode("utf-8", "replace").strip().splitlines()
    first = message[-1] if message else "no message"
    if "not a git repository" in first:
        return "this workspace is not in a git repository; run 'git init' and commit the files"
    if "unknown revision" in first or "bad revision" in first or "Needed a single" in first:
        return (
            f"git does not know that revision ({first}); fetch it first, e.g. "
            "'git fetch origin' or 'git fetch --unshallow'"
        )
    return f"git {args[0]} failed: {first}"


def stream(cwd: Path, args: Sequence[str]) -> bytes:
    """The whole standard output of a git command (for ``git log``)."""
    return run(cwd, args).stdout


class Pending:
    """A git command that runs while the caller does other work (reads blobs while ``git
    log`` runs on the other core). Its output goes to unnamed temporary files rather than to
    pipes: a pipe that fills up stops git until a thread of this process empties it, and
    such a thread waits for the interpreter's lock while this process parses (a 3 MB log
    through a 64 KiB pipe took 0.27 s instead of git's 0.09 s). ``result()`` waits for it;
    leaving the ``with`` block early stops it."""

    def __init__(self, cwd: Path, args: Sequence[str], given: bytes | None = None) -> None:
        """Start ``git ARGS`` in ``cwd``, with ``given`` as its input (else none)."""
        self._args = list(args)
        # Closed by ``__exit__`` (or here, when git cannot start).
        self._stdout = tempfile.TemporaryFile()  # noqa: SIM115
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115
        with tempfile.TemporaryFile() if given is not None else open(os.devnull, "rb") as stdin:
            if given is not None:
                stdin.write(given)
                stdin.seek(0)
            try:
                self._proc = subprocess.Popen(
                    _argv(args),
                    cwd=cwd,
                    env=git_env(),
                    stdin=stdin,
                    stdout=self._stdout,
                    stderr=self._stderr,
                )
            except FileNotFoundError:
                self._close()
                raise GitMissing("git is not installed or not on PATH") from None
            except OSError as exc:
                self._close()
                raise GitError(f"cannot run git: {exc}") from None

    def done(self) -> bool:
        """Whether git has finished (``result()`` will not wait)."""
        return self._proc.poll() is not None

    def result(self) -> bytes:
        """The whole standard output; GitError when git failed."""
        return self.output().read()

    def output(self) -> IO[bytes]:
        """The standard output, from its start, to read while the ``with`` block lasts;
        GitError when git failed."""
        status = self._proc.wait()
        if status != 0:
            self._stderr.seek(0)
            raise GitError(_explain(self._args, self._stderr.read()))
        self._stdout.seek(0)
        return self._stdout

    def _close(self) -> None:
        self._stdout.close()
        self._stderr.close()

    def __enter__(self) -> Pending:
        return self

    def __exit__(self, *_: object) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        self._close()


@dataclass(frozen=True)
class RepoState:
    toplevel: Path
    prefix: str  # the workspace's folder inside the repository, '' or 'sub/dir/'
    head: str | None  # None before the first commit
    branch: str | None  # None when HEAD is detached
    shallow: tuple[str, ...]  # the commits where a shallow clone's history is cut


def repo_state(root: Path) -> RepoState:
    """Where the repository is and what HEAD is; raises NotARepository or GitMissing."""
    result = run(
        root,
        ["rev-parse", "--show-toplevel", "--show-prefix", "--git-path", "shallow"],
        check=False,
    )
    if result.returncode != 0:
        raise NotARepository(
            f"{root} is not in a git repository, so it has no history; "
            "run 'git init' and commit the workspace to start one"
        )
    lines = result.stdout.decode("utf-8", "surrogateescape").splitlines()
    toplevel, prefix, shallow_path = Path(lines[0]), lines[1] if len(lines) > 2 else "", lines[-1]
    head_result = run(
        root, ["rev-parse", "--verify", "--quiet", "--end-of-options", "HEAD"], check=False
    )
    head = head_result.stdout.decode().strip() or None if head_result.returncode == 0 else None
    branch_result = run(root, ["symbolic-ref", "--quiet", "--short", "HEAD"], check=False)
    branch = branch_result.stdout.decode().strip() if branch_result.returncode == 0 else None
    shallow_file = Path(shallow_path) if os.path.isabs(shallow_path) else root / shallow_path
    try:
        shallow = tuple(shallow_file.read_text(encoding="ascii").split())
    except OSError:
        shallow = ()
    return RepoState(toplevel, prefix, head, branch, shallow)


def resolve(root: Path, rev: str) -> str:
    """The commit id of a revision given by a user; a GitError when it does not exist. A
    search (``:/fix login``) takes the rest of the text as its pattern, so it is resolved
    first and peeled to its commit after."""
    spec = rev if rev.startswith(":/") else f"{rev}^{{commit}}"
    result = run(root, ["rev-parse", "--verify", "--quiet", "--end-of-options", spec], check=False)
    if result.returncode == 0 and rev.startswith(":/"):
        found = result.stdout.decode().strip()
        result = run(
            root,
            ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{found}^{{commit}}"],
            check=False,
        )
    if result.returncode != 0:
        raise GitError(
            f"git does not know the revision '{rev}'; fetch it first "
            "(e.g. 'git fetch origin', or with actions/checkout set 'fetch-depth: 0')"
        )
    return result.stdout.decode().strip()


def rev_list(root: Path, spec: Sequence[str]) -> list[str]:
    """Commit ids of ``git rev-list SPEC``; SPEC entries are revisions, never options."""
    out = text(root, ["rev-list", "--end-of-options", *spec])
    return out.split()


def _write_requests(
    stdin: IO[bytes], batches: Iterable[Sequence[str]], failures: list[BaseException]
) -> None:
    """The writer thread of ``BlobReader.read_batches``: every object name of every batch to
    git's input, which it then closes. An exception from ``batches`` goes to ``failures``,
    for the reading side to raise."""
    try:
        for batch in batches:
            for start in range(0, len(batch), 1024):
                chunk = "".join(f"{s}\n" for s in batch[start : start + 1024])
                stdin.write(chunk.encode("ascii"))
    except (BrokenPipeError, ValueError, OSError) as error:
        log.debug("git cat-file stopped reading (%s); its answers say why", error)
    except BaseException as exc:
        failures.append(exc)
    finally:
        with contextlib.suppress(OSError):
            stdin.close()


def batch_answers(fd: int) -> Iterator[tuple[str, bytes | None]]:
    """(object name, content or None when it is missing) of each answer that ``git cat-file
    --batch`` writes to ``fd`` (a pipe, or the file it wrote), until there are no more."""
    buffer = b""
    pos = 0
    while True:
        newline = buffer.find(b"\n", pos)
        while newline < 0:
            data = os.read(fd, 1 << 20)
            if not data:
                if pos < len(buffer):
                    raise GitError("git cat-file stopped unexpectedly")
                break
            buffer, pos = buffer[pos:] + data, 0
            newline = buffer.find(b"\n")
        if newline < 0:
            return  # every answer read, and git has finished
        parts = buffer[pos:newline].split()
        pos = newline + 1
        sha = parts[0].decode("ascii") if parts else ""
        if len(parts) < 3 or parts[-1] == b"missing":
            yield sha, None
            continue
        end = pos + int(parts[2])
        while len(buffer) < end + 1:  # the content and the line break after it
            buffer, end, pos = buffer[pos:] + _chunk(fd), end - pos, 0
        data = buffer[pos:end]
        pos = end + 1
        yield sha, data


def _chunk(fd: int) -> bytes:
    data = os.read(fd, 1 << 20)
    if not data:
        raise GitError("git cat-file stopped unexpectedly")
    return data


class BlobReader:
    """One ``git cat-file --batch --buffer`` process that answers one list of blob reads.

    The requests are written from a thread while the answers are read, so neither pipe can
    fill up and stall the other; ``--buffer`` lets git write big blocks instead of flushing
    after every object, and closing its input flushes the rest.
    """

    def __init__(self, cwd: Path) -> None:
        try:
            self._proc = subprocess.Popen(
                _argv(["cat-file", "--batch", "--buffer"]),
                cwd=cwd,
                env=git_env(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                bufsize=0,
            )
        except FileNotFoundError:
            raise GitMissing("git is not installed or not on PATH") from None

    def read_many(self, shas: Iterable[str]) -> Iterator[tuple[str, bytes | None]]:
        """(sha, content) in the order asked; content None when the object is missing."""
        return self.read_batches([list(shas)])

    def read_batches(self, batches: Iterable[Sequence[str]]) -> Iterator[tuple[str, bytes | None]]:
        """(sha, content) of every object asked for, in the order asked; content None when
        the object is missing.

        ``batches`` is consumed by the thread that writes to git, so it may wait before it
        gives the next batch (for a ``git log`` that is still running) while the answers to
        the earlier ones are read here. An exception it raises is raised here once the
        objects asked for before it have been read.
        """
        proc = self._proc
        assert proc.stdin is not None and proc.stdout is not None
        failures: list[BaseException] = []
        writer = threading.Thread(
            target=_write_requests, args=(proc.stdin, batches, failures), daemon=True
        )
        writer.start()
        try:
            yield from batch_answers(proc.stdout.fileno())
        finally:
            if writer.is_alive():  # the caller stopped early: stop git rather than wait
                proc.kill()
            writer.join()
        if failures:
            raise failures[0]

    def close(self) -> None:
        if self._proc.stdin:
            with contextlib.suppress(OSError):
                self._proc.stdin.close()
        if self._proc.stdout:
            self._proc.stdout.close()
        self._proc.wait()

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
