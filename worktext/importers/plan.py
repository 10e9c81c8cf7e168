"""Records of another tool → the changes of an import: a new task file for each record seen
for the first time, a lossless edit of the file an earlier import wrote for the others (found
by ``source`` and ``source_id``), nothing for what did not change.

Only the keys the tool's export carries are ever changed (``managed_keys``); a key a person
added (an estimate, a project, a start date) stays as it is. A re-import of an unchanged
export changes no byte; a change upstream changes only its key. Nothing is written here: the
caller writes every change or none (``atomic.write_all``) or prints their diff.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from worktext.edit import atomic, engine, ids
from worktext.edit.changes import check_values, create, in_file_terms
from worktext.errors import NotFound, WorktextError
from worktext.importers import importer, managed_keys
from worktext.importers.base import ImportProblem, Options, Record
from worktext.importers.body import task_body
from worktext.importers.fields import SKIP, People, front_matter, ids_of_tasks
from worktext.importers.states import Placing
from worktext.load.source import parse_bytes
from worktext.model.items import Project, Task
from worktext.model.workspace import Workspace

log = logging.getLogger(__name__)

# The order of the keys of a new file.
KEY_ORDER = (
    "title",
    "status",
    "project",
    "assignee",
    "priority",
    "labels",
    "milestone",
    "created",
    "started",
    "due",
    "completed",
    "parent",
    "depends_on",
    "source",
    "source_id",
    "source_url",
)


@dataclass
class ImportPlan:
    changes: list[atomic.Change] = field(default_factory=list)
    created: list[str] = field(default_factory=list)  # task ids
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)


def plan_import(
    ws: Workspace, source: str, path: Path, options: Options, project_id: str | None = None
) -> ImportPlan:
    """Read the export at ``path`` with the importer of ``source`` and plan its changes;
    raises ImportProblem (bad input) or WorktextError (an unplaceable status, a missing
    project) before anything is planned to be written."""
    module = importer(source)
    records = module.read(path, options)
    log.info("%s: %d record(s) of %s", path, len(records), source)
    _refuse_repeats(path, records)
    keys = managed_keys(module, options)
    project = _project(ws, project_id)
    existing = imported_tasks(ws)
    matched = [(record, _match(existing, record)) for record in records]
    fresh = sum(1 for _record, task in matched if task is None)
    made = ids.new_ids(ws, fresh, project) if fresh else []
    task_ids = ids_of_tasks(matched, made, existing, source)
    placing = Placing()
    people = People(ws)
    wanted: list[_Wanted] = []
    for (record, task), item_id in zip(matched, task_ids.in_order, strict=True):
        workflow = ws.workflow_of(task) if task else ws.workflow_of_project(project)
        place = f"{path}:{record.line}" if record.line else str(path)
        state = placing.state(record, workflow, ws.config.mappings, place)
        data = front_matter(ws, record, state, workflow, project, people, placing)
        data.update(task_ids.links(record, placing.notes))
        wanted.append(_Wanted(record, task, item_id, data))
    placing.raise_unplaced(source, ws.workflow_of_project(project))
    plan = ImportPlan(notes=placing.notes + people.notes + _left_out(records))
    _plan_changes(ws, plan, wanted, keys, project, project_id, placing.loose, made)
    log.info(
        "import %s: %d new, %d to update, %d unchanged",
        source,
        len(plan.created),
        len(plan.updated),
        plan.unchanged,
    )
    return plan


def imported_tasks(ws: Workspace) -> dict[tuple[str, str], list[Task]]:
    """The tasks an earlier import wrote, by (source, source id)."""
    found: dict[tuple[str, str], list[Task]] = {}
    for task in ws.tasks:
        source, source_id = task.extra.get("source"), task.extra.get("source_id")
        if isinstance(source, str) and isinstance(source_id, str):
            found.setdefault((source, source_id), []).append(task)
    return found


def _match(found: dict[tuple[str, str], list[Task]], record: Record) -> Task | None:
    """The task of ``record``: same source and id, and not another web address (issue 12
    of two repositories are two tasks)."""
    for task in found.get((record.source, record.source_id), []):
        url = task.extra.get("source_url")
        if record.url is None or url is None or url == record.url:
            return task
    return None


@dataclass(frozen=True)
class _Wanted:
    """One record of the export: the task it updates (None: a new one), its id, and the
    keys it gives the task."""

    record: Record
    task: Task | None
    item_id: str
    data: dict[str, Any]


def _left_out(records: list[Record]) -> list[str]:
    """A note when the export counts comments it does not hold (GitHub's REST list)."""
    issues = sum(1 for record in records if record.comments_left_out)
    if not issues:
        return []
    return [
        f"{issues} task(s) have comments the export does not hold; export with 'gh issue "
        "list --state all --json ...,comments' to import them too"
    ]


def _refuse_repeats(path: Path, records: list[Record]) -> None:
    seen: dict[str, int] = {}
    for record in records:
        if not record.source_id:
            raise ImportProblem(path, record.line, "a task has no id in the export")
        if not record.title.strip():
            raise ImportProblem(path, record.line, f"'{record.source_id}' has no title")
        if record.source_id in seen:
            raise ImportProblem(
                path,
                record.line,
                f"'{record.source_id}' is in the export twice (first on line "
                f"{seen[record.source_id]})",
                "export it again, or remove one of the two",
            )
        seen[record.source_id] = record.line


def _project(ws: Workspace, project_id: str | None) -> Project:
    if project_id is None:
        return ws.default_area
    found = ws.projects.get(project_id)
    if found is None and project_id.lower() != ws.default_area.id.lower():
        known = ", ".join(ws.projects.ids()) or "none"
        raise NotFound(f"no project or area '{project_id}' (projects: {known})")
    return found or ws.default_area


def _plan_changes(
    ws: Workspace,
    plan: ImportPlan,
    wanted: list[_Wanted],
    keys: tuple[str, ...],
    project: Project,
    project_id: str | None,
    loose: set[str],
    made: list[str],
) -> None:
    # Every new task goes where the first one does (beside most of the project's tasks).
    owner = project.id if project_id else None
    folder = ids.item_path(ws, "task", made[0], owner).parent if made else ws.config.root
    home = _NewHome(folder, project if project_id is not None else None, set(made))
    for one in wanted:
        record, task, data = one.record, one.task, one.data
        if task is None:
            plan.changes.append(_new_file(ws, home, one.item_id, record, data))
            plan.created.append(one.item_id)
            continue
        if record.source_id in loose and _as_closed(ws, task, data["status"]):
            data = {**data, "status": ws.status_of(task)}
        edit = _update(ws, task, record, data, keys)
        if edit is None:
            plan.unchanged += 1
        else:
            plan.changes.append(edit)
            plan.updated.append(task.id)


@dataclass(frozen=True)
class _NewHome:
    """Where new tasks go: their folder, the project they name (None: the default area),
    and the ids of all of them (which their references may name)."""

    folder: Path
    project: Project | None
    pending: set[str]


def _new_file(
    ws: Workspace, home: _NewHome, item_id: str, record: Record, data: dict[str, Any]
) -> atomic.Change:
    values = {key: value for key, value in data.items() if value is not None and value is not SKIP}
    if home.project is not None and not home.project.synthetic:
        values["project"] = home.project.id
    ordered = {key: values[key] for key in KEY_ORDER if key in values}
    path = home.folder / f"{item_id}.md"
    return create(ws, "task", path, ordered, task_body(record), force=True, pending=home.pending)


def _as_closed(ws: Workspace, task: Task, state_id: str) -> bool:
    """Whether the task's state is as closed (or as open) as ``state_id`` of its workflow:
    an open GitHub issue leaves a task in 'in-progress' where it is."""
    current = ws.state_of(task)
    target = ws.workflow_of(task).state(state_id)
    return current is not None and target is not None and current.is_closed == target.is_closed


def _update(
    ws: Workspace, task: Task, record: Record, data: dict[str, Any], keys: tuple[str, ...]
) -> atomic.Change | None:
    """The edit of an imported file that makes it say what the export says now, or None
    when it says so already."""
    path = ws.config.root / task.path
    before = atomic.read(path)
    if before.content is None:
        raise WorktextError(f"{task.path} no longer exists; run the import again")
    current = parse_bytes(before.content, task.path).data or {}
    ops = _ops(ws, task, before.content, current, data, keys)
    after = engine.apply(before.content, task.path, ops)
    body = task_body(record)
    if parse_bytes(after, task.path).body != body:
        after = with_body(after, task.path, body)
    if after == before.content:
        return None
    check_values(ws, "task", task.path, after, {key for _op, key, _v in ops}, force=True)
    return atomic.Change(before, after)


def _ops(
    ws: Workspace,
    task: Task,
    raw: bytes,
    current: dict[str, Any],
    data: dict[str, Any],
    keys: tuple[str, ...],
) -> list[engine.Op]:
    """Set each managed key whose value differs, remove those the export no longer has."""
    ops: list[engine.Op] = []
    for key in (*keys, "source_url"):
        value = data.get(key)
        if value is SKIP or (key == "source_url" and value is None):
            continue
        if key == "status" and ws.state_of(task) is not None and ws.status_of(task) == value:
            continue  # the file's own spelling of the same state
        have = current.get(key)
        if value is None:
            if key in current:
                ops.append(("unset", key, None))
        elif engine.plain_data(value) != have:
            ops.append(("set", key, value))
    if ops and not ws.config.mappings.empty:
        ops = in_file_terms(ws, raw, task.path, ops)
    return ops


def with_body(raw: bytes, rel: str, body: str) -> bytes:
    """The file with its body replaced and its front matter byte for byte as it was."""
    source = parse_bytes(raw, rel)
    lines = raw.splitlines(keepends=True)
    head = b"".join(lines[: source.body_line - 1])
    if not head.endswith(b"\n"):
        head += source.newline.encode()
    after = head + body.replace("\n", source.newline).encode("utf-8")
    again = parse_bytes(after, rel)
    if again.data != source.data or again.body != body:
        raise engine.EditError(
            f"cannot replace the body of {rel} without changing its front matter; "
            "nothing was written"
        )
    return after
