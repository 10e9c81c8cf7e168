"""Reading git for history: one ``git log --raw`` stream names every task file version on the
first-parent line, one ``git cat-file --batch`` process per batch reads them, and each distinct
blob's front matter is parsed once.

A cold reconstruction reads every version of every task, so the order matters: the blobs of
the commit being read (``git ls-tree``) are requested at once, while ``git log`` still runs on
the other core, and the older versions the log names follow. Most older versions differ from
a version already read in one line (a status change), so their front matter is assembled from
the keys already read (see ``FrontMatterReader``) rather than parsed again.
"""

from __future__ import annotations

import datetime as dt
import os
import re
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
LogEntry = tuple[Commit, str, list[tuple[str, str, str]]]


# -- which files are task files ------------------------------------------------------------


def folder_prefixes(config: Config) -> dict[str, str]:
    """Each kind's folder relative to the workspace root, with a trailing slash."""
    out = {}
    for kind in KINDS:
        rel = os.path.relpath(config.folder(kind), config.root).replace(os.sep, "/")
        out[kind] = "" if rel == "." else rel.rstrip("/") + "/"
    return out


def kind_of_path(rel: str, prefixes: Mapping[str, str]) -> str | None:
    """The kind of item a workspace-relative path holds, by the loader's rules; else None."""
    name = rel.rsplit("/", 1)[-1]
    if not name.endswith(".md") or name in SKIPPED_NAMES:
        return None
    for kind in KINDS:
        prefix = prefixes[kind]
        if rel.startswith(prefix):
            below = rel[len(prefix) :].split("/")
            if not any(part.startswith((".", "_")) or not part for part in below):
                return kind
    return None


TaskPaths = Callable[[str], bool]


def task_paths(prefixes: Mapping[str, str]) -> TaskPaths:
    """``kind_of_path(rel) == 'task'``, answered once per folder: a history names the same few
    hundred folders tens of thousands of times."""
    folders: dict[str, bool] = {}

    def is_task(rel: str) -> bool:
        folder, _, name = rel.rpartition("/")
        # Every prefix ends with '/', so for an ordinary file name only its folder decides.
        if not name.endswith(".md") or name in SKIPPED_NAMES or name[0] in "._":
            return False
        known = folders.get(folder)
        if known is None:
            known = folders[folder] = kind_of_path(rel, prefixes) == "task"
        return known

    return is_task


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


def log_args(spec: str) -> list[str]:
    return [
        "log",
        "--first-parent",
        "--diff-merges=first-parent",
        "--raw",
        "-z",
        "--no-renames",
        "--no-abbrev",
        f"--format={LOG_FORMAT}",
        "--end-of-options",
        spec,
        "--",
    ]


def parse_log(raw: bytes) -> Iterator[LogEntry]:
    """Commits of ``git log -z --raw --format=LOG_FORMAT``, each with its first parent ('' for
    a root) and its (status, new blob, path) entries."""
    tokens = raw.split(b"\0")
    i, n = 0, len(tokens)
    commit: Commit | None = None
    parent = ""
    entries: list[tuple[str, str, str]] = []
    fromisoformat = dt.datetime.fromisoformat
    while i < n:
        token = tokens[i]
        if token[:1] == b":":  # most tokens: one file of the current commit
            meta = token.split()
            path = tokens[i + 1].decode("utf-8", "surrogateescape")
            entries.append((meta[4][:1].decode("ascii"), meta[3].decode("ascii"), path))
            i += 2
            continue
        token = token.lstrip(b"\n")
        if token.startswith(b"\x01"):
            if commit is not None:
                yield commit, parent, entries
            sha = token[1:].decode("ascii")
            parents, name, email, date, message = (
                t.decode("utf-8", "replace") for t in tokens[i + 1 : i + 6]
            )
            parent = parents.split(" ", 1)[0]
            commit = Commit(sha, name, email, fromisoformat(date), message.strip())
            entries = []
            i += 6
        elif token.startswith(b":"):
            meta = token.split()
            path = tokens[i + 1].decode("utf-8", "surrogateescape")
            entries.append((meta[4][:1].decode("ascii"), meta[3].decode("ascii"), path))
            i += 2
        else:
            i += 1
    if commit is not None:
        yield commit, parent, entries


