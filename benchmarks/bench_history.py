"""Benchmark: history reconstruction of a 10,000-task repository with 5,000 status-changing
commits, beside what git alone needs for the same reads, in one run.

Run: ``python benchmarks/bench_history.py [--tasks 10000] [--commits 5000] [--keep DIR]``.
The repository is built with one ``git fast-import`` stream (seconds, not 5,000 ``git commit``
processes). Prints best-of-3 times of ``git log --raw``; of git's floor for any
reconstruction (``git log --raw`` and then ``git cat-file`` of every task file version it
names); of the cold reconstruction (no cache entry: it reads every commit and writes the
entry, as a first ``worktext history`` does) and its ratio to that floor; of the warm one
(same HEAD, from the cache) with and without every event built; of one new commit; and the
peak RSS of a process that does one cold reconstruction. Targets (issue 14): cold within 1.5x
of git's floor, warm with every event built under 0.5 s; memory under 400 MiB. Nothing here is
a timed test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.generate import generate  # noqa: E402
from worktext.check.pipeline import open_workspace  # noqa: E402
from worktext.history.reconstruct import load_history  # noqa: E402
from worktext.model.config import load_config  # noqa: E402

# Issue 14's targets: every commit's versions read cold within 1.5x of what git alone needs
# for the same reads (its floor), and warm stats (every event built) under 0.5 s.
FLOOR_RATIO_TARGET = 1.5
WARM_TARGET_S = 0.5
STATUS = re.compile(rb"^status: *(\S+)[ \t]*$", re.MULTILINE)
EPOCH = int(dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc).timestamp())
AUTHORS = ["Ana Silva", "Bo Chen", "Dara Okafor", "Eli Novak", "Fay Lund"]


def _data(payload: bytes) -> bytes:
    return b"data %d\n%s\n" % (len(payload), payload)


def build_repository(root: Path, tasks: int, commits: int, seed: int = 3) -> None:
    """Generate the workspace, then import it and ``commits`` status changes into git."""
    generate(root, tasks=tasks, projects=50, people=40, seed=1)
    ws = open_workspace(root, today=dt.date(2026, 11, 23), use_cache=False)
    files = sorted(p for p in root.rglob("*") if p.is_file() and ".worktext" not in p.parts)
    contents = {p.relative_to(root).as_posix(): p.read_bytes() for p in files}
    ordered = [t for t in ws.tasks if t.path in contents]
    rng = random.Random(seed)
    stream = bytearray()

    def commit(n: int, message: str, changes: list[tuple[str, bytes]]) -> None:
        when = EPOCH + n * 3 * 3600
        who = AUTHORS[n % len(AUTHORS)]
        email = who.split()[0].lower() + "@example.com"
        stream.extend(b"commit refs/heads/main\nmark :%d\n" % (n + 1))
        stream.extend(f"author {who} <{email}> {when} +0000\n".encode())
        stream.extend(f"committer {who} <{email}> {when} +0000\n".encode())
        stream.extend(_data(message.encode()))
        if n:
            stream.extend(b"from :%d\n" % n)
        for path, payload in changes:
            stream.extend(f"M 100644 inline {path}\n".encode())
            stream.extend(_data(payload))

    commit(0, "Import the workspace", sorted(contents.items()))
    for n in range(1, commits + 1):
        task = ordered[rng.randrange(len(ordered))]
        states = [s.id for s in ws.workflow_of(task).states]
        raw = contents[task.path]
        match = STATUS.search(raw)
        current = match.group(1).decode() if match else states[0]
        following = (
            states[(states.index(current) + 1) % len(states)] if current in states else states[0]
        )
        if match:
            raw = raw[: match.start(1)] + following.encode() + raw[match.end(1) :]
        else:
            raw = raw.replace(b"---\n", f"---\nstatus: {following}\n".encode(), 1)
        contents[task.path] = raw
        commit(n, f"{task.id}: {current} → {following}", [(task.path, raw)])
    git = ["git", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "-q", str(root)], check=True)
    subprocess.run(
        [*git, "fast-import", "--quiet", "--force"], cwd=root, input=bytes(stream), check=True
    )
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=root, check=True)


def cpu() -> float:
    """CPU seconds of this process and its finished children (git): fair on a busy machine."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def best_of(runs: int, action: Callable[[], object]) -> tuple[float, float]:
    """Best wall-clock and best CPU time of ``runs`` runs."""
    walls, cpus = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), cpu()
        action()
        walls.append(time.perf_counter() - start)
        cpus.append(cpu() - start_cpu)
    return min(walls), min(cpus)


def one_more_commit(root: Path, config: object) -> tuple[float, float]:
    """Best-of-3 time to extend the cached history by one new commit (then undone)."""
    cached = root / ".worktext" / "history.marshal"
    saved = cached.read_bytes()
    task = next((root / "tasks").rglob("*.md"))
    original = task.read_bytes()
    current = STATUS.search(original)
    new = b"status: todo" if current and current.group(1) == b"done" else b"status: done"
    task.write_bytes(STATUS.sub(new, original, count=1))
    git = ["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.com"]
    subprocess.run([*git, "commit", "-q", "-a", "-m", "One more"], cwd=root, check=True)
    try:

        def extend() -> object:
            cached.write_bytes(saved)
            history = load_history(config, use_cache=True)  # type: ignore[arg-type]
            assert history.extended_from is not None
            return history

        return best_of(3, extend)
    finally:
        subprocess.run(["git", "reset", "-q", "--hard", "HEAD~1"], cwd=root, check=True)
        cached.write_bytes(saved)


