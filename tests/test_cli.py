from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

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
        "names = ('jinja2', 'markdown_it', 'icalendar', 'worktext.edit', 'worktext.history')\n"
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


def test_log_is_the_feed_without_arguments_and_records_time_with_them(make_workspace) -> None:
    root = make_workspace({"tasks/T-1.md": "---\ntitle: One\nestimate: 4h\n---\n"})
    runner = CliRunner()
    base = ["-w", str(root), "--today", "2026-11-23"]
    feed = runner.invoke(cli, [*base, "log"])
    assert feed.exit_code == 0  # not a git repository: a warning, no traceback
    assert "Traceback" not in feed.output
    result = runner.invoke(cli, [*base, "log", "T-1", "1h30m", "--note", "pairing"])
    assert result.exit_code == 0, result.output
    text = (root / "tasks" / "T-1.md").read_text(encoding="utf-8")
    assert "duration: 1h30m" in text and "note: pairing" in text
    assert runner.invoke(cli, [*base, "log", "T-1"]).exit_code == 2
    assert runner.invoke(cli, [*base, "log", "--who", "ana"]).exit_code == 2


def test_the_script_leaves_at_once_with_its_output_and_exit_code() -> None:
    """``main`` ends with ``os._exit`` (no teardown of the loaded workspace): what the command
    printed must still arrive, with the command's exit code."""
    root = Path(__file__).parent / "fixtures" / "check" / "recurrence"
    run = [sys.executable, "-m", "worktext", "--no-cache", "-w", str(root)]
    failing = subprocess.run([*run, "check"], capture_output=True, text=True)
    assert failing.returncode == 1 and "error" in failing.stdout
    listed = subprocess.run([*run, "ls", "--format", "json"], capture_output=True, text=True)
    assert listed.returncode == 0 and listed.stdout.rstrip().endswith("]")
    usage = subprocess.run([*run, "no-such-command"], capture_output=True, text=True)
    assert usage.returncode == 2 and "No such command" in usage.stderr


def test_global_options_follow_the_command_too(make_workspace) -> None:
    root = make_workspace({"tasks/T-1.md": "---\ntitle: One\ndue: 2026-11-20\n---\n"})
    runner = CliRunner()
    before = runner.invoke(cli, ["-w", str(root), "--today", "2026-11-23", "ls", "is:overdue"])
    after = runner.invoke(cli, ["ls", "is:overdue", "-w", str(root), "--today", "2026-11-23"])
    assert before.exit_code == after.exit_code == 0
    assert "T-1" in after.output
    assert after.output == before.output
    earlier = runner.invoke(cli, ["ls", "is:overdue", "-w", str(root), "--today", "2026-11-01"])
    assert "T-1" not in earlier.output


def test_verbose_logs_what_happens_and_quiet_silences_warnings(make_workspace) -> None:
    root = make_workspace({"tasks/T-1.md": "---\ntitle: One\n---\n"})
    loud = subprocess.run(
        [sys.executable, "-m", "worktext", "check", "-w", str(root), "-v", "--no-cache"],
        capture_output=True,
        text=True,
    )
    assert loud.returncode == 0, loud.stderr
    assert "INFO worktext" in loud.stderr
    quiet = subprocess.run(
        [sys.executable, "-m", "worktext", "-q", "check", "-w", str(root)],
        capture_output=True,
        text=True,
    )
    assert quiet.returncode == 0
    assert "INFO" not in quiet.stderr


def test_the_version_is_written_once() -> None:
    from importlib.metadata import version

    import worktext

    assert version("worktext") == worktext.__version__
    pyproject = (Path(__file__).parent.parent / "pyproject.toml").read_text()
    assert worktext.__version__ not in pyproject
