"""Comments and documents at scale: 10,000 tasks, 50,000 comments and 500 documents.

    python benchmarks/bench_comments.py [--tasks 10000] [--comments 50000] [--docs 500]
                                        [--repeat 3] [--keep DIR]

Every figure is a fresh subprocess, interleaved over ``--repeat`` rounds (best of N counts):

- baseline: PyYAML's ``CSafeLoader`` parse of the front matter of every item, comment and
  document file (what any YAML-front-matter tool has to do at least);
- check cold: ``worktext check`` with ``.worktext/`` deleted first;
- build cold, with and without comments: ``worktext build`` of the same tasks, once with the
  comments and documents and once in a copy without them, each with its cache deleted;
- rebuild after one comment: a build after ``worktext comment`` added one comment.

Targets (issue 18): check cold <= 1.5x the baseline; build cold with comments <= 1.5x the build
without; the rebuild after one new comment <= 1 s. It is a measurement, not a test: it never
fails on a missed target.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.bench_check import Run, best, measure, set_aside, worktext_command  # noqa: E402
from benchmarks.generate import generate  # noqa: E402

CHECK_RATIO_TARGET = 1.5
BUILD_RATIO_TARGET = 1.5
REBUILD_TARGET_S = 1.0
RACY_WAIT_S = 2.5  # worktext.load.cache.RACY_NS, and a little more

BASELINE = r"""
import os, sys, yaml
root = sys.argv[1]
files = 0
folders = ("tasks", "projects", "workflows", "templates", "people", "goals", "comments", "docs")
for folder in folders:
    for dirpath, dirnames, names in os.walk(os.path.join(root, folder)):
        dirnames[:] = [d for d in dirnames if not d.startswith((".", "_"))]
        for name in names:
            if not name.endswith(".md") or name.startswith((".", "_")):
                continue
            try:
                with open(os.path.join(dirpath, name), "rb") as handle:
                    lines = handle.read().decode("utf-8").split("\n")
                if lines[0].rstrip() != "---":
                    files += 1
                    continue
                end = next(i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "..."))
                yaml.load("\n".join(lines[1:end]), Loader=yaml.CSafeLoader)
            except (OSError, UnicodeDecodeError, StopIteration, yaml.YAMLError):
                continue
            files += 1
