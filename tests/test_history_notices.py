"""Old versions that cannot be read: one summary line, severity from ``rules:``, listed on
demand (``history --skipped``, one task's history) and shown once on the site."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from git_helpers import Repo, task

from worktext.check.pipeline import open_workspace
from worktext.cli import cli
from worktext.history.reconstruct import load_history
from worktext.model.config import load_config
from worktext.render.flow import FlowView

BROKEN = "---\nid: {id}\nstatus: [unclosed\n---\n"
TODAY = dt.date(2026, 2, 1)


def make(root: Path, rules: str = "") -> Repo:
    """Three tasks; T-1 and T-2 are broken in two commits each, T-3 in one (5 versions)."""
    repo = Repo(root, "name: Notices\n" + rules)
    ids = ("T-1", "T-2", "T-3")
    repo.write({f"tasks/{i}.md": task(i, status="todo") for i in ids})
    repo.commit("Plan", "2026-01-01T09:00:00+00:00")
    for day, broken in ((2, ids), (3, ids[:2])):
        repo.write({f"tasks/{i}.md": BROKEN.format(id=i) for i in broken})
        repo.commit(f"Break {day}", f"2026-01-0{day}T09:00:00+00:00")
        repo.write({f"tasks/{i}.md": task(i, status="doing") for i in broken})
        repo.commit(f"Fix {day}", f"2026-01-0{day}T10:00:00+00:00")
    return repo


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return make(tmp_path / "r")


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["-w", str(root), "--today", TODAY.isoformat(), *args])
    return result.exit_code, result.stdout, result.stderr


SUMMARY = (
    "5 old versions of 3 task files could not be read and are left out of the history; "
    "'worktext history --skipped' lists them [old-version-unreadable]"
)


def test_one_summary_instead_of_a_warning_per_version(repo: Repo) -> None:
    config, _ = load_config(repo.root)
    history = load_history(config, use_cache=False)
    assert len(history.skipped) == 5
    assert history.warnings == []
    (found,) = history.diagnostics
    assert (found.code, found.severity, found.path) == ("old-version-unreadable", "warning", ".")
    assert found.message.startswith("5 old versions of 3 task files")


@pytest.mark.parametrize("command", [["log"], ["stats"], ["history", "T-3"]])
def test_commands_print_the_summary_once(repo: Repo, command: list[str]) -> None:
    code, out, err = run(repo.root, *command)
    assert code == 0 and out
    assert err.splitlines() == [f"warning: {SUMMARY}"]


def test_rules_turn_it_off_or_make_it_an_error(tmp_path: Path) -> None:
    quiet = make(tmp_path / "off", 'rules:\n  old-version-unreadable: "off"\n')
    code, out, err = run(quiet.root, "stats")
    assert (code, err) == (0, "") and "finished: 0" in out
    strict = make(tmp_path / "error", "rules:\n  old-version-unreadable: error\n")
    code, out, err = run(strict.root, "stats", "-f", "json")
    assert code == 1 and err.splitlines() == [f"error: {SUMMARY}"]
    payload = json.loads(out)  # the output is whole; only the exit status says "error"
    assert [d["severity"] for d in payload["diagnostics"]] == ["error"]
    code, _, _ = run(strict.root, "log")
    assert code == 1


def test_check_since_reports_it_as_a_diagnostic(tmp_path: Path) -> None:
    strict = make(tmp_path / "error", "rules:\n  old-version-unreadable: error\n")
    code, out, _ = run(strict.root, "check", "--since", "HEAD~1", "-f", "json")
    assert code == 1
    codes = [d["code"] for d in json.loads(out)["diagnostics"]]
    assert codes == ["old-version-unreadable"]


def test_history_skipped_lists_every_version(repo: Repo) -> None:
    code, out, _ = run(repo.root, "history", "--skipped")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 5
    assert lines[0].startswith("2026-01-02  ") and lines[0].split()[2] == "tasks/T-1.md:"
    reason = "YAML syntax error: did not find expected ',' or ']'"
    assert all(f": {reason} (while parsing a flow sequence) (line 4)" in line for line in lines)
    code, out, _ = run(repo.root, "history", "--skipped", "-f", "json")
    skipped = json.loads(out)["skipped"]
    assert sorted(s["path"] for s in skipped) == ["tasks/T-1.md"] * 2 + ["tasks/T-2.md"] * 2 + [
        "tasks/T-3.md"
    ]
    assert {s["date"][:10] for s in skipped} == {"2026-01-02", "2026-01-03"}


def test_one_tasks_history_lists_its_own_skipped_versions(repo: Repo) -> None:
    code, out, _ = run(repo.root, "history", "T-2")
    left_out = out.split("Left out (could not be read):\n", 1)[1].splitlines()
    assert code == 0 and len(left_out) == 2
    assert all("tasks/T-2.md:" in line for line in left_out)
    code, out, _ = run(repo.root, "history", "T-3", "-f", "json")
    assert [s["path"] for s in json.loads(out)["skipped"]] == ["tasks/T-3.md"]


def test_history_needs_an_id_or_skipped(repo: Repo) -> None:
    code, _, err = run(repo.root, "history")
    assert code == 2 and "give a task id, or --skipped" in err
    code, _, err = run(repo.root, "history", "T-1", "--skipped")
    assert code == 2


def test_the_sites_flow_panel_shows_the_summary_once(tmp_path: Path) -> None:
    repo = make(tmp_path / "r")
    ws = open_workspace(repo.root, today=TODAY, use_cache=False)
    assert FlowView(ws, use_cache=False).home_charts()["warnings"] == [SUMMARY]
    off = make(tmp_path / "off", 'rules:\n  old-version-unreadable: "off"\n')
    ws = open_workspace(off.root, today=TODAY, use_cache=False)
    assert FlowView(ws, use_cache=False).home_charts()["warnings"] == []
