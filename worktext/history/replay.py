"""Replaying commits onto the task files they touch, following each task by its id: a rename
or a move to another folder continues a task's history, and two files with one id count as
the first of them, as in the index.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from worktext.history.events import Event, FieldChange, History, Skipped, TaskHistory, final_fields
from worktext.history.read import Commit
from worktext.model.schema import ID_PATTERN
from worktext.model.workspace import id_key


def item_id(fields: Mapping[str, Any], rel: str) -> str | None:
    value = fields.get("id")
    if isinstance(value, str | int) and not isinstance(value, bool):
        value = str(value)
        return value if ID_PATTERN.match(value) else None
    stem = rel.rsplit("/", 1)[-1][:-3]
    return stem if ID_PATTERN.match(stem) else None


class Replay:
    """The state of every task file while the commits are applied in order."""

    def __init__(self, history: History) -> None:
        self.history = history
        self.at_path: dict[str, tuple[str, dict[str, Any]]] = {}  # path → (id, fields)
        self.paths_of: dict[str, list[str]] = {}  # id_key → paths holding that id
        self._pending: Iterable[tuple] = ()  # a cached snapshot, restored when first needed

    def apply(
        self,
        commit: Commit,
        removed: Iterable[str],
        written: Iterable[tuple[str, dict[str, Any] | None, str]],
        present: bool = False,
    ) -> None:
        """Apply one commit: removed paths, and (path, fields or None, why) written ones."""
        self._materialize()
        at_path, paths_of = self.at_path, self.paths_of
        # Each touched id's state before the commit, in the order the ids were first touched.
        before: dict[str, tuple[str, dict[str, Any]] | None] = {}
        for path in removed:
            self._vacate(path, before)
        for path, fields, why in written:
            if fields is None:
                self.history.skipped.append(Skipped(commit, path, why))
                continue  # the earlier version stands
            task_id = item_id(fields, path)
            self._vacate(path, before)
            if task_id is None:
                self.history.skipped.append(Skipped(commit, path, "no valid id"))
                continue
            key = id_key(task_id)
            if key not in before:
                before[key] = self._current(key)
            at_path[path] = (task_id, fields)
            paths = paths_of.get(key)
            if paths is None:
                paths_of[key] = [path]
            else:
                paths.append(path)
        for key, old in before.items():
            self._record(commit, key, old, self._current(key), present)

    def _vacate(self, path: str, before: dict[str, tuple[str, dict[str, Any]] | None]) -> None:
        """Take the file at ``path`` out of the state; the first time an id is touched in a
        commit, remember its state before the commit in ``before``."""
        old = self.at_path.get(path)
        if old is not None:
            key = id_key(old[0])
            if key not in before:
                before[key] = self._current(key)
            self._drop(path, key)

    def _drop(self, path: str, key: str) -> None:
        del self.at_path[path]
        paths = self.paths_of.get(key)
        if paths and path in paths:
            paths.remove(path)

    def _current(self, key: str) -> tuple[str, dict[str, Any]] | None:
        paths = self.paths_of.get(key)
        if not paths:
            return None
        # With duplicate ids, the first file wins, as in the index.
        path = paths[0] if len(paths) == 1 else min(paths)
        return path, self.at_path[path][1]

    def _record(
        self,
        commit: Commit,
        key: str,
        old: tuple[str, dict[str, Any]] | None,
        new: tuple[str, dict[str, Any]] | None,
        present: bool,
    ) -> None:
        """The event of one task in one commit, from its state before and after it."""
        if new is None:
            if old is not None:
                self._record_deletion(commit, key, old[0])
            return
        path, fields = new
        if None in fields.values():  # null keys are left out, as the cache does
            fields = {k: v for k, v in fields.items() if v is not None}
        task = self._task(key, self.at_path[path][0])
        if old is None:
            self._record_arrival(task, commit, path, fields, present)
            return
        changes = diff_fields(old[1], fields)
        if old[0] == path:
            if changes:  # else only the body changed
                task.events.append(Event(task.id, commit, "changed", path, None, changes, fields))
            return
        task.events.append(Event(task.id, commit, "moved", path, old[0], changes, fields))

    def _record_arrival(
        self, task: TaskHistory, commit: Commit, path: str, fields: dict[str, Any], present: bool
    ) -> None:
        """The task appears: already there where a shallow history starts (``present``),
        back after a deletion, or new."""
        action = "present" if present else ("restored" if task.events else "created")
        changes = diff_fields({}, fields)
        task.events.append(Event(task.id, commit, action, path, None, changes, fields))

    def _record_deletion(self, commit: Commit, key: str, path: str) -> None:
        task = self.history.tasks[key]
        task.events.append(Event(task.id, commit, "deleted", path, None, (), {}))

    def _task(self, key: str, task_id: str) -> TaskHistory:
        """The history of the task ``key`` (new on its first event), its id now spelt as
        ``task_id``: the file that holds it now spells it so."""
        task = self.history.tasks.get(key)
        if task is None:
            task = self.history.tasks[key] = TaskHistory(task_id)
        task.id = task_id
        return task

    def snapshot(self) -> tuple:
        """Which task each path holds; the fields come from the task's last event."""
        self._materialize()
        return tuple((path, id_key(task_id)) for path, (task_id, _) in self.at_path.items())

    def restore(self, rows: Iterable[tuple]) -> None:
        # Most runs have no uncommitted task changes and never need the state by path.
        self._pending = rows

    def _materialize(self) -> None:
        rows, self._pending = self._pending, ()
        for path, key in rows:
            task = self.history.tasks[key]
            stored = task.stored_events()
            if stored is not None:  # no need to build every event of every task for this
                self.at_path[path] = (stored[-1][1], final_fields(stored))
            else:
                last = task.events[-1]
                self.at_path[path] = (last.task_id, dict(last.fields))
            self.paths_of.setdefault(key, []).append(path)


def diff_fields(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    make = tuple.__new__  # builds the named tuples without a Python-level call each
    if not old:
        return tuple([make(FieldChange, (k, None, v)) for k, v in new.items() if v is not None])
    if old.keys() == new.keys():  # most commits change a value or two, not the keys
        return tuple([make(FieldChange, (k, v, new[k])) for k, v in old.items() if v != new[k]])
    return _diff_other_keys(old, new)


def _diff_other_keys(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    """``diff_fields`` of two sets of fields with keys added or removed."""
    make = tuple.__new__
    keys = list(old) + [k for k in new if k not in old]
    return tuple(
        [make(FieldChange, (k, old.get(k), new.get(k))) for k in keys if old.get(k) != new.get(k)]
    )
