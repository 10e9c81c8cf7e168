"""Atomic writes: old or new file, never a partial one; changes on disk are noticed."""

from __future__ import annotations

import multiprocessing
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from worktext.edit import atomic
from worktext.edit import engine as edit
from worktext.edit.atomic import Change, WriteError
from worktext.load.source import parse_bytes


def test_write_replaces_content_and_keeps_mode(tmp_path: Path) -> None:
    path = tmp_path / "t.md"
    path.write_bytes(b"old")
    path.chmod(0o640)
    atomic.write(atomic.read(path), b"new")
    assert path.read_bytes() == b"new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["t.md"]  # no temp file left


def test_new_file_gets_the_default_mode(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "new.md"
    snapshot = atomic.read(path)
    assert not snapshot.exists
    atomic.write(snapshot, b"x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


def test_refuses_a_file_changed_since_it_was_read(tmp_path: Path) -> None:
    path = tmp_path / "t.md"
    path.write_bytes(b"one")
    snapshot = atomic.read(path)
    path.write_bytes(b"two")
    with pytest.raises(WriteError, match="changed on disk"):
        atomic.write(snapshot, b"three")
    assert path.read_bytes() == b"two"


def test_refuses_to_create_a_file_that_appeared(tmp_path: Path) -> None:
    path = tmp_path / "t.md"
    snapshot = atomic.read(path)
    path.write_bytes(b"someone else's")
    with pytest.raises(WriteError, match="already exists"):
        atomic.write(snapshot, b"mine")
    assert path.read_bytes() == b"someone else's"


def test_refuses_a_deleted_file(tmp_path: Path) -> None:
    path = tmp_path / "t.md"
    path.write_bytes(b"one")
    snapshot = atomic.read(path)
    path.unlink()
    with pytest.raises(WriteError, match="deleted"):
        atomic.write(snapshot, b"two")
    assert not path.exists()


def test_never_writes_through_a_symlink(tmp_path: Path) -> None:
    target = tmp_path / "target.md"
    target.write_bytes(b"target")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    with pytest.raises(WriteError, match="symbolic link"):
        atomic.read(link)
    snapshot = atomic.Snapshot(link, b"target", atomic.fingerprint(b"target"))
    with pytest.raises(WriteError, match="symbolic link"):
        atomic.write(snapshot, b"changed")
    assert target.read_bytes() == b"target"
    assert link.is_symlink()


def test_write_all_writes_nothing_when_one_file_changed(tmp_path: Path) -> None:
    first, second = tmp_path / "a.md", tmp_path / "b.md"
    first.write_bytes(b"a")
    second.write_bytes(b"b")
    changes = [Change(atomic.read(first), b"A"), Change(atomic.read(second), b"B")]
    second.write_bytes(b"b2")
    with pytest.raises(WriteError):
        atomic.write_all(changes)
    assert first.read_bytes() == b"a"
    assert second.read_bytes() == b"b2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md", "b.md"]


def test_write_all_rolls_back_when_a_replace_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disk error on the third file (injected: it cannot be provoked as root) puts the
    first two back as they were, the created one removed."""
    paths = [tmp_path / "a.md", tmp_path / "sub" / "dir" / "new.md", tmp_path / "c.md"]
    paths[0].write_bytes(b"a")
    paths[2].write_bytes(b"c")
    changes = [Change(atomic.read(p), p.stem.upper().encode()) for p in paths]
    real_replace = os.replace
    calls = []

    def failing_replace(src: str, dst: str | Path) -> None:
        calls.append(dst)
        if Path(dst) == paths[2]:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", failing_replace)
    with pytest.raises(OSError, match="No space"):
        atomic.write_all(changes)
    monkeypatch.undo()
    assert paths[0].read_bytes() == b"a"
    assert not paths[1].exists()
    assert paths[2].read_bytes() == b"c"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md", "c.md"]


WRITER = textwrap.dedent(
    """
    import sys
    from worktext.edit import atomic
    path = sys.argv[1]
    size = int(sys.argv[2])
    n = 0
    while True:
        n += 1
        atomic.write(atomic.read(path), bytes([65 + n % 2]) * size)
        if n == 1:
            print("started", flush=True)
    """
)


@pytest.mark.parametrize("delay", [0.0, 0.003, 0.01, 0.03, 0.05, 0.08])
def test_sigkill_mid_write_leaves_the_old_or_the_new_file(tmp_path: Path, delay: float) -> None:
    path = tmp_path / "big.md"
    size = 4 * 1024 * 1024
    path.write_bytes(b"O" * size)
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(size)], stdout=subprocess.PIPE
    )
    assert process.stdout is not None
    assert process.stdout.readline() == b"started\n"
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()
    content = path.read_bytes()
    assert len(content) == size
    assert content in (b"A" * size, b"B" * size)
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "big.md"]
    assert all(name.startswith(atomic.TEMP_PREFIX) for name in leftovers)
    atomic.write(atomic.read(path), b"after")  # the next write cleans up after the killed one
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.md"]


def test_only_temporary_files_of_writers_that_are_gone_are_removed(tmp_path: Path) -> None:
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    host = atomic._HOST
    dead = tmp_path / f"{atomic.TEMP_PREFIX}{host}-{gone.stdout.strip()}-x1"
    alive = tmp_path / f"{atomic.TEMP_PREFIX}{host}-{os.getppid()}-x2"  # our parent runs
    elsewhere = tmp_path / f"{atomic.TEMP_PREFIX}00000000-1-x3"  # another machine's
    older = tmp_path / f"{atomic.TEMP_PREFIX}x4"  # named before the host and pid were in it
    for temp in (dead, alive, elsewhere, older):
        temp.write_bytes(b"partial")
    assert atomic.remove_abandoned(tmp_path) == [dead]
    assert not dead.exists() and alive.exists() and elsewhere.exists() and older.exists()


def _edit_at_once(path: str, key: str, barrier: multiprocessing.synchronize.Barrier) -> None:
    snapshot = atomic.read(path)
    assert snapshot.content is not None
    new = edit.set_key(snapshot.content, "t.md", key, "yes-" + key)
    barrier.wait()
    try:
        atomic.write(snapshot, new)
    except WriteError:
        sys.exit(3)
    sys.exit(0)


def test_two_edits_at_once_never_lose_an_update(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    path = tmp_path / "t.md"
    for _round in range(15):
        path.write_bytes(b"---\ntitle: x\n---\nbody\n")
        barrier = context.Barrier(2)
        workers = [
            context.Process(target=_edit_at_once, args=(str(path), key, barrier))
            for key in ("alpha", "beta")
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(30)
        codes = [worker.exitcode for worker in workers]
        assert sorted(codes) == [0, 3], codes  # one wins, the other is told to retry
        data = parse_bytes(path.read_bytes(), "t.md").data
        winner = ("alpha", "beta")[codes.index(0)]
        assert data == {"title": "x", winner: "yes-" + winner}
