"""Reading git for history: one ``git log --raw`` stream names every task file version of
every commit; each distinct blob's front matter is parsed once.

A cold reconstruction reads every version of every task, so where each comes from matters.
The versions the working tree holds as they are (a file whose bytes hash to the blob git's
index names for it) are read from there, while ``git log`` runs on the other core: reading
a file costs a third of what ``git cat-file`` takes to inflate its blob. As soon as the log
is done, one ``git cat-file --batch`` reads the other versions it names into a file, while
the working tree's are still being parsed. Most older versions differ from a version
already read in one line (a status change), so their front matter is assembled from the
keys already read (see ``FrontMatterReader``) rather than parsed again."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
import stat
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from worktext.history import gitio
from worktext.load import fastyaml
from worktext.load.source import parse_bytes
from worktext.model.config import Config
from worktext.model.items import KINDS
from worktext.model.scan import SKIPPED_NAMES

log = logging.getLogger(__name__)

UNCOMMITTED = "uncommitted"
LOG_FORMAT = "%x01%H%x00%P%x00%an%x00%ae%x00%aI%x00%B"
MISSING = "the file version is missing from the clone"


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str  # "uncommitted" for the working tree's changes
    author: str
    email: str
    date: dt.datetime
    message: str

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0]

    @property
    def short(self) -> str:
        return self.sha if self.sha == UNCOMMITTED else self.sha[:7]


Parsed = tuple[dict[str, Any] | None, str]  # (front matter, '') or (None, why not)


# -- which files are task files ------------------------------------------------------------


def folder_prefixes(config: Config) -> dict[str, tuple[str, ...]]:
    """Each kind's folders relative to the workspace root, each with a trailing slash ('' for
    the root itself)."""
    out = {}
    for kind in KINDS:
        found = []
        for folder in config.item_folders(kind):
            rel = os.path.relpath(folder, config.root).replace(os.sep, "/")
            found.append("" if rel == "." else rel.rstrip("/") + "/")
        out[kind] = tuple(found)
    return out


def kind_of_path(
    rel: str,
    prefixes: Mapping[str, tuple[str, ...]],
    excluded: Callable[[str], bool] | None = None,
) -> str | None:
    """The kind of item a workspace-relative path holds, by the loader's rules; else None."""
    name = rel.rsplit("/", 1)[-1]
    if not name.endswith(".md") or name in SKIPPED_NAMES:
        return None
    for kind in KINDS:
        for prefix in prefixes[kind]:
            if rel.startswith(prefix):
                below = rel[len(prefix) :].split("/")
                if any(part.startswith((".", "_")) or not part for part in below):
                    continue
                if excluded is not None and _excluded(rel, prefix, excluded):
                    return None
                return kind
    return None


def _excluded(rel: str, prefix: str, excluded: Callable[[str], bool]) -> bool:
    """Whether ``exclude:`` leaves the file out, itself or through a folder above it (as the
    loader's walk skips an excluded folder)."""
    if excluded(rel):
        return True
    parts = rel[len(prefix) :].split("/")[:-1]
    folder = prefix
    for part in parts:
        folder += part
        if excluded(folder) or excluded(folder + "/"):
            return True
        folder += "/"
    return False


TaskPaths = Callable[[str], bool]


def task_paths(config: Config) -> TaskPaths:
    """``kind_of_path(rel) == 'task'`` for ``config``, answered once per folder when nothing
    is excluded: a history names the same few hundred folders tens of thousands of times."""
    prefixes = folder_prefixes(config)
    excluded = config.excluded if config.exclude else None
    folders: dict[str, bool] = {}

    def is_task(rel: str) -> bool:
        folder, _, name = rel.rpartition("/")
        # Every prefix ends with '/', so for an ordinary file name only its folder decides.
        if not name.endswith(".md") or name in SKIPPED_NAMES or name[0] in "._":
            return False
        if excluded is not None:
            return kind_of_path(rel, prefixes, excluded) == "task"
        known = folders.get(folder)
        if known is None:
            known = folders[folder] = kind_of_path(rel, prefixes) == "task"
        return known

    return is_task


def task_pathspecs(config: Config) -> list[str]:
    """The task folders as git pathspecs ('.' for the workspace itself)."""
    return [prefix or "." for prefix in folder_prefixes(config)["task"]]


# -- front matter --------------------------------------------------------------------------


