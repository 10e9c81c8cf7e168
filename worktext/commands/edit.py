"""``worktext move``, ``set``, ``unset``, ``assign``, ``label``, ``due`` and ``log-time``:
fast, scriptable edits of existing items that never damage a file.

Each command plans its changes (bytes before and after, per file), checks the new values
against the schema, and then either prints the unified diff (``--dry-run``) or writes every
file atomically, all or none, and commits them when asked (``--commit``).
"""

from __future__ import annotations

from typing import Any

import click

from worktext.commands.common import Context, echo
from worktext.commands.writing import finish, today_of, writing
from worktext.edit import board, engine
from worktext.edit.changes import coerce, date_text, edit_item, fields_of, find_item, parse_pairs
from worktext.errors import WorktextError
from worktext.model.items import Item, State, Task, Workflow
from worktext.model.values import ValueError_, parse_duration
from worktext.model.workspace import Workspace

# -- move, set, unset and shortcuts ----------------------------------------------------------


@click.command()
@click.argument("item_id", metavar="ID")
@click.argument("state")
@click.option("--force", is_flag=True, help="Move even if the workflow does not allow it.")
@writing
@click.pass_obj
def move(obj: Context, item_id: str, state: str, force: bool, dry_run: bool, commit: bool) -> None:
    """Move task ID to STATE, checking its workflow first.

    Refuses, and says why, when the workflow has no such state, does not allow the move from
    the current state, or the state requires keys the task does not have.

    \b
    Example:
      worktext move WEB-12 review --commit     commits "WEB-12: doing -> review"
      worktext move WEB-12 done --force        skip the workflow's checks
    """
    ws = obj.workspace()
    _kind, task = find_item(ws, item_id, "task")
    assert isinstance(task, Task)
    workflow = ws.workflow_of(task)
    mappings = ws.config.mappings
    target = workflow.state(mappings.status(state), ignore_case=mappings.ignore_case)
    names = ", ".join(s.id for s in workflow.states)
    if target is None:
        raise WorktextError(f"workflow '{workflow.id}' has no state '{state}'; states: {names}")
    current = ws.status_of(task)
    if current == target.id:
        echo(f"{task.id} is already in '{target.id}'")
        return
    if not force:
        _check_move(ws, task, workflow, current, target)
    if mappings.kanbn:  # the status is the board column: move the task's link there
        change = board.move_on_board(ws.config, task.path, board.column_for(ws.config, target.id))
    else:
        change = edit_item(ws, "task", task, [("set", "status", target.id)], force=True)
    finish(ws.config.root, [change], f"{task.id}: {current} -> {target.id}", dry_run, commit)


def _check_move(ws: Workspace, task: Task, workflow: Workflow, current: str, target: State) -> None:
    """Refuse a move that the workflow does not allow, or into a state whose required keys
    the task does not set."""
    if not workflow.allows(current, target.id):
        allowed = ", ".join((workflow.transitions or {}).get(current, ())) or "none"
        raise WorktextError(
            f"workflow '{workflow.id}' does not allow {task.id}: {current} -> {target.id}; "
            f"from '{current}' it allows: {allowed}. Use --force to move it anyway."
        )
    data = _data(ws, task)
    missing = [key for key in target.requires if data.get(key) in (None, "", [])]
    if missing:
        raise WorktextError(
            f"state '{target.id}' requires {', '.join(map(repr, missing))}, which "
            f"{task.id} does not set; set it first (worktext set {task.id} "
            f"{missing[0]}=...) or use --force"
        )


@click.command(name="set")
@click.argument("item_id", metavar="ID")
@click.argument("pairs", nargs=-1, required=True, metavar="KEY=VALUE...")
@click.option("--force", is_flag=True, help="Write unknown keys and missing references.")
@writing
@click.pass_obj
def set_(
    obj: Context, item_id: str, pairs: tuple[str, ...], force: bool, dry_run: bool, commit: bool
) -> None:
    """Set keys of item ID; values are checked against the schema before anything is written.

    A list key takes a,b or [a, b]. Dates take YYYY-MM-DD, today or tomorrow.

    \b
    Example:
      worktext set WEB-12 priority=high due=2026-12-01
      worktext set WEB-12 labels=bug,ui --dry-run
    """
    ws = obj.workspace()
    kind, item = find_item(ws, item_id)
    fields = fields_of(ws, kind)
    data = _data(ws, item)
    ops: list[engine.Op] = []
    for key, text in parse_pairs(pairs):
        value = coerce(fields.get(key), key, text, data.get(key), today_of(obj))
        if isinstance(item, Task) and key == "status" and not force:
            workflow = ws.workflow_of(item)
            mappings = ws.config.mappings
            state = workflow.state(mappings.status(str(value)), ignore_case=mappings.ignore_case)
            if state is None:
                names = ", ".join(s.id for s in workflow.states)
                raise WorktextError(
                    f"workflow '{workflow.id}' has no state '{value}'; states: {names} "
                    "('worktext move' also checks the workflow's transitions)"
                )
            value = state.id
        ops.append(("set", key, value))
    change = edit_item(ws, kind, item, ops, force)
    summary = ", ".join(f"{key}={value}" for key, value in parse_pairs(pairs))
    finish(ws.config.root, [change], f"{item.id}: set {summary}", dry_run, commit)


