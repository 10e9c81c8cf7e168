"""Editor and hook integration: ``worktext schema --write`` and the starter's pre-commit hook."""

from __future__ import annotations

import json
import re
import shutil
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from worktext import __version__
from worktext.cli import cli
from worktext.commands import COMMAND_MODULES
from worktext.model import schema


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--no-cache", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def ws(template_root: Path, tmp_path: Path) -> Path:
    root = tmp_path / "work"
    shutil.copytree(template_root, root, ignore=shutil.ignore_patterns(".worktext"))
    return root


def test_schema_write_emits_schemas_and_settings(ws: Path) -> None:
    code, out, err = run("-w", str(ws), "schema", "--write")
    assert code == 0, err
    folder = ws / ".vscode" / "schemas"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"{k}.schema.json" for k in [*schema.KIND_FIELDS, "config"]
    )
    task = json.loads((folder / "task.schema.json").read_text())
    assert "customer" in task["properties"]  # the workspace's custom key
    assert task == schema.json_schema("task", _custom(ws))
    settings = json.loads((ws / ".vscode" / "settings.json").read_text())
    associations = settings["yaml.schemas"]
    assert associations[".vscode/schemas/task.schema.json"] == ["tasks/**/*.md"]
    assert associations[".vscode/schemas/config.schema.json"] == ["worktext.yml"]
    assert associations[".vscode/schemas/person.schema.json"] == ["people/**/*.md"]
    assert "Associated them" in out
    # the workspace still checks clean: .vscode is not read as items
    assert run("-w", str(ws), "check")[0] == 0


def _custom(ws: Path) -> dict:
    from worktext.model.config import load_config

    config, _ = load_config(ws, use_cache=False)
    return dict(config.custom_fields)


def test_schema_write_merges_existing_settings(ws: Path) -> None:
    vscode = ws / ".vscode"
    vscode.mkdir()
    settings = vscode / "settings.json"
    settings.write_text(
        json.dumps(
            {
                "editor.tabSize": 2,
                "yaml.schemas": {
                    "other.json": ["ci/*.yml"],
                    ".vscode/schemas/task.schema.json": ["old/**"],
                },
            }
        )
    )
    assert run("-w", str(ws), "schema", "--write")[0] == 0
    data = json.loads(settings.read_text())
    assert data["editor.tabSize"] == 2
    assert data["yaml.schemas"]["other.json"] == ["ci/*.yml"]
    assert data["yaml.schemas"][".vscode/schemas/task.schema.json"] == ["tasks/**/*.md"]
    first = settings.read_bytes()
    assert run("-w", str(ws), "schema", "--write")[0] == 0
    assert settings.read_bytes() == first


def test_schema_write_leaves_settings_with_comments_alone(ws: Path) -> None:
    vscode = ws / ".vscode"
    vscode.mkdir()
    settings = vscode / "settings.json"
    text = '{\n  // mine\n  "editor.tabSize": 2,\n}\n'
    settings.write_text(text)
    code, out, err = run("-w", str(ws), "schema", "--write", str(ws / "schemas"))
    assert code == 0
    assert settings.read_text() == text
    assert "not plain JSON" in err
    assert json.loads(out[out.index("{") :])["yaml.schemas"]["schemas/task.schema.json"] == [
        "tasks/**/*.md"
    ]
    assert (ws / "schemas" / "goal.schema.json").exists()


def test_pre_commit_hook_is_local_and_names_a_real_entry(template_root: Path) -> None:
    config = yaml.safe_load((template_root / ".pre-commit-config.yaml").read_text("utf-8"))
    [repo] = config["repos"]
    assert repo["repo"] == "local" and "rev" not in repo
    [hook] = repo["hooks"]
    assert hook["id"] == "worktext-check" and hook["language"] == "python"
    program, command = hook["entry"].split()
    scripts = {e.name for e in metadata.entry_points(group="console_scripts")}
    assert program in scripts  # the console script that installing worktext makes
    assert command in COMMAND_MODULES
    [requirement] = hook["additional_dependencies"]
    name, version = requirement.split("==")
    assert name == metadata.metadata("worktext")["Name"] and version == __version__
    assert re.search(hook["files"], "tasks/web/WEB-1.md")
    assert re.search(hook["files"], "worktext.yml")
    assert not re.search(hook["files"], "README.txt")


def test_the_hooks_entry_checks_a_staged_file(ws: Path) -> None:
    config = yaml.safe_load((ws / ".pre-commit-config.yaml").read_text("utf-8"))
    entry = config["repos"][0]["hooks"][0]["entry"].split()
    code, out, _ = run("-w", str(ws), *entry[1:], str(ws / "tasks/web/WEB-1.md"))
    assert code == 0 and "No problems" in out
    (ws / "tasks/web/WEB-1.md").write_text("---\ntitle: x\nstatus: nowhere\n---\n")
    code, out, _ = run("-w", str(ws), *entry[1:], str(ws / "tasks/web/WEB-1.md"))
    assert code == 1 and "unknown-status" in out


def test_ci_installs_worktext_as_the_hook_does(template_root: Path) -> None:
    config = yaml.safe_load((template_root / ".pre-commit-config.yaml").read_text("utf-8"))
    [requirement] = config["repos"][0]["hooks"][0]["additional_dependencies"]
    installs = []
    for path in sorted((template_root / ".github" / "workflows").glob("*.yml")):
        workflow = yaml.safe_load(path.read_text("utf-8"))
        for job in workflow["jobs"].values():
            installs += [s["run"] for s in job["steps"] if "pip install" in s.get("run", "")]
    assert len(installs) == 4  # check, site, recur, digest
    assert set(installs) == {f'pip install "{requirement}"'}
