"""History the way teams work: every commit (branches dated by their own commits, counted
once), mappings applied to every old version (another tool's spellings, folders that mean a
state, Kanbn's board columns), tasks followed through id changes, duplicates kept apart."""

from __future__ import annotations

import datetime as dt
import time

from git_helpers import Repo, task

from worktext.history.reconstruct import History, load_history
from worktext.model.config import load_config

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.timezone.utc)


def load(repo: Repo, use_cache: bool = True) -> History:
    config, _ = load_config(repo.root)
    return load_history(config, now=NOW, use_cache=use_cache)


def steps(history: History, task_id: str, name: str = "status") -> list[tuple[str, object, object]]:
    found = history.task(task_id)
    assert found is not None, f"no history for {task_id}"
    return [
        (e.commit.subject, c.old, c.new) for e in found.events for c in e.changes if c.field == name
    ]


def test_a_branch_s_changes_are_dated_by_its_commits_and_not_undone_by_main(tmp_path) -> None:
    repo = Repo(tmp_path / "r")
    repo.write({"tasks/A-1.md": task(status="todo", a=1, b=2, c=3, title="Old")})
    repo.commit("Add A-1", "2026-01-01T09:00:00+00:00")
    repo.git("checkout", "-q", "-b", "work")
    repo.write({"tasks/A-1.md": task(status="doing", a=1, b=2, c=3, title="Old")})
    repo.commit("Start A-1", "2026-01-02T09:00:00+00:00", author="Bo", email="bo@x")
    repo.git("checkout", "-q", "main")
    repo.write(
        {"tasks/A-1.md": task(status="todo", a=1, b=2, c=3, title="New")}
    )  # main renames it meanwhile
    repo.commit("Retitle A-1", "2026-01-03T09:00:00+00:00")
    repo.git("merge", "-q", "--no-ff", "-m", "Merge work", "work", when="2026-01-04T09:00:00+00:00")
    assert (repo.root / "tasks/A-1.md").read_text() == task(
        status="doing", a=1, b=2, c=3, title="New"
    )
    history = load(repo)
    assert steps(history, "A-1") == [("Add A-1", None, "todo"), ("Start A-1", "todo", "doing")]
    assert steps(history, "A-1", "title") == [
        ("Add A-1", None, "Old"),
        ("Retitle A-1", "Old", "New"),
    ]
    start = next(e for e in history.task("A-1").events if e.commit.subject == "Start A-1")
    assert start.commit.author == "Bo"
    assert start.commit.date == dt.datetime(2026, 1, 2, 9, 0, tzinfo=dt.timezone.utc)
    # The same answer when the cache is extended commit by commit.
    assert steps(load(repo, use_cache=False), "A-1") == steps(history, "A-1")


def test_a_conflict_resolved_in_the_merge_is_a_change_of_the_merge(tmp_path) -> None:
    repo = Repo(tmp_path / "r")
    repo.write({"tasks/A-1.md": task(status="todo")})
    repo.commit("Add A-1", "2026-01-01T09:00:00+00:00")
    repo.git("checkout", "-q", "-b", "work")
    repo.write({"tasks/A-1.md": task(status="doing")})
    repo.commit("Start A-1", "2026-01-02T09:00:00+00:00")
    repo.git("checkout", "-q", "main")
    repo.write({"tasks/A-1.md": task(status="review")})
    repo.commit("Review A-1", "2026-01-03T09:00:00+00:00")
    repo.git("merge", "-q", "-s", "ours", "--no-ff", "-m", "Merge work", "work")
    repo.write({"tasks/A-1.md": task(status="done")})
    repo.git("commit", "-q", "-a", "--amend", "--no-edit", when="2026-01-04T09:00:00+00:00")
    assert steps(load(repo), "A-1") == [
        ("Add A-1", None, "todo"),
        ("Start A-1", "todo", "doing"),
        ("Review A-1", "doing", "review"),
        ("Merge work", "review", "done"),
    ]


BACKLOG = """\
name: Backlog
folders:
  tasks: [backlog/tasks, backlog/completed]
  workflows: [worktext/workflows]
exclude: ["backlog/tasks/drafts"]
mappings:
  statuses: {To Do: todo, In Progress: doing, Done: done}
  ignore_case: true
  keys: {created_date: created}
  folder_states: {backlog/completed: done}
"""
WORKFLOW = """\
---
states:
  - {id: todo, title: To Do, category: todo}
  - {id: doing, title: In Progress, category: active}
  - {id: done, title: Done, category: done}
---
"""