def read_every_version(root: Path, env: dict[str, str]) -> tuple[Callable[[], None], int]:
    """What any reconstruction must have git do at least: ``git log --raw``, then ``git
    cat-file --batch`` of every task file version it names. Returns the action and the count."""
    listing = subprocess.run(
        ["git", "log", "--raw", "--no-abbrev", "--no-renames", "--format="],
        cwd=root,
        env=env,
        capture_output=True,
        check=True,
    ).stdout.decode()
    blobs = {}
    for line in listing.splitlines():
        meta, _, path = line.partition("\t")
        parts = meta.split()
        if len(parts) == 5 and parts[4] != "D" and path.startswith("tasks/"):
            blobs[parts[3]] = None
    wanted = "".join(f"{blob}\n" for blob in blobs).encode()

    def action() -> None:
        subprocess.run(
            ["git", "log", "--raw"], cwd=root, env=env, stdout=subprocess.DEVNULL, check=True
        )
        subprocess.run(
            ["git", "cat-file", "--batch", "--buffer"],
            cwd=root,
            env=env,
            input=wanted,
            stdout=subprocess.DEVNULL,
            check=True,
        )

    return action, len(blobs)


def peak_rss_mib(root: Path) -> float:
    """Peak resident memory of a fresh process that does one cold reconstruction."""
    code = (
        "import resource, sys\n"
        f"sys.path.insert(0, {str(REPO)!r})\n"
        "from worktext.model.config import load_config\n"
        "from worktext.history.reconstruct import load_history\n"
        f"config, _ = load_config({str(root)!r})\n"
        "history = load_history(config, use_cache=False)\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout.split()[-1]) / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--commits", type=int, default=5_000)
    parser.add_argument("--keep", type=Path, help="build (or reuse) the repository here")
    args = parser.parse_args(argv)
    base = args.keep or Path(tempfile.mkdtemp(prefix="wt-bench-history-"))
    root = base / "repo"
    try:
        if not (root / ".git").exists():
            start = time.perf_counter()
            build_repository(root, args.tasks, args.commits)
            print(
                f"built {root}: {args.tasks} tasks, {args.commits} commits "
                f"in {time.perf_counter() - start:.1f} s"
            )
        config, _ = load_config(root)
        env = {**os.environ, "LC_ALL": "C"}

        def git_log() -> None:
            subprocess.run(
                ["git", "log", "--raw"], cwd=root, env=env, stdout=subprocess.DEVNULL, check=True
            )

        cache_entry = root / ".worktext" / "history.marshal"

        def cold() -> object:  # a first run: no cache entry, and it writes one
            cache_entry.unlink(missing_ok=True)
            return load_history(config, use_cache=True)

        def warm() -> object:
            return load_history(config, use_cache=True)

        def warm_all() -> object:
            history = load_history(config, use_cache=True)
            return history.events()  # every task's events built, as log and stats need

        read_all, versions = read_every_version(root, env)
        peer = best_of(3, git_log)
        floor = best_of(3, read_all)
        ours = best_of(3, cold)
        load_history(config, use_cache=True)  # writes the cache
        cached = best_of(3, warm)
        cached_all = best_of(3, warm_all)
        history = load_history(config, use_cache=True)
        events = sum(len(t.events) for t in history.tasks.values())
        extended = one_more_commit(root, config)
        rss = peak_rss_mib(root)
        print(
            f"history: {len(history.tasks)} tasks, {len(history.commits)} commits, {events} events"
        )
        print(f"{'best of 3':<42} {'wall':>9} {'cpu':>9}")
        print(f"{'git log --raw':<42} {peer[0]:7.3f} s {peer[1]:7.3f} s")
        print(
            f"{'  ... + git cat-file of the task versions':<42} {floor[0]:7.3f} s "
            f"{floor[1]:7.3f} s   {floor[0] / peer[0]:.2f}x wall: the least git must do "
            f"({versions} blobs)"
        )
        ratio = ours[0] / floor[0]
        print(
            f"{'worktext history, cold (writes the cache)':<42} {ours[0]:7.3f} s "
            f"{ours[1]:7.3f} s   {ratio:.2f}x wall of git's floor (target <= "
            f"{FLOOR_RATIO_TARGET}x: {'PASS' if ratio <= FLOOR_RATIO_TARGET else 'FAIL'}); "
            f"{ours[0] / peer[0]:.2f}x of git log --raw"
        )
        print(
            f"{'worktext history, warm (cache, same HEAD)':<42} {cached[0]:7.3f} s "
            f"{cached[1]:7.3f} s"
        )
        print(
            f"{'  ... and every event built (log, stats)':<42} {cached_all[0]:7.3f} s "
            f"{cached_all[1]:7.3f} s   (target < {WARM_TARGET_S} s: "
            f"{'PASS' if cached_all[0] < WARM_TARGET_S else 'FAIL'})"
        )
        print(
            f"{'worktext history, HEAD + 1 commit (cache)':<42} {extended[0]:7.3f} s "
            f"{extended[1]:7.3f} s   (only the new commit is read)"
        )
        print(f"{'peak RSS, one cold reconstruction':<42} {rss:7.1f} MiB (target < 400 MiB)")
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
