"""Rules across files (check/rules.py): the dangling references of an adopted backlog, their
did-you-means worked out in forks while this process finds where each one is."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from conftest import write_workspace

from worktext import parallel
from worktext.check import rules
from worktext.check.pipeline import open_workspace

TODAY = dt.date(2026, 12, 4)


def _backlog(root: Path) -> Path:
    """300 tasks, 250 of them depending on a task that is not there (each a different id,
    some a typo of one that is), a list or a single value, and 40 assigned to a guest."""
    files = {}
    for n in range(300):
        lines = [f"title: Task {n}"]
        if n < 250:
            gone = f"TASK-{n + 1}x" if n % 5 == 0 else f"GONE-{n}"
            lines.append(f"depends_on: [TASK-{n + 1}, {gone}]" if n % 2 else f"depends_on: {gone}")
        if n % 7 == 0:
            lines.append(f"assignee: guest{n % 40}")
        files[f"tasks/TASK-{n}.md"] = "---\n" + "\n".join(lines) + "\n---\nBody.\n"
    return write_workspace(root, files)


FORKS = pytest.mark.skipif(not parallel.can_fork(), reason="no fork here: all is done here")


@FORKS
def test_did_you_means_from_forks_are_the_ones_worked_out_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, split_counts: list[int]
) -> None:
    root = _backlog(tmp_path / "ws")
    splits = split_counts
    monkeypatch.setattr(parallel, "cpu_count", lambda wanted=None: 2)
    side_by_side = open_workspace(root, TODAY, use_cache=False).diagnostics
    assert splits == [3]  # the positions here, the did-you-means in two forks
    monkeypatch.setattr(rules, "PARALLEL_SUGGESTIONS", 10**9)
    here = open_workspace(root, TODAY, use_cache=False).diagnostics
    assert splits == [3]
    assert side_by_side == here
    dangling = [d for d in here if d.code == "dangling-reference"]
    assert len(dangling) == 250
    assert sum("did you mean 'TASK-" in d.hint for d in dangling) >= 50  # the typos
    first = next(d for d in dangling if d.path == "tasks/TASK-0.md")
    assert (first.line, first.column) == (3, 13)  # the value of 'depends_on: TASK-1x'
    listed = next(d for d in dangling if d.path == "tasks/TASK-1.md")
    assert (listed.line, listed.column) == (3, 22)  # the second entry of the list
    assert sum(d.code == "guest" for d in here) == 43  # tasks 0, 7, ... 294


@FORKS
def test_a_fork_that_fails_costs_time_not_a_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _backlog(tmp_path / "ws")
    expected = open_workspace(root, TODAY, use_cache=False).diagnostics
    real = parallel.Fork.result

    def broken(self: parallel.Fork) -> Any:
        real(self)
        return None  # as if the worker died: its portion is done here

    monkeypatch.setattr(parallel.Fork, "result", broken)
    monkeypatch.setattr(parallel, "cpu_count", lambda wanted=None: 2)
    assert open_workspace(root, TODAY, use_cache=False).diagnostics == expected