def test_old_versions_are_read_through_the_mappings(tmp_path) -> None:
    repo = Repo(tmp_path / "r", config=BACKLOG)
    repo.write(
        {
            "worktext/workflows/default.md": WORKFLOW,
            "backlog/tasks/task-1 - Login.md": task("task-1", status="To Do"),
            "backlog/tasks/drafts/task-9 - Idea.md": task("task-9", status="To Do"),
        }
    )
    repo.commit("Add task-1", "2026-01-01T09:00:00+00:00")
    repo.write({"backlog/tasks/task-1 - Login.md": task("task-1", status="in progress")})
    repo.commit("Start task-1", "2026-01-02T09:00:00+00:00")
    # Backlog.md moves a finished task to completed/ and leaves its status as it was.
    repo.move("backlog/tasks/task-1 - Login.md", "backlog/completed/task-1 - Login.md")
    repo.commit("Complete task-1", "2026-01-05T09:00:00+00:00")
    history = load(repo)
    assert steps(history, "task-1") == [
        ("Add task-1", None, "todo"),
        ("Start task-1", "todo", "doing"),
        ("Complete task-1", "doing", "done"),
    ]
    assert history.task("task-9") is None  # excluded, then as now


KANBN = """\
name: Board
folders:
  tasks: [.kanbn/tasks]
  workflows: [worktext/workflows]
mappings:
  statuses: {Backlog: todo, In Progress: doing, Done: done}
  ignore_case: true
  status_source: {kanbn: .kanbn/index.md}
"""


def board(columns: dict[str, list[str]]) -> str:
    lines = ["---", "startedColumns: ['In Progress']", "completedColumns: [Done]", "---", ""]
    lines.append("# Board")
    for column, names in columns.items():
        lines += ["", f"## {column}", ""]
        lines += [f"- [{n}](tasks/{n}.md)" for n in names]
    return "\n".join(lines) + "\n"


def test_a_move_between_kanbn_columns_is_a_status_change(tmp_path) -> None:
    repo = Repo(tmp_path / "r", config=KANBN)
    repo.write(
        {
            "worktext/workflows/default.md": WORKFLOW.replace("To Do", "Backlog"),
            ".kanbn/tasks/write-copy.md": "---\ncreated: 2026-01-01\n---\n\n# Write copy\n",
            ".kanbn/index.md": board({"Backlog": ["write-copy"], "In Progress": [], "Done": []}),
        }
    )
    repo.commit("Add a task", "2026-01-01T09:00:00+00:00")
    repo.write(
        {".kanbn/index.md": board({"Backlog": [], "In Progress": ["write-copy"], "Done": []})}
    )
    repo.commit("Start it", "2026-01-02T09:00:00+00:00", author="Bo", email="bo@x")
    repo.write(
        {".kanbn/index.md": board({"Backlog": [], "In Progress": [], "Done": ["write-copy"]})}
    )
    repo.commit("Finish it", "2026-01-03T09:00:00+00:00")
    history = load(repo)
    assert steps(history, "write-copy") == [
        ("Add a task", None, "todo"),
        ("Start it", "todo", "doing"),
        ("Finish it", "doing", "done"),
    ]
    start = history.task("write-copy").events[1]
    assert start.commit.author == "Bo" and start.path == ".kanbn/tasks/write-copy.md"
    # A move not committed yet is the working tree's change.
    repo.write(
        {".kanbn/index.md": board({"Backlog": ["write-copy"], "In Progress": [], "Done": []})}
    )
    config, _ = load_config(repo.root, use_cache=False)
    uncommitted = load_history(config, now=NOW)
    assert steps(uncommitted, "write-copy")[-1] == ("Changes not yet committed", "done", "todo")


def test_a_task_is_followed_through_a_change_of_id(tmp_path) -> None:
    repo = Repo(tmp_path / "r")
    body = "\n".join(f"Line {n} of a description long enough to be recognised." for n in range(8))
    repo.write({"tasks/task-1.md": task(status="todo") + body})
    repo.commit("Add task-1", "2026-01-01T09:00:00+00:00")
    repo.write({"tasks/task-1.md": task(status="doing") + body})
    repo.commit("Start task-1", "2026-01-02T09:00:00+00:00")
    repo.move("tasks/task-1.md", "tasks/back-1.md")  # the path and the id change at once
    repo.commit("Rename every task", "2026-01-03T09:00:00+00:00")
    repo.write({"tasks/back-1.md": task(status="done") + body})
    repo.commit("Finish back-1", "2026-01-04T09:00:00+00:00")
    history = load(repo)
    found = history.task("back-1")
    assert [e.action for e in found.events] == ["created", "changed", "moved", "changed"]
    assert found.events[2].change("id") == ("id", "task-1", "back-1")
    assert history.task("task-1") is None
    assert steps(history, "back-1")[0] == ("Add task-1", None, "todo")


