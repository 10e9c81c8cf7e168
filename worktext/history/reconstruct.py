"""Git is the audit log: one pass over the first-parent history rebuilds every change of every
task's front matter.

``historyread`` reads git (one ``git log --raw -z`` stream names the file versions, one ``git
cat-file --batch`` process reads them, each distinct blob is parsed once); ``historyreplay``
applies the commits in order, following tasks by id, not by path, so renames and moves between
folders keep a task's history; ``historymodel`` holds what comes out. Working-tree changes
are a final pseudo-commit named ``uncommitted``. The reconstruction is cached under
``.worktext/`` keyed by the commit it was built for; deleting the cache changes no result.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from worktext.history import gitio
from worktext.history.events import Event, FieldChange, History, Mention, Skipped, TaskHistory
from worktext.history.read import (
    LOG_FORMAT,
    UNCOMMITTED,
    Commit,
    folder_prefixes,
    kind_of_path,
    parse_front_matter,
    parse_log,
    read_versions,
)
from worktext.history.replay import Replay, item_id
from worktext.load import cache
from worktext.model.config import Config
from worktext.model.workspace import id_key

# The history's parts, importable from here as before (metrics.py, since.py and the commands).
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

log = logging.getLogger(__name__)

CACHE_NAME = "history"  # the cache entry of the reconstruction
FORMAT = 3
MENTION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
ID_CHARACTER = re.compile(r"[0-9-]")  # a task id mentioned in a message has a digit or a '-'
CLOSING_WORDS = re.compile(r"\b(close[sd]?|fix(e[sd])?|resolve[sd]?)\s*:?\s+$", re.IGNORECASE)


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
            found = history.tasks.get(key)
            if found is None or key in seen:
                continue
            task = found
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
    removed: list[str] = []
    written: list[tuple[str, dict[str, Any] | None, str]] = []
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
        log.info("no history: %s", exc.message)
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
    store = cache.Cache(root, use_cache)
    stored = store.get(CACHE_NAME, key)
    built = None
    if stored is not None:
        cached_commit, data = stored
        base = decode(data, state)
        if cached_commit == commit:
            log.info("history: from the cache (HEAD %s)", commit[:12])
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
        log.info("reading the history of %s from git", commit[:12])
        built = _reconstruct(root, config, state, commit)
    else:
        log.info("history: the cached one, with the commits after %s", built[0].extended_from)
    assert built is not None
    history, replay = built
    history.head, history.branch = state.head, state.branch
    link_mentions(history)
    store.put(CACHE_NAME, key, (commit, encode(history, replay)))
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
