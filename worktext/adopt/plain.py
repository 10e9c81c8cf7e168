"""A plain folder of Markdown files with front matter: the folder that holds the most files
with a ``status`` or a ``title``, and the statuses they use."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from worktext.adopt.proposal import OWN_FOLDER, Proposal, category_of, states_from_names
from worktext.load.source import read_file

TOOL = "Markdown files"
_SKIP = {"node_modules", "site", "public", "dist", "build", "venv"}
_ORDER = {"backlog": 0, "todo": 1, "active": 2, "blocked": 3, "done": 4, "cancelled": 5}


def find(root: Path) -> tuple[str, list[str]] | None:
    """The folder (relative to ``root``) with the most task-like files, and its statuses in
    the order work moves through them; None when no folder has one."""
    found: Counter[str] = Counter()
    statuses: dict[str, list[str]] = {}
    for current, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP)
        rel_dir = Path(current).relative_to(root).as_posix()
        for name in sorted(files):
            if not name.endswith(".md") or name.lower() in ("readme.md", "index.md"):
                continue
            rel = f"{rel_dir}/{name}" if rel_dir != "." else name
            data = read_file(str(root / rel), rel).data
            if not isinstance(data, dict) or not ("status" in data or "title" in data):
                continue
            top = rel.split("/", 1)[0] if "/" in rel else "."
            found[top] += 1
            status = data.get("status")
            if isinstance(status, str) and status.strip():
                statuses.setdefault(top, []).append(status)
    if not found:
        return None
    folder = max(found, key=lambda f: (found[f], f != "."))
    seen = list(dict.fromkeys(statuses.get(folder, [])))
    seen.sort(key=lambda s: _ORDER.get(category_of(s) or "todo", 1))
    return folder, seen


def propose(root: Path, folder: str, statuses: list[str]) -> Proposal:
    states, spellings = states_from_names(statuses or ["todo", "doing", "done"])
    return Proposal(
        tool=TOOL,
        source=f"{folder}/",
        name=root.resolve().name,
        workflow_id="tasks",
        states=states,
        task_folders=[folder],
        exclude=[f"{OWN_FOLDER}/*"] if folder == "." else [],
        statuses=spellings,
        ignore_case=True,
        handles=True,
    )
