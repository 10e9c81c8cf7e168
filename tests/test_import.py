"""``worktext import``: each tool's export (fixtures built from its documented format, under
``tests/fixtures/import/``) becomes the task files of ``tests/golden/import/<case>/``, on a
copy of the starter workspace. Update the golden files with
``WORKTEXT_UPDATE_GOLDEN=1 python -m pytest tests/test_import.py`` and review the diff."""

from __future__ import annotations

import csv
import io
import json
import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from worktext.cli import cli
from worktext.edit import engine
from worktext.importers.base import Comment, Record, csv_rows, iso_when, json_objects
from worktext.importers.body import task_body
from worktext.load.source import parse_bytes

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures" / "import"
GOLDEN = HERE / "golden" / "import"
TEMPLATE = HERE.parent / "workspace-template"
MAPPINGS = """
mappings:
  statuses:
    Canceled: cancelled
    Ideas: backlog
    Doing: in-progress
"""
CSV_MAP = [
    *("--map", "Ticket=source_id", "--map", "Name=title", "--map", "State=status"),
    *("--map", "Owner=assignee", "--map", "Tags=labels", "--map", "Opened=created"),
    *("--map", "Notes=body"),
]
CASES = {
    "github-gh": ["github", "github-gh.json", "--project", "web"],
    "github-rest": ["github", "github-rest.json", "--project", "web"],
    "jira": [
        *("jira", "jira.csv", "--project", "web"),
        *("--base-url", "https://northwind.atlassian.net"),
    ],
    "linear": [
        *("linear", "linear.csv", "--project", "app"),
        *("--base-url", "https://linear.app/northwind"),
    ],
    "taskwarrior": ["taskwarrior", "taskwarrior.json", "--project", "ops"],
    "trello": ["trello", "trello.json", "--project", "mkt"],
    "csv": ["csv", "sheet.csv", "--project", "ops", *CSV_MAP],
}


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A copy of the starter workspace with status aliases for Linear and Trello, in a git
    repository with one commit."""
    root = tmp_path / "ws"
    shutil.copytree(TEMPLATE, root)
    with open(root / "worktext.yml", "a", encoding="utf-8") as handle:
        handle.write(MAPPINGS)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-qm", "start")
    return root


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["-w", str(root), "--today", "2026-11-23", *args])
    return result.exit_code, result.stdout, result.stderr


def import_case(root: Path, case: str, *extra: str) -> tuple[int, str, str]:
    source, name, *options = CASES[case]
    return run(root, "import", source, str(FIXTURES / name), *options, *extra)


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".git" not in p.parts and ".worktext" not in p.parts
    }


@pytest.mark.parametrize("case", list(CASES))
def test_each_source_imports_to_the_golden_files(workspace: Path, case: str) -> None:
    before = snapshot(workspace)
    code, out, err = import_case(workspace, case)
    assert code == 0, err
    after = snapshot(workspace)
    assert {k: v for k, v in after.items() if k in before} == before  # nothing else touched
    created = {k: v for k, v in after.items() if k not in before}
    folder = GOLDEN / case
    if os.environ.get("WORKTEXT_UPDATE_GOLDEN"):
        shutil.rmtree(folder, ignore_errors=True)
        for rel, content in created.items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_bytes(content)
    expected = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.md")}
    assert expected, f"no golden files for {case}; run with WORKTEXT_UPDATE_GOLDEN=1"
    assert created == expected
    assert f"{len(created)} created, 0 updated, 0 unchanged" in out
    code, out, _err = run(workspace, "check")
    assert code == 0, out
    problems = [line for line in out.splitlines() if ": warning " in line or ": error " in line]
    assert all(line.endswith("[guest]") for line in problems), problems  # people to add


@pytest.mark.parametrize("case", list(CASES))
def test_importing_again_changes_nothing(workspace: Path, case: str) -> None:
    assert import_case(workspace, case)[0] == 0
    first = snapshot(workspace)
    code, out, _err = import_case(workspace, case)
    assert code == 0
    assert "nothing to change" in out
    assert snapshot(workspace) == first


def test_an_upstream_change_updates_only_its_keys(workspace: Path, tmp_path: Path) -> None:
    assert import_case(workspace, "github-gh")[0] == 0
    task = workspace / "tasks/web/WEB-17.md"
    # A person's own key and words in front of the import's keys are kept.
    task.write_bytes(
        task.read_bytes().replace(b"status: backlog\n", b"status: backlog\nestimate: 2d\n")
    )
    issues = json.loads((FIXTURES / "github-gh.json").read_text(encoding="utf-8"))
    issues[0]["title"] = "Pricing page: the annual toggle resets after a reload"
    issues[0]["labels"] = issues[0]["labels"][:1]
    export = tmp_path / "issues.json"
    export.write_text(json.dumps(issues), encoding="utf-8")
    before = snapshot(workspace)
    code, out, err = run(workspace, "import", "github", str(export), "--project", "web")
    assert code == 0, err
    assert "0 created, 1 updated, 2 unchanged" in out
    after = snapshot(workspace)
    assert [k for k in after if after[k] != before.get(k)] == ["tasks/web/WEB-17.md"]
    old = before["tasks/web/WEB-17.md"].decode().splitlines()
    new = after["tasks/web/WEB-17.md"].decode().splitlines()
    changed = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    assert changed == [
        (
            'title: "Pricing page: the annual toggle resets on reload"',
            'title: "Pricing page: the annual toggle resets after a reload"',
        ),
        ("labels: [bug, pricing]", "labels: [bug]"),
    ]


def test_closing_upstream_moves_the_task_and_dates_it(workspace: Path, tmp_path: Path) -> None:
    assert import_case(workspace, "github-gh")[0] == 0
    issues = json.loads((FIXTURES / "github-gh.json").read_text(encoding="utf-8"))
    issues[0].update(state="CLOSED", stateReason="COMPLETED", closedAt="2026-11-20T10:00:00Z")
    export = tmp_path / "issues.json"
    export.write_text(json.dumps(issues), encoding="utf-8")
    assert run(workspace, "import", "github", str(export), "--project", "web")[0] == 0
    text = (workspace / "tasks/web/WEB-17.md").read_text(encoding="utf-8")
    assert "status: done\n" in text
    assert "completed: 2026-11-20T10:00:00Z\n" in text


def test_a_failed_write_writes_nothing(workspace: Path, tmp_path: Path) -> None:
    """The update of WEB-17 is written to its temporary file first; the new task's folder
    cannot be made (a link to nowhere is in its place): neither file is written, and no
    temporary file is left."""
    assert import_case(workspace, "github-gh")[0] == 0
    (workspace / "projects/events.md").write_text("---\ntitle: Events\n---\n", encoding="utf-8")
    (workspace / "tasks/events").symlink_to(tmp_path / "gone" / "events")
    issues = json.loads((FIXTURES / "github-gh.json").read_text(encoding="utf-8"))
    issues[0]["title"] = "Changed upstream"
    issues.append({**issues[1], "number": 120, "title": "A new issue", "url": None})
    export = tmp_path / "issues.json"
    export.write_text(json.dumps(issues), encoding="utf-8")
    before = snapshot(workspace)
    code, out, err = run(workspace, "import", "github", str(export), "--project", "events")
    assert code == 2
    assert "cannot write" in err and "nothing was written" in err
    assert "Traceback" not in err + out
    assert snapshot(workspace) == before
    assert not list(workspace.rglob(".worktext-tmp-*"))


def test_bad_input_in_the_middle_writes_nothing(workspace: Path, tmp_path: Path) -> None:
    issues = json.loads((FIXTURES / "github-gh.json").read_text(encoding="utf-8"))
    del issues[2]["title"]
    export = tmp_path / "issues.json"
    export.write_text(json.dumps(issues, indent=2), encoding="utf-8")
    before = snapshot(workspace)
    code, _out, err = run(workspace, "import", "github", str(export))
    assert code == 2
    line = next(
        n for n, text in enumerate(export.read_text().splitlines(), 1) if '"number": 97' in text
    )
    assert f"{export}:{line - 1}: issue #97 has no 'title'" in err
    assert snapshot(workspace) == before


def test_dry_run_prints_the_diff_and_writes_nothing(workspace: Path) -> None:
    before = snapshot(workspace)
    code, out, _err = import_case(workspace, "jira", "--dry-run")
    assert code == 0
    assert snapshot(workspace) == before
    assert "--- /dev/null\n+++ b/tasks/web/WEB-17.md\n" in out
    assert "+source: jira\n+source_id: WEB-201\n" in out
    assert "+source_url: https://northwind.atlassian.net/browse/WEB-201\n" in out
    # and of an update: only the changed line
    assert import_case(workspace, "jira")[0] == 0
    path = workspace / "tasks/web/WEB-17.md"
    path.write_bytes(path.read_bytes().replace(b"status: in-progress", b"status: todo"))
    code, out, _err = import_case(workspace, "jira", "--dry-run")
    assert "-status: todo\n+status: in-progress\n" in out
    changed = [
        line for line in out.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    assert changed == ["-status: todo", "+status: in-progress"]


def test_an_unmapped_status_is_one_error_with_the_lines_to_add(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    shutil.copytree(TEMPLATE, root)
    before = snapshot(root)
    code, _out, err = import_case(root, "trello")
    assert code == 2
    assert "2 status(es) of the trello export are not states of the workflow 'product'" in err
    assert f"'Doing': 1 task, first at {FIXTURES / 'trello.json'}:24" in err
    assert 'mappings:\n  statuses:\n    "Doing": in-progress\n    "Ideas": backlog\n' in err
    assert snapshot(root) == before


TW_GONE = '{"uuid": "u", "description": "d", "status": "gone"}'
TW_SOON = '{"uuid": "u", "description": "d", "status": "pending", "due": "soon"}'
BAD_INPUT = [
    ("github", "i.json", '[{"number": 1,\n "title": "x",\n "state": OPEN}]', ":3: not valid JSON"),
    ("taskwarrior", "t.json", TW_GONE, ":1: task u has the status 'gone'"),
    ("taskwarrior", "t.json", TW_SOON, ":1: due 'soon' is not a date"),
    ("jira", "j.csv", "Summary,Status\nA,Done\n", ":1: the header has no column 'Issue key'"),
    ("jira", "j.csv", 'Issue key,Summary,Status\nW-1,A,Done\nW-2,"B,Done\n', ":3: not valid CSV"),
    ("linear", "l.csv", "ID,Title,Status\nA-1,x,Done,extra\n", ":2: the row has 4 cells"),
    ("trello", "b.json", '{"name": "board"}', ":1: not a Trello board export"),
    ("github", "e.json", "", ":1: the file is empty"),
]


@pytest.mark.parametrize(("source", "name", "text", "message"), BAD_INPUT)
def test_bad_input_is_an_error_at_its_line(
    workspace: Path, tmp_path: Path, source: str, name: str, text: str, message: str
) -> None:
    export = tmp_path / name
    export.write_text(text, encoding="utf-8")
    code, out, err = run(workspace, "import", source, str(export))
    assert code == 2
    assert f"{export}{message}" in err
    assert "Traceback" not in out + err


def test_csv_needs_its_columns_named(workspace: Path) -> None:
    code, _out, err = run(workspace, "import", "csv", str(FIXTURES / "sheet.csv"))
    assert code == 2 and "needs --map COLUMN=source_id" in err
    code, _out, err = run(
        workspace, "import", "csv", str(FIXTURES / "sheet.csv"), *CSV_MAP, "--map", "X=colour"
    )
    assert code == 2 and "'colour' is not a field" in err


def test_taskwarrior_json_lines_and_gh_pages_are_read(workspace: Path, tmp_path: Path) -> None:
    tasks = json.loads((FIXTURES / "taskwarrior.json").read_text(encoding="utf-8"))
    lines = tmp_path / "tw.json"
    lines.write_text("\n".join(json.dumps(t) for t in tasks) + "\n", encoding="utf-8")
    code, out, err = run(workspace, "import", "taskwarrior", str(lines), "--project", "ops")
    assert code == 0, err
    assert "4 created" in out
    issues = json.loads((FIXTURES / "github-rest.json").read_text(encoding="utf-8"))
    pages = tmp_path / "pages.json"  # gh api --paginate: one array per page, back to back
    pages.write_text(json.dumps(issues[:1]) + json.dumps(issues[1:]), encoding="utf-8")
    code, out, err = run(workspace, "import", "github", str(pages), "--project", "web")
    assert code == 0, err
    assert "2 created" in out  # the pull request is skipped
    assert "1 task(s) have comments the export does not hold" in err


def test_notes_say_what_was_read_by_default(workspace: Path) -> None:
    code, _out, err = import_case(workspace, "github-gh")
    assert code == 0
    assert "github status 'OPEN' is read as 'backlog'" in err
    assert "github status 'CLOSED' is read as 'cancelled'" in err
    assert "milestone 'v2' is not a milestone of 'web'" in err
    assert "'octocat' has no person file: kept as a guest" in err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20261203T101500Z", "2026-12-03T10:15:00Z"),
        ("2026-11-05T10:20:30.000Z", "2026-11-05T10:20:30Z"),
        ("2026-11-05T12:20:30+02:00", "2026-11-05T10:20:30Z"),
        ("02/Nov/26 9:15 AM", "2026-11-02T09:15"),
        ("30/Oct/26 5:45 PM", "2026-10-30T17:45"),
        ("2026-12-15", "2026-12-15"),
        ("soon", None),
    ],
)
def test_dates_of_each_tool_are_read(text: str, expected: str | None) -> None:
    assert iso_when(text) == expected


@settings(max_examples=60, deadline=None)
@given(
    title=st.text(st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1).filter(
        lambda t: t.strip()
    ),
    body=st.text(st.characters(blacklist_categories=["Cs"])),
    comment=st.text(st.characters(blacklist_categories=["Cs"])),
)
def test_any_title_and_text_read_back(title: str, body: str, comment: str) -> None:
    record = Record("csv", "1", title, body=body, comments=(Comment("ana", "2026-11-02", comment),))
    data = {"title": title.strip(), "source": "csv", "source_id": "1"}
    raw = engine.render_document(data, task_body(record))
    parsed = parse_bytes(raw, "t.md")
    assert parsed.data == data
    assert parsed.body == task_body(record)


DOCS = HERE.parent / "site/docs/importing.md"
RECIPES = {
    "GitHub issues": ["github-gh.json", "github-rest.json"],
    "Jira": ["jira.csv"],
    "Linear": ["linear.csv"],
    "Taskwarrior": ["taskwarrior.json"],
    "Trello": ["trello.json"],
    "Any CSV": ["sheet.csv"],
}


def recipe(section: str) -> list[list[str]]:
    """The ``worktext import`` commands of a section of importing.md (continued lines
    joined), as argument lists."""
    text = DOCS.read_text(encoding="utf-8")
    body = text.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0].replace("\\\n", " ")
    found = [shlex.split(line) for line in body.splitlines() if line.startswith("worktext import")]
    assert found, f"no commands in the section {section}"
    return [words[1:] for words in found]


@pytest.mark.parametrize("section", list(RECIPES))
def test_the_documented_commands_run(workspace: Path, section: str) -> None:
    commands = recipe(section)
    assert len(commands) == len(RECIPES[section])
    for args, fixture in zip(commands, RECIPES[section], strict=True):
        args[2] = str(FIXTURES / fixture)  # the export the command names
        code, out, err = run(workspace, *args)
        assert code == 0, (section, args, err)
        assert "created" in out
    assert run(workspace, "check")[0] == 0


CELL = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\x00"))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(CELL, min_size=3, max_size=3), min_size=1, max_size=6))
def test_csv_rows_read_back_with_their_lines(rows: list[list[str]]) -> None:
    """Any cells csv writes are read back, each row at the line it starts on."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["A", "B", "C"])
    starts = []
    for row in rows:
        starts.append(buffer.getvalue().count("\n") + 1)
        writer.writerow(row)
    read = csv_rows(Path("x.csv"), buffer.getvalue(), ["A"])
    kept = [
        (row, line) for row, line in zip(rows, starts, strict=True) if any(c.strip() for c in row)
    ]
    assert [(r.cells["A"] + r.cells["B"] + r.cells["C"], r.line) for r in read] == kept


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.dictionaries(st.text(max_size=5), st.text(max_size=8) | st.integers(), max_size=3),
        max_size=5,
    ),
    st.sampled_from([None, 1, 2]),
)
def test_json_objects_start_on_their_lines(objects: list[dict], indent: int | None) -> None:
    text = json.dumps(objects, indent=indent)
    found = json_objects(Path("x.json"), text)
    assert [item.value for item in found] == objects
    lines = text.splitlines()
    for item in found:
        assert lines[item.line - 1].lstrip().lstrip("[").lstrip().startswith("{")


