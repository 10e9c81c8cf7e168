"""The edit commands end to end: real files, real git, exact bytes."""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from worktext.cli import cli
from worktext.load.source import parse_bytes

WORKFLOW = """\
---
title: Flow
states:
  - {id: todo, category: todo}
  - {id: doing, category: active}
  - {id: review, category: active, requires: [estimate]}
  - {id: done, category: done}
  - {id: dropped, category: cancelled}
transitions:
  todo: [doing, dropped]
  doing: [review, todo]
---
"""
TASK = """\
---
# keep this comment
title: 'Fix: login'
status: doing   # moved on Monday
assignee: ana
labels:
  - bug
due: 2026-12-01
---
Body stays.
"""
FILES = {
    "worktext.yml": "",
    "workflows/flow.md": WORKFLOW,
    "projects/web.md": "---\ntitle: Web\nworkflow: flow\n---\n",
    "people/ana.md": "---\nname: Ana\n---\n",
    "people/bo.md": "---\nname: Bo\n---\n",
    "tasks/web/WEB-1.md": TASK.replace("assignee: ana", "project: web\nassignee: ana"),
    "tasks/web/WEB-2.md": "---\ntitle: Second\nproject: web\nstatus: todo\n---\n",
}
CONFIG = "name: Test\ndefault_workflow: flow\n"


def run(root: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        cli, ["-w", str(root), "--today", "2026-11-23", "--no-cache", *args], env=env
    )
    return result.exit_code, result.stdout, result.stderr


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", *args],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def workspace(make_workspace: Callable[..., Path], repo: bool = False) -> Path:
    files = {k: v for k, v in FILES.items() if k != "worktext.yml"}
    root = make_workspace(files, CONFIG)
    if repo:
        git(root, "init", "-q")
        git(root, "add", ".")
        git(root, "commit", "-qm", "start")
    return root


def read(root: Path, rel: str) -> str:
    return (root / rel).read_text(encoding="utf-8")


def test_move_changes_one_line_and_commits(make_workspace: Callable[..., Path]) -> None:
    root = workspace(make_workspace, repo=True)
    before = read(root, "tasks/web/WEB-1.md")
    (root / "tasks/web/WEB-1.md").write_text(before.replace("labels:", "estimate: 2h\nlabels:"))
    git(root, "commit", "-qam", "estimate")
    code, _, err = run(root, "move", "WEB-1", "review", "--commit")
    assert (code, err) == (0, "")
    after = read(root, "tasks/web/WEB-1.md")
    assert after == before.replace("labels:", "estimate: 2h\nlabels:").replace(
        "status: doing   #", "status: review   #"
    )
    assert git(root, "log", "-1", "--format=%s").strip() == "WEB-1: doing -> review"
    assert git(root, "status", "--porcelain") == ""


def test_move_refuses_with_reasons(make_workspace: Callable[..., Path]) -> None:
    root = workspace(make_workspace)
    before = read(root, "tasks/web/WEB-1.md")
    code, _, err = run(root, "move", "WEB-1", "review")
    assert code == 2 and "requires 'estimate'" in err and "worktext set WEB-1 estimate=" in err
    code, _, err = run(root, "move", "WEB-2", "done")
    assert code == 2
    assert "does not allow WEB-2: todo -> done" in err and "allows: doing, dropped" in err
    code, _, err = run(root, "move", "WEB-2", "finished")
    assert code == 2 and "no state 'finished'" in err
    code, _, err = run(root, "move", "WEB-404", "done")
    assert code == 1 and "no task with id 'WEB-404'" in err
    assert read(root, "tasks/web/WEB-1.md") == before
    code, _, _ = run(root, "move", "WEB-2", "done", "--force")
    assert code == 0 and "status: done" in read(root, "tasks/web/WEB-2.md")


