"""Terminal escapes: text from files and from git reaches the terminal with its control
characters made visible, on a terminal and in a pipe."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from worktext.terminal import visible

EVIL = "Evil \x1b[31mRED\x1b[0m \x1b]0;pwned\x07 \r\x9b2J\u2028"


def test_visible_escapes_every_control_character_but_newline_and_tab() -> None:
    assert visible(EVIL) == "Evil \\x1b[31mRED\\x1b[0m \\x1b]0;pwned\\x07 \\x0d\\x9b2J\\u2028"
    assert visible("line\n\tindented — é ✓") == "line\n\tindented — é ✓"


@given(st.text())
def test_nothing_a_terminal_obeys_is_left(text: str) -> None:
    shown = visible(text)
    assert not any(
        (ord(c) < 0x20 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029"
        for c in shown
    )


def git(root: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": EVIL,
        "GIT_AUTHOR_EMAIL": "evil@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def worktext(root: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "worktext", "-w", str(root), "--today", "2026-11-23", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode in (0, 1), done.stderr
    return done.stdout + done.stderr


def test_titles_authors_and_subjects_never_reach_the_terminal_raw(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    (root / "tasks").mkdir(parents=True)
    (root / "worktext.yml").write_text("name: T\n", encoding="utf-8")
    title = "".join(  # YAML's own escapes: the file itself holds no control character
        f"\\x{ord(c):02x}" if ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F else c for c in EVIL
    ).replace("\u2028", "\\u2028")
    task = f'---\ntitle: "{title}"\nstatus: todo\npriority: "\\e[1m"\n---\n'
    (root / "tasks" / "T-1.md").write_text(task, encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", f"Start T-1 {EVIL}")
    outputs = [
        worktext(root, "ls"),
        worktext(root, "show", "T-1"),
        worktext(root, "history", "T-1"),
        worktext(root, "log"),
        worktext(root, "check"),
        worktext(root, "stats"),
    ]
    for output in outputs:
        assert "\x1b" not in output and "\x07" not in output and "\r" not in output, output
    assert "\\x1b[31mRED" in outputs[0]  # the title, shown as it is written


def test_ls_on_a_terminal_colours_its_own_text_only(tmp_path: Path) -> None:
    from worktext.check.pipeline import open_workspace
    from worktext.commands.query import _table

    root = tmp_path / "ws"
    (root / "tasks").mkdir(parents=True)
    (root / "worktext.yml").write_text("name: T\n", encoding="utf-8")
    (root / "tasks" / "T-1.md").write_text(
        '---\ntitle: "\\e[31mred\\e]0;x\\a"\ndue: 2026-11-01\n---\n', encoding="utf-8"
    )
    ws = open_workspace(root, use_cache=False)
    table = _table(ws, list(ws.tasks), True)  # as on a terminal: bold header, red due date
    assert "\x1b[1m" in table  # worktext's own styles
    assert "\\x1b[31mred\\x1b]0;x\\x07" in table
    assert "\x1b[31mred" not in table and "\x07" not in table
