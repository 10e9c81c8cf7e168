"""The write operations every adapter shares (edit/operations.py): planned changes, refusals
that carry diagnostics, and writes that commit."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import TODAY
from worktext.check.pipeline import open_workspace
from worktext.edit import operations
from worktext.errors import NotFound, Refused
from worktext.model.workspace import Workspace

WORKFLOW = """\
---
title: Flow
states:
  - {id: todo, category: todo}
  - {id: doing, category: active}
  - {id: review, category: active, requires: [estimate]}
  - {id: done, category: done}
transitions:
  todo: [doing]
  doing: [review, todo]
  review: [done, doing]
---
"""
FILES = {
    "workflows/flow.md": WORKFLOW,
    "projects/web.md": "---\ntitle: Web\nworkflow: flow\n---\n",
    "people/ana.md": "---\nname: Ana\n---\n",
    "tasks/web/WEB-1.md": "---\ntitle: First  # keep\nproject: web\nstatus: todo\n---\nBody.\n",
}
CONFIG = "name: Test\ndefault_workflow: flow\n"


def open_ws(root: Path) -> Workspace:
    return open_workspace(root, TODAY, use_cache=False)


@pytest.fixture
def root(make_workspace: Callable[..., Path]) -> Path:
    return make_workspace(FILES, CONFIG)


def test_move_plans_a_change_and_writes_nothing_until_asked(root: Path) -> None:
    task_file = root / "tasks/web/WEB-1.md"
    before = task_file.read_bytes()
    outcome = operations.move_task(open_ws(root), "WEB-1", "doing")
    assert outcome.message == "WEB-1: todo -> doing"
    assert outcome.item_ids == ["WEB-1"]
    assert task_file.read_bytes() == before
    assert operations.write(root, outcome) == [task_file]
    assert (
        task_file.read_text()
        == "---\ntitle: First  # keep\nproject: web\nstatus: doing\n---\nBody.\n"
    )


def test_a_move_into_the_current_state_is_a_note(root: Path) -> None:
    outcome = operations.move_task(open_ws(root), "WEB-1", "todo")
    assert outcome.changes == []
    assert outcome.note == "WEB-1 is already in 'todo'"
    assert operations.write(root, outcome) == []


def test_an_illegal_transition_is_refused_with_a_diagnostic(root: Path) -> None:
    with pytest.raises(Refused) as caught:
        operations.move_task(open_ws(root), "WEB-1", "done")
    [diagnostic] = caught.value.diagnostics
    assert diagnostic.code == "transition-not-allowed"
    assert (diagnostic.path, diagnostic.line, diagnostic.column) == ("tasks/web/WEB-1.md", 4, 9)
    assert "from 'todo' it allows: doing" in diagnostic.message
    assert operations.move_task(open_ws(root), "WEB-1", "done", force=True).effective


def test_a_state_that_requires_a_key_refuses_without_it(root: Path) -> None:
    operations.write(root, operations.move_task(open_ws(root), "WEB-1", "doing"))
    with pytest.raises(Refused) as caught:
        operations.move_task(open_ws(root), "WEB-1", "review")
    assert [d.code for d in caught.value.diagnostics] == ["missing-required"]


def test_an_unknown_state_is_refused(root: Path) -> None:
    with pytest.raises(Refused) as caught:
        operations.move_task(open_ws(root), "WEB-1", "shipped")
    assert [d.code for d in caught.value.diagnostics] == ["unknown-status"]
    assert "states: todo, doing, review, done" in str(caught.value.message)


def test_set_fields_refuses_unknown_keys_and_dangling_references(root: Path) -> None:
    ws = open_ws(root)
    with pytest.raises(Refused) as caught:
        operations.set_fields(ws, "WEB-1", [("colour", "red"), ("assignee", "zed")], TODAY)
    codes = sorted(d.code for d in caught.value.diagnostics)
    assert codes == ["dangling-reference", "unknown-key"]
    assert "nothing was written" in caught.value.message
    with pytest.raises(Refused) as bad_duration:
        operations.set_fields(ws, "WEB-1", [("estimate", "soon")], TODAY)
    assert [d.code for d in bad_duration.value.diagnostics] == ["invalid-duration"]


def test_set_fields_takes_text_or_data(root: Path) -> None:
    ws = open_ws(root)
    outcome = operations.set_fields(
        ws, "WEB-1", [("labels", "bug,ui"), ("estimate", "2h"), ("due", "tomorrow")], TODAY
    )
    operations.write(root, outcome)
    data = open_ws(root).sources["tasks/web/WEB-1.md"].data or {}
    assert data["labels"] == ["bug", "ui"]
    assert data["due"] == "2026-11-24"
    listed = operations.set_fields(open_ws(root), "WEB-1", [("labels", ["a", "b"])], TODAY)
    operations.write(root, listed)
    assert (open_ws(root).sources["tasks/web/WEB-1.md"].data or {})["labels"] == ["a", "b"]


def test_unset_and_log_time(root: Path) -> None:
    operations.write(root, operations.log_time(open_ws(root), "WEB-1", "1h30m", TODAY, who="ana"))
    data = open_ws(root).sources["tasks/web/WEB-1.md"].data or {}
    assert data["log"] == [{"date": "2026-11-23", "duration": "1h30m", "who": "ana"}]
    operations.write(root, operations.unset_fields(open_ws(root), "WEB-1", ["log"]))
    assert "log" not in (open_ws(root).sources["tasks/web/WEB-1.md"].data or {})


def test_create_task_gets_a_new_id_and_commits(root: Path) -> None:
    git = ["git", "-c", "user.name=T", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], cwd=root, check=True)
    subprocess.run([*git, "add", "."], cwd=root, check=True)
    subprocess.run([*git, "commit", "-qm", "start"], cwd=root, check=True)
    outcome = operations.create_task(
        open_ws(root), "Second", TODAY, project="web", assignees=["ana"], labels=["ui"]
    )
    assert outcome.item_ids == ["WEB-2"]
    [path] = operations.write(root, outcome, commit=True)
    assert path == root / "tasks/web/WEB-2.md"
    assert path.read_text().startswith(
        "---\ntitle: Second\nproject: web\nassignee: ana\nlabels: [ui]\ncreated: 2026-11-23\n"
    )
    subject = subprocess.run(
        ["git", "log", "-1", "--format=%s"], cwd=root, check=True, capture_output=True, text=True
    ).stdout
    assert subject.strip() == "WEB-2: new task: Second"


def test_create_task_refuses_a_missing_parent(root: Path) -> None:
    with pytest.raises(Refused) as caught:
        operations.create_task(open_ws(root), "Child", TODAY, project="web", parent="WEB-99")
    assert [d.code for d in caught.value.diagnostics] == ["dangling-reference"]


def test_from_template_plans_every_file(template_root: Path, tmp_path: Path) -> None:
    root = tmp_path / "ws"
    shutil.copytree(template_root, root)
    ws = open_ws(root)
    outcome = operations.from_template(ws, "onboarding", TODAY, {"name": "Zoe Park"})
    assert len(outcome.item_ids) >= 2
    assert outcome.message.splitlines()[0].endswith("new from template onboarding")
    assert all(not c.before.exists for c in outcome.changes)
    assert any(b"Zoe Park" in c.after for c in outcome.changes)
    with pytest.raises(NotFound):
        operations.from_template(ws, "no-such-template", TODAY)
