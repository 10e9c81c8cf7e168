"""Files written by another tool, read through ``mappings:`` without being rewritten: other
spellings of statuses, other names of keys, handles, folders that imply a state, several task
folders and excluded paths; and edits that keep the file's own words."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from conftest import TODAY

from worktext.check.pipeline import open_workspace
from worktext.cli import cli

CONFIG = """\
name: Adopted
folders:
  tasks: [backlog/tasks, backlog/completed]
exclude: ["backlog/tasks/drafts/*"]
default_workflow: backlog
mappings:
  statuses: {"To Do": todo, "In Progress": doing, Done: done}
  ignore_case: true
  keys: {created_date: created, dependencies: depends_on, parent_task_id: parent, tags: labels}
  handles: true
  folder_states: {backlog/completed: done}
fields:
  acceptance:
    type: mappings
  extra:
    type: mapping
"""
WORKFLOW = """\
---
title: Backlog.md
states:
  - {id: todo, title: To Do, category: todo}
  - {id: doing, title: In Progress, category: active}
  - {id: done, title: Done, category: done}
---
"""
FILES = {
    "workflows/backlog.md": WORKFLOW,
    "people/codex.md": "---\nname: Codex\n---\n",
    "backlog/tasks/task-1 - Set up the repo.md": (
        "---\nid: TASK-1\ntitle: Set up the repo\nstatus: In Progress\nassignee: ['@codex']\n"
        "created_date: '2026-03-19'\ndependencies:\n  - task-2\ntags: [infra]\n"
        "priority: HIGH\nacceptance:\n  - {text: Builds, done: true}\nextra: {board: 3}\n---\n"
    ),
    "backlog/tasks/task-2 - Write docs.md": (
        "---\nid: TASK-2\ntitle: Write docs\nstatus: to do\nparent_task_id: task-1\n---\n"
    ),
    "backlog/completed/task-3 - Old.md": "---\nid: TASK-3\ntitle: Old\nstatus: To Do\n---\n",
    "backlog/tasks/drafts/task-4 - Draft.md": "---\nid: TASK-4\ntitle: Draft\n---\n",
    "backlog/docs/doc-1.md": "---\nid: doc-1\ntitle: Not a task\n---\n",
}


def adopted(make_workspace) -> Path:  # type: ignore[no-untyped-def]
    return make_workspace(FILES, config=CONFIG)


def test_another_tool_s_files_read_as_worktext_s(make_workspace) -> None:
    ws = open_workspace(adopted(make_workspace), TODAY, use_cache=False)
    assert ws.diagnostics == []
    one, two, three = (ws.tasks.get(f"TASK-{n}") for n in (1, 2, 3))
    assert [ws.status_of(t) for t in (one, two, three)] == ["doing", "todo", "done"]
    assert one.assignees == ("codex",) and ws.assignees_of(one)[0].name == "Codex"
    assert one.depends_on == ("task-2",) and ws.dependencies(one) == [two]
    assert two.parent == "task-1" and ws.parent_of(two) == one
    assert one.labels == ("infra",) and one.priority == "high"
    assert str(one.created) == "2026-03-19"
    assert one.extra["acceptance"] == [{"text": "Builds", "done": True}]
    assert one.extra["extra"] == {"board": 3}
    assert ws.tasks.get("TASK-4") is None and ws.tasks.get("doc-1") is None  # excluded
    assert len(ws.tasks) == 3


def test_a_mapped_key_s_problem_is_placed_on_the_file_s_own_key(make_workspace) -> None:
    files = {**FILES, "backlog/tasks/task-5.md": "---\ndependencies: [nothing-9]\n---\n"}
    ws = open_workspace(make_workspace(files, config=CONFIG), TODAY, use_cache=False)
    [problem] = ws.diagnostics
    assert (problem.path, problem.code, problem.line) == (
        "backlog/tasks/task-5.md",
        "dangling-reference",
        2,
    )


def test_edits_keep_the_file_s_own_words(make_workspace) -> None:
    root = adopted(make_workspace)
    path = root / "backlog/tasks/task-1 - Set up the repo.md"
    runner = CliRunner()
    moved = runner.invoke(
        cli, ["-w", str(root), "--today", TODAY.isoformat(), "move", "TASK-1", "done"]
    )
    assert moved.exit_code == 0, moved.output
    text = path.read_text("utf-8")
    assert "status: Done\n" in text  # not "done": Backlog.md must still read it
    again = runner.invoke(
        cli, ["-w", str(root), "set", "TASK-1", "depends_on=task-2,task-3", "status=In Progress"]
    )
    assert again.exit_code == 0, again.output
    text = path.read_text("utf-8")
    assert "dependencies:" in text and "depends_on" not in text
    assert "task-3" in text and "status: In Progress\n" in text
    ws = open_workspace(root, TODAY, use_cache=False)
    assert ws.status_of(ws.tasks.get("TASK-1")) == "doing"


def test_ids_of_any_script_are_ids(make_workspace) -> None:
    root = make_workspace({"tasks/Статистика-по-отделам.md": "---\ntitle: Отчёт\n---\n"})
    ws = open_workspace(root, TODAY, use_cache=False)
    assert ws.diagnostics == []
    assert [t.id for t in ws.tasks] == ["Статистика-по-отделам"]


KANBN_CONFIG = """\
name: Board
folders:
  tasks: [.kanbn/tasks]
