"""worktext init: from the starter template or bare; never overwrites; git init."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import TODAY

from worktext.check.pipeline import open_workspace
from worktext.edit import scaffold
from worktext.errors import WorktextError


def test_bare_workspace(tmp_path: Path) -> None:
    result = scaffold.init(tmp_path / "work", bare=True)
    root = tmp_path / "work"
    assert (root / "worktext.yml").read_text(encoding="utf-8").endswith("name: work\n")
    for folder in ("tasks", "projects", "workflows", "templates", "people", "goals"):
        assert (root / folder / ".gitkeep").is_file()
    assert result.git_initialised
    assert (root / ".git").is_dir()
    ws = open_workspace(root, TODAY, use_cache=False)
    assert ws.diagnostics == []
    assert len(ws.tasks) == 0


def test_starter_workspace_copies_the_template(tmp_path: Path, template_root: Path) -> None:
    result = scaffold.init(tmp_path / "demo")
    expected = sorted(
        p.relative_to(template_root)
        for p in template_root.rglob("*")
        if p.is_file() and not set(p.relative_to(template_root).parts) & scaffold.SKIPPED
    )
    assert sorted(p.relative_to(result.root) for p in result.created) == expected
    for rel in expected[:5]:
        assert (result.root / rel).read_bytes() == (template_root / rel).read_bytes()
    assert len(open_workspace(result.root, TODAY, use_cache=False).tasks) > 0


def test_refuses_to_overwrite_and_writes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "work"
    (root / "tasks").mkdir(parents=True)
    (root / "worktext.yml").write_text("name: Mine\n", encoding="utf-8")
    with pytest.raises(WorktextError, match=r"already has worktext\.yml; nothing was written"):
        scaffold.init(root, bare=True)
    assert (root / "worktext.yml").read_text(encoding="utf-8") == "name: Mine\n"
    assert sorted(p.name for p in root.iterdir()) == ["tasks", "worktext.yml"]


def test_inside_a_repository_no_new_git(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    result = scaffold.init(tmp_path / "sub", bare=True)
    assert not result.git_initialised
    assert not (tmp_path / "sub" / ".git").exists()


def test_no_git_option(tmp_path: Path) -> None:
    result = scaffold.init(tmp_path / "w", bare=True, git=False)
    assert not result.git_initialised
    assert not (tmp_path / "w" / ".git").exists()


def test_starter_workspace_schedules_recur(template_root: Path) -> None:
    import yaml

    workflow = yaml.safe_load((template_root / ".github/workflows/recur.yml").read_text())
    assert workflow[True]["schedule"]  # 'on' is read as true by YAML 1.1
    steps = workflow["jobs"]["recur"]["steps"]
    commands = "\n".join(step.get("run", "") for step in steps)
    assert "worktext recur --commit" in commands and "git push" in commands


def test_the_wheel_carries_the_starter_workspace(tmp_path) -> None:
    """`pip install worktext && worktext init` must work without this repository."""
    import subprocess
    import sys
    import zipfile
    from pathlib import Path

    repo = Path(__file__).resolve().parent.parent
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(repo), "--no-deps", "-q", "-w", str(tmp_path)],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    wheel = next(tmp_path.glob("worktext-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    template = {
        name.removeprefix("worktext/_template/")
        for name in names
        if name.startswith("worktext/_template/")
    }
    expected = {
        path.relative_to(repo / "workspace-template").as_posix()
        for path in (repo / "workspace-template").rglob("*")
        if path.is_file() and ".worktext" not in path.parts
    }
    assert template == expected
    assert "worktext/render/templates/base.html" in names
