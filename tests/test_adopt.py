"""``worktext adopt``: Backlog.md, Kanbn and plain Markdown folders read in place, with no
file of theirs changed, and a second run that changes nothing."""

from __future__ import annotations

import hashlib
import textwrap
from pathlib import Path

from click.testing import CliRunner
from conftest import TODAY

from worktext.check.pipeline import open_workspace
from worktext.cli import cli
from worktext.model.items import Task


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".worktext" not in p.parts
    }


def adopt(root: Path, *args: str):
    return CliRunner().invoke(cli, ["--today", TODAY.isoformat(), "adopt", str(root), *args])


BACKLOG_MD = {
    "backlog/config.yml": """
        project_name: "Payments"
        default_status: "To Do"
        statuses: ["To Do", "In Progress", "Done"]
        labels: []
        date_format: yyyy-mm-dd
        task_prefix: "task"
        """,
    "backlog/tasks/task-1 - Set up CI.md": """
        ---
        id: task-1
        title: Set up CI
        status: In Progress
        assignee: ["@codex"]
        created_date: '2026-10-01'
        updated_date: '2026-10-03 14:09'
        labels: [infra]
        dependencies: [task-2]
        priority: High
        ---

        ## Description

        <!-- SECTION:DESCRIPTION:BEGIN -->
        Build and test on every push.
        <!-- SECTION:DESCRIPTION:END -->
        """,
    "backlog/tasks/task-1.1 - Cache deps.md": """
        ---
        id: TASK-1.1
        title: Cache deps
        status: to do
        assignee: []
        created_date: '2026-10-02'
        labels: []
        dependencies: []
        parent_task_id: task-1
        ---
        """,
    "backlog/completed/task-2 - Pick a runner.md": """
        ---
        id: task-2
        title: Pick a runner
        status: Done
        assignee: []
        created_date: '2026-09-20'
        labels: []
        dependencies: []
        ---
        """,
    "backlog/archive/tasks/task-3 - Old idea.md": """
        ---
        id: task-3
        title: Old idea
        status: To Do
        assignee: []
        created_date: '2026-09-01'
        labels: []
        dependencies: []
        ---
        """,
    "backlog/drafts/draft-1 - Maybe.md": """
        ---
        id: draft-1
        title: Maybe
        status: To Do
        ---
        """,
    "backlog/docs/doc-1 - Architecture.md": """
        ---
        id: doc-1
        title: Architecture
        type: other
        created_date: '2026-09-01'
        ---
        # Architecture
        """,
    "backlog/decisions/decision-1 - Use Python.md": """
        ---
        id: decision-1
        title: Use Python
        date: '2026-09-01'
        status: accepted
        ---
        """,
}


def test_a_backlog_md_project_is_read_as_it_is(tmp_path: Path) -> None:
    root = write(tmp_path / "repo", BACKLOG_MD)
    before = digests(root)
    result = adopt(root)
    assert result.exit_code == 0, result.output
    assert "Backlog.md (backlog/config.yml): 4 task files" in result.output
    assert "created worktext.yml" in result.output
    after = digests(root)
    assert {k: v for k, v in after.items() if k in before} == before  # nothing of theirs changed
    assert set(after) - set(before) == {"worktext.yml", "worktext/workflows/backlog.md"}

    ws = open_workspace(root, TODAY)
    tasks = {t.id: t for t in ws.tasks if isinstance(t, Task)}
    assert sorted(tasks) == ["TASK-1.1", "task-1", "task-2", "task-3"]  # no drafts, no docs
    assert tasks["task-1"].status == "in-progress"
    assert tasks["TASK-1.1"].status == "to-do"  # any case
    assert tasks["task-2"].status == "done"
    assert tasks["task-3"].status == "archived"  # the archive folder's state
    assert tasks["task-1"].depends_on == ("task-2",)
    assert tasks["TASK-1.1"].parent == "task-1"
    assert tasks["task-1"].created.isoformat() == "2026-10-01"
    assert tasks["task-1"].priority == "high"
    codes = sorted(d.code for d in ws.diagnostics)
    assert codes == ["guest"], [d.message for d in ws.diagnostics]  # '@codex' has no file
    assert "check: 0 errors and 1 warnings in 7 files (guest 1)" in result.output


