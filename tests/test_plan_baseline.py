"""Baselines: the slip of each task and milestone since a revision, and what a change does to
the schedule in ``diff`` and ``check --since`` (a real git repository; today is Monday 23
November 2026)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from git_helpers import Repo, task

from worktext.cli import cli

PROJECT = "---\ntitle: Web\nmilestones: [{id: launch, title: Launch, date: 2026-12-04}]\n---\n"


def _repo(root: Path) -> Repo:
    """v1: A (2 days of Ana's) then B (1 day): the launch is planned for Wednesday 25 Nov.
    Then A grows to four days, uncommitted: B and the launch move to Friday 27 Nov."""
    repo = Repo(root)
    repo.write(
        {
            "people/ana.md": "---\nname: Ana\n---\n",
            "projects/web.md": PROJECT,
            "tasks/A.md": task(project="web", assignee="ana", estimate="2d", milestone="launch"),
            "tasks/B.md": task(
                project="web", assignee="ana", estimate="1d", milestone="launch", depends_on="[A]"
            ),
        }
    )
    repo.commit("plan", "2026-11-20T09:00:00+00:00")
    repo.git("tag", "v1")
    repo.write(
        {"tasks/A.md": task(project="web", assignee="ana", estimate="4d", milestone="launch")}
    )
    return repo


def _run(root: Path, *args: str) -> tuple[int, str, str]:
    runner = CliRunner()
    result = runner.invoke(cli, ["-w", str(root), "--today", "2026-11-23", "--no-cache", *args])
    return result.exit_code, result.stdout, result.stderr


def test_plan_baseline_reports_each_slip(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "ws")
    code, out, _ = _run(repo.root, "plan", "--baseline", "v1", "-f", "json")
    assert code == 0, out
    slips = {
        (s["kind"], s["id"]): (s["was"], s["now"], s["slip_days"])
        for s in json.loads(out)["baseline"]
    }
    assert slips == {
        ("task", "A"): ("2026-11-24", "2026-11-26", 2),
        ("task", "B"): ("2026-11-25", "2026-11-27", 2),
        ("milestone", "web/launch"): ("2026-11-25", "2026-11-27", 2),
    }
    code, text, _ = _run(repo.root, "plan", "--baseline", "v1")
    assert "moves the milestone web/launch's projected finish from 25 Nov to 27 Nov" in text


def test_diff_and_check_since_say_what_the_change_does_to_the_schedule(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "ws")
    code, out, _ = _run(repo.root, "diff", "v1")
    assert code == 0, out
    assert "### Schedule" in out
    assert (
        "- This change moves the milestone web/launch's projected finish from 25 Nov to 27 Nov."
        in out
    )
    assert "- This change moves the project web's projected finish from 25 Nov to 27 Nov." in out
    code, _, err = _run(repo.root, "check", "--since", "v1")
    assert code == 0
    assert "schedule: this change moves the milestone web/launch's projected finish" in err


def test_a_change_that_moves_nothing_adds_no_schedule_section(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "ws")
    repo.commit("grow A", "2026-11-21T09:00:00+00:00")
    code, out, _ = _run(repo.root, "diff", "HEAD")
    assert code == 0
    assert "### Schedule" not in out
