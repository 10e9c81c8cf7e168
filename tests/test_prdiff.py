"""``worktext diff REV [REV2]``: the Markdown summary of work changes between revisions."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from git_helpers import Repo, task

from worktext.cli import cli
from worktext.history.prdiff import md

PROJECT = """\
---
title: Web
milestones:
  - {id: beta, title: Beta launch}
---
"""


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    repo = Repo(tmp_path / "r")
    repo.write(
        {
            "projects/web.md": PROJECT,
            "tasks/W-1.md": task(
                title="Login page",
                status="doing",
                project="web",
                milestone="beta",
                assignee="ana",
                due="2026-03-01",
            ),
            "tasks/W-2.md": task(title="Old idea", status="todo", project="web"),
            "tasks/W-3.md": task(title="Signup", status="done", project="web", milestone="beta"),
        }
    )
    repo.commit("Start", "2026-01-01T09:00:00+00:00")
    repo.git("tag", "v1")
    repo.write(
        {
            "tasks/W-1.md": task(
                title="Login page",
                status="done",
                project="web",
                milestone="beta",
                assignee="bo",
                due="2026-03-08",
            ),
            "tasks/W-4.md": task(
                title="<script>alert(1)</script> | [x](javascript:y)",
                status="todo",
                project="web",
                assignee="ana",
            ),
        }
    )
    repo.write(
        {
            "projects/app.md": "---\ntitle: App\n---\n",
            "tasks/W-3.md": task(title="Signup", status="done", project="app"),
        }
    )
    repo.remove("tasks/W-2.md")
    repo.commit("Finish login", "2026-01-02T09:00:00+00:00", author="<script>")
    return repo


EXPECTED = """\
### Work changes: v1 → HEAD

1 new, 1 status change, 1 moved to another project, 1 reassigned, 1 date change, 1 removed.

#### Finished milestones

- 🏁 web / **beta** Beta launch

#### New tasks

- **W-4** \\<script\\>alert\\(1\\)\\</script\\> \\| \\[x\\]\\(javascript:y\\) (todo, ana)

#### Status changes

- **W-1** Login page: doing → **done**

#### Moved to another project

- **W-3** Signup: web → **app**

#### Reassigned

- **W-1** Login page: ana → bo

#### Date changes

- **W-1** Login page: due 2026-03-01 → 2026-03-08 \\(\\+7 days\\)

#### Removed tasks

- **W-2** Old idea
"""


def run(repo: Repo, *args: str) -> str:
    result = CliRunner().invoke(cli, ["-w", str(repo.root), "--today", "2026-02-01", "diff", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_diff_between_two_revisions(repo: Repo) -> None:
    out = run(repo, "v1", "HEAD")
    assert out == EXPECTED + "\n"


def test_diff_against_the_working_tree(repo: Repo) -> None:
    repo.write(
        {"tasks/W-3.md": task(title="Signup", status="doing", project="web", milestone="beta")}
    )
    out = run(repo, "HEAD")
    assert "### Work changes: HEAD → working tree" in out
    assert "- **W-3** Signup: done → **doing**" in out


def test_no_changes(repo: Repo) -> None:
    assert "No task changes." in run(repo, "HEAD", "HEAD")


def test_unknown_revision_is_a_clear_error(repo: Repo) -> None:
    result = CliRunner().invoke(cli, ["-w", str(repo.root), "diff", "--", "--output=x"])
    assert result.exit_code == 2 and "does not know the revision" in result.stderr


def test_markdown_escaping() -> None:
    assert md("<b>*x*</b>") == "\\<b\\>\\*x\\*\\</b\\>"
    assert md("a\nb  c") == "a b c"
    assert md("R&D") == "R&amp;D"
