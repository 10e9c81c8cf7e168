"""Every ``worktext …`` example in README.md and site/docs/ runs, as a reader would run it.

As datasette's documentation tests keep its docs honest (they fail when a command or setting is
undocumented), these fail when an example names a command or option that does not exist, or
exits with an unexpected code. Each document's shell examples (``console``, ``bash``, ``sh`` and
``shell`` code blocks) run in order, in a real shell, against a copy of the starter workspace in
a git repository of its own, with today fixed: so a quoting mistake (``due:<today+7d`` read as a
redirection) or a move the starter's workflow refuses fails here before a new user meets it.

Besides ``worktext`` itself, a document's ``mkdir``, ``cd`` and ``git`` lines run too (they set
the scene: ``mkdir team-work && cd team-work`` before ``worktext init``); nothing else does
(``pip install`` never runs).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from worktext.cli import cli

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "site" / "docs").glob("*.md"))]
SHELL_LANGUAGES = ("console", "bash", "sh", "shell")
TODAY = "2026-11-23"

# Examples that cannot run against the starter, and why (each is run elsewhere).
SKIPPED_BECAUSE = {
    # a web server that runs until it is stopped: tests/test_serve.py starts one and stops it
    "worktext serve": "needs a server",
    # reads another tool's backlog (Backlog.md, Kanbn), which the starter is not:
    # tests/test_adopt.py runs adopting.md's recipes against fixtures of each tool
    "worktext adopt": "needs another tool's files",
    # reads another tool's export (issues.json, a Jira CSV): tests/test_import.py runs
    # importing.md's recipes against fixtures of each export format
    "worktext import": "needs another tool's export",
}
SKIP = tuple(SKIPPED_BECAUSE)
# Examples that show a failure on purpose: (document, command) → the exit code they must have.
EXPECTED_EXIT: dict[tuple[str, str], int] = {}
# A plain `worktext check` in the docs must also report no problems at all, not even warnings.
# The other commands that run, to set the scene for the worktext lines after them.
SCENE = re.compile(r"(mkdir|cd|git)\s")
USAGE_ERRORS = ("No such command", "No such option", "Got unexpected extra argument")
FENCE = re.compile(r"^(```+|~~~+)[ \t]*([\w-]*)[^\n]*\n(.*?)^\1[ \t]*$", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Example:
    doc: str  # relative to the repository
    line: int
    command: str  # the shell line, comment and prompt removed

    @property
    def is_worktext(self) -> bool:
        return bool(re.match(r"worktext(\s|$)", self.command))


def _shell_lines(language: str, block: str) -> list[tuple[int, str]]:
    """The command lines of a block, by the number of their first line in it: after ``$ ``
    in a console block that has prompts, else every line; a line continued with ``\\`` is
    one command with the lines after it."""
    lines = block.splitlines()
    prompted = language == "console" and any(line.lstrip().startswith("$ ") for line in lines)
    out: list[tuple[int, str]] = []
    continued = False
    for number, line in enumerate(lines):
        text = line.strip()
        if continued:
            out[-1] = (out[-1][0], out[-1][1][:-1].rstrip() + " " + text)
        elif prompted and not text.startswith("$ "):
            continue
        else:
            out.append((number, text[2:] if prompted else text))
        continued = out[-1][1].endswith("\\") if out else False
    return out


def _without_comment(line: str) -> str:
    """The line without a trailing ``# comment``, as the shell reads it (a ``#`` inside
    quotes, or inside a word, stays)."""
    quote = None
    for index, char in enumerate(line):
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1].isspace()):
            return line[:index].rstrip()
    return line


def examples(doc: Path) -> list[Example]:
    """The shell lines of ``doc`` that run: worktext's, and the scene-setting ones."""
    text = doc.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        language = match.group(2)
        if language not in SHELL_LANGUAGES:
            continue
        first = text[: match.start(3)].count("\n") + 1
        for number, line in _shell_lines(language, match.group(3)):
            command = _without_comment(line).strip()
            if re.match(r"worktext(\s|$)", command) or SCENE.match(command):
                found.append(Example(str(doc.relative_to(ROOT)), first + number, command))
    return found


def worktext_examples(doc: Path) -> list[Example]:
    return [e for e in examples(doc) if e.is_worktext]


DOCS_WITH_EXAMPLES = [doc for doc in DOCS if worktext_examples(doc)]


def test_the_examples_are_found() -> None:
    found = {str(d.relative_to(ROOT)): worktext_examples(d) for d in DOCS_WITH_EXAMPLES}
    assert sum(len(v) for v in found.values()) >= 40
    assert "worktext ls is:open assignee:ana sort:due" in [e.command for e in found["README.md"]]
    getting_started = [e.command for e in found["site/docs/getting-started.md"]]
    assert getting_started[0] == "worktext init"
    assert "mkdir team-work && cd team-work" in [
        e.command for e in examples(ROOT / "site/docs/getting-started.md")
    ]
    assert _shell_lines("console", "$ worktext ls \\\n  is:open\nout\n$ worktext check") == [
        (0, "worktext ls is:open"),
        (3, "worktext check"),
    ]
    assert _without_comment("worktext check   # validate") == "worktext check"
    assert _without_comment("worktext ls '#tag # x'") == "worktext ls '#tag # x'"