def test_dry_run_prints_a_diff_and_writes_nothing(make_workspace: Callable[..., Path]) -> None:
    root = workspace(make_workspace)
    before = read(root, "tasks/web/WEB-1.md")
    code, out, _ = run(root, "set", "WEB-1", "due=2026-12-24", "priority=high", "--dry-run")
    assert code == 0
    assert out == (
        "--- a/tasks/web/WEB-1.md\n+++ b/tasks/web/WEB-1.md\n@@ -6,6 +6,7 @@\n"
        " assignee: ana\n labels:\n   - bug\n-due: 2026-12-01\n+due: 2026-12-24\n"
        "+priority: high\n ---\n Body stays.\n"
    )
    assert read(root, "tasks/web/WEB-1.md") == before


def test_set_validates_before_writing(make_workspace: Callable[..., Path]) -> None:
    root = workspace(make_workspace)
    before = read(root, "tasks/web/WEB-1.md")
    for pair, message in [
        ("due=2026-02-30", "not a real date"),
        ("estimate=3", "'3' is not a duration"),
        ("priority=urgnt", "did you mean 'urgent'"),
        ("asignee=bo", "did you mean 'assignee'"),
        ("assignee=zed", "no person with id 'zed'"),
        ("due=", "use 'worktext unset"),
    ]:
        code, _, err = run(root, "set", "WEB-1", pair)
        assert code == 2, pair
        assert message in err, (pair, err)
    assert read(root, "tasks/web/WEB-1.md") == before
    code, _, _ = run(root, "set", "WEB-1", "assignee=zed", "--force")
    assert code == 0 and "assignee: zed" in read(root, "tasks/web/WEB-1.md")


def test_set_lists_and_unset(make_workspace: Callable[..., Path]) -> None:
    root = workspace(make_workspace)
    assert run(root, "set", "WEB-1", "labels=bug,ui", "assignee=ana,bo")[0] == 0
    text = read(root, "tasks/web/WEB-1.md")
    assert "labels:\n  - bug\n  - ui\n" in text
    assert "assignee: [ana, bo]\n" in text
    assert run(root, "unset", "WEB-1", "labels", "due")[0] == 0
    text = read(root, "tasks/web/WEB-1.md")
    assert "labels" not in text and "due" not in text and "# keep this comment" in text


def test_shortcuts(make_workspace: Callable[..., Path]) -> None:
    root = workspace(make_workspace)
    assert run(root, "assign", "WEB-2", "bo")[0] == 0
    assert run(root, "assign", "WEB-2", "--add", "ana")[0] == 0
    assert run(root, "label", "WEB-2", "bug", "ui")[0] == 0
    assert run(root, "label", "WEB-2", "--remove", "bug")[0] == 0
    assert run(root, "due", "WEB-2", "tomorrow")[0] == 0
    data = parse_bytes((root / "tasks/web/WEB-2.md").read_bytes(), "x").data
    assert data == {
        "title": "Second",
        "project": "web",
        "status": "todo",
        "assignee": ["bo", "ana"],
        "labels": ["ui"],
        "due": "2026-11-24",
    }
    assert run(root, "assign", "WEB-2", "--clear")[0] == 0
    assert run(root, "due", "WEB-2", "none")[0] == 0
    assert "assignee" not in read(root, "tasks/web/WEB-2.md")


def test_log_time_appends_an_entry(make_workspace: Callable[..., Path]) -> None:
    root = workspace(make_workspace)
    code, _, _ = run(root, "log", "WEB-1", "1h 30m", "--who", "ana", "--note", "a: b")
    assert code == 0
    assert run(root, "log", "WEB-1", "2h", "--date", "2026-11-20")[0] == 0
    text = read(root, "tasks/web/WEB-1.md")
    assert text.endswith(
        "log:\n  - date: 2026-11-23\n    duration: 1h 30m\n    who: ana\n"
        '    note: "a: b"\n  - date: 2026-11-20\n    duration: 2h\n---\nBody stays.\n'
    )
    code, _, err = run(root, "log", "WEB-1", "2 hours")
    assert code == 2 and "not a duration" in err
    code, _, err = run(root, "log", "WEB-1", "1h", "--who", "zed")
    assert code == 2 and "no person with id 'zed'" in err


