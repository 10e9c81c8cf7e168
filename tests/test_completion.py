"""Shell completion through click's protocol: ``_WORKTEXT_COMPLETE`` and the words typed, in a
fresh ``python -m worktext`` process as the shell runs it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from worktext.cli import cli
from worktext.load import cache
from worktext.model import completion
from worktext.model.config import load_config

REPO = Path(__file__).resolve().parent.parent

FILES = {
    "workflows/product.md": """\
        ---
        title: Product
        states:
          - {id: backlog, title: Backlog, category: backlog}
          - {id: todo, title: To do, category: todo}
          - {id: doing, title: Doing, category: active}
          - {id: review, title: In review, category: active}
          - {id: done, title: Done, category: done}
        transitions:
          backlog: [todo]
          todo: [doing, backlog]
          doing: [review, todo]
          review: [done, doing]
          done: [doing]
        ---
        """,
    "projects/web.md": "---\ntitle: Website\nworkflow: product\n---\n",
    "projects/ops.md": "---\ntitle: Operations\n---\n",
    "people/ana.md": "---\nname: Ana Lima\n---\n",
    "people/ben.md": "---\nname: Ben Ode\n---\n",
    "tasks/web/WEB-1.md": "---\ntitle: Landing page\nstatus: todo\nproject: web\n"
    "labels: [frontend, launch]\n---\n",
    "tasks/web/WEB-2.md": "---\ntitle: API\nstatus: doing\nproject: web\nlabels: [backend]\n---\n",
    "tasks/ops/OPS-1.md": "---\ntitle: Backups\nproject: ops\n---\n",
}


@pytest.fixture
def workspace(make_workspace: Callable[..., Path]) -> Path:
    root = make_workspace(FILES)
    _age(root)
    return root


def _age(root: Path) -> None:
    """Set every file and folder back a minute: a stamp this new is never trusted."""
    past = time.time() - 60
    for path in [root, *root.rglob("*")]:
        os.utime(path, (past, past))


def complete(root: Path | None, words: str, shell: str = "bash", cwd: Path | None = None) -> str:
    """What ``worktext`` answers the shell for ``words`` (the last one being completed)."""
    parts = words.split(" ")
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "_WORKTEXT_COMPLETE": f"{shell}_complete",
        "COMP_WORDS": words,
        # fish gives the word being completed itself, the others its index
        "COMP_CWORD": parts[-1] if shell == "fish" else str(len(parts) - 1),
        "WORKTEXT_JOBS": "1",
    }
    env.pop("WORKTEXT_WORKSPACE", None)
    if root is not None:
        env["WORKTEXT_WORKSPACE"] = str(root)
    done = subprocess.run(
        [sys.executable, "-m", "worktext"],
        env=env,
        cwd=cwd or root,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stderr == ""
    return done.stdout


def values(answer: str) -> list[str]:
    """The values of bash's answer (``type,value`` lines)."""
    return [line.split(",", 1)[1] for line in answer.splitlines() if line]


def test_commands_and_options(workspace: Path) -> None:
    assert values(complete(workspace, "worktext mo")) == ["move"]
    assert {"completion", "lsp", "ls"} <= set(values(complete(workspace, "worktext ")))
    assert {"--dry-run", "--commit"} <= set(values(complete(workspace, "worktext move --")))


def test_task_ids(workspace: Path) -> None:
    assert values(complete(workspace, "worktext move WEB-")) == ["WEB-1", "WEB-2"]
    assert values(complete(workspace, "worktext show o")) == ["OPS-1"]
    assert values(complete(workspace, "worktext log w")) == ["WEB-1", "WEB-2"]


def test_move_offers_the_allowed_states_first(workspace: Path) -> None:
    # doing → review, todo are allowed; backlog and done are not; doing is where it is
    assert values(complete(workspace, "worktext move WEB-2 ")) == [
        "todo",
        "review",
        "backlog",
        "done",
    ]
    assert values(complete(workspace, "worktext move web-2 r")) == ["review"]
    # OPS-1 follows the built-in workflow, which allows any move
    assert "done" in values(complete(workspace, "worktext move OPS-1 "))


