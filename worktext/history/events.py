"""What a task's history is made of: events with their field changes (each at a ``Commit``,
which ``historyread`` reads from the log), mentions, and the whole ``History``; and how the
cache's compact events become events again.

Built by ``history.load_history``; read by metrics, the history and log commands and the site.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any, NamedTuple

from worktext.history.read import Commit
from worktext.model.diagnostics import Diagnostic
from worktext.model.workspace import Workspace, id_key


# Events and field changes are named tuples: a history holds tens of thousands of them, and
# building a tuple is several times cheaper than building a frozen dataclass.
class FieldChange(NamedTuple):
    field: str
    old: Any  # None: the key was not set
    new: Any


class Event(NamedTuple):
    """What one commit did to one task. ``action``: created, present (already there where a
    shallow clone's history is cut), changed, moved, deleted or restored."""

    task_id: str
    commit: Commit
    action: str
    path: str
    old_path: str | None
    changes: tuple[FieldChange, ...]
    fields: Mapping[str, Any]  # the front matter after the commit; {} when deleted

    def change(self, name: str) -> FieldChange | None:
        return next((c for c in self.changes if c.field == name), None)


@dataclass(frozen=True, slots=True)
class Mention:
    commit: Commit
    closes: bool  # "Closes WEB-12", "fixes WEB-12"


# A task's event as the replay records it and the cache keeps it: (index of its commit in
# ``History.commits``, task id, action, path, old path, what changed). What changed is
# ((field, old, new), ...), except when the task arrives (created, present, restored): then
# it is the front matter it arrives with, {field: value}, every field a change from None.
Row = tuple[int, str, str, str, str | None, tuple[tuple[str, Any, Any], ...] | dict[str, Any]]


class TaskHistory:
    """One task's events, oldest first, and the commits whose messages mention it.

    The events are kept as rows (``Row``: what the replay records and the cache keeps) and
    built into ``Event`` objects the first time they are read, the ones added since on the
    next read: a command that needs one task's history does not pay for ten thousand, and a
    reconstruction that is only cached builds none.
    """

    __slots__ = ("_built", "_commits", "_rows", "id", "mentions")

    def __init__(self, task_id: str, commits: list[Commit], rows: Iterable[Row] = ()) -> None:
        self.id = task_id
        self.mentions: list[Mention] = []
        self._commits = commits  # the history's commits, which the rows' indexes name
        self._rows: list[Row] = list(rows)
        self._built: list[Event] = []

    @property
    def events(self) -> list[Event]:
        done = len(self._built)
        if done < len(self._rows):
            fields = self._built[-1].fields if done else {}
            self._built.extend(rebuild_events(self._rows[done:], self._commits, fields))
        return self._built

    @property
    def exists(self) -> bool:
        return bool(self._rows) and self._rows[-1][2] != "deleted"

    def add(self, row: Row) -> None:
        """Record one more event, after the others."""
        self._rows.append(row)

    def rows(self) -> list[Row]:
        """The events in their compact form (not to be changed by the caller)."""
        return self._rows


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file version that could not be parsed, so that version is left out."""

    commit: Commit
    path: str
    reason: str


@dataclass
class History:
    available: bool = True  # False: no git, or not a repository
    head: str | None = None
    branch: str | None = None
    commits: list[Commit] = field(default_factory=list)  # oldest first
    tasks: dict[str, TaskHistory] = field(default_factory=dict)  # by id_key
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Problems of the history itself (old versions left out), with ``rules:`` applied.
    diagnostics: list[Diagnostic] = field(default_factory=list)
    shallow: tuple[str, ...] = ()
    from_cache: bool = False
    extended_from: str | None = None  # the cached commit that new commits were added to
    # id_key → the files that held that id at once, the first one first: each keeps a
    # history of its own (the others under ``duplicate_key``).
    duplicated: dict[str, list[str]] = field(default_factory=dict)

    def task(self, task_id: str) -> TaskHistory | None:
        """The history of the task ``task_id``: of the first file that held the id, unless
        it is gone and a duplicate's file still holds it."""
        key = id_key(task_id)
        found = self.tasks.get(key)
        if key in self.duplicated and (found is None or not found.exists):
            for path in self.duplicated[key][1:]:
                other = self.tasks.get(duplicate_key(key, path))
                if other is not None and other.exists:
                    return other
        return found

    def events(self) -> list[Event]:
        """Every event of every task, oldest first (stable within a commit)."""
        order = {c.sha: i for i, c in enumerate(self.commits)}
        out = [e for t in self.tasks.values() for e in t.events]
        out.sort(key=lambda e: (order.get(e.commit.sha, len(order)), id_key(e.task_id)))
        return out


def duplicate_key(key: str, path: str) -> str:
    """The key of the history of a second file holding the id ``key`` (at ``path``)."""
    return f"{key}\x1f{path}"


def final_fields(events: Iterable[Row]) -> dict[str, Any]:
    """The front matter after the last of a task's cached events."""
    fields: dict[str, Any] = {}
    for _, _, action, _, _, changes in events:
        fields = _apply(fields, action, changes)
    return fields


def _apply(fields: Mapping[str, Any], action: str, changes: Any) -> dict[str, Any]:
    """The front matter after one event (its row's ``changes``): a new dict, ``fields`` is
    left as it was."""
    if action == "deleted":
        return {}
    if action in ("changed", "moved"):
        out = dict(fields)
        for name, _, new in changes:
            if new is None:
                out.pop(name, None)
            else:
                out[name] = new
        return out
    return dict(changes)  # an arrival's front matter


def rebuild_events(
    events: Iterable[Row], commits: list[Commit], fields: Mapping[str, Any]
) -> list[Event]:
    """The events of ``events`` (rows), the first one following front matter ``fields``."""
    new_event = tuple.__new__  # builds the named tuples without a Python-level call each
    new_change = partial(tuple.__new__, FieldChange)
    rebuilt = []
    for ci, tid, action, path, old_path, changes in events:
        # Each event's front matter is the previous one with its changes applied.
        fields = _apply(fields, action, changes)
        if isinstance(changes, dict):  # an arrival: every field set
            changes = tuple([new_change((name, None, new)) for name, new in changes.items()])
        else:
            changes = tuple(map(new_change, changes))
        rebuilt.append(
            new_event(Event, (tid, commits[ci], action, path, old_path, changes, fields))
        )
    return rebuilt


def first_state(ws: Workspace, task_id: str) -> str:
    """The state a version of the task without ``status:`` was in: the first state of the
    workflow it follows now (of the default workflow, for a task no longer there)."""
    task = ws.tasks.get(task_id)
    workflow = ws.workflow_of(task) if task is not None else ws.default_workflow
    return workflow.states[0].id if workflow.states else ""


def status_after(event: Event, first: str) -> str:
    """The status a task has after ``event``: its ``status:``, else ``first``."""
    value = event.fields.get("status")
    return str(value) if value is not None else first