def test_an_open_issue_keeps_the_state_it_was_moved_to(workspace: Path, tmp_path: Path) -> None:
    """GitHub says only open or closed: a re-import leaves an open task in the open state it
    was moved to, and moves it when the issue is closed."""
    assert import_case(workspace, "github-gh")[0] == 0
    assert run(workspace, "move", "WEB-17", "todo")[0] == 0
    assert run(workspace, "move", "WEB-17", "in-progress")[0] == 0
    moved = (workspace / "tasks/web/WEB-17.md").read_bytes()
    code, out, _err = import_case(workspace, "github-gh")
    assert code == 0 and "nothing to change" in out
    assert (workspace / "tasks/web/WEB-17.md").read_bytes() == moved
    issues = json.loads((FIXTURES / "github-gh.json").read_text(encoding="utf-8"))
    issues[0].update(state="CLOSED", closedAt="2026-11-20T10:00:00Z")
    export = tmp_path / "issues.json"
    export.write_text(json.dumps(issues), encoding="utf-8")
    assert run(workspace, "import", "github", str(export))[0] == 0
    assert "status: done\n" in (workspace / "tasks/web/WEB-17.md").read_text(encoding="utf-8")


def test_the_same_number_in_two_repositories_is_two_tasks(workspace: Path, tmp_path: Path) -> None:
    assert import_case(workspace, "github-gh")[0] == 0
    issues = json.loads((FIXTURES / "github-gh.json").read_text(encoding="utf-8"))
    for issue in issues:
        issue["url"] = issue["url"].replace("northwind/site", "northwind/app")
    export = tmp_path / "app-issues.json"
    export.write_text(json.dumps(issues), encoding="utf-8")
    code, out, _err = run(workspace, "import", "github", str(export), "--project", "app")
    assert code == 0 and "3 created, 0 updated, 0 unchanged" in out
    assert "nothing to change" in import_case(workspace, "github-gh")[1]


