"""Git is the audit log: one pass over the first-parent history rebuilds every change of every
task's front matter.

One ``git log --raw -z`` stream names the file versions; one ``git cat-file --batch`` process
reads them; each distinct blob is parsed once. Tasks are followed by id, not by path, so
renames and moves between folders keep a task's history. Working-tree changes are a final
pseudo-commit named ``uncommitted``. The reconstruction is cached under ``.worktext/`` keyed by
the commit it was built for; deleting the cache changes no result.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

from . import cache, gitio
from .config import Config
from .historyread import (
    LOG_FORMAT,
    UNCOMMITTED,
    Commit,
    folder_prefixes,
    kind_of_path,
    parse_front_matter,
    parse_log,
    read_versions,
)
from .index import id_key
from .schema import ID_PATTERN

# Read here and re-exported for the modules that read git the same way (since.py).
__all__ = [
    "LOG_FORMAT",
    "UNCOMMITTED",
    "Commit",
    "Event",
    "FieldChange",
    "History",
    "Mention",
    "Skipped",
    "TaskHistory",
    "folder_prefixes",
    "item_id",
    "kind_of_path",
    "load_history",
    "parse_front_matter",
    "parse_log",
]

CACHE_NAME = "history.marshal"
FORMAT = 3
MENTION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
ID_CHARACTER = re.compile(r"[0-9-]")  # a task id mentioned in a message has a digit or a '-'
CLOSING_WORDS = re.compile(r"\b(close[sd]?|fix(e[sd])?|resolve[sd]?)\s*:?\s+$", re.IGNORECASE)


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


class TaskHistory:
    """One task's events, oldest first, and the commits whose messages mention it.

    From the cache, the events are built the first time they are read: a command that
    needs one task's history does not pay for ten thousand.
    """

    __slots__ = ("_events", "_stored", "id", "mentions")

    def __init__(self, task_id: str, stored: tuple | None = None) -> None:
        self.id = task_id
        self.mentions: list[Mention] = []
        self._events: list[Event] = []
        self._stored = stored  # (cached events, commits), until first read

    @property
    def events(self) -> list[Event]:
        if self._stored is not None:
            stored, self._stored = self._stored, None
            self._events = _rebuild_events(*stored)
        return self._events

    @property
    def exists(self) -> bool:
        return bool(self.events) and self.events[-1].action != "deleted"

    def stored_events(self) -> tuple | None:
        """The cached events when they were never read (so never changed), else None."""
        return self._stored[0] if self._stored is not None else None


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
    shallow: tuple[str, ...] = ()
    from_cache: bool = False
    extended_from: str | None = None  # the cached commit that new commits were added to

    def task(self, task_id: str) -> TaskHistory | None:
        return self.tasks.get(id_key(task_id))

    def events(self) -> list[Event]:
        """Every event of every task, oldest first (stable within a commit)."""
        order = {c.sha: i for i, c in enumerate(self.commits)}
        out = [e for t in self.tasks.values() for e in t.events]
        out.sort(key=lambda e: (order.get(e.commit.sha, len(order)), id_key(e.task_id)))
        return out


def item_id(fields: Mapping[str, Any], rel: str) -> str | None:
    value = fields.get("id")
    if isinstance(value, str | int) and not isinstance(value, bool):
        value = str(value)
        return value if ID_PATTERN.match(value) else None
    stem = rel.rsplit("/", 1)[-1][:-3]
    return stem if ID_PATTERN.match(stem) else None


# -- replaying changes by id ---------------------------------------------------------------


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
            old = at_path.get(path)
            if old is not None:
                key = id_key(old[0])
                if key not in before:
                    before[key] = self._current(key)
                self._drop(path, key)
        for path, fields, why in written:
            if fields is None:
                self.history.skipped.append(Skipped(commit, path, why))
                continue  # the earlier version stands
            task_id = item_id(fields, path)
            old = at_path.get(path)
            if old is not None:
                key = id_key(old[0])
                if key not in before:
                    before[key] = self._current(key)
                self._drop(path, key)
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
        if new is None:
            if old is not None:
                task = self.history.tasks[key]
                task.events.append(Event(task.id, commit, "deleted", old[0], None, (), {}))
            return
        path, fields = new
        if None in fields.values():  # null keys are left out, as the cache does
            fields = {k: v for k, v in fields.items() if v is not None}
        task_id = self.at_path[path][0]
        task = self.history.tasks.get(key)
        if task is None:
            task = self.history.tasks[key] = TaskHistory(task_id)
        task.id = task_id
        if old is None:
            action = "present" if present else ("restored" if task.events else "created")
            changes = diff_fields({}, fields)
            task.events.append(Event(task_id, commit, action, path, None, changes, fields))
            return
        changes = diff_fields(old[1], fields)
        if old[0] == path:
            if changes:  # else only the body changed
                task.events.append(Event(task_id, commit, "changed", path, None, changes, fields))
            return
        task.events.append(Event(task_id, commit, "moved", path, old[0], changes, fields))

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
                self.at_path[path] = (stored[-1][1], _final_fields(stored))
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
    keys = list(old) + [k for k in new if k not in old]
    return tuple(
        [make(FieldChange, (k, old.get(k), new.get(k))) for k in keys if old.get(k) != new.get(k)]
    )


# -- reading git ---------------------------------------------------------------------------


def _reconstruct(
    root: Path,
    config: Config,
    state: gitio.RepoState,
    spec: str,
    base: tuple[History, Replay] | None = None,
    after: str | None = None,
) -> tuple[History, Replay] | None:
    """Replay the commits of ``spec`` (a revision, or ``after..commit``) onto ``base``.

    With ``after``, the new commits must continue the first-parent line from it; when they
    do not (a rewritten or switched branch), None: the caller starts from scratch.
    """
    versions = read_versions(
        root, config, state, spec, tip=spec if after is None else None, after=after
    )
    if versions is None:
        return None
    parsed = versions.parsed
    if base is None:
        history = History(head=state.head, branch=state.branch, shallow=state.shallow)
        base = history, Replay(history)
    history, replay = base
    for commit, _, entries in versions.commits:
        history.commits.append(commit)
        if not entries:
            continue
        removed = [rel for status, _, rel in entries if status == "D"]
        written = [(rel, *parsed[blob]) for status, blob, rel in entries if status != "D"]
        replay.apply(commit, removed, written, present=commit.sha in state.shallow)
    return history, replay


# -- mentions, the working tree, the cache -------------------------------------------------


def link_mentions(history: History) -> None:
    for task in history.tasks.values():
        task.mentions.clear()
    for commit in history.commits:
        seen: set[str] = set()
        for match in MENTION.finditer(commit.message):
            word = match.group(0).rstrip("._-")
            if not ID_CHARACTER.search(word):
                continue  # plain words are not task ids
            key = id_key(word)
            task = history.tasks.get(key)
            if task is None or key in seen:
                continue
            seen.add(key)
            closes = bool(CLOSING_WORDS.search(commit.message[: match.start()]))
            task.mentions.append(Mention(commit, closes))


def status_args(config: Config) -> list[str]:
    """``git status`` of the task folder: the working tree's task changes."""
    task_folder = folder_prefixes(config)["task"] or "."
    options = ["--porcelain=v1", "-z", "--untracked-files=all", "--no-renames"]
    return ["status", *options, "--", task_folder]


