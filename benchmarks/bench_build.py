"""Benchmark: ``worktext build`` of the generated 10,000-task workspace, beside a plain
``mkdocs build`` and a ``hugo`` build of the same Markdown files as pages, in one run.

    python benchmarks/bench_build.py [--tasks 10000] [--keep DIR] [--skip-mkdocs] [--repeat 3]

Cold builds of worktext and hugo alternate for ``--repeat`` rounds and the best of each counts
(the disk is synced before every timed run). One untimed cold build of each comes first, and
the two take turns going first in a round: setting hugo's site up, and deleting the last
output, leave the file system busy for a while, and that should hit neither side alone.
Prints wall times, the ratios against each peer (targets: worktext / hugo <= 1.0 and
worktext / mkdocs <= 0.25), the rebuild after editing one task file (target < 1 s), and peak
memory (target < 400 MiB, the largest resident set of any process of the build). A peer that
is not installed is reported as "not installed". Nothing here is a timed test.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_check import worktext_command  # noqa: E402
from benchmarks.generate import generate  # noqa: E402

TODAY = "2026-11-23"
PAGE_FOLDERS = ("tasks", "projects", "people", "goals")
HUGO_LAYOUT = (
    "<!doctype html><html><head><title>{{ .Title }}</title></head>"
    "<body><main><h1>{{ .Title }}</h1>{{ .Content }}</main></body></html>\n"
)
HUGO_LIST = (
    "<!doctype html><html><head><title>{{ .Title }}</title></head><body><ul>"
    '{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}'
    "</ul></body></html>\n"
)


def run(cmd: list[str], cwd: Path | None = None) -> float:
    """Wall seconds of one command. The disk is synced first, so the files an earlier run
    wrote are not flushed during this one (it writes ~10,000 files too)."""
    os.sync()
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - start


def peak_rss_kib(cmd: list[str]) -> int:
    """The peak resident set of the largest process of one command (run in a fresh wrapper,
    whose RUSAGE_CHILDREN covers exactly that command and its workers)."""
    code = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, *cmd], capture_output=True, text=True)
    return int(out.stdout.split()[-1])


def copy_pages(ws: Path, docs: Path) -> int:
    count = 0
    for folder in PAGE_FOLDERS:
        if (ws / folder).is_dir():
            shutil.copytree(ws / folder, docs / folder)
            count += sum(1 for _ in (docs / folder).rglob("*.md"))
    return count


class Worktext:
    def __init__(self, ws: Path, out: Path) -> None:
        self.ws, self.out = ws, out
        self.cmd = [*worktext_command(), "--today", TODAY, "-w", str(ws), "build", "-q"]
        self.cmd += ["-o", str(out)]

    def _clear(self) -> None:
        """No cache and no site to compare with: the next build is cold."""
        shutil.rmtree(self.ws / ".worktext", ignore_errors=True)
        shutil.rmtree(self.out, ignore_errors=True)

    def cold(self) -> float:
        self._clear()
        return run(self.cmd)

    def unchanged(self) -> float:
        run(self.cmd)  # the cold build's files are now old enough to be trusted by their stat
        return run(self.cmd)

    def edit(self) -> float:
        """A rebuild after a one-line edit of one task file (then undone, and built again)."""
        tasks = sorted((self.ws / "tasks").rglob("*.md"))
        task = tasks[len(tasks) // 2]
        text = task.read_text("utf-8")
        task.write_text(text.replace("title:", "title: Edited", 1), "utf-8")
        try:
            return run(self.cmd)
        finally:
            task.write_text(text, "utf-8")
            run(self.cmd)

    def peak_kib(self) -> int:
        self._clear()
        return peak_rss_kib(self.cmd)


def bench_mkdocs(ws: Path, work: Path) -> float | None:
    if shutil.which("mkdocs") is None:
        return None
    project = work / "mkdocs"
    shutil.rmtree(project, ignore_errors=True)  # a kept folder from an earlier run
    shutil.rmtree(work / "mkdocs-site", ignore_errors=True)
    copy_pages(ws, project / "docs")
    (project / "docs" / "index.md").write_text("# Bench\n")
    (project / "mkdocs.yml").write_text("site_name: Bench\nuse_directory_urls: false\n")
    return run(["mkdocs", "build", "-q", "-d", str(work / "mkdocs-site")], cwd=project)


def bench_hugo(ws: Path, work: Path) -> Callable[[], float] | None:
    """A function that runs a cold hugo build of the same pages, or None without hugo."""
    if shutil.which("hugo") is None:
        return None
    project = work / "hugo"
    shutil.rmtree(project, ignore_errors=True)  # a kept folder from an earlier run
    shutil.rmtree(work / "hugo-site", ignore_errors=True)
    copy_pages(ws, project / "content")
    (project / "layouts" / "_default").mkdir(parents=True)
    (project / "layouts" / "_default" / "single.html").write_text(HUGO_LAYOUT)
    (project / "layouts" / "_default" / "list.html").write_text(HUGO_LIST)
    (project / "hugo.toml").write_text(
        'baseURL = "http://example.org/"\ntitle = "Bench"\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n'
    )
    site = work / "hugo-site"

    def build() -> float:
        shutil.rmtree(site, ignore_errors=True)
        return run(["hugo", "--quiet", "-s", str(project), "-d", str(site)])

    return build


def hugo_version() -> str:
    """What ``hugo version`` says, shortened to its release ("v0.168.0"): releases differ
    in speed (Debian's 0.111.3 builds these pages in about two thirds of 0.168.0's time)."""
    try:
        out = subprocess.run(["hugo", "version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as error:
        return f"version unknown: {error}"
    words = [w for w in out.stdout.split() if w.startswith("v0.") or w.startswith("v1.")]
    return words[0].split("-")[0].split("+")[0] if words else out.stdout.strip()[:40]


def reference_loop() -> float:
    """Seconds of a fixed pure-Python loop (best of 3): how fast this machine runs Python right
    now. Shared machines drift (by 2x on the one these figures came from); printed beside the
    figures so that runs can be compared."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        total = 0
        for number in range(3_000_000):
            total += number
        best = min(best, time.perf_counter() - start)
    return best