def test_commit_commits_the_imported_files(workspace: Path, monkeypatch) -> None:
    for name in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"):
        monkeypatch.setenv(name, "T")
    for name in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"):
        monkeypatch.setenv(name, "t@example.com")
    code, out, err = import_case(workspace, "taskwarrior", "--commit")
    assert code == 0, err
    assert "committed: import taskwarrior: 4 new, 0 updated" in out
    assert git(workspace, "status", "--porcelain") == ""
    files = git(workspace, "show", "--name-only", "--format=", "HEAD").split()
    assert files == [f"tasks/ops/OPS-{n}.md" for n in (13, 14, 15, 16)]


def test_links_between_tasks_follow_the_tools_ids(workspace: Path, tmp_path: Path) -> None:
    """Taskwarrior's depends names uuids: they become the ids of the tasks made for them;
    one the export does not hold is left out with a note; a later export without it drops
    the link."""
    code, _out, err = import_case(workspace, "taskwarrior")
    assert code == 0
    assert "its depends_on 'deadbeef-0000-4000-8000-000000000000' is not in the export" in err
    assert "depends_on: [OPS-14]\n" in (workspace / "tasks/ops/OPS-13.md").read_text()
    tasks = json.loads((FIXTURES / "taskwarrior.json").read_text(encoding="utf-8"))
    del tasks[0]["depends"]
    export = tmp_path / "tw.json"
    export.write_text(json.dumps(tasks), encoding="utf-8")
    code, out, _err = run(workspace, "import", "taskwarrior", str(export))
    assert code == 0 and "0 created, 1 updated, 3 unchanged" in out
    assert "depends_on" not in (workspace / "tasks/ops/OPS-13.md").read_text()
