"""Benchmark: ``worktext plan`` on 10,000 tasks, 200 people and 30 projects, beside
TaskJuggler's ``tj3`` on the same project (where it is installed), and ``worktext forecast``'s
10,000 trials, in one run.

Run: ``python benchmarks/bench_plan.py [--tasks 10000] [--people 200] [--projects 30]
[--repeat 3] [--no-tj3] [--tj3-timeout 1800] [--keep DIR]``. The workspace is generated once
(``benchmarks/generate.py``) and read once; the figures are the best of ``--repeat`` runs of
the schedule alone (``plan.schedule`` with its outlooks), of one ``tj3`` run on the ``.tjp``
that ``plan/taskjuggler.py`` writes for the same open work, and of one forecast. Targets from
the issue: plan under 2 s and at least 10x faster than tj3; forecast under 0.5 s. Nothing here
is a timed test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.generate import generate  # noqa: E402
from worktext.check.pipeline import open_workspace  # noqa: E402
from worktext.plan.forecast import TRIALS, when_done  # noqa: E402
from worktext.plan.outlook import outlooks  # noqa: E402
from worktext.plan.schedule import schedule  # noqa: E402
from worktext.plan.taskjuggler import plannable, to_tjp  # noqa: E402

TODAY = dt.date(2026, 11, 23)


def best(runs: int, work: object) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def time_tj3(tjp: str, timeout: float) -> float | None:
    """Wall time of one ``tj3`` run that writes the CSV report (None: it failed or timed out)."""
    with tempfile.TemporaryDirectory(prefix="bench-tj3-") as folder:
        path = Path(folder) / "plan.tjp"
        path.write_text(tjp, encoding="utf-8")
        start = time.perf_counter()
        try:
            done = subprocess.run(
                ["tj3", "--silent", "--no-color", "-o", folder, str(path)],
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            print(f"tj3: timed out after {timeout:.0f} s")
            return None
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            print("tj3 failed:", done.stderr.decode("utf-8", "replace")[-1000:])
            return None
        return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--projects", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-tj3", action="store_true", help="skip TaskJuggler")
    parser.add_argument("--tj3-timeout", type=float, default=1800.0)
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    args = parser.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-plan-"))
    try:
        generate(folder, tasks=args.tasks, projects=args.projects, people=args.people, seed=1)
        ws = open_workspace(folder, today=TODAY, use_cache=False)
        open_work = plannable(ws)
        print(
            f"workspace: {len(ws.tasks)} tasks ({len(open_work)} open, estimated, assigned), "
            f"{len(ws.people)} people, {len(ws.projects)} projects"
        )
        plan = schedule(ws, TODAY)
        print(f"planned {len(plan.tasks)}, unplanned {len(plan.unplanned)}")
        plan_time = best(args.repeat, lambda: outlooks(ws, schedule(ws, TODAY)))
        print(f"plan:      {plan_time:7.3f} s   (target ≤ 2 s)")
        tj3_time = None
        if not args.no_tj3 and shutil.which("tj3"):
            tjp, _ = to_tjp(ws, TODAY)
            tj3_time = time_tj3(tjp, args.tj3_timeout)
        if tj3_time is not None:
            print(
                f"tj3:       {tj3_time:7.3f} s   (plan is {tj3_time / plan_time:.1f}x faster;"
                " target ≥ 10x)"
            )
        elif not shutil.which("tj3"):
            print("tj3:       not installed")
        rng = random.Random(5)
        samples = [rng.randint(0, 12) for _ in range(26)]
        forecast_time = best(args.repeat, lambda: when_done(samples, 300, TODAY, TRIALS, 1))
        print(f"forecast:  {forecast_time:7.3f} s   ({TRIALS:,} trials, 300 tasks; target ≤ 0.5 s)")
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
