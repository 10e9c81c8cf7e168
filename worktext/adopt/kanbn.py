"""Kanbn (``.kanbn/index.md``): the board's columns are the statuses.

Kanbn keeps each task in ``.kanbn/tasks/`` and its status outside the file, as the column of
the board index that lists it; the index's front matter names the columns where work has
started (``startedColumns``) and is done (``completedColumns``).
"""

from __future__ import annotations

from pathlib import Path

from worktext.adopt.proposal import Proposal, states_from_names
from worktext.errors import WorktextError
from worktext.model import kanbn

TOOL = "Kanbn"
INDEX = ".kanbn/index.md"
KEYS = {"assigned": "assignee", "tags": "labels"}


def find(root: Path) -> Path | None:
    path = root / INDEX
    return path if path.is_file() else None


def propose(root: Path) -> Proposal:
    """Settings that read the Kanbn board of ``root`` in place."""
    try:
        text = (root / INDEX).read_bytes().decode("utf-8-sig", "replace")
    except OSError as exc:
        raise WorktextError(f"{INDEX}: cannot be read ({exc.strerror or exc})") from None
    board = kanbn.parse_index(text, INDEX)
    if not board.columns:
        raise WorktextError(
            f"{INDEX}: no columns ('## Column' headings) found; is this a Kanbn board index?"
        )
    names = [column for column, _ in board.columns]
    states, spellings = states_from_names(names, board.started, board.completed)
    return Proposal(
        tool=TOOL,
        source=INDEX,
        name=board.name or root.resolve().name,
        workflow_id="kanbn",
        states=states,
        task_folders=[".kanbn/tasks"],
        statuses=spellings,
        ignore_case=True,
        keys=dict(KEYS),
        handles=True,
        kanbn=INDEX,
    )
