"""A small git repository whose history moves tasks through a workflow, for the site's flow
charts and task histories (tests/test_render_history.py, tests/test_site_browser.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from git_helpers import WORKFLOW, Repo, task

TODAY = dt.date(2026, 2, 20)
PROJECT = """\
---
title: Launch
workflow: flow
deadline: 2026-03-31
milestones:
  - {id: beta, title: Beta, date: 2026-02-27}
---
"""
HOSTILE_AUTHOR = "Zoë & <b>x</b>"
HOSTILE_SUBJECT = "T-1 to review <script>alert(1)</script> & more"


def make_repo(root: Path) -> Repo:
    repo = Repo(root)
    repo.write(
        {
            "workflows/flow.md": WORKFLOW,
            "projects/launch.md": PROJECT,
            "tasks/T-1.md": task(
                "T-1",
                title="Write",
                project="launch",
                status="todo",
                estimate="4h",
                milestone="beta",
            ),
            "tasks/T-2.md": task(
                "T-2", title="Test", project="launch", status="todo", estimate="2h"
            ),
            "tasks/T-3.md": task("T-3", title="Ship", project="launch", status="todo"),
        }
    )
    repo.commit("Plan the launch", "2026-01-05T09:00:00+00:00")
    repo.write(
        {
            "tasks/T-1.md": task(
                "T-1",
                title="Write",
                project="launch",
                status="doing",
                estimate="4h",
                milestone="beta",
            )
        }
    )
    repo.commit("Start T-1", "2026-01-12T10:00:00+01:00", author="Ben Okafor")
    repo.write(
        {
            "tasks/T-1.md": task(
                "T-1",
                title="Write",
                project="launch",
                status="review",
                estimate="4h",
                milestone="beta",
            )
        }
    )
    repo.commit(HOSTILE_SUBJECT, "2026-01-20T10:00:00+00:00", author=HOSTILE_AUTHOR)
    repo.write(
        {
            "tasks/T-1.md": task(
                "T-1",
                title="Write",
                project="launch",
                status="done",
                estimate="4h",
                milestone="beta",
            ),
            "tasks/T-2.md": task(
                "T-2", title="Test", project="launch", status="doing", estimate="2h"
            ),
        }
    )
    repo.commit("Finish T-1, start T-2", "2026-02-02T16:00:00+00:00")
    return repo
