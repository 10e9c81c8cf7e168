"""Real git repositories with scripted histories, for the history, metrics and PR tests.

Every commit has a fixed author and committer date, so histories and metrics are exact.
"""

from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path

WORKFLOW = """\
---
title: Flow
states:
  - {id: todo, category: todo}
  - {id: doing, category: active}
  - {id: review, category: active}
  - {id: done, category: done}
  - {id: dropped, category: cancelled}
transitions:
  todo: [doing, dropped]
  doing: [review, todo]
  review: [done, doing]
  done: [doing]
---
"""


def task(task_id: str | None = None, **fields: object) -> str:
    """A task file's text with the given front matter keys (lists written inline)."""
    lines = ["---"]
    if task_id is not None:
        lines.append(f"id: {task_id}")
    for key, value in fields.items():
        if isinstance(value, list | tuple):
            value = "[" + ", ".join(str(v) for v in value) + "]"
        lines.append(f"{key}: {value}")
    lines += ["---", "", "Some notes.", ""]
    return "\n".join(lines)


def git_env(when: str, author: str = "Ana Silva", email: str = "ana@example.com") -> dict:
    env = dict(os.environ)
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        env.pop(name, None)
    env.update(
        {
            "GIT_AUTHOR_NAME": author,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_COMMITTER_NAME": author,
            "GIT_COMMITTER_EMAIL": email,
            "GIT_AUTHOR_DATE": when,
            "GIT_COMMITTER_DATE": when,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
        }
    )
    return env


class Repo:
    """A git repository in a folder, with a worktext workspace at its root."""

    def __init__(self, root: Path, config: str = "name: Test\n") -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        (root / "worktext.yml").write_text(config, encoding="utf-8")

    def git(self, *args: str, when: str = "2026-01-01T09:00:00+00:00", **who: str) -> str:
        result = subprocess.run(
            ["git", "-c", "commit.gpgsign=false", *args],
            cwd=self.root,
            env=git_env(when, **who),
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout.strip()

    def write(self, files: dict[str, str]) -> None:
        for rel, text in files.items():
            path = self.root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")

    def remove(self, *paths: str) -> None:
        for rel in paths:
            (self.root / rel).unlink()

    def move(self, src: str, dst: str) -> None:
        (self.root / dst).parent.mkdir(parents=True, exist_ok=True)
        os.replace(self.root / src, self.root / dst)

    def commit(self, message: str, when: str, **who: str) -> str:
        """Stage everything in the repository and commit it at ``when`` (ISO with zone)."""
        self.git("add", "-A", when=when, **who)
        self.git("commit", "-q", "--allow-empty", "-m", message, when=when, **who)
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")
