"""The command defects a new user hit in the first hour (issue 16)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess

import pytest
from click.testing import CliRunner
from conftest import TODAY
from git_helpers import WORKFLOW, Repo, task

from worktext.check.pipeline import open_workspace
from worktext.cli import cli
from worktext.edit import scaffold
from worktext.edit import templates as instantiate

LIMITED = """\
---
title: Limited
states:
  - {id: todo, category: todo}
  - {id: doing, category: active, wip: 2}
  - {id: done, category: done}
---
"""


def run(root, *args: str, env: dict[str, str] | None = None):
    runner = CliRunner()
    return runner.invoke(cli, ["-w", str(root), "--today", TODAY.isoformat(), *args], env=env)


@pytest.fixture
def limited(make_workspace):
    return make_workspace(
        {
            "workflows/limited.md": LIMITED,
            "projects/web.md": "---\ntitle: Web\nworkflow: limited\n---\n",
            "projects/app.md": "---\ntitle: App\nworkflow: limited\n---\n",
            "tasks/WEB-1.md": "---\ntitle: One\nproject: web\nstatus: doing\n---\n",
            "tasks/WEB-2.md": "---\ntitle: Two\nproject: web\nstatus: doing\n---\n",
            "tasks/WEB-3.md": "---\ntitle: Three\nproject: web\nstatus: todo\n---\n",
            "tasks/WEB-4.md": "---\ntitle: Four\nproject: web\ndepends_on: [WEB-3]\n---\n",
            "tasks/APP-1.md": "---\ntitle: App one\nproject: app\n---\n",
        }
    )


def test_move_into_a_full_state_warns_and_still_moves(limited) -> None:
    result = run(limited, "move", "WEB-3", "doing")
    assert result.exit_code == 0, result.output
    assert "status: doing" in (limited / "tasks/WEB-3.md").read_text()
    assert (
        "warning: tasks/WEB-3.md:4: 'web' now has 3 tasks in 'doing'; the limit is 2"
        in result.output
    )
    assert "::warning" not in result.output  # not in CI


def test_the_limit_is_per_project(limited) -> None:
    result = run(limited, "move", "APP-1", "doing")
    assert result.exit_code == 0 and "warning" not in result.output


def test_in_ci_the_warning_is_an_annotation_at_the_moved_task(limited) -> None:
    result = run(limited, "move", "WEB-3", "doing", env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 0, result.output
    annotation = next(line for line in result.output.splitlines() if line.startswith("::"))
    assert annotation.startswith("::warning file=tasks/WEB-3.md,line=4,col=1,")
    assert "title=worktext wip-exceeded::'web' now has 3 tasks in 'doing'" in annotation


def test_moving_work_with_open_dependencies_warns(limited) -> None:
    run(limited, "move", "WEB-1", "done")
    result = run(limited, "move", "WEB-4", "doing")
    assert result.exit_code == 0, result.output
    assert "WEB-4 depends on open work: WEB-3 (todo)" in result.output
    assert "tasks/WEB-4.md:1:" in result.output  # no status line yet: the file's start
    run(limited, "move", "WEB-3", "doing")
    run(limited, "move", "WEB-3", "done")
    quiet = run(limited, "move", "WEB-4", "done", "--force")
    assert "depends on open work" not in quiet.output


def test_check_since_accepts_a_restored_task(tmp_path) -> None:
    repo = Repo(tmp_path / "r", "name: Flow\ndefault_workflow: flow\n")
    repo.write({"workflows/flow.md": WORKFLOW, "tasks/A-9.md": task(status="todo", title="Nine")})
    repo.commit("Start", "2026-01-01T09:00:00+00:00")
    repo.remove("tasks/A-9.md")
    deletion = repo.commit("Drop A-9", "2026-01-02T09:00:00+00:00")
    repo.git("branch", "base")
    repo.git("revert", "--no-edit", deletion, when="2026-01-03T09:00:00+00:00")
    args = ["-w", str(repo.root), "--today", "2026-02-01", "check", "--since", "base"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "id-reused" not in result.output
    # Another task under the old id is still reuse.
    repo.write({"tasks/A-9.md": task(status="todo", title="Something else")})
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 1 and "id-reused" in again.output


@pytest.fixture
def flow_repo(tmp_path) -> Repo:
    """A workflow whose first state is called ``new`` (as the ops workflow's is)."""
    repo = Repo(tmp_path / "h", "name: Flow\ndefault_workflow: ops\n")
    repo.write(
        {
            "workflows/ops.md": "---\ntitle: Ops\nstates:\n  - {id: new, category: backlog}\n"
            "  - {id: ready, category: todo}\n  - {id: done, category: done}\n---\n",
            "tasks/A-1.md": task(title="Old one"),
        }
    )
    repo.commit("Start", "2026-01-01T09:00:00+00:00")
    repo.git("branch", "base")
    repo.write({"tasks/A-2.md": task(title="Implicit"), "tasks/A-3.md": task(status="ready")})
    repo.commit("Add two", "2026-01-02T09:00:00+00:00", author="Tom", email="tom@example.com")
    repo.write({"tasks/A-2.md": task(title="Implicit", status="ready")})
    repo.commit("A-2 ready", "2026-01-03T09:00:00+00:00")
    return repo


def _cli(repo: Repo, *args: str):
    result = CliRunner().invoke(cli, ["-w", str(repo.root), "--today", "2026-02-01", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_diff_prints_a_new_tasks_state(flow_repo: Repo) -> None:
    output = _cli(flow_repo, "diff", "base")
    assert "- **A-2** Implicit (ready, nobody)" in output
    assert "- **A-3**" in output and "(ready, nobody)" in output
    # Before A-2 moved, it was in the workflow's first state, which here is named "new".
    assert "**A-2** Implicit (new, nobody)" in _cli(flow_repo, "diff", "base", "HEAD~1")


def test_history_and_log_say_where_a_task_was_created(flow_repo: Repo) -> None:
    history = _cli(flow_repo, "history", "A-2")
    assert "Tom  created in new" in history
    assert "status: new → ready" in history
    assert "(unset)" not in history
    log = _cli(flow_repo, "log")
    assert "A-3 created in ready" in log
    assert "    status: ready\n" not in log  # said in the headline, not again
    assert "A-2 created in new" in log and "(unset)" not in log


def test_log_credits_the_git_user_and_takes_several_duration_words(tmp_path) -> None:
    repo = Repo(tmp_path / "t")
    repo.write(
        {
            "people/ana.md": "---\nname: Ana\nemail: Ana@Example.com\n---\n",
            "people/bo.md": "---\nname: Bo\nemail: bo@example.com\n---\n",
            "tasks/T-1.md": "---\ntitle: One\n---\n",
        }
    )
    repo.git("config", "user.email", "ana@example.com")
    output = _cli(repo, "log", "T-1", "1d", "4h", "--note", "pairing")
    assert "updated tasks/T-1.md" in output
    text = (repo.root / "tasks/T-1.md").read_text()
    assert "duration: 1d 4h" in text and "who: ana" in text
    _cli(repo, "log", "T-1", "30m", "--who", "bo")
    shown = _cli(repo, "show", "T-1")
    assert "spent       1d 4.5h" in shown
    assert "1d 4h  ana (Ana)  pairing" in shown and "30m  bo (Bo)" in shown
    repo.git("config", "user.email", "stranger@example.com")
    _cli(repo, "log", "T-1", "1h")
    assert (repo.root / "tasks/T-1.md").read_text().count("who:") == 2  # nobody to credit


@pytest.fixture
def planned(make_workspace):
    return make_workspace(
        {
            "goals/g1.md": "---\ntitle: Grow\n---\n",
            "projects/web.md": "---\ntitle: Web\nmilestones:\n  - {id: beta, title: Beta}\n---\n",
        }
    )


def test_new_task_takes_milestone_goal_and_repeat(planned) -> None:
    result = run(
        planned,
        "new",
        "task",
        "Notes",
        "--project",
        "web",
        "--milestone",
        "beta",
        "--goal",
        "g1",
        "--repeat",
        "monthly",
        "--id",
        "WEB-1",
    )
    assert result.exit_code == 0, result.output
    text = next((planned / "tasks").rglob("WEB-1.md")).read_text()
    assert "milestone: beta\n" in text and "goal: g1\n" in text and "repeat: monthly\n" in text
    shown = run(planned, "show", "WEB-1").output
    assert "milestone   beta — Beta" in shown and "goals       g1 — Grow" in shown


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--milestone", "gamma", "project 'web' has no milestone 'gamma'; its milestones: beta"),
        ("--goal", "g9", "no goal with id 'g9'"),
        ("--repeat", "fortnightly-ish", "is not a recurrence rule"),
    ],
)
def test_new_task_refuses_bad_links(planned, option: str, value: str, message: str) -> None:
    result = run(planned, "new", "task", "Notes", "--project", "web", option, value)
    assert result.exit_code == 2
    assert message in result.output
    assert not (planned / "tasks").exists()


def test_due_sets_a_projects_deadline(planned) -> None:
    result = run(planned, "due", "web", "today+7d")
    assert result.exit_code == 0, result.output
    assert "deadline: 2026-11-30\n" in (planned / "projects/web.md").read_text()
    assert "due:" not in (planned / "projects/web.md").read_text()
    assert run(planned, "due", "web", "none").exit_code == 0
    assert "deadline" not in (planned / "projects/web.md").read_text()


def test_negative_offsets_owner_deadline_and_body_come_from_the_template(template_root) -> None:
    ws = open_workspace(template_root, today=TODAY, use_cache=False)
    assert [d for d in ws.diagnostics if d.path == "templates/onboarding.md"] == []
    template = ws.templates.get("onboarding")
    laptop = next(t for t in template.tasks if t.key == "laptop")
    assert laptop.offset == -5.0
    start = dt.date(2026, 12, 7)  # a Monday
    planned = instantiate.plan(ws, template, {"name": "Kim"}, start, TODAY)
    project, tasks = planned[0], {p.data["title"]: p.data for p in planned[1:]}
    laptop_task = tasks["Order and prepare laptop and desk for Kim"]
    assert laptop_task["start"] == dt.date(2026, 11, 30)  # the Monday a week before
    assert laptop_task["due"] == dt.date(2026, 12, 4)  # ready on the Friday before
    assert project.data["owner"] == "ana"  # "{buddy}", whose default is ana
    assert project.data["deadline"] == dt.date(2027, 1, 18)  # 6w of working days
    assert project.body.startswith("# Onboarding a new colleague")
    assert "ordered a week before the start date" in project.body
    assert project.body.rstrip().endswith("on 2026-11-23.")


@pytest.mark.parametrize(("offset", "problems"), [("-7d", 0), ("-1w 2d", 0), ("-x", 1)])
def test_check_reads_negative_offsets(make_workspace, offset: str, problems: int) -> None:
    root = make_workspace(
        {
            "templates/t.md": f"---\ntitle: T\ntasks:\n  - {{key: a, title: A, offset: {offset}}}\n"
            "---\n"
        }
    )
    result = run(root, "check")
    assert ("invalid-duration" in result.output) == bool(problems), result.output
    assert result.exit_code == (1 if problems else 0)


def test_workday_arithmetic_backwards() -> None:
    monday = dt.date(2026, 12, 7)
    assert instantiate.add_workdays(monday, -1) == dt.date(2026, 12, 4)
    assert instantiate.add_workdays(monday, -7) == dt.date(2026, 11, 26)
    for count in range(-30, 30):
        day = instantiate.add_workdays(monday, count)
        assert day.weekday() < 5
        assert instantiate.add_workdays(day, -count) == monday


def test_new_from_template_writes_the_laptop_task_before_the_start(tmp_path, template_root):
    root = tmp_path / "ws"
    shutil.copytree(template_root, root)
    result = run(
        root, "new", "--template", "onboarding", "--start", "2026-12-07", "--set", "name=Kim"
    )
    assert result.exit_code == 0, result.output
    laptop = next(p for p in (root / "tasks").rglob("*.md") if "laptop and desk" in p.read_text())
    assert "start: 2026-11-30\n" in laptop.read_text()
    project = (root / "projects/onboarding-kim.md").read_text()
    assert "owner: ana\n" in project and "deadline: 2027-01-18\n" in project
    assert "# Onboarding a new colleague" in project


def _git(root, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True)
    return done.stdout.strip()


@pytest.mark.parametrize("bare", [False, True])
def test_init_puts_git_on_the_branch_worktext_yml_names(tmp_path, monkeypatch, bare) -> None:
    # Whatever git's own default is ('master' here), the branch is worktext.yml's.
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", "init.defaultBranch")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", "master")
    result = scaffold.init(tmp_path / "w", bare=bare)
    assert result.git_initialised
    assert _git(result.root, "symbolic-ref", "--short", "HEAD") == "main"
    if not bare:
        assert "branch: main" in (result.root / "worktext.yml").read_text()