def apply_uncommitted(
    root: Path,
    config: Config,
    state: gitio.RepoState,
    replay: Replay,
    now: dt.datetime,
    status: bytes | None = None,
) -> None:
    """Replay the working tree's task changes (``status``: the output of ``status_args``,
    when it was run already) as a final pseudo-commit."""
    prefixes = folder_prefixes(config)
    out = gitio.run(root, status_args(config)).stdout if status is None else status
    removed, written = [], []
    for entry in out.split(b"\0"):
        if len(entry) < 4:
            continue
        path = entry[3:].decode("utf-8", "surrogateescape")
        if not path.startswith(state.prefix):
            continue
        rel = path[len(state.prefix) :]
        if kind_of_path(rel, prefixes) != "task":
            continue
        try:
            raw = (root / rel).read_bytes()
        except FileNotFoundError:
            removed.append(rel)
            continue
        except OSError as exc:
            written.append((rel, None, f"cannot read: {exc}"))
            continue
        written.append((rel, *parse_front_matter(raw, rel)))
    if removed or written:
        commit = Commit(UNCOMMITTED, "", "", now, "Changes not yet committed")
        replay.history.commits.append(commit)
        replay.apply(commit, removed, written)


def load_history(
    config: Config,
    rev: str = "HEAD",
    now: dt.datetime | None = None,
    use_cache: bool = True,
    uncommitted: bool = True,
) -> History:
    """Every task's changes up to ``rev`` (plus, for HEAD, the working tree's).

    Without git or outside a repository the result has ``available=False`` and a warning;
    a revision that does not exist raises GitError.
    """
    root = config.root
    try:
        state = gitio.repo_state(root)
    except gitio.GitError as exc:
        return History(available=False, warnings=[str(exc.message)])
    warnings = _repo_warnings(state, rev)
    commit = None
    if state.head:
        commit = state.head if rev == "HEAD" else gitio.resolve(root, rev)
    uncommitted = uncommitted and rev == "HEAD"
    # The working tree's state is asked for at once: git looks at every file while the
    # history is read or recalled.
    with gitio.Pending(root, status_args(config)) if uncommitted else nullcontext() as status:
        if commit is None:
            history, replay = History(head=None, branch=state.branch), None
        else:
            history, replay = _cached(root, config, state, rev, commit, use_cache)
        replay = replay or Replay(history)
        if status is not None:
            now = now or dt.datetime.now(dt.timezone.utc)
            apply_uncommitted(root, config, state, replay, now, status.result())
    history.warnings = warnings
    for skipped in history.skipped:
        history.warnings.append(
            f"{skipped.path} at {skipped.commit.short} could not be read and that version is "
            f"skipped: {skipped.reason}"
        )
    return history


