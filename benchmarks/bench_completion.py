"""Shell completion on a 10,000-task workspace: how long a Tab takes, through the cache.

    python benchmarks/bench_completion.py [--workspace DIR] [--tasks 10000] [--repeat 5]

Each figure is a fresh ``worktext`` process answering click's completion protocol
(``_WORKTEXT_COMPLETE=bash_complete``), as the shell starts it on every Tab, after one
``worktext check`` has written the completion index. Beside it: the interpreter starting and
doing nothing, which no completion can beat. It prints best-of-N wall times and the verdict
against the target; it is a measurement, not a test, and never fails on a missed target.
"""

from __future__ import annotations

import compileall
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.generate import bench_main  # noqa: E402  (needs the path above)

TARGET_S = 0.150
RACY_WAIT_S = 2.5  # worktext.cache.RACY_NS, and a little more


def worktext_command() -> list[str]:
    """The console script next to this Python (bytecode compiled, as pip leaves it)."""
    compileall.compile_dir(ROOT / "worktext", quiet=1)
    script = Path(sys.executable).parent / "worktext"
    if script.exists():
        return [str(script)]
    found = shutil.which("worktext")
    return [found] if found else [sys.executable, "-m", "worktext"]


def timed(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=True)
    return time.perf_counter() - start, done.stdout


def best_of(repeat: int, command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, str]:
    runs = [timed(command, env, cwd) for _ in range(repeat)]
    return min(run[0] for run in runs), runs[-1][1]


def cases(workspace: Path) -> list[tuple[str, str]]:
    """(what is typed, its words) for each completion measured."""
    task = next((workspace / "tasks").rglob("*.md")).stem
    return [
        ("worktext mo<Tab>", "worktext mo"),
        ("worktext move <Tab> (every id)", "worktext move "),
        (f"worktext move {task} <Tab>", f"worktext move {task} "),
        ("worktext ls status:<Tab>", "worktext ls status:"),
        (f"worktext assign {task} <Tab>", f"worktext assign {task} "),
    ]


def bench(workspace: Path, repeat: int) -> None:
    command = worktext_command()
    env = {**os.environ, "WORKTEXT_WORKSPACE": str(workspace)}
    time.sleep(RACY_WAIT_S)  # files younger than this are never trusted from the cache
    subprocess.run([*command, "check", "-q"], env=env, cwd=workspace, capture_output=True)
    startup, _ = best_of(repeat, [sys.executable, "-c", "pass"], env, workspace)
    print(f"{'python -c pass (interpreter start)':44} {startup * 1000:7.1f} ms")
    for label, words in cases(workspace):
        typed = {
            **env,
            "_WORKTEXT_COMPLETE": "bash_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split(" ")) - 1),
        }
        seconds, answer = best_of(repeat, command, typed, workspace)
        count = len([line for line in answer.splitlines() if line])
        verdict = "PASS" if seconds <= TARGET_S else "FAIL"
        print(f"{label:44} {seconds * 1000:7.1f} ms  {count:6} answers  {verdict}")
    print(f"target: {TARGET_S * 1000:.0f} ms per Tab; load average {os.getloadavg()[0]:.2f}")


def main(argv: list[str] | None = None) -> int:
    return bench_main(__doc__.splitlines()[0], bench, argv)


if __name__ == "__main__":
    sys.exit(main())
