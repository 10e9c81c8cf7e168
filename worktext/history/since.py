"""The rules that need two revisions, for ``worktext check --since REV``.

* ``transition-not-allowed``: every status change after REV must be a move that the task's
  workflow allows (each commit's change is checked, then the working tree's);
* ``deleted-with-dependents``: a task may not be deleted while others depend on it;
* ``id-reused``: a new task may not take the id of a task deleted earlier in history (one
  restored as it was, by a revert of its deletion, is the same task);
* ``wip-exceeded`` and ``open-dependency`` (warnings) at a task moved after REV, as
  ``worktext move`` warns: in the pull request's diff, where an annotation is seen.
* ``comment-edited`` and mentions in commit messages: ``since_comments``.

``workspace_at`` reads the workspace as it was at a revision straight from git objects, with
no checkout and nothing written to disk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

from worktext.check.pipeline import workspace_from_sources
from worktext.check.rules import move_warnings
from worktext.history import gitio
from worktext.history.events import Event
from worktext.history.mapping import VersionMapper
from worktext.history.read import TaskPaths, task_paths
from worktext.history.reconstruct import (
    LOG_FORMAT,
    UNCOMMITTED,
    History,
    folder_prefixes,
    item_id,
    kind_of_path,
    parse_front_matter,
    parse_log,
)
from worktext.history.since_comments import commit_mentions, edited_comments
from worktext.load.source import SourceFile, parse_bytes
from worktext.model.config import Config
from worktext.model.diagnostics import Diagnostic
from worktext.model.items import KINDS, Task
from worktext.model.workspace import Workspace, id_key


def workspace_at(config: Config, rev: str, today: dt.date) -> Workspace:
    """The workspace as committed at ``rev``, read with the current configuration."""
    root = config.root
    state = gitio.repo_state(root)
    commit = gitio.resolve(root, rev)
    listing = gitio.run(
        root, ["ls-tree", "-r", "-z", "--full-tree", "--end-of-options", commit]
    ).stdout
    files = _item_files(listing, state.prefix, config)
    wanted: dict[str, tuple[str, str]] = {}  # blob → (kind, path); a blob may recur
    for kind, rel, blob in files:
        wanted.setdefault(blob, (kind, rel))
    contents: dict[str, bytes] = {}
    with gitio.BlobReader(root) as reader:
        for sha, data in reader.read_many(wanted):
            contents[sha] = data or b""
    sources: dict[str, list[SourceFile]] = {kind: [] for kind in KINDS}
    for kind, rel, sha in sorted(files, key=lambda f: f[1]):
        sources[kind].append(parse_bytes(contents[sha], rel))
    return _build(config, today, sources)


def _item_files(listing: bytes, prefix: str, config: Config) -> list[tuple[str, str, str]]:
    """(kind, path in the workspace, blob) of each item file in an ``ls-tree -r -z``
    listing: regular files under the workspace's ``prefix`` in the repository, in the
    folder of a kind."""
    prefixes = folder_prefixes(config)
    excluded = config.excluded if config.exclude else None
    files: list[tuple[str, str, str]] = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_path = entry.partition(b"\t")
        mode, kind_name, blob = meta.split()
        path = raw_path.decode("utf-8", "surrogateescape")
        if kind_name != b"blob" or mode == b"120000" or not path.startswith(prefix):
            continue
        rel = path[len(prefix) :]
        kind = kind_of_path(rel, prefixes, excluded)
        if kind is not None:
            files.append((kind, rel, blob.decode("ascii")))
    return files


def _build(config: Config, today: dt.date, sources: dict[str, list[SourceFile]]) -> Workspace:
    return workspace_from_sources(config, today, sources)


def _at(ws: Workspace, task: Task, key: str, code: str, message: str, hint: str) -> Diagnostic:
    source = ws.sources.get(task.path)
    span = source.value_span(key) if source is not None else (1, 1, 1, 1)
    if source is not None and (key,) not in source.values and (key,) not in source.keys:
        span = (1, 1, 1, 1)
    return Diagnostic.at(task.path, span, "error", code, message, hint)


def committed_statuses(config: Config, commit: str) -> dict[str, list[object]]:
    """Each task's status after every commit of ``commit..HEAD`` that wrote its file, oldest
    first, merges left out.

    Not the first-parent view: in a pull request's CI job, HEAD is a merge commit whose first
    parent is the base branch, and the branch's own commits (one status move each) are only
    on the second parent.
    """
    root = config.root
    state = gitio.repo_state(root)
    raw = gitio.stream(
        root,
        [
            "log",
            "--no-merges",
            "--topo-order",
            "--reverse",
            "--raw",
            "-z",
            "--no-renames",
            "--no-abbrev",
            f"--format={LOG_FORMAT}",
            "--end-of-options",
            f"{commit}..HEAD",
            "--",
        ],
    )
    written = _written_tasks(raw, state.prefix, task_paths(config))
    contents: dict[str, bytes | None] = {}
    with gitio.BlobReader(root) as reader:
        contents.update(reader.read_many(dict.fromkeys(blob for blob, _ in written)))
    chains: dict[str, list[object]] = {}
    mapper = VersionMapper(config)  # every version read with today's mappings
    for blob, rel in written:
        fields, _ = parse_front_matter(contents[blob] or b"", rel)
        if fields is not None:
            fields = mapper.fields(rel, blob, fields)
        task_id = item_id(fields, rel) if fields is not None else None
        if fields is not None and task_id is not None:
            chains.setdefault(id_key(task_id), []).append(fields.get("status"))
    return chains


def _written_tasks(raw: bytes, prefix: str, is_task: TaskPaths) -> list[tuple[str, str]]:
    """(blob, path in the workspace) of each task file that a commit of the log wrote (not
    deleted), in commit order."""
    written: list[tuple[str, str]] = []
    for _, _, entries in parse_log(raw):
        for status, _, blob, path in entries:
            rel = path[len(prefix) :] if path.startswith(prefix) else None
            if status != "D" and rel is not None and is_task(rel):
                written.append((blob, rel))
    return written


def status_steps(
    old: Task, new: Task, new_ws: Workspace, committed: list[object]
) -> list[tuple[str, str]]:
    """The status moves of a task after REV: REV's status, the status after each commit that
    wrote the file, then the working tree's; repeats removed."""
    initial = new_ws.workflow_of(new).initial.id
    chain = [old.status, *committed, new.status]
    statuses = [str(s) if s is not None else initial for s in chain]
    return [(a, b) for a, b in pairwise(statuses) if a != b]


