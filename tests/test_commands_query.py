from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from worktext.cli import cli


@pytest.fixture
def root(make_workspace):
    return make_workspace(
        {
            "people/ana.md": "---\nname: Ana\n---\n",
            "tasks/A-1.md": "---\ntitle: 'First, with comma'\nstatus: doing\nassignee: ana\n"
            "due: 2026-11-01\n---\nBody text\n",
            "tasks/A-2.md": "---\ntitle: Second\ndepends_on: A-1\n---\n",
        }
    )


def run(root, *args: str):
    return CliRunner().invoke(cli, ["-w", str(root), "--today", "2026-11-23", *args])


def test_ls_formats(root) -> None:
    assert run(root, "ls", "--format", "ids").output == "A-1\nA-2\n"
    records = json.loads(run(root, "ls", "is:overdue", "--format", "json").output)
    assert [r["id"] for r in records] == ["A-1"]
    assert records[0]["is_overdue"] is True
    rows = list(csv.DictReader(io.StringIO(run(root, "ls", "--format", "csv").output)))
    assert rows[0]["title"] == "First, with comma"
    table = run(root, "ls", "assignee:ana").output
    assert "A-1" in table and "A-2" not in table and table.rstrip().endswith("1 task")


def test_ls_reads_the_items_alone(root, monkeypatch: pytest.MonkeyPatch) -> None:
    """``ls`` prints tasks only: no rule pass, no comments, no completion index (the
    speed target of issue #14); its output is the same as with all of them."""
    from worktext.check import pipeline
    from worktext.commands.common import Context

    table, ids = run(root, "ls").output, run(root, "ls", "-f", "ids").output
    assert run(root, "check").exit_code == 0  # so the rules would have something to reuse

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("ls needs none of this")

    for name in ("check_workspace", "load_discussion", "_kept_check"):
        monkeypatch.setattr(pipeline, name, never)
    monkeypatch.setattr(pipeline.completion, "write", never)
    assert run(root, "ls").output == table
    assert run(root, "--no-cache", "ls", "-f", "ids").output == ids
    assert run(root, "ls", "is:overdue", "-f", "ids").output == "A-1\n"
    ws = Context(str(root), None, True).workspace(items_only=True)
    assert ws.diagnostics == [] and ws.input_key is None and ws.file_count == 3


def test_a_full_workspace_follows_an_items_only_one(root) -> None:
    from worktext.commands.common import Context

    obj = Context(str(root), None, False)
    items = obj.workspace(items_only=True)
    assert obj.workspace(items_only=True) is items
    full = obj.workspace()
    assert full is not items and obj.workspace(items_only=True) is full
    assert [t.id for t in full.tasks] == [t.id for t in items.tasks]


def test_ls_bad_query_is_exit_2(root) -> None:
    result = run(root, "ls", "statsu:x")
    assert result.exit_code == 2
    assert "did you mean 'status'" in result.output


def test_show_task_with_relations(root) -> None:
    result = run(root, "show", "a-2")
    assert result.exit_code == 0
    assert "A-2: Second  [blocked]" in result.output
    assert "depends on  A-1 (doing)" in result.output
    data = json.loads(run(root, "show", "A-1", "--format", "json").output)
    assert (
        data["kind"] == "task" and data["dependents"] == ["A-2"] and data["body"] == "Body text\n"
    )
    assert run(root, "show", "nope").exit_code == 1


def test_index_is_deterministic_and_versioned(root, tmp_path) -> None:
    out = tmp_path / "index.json"
    assert run(root, "index", "-o", str(out)).exit_code == 0
    first = out.read_bytes()
    run(root, "index", "-o", str(out))
    assert out.read_bytes() == first
    data = json.loads(first)
    assert data["version"] == 1 and data["today"] == "2026-11-23"
    assert [t["id"] for t in data["tasks"]] == ["A-1", "A-2"]


def test_schema(root) -> None:
    data = json.loads(run(root, "schema", "task").output)
    assert data["$schema"].endswith("2020-12/schema")
    assert "depends_on" in data["properties"]
    every = json.loads(run(root, "schema").output)
    assert set(every) == {"task", "project", "workflow", "template", "person", "goal", "config"}


def test_missing_workspace_is_exit_2(tmp_path) -> None:
    result = CliRunner().invoke(cli, ["-w", str(tmp_path), "check"])
    assert result.exit_code == 2
    assert "worktext init" in result.output


def test_a_guest_is_a_name_everywhere(make_workspace, tmp_path) -> None:
    root = make_workspace(
        {
            "people/ana.md": "---\nname: Ana\n---\n",
            "tasks/G-1.md": "---\ntitle: Guest work\nassignee: [ana, Bo Chen]\n---\n",
        }
    )
    shown = run(root, "show", "G-1").output
    assert "assignee    ana (Ana), Bo Chen (guest)" in shown
    assert "'Bo Chen' has no person file" in shown  # the warning, not an error
    assert run(root, "check").exit_code == 0
    assert "G-1" in run(root, "ls", 'assignee:"Bo Chen"').output
    out = tmp_path / "site"
    assert run(root, "build", "-o", str(out)).exit_code == 0
    page = (out / "tasks" / "G-1.html").read_text("utf-8")
    assert '<span class="person">Bo Chen</span>' in page