def test_previous_ids_continue_a_history(tmp_path) -> None:
    repo = Repo(tmp_path / "r")
    repo.write({"tasks/OPS-3.md": task(status="doing")})
    repo.commit("Add OPS-3", "2026-01-01T09:00:00+00:00")
    repo.remove("tasks/OPS-3.md")
    repo.write({"tasks/WEB-9.md": task(status="doing", previous_ids=["OPS-3"], title="Other")})
    repo.commit("Move it to the web project", "2026-01-02T09:00:00+00:00")
    found = load(repo).task("WEB-9")
    assert found is not None
    assert [e.action for e in found.events] == ["created", "moved"]
    assert found.events[1].old_path == "tasks/OPS-3.md"


def test_two_files_with_one_id_keep_their_own_histories(tmp_path) -> None:
    repo = Repo(tmp_path / "r")
    repo.write({"tasks/a.md": task("T-1", status="todo")})
    repo.commit("Add a", "2026-01-01T09:00:00+00:00")
    repo.write({"tasks/b.md": task("T-1", status="doing")})
    repo.commit("Add b", "2026-01-02T09:00:00+00:00")
    repo.write({"tasks/a.md": task("T-1", status="done"), "tasks/b.md": task("T-1", status="todo")})
    repo.commit("Change both", "2026-01-03T09:00:00+00:00")
    history = load(repo)
    assert steps(history, "T-1") == [("Add a", None, "todo"), ("Change both", "todo", "done")]
    others = [t for k, t in history.tasks.items() if t.id == "T-1" and k != "t-1"]
    assert len(others) == 1
    assert [(e.commit.subject, e.path) for e in others[0].events] == [
        ("Add b", "tasks/b.md"),
        ("Change both", "tasks/b.md"),
    ]
    assert any("T-1" in w and "tasks/a.md, tasks/b.md" in w for w in history.warnings)
    cached = load(repo)
    assert cached.from_cache and cached.duplicated == history.duplicated
    repo.remove("tasks/a.md")
    repo.commit("Remove a", "2026-01-04T09:00:00+00:00")
    assert load(repo).task("T-1").events[-1].path == "tasks/b.md"  # the file left holds it


def test_stats_are_reused_while_nothing_changed_and_redone_after(tmp_path, monkeypatch) -> None:
    from click.testing import CliRunner

    from worktext.cli import cli
    from worktext.commands import history as command
    from worktext.load import cache

    # Every file is old enough to be cached (else nothing is: see cache.RACY_NS).
    monkeypatch.setattr(cache, "now_ns", lambda: time.time_ns() + 10 * cache.RACY_NS)
    computed: list[object] = []
    real = command._stats_output
    monkeypatch.setattr(
        command,
        "_stats_output",
        lambda *a: computed.append(a) or real(*a),  # type: ignore[func-returns-value]
    )
    repo = Repo(tmp_path / "r")
    repo.write({"tasks/A-1.md": task(status="todo")})
    repo.commit("Add A-1", "2026-01-01T09:00:00+00:00")

    def stats() -> tuple[str, bool]:
        before = len(computed)
        result = CliRunner().invoke(cli, ["-w", str(repo.root), "stats"])
        assert result.exit_code == 0, result.output
        return result.stdout, len(computed) == before

    first, reused = stats()
    assert not reused
    assert stats() == (first, True)
    repo.write({"tasks/A-1.md": task(status="done")})  # uncommitted: never reused
    moved, reused = stats()
    assert not reused and moved != first
    assert stats()[1] is False
    repo.commit("Finish A-1", "2026-01-02T09:00:00+00:00")
    done, reused = stats()
    assert "finished: 1" in done and not reused
    assert stats() == (done, True)


def test_the_input_key_from_a_walk_is_the_loaded_workspace_s(tmp_path, monkeypatch) -> None:
    """stats decides from the walk alone whether its last figures still hold: that key must
    be the one the loaded workspace (items, comments, documents) has."""
    from worktext.check.pipeline import input_key, open_workspace
    from worktext.load import cache

    monkeypatch.setattr(cache, "now_ns", lambda: time.time_ns() + 10 * cache.RACY_NS)
    repo = Repo(tmp_path / "r")
    repo.write(
        {
            "tasks/A-1.md": task(status="todo"),
            "comments/A-1/20260101T090000Z-ana-abcdef0.md": "---\nauthor: ana\n---\nHi\n",
            "docs/spec.md": "# Spec\n",
        }
    )
    config, _ = load_config(repo.root)
    ws = open_workspace(repo.root)
    assert ws.input_key is not None and input_key(config) == ws.input_key
    repo.write({"docs/spec.md": "# Spec, changed\n"})
    assert input_key(config) != ws.input_key