def test_init_bare_ignores_the_site_and_the_cache(tmp_path, template_root) -> None:
    result = scaffold.init(tmp_path / "w", bare=True)
    ignore = (result.root / ".gitignore").read_text()
    assert ignore == (template_root / ".gitignore").read_text()  # the starter's rules
    (result.root / "public").mkdir()
    (result.root / "public" / "index.html").write_text("site")
    (result.root / ".worktext").mkdir(exist_ok=True)
    (result.root / ".worktext" / "cache").write_text("x")
    _git(result.root, "add", "-A")
    staged = _git(result.root, "diff", "--cached", "--name-only").splitlines()
    assert ".gitignore" in staged and "worktext.yml" in staged
    assert not any(p.startswith(("public/", ".worktext/")) for p in staged)


def test_check_since_annotates_the_moved_task_not_only_the_workflow(tmp_path) -> None:
    repo = Repo(tmp_path / "pr")
    repo.write(
        {
            "workflows/limited.md": LIMITED,
            "projects/web.md": "---\ntitle: Web\nworkflow: limited\n---\n",
            "tasks/WEB-1.md": "---\ntitle: One\nproject: web\nstatus: doing\n---\n",
            "tasks/WEB-2.md": "---\ntitle: Two\nproject: web\nstatus: doing\n---\n",
            "tasks/WEB-3.md": "---\ntitle: Three\nproject: web\nstatus: todo\n---\n",
            "tasks/WEB-4.md": "---\ntitle: Four\nproject: web\ndepends_on: WEB-3\n---\n",
        }
    )
    repo.commit("Start", "2026-01-01T09:00:00+00:00")
    repo.git("branch", "base")
    repo.write({"tasks/WEB-3.md": "---\ntitle: Three\nproject: web\nstatus: doing\n---\n"})
    repo.commit("WEB-3: todo -> doing", "2026-01-02T09:00:00+00:00")
    args = ["-w", str(repo.root), "--today", "2026-02-01", "check", "--since", "base"]
    result = CliRunner().invoke(cli, [*args, "--format", "github"])
    assert result.exit_code == 0, result.output
    annotations = [line for line in result.output.splitlines() if line.startswith("::")]
    at_task = [a for a in annotations if "file=tasks/WEB-3.md,line=4" in a]
    assert len(at_task) == 1 and "wip-exceeded" in at_task[0]
    assert "'web' now has 3 tasks in 'doing'" in at_task[0]
    assert any("file=workflows/limited.md" in a for a in annotations)  # still said there too
    assert not any("WEB-1.md" in a or "WEB-2.md" in a for a in annotations)  # they did not move
    repo.write(
        {"tasks/WEB-4.md": "---\ntitle: Four\nproject: web\ndepends_on: WEB-3\nstatus: done\n---\n"}
    )
    later = CliRunner().invoke(cli, [*args, "--format", "github"]).output
    assert "file=tasks/WEB-4.md" in later and "open-dependency" in later


