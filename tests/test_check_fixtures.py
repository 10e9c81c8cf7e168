"""Data-driven checks: each folder under fixtures/check is a small workspace, and its
expected.txt lists every diagnostic it must produce as ``path:line code``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TODAY

from worktext.check.pipeline import open_workspace
from worktext.cli import cli

FIXTURES = Path(__file__).parent / "fixtures" / "check"
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


def expected(case: str) -> list[str]:
    text = (FIXTURES / case / "expected.txt").read_text(encoding="utf-8")
    return sorted(line.strip() for line in text.splitlines() if line.strip())


@pytest.mark.parametrize("case", CASES)
def test_fixture_diagnostics(case: str) -> None:
    ws = open_workspace(FIXTURES / case, today=TODAY, use_cache=False)
    got = sorted(f"{d.path}:{d.line} {d.code}" for d in ws.diagnostics)
    assert got == expected(case)
    for d in ws.diagnostics:
        assert d.message and d.hint, d  # every problem says what is wrong and what to do
        assert d.severity in ("error", "warning")


def test_cycles_print_the_cycle() -> None:
    ws = open_workspace(FIXTURES / "cycles", today=TODAY, use_cache=False)
    messages = {d.path: d.message for d in ws.diagnostics}
    assert messages["tasks/A.md"] == "dependency cycle: A -> B -> C -> A"
    assert messages["tasks/S.md"] == "dependency cycle: S -> S"
    assert messages["tasks/P.md"] == "parent cycle: P -> Q -> P"


def test_duplicate_key_names_both_lines() -> None:
    ws = open_workspace(FIXTURES / "yaml-errors", today=TODAY, use_cache=False)
    dup = next(d for d in ws.diagnostics if d.code == "duplicate-key")
    assert (dup.line, dup.column) == (4, 1)
    assert "line 2" in dup.message


def test_unknown_key_suggests_the_close_one() -> None:
    ws = open_workspace(FIXTURES / "types-and-values", today=TODAY, use_cache=False)
    unknown = next(d for d in ws.diagnostics if d.code == "unknown-key" and "statsu" in d.message)
    assert unknown.severity == "warning"
    assert unknown.hint == "did you mean 'status'?"


def test_broken_files_do_not_stop_the_rest() -> None:
    ws = open_workspace(FIXTURES / "yaml-errors", today=TODAY, use_cache=False)
    # Files with front matter problems are left out; the readable ones are indexed.
    assert ws.tasks.get("T-5") is not None
    assert ws.tasks.get("T-6") is not None
    assert ws.tasks.get("T-1") is None


@pytest.mark.parametrize("case", CASES)
def test_cli_exit_codes(case: str) -> None:
    result = CliRunner().invoke(cli, ["-w", str(FIXTURES / case), "--no-cache", "check"])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    errors = any(" error " in line for line in result.output.splitlines())
    assert result.exit_code == (1 if errors else 0)


def test_every_reported_code_is_registered() -> None:
    from worktext.model.diagnostics import RULE_DOCS

    for case in CASES:
        ws = open_workspace(FIXTURES / case, today=TODAY, use_cache=False)
        assert {d.code for d in ws.diagnostics} <= set(RULE_DOCS), case


def test_problems_at_one_position_come_out_in_the_same_order_whatever_the_hash_seed(
    tmp_path: Path,
) -> None:
    """Two problems of one time-log entry share a position; the order must not depend on
    Python's string hashing (the diagnostics pass through a set)."""
    root = tmp_path / "ws"
    (root / "tasks").mkdir(parents=True)
    (root / "worktext.yml").write_text("name: Seeds\n")
    (root / "tasks" / "A-1.md").write_text(
        "---\ntitle: Logged\nlog:\n  - {note: no date nor duration}\n  - {}\n---\n"
    )
    outputs = set()
    for seed in ("1", "2", "3", "4"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "worktext",
                "-w",
                str(root),
                "--no-cache",
                "check",
                "--format",
                "json",
            ],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert done.returncode == 1, done.stderr
        outputs.add(done.stdout)
    assert len(outputs) == 1