def _repo_warnings(state: gitio.RepoState, rev: str) -> list[str]:
    warnings = []
    if state.head is None:
        warnings.append("the repository has no commits yet; only uncommitted changes are shown")
    elif state.branch is None and rev == "HEAD":
        warnings.append(f"HEAD is detached at {state.head[:7]}; history follows its first parents")
    if state.shallow:
        cut = ", ".join(sha[:7] for sha in state.shallow)
        warnings.append(
            f"this is a shallow clone: history is cut at {cut}, so tasks seem to appear there; "
            "run 'git fetch --unshallow' (or set 'fetch-depth: 0' in actions/checkout) to "
            "fetch all of it"
        )
    return warnings


def _cached(
    root: Path, config: Config, state: gitio.RepoState, rev: str, commit: str, use_cache: bool
) -> tuple[History, Replay]:
    """HEAD's history from the cache: as it is when HEAD has not moved; extended with the new
    commits when HEAD moved forward along its first parents; else rebuilt."""
    with _building():
        return _recall_or_build(root, config, state, rev, commit, use_cache)


@contextmanager
def _building() -> Iterator[None]:
    """The cycle collector paused while a history is built or recalled (hundreds of thousands
    of small objects, none of them cyclic), and those objects then moved straight to the
    oldest generation: else the next two collections scan every one of them (0.15 s for
    10,000 tasks) to free nothing. Nothing is frozen for good (unless someone else froze
    objects on purpose: then this leaves the collector alone)."""
    with cache.gc_paused():
        try:
            yield
        finally:
            if gc.get_freeze_count() == 0:
                gc.freeze()  # every tracked object to the permanent generation...
                gc.unfreeze()  # ...and back, into the oldest one, unscanned