def test_crlf_and_bom_survive(make_workspace: Callable[..., Path]) -> None:
    root = workspace(make_workspace)
    path = root / "tasks/web/WEB-2.md"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    path.chmod(0o600)
    assert run(root, "move", "WEB-2", "doing")[0] == 0
    assert run(root, "label", "WEB-2", "x")[0] == 0
    assert path.read_bytes() == (
        b"\xef\xbb\xbf---\r\ntitle: Second\r\nproject: web\r\nstatus: doing\r\n"
        b"labels: [x]\r\n---\r\n"
    )
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_new_task_with_sequential_ids(make_workspace: Callable[..., Path]) -> None:
    root = workspace(make_workspace, repo=True)
    args = ["new", "task", "Fix: the signup", "--project", "web", "--assignee", "ana"]
    args += ["--label", "bug,ui", "--due", "2026-12-10", "--estimate", "4h", "--commit"]
    code, _, err = run(root, *args)
    assert (code, err) == (0, "")
    assert read(root, "tasks/web/WEB-3.md") == (
        '---\ntitle: "Fix: the signup"\nproject: web\nassignee: ana\nlabels: [bug, ui]\n'
        "created: 2026-11-23\ndue: 2026-12-10\nestimate: 4h\n---\n"
    )
    assert git(root, "log", "-1", "--format=%s").strip() == "WEB-3: new task: Fix: the signup"
    assert run(root, "new", "task", "Next", "--project", "web")[0] == 0
    assert (root / "tasks/web/WEB-4.md").is_file()
    code, _, err = run(root, "new", "task", "Bad", "--status", "review", "--project", "web")
    assert code == 2 and "requires estimate" in err


def test_new_task_random_ids_and_editor(make_workspace: Callable[..., Path]) -> None:
    root = workspace(make_workspace)
    (root / "worktext.yml").write_text(CONFIG + "ids:\n  scheme: random\n  prefix: W\n")
    editor = root.parent / "editor.sh"
    editor.write_text('#!/bin/sh\nprintf "Edited.\\n" >> "$1"\n')
    editor.chmod(0o755)
    code, out, _ = run(root, "new", "task", "Random", "--edit", env={"EDITOR": str(editor)})
    assert code == 0
    (created,) = [line.split()[-1] for line in out.splitlines() if line.startswith("created")]
    name = Path(created).name
    assert name.startswith("W-") and len(name) == len("W-abcdef.md")
    assert read(root, created).endswith("---\nEdited.\n")


def test_new_project_person_goal(make_workspace: Callable[..., Path]) -> None:
    root = workspace(make_workspace)
    assert run(root, "new", "project", "Mobile App", "--owner", "ana")[0] == 0
    assert read(root, "projects/mobile-app.md").startswith(
        "---\ntitle: Mobile App\nkind: project\nstatus: active\nowner: ana\n---\n"
    )
    assert run(root, "new", "person", "cy", "--name", "Cy Twombly", "--team", "web")[0] == 0
    assert read(root, "people/cy.md") == "---\nname: Cy Twombly\nteams: [web]\n---\n"
    assert run(root, "new", "goal", "Grow", "--due", "2027-06-30")[0] == 0
    assert "due: 2027-06-30" in read(root, "goals/grow.md")
    code, _, err = run(root, "new", "person", "ana")
    assert code == 2 and "exists already" in err
    code, _, err = run(root, "new")
    assert code == 2 and "say what to create" in err
    for args in (["person", "../evil"], ["task", "x", "--id", "a/b"], ["goal", "g", "--id", ".x"]):
        code, _, err = run(root, "new", *args)
        assert code == 2 and "not a valid id" in err, args
    assert not (root / "evil.md").exists()