def transitions(
    old_ws: Workspace, new_ws: Workspace, chains: dict[str, list[object]]
) -> Iterator[Diagnostic]:
    for task in new_ws.tasks:
        old = old_ws.tasks.get(task.id)
        if old is None:
            continue
        workflow = new_ws.workflow_of(task)
        for src, dst in status_steps(old, task, new_ws, chains.get(id_key(task.id), [])):
            if workflow.state(src) is None or workflow.state(dst) is None:
                continue  # unknown states are reported by the normal check
            if workflow.allows(src, dst):
                continue
            allowed = ", ".join((workflow.transitions or {}).get(src, ())) or "nowhere"
            yield _at(
                new_ws,
                task,
                "status",
                "transition-not-allowed",
                f"status moved from '{src}' to '{dst}', which workflow '{workflow.id}' "
                "does not allow",
                f"from '{src}' a task may move to: {allowed}; move it through those states",
            )


def deleted_with_dependents(old_ws: Workspace, new_ws: Workspace) -> Iterator[Diagnostic]:
    for old in old_ws.tasks:
        if old.id in new_ws.tasks:
            continue
        for task in new_ws.tasks:
            key = id_key(old.id)
            if any(id_key(d) == key for d in task.depends_on):
                field, relation = "depends_on", "depends on"
            elif task.parent and id_key(task.parent) == key:
                field, relation = "parent", "is a sub-task of"
            else:
                continue
            yield _at(
                new_ws,
                task,
                field,
                "deleted-with-dependents",
                f"task '{old.id}' ({old.path}) is deleted, but {task.id} {relation} it",
                f"keep '{old.id}' (set its status to a cancelled state instead), or remove it "
                f"from {task.id}'s '{field}' first",
            )


def ids_reused(
    old_ws: Workspace, new_ws: Workspace, history: History | None, newer: set[str]
) -> Iterator[Diagnostic]:
    if history is None:
        return
    for task in new_ws.tasks:
        if task.id in old_ws.tasks:
            continue
        past = history.task(task.id)
        if past is None:
            continue
        earlier = [e for e in past.events if e.commit.sha not in newer]
        deleted = next((e for e in reversed(earlier) if e.action == "deleted"), None)
        if deleted is None or _restores(new_ws, task, earlier, deleted):
            continue
        yield _at(
            new_ws,
            task,
            "id",
            "id-reused",
            f"the id '{task.id}' belonged to a task deleted in {deleted.commit.short} "
            f"({deleted.commit.date:%Y-%m-%d}, {deleted.path}); ids are never reused",
            "give the new task a new id ('worktext new' picks the next free one)",
        )


def _restores(ws: Workspace, task: Task, earlier: list[Event], deleted: Event) -> bool:
    """Whether ``task`` is the deleted task brought back (``git revert`` of the deletion,
    a checkout of the old file): its front matter is the one it had when it was deleted.
    That is the same task again, not its id taken by another."""
    before = [e for e in earlier[: earlier.index(deleted)] if e.fields]
    source = ws.sources.get(task.path)
    if not before or source is None or source.data is None:
        return False
    return dict(before[-1].fields) == dict(source.data)


def moves_warned(old_ws: Workspace, new_ws: Workspace) -> Iterator[Diagnostic]:
    """What ``worktext move`` warns about, for each task that changed state after REV (or
    is new): into a state over its WIP limit, or on with open dependencies. At the task's
    status line, which is in the pull request's diff (the workflow file is not)."""
    for task in new_ws.tasks:
        state = new_ws.state_of(task)
        before = old_ws.tasks.get(task.id)
        if state is None or (before is not None and old_ws.status_of(before) == state.id):
            continue
        yield from move_warnings(new_ws, task, state)


def since_diagnostics(
    config: Config, new_ws: Workspace, rev: str, history: History | None
) -> list[Diagnostic]:
    """The two-revision diagnostics between ``rev`` and the working tree."""
    root: Path = config.root
    old_ws = workspace_at(config, rev, new_ws.today)
    commit = gitio.resolve(root, rev)
    newer = set(gitio.rev_list(root, [f"{commit}..HEAD"])) | {UNCOMMITTED}
    out = [
        *transitions(old_ws, new_ws, committed_statuses(config, commit)),
        *deleted_with_dependents(old_ws, new_ws),
        *ids_reused(old_ws, new_ws, history, newer),
        *moves_warned(old_ws, new_ws),
        *edited_comments(new_ws, commit),
        *commit_mentions(new_ws, commit),
    ]
    return sorted(set(out), key=Diagnostic.sort_key)
