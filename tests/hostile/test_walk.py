"""Hostile trees: what the walk of the item folders meets must end in a diagnostic, never a
traceback or a hang, and the rest of the workspace still loads. Each case makes its tree (a
FIFO, a loop of links and a file name that is not UTF-8 cannot be committed) and names the
diagnostic it must produce; `check` and `build` run as a user runs them, with a time limit."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

OK = "---\ntitle: Still here\n---\n"
Case = Callable[[Path], None]


def fifo(root: Path) -> None:
    os.mkfifo(root / "tasks" / "FIFO-1.md")  # opening it to read would block forever


def loop(root: Path) -> None:
    (root / "tasks" / "A-1.md").symlink_to("B-1.md")
    (root / "tasks" / "B-1.md").symlink_to("A-1.md")


def self_link(root: Path) -> None:
    (root / "tasks" / "S-1.md").symlink_to("S-1.md")


def undecodable_name(root: Path) -> None:
    with open(os.path.join(os.fsencode(root / "tasks"), b"\xff\xfe-1.md"), "wb") as handle:
        handle.write(b"---\ntitle: bad name\n---\n")


def folder_like_file(root: Path) -> None:
    (root / "tasks" / "X-1.md").mkdir()
    (root / "tasks" / "X-1.md" / "X-2.md").write_text(OK, encoding="utf-8")


def link_to_fifo(root: Path) -> None:
    os.mkfifo(root / "pipe")
    (root / "tasks" / "P-1.md").symlink_to(root / "pipe")


CASES: list[tuple[str, Case, str, str]] = [
    ("fifo", fifo, "tasks/FIFO-1.md", "not-a-file"),
    ("symlink loop", loop, "tasks/A-1.md", "file-unreadable"),
    ("symlink to itself", self_link, "tasks/S-1.md", "file-unreadable"),
    ("undecodable name", undecodable_name, "tasks/\\xff\\xfe-1.md", "invalid-id"),
    ("folder named like a file", folder_like_file, "tasks/X-1.md", "folder-named-like-item"),
    ("link to a fifo", link_to_fifo, "tasks/P-1.md", "not-a-file"),
]


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "worktext", "-w", str(root), "--today", "2026-11-23", *args],
        capture_output=True,
        text=True,
        timeout=60,  # a hang fails the test instead of the run
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and symbolic links")
@pytest.mark.parametrize(("case", "make", "path", "code"), CASES, ids=[c[0] for c in CASES])
def test_a_hostile_tree_is_a_diagnostic(
    tmp_path: Path, case: str, make: Case, path: str, code: str
) -> None:
    root = tmp_path / "ws"
    (root / "tasks").mkdir(parents=True)
    (root / "worktext.yml").write_text("name: Hostile\n", encoding="utf-8")
    (root / "tasks" / "T-1.md").write_text(OK, encoding="utf-8")
    make(root)
    check = run(root, "check", "--format", "json", "--no-cache")
    assert check.returncode in (0, 1), check.stderr
    assert "Traceback" not in check.stderr
    assert f'"path": "{path.replace(chr(92), chr(92) * 2)}"' in check.stdout, check.stdout
    assert f'"code": "{code}"' in check.stdout
    built = run(root, "build", "-o", str(tmp_path / "site"))
    assert built.returncode == 0, built.stderr
    assert "Traceback" not in built.stderr
    assert "Still here" in (tmp_path / "site" / "tasks" / "T-1.html").read_text("utf-8")


def test_an_unlistable_folder_is_reported(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root lists any folder")
    root = tmp_path / "ws"
    locked = root / "tasks" / "locked"
    locked.mkdir(parents=True)
    (root / "worktext.yml").write_text("name: Hostile\n", encoding="utf-8")
    (root / "tasks" / "T-1.md").write_text(OK, encoding="utf-8")
    locked.chmod(0)
    try:
        check = run(root, "check", "--format", "json")
    finally:
        locked.chmod(0o755)
    assert check.returncode in (0, 1), check.stderr
    assert '"code": "folder-unreadable"' in check.stdout


def test_a_folder_that_cannot_be_listed_is_reported_even_as_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As root every folder can be listed, so the refusal is made here: the walk reports it
    and reads the rest."""
    from worktext.model import scan
    from worktext.model.config import load_config

    root = tmp_path / "ws"
    (root / "tasks" / "locked").mkdir(parents=True)
    (root / "worktext.yml").write_text("name: Hostile\n", encoding="utf-8")
    (root / "tasks" / "T-1.md").write_text(OK, encoding="utf-8")
    real = os.scandir

    def scandir(path):  # type: ignore[no-untyped-def]
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(scan.os, "scandir", scandir)
    found = scan.scan(load_config(root)[0])
    assert [rel for rel, _ in found.files["task"]] == ["tasks/T-1.md"]
    [problem] = found.diagnostics
    assert (problem.path, problem.code) == ("tasks/locked", "folder-unreadable")
    assert "Permission denied" in problem.message


def test_worktext_yml_is_read_by_the_rules_of_every_file(tmp_path: Path) -> None:
    outside = tmp_path / "secret.yml"
    outside.write_text("name: Secret\n", encoding="utf-8")
    linked = tmp_path / "linked"
    (linked / "tasks").mkdir(parents=True)
    (linked / "worktext.yml").symlink_to(outside)
    refused = run(linked, "check")
    assert refused.returncode == 2 and "outside the workspace" in refused.stderr
    big = tmp_path / "big"
    (big / "tasks").mkdir(parents=True)
    (big / "worktext.yml").write_text("name: Big\n" + "# padding\n" * 120_000, encoding="utf-8")
    too_large = run(big, "check")
    assert too_large.returncode == 2 and "larger than 1,048,576 bytes" in too_large.stderr
    assert "Traceback" not in too_large.stderr + refused.stderr


def test_a_file_swapped_for_a_fifo_after_the_walk_is_unreadable_not_a_hang(tmp_path) -> None:
    from worktext.load.source import read_file

    fifo = tmp_path / "T-1.md"
    os.mkfifo(fifo)
    source = read_file(str(fifo), "tasks/T-1.md")
    assert [p.code for p in source.problems] == ["file-unreadable"]
    assert "not a regular file" in source.problems[0].message