def test_move_follows_an_edit_in_place(workspace: Path) -> None:
    """The file changed in place (its folder's stamp did not): its state is read again."""
    complete(workspace, "worktext move WEB-2 ")
    task = workspace / "tasks/web/WEB-2.md"
    task.write_text(task.read_text(encoding="utf-8").replace("doing", "review"), "utf-8")
    assert values(complete(workspace, "worktext move WEB-2 ")) == [
        "doing",
        "done",
        "backlog",
        "todo",
    ]


def test_a_new_file_is_completed(workspace: Path) -> None:
    assert values(complete(workspace, "worktext move WEB-")) == ["WEB-1", "WEB-2"]
    (workspace / "tasks/web/WEB-3.md").write_text("---\ntitle: New\nproject: web\n---\n", "utf-8")
    assert values(complete(workspace, "worktext move WEB-")) == ["WEB-1", "WEB-2", "WEB-3"]


def test_people_projects_labels(workspace: Path) -> None:
    assert values(complete(workspace, "worktext assign WEB-1 ")) == ["ana", "ben"]
    assert values(complete(workspace, "worktext label WEB-1 ")) == ["backend", "frontend", "launch"]
    assert values(complete(workspace, "worktext new task Title --project w")) == ["web"]
    assert values(complete(workspace, "worktext new task Title --assignee ana,")) == [
        "ana,ana",
        "ana,ben",
    ]
    assert values(complete(workspace, "worktext log WEB-1 2h --who b")) == ["ben"]


def test_query_keys_and_values(workspace: Path) -> None:
    keys = values(complete(workspace, "worktext ls st"))
    assert keys == ["status:", "start:"]
    assert values(complete(workspace, "worktext ls status:d")) == ["status:doing", "status:done"]
    # a negated term follows `--` (else it is read as an option)
    assert values(complete(workspace, "worktext ls -- -label:f")) == ["-label:frontend"]
    assert values(complete(workspace, "worktext ls assignee:ana,b")) == ["assignee:ana,ben"]
    assert values(complete(workspace, "worktext ls is:ov")) == ["is:overdue"]
    # a bash that splits at the colon (COMP_WORDBREAKS) gets the part after it
    assert values(complete(workspace, "worktext ls status : d")) == ["doing", "done"]
    assert values(complete(workspace, "worktext ls status :"))[:2] == ["backlog", "todo"]


def test_zsh_and_fish_carry_descriptions(workspace: Path) -> None:
    zsh = complete(workspace, "worktext move WEB-", shell="zsh").splitlines()
    assert zsh[:3] == ["plain", "WEB-1", "Landing page"]
    fish = complete(workspace, "worktext assign WEB-1 a", shell="fish").splitlines()
    # click 8.4 sends type, value and help on lines of their own; earlier ones on one line
    assert "ana" in "\n".join(fish) and "Ana Lima" in "\n".join(fish)
    assert "ben" not in "\n".join(fish)


def test_outside_a_workspace_only_commands(tmp_path: Path) -> None:
    assert values(complete(None, "worktext move WEB-", cwd=tmp_path)) == []
    assert values(complete(None, "worktext che", cwd=tmp_path)) == ["check"]


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """A clock far enough ahead that no file or folder is too new to be trusted."""
    monkeypatch.setattr(cache, "now_ns", lambda: time.time_ns() + 10 * cache.RACY_NS)


