from __future__ import annotations

import importlib
import subprocess
import sys

from click.testing import CliRunner

from worktext.cli import cli
from worktext.commands import COMMAND_MODULES, MODULES


def test_command_map_matches_the_modules() -> None:
    found = {}
    for name in MODULES:
        module = importlib.import_module(f"worktext.commands.{name}")
        for command in module.COMMANDS:
            found[command.name] = name
    assert found == COMMAND_MODULES


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in COMMAND_MODULES:
        assert f"  {name} " in result.output or f"  {name}\n" in result.output, name


def test_check_does_not_import_the_renderer() -> None:
    code = (
        "import sys\n"
        "from worktext.cli import cli\n"
        "cli.get_command(None, 'check')\n"
        "names = ('jinja2', 'markdown_it', 'ruamel', 'icalendar')\n"
        "heavy = [m for m in names if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_python_dash_m() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "worktext", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.startswith("worktext, version ")


def test_bad_today_is_a_usage_error(tmp_path) -> None:
    result = CliRunner().invoke(cli, ["--today", "2026-02-30", "-w", str(tmp_path), "check"])
    assert result.exit_code == 2
    assert "not a real date" in result.output
