"""Benchmark: ``worktext build`` of the generated 10,000-task workspace, beside a plain
``mkdocs build`` and a ``hugo`` build of the same Markdown files as pages, in one run.

    python benchmarks/bench_build.py [--tasks 10000] [--keep DIR] [--skip-mkdocs]

Prints wall times, the ratios against each peer (targets: worktext / hugo <= 1.0 and
worktext / mkdocs <= 0.25), the rebuild after editing one task file (target < 1 s), and peak
memory (target < 400 MiB, the largest resident set of any process of the build). A peer that is
not installed is reported as "not installed". Nothing here is a timed test.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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


def run(cmd: list[str], cwd: Path | None = None) -> tuple[float, int]:
    """Wall seconds, and the peak RSS (KiB) of the largest process waited for so far: the
    first command run (the cold build) is the one whose peak is reported."""
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seconds = time.perf_counter() - start
    return seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def copy_pages(ws: Path, docs: Path) -> int:
    count = 0
    for folder in PAGE_FOLDERS:
        if (ws / folder).is_dir():
            shutil.copytree(ws / folder, docs / folder)
            count += sum(1 for _ in (docs / folder).rglob("*.md"))
    return count


def worktext_command() -> list[str]:
    """The installed console script next to this Python, as a user runs it (not a version
    manager's shim, which would add its own start-up time to every figure)."""
    script = Path(sys.executable).parent / "worktext"
    if script.exists():
        return [str(script)]
    found = shutil.which("worktext")
    return [found] if found else [sys.executable, "-m", "worktext"]


def bench_worktext(ws: Path, out: Path) -> dict[str, float]:
    shutil.rmtree(ws / ".worktext", ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)  # cold: no site to compare with either
    cmd = [*worktext_command(), "--today", TODAY, "-w", str(ws), "build", "-q", "-o", str(out)]
    cold, peak = run(cmd)
    warm, _ = run(cmd)  # nothing changed: fingerprints only
    task = sorted((ws / "tasks").rglob("*.md"))[len(list((ws / "tasks").rglob("*.md"))) // 2]
    text = task.read_text("utf-8")
    task.write_text(text.replace("title:", "title: Edited", 1), "utf-8")
    try:
        edit, _ = run(cmd)
    finally:
        task.write_text(text, "utf-8")
    return {"cold": cold, "unchanged": warm, "edit": edit, "peak_kib": peak}


def bench_mkdocs(ws: Path, work: Path) -> float | None:
    if shutil.which("mkdocs") is None:
        return None
    project = work / "mkdocs"
    shutil.rmtree(project, ignore_errors=True)  # a kept folder from an earlier run
    shutil.rmtree(work / "mkdocs-site", ignore_errors=True)
    copy_pages(ws, project / "docs")
    (project / "docs" / "index.md").write_text("# Bench\n")
    (project / "mkdocs.yml").write_text("site_name: Bench\nuse_directory_urls: false\n")
    seconds, _ = run(["mkdocs", "build", "-q", "-d", str(work / "mkdocs-site")], cwd=project)
    return seconds


def bench_hugo(ws: Path, work: Path) -> float | None:
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
    seconds, _ = run(["hugo", "--quiet", "-s", str(project), "-d", str(work / "hugo-site")])
    return seconds


def ratio(ours: float, peer: float | None) -> str:
    return (
        "not installed" if peer is None else f"{peer:.2f} s  (worktext / peer = {ours / peer:.2f})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--skip-mkdocs", action="store_true", help="mkdocs takes minutes")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="worktext-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        ws = work / "ws"
        if not (ws / "worktext.yml").exists():
            generate(ws, tasks=args.tasks)
        pages = sum(1 for _ in (ws / "tasks").rglob("*.md"))
        print(f"workspace: {pages} tasks in {ws}  (cpus: {os.cpu_count()})")
        ours = bench_worktext(ws, work / "public")
        print(f"worktext build, cold:          {ours['cold']:.2f} s", flush=True)
        print(f"worktext build, nothing new:   {ours['unchanged']:.2f} s")
        print(f"worktext build, one task edit: {ours['edit']:.2f} s  (target < 1 s)")
        print(f"worktext peak memory:          {ours['peak_kib'] / 1024:.0f} MiB  (target < 400)")
        hugo = bench_hugo(ws, work)
        print(
            f"hugo:                          {ratio(ours['cold'], hugo)}  (target <= 1.0)",
            flush=True,
        )
        mkdocs = None if args.skip_mkdocs else bench_mkdocs(ws, work)
        mk = "skipped" if args.skip_mkdocs else ratio(ours["cold"], mkdocs)
        print(f"mkdocs build:                  {mk}  (target <= 0.25)")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