def _starter_repository(tmp_path: Path) -> Path:
    """A copy of the starter workspace, committed on ``main``, with ``origin/main`` at that
    commit (the pull-request examples compare with it) and git's user one of its people."""
    root = tmp_path / "ws"
    template = ROOT / "workspace-template"
    shutil.copytree(template, root, ignore=shutil.ignore_patterns(".worktext", ".git"))
    for args in (
        ["init", "-q"],
        ["symbolic-ref", "HEAD", "refs/heads/main"],
        ["config", "user.email", "ana.souza@northwind.example"],
        ["config", "user.name", "Ana Souza"],
        ["add", "-A"],
        ["commit", "-q", "-m", "Start from the starter workspace"],
        ["update-ref", "refs/remotes/origin/main", "HEAD"],
    ):
        subprocess.run(["git", *args], cwd=root, env=_env(tmp_path), check=True)
    return root


def _env(tmp_path: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GIT_", "WORKTEXT_", "GITHUB_"))
    }
    env.update(
        {
            "PATH": f"{tmp_path / 'bin'}{os.pathsep}{env.get('PATH', '')}",
            # an example that writes to ~/.bashrc or ~/.config writes to a home of its own
            "HOME": str(tmp_path / "home"),
            "XDG_CONFIG_HOME": str(tmp_path / "home" / ".config"),
            "PYTHONPATH": str(ROOT),
            "WORKTEXT_TODAY": TODAY,
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_DATE": f"{TODAY}T09:00:00+00:00",
            "GIT_COMMITTER_DATE": f"{TODAY}T09:00:00+00:00",
            "GITHUB_BASE_REF": "main",
            "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
            "COLUMNS": "100",
        }
    )
    return env


SHIM = """\
#!/bin/sh
# worktext as the examples call it: this checkout's code, each run's exit code and errors kept.
"{python}" -m worktext "$@" >"$WT_LOG.$WT_LINE.out" 2>"$WT_LOG.$WT_LINE.err"
code=$?
cat "$WT_LOG.$WT_LINE.out"
cat "$WT_LOG.$WT_LINE.err" >&2
echo "$WT_LINE $code" >>"$WT_LOG"
exit $code
"""


def _run_document(doc: Path, tmp_path: Path) -> tuple[list[Example], dict[int, int], Path]:
    """Run the document's examples in order in one shell; the examples, each worktext line's
    exit code by line number, and the log's path (its errors are beside it)."""
    (tmp_path / "bin").mkdir()
    (tmp_path / "home").mkdir()
    shim = tmp_path / "bin" / "worktext"
    shim.write_text(SHIM.format(python=sys.executable), encoding="utf-8")
    shim.chmod(0o755)
    root = _starter_repository(tmp_path)
    log = tmp_path / "exit-codes"
    ran = [e for e in examples(doc) if not e.command.startswith(SKIP)]
    script = [f"cd {shlex.quote(str(root))}", f"export WT_LOG={shlex.quote(str(log))}"]
    for example in ran:
        script += [f"export WT_LINE={example.line}", example.command]
    subprocess.run(
        ["bash", "-c", "\n".join(script)],
        env=_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=600,
        check=False,
    )
    codes = {}
    if log.exists():
        for entry in log.read_text(encoding="utf-8").splitlines():
            line, code = entry.split()
            codes[int(line)] = int(code)
    return ran, codes, log


@pytest.mark.parametrize("doc", DOCS_WITH_EXAMPLES, ids=lambda d: d.name)
def test_every_example_runs(doc: Path, tmp_path: Path) -> None:
    ran, codes, log = _run_document(doc, tmp_path)
    failures = []
    for example in (e for e in ran if e.is_worktext):
        where = f"{example.doc}:{example.line}: {example.command}"
        if example.line not in codes:
            failures.append(f"{where}: did not run")
            continue
        errors = Path(f"{log}.{example.line}.err").read_text(encoding="utf-8", errors="replace")
        wanted = EXPECTED_EXIT.get((example.doc, example.command), 0)
        if any(text in errors for text in USAGE_ERRORS) or codes[example.line] != wanted:
            failures.append(f"{where}: exit {codes[example.line]} (wanted {wanted})\n{errors}")
        output = Path(f"{log}.{example.line}.out").read_text(encoding="utf-8", errors="replace")
        if example.command == "worktext check" and "No problems" not in output:
            # The docs promise a clean starter, before and after their own edits.
            failures.append(f"{where}: the starter is no longer clean:\n{output}")
    assert failures == []


def test_few_examples_are_skipped() -> None:
    every = [e.command for doc in DOCS for e in worktext_examples(doc)]
    skipped = [c for c in every if c.startswith(SKIP)]
    assert any(c.startswith("worktext serve") for c in skipped)
    assert len(every) - len(skipped) >= 40  # the rest all run


INLINE = re.compile(r"`worktext ([a-z][a-z-]*)")


def test_commands_named_in_the_text_exist() -> None:
    """``worktext NAME`` in running text names a real command (``worktext log-time`` did
    not exist, and adopting.md told people to run it)."""
    names = set(cli.list_commands(None))  # type: ignore[arg-type]
    unknown = [
        f"{doc.relative_to(ROOT)}: worktext {name}"
        for doc in DOCS
        for name in INLINE.findall(doc.read_text(encoding="utf-8"))
        if name not in names
    ]
    assert unknown == []