def parse_front_matter(raw: bytes, rel: str) -> Parsed:
    """(front matter, '') or (None, why it cannot be read): what the loader reads of the file
    (the fast path, else yamlpos), without looking at the body."""
    source = parse_bytes(raw, rel, read_body=False)
    if source.data is None:
        problem = next((p for p in source.problems if p.severity == "error"), None)
        where = f" (line {problem.span[0]})" if problem and problem.span[0] else ""
        return None, (problem.message if problem else "unreadable front matter") + where
    return source.data, ""


# One top-level key of a front matter block: its line, which starts with a letter or '_' as
# a key of the fast path does, and the lines after it that belong to it (indented ones, '-'
# items, comments, blank lines).
_KEY_GROUP = re.compile(rb"[A-Za-z_][^\n]*\n(?:[ #-][^\n]*\n|\n)*")


class FrontMatterReader:
    """``parse_front_matter`` for many versions of the same files, with the same results.

    Most later versions of a file differ from one already read in a line or two (a status
    change). In front matter that the fast path reads, a top-level key's value depends on
    that key's lines only: the fast path reads a key's lines up to the next key's line and
    nothing else carries over but the check for a repeated key. So what each group of lines
    means is remembered, a version is assembled from the groups already read, and only the
    groups not seen yet are read, together, through the fast path. Whatever it declines (and
    any file that is not a plain '---' block of such groups in valid UTF-8) is parsed in full
    with ``parse_front_matter`` and not remembered. tests/test_history.py holds the two equal
    on generated versions.
    """

    def __init__(self) -> None:
        self._groups: dict[bytes, tuple[str, Any]] = {}

    def read(self, raw: bytes) -> Parsed:
        end = raw.find(b"\n---\n", 3)
        if end < 0 or not raw.startswith(b"---\n") or not _is_utf8(raw):
            return parse_front_matter(raw, "")
        block = raw[4 : end + 1]
        found = _KEY_GROUP.findall(block)
        if sum(map(len, found)) != len(block):  # a line of no group: a comment first, '...'
            return parse_front_matter(raw, "")
        groups = self._groups
        new = [group for group in found if group not in groups]
        if new and not self._learn(new):
            return parse_front_matter(raw, "")
        data = dict(map(groups.__getitem__, found))
        if len(data) != len(found):  # a repeated key: the parser's to report
            return parse_front_matter(raw, "")
        return data, ""

    def _learn(self, new: list[bytes]) -> bool:
        """Read groups not seen yet, together, through the fast path; False if it declines."""
        doc = fastyaml.parse_simple(b"".join(new).decode("utf-8"))
        if doc is None or len(doc.data) != len(new):
            return False
        self._groups.update(zip(new, doc.data.items(), strict=True))  # one key a group
        return True


def _is_utf8(raw: bytes) -> bool:
    """Whether the whole file decodes, as ``parse_bytes`` needs it to (the body included)."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# -- reading git ---------------------------------------------------------------------------


def log_args(spec: str, in_folder: bool = False) -> list[str]:
    """Every commit reachable from ``spec``, not only the first-parent line: a change made on
    a branch is dated by its own commit. Each commit's files are compared with its first
    parent (a merge's, too); ``--date-order`` lists no commit before its children.

    ``in_folder``: only the commits that touch the workspace's folder (git runs in it), for a
    workspace that is a subfolder of its repository: the repository's other commits (its
    code, say) are not the workspace's history, and their subjects must not read as
    mentions of its tasks. ``--parents`` then names each commit's nearest such ancestors as
    its parents, so the first-parent line runs through the folder's commits."""
    return [
        "log",
        "--date-order",
        "--diff-merges=first-parent",
        "--raw",
        "-z",
        "--no-renames",
        "--no-abbrev",
        f"--format={LOG_FORMAT}",
        *(["--parents"] if in_folder else []),
        "--end-of-options",
        spec,
        "--",
        *(["."] if in_folder else []),
    ]


Entry = tuple[str, str, str, str]  # (status letter, old blob, new blob, path)
LogEntry = tuple[Commit, list[str], list[Entry]]
NO_BLOB = "0" * 40


