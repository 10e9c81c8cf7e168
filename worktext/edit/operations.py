"""The write operations every adapter shares: the CLI's edit commands, the MCP server and any
other front end plan their changes here and then show, write or commit them.

Each operation reads the workspace, checks what it is asked against the schema and the
workflow, and returns an ``Outcome``: the planned file changes (bytes before and after) and
the commit message that describes them. Nothing is written until ``write`` (or the CLI's
``finish``) is called. A change the workspace refuses (an illegal transition, an unknown key,
a reference to nothing) raises ``Refused``, which carries the diagnostics that say why.
"""

from __future__ import annotations

import datetime as dt
import difflib
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from worktext.edit import atomic, board, engine, gitcommit, ids
from worktext.edit import templates as instantiate
from worktext.edit.changes import (
    coerce,
    create,
    date_text,
    due_key,
    edit_item,
    fields_of,
    find_item,
    fresh_id,
    git_user_person,
    plan_links,
    relpath,
)
from worktext.errors import NotFound, Refused, WorktextError
from worktext.model.diagnostics import Diagnostic
from worktext.model.items import Item, Project, State, Task, Template, Workflow
from worktext.model.values import ValueError_, parse_date, parse_duration
from worktext.model.workspace import Workspace

__all__ = [
    "Outcome",
    "Refused",
    "assign",
    "create_goal",
    "create_person",
    "create_project",
    "create_task",
    "from_template",
    "label",
    "log_time",
    "move_task",
    "set_due",
    "set_fields",
    "unified_diff",
    "unset_fields",
    "write",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What an operation plans: the file ``changes``, the commit ``message``, the ids of the
    items it changes or creates (the tasks, for a template), a ``note`` when there is nothing
    to do and why, the ``paths`` of the files it creates, and ``warnings`` about the change
    that do not stop it (a move over a WIP limit)."""

    changes: list[atomic.Change]
    message: str
    item_ids: list[str] = field(default_factory=list)
    note: str = ""
    paths: list[Path] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)  # said, but the change is made

    @property
    def effective(self) -> list[atomic.Change]:
        """The changes that change a byte."""
        return [c for c in self.changes if c.before.content != c.after]


def write(root: Path, outcome: Outcome, commit: bool = False) -> list[Path]:
    """Write the outcome's changes (all files or none) and commit them when asked; returns
    the paths written."""
    changes = outcome.effective
    if not changes:
        return []
    atomic.write_all(changes)
    paths = [c.path for c in changes]
    log.info("wrote %d file(s): %s", len(paths), outcome.message.splitlines()[0])
    if commit:
        gitcommit.commit(root, paths, outcome.message)
    return paths


def unified_diff(root: Path, change: atomic.Change) -> str:
    """The change as a unified diff, with paths relative to ``root``."""
    rel = relpath(root, change.path)
    before = (change.before.content or b"").decode("utf-8", "replace")
    after = change.after.decode("utf-8", "replace")
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        "/dev/null" if not change.before.exists else f"a/{rel}",
        f"b/{rel}",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


# -- existing items --------------------------------------------------------------------------


def _data(ws: Workspace, item: Item) -> dict[str, Any]:
    source = ws.sources.get(item.path)
    return source.data if source and source.data else {}


def _task(ws: Workspace, item_id: str) -> Task:
    _kind, task = find_item(ws, item_id, "task")
    assert isinstance(task, Task)
    return task


def _state(ws: Workspace, task: Task, state: str, suffix: str = "") -> State:
    """The state of the task's workflow that ``state`` names (in the workspace's spelling)."""
    workflow = ws.workflow_of(task)
    mappings = ws.config.mappings
    target = workflow.state(mappings.status(state), ignore_case=mappings.ignore_case)
    if target is None:
        names = ", ".join(s.id for s in workflow.states)
        message = f"workflow '{workflow.id}' has no state '{state}'; states: {names}{suffix}"
        raise _refused(ws, task, "unknown-status", message)
    return target


def _refused(ws: Workspace, task: Task, code: str, message: str) -> Refused:
    """A refused change of ``task``'s status, as an error at its ``status`` value (or the
    file's first line, when it has none)."""
    source = ws.sources.get(task.path)
    name = {ours: theirs for theirs, ours in ws.config.mappings.keys.items()}.get("status")
    span = source.value_span(name or "status") if source is not None else (1, 1, 1, 1)
    return Refused(message, [Diagnostic.at(task.path, span, "error", code, message)])