TEMPLATE = """\
---
title: "Release {version}"
params:
  - name: version
    required: true
tasks:
  - key: freeze
    title: "Freeze {version}"
    assignee: ana
    duration: 1d
  - key: notes
    title: "Write notes for {version} {{ not jinja }}"
    offset: 1d
    duration: 2d
    depends_on: [freeze]
---
"""


def test_new_from_template_writes_all_files(make_workspace: Callable[..., Path]) -> None:
    root = workspace(make_workspace, repo=True)
    (root / "templates").mkdir()
    (root / "templates/release.md").write_text(TEMPLATE)
    git(root, "add", ".")
    git(root, "commit", "-qm", "template")
    args = ["new", "--template", "release", "--start", "2026-11-27", "--set", "version=2.0"]
    code, out, err = run(root, *args, "--commit")
    assert (code, err) == (0, ""), err
    assert read(root, "projects/release-2-0.md").startswith(
        "---\ntitle: Release 2.0\nkind: project\nstatus: active\nstart: 2026-11-27\n"
        "deadline: 2026-12-01\n---\n"
    )
    assert read(root, "tasks/release-2-0/RELEASE-2.md") == (
        "---\ntitle: Write notes for 2.0 {{ not jinja }}\nproject: release-2-0\n"
        "created: 2026-11-23\nstart: 2026-11-30\ndue: 2026-12-01\ndepends_on: [RELEASE-1]\n---\n"
    )
    assert "2 tasks: RELEASE-1, RELEASE-2" in out
    assert git(root, "status", "--porcelain") == ""
    code, _, err = run(root, "new", "--template", "release")
    assert code == 2 and "needs 'version'" in err


def test_new_from_template_is_all_or_nothing(make_workspace: Callable[..., Path]) -> None:
    root = workspace(make_workspace)
    (root / "templates").mkdir()
    (root / "templates/release.md").write_text(TEMPLATE.replace("assignee: ana", "assignee: zed"))
    code, _, err = run(root, "new", "--template", "release", "--set", "version=1")
    assert code == 2 and "no person with id 'zed'" in err
    assert not (root / "projects/release-1.md").exists()
    assert sorted(os.listdir(root / "tasks")) == ["web"]


SERIES = "---\ntitle: Backup test\nproject: web\ndue: 2026-11-27\nrepeat: weekly\n---\n- [x] Do\n"


def test_recur_is_idempotent_across_merged_branches(
    make_workspace: Callable[..., Path],
) -> None:
    root = workspace(make_workspace)
    (root / "tasks/web/WEB-9.md").write_text(SERIES)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-qm", "start")
    git(root, "checkout", "-qb", "other")
    assert run(root, "recur", "--until", "2026-12-05", "--commit")[0] == 0
    git(root, "checkout", "-q", "main")
    code, out, _ = run(root, "recur", "--until", "2026-12-12", "--commit")
    assert code == 0
    assert "created tasks/web/WEB-9-20261204.md" in out
    assert "created tasks/web/WEB-9-20261211.md" in out
    git(root, "merge", "-q", "--no-edit", "other")  # raises if it conflicts
    names = sorted(os.listdir(root / "tasks/web"))
    assert names == ["WEB-1.md", "WEB-2.md", "WEB-9-20261204.md", "WEB-9-20261211.md", "WEB-9.md"]
    assert read(root, "tasks/web/WEB-9-20261204.md") == (
        "---\ntitle: Backup test\ncreated: 2026-11-23\nproject: web\ndue: 2026-12-04\n"
        "recurrence_of: WEB-9\n---\n"
        "- [ ] Do\n"
    )
    code, out, _ = run(root, "recur", "--until", "2026-12-12")
    assert (code, out) == (0, "nothing to change\n")
    code, out, _ = run(root, "recur", "--until", "2026-12-19", "--dry-run")
    assert out.startswith("--- /dev/null\n+++ b/tasks/web/WEB-9-20261218.md\n")


