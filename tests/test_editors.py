"""Editor and hook integration: ``worktext schema --write`` and the starter's pre-commit hook."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from worktext.cli import cli
from worktext.model import schema

REPO = Path(__file__).resolve().parent.parent


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