def ratio(ours: float, peer: float | None) -> str:
    return (
        "not installed" if peer is None else f"{peer:.2f} s  (worktext / peer = {ours / peer:.2f})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--skip-mkdocs", action="store_true", help="mkdocs takes minutes")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the best counts")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="worktext-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        ws = work / "ws"
        if not (ws / "worktext.yml").exists():
            generate(ws, tasks=args.tasks)
        pages = sum(1 for _ in (ws / "tasks").rglob("*.md"))
        print(f"workspace: {pages} tasks in {ws}  (cpus: {os.cpu_count()})")
        print(f"reference loop: {reference_loop():.3f} s (lower: a faster machine right now)")
        ours = Worktext(ws, work / "public")
        hugo = bench_hugo(ws, work)
        colds, hugos = [], []
        ours.cold()  # untimed: see the module's docstring
        if hugo is not None:
            hugo()
        # Interleaved rounds, so that load from elsewhere hits both alike.
        for round_ in range(args.repeat):
            if hugo is not None and round_ % 2:
                hugos.append(hugo())
            colds.append(ours.cold())
            if hugo is not None and not round_ % 2:
                hugos.append(hugo())
        unchanged = min(ours.unchanged() for _ in range(args.repeat))
        edit = min(ours.edit() for _ in range(args.repeat))
        peak = ours.peak_kib()
        cold = min(colds)
        rounds = " ".join(f"{c:.2f}" for c in colds)
        print(f"best of {args.repeat} rounds (each: {rounds} s)")
        print(f"worktext build, cold:          {cold:.2f} s", flush=True)
        print(f"worktext build, nothing new:   {unchanged:.2f} s")
        print(f"worktext build, one task edit: {edit:.2f} s  (target < 1 s)")
        print(f"worktext peak memory:          {peak / 1024:.0f} MiB  (target < 400)")
        best_hugo = min(hugos) if hugos else None
        version = f" ({hugo_version()})" if hugos else ""
        print(f"hugo{version}: {ratio(cold, best_hugo)}  (target <= 1.0)")
        if hugos:
            per_round = " ".join(f"{c / h:.2f}" for c, h in zip(colds, hugos, strict=True))
            print(f"  worktext / hugo within each round: {per_round}")
        mkdocs = None if args.skip_mkdocs else bench_mkdocs(ws, work)
        mk = "skipped" if args.skip_mkdocs else ratio(cold, mkdocs)
        print(f"mkdocs build:                  {mk}  (target <= 0.25)")
        print(f"reference loop, at the end: {reference_loop():.3f} s")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
