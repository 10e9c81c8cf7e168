"""A new user's first run, end to end in an empty folder, with the installed ``worktext``
command: init → check → build → serve. What they get is a git repository with a status site,
a CI workflow, a pre-commit configuration and a README that says what to do next."""

from __future__ import annotations

import http.client
import signal
import subprocess
import sys
from pathlib import Path

import yaml

WORKTEXT = [sys.executable, "-m", "worktext"]


def run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*WORKTEXT, *args], cwd=folder, capture_output=True, text=True, check=False, timeout=120
    )


def fetch(url: str, path: str) -> tuple[int, str]:
    host, port = url.removeprefix("http://").rstrip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8")
    finally:
        connection.close()


def serve_briefly(folder: Path) -> tuple[int, str, str]:
    """Start ``worktext serve`` on a free port, fetch the home page, stop it as Ctrl-C would."""
    process = subprocess.Popen(
        [*WORKTEXT, "serve", "--port", "0"],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        while not lines or not lines[-1].startswith("Serving "):
            line = process.stdout.readline()
            assert line, "".join(lines)
            lines.append(line)
        status, home = fetch(lines[-1].split()[1], "/")
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, rest
    return status, home, "".join(lines) + rest


def test_first_run_from_an_empty_folder(tmp_path: Path) -> None:
    folder = tmp_path / "team-work"
    folder.mkdir()

    init = run(folder, "init")
    assert init.returncode == 0, init.stderr
    assert (folder / ".git").is_dir()  # a git repository, ready for the first commit
    assert (folder / "worktext.yml").is_file()

    workflow = yaml.safe_load((folder / ".github/workflows/worktext.yml").read_text("utf-8"))
    steps = str(workflow["jobs"])
    assert "worktext check" in steps and "worktext build" in steps
    hooks = yaml.safe_load((folder / ".pre-commit-config.yaml").read_text("utf-8"))
    assert any("worktext" in str(hook) for hook in hooks["repos"])

    readme = (folder / "README.md").read_text("utf-8")
    assert "## Next steps" in readme
    next_steps = readme.split("## Next steps", 1)[1]
    assert "worktext check" in next_steps and "worktext build" in next_steps

    check = run(folder, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No problems" in check.stdout

    build = run(folder, "build")
    assert build.returncode == 0, build.stderr
    assert (folder / "public/index.html").is_file()
    assert f"Open {folder / 'public' / 'index.html'}" in build.stdout  # what to do next

    status, home, output = serve_briefly(folder)
    assert status == 200 and "<title>Overview" in home
    assert "Serving http://127.0.0.1:" in output and "Ctrl-C" in output and "Stopped." in output


def test_every_command_has_help_with_an_example() -> None:
    from click.testing import CliRunner

    from worktext.cli import cli
    from worktext.commands import COMMAND_MODULES

    runner = CliRunner()
    for name in ["init", "check", "build", "serve", *COMMAND_MODULES]:
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Example:" in result.output, f"worktext {name} --help has no example"