def move_task(ws: Workspace, item_id: str, state: str, force: bool = False) -> Outcome:
    """Move task ``item_id`` to ``state``: refused when its workflow has no such state, does
    not allow the move from the current state, or the state requires keys the task lacks
    (``force`` skips the last two). Its ``warnings``: a WIP limit passed, open dependencies
    (``rules:`` in worktext.yml may silence them, or make them refuse the move)."""
    task = _task(ws, item_id)
    workflow = ws.workflow_of(task)
    target = _state(ws, task, state)
    current = ws.status_of(task)
    if current == target.id:
        return Outcome([], "", [task.id], note=f"{task.id} is already in '{target.id}'")
    # Imported here: completing 'worktext move ID <Tab>' imports this module, not the checks.
    from worktext.check.rules import apply_severities, move_warnings

    warnings = apply_severities(move_warnings(ws, task, target), dict(ws.config.rules))
    if not force:
        _check_move(ws, task, workflow, current, target)
        _refuse_errors(warnings)
    if ws.config.mappings.kanbn:  # the status is the board column: move the task's link there
        change = board.move_on_board(ws.config, task.path, board.column_for(ws.config, target.id))
    else:
        change = edit_item(ws, "task", task, [("set", "status", target.id)], force=True)
    return Outcome([change], f"{task.id}: {current} -> {target.id}", [task.id], warnings=warnings)


def _refuse_errors(found: list[Diagnostic]) -> None:
    """Refuse a move that a warning made an error by ``rules:`` in worktext.yml forbids
    (``wip-exceeded: error``: the limit is kept, not only reported)."""
    errors = [d for d in found if d.severity == "error"]
    if errors:
        message = (
            f"{errors[0].message} (rules: {errors[0].code}: error in worktext.yml); "
            "use --force to move it anyway"
        )
        raise Refused(message, errors)


def _check_move(ws: Workspace, task: Task, workflow: Workflow, current: str, target: State) -> None:
    """Refuse a move that the workflow does not allow, or into a state whose required keys
    the task does not set."""
    if not workflow.allows(current, target.id):
        allowed = ", ".join((workflow.transitions or {}).get(current, ())) or "none"
        message = (
            f"workflow '{workflow.id}' does not allow {task.id}: {current} -> {target.id}; "
            f"from '{current}' it allows: {allowed}. Use --force to move it anyway."
        )
        raise _refused(ws, task, "transition-not-allowed", message)
    data = _data(ws, task)
    missing = [key for key in target.requires if data.get(key) in (None, "", [])]
    if missing:
        message = (
            f"state '{target.id}' requires {', '.join(map(repr, missing))}, which "
            f"{task.id} does not set; set it first (worktext set {task.id} "
            f"{missing[0]}=...) or use --force"
        )
        raise _refused(ws, task, "missing-required", message)


def set_fields(
    ws: Workspace,
    item_id: str,
    pairs: Sequence[tuple[str, Any]],
    today: dt.date,
    force: bool = False,
) -> Outcome:
    """Set keys of item ``item_id``. A text value is read as the command line reads it (lists
    at commas, dates accept today/tomorrow); any other value is taken as YAML data. A task's
    status must be a state of its workflow (unless ``force``)."""
    kind, item = find_item(ws, item_id)
    fields = fields_of(ws, kind)
    data = _data(ws, item)
    ops: list[engine.Op] = []
    for key, given in pairs:
        value = given
        if isinstance(given, str):
            value = coerce(fields.get(key), key, given, data.get(key), today)
        if isinstance(item, Task) and key == "status" and not force:
            suffix = " ('worktext move' also checks the workflow's transitions)"
            value = _state(ws, item, str(value), suffix).id
        ops.append(("set", key, value))
    change = edit_item(ws, kind, item, ops, force)
    summary = ", ".join(f"{key}={value}" for key, value in pairs)
    return Outcome([change], f"{item.id}: set {summary}", [item.id])


def unset_fields(ws: Workspace, item_id: str, keys: Iterable[str]) -> Outcome:
    """Remove ``keys`` from item ``item_id``."""
    keys = list(keys)
    kind, item = find_item(ws, item_id)
    change = edit_item(ws, kind, item, [("unset", key, None) for key in keys])
    return Outcome([change], f"{item.id}: unset {', '.join(keys)}", [item.id])


def assign(
    ws: Workspace,
    item_id: str,
    people: Sequence[str],
    mode: str | None = None,
    force: bool = False,
) -> Outcome:
    """Set (or ``mode`` add, remove, clear) the assignees of task ``item_id``."""
    task = _task(ws, item_id)
    if not people and mode != "clear":
        raise WorktextError("name at least one person, or use --clear")
    change = edit_item(ws, "task", task, _assignee_ops(ws, task, people, mode), force)
    what = f"{mode or 'assign'} {', '.join(people)}".strip()
    return Outcome([change], f"{task.id}: {what}", [task.id])


