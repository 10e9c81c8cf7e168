"""Deeply nested YAML in an item file and in worktext.yml: a positioned ``yaml-too-deep``
diagnostic, never a RecursionError; the rest of the workspace is checked, built, indexed and
shown."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

DEPTH = 20_000
NESTINGS = {
    "flow lists": "[" * DEPTH + "]" * DEPTH,
    "flow mappings": "{a: " * DEPTH + "1" + "}" * DEPTH,
    "block lists": "".join("  " * n + "-\n" for n in range(200)),
}


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "worktext", "-w", str(root), "--today", "2026-11-23", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("nesting", list(NESTINGS), ids=list(NESTINGS))
def test_a_deeply_nested_task_is_a_diagnostic(tmp_path: Path, nesting: str) -> None:
    root = tmp_path / "ws"
    (root / "tasks").mkdir(parents=True)
    (root / "worktext.yml").write_text("name: Deep\n", encoding="utf-8")
    (root / "tasks" / "T-1.md").write_text("---\ntitle: Still here\n---\n", encoding="utf-8")
    value = NESTINGS[nesting]
    text = (
        f"---\ntitle: Deep\nlabels: {value}\n---\n"
        if nesting != "block lists"
        else (
            "---\ntitle: Deep\nlabels:\n"
            + "".join("  " + line + "\n" for line in value.split("\n"))
            + "---\n"
        )
    )
    (root / "tasks" / "D-1.md").write_text(text, encoding="utf-8")
    check = run(root, "check", "--format", "json", "--no-cache")
    assert check.returncode == 1 and "Traceback" not in check.stderr, check.stderr[-2000:]
    found = json.loads(check.stdout)
    items = found if isinstance(found, list) else found["diagnostics"]
    [deep] = [d for d in items if d["code"] == "yaml-too-deep"]
    assert deep["path"] == "tasks/D-1.md" and deep["line"] >= 3
    for args in (["build", "-o", str(tmp_path / "site")], ["index"], ["show", "T-1"]):
        done = run(root, *args)
        assert done.returncode == 0 and "Traceback" not in done.stderr, (args, done.stderr[-2000:])
    assert "Still here" in run(root, "show", "T-1").stdout


def test_a_deeply_nested_worktext_yml_is_a_clear_error(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "worktext.yml").write_text("name: Deep\nsite: " + NESTINGS["flow mappings"] + "\n")
    check = run(root, "check")
    assert check.returncode == 2 and "Traceback" not in check.stderr
    assert "worktext.yml:2:" in check.stderr and "deep" in check.stderr