def _data(ws: Workspace, item: Item) -> dict[str, Any]:
    source = ws.sources.get(item.path)
    return source.data if source and source.data else {}


@click.command()
@click.argument("item_id", metavar="ID")
@click.argument("keys", nargs=-1, required=True)
@writing
@click.pass_obj
def unset(obj: Context, item_id: str, keys: tuple[str, ...], dry_run: bool, commit: bool) -> None:
    """Remove keys from item ID.

    \b
    Example:
      worktext unset WEB-12 due milestone
    """
    ws = obj.workspace()
    kind, item = find_item(ws, item_id)
    change = edit_item(ws, kind, item, [("unset", key, None) for key in keys])
    finish(ws.config.root, [change], f"{item.id}: unset {', '.join(keys)}", dry_run, commit)


@click.command()
@click.argument("item_id", metavar="ID")
@click.argument("people", nargs=-1)
@click.option("--add", "mode", flag_value="add", help="Add them to the assignees.")
@click.option("--remove", "mode", flag_value="remove", help="Remove them from the assignees.")
@click.option("--clear", "mode", flag_value="clear", help="Remove every assignee.")
@click.option("--force", is_flag=True, help="Allow people who have no person file.")
@writing
@click.pass_obj
def assign(
    obj: Context,
    item_id: str,
    people: tuple[str, ...],
    mode: str | None,
    force: bool,
    dry_run: bool,
    commit: bool,
) -> None:
    """Set (or --add, --remove, --clear) the assignees of task ID.

    \b
    Example:
      worktext assign WEB-12 ana           ana only
      worktext assign WEB-12 --add bo      ana and bo
    """
    ws = obj.workspace()
    _kind, task = find_item(ws, item_id, "task")
    if not people and mode != "clear":
        raise WorktextError("name at least one person, or use --clear")
    change = edit_item(ws, "task", task, _assignee_ops(ws, task, people, mode), force)
    what = f"{mode or 'assign'} {', '.join(people)}".strip()
    finish(ws.config.root, [change], f"{task.id}: {what}", dry_run, commit)


def _assignee_ops(
    ws: Workspace, task: Item, people: tuple[str, ...], mode: str | None
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


@click.command()
@click.argument("item_id", metavar="ID")
@click.argument("labels", nargs=-1, required=True)
@click.option("--remove", is_flag=True, help="Remove the labels instead of adding them.")
@writing
@click.pass_obj
def label(
    obj: Context, item_id: str, labels: tuple[str, ...], remove: bool, dry_run: bool, commit: bool
) -> None:
    """Add labels to task ID (or --remove them).

    \b
    Example:
      worktext label WEB-12 bug ui
      worktext label WEB-12 --remove ui
    """
    ws = obj.workspace()
    _kind, task = find_item(ws, item_id, "task")
    if remove:
        ops: list[engine.Op] = [("remove", "labels", list(labels))]
    else:
        current = _data(ws, task).get("labels")
        have = current if isinstance(current, list) else [current] if current else []
        ops = [("append", "labels", name) for name in dict.fromkeys(labels) if name not in have]
    change = edit_item(ws, "task", task, ops)
    verb = "unlabel" if remove else "label"
    finish(ws.config.root, [change], f"{task.id}: {verb} {', '.join(labels)}", dry_run, commit)


@click.command()
@click.argument("item_id", metavar="ID")
@click.argument("date")
@writing
@click.pass_obj
def due(obj: Context, item_id: str, date: str, dry_run: bool, commit: bool) -> None:
    """Set the due date of item ID (YYYY-MM-DD, today, tomorrow, or none to remove it).

    \b
    Example:
      worktext due WEB-12 2026-12-01 --commit
    """
    ws = obj.workspace()
    kind, item = find_item(ws, item_id)
    if date.lower() == "none":
        ops: list[engine.Op] = [("unset", "due", None)]
    else:
        ops = [("set", "due", date_text(date, today_of(obj)))]
    change = edit_item(ws, kind, item, ops)
    finish(ws.config.root, [change], f"{item.id}: due {date}", dry_run, commit)


def log_time(
    obj: Context,
    item_id: str,
    duration: str,
    day: str | None,
    who: str | None,
    note: str | None,
    dry_run: bool,
    commit: bool,
) -> None:
    """Record time spent on task ID: append an entry to its 'log' list. The command is
    ``worktext log ID DURATION`` (commands/log.py), which shares its name with the feed."""
    ws = obj.workspace()
    _kind, task = find_item(ws, item_id, "task")
    try:
        parse_duration(duration)
    except ValueError_ as exc:
        raise WorktextError(str(exc)) from None
    entry: dict[str, Any] = {"date": date_text(day or "today", today_of(obj))}
    entry["duration"] = duration
    if who:
        entry["who"] = who
    if note:
        entry["note"] = note
    if who and who not in ws.people:
        raise WorktextError(f"no person with id '{who}'; 'worktext ls kind:person' lists them")
    change = edit_item(ws, "task", task, [("append", "log", entry)])
    finish(ws.config.root, [change], f"{task.id}: log {duration}", dry_run, commit)


COMMANDS: list[click.Command] = [move, set_, unset, assign, label, due]