def parse_log(raw: bytes) -> Iterator[LogEntry]:
    """Commits of ``git log -z --raw --format=LOG_FORMAT``, each with its parents ([] for a
    root) and its (status, old blob, new blob, path) entries."""
    tokens = raw.split(b"\0")
    i, n = 0, len(tokens)
    commit: Commit | None = None
    parents: list[str] = []
    entries: list[Entry] = []
    fromisoformat = dt.datetime.fromisoformat
    while i < n:
        token = tokens[i]
        if token[:1] == b":":  # most tokens: one file of the current commit
            meta = token.split()
            path = tokens[i + 1].decode("utf-8", "surrogateescape")
            entries.append((meta[4][:1].decode(), meta[2].decode(), meta[3].decode(), path))
            i += 2
            continue
        token = token.lstrip(b"\n")
        if token.startswith(b"\x01"):
            if commit is not None:
                yield commit, parents, entries
            sha = token[1:].decode("ascii")
            parent_text, name, email, date, message = (
                t.decode("utf-8", "replace") for t in tokens[i + 1 : i + 6]
            )
            parents = parent_text.split()
            commit = Commit(sha, name, email, fromisoformat(date), message.strip())
            entries = []
            i += 6
        elif token.startswith(b":"):
            meta = token.split()
            path = tokens[i + 1].decode("utf-8", "surrogateescape")
            entries.append((meta[4][:1].decode(), meta[2].decode(), meta[3].decode(), path))
            i += 2
        else:
            i += 1
    if commit is not None:
        yield commit, parents, entries


TaskEntries = list[tuple[str, str, str, str]]  # (status, old blob, new blob, workspace path)


@dataclass(slots=True)
class Logged:
    """One commit of the history, with its task file entries.

    ``main``: on the first-parent line of the tip (the branch as it was built), rather than
    on a branch merged into it. ``index``: the new blob of the board index when the commit
    changed it ('' when it deleted it, None when it did not touch it).
    """

    commit: Commit
    parents: list[str]
    entries: TaskEntries
    main: bool
    index: str | None = None


@dataclass
class Versions:
    """What one pass over git found: commits oldest first (parents before children), each
    with its task file entries, the front matter of every blob those entries name, and the
    text of each version of the board index."""

    commits: list[Logged]
    parsed: dict[str, Parsed]
    texts: dict[str, bytes]


def read_versions(
    root: Path,
    config: Config,
    state: gitio.RepoState,
    spec: str,
    tip: str | None = None,
    after: str | None = None,
    index: str | None = None,
) -> Versions | None:
    """The commits of ``spec`` and their task file versions, parsed.

    ``tip``: the commit ``spec`` ends at, when the whole history up to it is read; its task
    files are all among the versions needed, so those the working tree holds unchanged are
    read from there while ``git log`` runs.
    ``after``: the commit the new ones must continue (the first-parent line of the newest
    must lead to it); None when they do not, before any blob is read. ``index``: the
    workspace-relative path of a board index whose versions are wanted as text.
    """
    is_task = task_paths(config)
    in_folder = bool(state.prefix)
    if in_folder and after is not None:
        # Only the folder's commits are logged, so the line of the new ones need not end at
        # ``after``: they continue it when it is an ancestor of the tip.
        end = spec.split("..", 1)[-1]
        check = ["merge-base", "--is-ancestor", "--end-of-options", after, end]
        if gitio.run(root, check, check=False).returncode != 0:
            return None
        after = None
    reader = FrontMatterReader()
    parsed: dict[str, Parsed] = {}
    # The listing first, on its own: git log has until the tip's versions are parsed.
    listed = _tree_blobs(root, config, state, tip, is_task) if tip is not None else []
    with (
        gitio.Pending(root, log_args(spec, in_folder)) as log,
        _Older(root, log, state.prefix, is_task, after, index) as older,
    ):
        older.known.update(sha for _, sha in listed)
        unread = _read_working_copies(state.toplevel, listed, reader, parsed, older.poll)
        commits = older.commits()
        if commits is None:
            return None
        older.read(unread)
        texts: dict[str, bytes] = {}
        for sha, data in older.answers():
            if sha in older.indexes:
                texts[sha] = data or b""
            else:
                parsed[sha] = (None, MISSING) if data is None else reader.read(data)
    return Versions(commits, parsed, texts)


