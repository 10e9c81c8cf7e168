"""``--commit``: commit exactly the files a command wrote, nothing else that is staged.

git runs with a fixed argument list (no shell), ``--`` before the paths, and ``commit -- paths``
so that whatever else the user has staged stays staged and out of this commit.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from worktext.history.gitio import GitError, NotARepository, run


def commit(root: Path, paths: Iterable[Path], message: str) -> str:
    """Commit ``paths`` (absolute, or relative to ``root``) with ``message``; the new commit's
    hash. Raises GitError (a WorktextError) when git refuses."""
    rel = sorted({os.path.relpath(Path(root, path), root) for path in paths})
    if not rel:
        raise GitError("nothing to commit")
    check = run(root, ["rev-parse", "--is-inside-work-tree"], check=False)
    if check.returncode != 0:
        raise NotARepository(
            f"{root} is not in a git repository; the change was written but not committed. "
            "Run 'git init' first, or leave out --commit."
        )
    run(root, ["add", "--", *rel])
    run(root, ["commit", "--quiet", "-m", message, "--", *rel])
    return run(root, ["rev-parse", "HEAD"]).stdout.decode().strip()


def user_email(root: Path) -> str | None:
    """git's ``user.email`` where ``root`` is (None without git, or when it is not set)."""
    try:
        result = run(root, ["config", "user.email"], check=False)
    except GitError:  # git itself is missing: nobody to name
        return None
    email = result.stdout.decode("utf-8", "replace").strip()
    return email if result.returncode == 0 and email else None


def message_for(subject: str, details: Iterable[str] = ()) -> str:
    """A one-line subject, then one line per detail."""
    lines = [subject.strip().splitlines()[0] if subject.strip() else "worktext change"]
    details = [d for d in details if d]
    if details:
        lines += ["", *details]
    return "\n".join(lines)


__all__ = ["GitError", "commit", "message_for", "user_email"]