def test_running_adopt_again_changes_nothing(tmp_path: Path) -> None:
    root = write(tmp_path / "repo", BACKLOG_MD)
    assert adopt(root).exit_code == 0
    first = digests(root)
    again = adopt(root)
    assert again.exit_code == 0, again.output
    assert "unchanged worktext.yml" in again.output
    assert "unchanged worktext/workflows/backlog.md" in again.output
    assert digests(root) == first


def test_an_untouched_file_is_updated_and_an_edited_one_kept(tmp_path: Path) -> None:
    root = write(tmp_path / "repo", BACKLOG_MD)
    assert adopt(root).exit_code == 0
    config = root / "backlog/config.yml"
    config.write_text(config.read_text().replace('"Done"]', '"Review", "Done"]'))
    workflow = root / "worktext/workflows/backlog.md"
    workflow.write_text(workflow.read_text() + "Our own notes.\n")
    result = adopt(root)
    assert result.exit_code == 0, result.output
    assert "updated worktext.yml" in result.output
    assert "Review: review" in (root / "worktext.yml").read_text()
    assert "kept worktext/workflows/backlog.md" in result.output
    assert "+  - {id: review, title: Review, category: active}" in result.output
    assert workflow.read_text().endswith("Our own notes.\n")


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    root = write(tmp_path / "repo", BACKLOG_MD)
    before = digests(root)
    result = adopt(root, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would create worktext.yml:" in result.output
    assert "    default_workflow: backlog" in result.output
    assert "dry run: nothing written" in result.output
    assert digests(root) == before


def test_drafts_can_be_read_as_backlog(tmp_path: Path) -> None:
    root = write(tmp_path / "repo", BACKLOG_MD)
    assert adopt(root, "--drafts", "backlog").exit_code == 0
    ws = open_workspace(root, TODAY)
    draft = ws.tasks.get("draft-1")
    assert draft is not None and draft.status == "draft"


def test_a_workspace_that_exists_is_not_overwritten(tmp_path: Path) -> None:
    root = write(tmp_path / "repo", {**BACKLOG_MD, "worktext.yml": "name: Ours\n"})
    result = adopt(root)
    assert result.exit_code != 0
    assert "was not written by 'worktext adopt'" in result.output
    assert "Traceback" not in result.output
    assert (root / "worktext.yml").read_text() == "name: Ours\n"


KANBN = {
    ".kanbn/index.md": """
        ---
        startedColumns:
          - 'In Progress'
        completedColumns:
          - Done
        ---

        # Website

        ## Backlog

        - [write-copy](tasks/write-copy.md)

        ## In Progress

        - [Сделать-логотип](tasks/Сделать-логотип.md)

        ## Done

        - [buy-domain](tasks/buy-domain.md)
        """,
    ".kanbn/tasks/write-copy.md": """
        ---
        created: 2024-09-02T08:26:44.959Z
        updated: 2024-09-03T15:31:33.643Z
        assigned: ""
        progress: 0
        tags: [content]
        ---

        # Write copy
        """,
    ".kanbn/tasks/Сделать-логотип.md": """
        ---
        created: 2024-09-02T08:26:44.959Z
        updated: 2024-09-03T15:31:33.643Z
        assigned: ana
        progress: 0.5
        tags: []
        started: 2024-09-03T15:31:33.643Z
        ---

        # Сделать логотип
        """,
    ".kanbn/tasks/buy-domain.md": """
        ---
        created: 2024-09-01T08:00:00.000Z
        updated: 2024-09-02T08:00:00.000Z
        assigned: ""
        progress: 1
        tags: []
        completed: 2024-09-02T08:00:00.000Z
        ---

        # Buy domain
        """,
}


def test_a_kanbn_board_s_columns_are_the_states(tmp_path: Path) -> None:
    root = write(tmp_path / "board", KANBN)
    before = digests(root)
    result = adopt(root)
    assert result.exit_code == 0, result.output
    assert "Kanbn (.kanbn/index.md): 3 task files" in result.output
    assert "in-progress (active) for 'In Progress'" in result.output
    assert {k: v for k, v in digests(root).items() if k in before} == before
    ws = open_workspace(root, TODAY)
    status = {t.id: t.status for t in ws.tasks}
    assert status == {
        "write-copy": "backlog",
        "Сделать-логотип": "in-progress",
        "buy-domain": "done",
    }
    assert ws.tasks.get("write-copy").labels == ("content",)
    assert "progress (number)" in result.output
    assert sorted(d.code for d in ws.diagnostics) == ["guest"]  # 'ana' has no person file


def test_a_plain_folder_of_markdown_is_read_with_its_statuses(tmp_path: Path) -> None:
    root = write(
        tmp_path / "notes",
        {
            "README.md": "# Our work\n",
            "todo/fix-login.md": "---\ntitle: Fix login\nstatus: Doing\nowner_team: web\n---\n",
            "todo/write-docs.md": "---\ntitle: Write docs\nstatus: Todo\n---\n",
            "todo/ship.md": "---\ntitle: Ship\nstatus: Done\n---\n",
            "other/x.md": "no front matter here\n",
        },
    )
    result = adopt(root)
    assert result.exit_code == 0, result.output
    assert "Markdown files (todo/): 3 task files in todo" in result.output
    ws = open_workspace(root, TODAY)
    status = {t.id: t.status for t in ws.tasks}
    assert status == {"fix-login": "doing", "write-docs": "todo", "ship": "done"}
    workflow = (root / "worktext/workflows/tasks.md").read_text()
    assert workflow.index("id: todo") < workflow.index("id: doing") < workflow.index("id: done")
    assert "owner_team (string)" in result.output
    assert not [d for d in ws.diagnostics if d.severity == "error"]


def test_nothing_to_adopt_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = adopt(tmp_path / "empty")
    assert result.exit_code != 0
    assert "nothing to adopt" in result.output and "Traceback" not in result.output


def test_a_broken_backlog_config_is_positioned(tmp_path: Path) -> None:
    root = write(tmp_path / "repo", {"backlog/config.yml": "statuses: [To Do\n"})
    result = adopt(root)
    assert result.exit_code != 0
    assert "backlog/config.yml:" in result.output and "Traceback" not in result.output


DOCS = Path(__file__).resolve().parent.parent / "site/docs/adopting.md"


def recipe(section: str) -> list[list[str]]:
    """The ``worktext`` commands of a section of adopting.md, as argument lists."""
    text = DOCS.read_text(encoding="utf-8")
    body = text.split(f"### {section}\n", 1)[1].split("\n#", 1)[0]
    commands = []
    for line in body.splitlines():
        if line.startswith("$ worktext "):
            words = line[2:].split("#", 1)[0].split()
            commands.append(words[1:])
    assert commands, f"no commands in the {section} section"
    return commands


def test_the_docs_recipes_run(tmp_path: Path, monkeypatch) -> None:
    for section, files in (("Backlog.md", BACKLOG_MD), ("Kanbn", KANBN)):
        root = write(tmp_path / section, files)
        monkeypatch.chdir(root)
        for args in recipe(section):
            result = CliRunner().invoke(cli, ["--today", TODAY.isoformat(), *args])
            assert result.exit_code == 0, (section, args, result.output)
        assert (root / "worktext.yml").is_file()
    assert (tmp_path / "Backlog.md/public/index.html").is_file()