def test_log_since_takes_date_words_and_revisions(flow_repo: Repo) -> None:
    # flow_repo's commits are on 1, 2 and 3 January; "today" is 1 February here.
    everything = _cli(flow_repo, "log", "--since", "today-5w")
    assert "A-1 created" in everything and "A-2 changed" in everything
    recent = _cli(flow_repo, "log", "--since", "2026-01-03")
    assert "A-2 changed" in recent and "created" not in recent
    assert "No task changes." in _cli(flow_repo, "log", "--since", "yesterday")
    by_revision = _cli(flow_repo, "log", "--since", "base")
    assert "A-1 created" not in by_revision and "A-3 created" in by_revision


def test_rules_in_worktext_yml_silence_or_enforce_move_warnings(limited) -> None:
    config = limited / "worktext.yml"
    config.write_text("name: Test\nrules:\n  wip-exceeded: 'off'\n")
    quiet = run(limited, "move", "WEB-3", "doing")
    assert quiet.exit_code == 0 and "warning" not in quiet.output
    run(limited, "move", "WEB-3", "todo")
    config.write_text("name: Test\nrules:\n  wip-exceeded: error\n")
    refused = run(limited, "move", "WEB-3", "doing")
    assert refused.exit_code == 2
    assert "'web' now has 3 tasks in 'doing'; the limit is 2" in refused.output
    assert "status: todo" in (limited / "tasks/WEB-3.md").read_text()
    forced = run(limited, "move", "WEB-3", "doing", "--force")
    assert forced.exit_code == 0 and "status: doing" in (limited / "tasks/WEB-3.md").read_text()


def test_show_a_template_with_its_owner_and_deadline(template_root) -> None:
    result = CliRunner().invoke(cli, ["-w", str(template_root), "--no-cache", "show", "onboarding"])
    assert result.exit_code == 0, result.output
    assert "  owner         {buddy}" in result.output
    assert "  deadline_days 30" in result.output
    assert "laptop — Order and prepare laptop and desk for {name}" in result.output
    assert "offset_days -5" in result.output