def _assignee_ops(
    ws: Workspace, task: Item, people: Sequence[str], mode: str | None
) -> list[engine.Op]:
    """The edits of ``assign``: unset (``clear``), remove or append (``add``: only the people
    not assigned yet) the people, or set them (one person as a single value)."""
    if mode == "clear":
        return [("unset", "assignee", None)]
    if mode == "remove":
        return [("remove", "assignee", list(people))]
    if mode == "add":
        current = _data(ws, task).get("assignee")
        have = current if isinstance(current, list) else [current] if current else []
        return [("append", "assignee", p) for p in people if p not in have]
    return [("set", "assignee", people[0] if len(people) == 1 else list(people))]


def label(ws: Workspace, item_id: str, labels: Sequence[str], remove: bool = False) -> Outcome:
    """Add ``labels`` to task ``item_id`` (those it does not have yet), or remove them."""
    task = _task(ws, item_id)
    if remove:
        ops: list[engine.Op] = [("remove", "labels", list(labels))]
    else:
        current = _data(ws, task).get("labels")
        have = current if isinstance(current, list) else [current] if current else []
        ops = [("append", "labels", name) for name in dict.fromkeys(labels) if name not in have]
    change = edit_item(ws, "task", task, ops)
    verb = "unlabel" if remove else "label"
    return Outcome([change], f"{task.id}: {verb} {', '.join(labels)}", [task.id])


def set_due(ws: Workspace, item_id: str, date: str, today: dt.date) -> Outcome:
    """Set the due date of item ``item_id`` (a date, a word such as tomorrow, or none to
    remove it); a project's due date is its deadline."""
    kind, item = find_item(ws, item_id)
    key = due_key(kind)
    if date.lower() == "none":
        ops: list[engine.Op] = [("unset", key, None)]
    else:
        ops = [("set", key, date_text(date, today))]
    change = edit_item(ws, kind, item, ops)
    return Outcome([change], f"{item.id}: {key} {date}", [item.id])


def log_time(
    ws: Workspace,
    item_id: str,
    duration: str,
    today: dt.date,
    day: str | None = None,
    who: str | None = None,
    note: str | None = None,
) -> Outcome:
    """Record time spent on task ``item_id``: append an entry to its ``log`` list, credited
    to ``who``, else to the person whose email is git's ``user.email``."""
    task = _task(ws, item_id)
    try:
        parse_duration(duration)
    except ValueError_ as exc:
        raise WorktextError(str(exc)) from None
    entry: dict[str, Any] = {"date": date_text(day or "today", today)}
    entry["duration"] = duration
    who = who or git_user_person(ws)
    if who:
        entry["who"] = who
    if note:
        entry["note"] = note
    if who and who not in ws.people:
        raise WorktextError(f"no person with id '{who}'; 'worktext people' lists them")
    change = edit_item(ws, "task", task, [("append", "log", entry)])
    return Outcome([change], f"{task.id}: log {duration}", [task.id])


# -- new items -------------------------------------------------------------------------------


def _new(
    ws: Workspace,
    kind: str,
    item_id: str,
    data: dict[str, Any],
    force: bool,
    project: str | None = None,
) -> Outcome:
    path = ids.item_path(ws, kind, item_id, project)
    change = create(ws, kind, path, data, "", force, {item_id})
    title = data.get("title") or data.get("name") or item_id
    return Outcome([change], f"{item_id}: new {kind}: {title}", [item_id], paths=[path])


def _dates(today: dt.date, **dates: str | None) -> dict[str, str]:
    return {key: date_text(text, today) for key, text in dates.items() if text}


def create_task(
    ws: Workspace,
    title: str,
    today: dt.date,
    *,
    project: str | None = None,
    assignees: Sequence[str] = (),
    due: str | None = None,
    start: str | None = None,
    estimate: str | None = None,
    labels: Sequence[str] = (),
    priority: str | None = None,
    parent: str | None = None,
    depends_on: Sequence[str] = (),
    status: str | None = None,
    milestone: str | None = None,
    goals: Sequence[str] = (),
    repeat: str | None = None,
    item_id: str | None = None,
    force: bool = False,
) -> Outcome:
    """A new task file with a new id (or ``item_id``), its keys in the order they are
    written: title, status, project, assignee, priority, labels, created, start, due,
    estimate, parent, depends_on, milestone, goal, repeat (the milestone one of its
    project's, the rule one ``recur`` can follow)."""
    owner = ws.projects.get(project) if project else ws.default_area
    new_id = fresh_id(ws, "task", item_id) if item_id else ids.new_ids(ws, 1, owner)[0]
    data: dict[str, Any] = {"title": title}
    if status:
        data["status"] = _checked_state(ws, owner, status, force)
    if project:
        data["project"] = project
    if assignees:
        data["assignee"] = assignees[0] if len(assignees) == 1 else list(assignees)
    if priority:
        data["priority"] = priority
    if labels:
        data["labels"] = list(labels)
    data["created"] = today.isoformat()
    data.update(_dates(today, start=start, due=due))
    if estimate:
        data["estimate"] = estimate
    if parent:
        data["parent"] = parent
    if depends_on:
        data["depends_on"] = list(depends_on)
    data.update(plan_links(ws, owner, milestone, list(goals), repeat, today))
    return _new(ws, "task", new_id, data, force, project)