def _recall_or_build(
    root: Path, config: Config, state: gitio.RepoState, rev: str, commit: str, use_cache: bool
) -> tuple[History, Replay]:
    use_cache = use_cache and rev == "HEAD"  # one entry, for what every command reads
    key = repr((FORMAT, state.prefix, sorted(folder_prefixes(config).items()), state.shallow))
    stored = cache.recall(root, CACHE_NAME, key) if use_cache else None
    built = None
    if stored is not None:
        cached_commit, data = stored
        base = decode(data, state)
        if cached_commit == commit:
            base[0].from_cache = True
            return base
        try:
            built = _reconstruct(
                root, config, state, f"{cached_commit}..{commit}", base, after=cached_commit
            )
        except gitio.GitError:  # the cached commit is gone (history rewritten and pruned)
            built = None
        if built is not None:
            built[0].extended_from = cached_commit
    if built is None:
        built = _reconstruct(root, config, state, commit)
    assert built is not None
    history, replay = built
    history.head, history.branch = state.head, state.branch
    link_mentions(history)
    if use_cache:
        cache.remember(root, CACHE_NAME, key, (commit, encode(history, replay)))
    return history, replay


def encode(history: History, replay: Replay) -> tuple:
    index = {c.sha: i for i, c in enumerate(history.commits)}
    commits = tuple(
        (c.sha, c.author, c.email, c.date.isoformat(), c.message) for c in history.commits
    )

    def events_of(task: TaskHistory) -> tuple:
        stored = task.stored_events()
        if stored is not None:  # unread since the cache was loaded: stored as it came
            return stored
        return tuple(
            (
                index[e.commit.sha],
                e.task_id,
                e.action,
                e.path,
                e.old_path,
                tuple((c.field, c.old, c.new) for c in e.changes),
            )
            for e in task.events
        )

    tasks = tuple(
        (t.id, tuple((index[m.commit.sha], m.closes) for m in t.mentions), events_of(t))
        for t in history.tasks.values()
    )
    skipped = tuple((index[s.commit.sha], s.path, s.reason) for s in history.skipped)
    return (commits, tasks, skipped, replay.snapshot())


def decode(data: tuple, state: gitio.RepoState) -> tuple[History, Replay]:
    commits_raw, tasks_raw, skipped_raw, snapshot = data
    commits = [Commit(s, a, e, dt.datetime.fromisoformat(d), m) for s, a, e, d, m in commits_raw]
    history = History(head=state.head, branch=state.branch, commits=commits, shallow=state.shallow)
    for task_id, mentions, events in tasks_raw:
        task = history.tasks[id_key(task_id)] = TaskHistory(task_id, (events, commits))
        task.mentions = [Mention(commits[ci], closes) for ci, closes in mentions]
    history.skipped = [Skipped(commits[ci], p, r) for ci, p, r in skipped_raw]
    replay = Replay(history)
    replay.restore(snapshot)
    return history, replay


def _final_fields(events: tuple) -> dict[str, Any]:
    """The front matter after the last of a task's cached events."""
    fields: dict[str, Any] = {}
    for _, _, action, _, _, changes in events:
        fields = _apply(fields, action, changes)
    return fields


def _apply(fields: dict[str, Any], action: str, changes: Iterable[tuple]) -> dict[str, Any]:
    """The front matter after one event: a new dict, ``fields`` is left as it was."""
    if action == "deleted":
        return {}
    if action in ("changed", "moved"):
        fields = dict(fields)
        for name, _, new in changes:
            if new is None:
                fields.pop(name, None)
            else:
                fields[name] = new
        return fields
    return {name: new for name, _, new in changes}


def _rebuild_events(events: tuple, commits: list[Commit]) -> list[Event]:
    new_event = tuple.__new__  # builds the named tuples without a Python-level call each
    new_change = partial(tuple.__new__, FieldChange)
    fields: dict[str, Any] = {}
    rebuilt = []
    for ci, tid, action, path, old_path, changes in events:
        # Each event's front matter is the previous one with its changes applied.
        fields = _apply(fields, action, changes)
        changes = tuple(map(new_change, changes))
        rebuilt.append(
            new_event(Event, (tid, commits[ci], action, path, old_path, changes, fields))
        )
    return rebuilt