class _Older:
    """The versions the log names that the tip does not hold, read by a ``git cat-file``
    that starts as soon as the log is done: git reads them on the other core while this
    process still parses the tip's. Its output goes to a file (``gitio.Pending``), so git
    never waits for this process to read it."""

    def __init__(
        self,
        root: Path,
        log: gitio.Pending,
        prefix: str,
        is_task: TaskPaths,
        after: str | None,
        index: str | None,
    ) -> None:
        self._root, self._log, self._prefix, self._is_task = root, log, prefix, is_task
        self._after, self._index = after, index
        self.known: set[str] = set()  # the tip's versions: read from elsewhere
        self.indexes: set[str] = set()  # the board index's versions, wanted as text
        self._done = False
        self._commits: list[Logged] | None = None
        self._readings: list[gitio.Pending] = []

    def poll(self) -> None:
        """Start reading if the log is done (called now and then meanwhile)."""
        if not self._done and self._log.done():
            self.commits()

    def commits(self) -> list[Logged] | None:
        """The logged commits, once the log is done (None when they do not continue
        ``after``: then nothing is read)."""
        if not self._done:
            self._done = True
            raw = self._log.result()
            found = _task_entries(raw, self._prefix, self._is_task, self._after, self._index)
            self._commits, blobs, indexes = found
            self.indexes.update(indexes)
            if self._commits is not None:
                self.read([b for b in (*blobs, *indexes) if b not in self.known])
        return self._commits

    def read(self, shas: list[str]) -> None:
        """Read ``shas`` too, through another ``git cat-file``."""
        if shas:
            given = "".join(f"{sha}\n" for sha in shas).encode("ascii")
            self._readings.append(gitio.Pending(self._root, ["cat-file", "--batch"], given))

    def answers(self) -> Iterator[tuple[str, bytes | None]]:
        """(blob, content or None when it is missing) of every version read."""
        for reading in self._readings:
            yield from gitio.batch_answers(reading.output().fileno())

    def __enter__(self) -> _Older:
        return self

    def __exit__(self, *_: object) -> None:
        for reading in self._readings:  # stops git if it still runs; removes the files
            reading.__exit__()


def _task_entries(
    raw: bytes, prefix: str, is_task: TaskPaths, after: str | None, index: str | None
) -> tuple[list[Logged] | None, list[str], list[str]]:
    """The commits of a log, oldest first, with their task file entries; the blobs those
    name (new versions, and the versions they replace); and the board index's versions.
    (None, [], []) when the newest commit's first-parent line does not lead to ``after``."""
    logged = list(parse_log(raw))
    main = _first_parent_line(logged, after)
    if main is None:
        return None, [], []
    logged.reverse()  # newest first from git (--reverse would make git hold every commit)
    cut = len(prefix)
    index_path = prefix + index if index is not None else None
    commits = []
    blobs: dict[str, None] = {}
    indexes: dict[str, None] = {}
    for commit, parents, entries in logged:
        mine = [
            (status, old, new, path[cut:])
            for status, old, new, path in entries
            if path.startswith(prefix) and is_task(path[cut:])
        ]
        for status, old, new, _ in mine:
            if status != "D":
                blobs[new] = None
            if status == "M" and old != NO_BLOB:
                blobs[old] = None
        board = None
        if index_path is not None:
            for status, _, new, path in entries:
                if path == index_path:
                    board = "" if status == "D" else new
                    if board:
                        indexes[board] = None
        commits.append(Logged(commit, parents, mine, commit.sha in main, board))
    return commits, list(blobs), list(indexes)


def _first_parent_line(logged: list[LogEntry], after: str | None) -> set[str] | None:
    """The shas of the newest commit's first-parent line within ``logged`` (newest first);
    None when ``after`` is given and the line does not end at it."""
    if not logged:
        return set() if after is None else None
    parents = {commit.sha: ps for commit, ps, _ in logged}
    line: set[str] = set()
    sha = logged[0][0].sha
    while sha in parents:
        line.add(sha)
        first = parents[sha]
        sha = first[0] if first else ""
    if after is not None and sha != after:
        return None
    return line