print(f"{files} files parsed")
"""

SENTENCES = [
    "Looks good to me.",
    "I pushed a fix; can you review it?",
    "Blocked until the API lands.",
    "Moved the deadline after talking to the customer.",
    "See the spec for the edge cases.",
    "Can we split this into two tasks?",
]


def task_ids(ws: Path) -> list[str]:
    return sorted(p.stem for p in (ws / "tasks").rglob("*.md"))


def people_ids(ws: Path) -> list[str]:
    return sorted(p.stem for p in (ws / "people").glob("*.md"))


def add_discussion(ws: Path, comments: int, docs: int, seed: int = 1) -> None:
    """Seeded comments on random tasks (with mentions, replies and links) and documents."""
    rng = random.Random(seed)
    tasks, people = task_ids(ws), people_ids(ws)
    docs_dir = ws / "docs"
    for number in range(docs):
        kind = ("decision", "note", "spec")[number % 3]
        folder = docs_dir / ("decisions" if kind == "decision" else kind + "s")
        folder.mkdir(parents=True, exist_ok=True)
        linked = rng.choice(tasks)
        (folder / f"{number:04d}-doc.md").write_text(
            f"---\ntitle: Document {number}\ntype: {kind}\nowner: {rng.choice(people)}\n"
            f"date: 2026-0{1 + number % 9}-1{number % 10}\n---\n# Document {number}\n\n"
            + "\n".join(rng.choice(SENTENCES) for _ in range(12))
            + f"\n\nFor {linked}.\n",
            encoding="utf-8",
        )
    by_task: dict[str, list[str]] = {}
    for number in range(comments):
        task = rng.choice(tasks)
        author = rng.choice(people)
        stamp = f"2026{1 + number % 12:02d}{1 + number % 28:02d}T{number % 24:02d}0000Z"
        name = f"{stamp}-{author}-{number:07x}"
        lines = [
            "---",
            f"author: {author}",
            f"date: {stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}T{stamp[9:11]}:00:00Z",
        ]
        earlier = by_task.get(task)
        if earlier and rng.random() < 0.3:
            lines.append(f"reply_to: {rng.choice(earlier)}")
        lines.append("---")
        body = " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(1, 4)))
        if rng.random() < 0.2:
            body += f" @{rng.choice(people)}"
        folder = ws / "comments" / task
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.md").write_text("\n".join(lines) + "\n" + body + "\n", "utf-8")
        by_task.setdefault(task, []).append(name)


def timed(command: list[str]) -> float:
    """Wall seconds of one build. The disk is synced first (as in bench_build.py), so that the
    files the last build wrote or deleted are not flushed during this one."""
    os.sync()
    start = time.perf_counter()
    done = subprocess.run(command, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    took = time.perf_counter() - start
    if done.returncode not in (0, 1):  # 1: the build ran and found problems
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr.decode()}")
    return took


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=50_000)
    parser.add_argument("--docs", type=int, default=500)
    parser.add_argument("--projects", type=int, default=50)
    parser.add_argument("--people", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the best counts")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-comments-"))
    work.mkdir(parents=True, exist_ok=True)
    plain, full = work / "plain", work / "full"
    for folder in (plain, full):
        shutil.rmtree(folder, ignore_errors=True)
    print(f"generating {args.tasks} tasks in {plain} ...", flush=True)
    generate(plain, tasks=args.tasks, projects=args.projects, people=args.people, seed=1)
    shutil.copytree(plain, full)
    print(f"adding {args.comments} comments and {args.docs} documents in {full} ...", flush=True)
    add_discussion(full, args.comments, args.docs)
    time.sleep(RACY_WAIT_S)  # files this new are never trusted from the cache

    wt = worktext_command()
    runs: dict[str, list[Run]] = {"baseline": [], "check": []}
    builds: dict[str, list[float]] = {"plain": [], "full": [], "rebuild": []}
    trash = work / "trash"  # what the timed runs replace, deleted once nothing is timed
    shutil.rmtree(trash, ignore_errors=True)
    for round_ in range(args.repeat):
        runs["baseline"].append(measure([sys.executable, "-c", BASELINE, str(full)]))
        set_aside(full / ".worktext", trash)
        runs["check"].append(measure([*wt, "-w", str(full), "check"]))
        for name, ws in (("plain", plain), ("full", full)):
            out = work / f"site-{name}"
            set_aside(ws / ".worktext", trash)
            set_aside(out, trash)
            builds[name].append(timed([*wt, "-w", str(ws), "build", "-o", str(out)]))
        task = task_ids(full)[round_]
        subprocess.run(
            [
                *wt,
                "-w",
                str(full),
                "comment",
                task,
                f"Round {round_}: a new comment",
                "--as",
                people_ids(full)[0],
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        time.sleep(RACY_WAIT_S)
        out = work / "site-full"
        builds["rebuild"].append(timed([*wt, "-w", str(full), "build", "-o", str(out)]))
    base, check = best(runs["baseline"]), best(runs["check"])
    plain_s, full_s, rebuild_s = (min(builds[k]) for k in ("plain", "full", "rebuild"))
    print(
        f"\n{args.tasks} tasks, {args.comments} comments, {args.docs} documents; "
        f"best of {args.repeat}\n"
    )
    print(f"{'baseline: PyYAML CSafeLoader':36} {base.wall:8.3f} s   {base.last_line}")
    print(f"{'worktext check, cold':36} {check.wall:8.3f} s   {check.last_line}")
    print(f"{'worktext build, cold, no comments':36} {plain_s:8.3f} s")
    print(f"{'worktext build, cold, with comments':36} {full_s:8.3f} s")
    print(f"{'rebuild after one new comment':36} {rebuild_s:8.3f} s\n")
    check_ratio, build_ratio = check.wall / base.wall, full_s / plain_s
    print(
        f"check / baseline   {check_ratio:5.2f}x  target <= {CHECK_RATIO_TARGET}x  "
        f"{verdict(check_ratio <= CHECK_RATIO_TARGET)}"
    )
    print(
        f"build with / without {build_ratio:5.2f}x  target <= {BUILD_RATIO_TARGET}x  "
        f"{verdict(build_ratio <= BUILD_RATIO_TARGET)}"
    )
    print(
        f"rebuild            {rebuild_s:5.2f} s  target <= {REBUILD_TARGET_S} s   "
        f"{verdict(rebuild_s <= REBUILD_TARGET_S)}"
    )
    shutil.rmtree(trash, ignore_errors=True)
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