def test_commands_are_completed_without_importing_them(workspace: Path) -> None:
    probe = (
        "import sys\n"
        "from worktext.cli import cli\n"
        "try:\n"
        "    cli(prog_name='worktext')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('LOADED', sorted(m for m in sys.modules if m.startswith('worktext.commands.')))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO), "_WORKTEXT_COMPLETE": "bash_complete"}
    env |= {"COMP_WORDS": "worktext ", "COMP_CWORD": "1", "WORKTEXT_WORKSPACE": str(workspace)}
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    *answer, loaded = done.stdout.splitlines()
    assert {"plain,build", "plain,move", "plain,lsp", "plain,completion"} <= set(answer)
    assert loaded == "LOADED ['worktext.commands.common', 'worktext.commands.completion']"


@pytest.mark.usefixtures("settled")
def test_the_index_is_served_without_the_workspace(workspace: Path) -> None:
    """Once written, a completion reads the index: not the loader, the checks or the site."""
    result = CliRunner().invoke(cli, ["-w", str(workspace), "check"])
    assert result.exit_code == 0, result.output
    assert completion.read(workspace) is not None
    probe = (
        "import os, sys\n"
        "from worktext.cli import cli\n"
        "try:\n"
        "    cli(prog_name='worktext')\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = [m for m in sys.modules if m.startswith(('worktext.render', "
        "'worktext.check', 'worktext.model.loader'))]\n"
        "print('LOADED', loaded)\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "_WORKTEXT_COMPLETE": "bash_complete",
        "COMP_WORDS": "worktext move WEB-2 ",
        "COMP_CWORD": "3",
        "WORKTEXT_WORKSPACE": str(workspace),
    }
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert "plain,todo" in done.stdout
    assert done.stdout.splitlines()[-1] == "LOADED []"


@pytest.mark.usefixtures("settled")
def test_check_writes_the_index(workspace: Path) -> None:
    result = CliRunner().invoke(cli, ["-w", str(workspace), "check"])
    assert result.exit_code == 0, result.output
    index = completion.read(workspace)
    assert index is not None
    assert sorted(index.tasks) == ["OPS-1", "WEB-1", "WEB-2"]
    assert index.moves("WEB-1") == ["backlog", "doing", "review", "done"]


def test_a_changed_or_racy_folder_is_never_trusted(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "now_ns", lambda: time.time_ns() + 10 * cache.RACY_NS)
    result = CliRunner().invoke(cli, ["-w", str(workspace), "check"])
    assert result.exit_code == 0
    assert completion.read(workspace) is not None
    later = time.time() + 5
    os.utime(workspace / "tasks/web", (later, later))  # a file added or removed there
    assert completion.read(workspace) is None
    config = load_config(workspace)[0]
    stamps = dict(completion.folder_stamps(config))
    assert stamps[str(workspace / "tasks/web")] is not None  # as the clock runs ahead here
    monkeypatch.setattr(cache, "now_ns", time.time_ns)  # the real clock: tasks/web is too new
    stamps = dict(completion.folder_stamps(config))
    assert stamps[str(workspace / "tasks/web")] is None


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_prints_the_script(shell: str) -> None:
    result = CliRunner().invoke(cli, ["completion", shell])
    assert result.exit_code == 0
    assert "_WORKTEXT_COMPLETE" in result.output
    assert f"{shell}_complete" in result.output
    if shell == "bash":
        assert result.output.startswith("COMP_WORDBREAKS=${COMP_WORDBREAKS//:/}\n")


def test_completion_refuses_another_shell() -> None:
    result = CliRunner().invoke(cli, ["completion", "tcsh"])
    assert result.exit_code == 2
    assert "tcsh" in result.output


@pytest.mark.usefixtures("settled")
def test_an_edit_in_place_is_read_from_the_file(workspace: Path) -> None:
    assert CliRunner().invoke(cli, ["-w", str(workspace), "check"]).exit_code == 0
    task = workspace / "tasks/web/WEB-2.md"
    task.write_text(task.read_text(encoding="utf-8").replace("doing", "review"), "utf-8")
    index = completion.read(workspace)  # the folder's stamp did not move: still fresh
    assert index is not None
    assert index.task_state("WEB-2") == ("review", "product")
    assert values(complete(workspace, "worktext move WEB-2 ")) == [
        "doing",
        "done",
        "backlog",
        "todo",
    ]


@pytest.mark.usefixtures("settled")
def test_under_mappings_an_edit_in_place_reads_the_workspace(
    make_workspace: Callable[..., Path],
) -> None:
    """A status spelled another way is only read right by the loader: the index steps
    aside, and the workspace is read again."""
    files = {**FILES, "tasks/web/WEB-2.md": FILES["tasks/web/WEB-2.md"].replace("doing", "Doing")}
    config = "name: Test\nmappings:\n  statuses: {Doing: doing, Review: review}\n"
    root = make_workspace(files, config=config)
    _age(root)
    assert CliRunner().invoke(cli, ["-w", str(root), "check"]).exit_code == 0
    assert values(complete(root, "worktext move WEB-2 ")) == ["todo", "review", "backlog", "done"]
    task = root / "tasks/web/WEB-2.md"
    task.write_text(task.read_text(encoding="utf-8").replace("Doing", "Review"), "utf-8")
    index = completion.read(root)
    assert index is not None
    with pytest.raises(completion.Stale):
        index.task_state("WEB-2")
    assert values(complete(root, "worktext move WEB-2 ")) == ["doing", "done", "backlog", "todo"]
