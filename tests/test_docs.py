"""The documentation site: it builds strictly, and its generated pages cover every command
and every diagnostic code."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import click

from worktext.cli import cli
from worktext.model.diagnostics import RULE_DOCS

SITE = Path(__file__).resolve().parent.parent / "site"


def _hooks():
    spec = importlib.util.spec_from_file_location("site_hooks", SITE / "hooks.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _all_commands(group: click.Group, prefix: str = "worktext") -> list[str]:
    names = []
    for name, command in group.commands.items():
        names.append(f"{prefix} {name}")
        if isinstance(command, click.Group):
            names += _all_commands(command, f"{prefix} {name}")
    return names


def test_cli_reference_has_every_command_with_an_example() -> None:
    text = _hooks().cli_reference()
    for name in _all_commands(cli):
        assert f"## {name}\n" in text, name
    for name, command in cli.commands.items():
        assert "Example" in (command.help or ""), f"'worktext {name} --help' needs an example"


def test_rule_table_has_every_code() -> None:
    table = _hooks().rule_codes()
    assert all(f"`{code}`" in table for code in RULE_DOCS)


def test_mkdocs_build_strict(tmp_path: Path) -> None:
    config, out = str(SITE / "mkdocs.yml"), str(tmp_path / "out")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", config, "-d", out],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "cli" / "index.html").is_file()
