"""Replaying commits onto the task files they touch, following each task by its id: a rename
or a move to another folder continues a task's history, and so does a change of id that git
sees as a rename (or that the new file records in ``previous_ids``). Two files with one id
keep separate histories: the second file's is kept under a key of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from worktext.history.events import (
    History,
    Skipped,
    TaskHistory,
    duplicate_key,
    final_fields,
)
from worktext.history.read import Commit
from worktext.model.schema import ID_PATTERN
from worktext.model.workspace import id_key

Change = tuple[str, Any, Any]  # (field, old, new): a row's form of a ``FieldChange``


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
        self.key_at: dict[str, str] = {}  # path → the key of the history it belongs to
        self.paths_of: dict[str, list[str]] = {}  # key → paths holding that id
        self.board: dict[str, str] = {}  # each task file's board column (Kanbn), as of now
        self._pending: Iterable[tuple] = ()  # a cached snapshot, restored when first needed
        self._renamed: dict[str, str] = {}  # key → the id it had before this commit

    def fields_at(self, path: str) -> dict[str, Any] | None:
        """The front matter of the task file at ``path`` now, if there is one."""
        self._materialize()
        found = self.at_path.get(path)
        return found[1] if found is not None else None

    def id_at(self, path: str) -> str | None:
        self._materialize()
        return self.key_at.get(path)

    def apply(
        self,
        commit: Commit,
        removed: Iterable[str],
        written: Iterable[tuple[str, dict[str, Any] | None, str]],
        present: bool = False,
        renamed: Mapping[str, str] | None = None,
    ) -> None:
        """Apply one commit: removed paths, and (path, fields or None, why) written ones;
        ``renamed``: new path → old path of the files git found renamed in the commit."""
        self._materialize()
        at_path, paths_of, key_at = self.at_path, self.paths_of, self.key_at
        # Each touched id's state before the commit, in the order the ids were first touched.
        before: dict[str, tuple[str, dict[str, Any]] | None] = {}
        vacated: dict[str, str] = {}  # path → the key it held before the commit
        for path in removed:
            self._vacate(path, before, vacated)
        arrived: list[tuple[str, dict[str, Any]]] = []
        for path, fields, why in written:
            if fields is None:
                self.history.skipped.append(Skipped(commit, path, why))
                continue  # the earlier version stands
            task_id = item_id(fields, path)
            self._vacate(path, before, vacated)
            if task_id is None:
                self.history.skipped.append(Skipped(commit, path, "no valid id"))
                continue
            key = id_key(task_id)
            held = paths_of.get(key)
            if held:  # another file holds this id: a duplicate, with a history of its own
                key = duplicate_key(key, path)
                self.history.duplicated.setdefault(id_key(task_id), [held[0]])
                if path not in self.history.duplicated[id_key(task_id)]:
                    self.history.duplicated[id_key(task_id)].append(path)
                held = paths_of.get(key)
            if key not in before:
                before[key] = self._current(key)
            at_path[path] = (task_id, fields)
            key_at[path] = key
            if held is None:
                paths_of[key] = [path]
            else:
                held.append(path)
            arrived.append((path, fields))
        self._link_renames(before, vacated, renamed or {}, arrived)
        ci = self._index(commit)
        for key, old in before.items():
            self._record(ci, key, old, self._current(key), present)
        self._renamed.clear()

    def _index(self, commit: Commit) -> int:
        """The position of ``commit`` in the history's commits: the last one, as the callers
        add each commit before they apply it."""
        commits = self.history.commits
        if commits and commits[-1] is commit:
            return len(commits) - 1
        return commits.index(commit)

    def _link_renames(
        self,
        before: dict[str, tuple[str, dict[str, Any]] | None],
        vacated: Mapping[str, str],
        renamed: Mapping[str, str],
        arrived: list[tuple[str, dict[str, Any]]],
    ) -> None:
        """A task that arrives under a new id where one under an old id went (a rename git
        detects, or ``previous_ids`` in the new file) continues the old one's history."""
        links: list[tuple[str, str]] = []  # (new path, old key)
        for new_path, old_path in renamed.items():
            old_key = vacated.get(old_path)
            if old_key is not None:
                links.append((new_path, old_key))
        for path, fields in arrived:
            previous = fields.get("previous_ids")
            if previous is None:  # most files
                continue
            names = previous if isinstance(previous, list) else [previous]
            for name in names:
                if isinstance(name, str | int) and not isinstance(name, bool):
                    links.append((path, id_key(str(name))))
        tasks = self.history.tasks
        for new_path, old_key in links:
            new_key = self.key_at.get(new_path)
            if new_key is None or new_key == old_key or old_key not in tasks:
                continue
            if self._current(old_key) is not None or before.get(new_key) is not None:
                continue  # the old id is still there, or the new one was already: no rename
            if new_key in tasks and tasks[new_key].rows():
                continue  # the new id has a history of its own
            task = tasks.pop(old_key)
            tasks[new_key] = task
            self._renamed[new_key] = task.id
            old_state = before.pop(old_key, None)
            rows = task.rows()
            if old_state is None and rows and rows[-1][2] == "deleted":
                old_state = (rows[-1][3], {})
            before[new_key] = old_state

    def _vacate(
        self,
        path: str,
        before: dict[str, tuple[str, dict[str, Any]] | None],
        vacated: dict[str, str] | None = None,
    ) -> None:
        """Take the file at ``path`` out of the state; the first time an id is touched in a
        commit, remember its state before the commit in ``before``."""
        old = self.at_path.get(path)
        if old is not None:
            key = self.key_at[path]
            if key not in before:
                before[key] = self._current(key)
            if vacated is not None:
                vacated.setdefault(path, key)
            self._drop(path, key)

    def _drop(self, path: str, key: str) -> None:
        del self.at_path[path]
        del self.key_at[path]
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
        ci: int,
        key: str,
        old: tuple[str, dict[str, Any]] | None,
        new: tuple[str, dict[str, Any]] | None,
        present: bool,
    ) -> None:
        """The event of one task in one commit (the ``ci``-th of the history), from its state
        before and after it."""
        if new is None:
            if old is not None:
                self._record_deletion(ci, key, old[0])
            return
        path, fields = new
        if None in fields.values():  # null keys are left out, as the cache does
            fields = {k: v for k, v in fields.items() if v is not None}
        task = self._task(key, self.at_path[path][0])
        if old is None:
            self._record_arrival(task, ci, path, fields, present)
            return
        changes = diff_fields(old[1], fields)
        old_id = self._renamed.get(key)
        if old_id is not None and not any(c[0] == "id" for c in changes):
            changes = (("id", old_id, task.id), *changes)
        if old[0] == path:
            if changes:  # else only the body changed
                task.add((ci, task.id, "changed", path, None, changes))
            return
        task.add((ci, task.id, "moved", path, old[0], changes))

    def _record_arrival(
        self, task: TaskHistory, ci: int, path: str, fields: dict[str, Any], present: bool
    ) -> None:
        """The task appears: already there where a shallow history starts (``present``),
        back after a deletion, or new."""
        action = "present" if present else ("restored" if task.rows() else "created")
        task.add((ci, task.id, action, path, None, fields))  # its front matter, as it arrives

    def _record_deletion(self, ci: int, key: str, path: str) -> None:
        task = self.history.tasks.get(key)
        if task is None:  # continued under a new id in this very commit
            return
        task.add((ci, task.id, "deleted", path, None, ()))

    def _task(self, key: str, task_id: str) -> TaskHistory:
        """The history of the task ``key`` (new on its first event), its id now spelt as
        ``task_id``: the file that holds it now spells it so."""
        task = self.history.tasks.get(key)
        if task is None:
            task = self.history.tasks[key] = TaskHistory(task_id, self.history.commits)
        task.id = task_id
        return task

    def snapshot(self) -> tuple:
        """Which task each path holds; the fields come from the task's last event."""
        self._materialize()
        return tuple((path, self.key_at[path]) for path in self.at_path)

    def restore(self, rows: Iterable[tuple]) -> None:
        # Most runs have no uncommitted task changes and never need the state by path.
        self._pending = rows

    def _materialize(self) -> None:
        rows, self._pending = self._pending, ()
        for path, key in rows:
            rows = self.history.tasks[key].rows()
            self.at_path[path] = (rows[-1][1], final_fields(rows))  # no events built for it
            self.key_at[path] = key
            self.paths_of.setdefault(key, []).append(path)


def diff_fields(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[Change, ...]:
    """The (field, old value, new value) of every key whose value differs (None: not set)."""
    if not old:
        return tuple([(k, None, v) for k, v in new.items() if v is not None])
    if old.keys() == new.keys():  # most commits change a value or two, not the keys
        return tuple([(k, v, new[k]) for k, v in old.items() if v != new[k]])
    return _diff_other_keys(old, new)


def _diff_other_keys(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[Change, ...]:
    """``diff_fields`` of two sets of fields with keys added or removed."""
    keys = list(old) + [k for k in new if k not in old]
    return tuple([(k, old.get(k), new.get(k)) for k in keys if old.get(k) != new.get(k)])
