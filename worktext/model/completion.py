"""What shell completion offers, kept small in the cache: ids, states, people, projects, labels.

A completion runs a fresh ``worktext`` process on every Tab, so it cannot afford to load the
workspace (half a second at 10,000 tasks, even from the cache). The index is one cache entry,
``completion``, written whenever a workspace is checked afresh, holding only what completion
offers. It is fresh while ``worktext.yml`` and every item folder keep the stat key (mtime,
size, inode, ctime: the loader's) they had when it was written: adding, deleting or renaming
a file changes its folder's, and worktext's own edits rename a temporary file into place. A
task's own file is stamped too, so ``move ID <Tab>`` starts from the state it has now even
after an edit in place.

This module reads the index without importing the resolved workspace: a completion pays for
the cache, a few hundred ``stat`` calls and the one file it asks about.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from worktext.load import cache

if TYPE_CHECKING:
    from worktext.model.config import Config
    from worktext.model.workspace import Workspace

log = logging.getLogger(__name__)

ENTRY = "completion"
KEY = "1"  # the layout of the value below; the cache adds worktext's code
CONFIG_NAME = "worktext.yml"
Stamp = cache.StatKey | None  # None: too new to be trusted


class Stale(Exception):
    """The index cannot answer: the workspace must be read again."""


class Index:
    """The index's content: ``tasks`` id → (path, file stat key, status, workflow id, title);
    ``workflows`` id → (states, transitions or None); people, projects, labels, priorities."""

    def __init__(self, value: dict[str, Any]) -> None:
        self.tasks: dict[str, tuple[str, Stamp, str, str, str]] = value["tasks"]
        self.workflows: dict[str, tuple[list[str], dict[str, list[str]] | None]] = value[
            "workflows"
        ]
        self.people: list[tuple[str, str]] = value["people"]
        self.projects: list[tuple[str, str]] = value["projects"]
        self.labels: list[str] = value["labels"]
        self.priorities: list[str] = value["priorities"]
        self.root: str = value["root"]
        self.mapped: bool = value["mapped"]
        # Written by this process from the files as they are: nothing to read again.
        self.just_written = False

    def states(self) -> list[str]:
        """Every state of every workflow, once, in workflow order."""
        seen: dict[str, None] = {}
        for states, _transitions in self.workflows.values():
            seen.update(dict.fromkeys(states))
        return list(seen)

    def task_state(self, task_id: str) -> tuple[str, str] | None:
        """A task's (status, workflow id), its status read from its file when the file
        changed since the index was written. Raises ``Stale`` when the file changed and its
        status cannot be read as the loader would (under ``mappings:``, a folder or a board
        may give the state)."""
        found = self.tasks.get(task_id) or _folded(self.tasks, task_id)
        if found is None:
            return None
        rel, key, status, workflow, _title = found
        if self.just_written:
            return status, workflow
        path = os.path.join(self.root, rel)
        try:
            changed = cache.stat_key(os.stat(path)) != key
        except OSError as error:
            raise Stale(f"{rel}: {error.strerror or error}") from None
        if changed:
            if self.mapped:
                raise Stale(f"{rel} changed")
            from worktext.load.source import read_file  # only for a file edited since

            data = read_file(path, rel).data or {}
            value = data.get("status")
            status = value if isinstance(value, str) else status
        return status, workflow

    def moves(self, task_id: str) -> list[str]:
        """The states a task may move to: those its workflow allows from its state first
        (every state when there is no such task)."""
        found = self.task_state(task_id)
        if found is None:
            return self.states()
        status, workflow_id = found
        states, transitions = self.workflows.get(workflow_id, ([], None))
        others = [s for s in states if s != status]
        if transitions is None or status not in transitions:
            return others
        allowed = [s for s in others if s in transitions[status]]
        return allowed + [s for s in others if s not in allowed]


def _folded(tasks: dict[str, Any], task_id: str) -> Any:
    folded = task_id.casefold()
    return next((row for key, row in tasks.items() if key.casefold() == folded), None)


def folder_stamps(config: Config, since_ns: int | None = None) -> list[tuple[str, Stamp]]:
    """The stat key of the configuration file and of every item folder, below each kind's
    folders. A folder changed after ``since_ns`` (when the workspace began to be read), or
    too recently to be told apart from a later change (``cache.RACY_NS``), is stamped None:
    never fresh."""
    now = min(cache.now_ns(), since_ns or cache.now_ns())
    stamps: list[tuple[str, Stamp]] = []
    for path in _folders(config):
        try:
            key = cache.stat_key(os.stat(path))
        except OSError as exc:  # gone since the walk: the index is read again when it is back
            log.debug("completion index: no stamp for %s: %s", path, exc)
            continue
        stamps.append((path, None if cache.is_racy(key, now) else key))
    return stamps


def _folders(config: Config) -> Iterator[str]:
    yield str(Path(config.root) / CONFIG_NAME)
    for folders in config.folders.values():
        for folder in folders:
            stack = [str(Path(config.root) / folder)]
            while stack:
                current = stack.pop()
                yield current
                try:
                    with os.scandir(current) as entries:
                        for entry in entries:
                            if entry.is_dir(follow_symlinks=False) and entry.name[:1] not in "._":
                                stack.append(entry.path)
                except OSError as exc:  # unlistable: its items are not in the index either
                    log.debug("completion index: cannot list %s: %s", current, exc)
                    continue


def write(ws: Workspace, since_ns: int, keys: Mapping[str, Stamp] | None = None) -> None:
    """Keep the index of ``ws``, which began to be read at ``since_ns``; ``keys``: each
    file's stat key as the scan saw it (else each task file is stat'ed). A file changed too
    recently to be told apart from a later change is stamped None: read again every time."""
    stamps = folder_stamps(ws.config, since_ns)
    now = min(cache.now_ns(), since_ns)
    tasks = {}
    root = str(ws.config.root)
    for task in ws.tasks:
        key = keys.get(task.path) if keys is not None else _stat_key(root, task.path)
        if key is not None and cache.is_racy(key, now):
            key = None
        status = ws.status_of(task)
        tasks[task.id] = (task.path, key, status, ws.workflow_of(task).id, task.title)
    workflows = {
        w.id: (
            [s.id for s in w.states],
            {src: list(dst) for src, dst in w.transitions.items()} if w.transitions else None,
        )
        for w in [*ws.workflows, ws.default_workflow]
    }
    labels: dict[str, None] = {}
    for task in ws.tasks:
        labels.update(dict.fromkeys(task.labels))
    value = {
        "root": root,
        "stamps": stamps,
        "tasks": tasks,
        "workflows": workflows,
        "people": [(p.id, p.name) for p in ws.people],
        "projects": [(p.id, p.title) for p in ws.all_projects()],
        "labels": sorted(labels),
        "priorities": list(ws.config.priorities),
        "mapped": not ws.config.mappings.empty,
    }
    cache.Cache(ws.config.root, True).put(ENTRY, KEY, value)
    log.info("completion index: %d tasks", len(tasks))


def _stat_key(root: str, rel: str) -> Stamp:
    try:
        return cache.stat_key(os.stat(os.path.join(root, rel)))
    except OSError:
        return None


def read(root: Path) -> Index | None:
    """The index of the workspace at ``root`` while it is fresh, else None."""
    value = cache.Cache(root).get(ENTRY, KEY)
    if not isinstance(value, dict) or value.get("root") != str(root):
        return None
    for path, key in value.get("stamps", ()):
        try:
            if key is None or cache.stat_key(os.stat(path)) != key:
                log.info("completion index: %s changed; not used", path)
                return None
        except OSError:
            return None
    try:
        return Index(value)
    except (KeyError, TypeError) as error:
        log.info("completion index: not readable (%s); not used", error)
        return None
