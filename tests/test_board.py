"""``worktext move`` on a Kanbn board: the task's link moves between the index's columns;
the task file and every other line of the index stay as they were."""

from __future__ import annotations

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from test_mappings import KANBN_CONFIG, KANBN_FILES, KANBN_INDEX

from worktext.check.pipeline import open_workspace
from worktext.cli import cli
from worktext.edit.board import move_link

INDEX = ".kanbn/index.md"


def test_a_link_moves_to_the_end_of_another_column() -> None:
    after = move_link(KANBN_INDEX, INDEX, ".kanbn/tasks/fix-login.md", "Done")
    assert after == KANBN_INDEX.replace("- [fix-login](tasks/fix-login.md)\n", "").replace(
        "- [ship-it](tasks/ship-it.md)\n",
        "- [ship-it](tasks/ship-it.md)\n- [fix-login](tasks/fix-login.md)\n",
    )


def test_a_percent_encoded_link_is_found_and_an_empty_column_filled() -> None:
    text = KANBN_INDEX.replace("## In Progress\n\n- [write-docs](tasks/write-docs.md)\n", "")
    text = text.replace("## Done", "## Todo\n\n## Done")
    after = move_link(text, INDEX, ".kanbn/tasks/Отчёт.md", "Todo")
    assert "## Todo\n\n- [Отчёт](tasks/%D0%9E%D1%82%D1%87%D1%91%D1%82.md)\n\n## Done" in after
    assert after.count("Отчёт") == 1


def test_a_task_not_on_the_board_gets_a_link_and_crlf_is_kept() -> None:
    text = KANBN_INDEX.replace("\n", "\r\n")
    after = move_link(text, INDEX, ".kanbn/tasks/new task.md", "Backlog")
    assert "- [new task](tasks/new%20task.md)\r\n" in after
    assert "\n" not in after.replace("\r\n", "")


@given(
    st.sampled_from(["fix-login", "write-docs", "ship-it"]),
    st.sampled_from(["Backlog", "In Progress", "Done"]),
)
def test_moving_changes_only_the_one_link(name: str, column: str) -> None:
    rel = f".kanbn/tasks/{name}.md"
    after = move_link(KANBN_INDEX, INDEX, rel, column)
    link = f"- [{name}](tasks/{name}.md)"
    assert sorted(after.splitlines()) == sorted(KANBN_INDEX.splitlines())  # the same lines
    section = after.split(f"## {column}\n", 1)[1].split("\n## ", 1)[0]
    assert link in section.splitlines()


def test_move_edits_the_board_not_the_task(make_workspace) -> None:
    root = make_workspace(KANBN_FILES, config=KANBN_CONFIG)
    task_before = (root / ".kanbn/tasks/fix-login.md").read_bytes()
    result = CliRunner().invoke(cli, ["-w", str(root), "move", "fix-login", "In Progress"])
    assert result.exit_code == 0, result.output
    assert (root / ".kanbn/tasks/fix-login.md").read_bytes() == task_before
    index = (root / INDEX).read_text()
    assert "- [write-docs](tasks/write-docs.md)\n- [fix-login](tasks/fix-login.md)\n" in index
    ws = open_workspace(root, use_cache=False)
    assert ws.tasks.get("fix-login").status == "doing"
