"""``check --since REV``: transitions, deletions with dependents and reused ids, across real
commits and the working tree."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from git_helpers import WORKFLOW, Repo, task

from worktext.check.pipeline import open_workspace
from worktext.cli import cli
from worktext.history.reconstruct import load_history
from worktext.history.since import since_diagnostics, workspace_at

TODAY = dt.date(2026, 2, 1)


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    repo = Repo(tmp_path / "r", "name: Flow\ndefault_workflow: flow\n")
    repo.write(
        {
            "workflows/flow.md": WORKFLOW,
            "tasks/A-1.md": task(status="todo"),
            "tasks/A-2.md": task(status="doing"),
            "tasks/A-3.md": task(status="todo"),
            "tasks/A-4.md": task(status="todo", depends_on=["A-3"]),
            "tasks/A-9.md": task(status="todo"),
        }
    )
    repo.commit("Start", "2026-01-01T09:00:00+00:00")
    repo.remove("tasks/A-9.md")
    repo.commit("Drop A-9", "2026-01-02T09:00:00+00:00")
    repo.git("branch", "base")
    return repo


def codes(repo: Repo, rev: str = "base") -> list[tuple[str, int, str, str]]:
    ws = open_workspace(repo.root, today=TODAY, use_cache=False)
    history = load_history(ws.config, use_cache=False)
    return [
        (d.path, d.line, d.code, d.message) for d in since_diagnostics(ws.config, ws, rev, history)
    ]


def test_no_changes_no_diagnostics(repo: Repo) -> None:
    assert codes(repo) == []


def test_each_committed_step_is_checked(repo: Repo) -> None:
    # todo → doing → review → done is allowed one step per commit ...
    for day, status in ((3, "doing"), (4, "review"), (5, "done")):
        repo.write({"tasks/A-1.md": task(status=status)})
        repo.commit(f"A-1 {status}", f"2026-01-0{day}T09:00:00+00:00")
    assert codes(repo) == []
    # ... but todo → review in one commit is not, even when the end state is allowed.
    repo.write({"tasks/A-3.md": task(status="review")})
    repo.commit("Skip ahead", "2026-01-06T09:00:00+00:00")
    repo.write({"tasks/A-3.md": task(status="done")})
    repo.commit("Finish", "2026-01-07T09:00:00+00:00")
    assert codes(repo) == [
        (
            "tasks/A-3.md",
            2,
            "transition-not-allowed",
            "status moved from 'todo' to 'review', which workflow 'flow' does not allow",
        )
    ]


def test_pull_request_merge_commit_checks_each_branch_commit(repo: Repo) -> None:
    """What actions/checkout gives a pull_request job: a detached merge commit whose first
    parent is the base branch; the branch's own commits are on the second parent."""
    repo.git("checkout", "-q", "-b", "feature")
    for day, status in ((3, "doing"), (4, "review"), (5, "done")):
        repo.write({"tasks/A-1.md": task(status=status)})
        repo.commit(f"A-1 {status}", f"2026-01-0{day}T09:00:00+00:00")
    repo.write({"tasks/A-3.md": task(status="review")})  # todo → review: not allowed
    repo.commit("A-3 straight to review", "2026-01-06T09:00:00+00:00")
    repo.git("checkout", "-q", "base")
    repo.write({"tasks/A-2.md": task(status="review")})  # the base moves on meanwhile
    repo.commit("Base work", "2026-01-06T10:00:00+00:00")
    repo.git("branch", "-f", "main", "HEAD")
    repo.git("checkout", "-q", "--detach", "base")
    repo.git(
        "merge", "-q", "--no-ff", "-m", "Merge feature", "feature", when="2026-01-07T09:00:00+00:00"
    )
    assert [(p, c, m) for p, _, c, m in codes(repo, "main")] == [
        (
            "tasks/A-3.md",
            "transition-not-allowed",
            "status moved from 'todo' to 'review', which workflow 'flow' does not allow",
        )
    ]


def test_uncommitted_transition_is_checked(repo: Repo) -> None:
    repo.write({"tasks/A-2.md": task(status="done")})
    assert [c[2:] for c in codes(repo)] == [
        (
            "transition-not-allowed",
            "status moved from 'doing' to 'done', which workflow 'flow' does not allow",
        )
    ]


