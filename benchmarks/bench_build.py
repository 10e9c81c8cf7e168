"""Benchmark: ``worktext build`` of a generated 10,000-task workspace, beside ``mkdocs build``
and ``hugo`` building the same Markdown files as plain pages, in one run.

Run: ``python benchmarks/bench_build.py [--tasks 10000] [--keep DIR]``. Prints the times, the
ratios against each peer, the incremental rebuild after one task edit, and peak memory. A peer
that is not installed is reported as "not installed"; nothing here is a timed test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TODAY = dt.date(2026, 11, 23)
PEOPLE = ["ana", "bo", "chen", "dara", "eli", "fay", "gus", "hana", "ivo", "jun", "kai", "lea"]
STATES = ["backlog", "todo", "doing", "review", "done"]
LABELS = ["web", "api", "docs", "infra", "design", "bug", "seo", "data"]


def generate_workspace(root: Path, tasks: int, seed: int = 7) -> Path:
    """A deterministic workspace: 40 projects, 12 people, 6 goals, ``tasks`` tasks."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    (root / "worktext.yml").write_text("name: Bench\nrepo_url: https://example.org/bench\n")
    for folder in ("tasks", "projects", "people", "goals", "workflows"):
        (root / folder).mkdir(exist_ok=True)
    (root / "workflows" / "default.md").write_text(
        "---\ntitle: Delivery\nstates:\n"
        "  - {id: backlog, category: backlog}\n  - {id: todo, category: todo}\n"
        "  - {id: doing, category: active, wip: 30}\n  - {id: review, category: active, wip: 20}\n"
        "  - {id: done, category: done}\n---\n"
    )
    for person in PEOPLE:
        (root / "people" / f"{person}.md").write_text(
            f"---\nname: {person.title()} Example\ncapacity: 32h\n---\n"
        )
    for n in range(6):
        (root / "goals" / f"G{n}.md").write_text(f"---\ntitle: Goal number {n}\n---\n")
    projects = [f"P{n:02d}" for n in range(40)]
    for n, project in enumerate(projects):
        start = TODAY - dt.timedelta(days=rng.randint(10, 120))
        deadline = start + dt.timedelta(days=rng.randint(60, 200))
        kind = "ongoing" if n % 8 == 0 else "project"
        (root / "projects" / f"{project}.md").write_text(
            f"---\ntitle: Project {n}\nkind: {kind}\nstart: {start}\ndeadline: {deadline}\n"
            f"goal: G{n % 6}\nmilestones:\n  - {{id: beta, title: Beta, date: {deadline}}}\n"
            f"---\nProject {n} description with **some** text.\n"
        )
    for n in range(tasks):
        project = projects[n % len(projects)]
        start = TODAY + dt.timedelta(days=rng.randint(-60, 60))
        due = start + dt.timedelta(days=rng.randint(1, 20))
        depends = f"depends_on: [T{n - 40}]\n" if n >= 40 and n % 5 == 0 else ""
        (root / "tasks" / f"T{n}.md").write_text(
            f"---\ntitle: Task {n} {rng.choice(LABELS)} work item\nproject: {project}\n"
            f"status: {rng.choice(STATES)}\nassignee: {rng.choice(PEOPLE)}\n"
            f"priority: {rng.choice(['low', 'medium', 'high'])}\n"
            f"labels: [{rng.choice(LABELS)}]\nstart: {start}\ndue: {due}\n"
            f"estimate: {rng.randint(1, 16)}h\n{depends}---\n"
            f"# Task {n}\n\nSome body text for task {n}, with a [link](https://example.org).\n\n"
            "- [x] first step\n- [ ] second step\n"
        )
    return root