default_workflow: board
mappings:
  keys: {assigned: assignee, tags: labels}
  statuses: {Backlog: backlog, In Progress: doing, Done: done}
  status_source: {kanbn: .kanbn/index.md}
"""
KANBN_INDEX = """\
---
startedColumns:
  - 'In Progress'
completedColumns:
  - Done
---

# The board

## Backlog

- [fix-login](tasks/fix-login.md)
- [Отчёт](tasks/%D0%9E%D1%82%D1%87%D1%91%D1%82.md)

## In Progress

- [write-docs](tasks/write-docs.md)

## Done

- [ship-it](tasks/ship-it.md)
"""
KANBN_FILES = {
    "workflows/board.md": (
        "---\ntitle: Board\nstates:\n  - {id: backlog, category: backlog}\n"
        "  - {id: doing, title: In Progress, category: active}\n"
        "  - {id: done, category: done}\n---\n"
    ),
    ".kanbn/index.md": KANBN_INDEX,
    ".kanbn/tasks/fix-login.md": (
        '---\ncreated: 2026-01-05T10:00:00.000Z\nassigned: ""\ntags: [auth]\n---\n\n# Fix login\n'
    ),
    ".kanbn/tasks/Отчёт.md": "---\ncreated: 2026-01-06T10:00:00.000Z\n---\n\n# Отчёт\n",
    ".kanbn/tasks/write-docs.md": "---\nassigned: ana\n---\n\n# Write docs\n",
    ".kanbn/tasks/ship-it.md": ("---\ncompleted: 2026-02-01T09:30:00.000Z\n---\n\n# Ship it\n"),
    "people/ana.md": "---\nname: Ana\n---\n",
}


def test_kanbn_columns_are_the_statuses(make_workspace) -> None:
    root = make_workspace(KANBN_FILES, config=KANBN_CONFIG)
    for use_cache in (True, True, False):  # cold, warm from the cache, and without it
        ws = open_workspace(root, TODAY, use_cache=use_cache)
        assert ws.diagnostics == []
        status = {t.id: ws.status_of(t) for t in ws.tasks}
        assert status == {
            "fix-login": "backlog",
            "Отчёт": "backlog",
            "write-docs": "doing",
            "ship-it": "done",
        }
        login = ws.tasks.get("fix-login")
        assert login.assignees == () and login.labels == ("auth",)
        assert str(ws.tasks.get("ship-it").completed) == "2026-02-01 09:30:00+00:00"
    # A column move in the index is a status change, and the cache sees it.
    index = root / ".kanbn/index.md"
    index.write_text(
        KANBN_INDEX.replace("- [ship-it](tasks/ship-it.md)\n", "").replace(
            "- [write-docs](tasks/write-docs.md)\n",
            "- [write-docs](tasks/write-docs.md)\n- [ship-it](tasks/ship-it.md)\n",
        ),
        "utf-8",
    )
    ws = open_workspace(root, TODAY)
    assert ws.status_of(ws.tasks.get("ship-it")) == "doing"


def test_an_unreadable_board_index_is_a_warning_not_a_failure(make_workspace) -> None:
    files = {k: v for k, v in KANBN_FILES.items() if k != ".kanbn/index.md"}
    ws = open_workspace(make_workspace(files, config=KANBN_CONFIG), TODAY, use_cache=False)
    assert [d.code for d in ws.diagnostics] == ["status-source"]
    assert {ws.status_of(t) for t in ws.tasks} == {"backlog"}