def test_deleting_a_task_others_depend_on(repo: Repo) -> None:
    repo.remove("tasks/A-3.md")
    found = codes(repo)
    assert [(p, line, c) for p, line, c, _ in found] == [
        ("tasks/A-4.md", 3, "deleted-with-dependents")
    ]
    assert "task 'A-3' (tasks/A-3.md) is deleted, but A-4 depends on it" in found[0][3]


def test_reusing_a_deleted_id(repo: Repo) -> None:
    repo.write({"tasks/A-9.md": task(status="todo", title="Something else")})
    repo.commit("New A-9", "2026-01-03T09:00:00+00:00")
    found = codes(repo)
    assert [(p, c) for p, _, c, _ in found] == [("tasks/A-9.md", "id-reused")]
    assert "deleted in" in found[0][3] and "2026-01-02" in found[0][3]


def test_workspace_at_reads_git_objects(repo: Repo) -> None:
    repo.write({"tasks/A-1.md": task(status="doing")})
    ws = open_workspace(repo.root, today=TODAY, use_cache=False)
    old = workspace_at(ws.config, "base", TODAY)
    assert old.tasks.get("A-1").status == "todo" and ws.tasks.get("A-1").status == "doing"
    assert old.tasks.get("A-9") is None
    assert old.workflows.get("flow") is not None


def test_check_command_with_since(repo: Repo) -> None:
    repo.write({"tasks/A-2.md": task(status="done")})
    runner = CliRunner()
    base = ["-w", str(repo.root), "--today", "2026-02-01", "check", "--since", "base"]
    result = runner.invoke(cli, [*base, "--format", "github"])
    assert result.exit_code == 1
    assert "file=tasks/A-2.md,line=2" in result.stdout
    assert "transition-not-allowed" in result.stdout
    payload = json.loads(runner.invoke(cli, [*base, "--format", "json"]).stdout)
    assert "transition-not-allowed" in json.dumps(payload)
    # A rule switched off in worktext.yml stays off.
    (repo.root / "worktext.yml").write_text(
        "name: Flow\ndefault_workflow: flow\nrules:\n  transition-not-allowed: off\n"
    )
    assert runner.invoke(cli, base).exit_code == 0


def test_check_since_unknown_or_hostile_revision(repo: Repo) -> None:
    runner = CliRunner()
    for rev in ("no-such-branch", "--output=pwned", "-p"):
        result = runner.invoke(cli, ["-w", str(repo.root), "check", f"--since={rev}"])
        assert result.exit_code == 2
        assert "does not know the revision" in result.stderr
        assert "Traceback" not in result.output
    assert not (repo.root / "pwned").exists()


def test_check_since_outside_git(make_workspace) -> None:
    root = make_workspace({"tasks/A-1.md": task(status="todo")})
    result = CliRunner().invoke(cli, ["-w", str(root), "check", "--since", "main"])
    assert result.exit_code == 2
    assert "not in a git repository" in result.stderr


def test_template_ships_the_pull_request_workflow(template_root: Path) -> None:
    import yaml

    workflow = yaml.safe_load((template_root / ".github/workflows/worktext.yml").read_text())
    check, site = workflow["jobs"]["check"], workflow["jobs"]["site"]
    for job in (check, site):
        checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout"))
        assert checkout["with"]["fetch-depth"] == 0
        assert any(s.get("run") == 'pip install "worktext==0.1.0"' for s in job["steps"])
    runs = [s.get("run", "") for s in check["steps"]]
    assert 'worktext check --since "origin/${{ github.base_ref }}" --format github' in runs
    assert any(s.get("uses", "").startswith("actions/deploy-pages") for s in site["steps"])
    assert any("worktext build" in s.get("run", "") for s in site["steps"])
    hooks = yaml.safe_load((template_root.parent / ".pre-commit-hooks.yaml").read_text())
    config = yaml.safe_load((template_root / ".pre-commit-config.yaml").read_text())
    used = {hook["id"] for repo in config["repos"] for hook in repo["hooks"]}
    assert used <= {hook["id"] for hook in hooks}
    assert all(hook["entry"].startswith("worktext check") for hook in hooks)
