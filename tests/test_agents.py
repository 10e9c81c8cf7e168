"""``worktext agents``: the marked section of AGENTS.md, idempotent, the rest kept byte for
byte."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import example, given
from hypothesis import strategies as st

from worktext.cli import cli
from worktext.edit.agents import BEGIN, END, updated
from worktext.errors import WorktextError

SECTION = f"{BEGIN}\nnew text\n{END}\n"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--today", "2026-11-23", "--no-cache", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def ws(template_root: Path, tmp_path: Path) -> Path:
    root = tmp_path / "work"
    shutil.copytree(template_root, root, ignore=shutil.ignore_patterns(".worktext"))
    return root


def test_creates_the_file_with_the_section(ws: Path) -> None:
    code, out, err = run("-w", str(ws), "agents")
    assert code == 0, err
    path = ws / "AGENTS.md"
    assert out == f"created {path}\n"
    text = path.read_text(encoding="utf-8")
    assert text.startswith(BEGIN + "\n") and text.endswith(END + "\n")
    for command in ("worktext ls", "worktext show", "worktext move", "worktext set"):
        assert command in text
    assert "worktext log WEB-12 1h30m" in text
    assert "Run `worktext check` before every commit" in text
    assert "- `product`: backlog → todo → in-progress → review → blocked → done → cancelled" in text


def test_updates_only_its_section_and_is_idempotent(ws: Path) -> None:
    path = ws / "AGENTS.md"
    head = "# Agents\r\n\r\nUse tabs.\r\n\r\n"
    tail = "\r\n## Later\r\nKeep   this\ttext.\r\n"
    path.write_bytes(f"{head}{BEGIN}\r\nOLD SECTION\r\n{END}\r\n{tail}".encode())
    assert run("-w", str(ws), "agents")[0] == 0
    first = path.read_bytes()
    assert first.startswith(head.encode()) and first.endswith(tail.encode())
    assert b"OLD SECTION" not in first
    assert b"\n" not in first.replace(b"\r\n", b"")  # the file's own line endings
    code, out, _ = run("-w", str(ws), "agents")
    assert code == 0 and out.startswith("up to date:")
    assert path.read_bytes() == first


def test_appends_after_existing_text(ws: Path, tmp_path: Path) -> None:
    outside = tmp_path / "AGENTS.md"
    outside.write_text("# Repo\nNotes.", encoding="utf-8")
    assert run("-w", str(ws), "agents", "--file", str(outside))[0] == 0
    text = outside.read_text(encoding="utf-8")
    assert text.startswith("# Repo\nNotes.\n\n" + BEGIN + "\n")
    assert "Run the commands in `work/`, or add `-w work`." in text


def test_refuses_broken_markers(ws: Path) -> None:
    path = ws / "AGENTS.md"
    path.write_text(f"intro\n{BEGIN}\nno end\n", encoding="utf-8")
    code, _, err = run("-w", str(ws), "agents")
    assert code == 2 and "line 2: expected one" in err
    assert path.read_text(encoding="utf-8") == f"intro\n{BEGIN}\nno end\n"
    with pytest.raises(WorktextError):
        updated(f"{END}\n{BEGIN}\n", SECTION)


outside_text = st.text(alphabet=st.characters(blacklist_characters="<"), max_size=80)


@given(before=outside_text, after=outside_text)
@example(before="\r", after="")  # a lone CR at the end: the section's own endings hold
def test_the_text_around_the_section_is_kept(before: str, after: str) -> None:
    original = f"{before}{BEGIN}\nold\n{END}\n{after}"
    once = updated(original, SECTION)
    assert once.startswith(before) and once.endswith(after)
    assert updated(once, SECTION) == once
    appended = updated(before, SECTION)
    assert appended.startswith(before) and appended.endswith(
        SECTION.replace("\n", "\r\n") if "\r\n" in before else SECTION
    )
    assert updated(appended, SECTION) == appended