def test_init_command(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["init", "--bare", "--no-git", str(tmp_path / "w")])
    assert result.exit_code == 0
    assert "created a workspace" in result.stdout
    again = CliRunner().invoke(cli, ["init", "--bare", str(tmp_path / "w")])
    assert again.exit_code == 2 and "nothing was written" in again.stderr


def test_every_command_documents_an_example() -> None:
    from worktext.commands import edit, new

    for command in [*edit.COMMANDS, *new.COMMANDS]:
        assert "Example:" in (command.help or ""), command.name


def test_set_status_must_be_a_state(make_workspace: Callable[..., Path]) -> None:
    root = workspace(make_workspace)
    code, _, err = run(root, "set", "WEB-2", "status=finished")
    assert code == 2 and "no state 'finished'" in err
    assert run(root, "set", "WEB-2", "status=done")[0] == 0


def test_a_file_changed_after_loading_is_not_edited(make_workspace: Callable[..., Path]) -> None:
    from worktext.check.pipeline import open_workspace
    from worktext.edit.atomic import WriteError
    from worktext.edit.changes import edit_item

    root = workspace(make_workspace)
    ws = open_workspace(root, use_cache=False)
    path = root / "tasks/web/WEB-2.md"
    path.write_text(read(root, "tasks/web/WEB-2.md").replace("todo", "doing"))
    task = ws.tasks.get("WEB-2")
    with pytest.raises(WriteError, match="changed on disk"):
        edit_item(ws, "task", task, [("set", "status", "done")])
    assert "status: doing" in read(root, "tasks/web/WEB-2.md")


def test_a_change_on_disk_is_seen_when_the_workspace_came_from_the_cache(
    make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from worktext.check.pipeline import open_workspace
    from worktext.edit.atomic import WriteError
    from worktext.edit.changes import edit_item
    from worktext.load import cache

    monkeypatch.setattr(cache, "now_ns", lambda: time.time_ns() + 10 * cache.RACY_NS)
    root = workspace(make_workspace)
    open_workspace(root)  # writes the snapshot
    ws = open_workspace(root)  # served from it
    assert dict.__len__(ws.sources) == 0  # no file parsed: it came from the snapshot
    path = root / "tasks/web/WEB-2.md"
    path.write_text(read(root, "tasks/web/WEB-2.md").replace("todo", "doing"))
    with pytest.raises(WriteError, match="changed on disk"):
        edit_item(ws, "task", ws.tasks.get("WEB-2"), [("set", "priority", "high")])


@pytest.mark.parametrize("indicator", ["|", "|+", "|-", ">"])
def test_edits_work_when_the_last_key_is_a_block_scalar(
    make_workspace: Callable[..., Path], indicator: str
) -> None:
    """The front matter keeps its last line break, so a block scalar as the last key reads
    as YAML reads it (``|`` keeps one, ``|+`` all of them) before and after an edit."""
    root = workspace(make_workspace)
    rel = "tasks/web/WEB-3.md"
    blank = "\n" if indicator == "|+" else ""  # kept: part of the value
    text = (
        f"---\nproject: web\nstatus: todo\ntitle: {indicator}\n  Two\n  lines\n{blank}---\nBody\n"
    )
    (root / rel).write_text(text, encoding="utf-8")
    title = {"|": "Two\nlines\n", "|+": "Two\nlines\n\n", "|-": "Two\nlines", ">": "Two lines\n"}
    assert parse_bytes(text.encode(), rel).data["title"] == title[indicator]
    for args in (["set", "WEB-3", "due=2026-12-01"], ["label", "WEB-3", "bug"]):
        code, _, err = run(root, *args)
        assert (code, err) == (0, "")
    assert run(root, "log", "WEB-3", "1h")[0] == 0
    data = parse_bytes((root / rel).read_bytes(), rel).data
    assert data["title"] == title[indicator]
    assert data["due"] == "2026-12-01" and data["labels"] == ["bug"]
    assert data["log"] == [{"date": "2026-11-23", "duration": "1h"}]