def _read_working_copies(
    toplevel: Path,
    listed: list[tuple[str, str]],
    reader: FrontMatterReader,
    parsed: dict[str, Parsed],
    meanwhile: Callable[[], None] | None = None,
) -> list[str]:
    """Parse into ``parsed`` each listed (path, blob) whose file in the working tree is that
    blob, byte for byte (its bytes hash to the blob's id, as git hashes them); return the
    blobs it could not: changed, missing, unreadable files, and those that git's filters
    (line endings, say) write differently. Reading a file costs a third of what git cat-file
    takes to inflate the blob, and the working tree of a repository whose history is read is
    most often clean. ``meanwhile`` is called every few hundred files."""
    unread: list[str] = []
    digests = {40: hashlib.sha1, 64: hashlib.sha256}  # SHA-1 and SHA-256 repositories
    for number, (path, sha) in enumerate(listed):
        if meanwhile is not None and number % 256 == 0:
            meanwhile()
        digest = digests.get(len(sha))
        data = _regular_file(os.path.join(toplevel, path)) if digest is not None else None
        if data is None or digest is None or _blob_id(digest, data) != sha:
            unread.append(sha)
            continue
        if sha not in parsed:
            parsed[sha] = reader.read(data)
    return unread


def _blob_id(digest: Callable[[bytes], Any], data: bytes) -> str:
    """The id git gives a blob of ``data``, with the repository's hash."""
    return str(digest(b"blob %d\0%b" % (len(data), data)).hexdigest())


# A regular file's entry in ``git ls-tree -r -z`` ("mode blob sha<TAB>path") or in ``git
# ls-files -s -z`` ("mode sha stage<TAB>path"): its blob and its path.
_TREE_ENTRY = re.compile("100(?:644|755) blob ([0-9a-f]+)\t([^\0]*)\0")
_INDEX_ENTRY = re.compile("100(?:644|755) ([0-9a-f]+) [0-3]\t([^\0]*)\0")


_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


def _regular_file(path: str) -> bytes | None:
    """The bytes of the regular file at ``path``; None for anything else (a FIFO is opened
    without waiting for a writer, and left unread), when it cannot be read, or when it grows
    while it is read (git has the version then)."""
    try:
        fd = os.open(path, os.O_RDONLY | _NONBLOCK)
    except OSError:
        return None
    try:
        found = os.fstat(fd)
        if not stat.S_ISREG(found.st_mode):
            return None
        data = os.read(fd, found.st_size + 1)  # one read; one more byte: it is growing
        return data if len(data) <= found.st_size else None
    except OSError:
        return None
    finally:
        os.close(fd)


def _tree_blobs(
    root: Path, config: Config, state: gitio.RepoState, commit: str, is_task: TaskPaths
) -> list[tuple[str, str]]:
    """The (repository path, blob) of the task files as they are likely to stand in the
    working tree: in git's index when ``commit`` is HEAD (which git lists three times
    faster than HEAD's tree, and which is HEAD's tree unless changes are staged), else in
    ``commit``. [] when git cannot list them: the versions are then read when the log names
    them. Only a guess of what to read from the working tree: a version is taken from there
    only when the file's bytes are that blob."""
    pathspecs = task_pathspecs(config)
    if commit == state.head:
        args, entry = ["ls-files", "-s", "-z", "--full-name", "--", *pathspecs], _INDEX_ENTRY
    else:
        args = ["ls-tree", "-r", "-z", "--full-name", "--end-of-options", commit, "--"]
        args, entry = [*args, *pathspecs], _TREE_ENTRY
    listing = gitio.run(root, args, check=False)
    if listing.returncode != 0:
        return []
    prefix, cut = state.prefix, len(state.prefix)
    return [
        (path, sha)
        for sha, path in entry.findall(listing.stdout.decode("utf-8", "surrogateescape"))
        if path.startswith(prefix) and is_task(path[cut:])
    ]


def renamed_paths(root: Path, commit: str, parent: str, prefix: str) -> dict[str, str]:
    """The files git's rename detection finds renamed between ``parent`` and ``commit``
    (new workspace path → old one), for a commit that deleted some task files and added
    others."""
    out = gitio.run(
        root,
        ["diff-tree", "-r", "-z", "-M", "--raw", "--no-abbrev", "--end-of-options", parent, commit],
        check=False,
    )
    if out.returncode != 0:
        log.info("no rename detection for %s: %s", commit[:7], out.stderr[:200])
        return {}
    tokens = out.stdout.split(b"\0")
    found: dict[str, str] = {}
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.startswith(b":") and token.split()[-1][:1] == b"R" and i + 2 < len(tokens):
            old = tokens[i + 1].decode("utf-8", "surrogateescape")
            new = tokens[i + 2].decode("utf-8", "surrogateescape")
            if old.startswith(prefix) and new.startswith(prefix):
                found[new[len(prefix) :]] = old[len(prefix) :]
            i += 3
        elif token.startswith(b":"):
            i += 2
        else:
            i += 1
    return found