TaskEntries = list[tuple[str, str, str]]  # (status, blob, workspace-relative path)


@dataclass
class Versions:
    """What one pass over git found: commits oldest first, each with its task file entries,
    and the front matter of every blob those entries name."""

    commits: list[tuple[Commit, str, TaskEntries]]  # (commit, first parent, entries)
    parsed: dict[str, Parsed]


def read_versions(
    root: Path,
    config: Config,
    state: gitio.RepoState,
    spec: str,
    tip: str | None = None,
    after: str | None = None,
) -> Versions | None:
    """The commits of ``spec`` and their task file versions, parsed.

    ``tip``: the commit ``spec`` ends at, when the whole history up to it is read; its task
    files are all among the versions needed, so they are read while ``git log`` runs.
    ``after``: the commit the new ones must continue (first parent of the oldest); None when
    they do not, before any blob is read.
    """
    is_task = task_paths(folder_prefixes(config))
    reader = FrontMatterReader()
    parsed: dict[str, Parsed] = {}
    logged: list[list[tuple[Commit, str, TaskEntries]] | None] = []
    with gitio.Pending(root, log_args(spec)) as log:
        tree = _tree_blobs(root, config, state, tip, is_task) if tip is not None else []

        def batches() -> Iterator[list[str]]:
            # In the thread that writes to git cat-file: the tip's blobs at once, then, when
            # git log is done, the other versions it names.
            yield tree
            commits, blobs = _task_entries(log.result(), state.prefix, is_task, after)
            logged.append(commits)
            known = set(tree)
            yield [blob for blob in blobs if blob not in known]

        with gitio.BlobReader(root) as blobs:
            for sha, data in blobs.read_batches(batches()):
                parsed[sha] = (None, MISSING) if data is None else reader.read(data)
    commits = logged[0]
    return None if commits is None else Versions(commits, parsed)


def _task_entries(
    raw: bytes, prefix: str, is_task: TaskPaths, after: str | None
) -> tuple[list[tuple[Commit, str, TaskEntries]] | None, list[str]]:
    """The commits of a log, oldest first, with their task file entries, and the blobs those
    name; (None, []) when the oldest does not continue ``after``."""
    logged = list(parse_log(raw))
    logged.reverse()  # newest first from git (--reverse would make git hold every commit)
    if after is not None and (not logged or logged[0][1] != after):
        return None, []
    cut = len(prefix)
    commits = []
    blobs: dict[str, None] = {}
    for commit, parent, entries in logged:
        mine = [
            (status, blob, path[cut:])
            for status, blob, path in entries
            if path.startswith(prefix) and is_task(path[cut:])
        ]
        for status, blob, _ in mine:
            if status != "D":
                blobs[blob] = None
        commits.append((commit, parent, mine))
    return commits, list(blobs)


def _tree_blobs(
    root: Path, config: Config, state: gitio.RepoState, commit: str, is_task: TaskPaths
) -> list[str]:
    """The blobs of the task files in ``commit``; [] when git cannot list them (the versions
    are then read when the log names them)."""
    folder = folder_prefixes(config)["task"] or "."
    listing = gitio.run(
        root,
        ["ls-tree", "-r", "-z", "--full-name", "--end-of-options", commit, "--", folder],
        check=False,
    )
    if listing.returncode != 0:
        return []
    prefix, cut = state.prefix, len(state.prefix)
    blobs: dict[str, None] = {}
    for entry in listing.stdout.split(b"\0"):
        meta, _, name = entry.partition(b"\t")
        parts = meta.split()
        if len(parts) != 3 or parts[1] != b"blob":
            continue
        path = name.decode("utf-8", "surrogateescape")
        if path.startswith(prefix) and is_task(path[cut:]):
            blobs[parts[2].decode("ascii")] = None
    return list(blobs)
