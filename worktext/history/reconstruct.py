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
import logging
import re
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from worktext.history import gitio
from worktext.history.events import Event, FieldChange, History, Mention, Skipped, TaskHistory
from worktext.history.mapping import VersionMapper
from worktext.history.notices import history_diagnostics
from worktext.history.read import (
    LOG_FORMAT,
    NO_BLOB,
    UNCOMMITTED,
    Commit,
    Logged,
    Parsed,
    folder_prefixes,
    kind_of_path,
    parse_front_matter,
    parse_log,
    read_versions,
    renamed_paths,
    task_pathspecs,
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
FORMAT = 5  # 5: an arrival's row holds its front matter as a mapping
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

    Every commit counts, in an order where parents come before children: a commit on the
    first-parent line, a branch's own commit and a merge each apply what they changed in a
    file (the keys that differ from the version they replaced) to the file as it stands, so
    a change made on a branch is dated by its commit and counted once, not again when the
    branch is merged. A merge made inside a branch is left out: what it brings was changed
    by other commits. With ``after``, the new commits must continue the first-parent line
    from it; when they do not (a rewritten or switched branch), None: the caller starts from
    scratch.
    """
    index = config.mappings.kanbn
    versions = read_versions(
        root, config, state, spec, tip=spec if after is None else None, after=after, index=index
    )
    if versions is None:
        return None
    if base is None:
        history = History(head=state.head, branch=state.branch, shallow=state.shallow)
        base = history, Replay(history)
    history, replay = base
    mapper = VersionMapper(config, replay.board)
    for logged in versions.commits:
        commit = logged.commit
        history.commits.append(commit)
        moves: dict[str, str | None] = {}
        if logged.index is not None:
            moves = mapper.set_board(versions.texts.get(logged.index) if logged.index else None)
        if not logged.main and len(logged.parents) > 1:
            continue
        if not logged.entries and not moves:
            continue
        removed, written = _changes(logged, versions.parsed, mapper, replay)
        if moves:
            touched = {rel for rel, _, _ in written}
            for rel, column in moves.items():
                current = replay.fields_at(rel)
                if rel not in touched and current is not None:
                    written.append((rel, mapper.with_column(rel, current, column), ""))
        renamed = _renames(root, state, logged, replay, written) if removed else {}
        replay.apply(commit, removed, written, commit.sha in state.shallow, renamed)
    replay.board = mapper.board
    return history, replay


Written = list[tuple[str, dict[str, Any] | None, str]]


def _changes(
    logged: Logged, parsed: dict[str, Parsed], mapper: VersionMapper, replay: Replay
) -> tuple[list[str], Written]:
    """The removed paths and the written (path, fields or None, why) of one commit: each
    written file is what the commit changed in it applied to the file as it stands."""
    removed: list[str] = []
    written: Written = []
    for status, old, new, rel in logged.entries:
        if status == "D":
            removed.append(rel)
            continue
        data, why = parsed[new]
        if data is None:
            written.append((rel, None, why))
            continue
        fields = mapper.fields(rel, new, data)
        if status == "M" and old != NO_BLOB:
            current = replay.fields_at(rel)
            before = parsed.get(old, (None, ""))[0]
            if current is not None and before is not None:
                replaced = mapper.fields(rel, old, before)
                if replaced is not current:  # else the file stood as the commit found it
                    fields = rebased(current, replaced, fields)
                    fields = mapper.with_board(rel, fields)  # the board's word is the last
        written.append((rel, fields, ""))
    return removed, written


def rebased(
    current: dict[str, Any], replaced: dict[str, Any], new: dict[str, Any]
) -> dict[str, Any]:
    """``current`` with the keys that differ between ``replaced`` and ``new`` set as in
    ``new`` (or removed): a commit's change applied to a file others changed meanwhile."""
    if replaced == current:
        return new
    out = dict(current)
    for key in (*replaced, *(k for k in new if k not in replaced)):
        if replaced.get(key) != new.get(key):
            if key in new:
                out[key] = new[key]
            else:
                out.pop(key, None)
    return out


def _renames(
    root: Path, state: gitio.RepoState, logged: Logged, replay: Replay, written: Written
) -> dict[str, str]:
    """Renames git detects in a commit that took ids away and brought new ones (new path →
    old path); asked only then, so that moves that keep the id cost nothing."""
    if not logged.parents or not any(status == "A" for status, *_ in logged.entries):
        return {}
    gone = {replay.id_at(rel) for rel, _ in _removed(logged)} - {None}
    new = {
        id_key(found)
        for rel, fields, _ in written
        if fields is not None and (found := item_id(fields, rel)) is not None
    }
    if not gone - new or not new - gone:
        return {}
    return renamed_paths(root, logged.commit.sha, logged.parents[0], state.prefix)


def _removed(logged: Logged) -> list[tuple[str, str]]:
    return [(rel, status) for status, _, _, rel in logged.entries if status == "D"]


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
    """``git status`` of the task folders (and the board index): the working tree's task
    changes."""
    options = ["--porcelain=v1", "-z", "--untracked-files=all", "--no-renames"]
    extra = [config.mappings.kanbn] if config.mappings.kanbn else []
    return ["status", *options, "--", *task_pathspecs(config), *extra]


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
    excluded = config.excluded if config.exclude else None
    out = gitio.run(root, status_args(config)).stdout if status is None else status
    mapper = VersionMapper(config, replay.board)
    moves: dict[str, str | None] = {}
    if config.mappings.kanbn:  # the board as it is now, read with the configuration
        moves = {
            rel: config.mappings.board.get(rel)
            for rel in {*replay.board, *config.mappings.board}
            if replay.board.get(rel) != config.mappings.board.get(rel)
        }
        mapper.board = dict(config.mappings.board)
    removed: list[str] = []
    written: Written = []
    for entry in out.split(b"\0"):
        if len(entry) < 4:
            continue
        path = entry[3:].decode("utf-8", "surrogateescape")
        if not path.startswith(state.prefix):
            continue
        rel = path[len(state.prefix) :]
        if kind_of_path(rel, prefixes, excluded) != "task":
            continue
        try:
            raw = (root / rel).read_bytes()
        except FileNotFoundError:
            removed.append(rel)
            continue
        except OSError as exc:
            written.append((rel, None, f"cannot read: {exc}"))
            continue
        data, why = parse_front_matter(raw, rel)
        fields = mapper.fields(rel, "", data) if data is not None else None
        written.append((rel, fields, why))
    touched = {rel for rel, _, _ in written}
    for rel, column in moves.items():
        current = replay.fields_at(rel)
        if rel not in touched and current is not None:
            written.append((rel, mapper.with_column(rel, current, column), ""))
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
    if history.duplicated:
        history.warnings.append(duplicates_warning(history))
    # The versions left out are summarised once (``history --skipped`` lists them).
    history.diagnostics = history_diagnostics(history, config.rules)
    return history


def duplicates_warning(history: History) -> str:
    """One line for every id that two files have held at once."""
    names = []
    for key in history.duplicated:
        found = history.tasks.get(key)
        names.append(found.id if found is not None else key)
    if len(names) == 1:
        paths = next(iter(history.duplicated.values()))
        return (
            f"{len(paths)} files have held the id {names[0]} at once ({', '.join(paths)}): "
            f"each keeps a history of its own; 'worktext history {names[0]}' shows the first's"
        )
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return (
        f"{len(names)} ids have been held by two files at once ({shown}): each file keeps a "
        "history of its own; 'worktext check' names the files that hold one now"
    )


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
    with cache.gc_settled():  # hundreds of thousands of small objects, none cyclic
        return _recall_or_build(root, config, state, rev, commit, use_cache)


def _recall_or_build(
    root: Path, config: Config, state: gitio.RepoState, rev: str, commit: str, use_cache: bool
) -> tuple[History, Replay]:
    use_cache = use_cache and rev == "HEAD"  # one entry, for what every command reads
    key = repr(
        (
            FORMAT,
            state.prefix,
            sorted(folder_prefixes(config).items()),
            config.exclude,
            mapping_key(config),
            state.shallow,
        )
    )
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
    if store.enabled:  # encoded only to be kept: not for another revision, nor --no-cache
        store.put(CACHE_NAME, key, (commit, encode(history, replay)))
    return history, replay


def encode(history: History, replay: Replay) -> tuple:
    commits = tuple(
        (c.sha, c.author, c.email, c.date.isoformat(), c.message) for c in history.commits
    )
    index = {c.sha: i for i, c in enumerate(history.commits)}
    tasks = tuple(
        (key, t.id, tuple((index[m.commit.sha], m.closes) for m in t.mentions), tuple(t.rows()))
        for key, t in history.tasks.items()
    )
    skipped = tuple((index[s.commit.sha], s.path, s.reason) for s in history.skipped)
    duplicated = tuple((k, tuple(v)) for k, v in history.duplicated.items())
    board = tuple(replay.board.items())
    return (commits, tasks, skipped, replay.snapshot(), board, duplicated)


def decode(data: tuple, state: gitio.RepoState) -> tuple[History, Replay]:
    commits_raw, tasks_raw, skipped_raw, snapshot, board, duplicated = data
    commits = [Commit(s, a, e, dt.datetime.fromisoformat(d), m) for s, a, e, d, m in commits_raw]
    history = History(head=state.head, branch=state.branch, commits=commits, shallow=state.shallow)
    for key, task_id, mentions, events in tasks_raw:
        task = history.tasks[key] = TaskHistory(task_id, commits, events)
        task.mentions = [Mention(commits[ci], closes) for ci, closes in mentions]
    history.skipped = [Skipped(commits[ci], p, r) for ci, p, r in skipped_raw]
    history.duplicated = {k: list(v) for k, v in duplicated}
    replay = Replay(history)
    replay.board = dict(board)
    replay.restore(snapshot)
    return history, replay


def mapping_key(config: Config) -> str:
    """What of ``mappings:`` the history depends on (the board comes from git)."""
    m = config.mappings
    return repr(
        (
            sorted(m.statuses.items()),
            m.ignore_case,
            sorted(m.keys.items()),
            m.handles,
            sorted(m.folder_states.items()),
            m.kanbn,
            config.priorities if m.ignore_case else (),
        )
    )
