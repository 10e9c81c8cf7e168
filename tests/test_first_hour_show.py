"""``show`` prints values as people read them, ``ls`` fits the terminal, and a duplicate is
called a duplicate (issue 14's rough edges)."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner
from conftest import TODAY
from hypothesis import given
from hypothesis import strategies as st

from worktext.cli import cli
from worktext.terminal import field_lines, fit_columns, readable, shorten

FILES = {
    "people/ana.md": "---\nname: Ana\naway:\n  - {from: 2026-12-23, to: 2027-01-03, note: Lisbon}\n"
    "teams: [web, ops]\n---\n",
    "goals/g.md": "---\ntitle: Grow\n---\n",
    "projects/web.md": "---\ntitle: Web\ngoal: g\nmilestones:\n  - {id: beta, title: Beta, "
    "date: 2026-12-18}\n---\n",
    "tasks/WEB-1.md": "---\ntitle: Login\nproject: web\nassignee: ana\nrepeat: weekly\n"
    "depends_on: [WEB-2, WEB-3]\nlog:\n  - {date: 2026-11-20, duration: 1h30m, who: ana, "
    "note: first pass}\n  - {date: 2026-11-21, duration: 2h}\n---\n",
    "tasks/WEB-2.md": "---\ntitle: Signup\nproject: web\n---\n",
    "tasks/WEB-3.md": "---\ntitle: Launch\nproject: web\n---\n",
}


@pytest.fixture
def root(make_workspace):
    return make_workspace(FILES)


def run(root, *args: str):
    return CliRunner().invoke(cli, ["-w", str(root), "--today", TODAY.isoformat(), *args])


def test_show_has_no_python_in_it(root) -> None:
    for item in ("web", "g", "ana", "default", "WEB-1"):
        output = run(root, "show", item).output
        assert not any(mark in output for mark in ("{'", "['", "('", "None", "True")), output


def test_show_project_goal_and_person_read_as_text(root) -> None:
    project = run(root, "show", "web").output.splitlines()
    assert "  milestones" in project
    assert "    - beta — Beta, date 2026-12-18" in project
    assert "  goals       g" in project
    assert project[project.index("  progress") + 1].split() == ["done", "0"]
    person = run(root, "show", "ana").output
    assert "  teams          web, ops" in person
    assert "    - from 2026-12-23, to 2027-01-03, note Lisbon" in person
    assert "  capacity_hours 40\n" in person


def test_show_task_has_its_repeat_and_time_log(root) -> None:
    lines = run(root, "show", "WEB-1").output.splitlines()
    assert "  repeat      weekly" in lines
    assert "  depends on  WEB-2 (todo), WEB-3 (todo)" in lines
    log = lines.index("  time log")
    assert lines[log + 1] == "    2026-11-20    1.5h  ana (Ana)  first pass"
    assert lines[log + 2] == "    2026-11-21      2h  nobody named"


def test_readable_values() -> None:
    assert readable(["a", "b"]) == "a, b"
    assert readable((1.0, 2.5)) == "1, 2.5"
    assert readable({"id": "x", "title": "X", "wip": None, "n": 3}) == "x — X, n 3"
    assert readable(False) == "no"
    assert field_lines([("progress", {"done": 4, "total": 9}), ("empty", [])]) == [
        "  progress",
        "    done        4",
        "    total       9",
    ]


def test_a_duplicate_is_called_a_duplicate(root, tmp_path) -> None:
    (root / "tasks/zz-copy.md").write_text("---\nid: web-1\ntitle: Copy\n---\n")
    result = run(root, "build", "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert (
        "tasks/zz-copy.md has a duplicate id (the same as tasks/WEB-1.md) and is left out"
        in result.output
    )
    assert "could not be read" not in result.output
    again = run(root, "build", "-o", str(tmp_path / "out"))  # from the build's record
    assert "has a duplicate id" in again.output


def _ls_lines(root, monkeypatch, columns: int) -> list[str]:
    monkeypatch.setenv("COLUMNS", str(columns))
    result = run(root, "ls", "--no-color")
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


@pytest.mark.parametrize("columns", [200, 120, 80, 60, 50, 30])
def test_ls_never_runs_past_the_terminal(root, monkeypatch, columns: int) -> None:
    long_id = "2026-11-23-a-very-long-task-identifier-42"
    (root / f"tasks/{long_id}.md").write_text(
        "---\ntitle: " + "A rather long title that goes on " * 4 + "\nassignee: ana\n---\n"
    )
    lines = _ls_lines(root, monkeypatch, columns)
    assert max(len(line) for line in lines) <= columns
    row = next(line for line in lines if line.startswith("2026"))
    if 80 <= columns < 200:
        shown_id = row.split()[0]
        assert "…" in shown_id and shown_id.endswith("-42")  # cut in the middle: the end stays
        assert "A rather long title" in row and row.endswith("…")
    if columns >= 200:
        assert long_id in row


def test_ls_titles_take_the_room_left(root, monkeypatch) -> None:
    lines = _ls_lines(root, monkeypatch, 200)
    assert lines[1].endswith("Login")  # nothing cut when it fits
    header = lines[0].split()
    assert header == ["ID", "STATUS", "PRIORITY", "DUE", "ASSIGNEE", "TITLE"]


def test_shorten() -> None:
    assert shorten("WEB-1234567", 7, keep_end=True) == "WEB…567"
    assert shorten("Hello world", 6) == "Hello…"
    assert shorten("short", 9) == "short"


@given(
    st.lists(st.integers(min_value=0, max_value=60), min_size=2, max_size=7),
    st.integers(min_value=10, max_value=250),
)
def test_fitted_columns_never_exceed_the_width(natural: list[int], width: int) -> None:
    minimum = [min(4, n) for n in natural]
    widths = fit_columns(natural, minimum, width)
    assert all(w <= n for w, n in zip(widths, natural, strict=True))
    gaps = 2 * (len(natural) - 1)
    if sum(minimum[:-1]) + gaps <= width:
        assert sum(widths) + gaps <= width
    if sum(natural) + gaps <= width:
        assert widths == natural


def test_on_a_narrow_terminal_columns_give_way_to_the_title(root, monkeypatch) -> None:
    (root / "tasks/WEB-2.md").write_text(
        "---\ntitle: Signup form with the trial plan chosen\nproject: web\npriority: high\n"
        "assignee: ana\n---\n"
    )
    assert len(_ls_lines(root, monkeypatch, 100)[0].split()) == 6  # everything fits
    counts = []
    for columns in range(80, 33, -2):
        lines = _ls_lines(root, monkeypatch, columns)
        header = lines[0].split()
        counts.append(len(header))
        assert header[-1] == "TITLE" and header[:1] == ["ID"], (columns, header)
        assert all(len(line) <= columns for line in lines)
        row = next(line for line in lines if line.startswith("WEB-2"))
        assert "Signup form" in row  # the title keeps at least its minimum
    assert counts == sorted(counts, reverse=True) and {6, 5, 4, 3} <= set(counts)
    assert _ls_lines(root, monkeypatch, 34)[0].split() == ["ID", "DUE", "TITLE"]


def test_colour_never_makes_a_line_wider(root, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "20")
    result = run(root, "ls", "--color")
    assert all(len(click.unstyle(line)) <= 20 for line in result.output.splitlines())
