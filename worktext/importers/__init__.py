"""``worktext import``: tasks from the tools teams leave (GitHub, Jira, Linear, Taskwarrior,
Trello, any CSV). Each module reads one tool's export into ``base.Record``s; ``plan.py``
turns them into file changes: new task files, or lossless edits of the files an earlier
import wrote (found by ``source`` and ``source_id``)."""

from __future__ import annotations

import importlib
from types import ModuleType

from worktext.errors import WorktextError
from worktext.importers.base import Options

# SOURCE of ``worktext import SOURCE FILE`` → its module under worktext.importers.
SOURCES = {
    "github": "github",
    "jira": "jira",
    "linear": "linear",
    "taskwarrior": "taskwarrior",
    "trello": "trello",
    "csv": "csvmap",
}


def importer(source: str) -> ModuleType:
    name = SOURCES.get(source)
    if name is None:
        raise WorktextError(f"no importer '{source}'; sources: {', '.join(SOURCES)}")
    return importlib.import_module(f"{__name__}.{name}")


def managed_keys(module: ModuleType, options: Options) -> tuple[str, ...]:
    """The task keys an import from this source sets (and may change or remove on a
    re-import); every other key of an imported file is left alone."""
    keys = getattr(module, "keys", None)
    return tuple(keys(options)) if callable(keys) else tuple(module.KEYS)