def _checked_state(ws: Workspace, owner: Project | None, state: str, force: bool) -> str:
    workflow = ws.workflow_of_project(owner) if owner is not None else ws.default_workflow
    target = workflow.state(state)
    if target is None:
        names = ", ".join(s.id for s in workflow.states)
        raise WorktextError(f"workflow '{workflow.id}' has no state '{state}'; states: {names}")
    if target.requires and not force:
        raise WorktextError(
            f"state '{state}' requires {', '.join(target.requires)}; create the task in the "
            "first state and 'worktext move' it, or use --force"
        )
    return state


def create_project(
    ws: Workspace,
    title: str,
    today: dt.date,
    *,
    item_id: str | None = None,
    kind: str = "project",
    owner: str | None = None,
    start: str | None = None,
    deadline: str | None = None,
    workflow: str | None = None,
    goals: Sequence[str] = (),
    force: bool = False,
) -> Outcome:
    """A new project (``kind`` ongoing: an operational area)."""
    taken = [p.id for p in ws.all_projects()]
    wanted = item_id or ids.unique_slug(taken, title)
    data: dict[str, Any] = {"title": title, "kind": kind, "status": "active"}
    for key, value in (("owner", owner), ("workflow", workflow)):
        if value:
            data[key] = value
    data.update(_dates(today, start=start, deadline=deadline))
    if goals:
        data["goal"] = list(goals)
    return _new(ws, "project", fresh_id(ws, "project", wanted), data, force)


def create_person(
    ws: Workspace,
    handle: str,
    *,
    name: str | None = None,
    email: str | None = None,
    capacity: str | None = None,
    teams: Sequence[str] = (),
    force: bool = False,
) -> Outcome:
    """A new person file; ``handle`` is their id."""
    data: dict[str, Any] = {"name": name or handle}
    for key, value in (("email", email), ("capacity", capacity)):
        if value:
            data[key] = value
    if teams:
        data["teams"] = list(teams)
    return _new(ws, "person", fresh_id(ws, "person", handle), data, force)


def create_goal(
    ws: Workspace,
    title: str,
    today: dt.date,
    *,
    item_id: str | None = None,
    owner: str | None = None,
    due: str | None = None,
    parent: str | None = None,
    force: bool = False,
) -> Outcome:
    """A new goal."""
    wanted = item_id or ids.unique_slug(ws.goals.ids(), title)
    data: dict[str, Any] = {"title": title, "status": "active"}
    for key, value in (("owner", owner), ("parent", parent)):
        if value:
            data[key] = value
    data.update(_dates(today, due=due))
    return _new(ws, "goal", fresh_id(ws, "goal", wanted), data, force)


def from_template(
    ws: Workspace,
    template_id: str,
    today: dt.date,
    params: Mapping[str, str] | None = None,
    start: str | None = None,
    project: str | None = None,
) -> Outcome:
    """The items of a process template: a project (or, with ``project``, tasks in an existing
    project or area), dates counted in working days from ``start`` (today), new ids."""
    template = ws.templates.get(template_id)
    if template is None:
        known = ", ".join(ws.templates.ids()) or "none"
        raise NotFound(f"no template '{template_id}'; templates: {known}")
    given = dict(params or {})
    start_text = start or given.get("start")
    first_day = parse_date(date_text(start_text, today)) if start_text else today
    planned = instantiate.plan(ws, template, given, first_day, today, project)
    new_ids = {p.item_id for p in planned}
    changes = [create(ws, p.kind, p.path, p.data, p.body, pending=new_ids) for p in planned]
    tasks = [p.item_id for p in planned if p.kind == "task"]
    paths = [p.path for p in planned]
    return Outcome(changes, _template_message(template, planned), tasks, paths=paths)


def _template_message(template: Template, planned: list[instantiate.Planned]) -> str:
    return gitcommit.message_for(
        f"{planned[0].item_id}: new from template {template.id}",
        [f"{p.item_id}: {p.data.get('title', '')}" for p in planned],
    )
