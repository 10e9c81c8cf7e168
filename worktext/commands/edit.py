"""``worktext init``, ``new``, ``move``, ``set``, ``unset``, ``assign``, ``label``, ``due``,
``log`` and ``recur``: fast, scriptable edits that never damage a file.

Each command plans its changes (bytes before and after, per file), checks the new values
against the schema, and then either prints the unified diff (``--dry-run``) or writes every
file atomically, all or none, and commits them when asked (``--commit``).
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click

from .. import atomic, gitcommit, ids, instantiate, recur, scaffold
from .. import edit as engine
from ..convert import Converter
from ..errors import NotFound, WorktextError
from ..index import Workspace
from ..model import Item, Task
from ..schema import ID_PATTERN, KIND_FIELDS, Field
from ..source import parse_bytes
from ..values import ValueError_, parse_date, parse_duration
from ..yamlpos import parse as parse_yaml
from ..yamlpos import resolve_plain
from .common import Context

REF_REGISTRIES = {"person": "people", "project": "projects", "task": "tasks", "goal": "goals"}


# -- shared plumbing -------------------------------------------------------------------------


def writing(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options every writing command has."""
    func = click.option(
        "--commit", is_flag=True, help="Commit the changed files with a descriptive message."
    )(func)
    func = click.option("--dry-run", is_flag=True, help="Print the unified diff; write nothing.")(
        func
    )
    return func


def finish(
    ws_root: Path, changes: list[atomic.Change], message: str, dry_run: bool, commit: bool
) -> None:
    """Print the diff, or write all files (all or none) and commit them."""
    changes = [c for c in changes if c.before.content != c.after]
    if not changes:
        click.echo("nothing to change")
        return
    if dry_run:
        for change in changes:
            click.echo(unified_diff(ws_root, change), nl=False)
        return
    atomic.write_all(changes)
    for change in changes:
        verb = "updated" if change.before.exists else "created"
        click.echo(f"{verb} {_rel(ws_root, change.path)}")
    if commit:
        gitcommit.commit(ws_root, [c.path for c in changes], message)
        click.echo(f"committed: {message.splitlines()[0]}")


def unified_diff(root: Path, change: atomic.Change) -> str:
    rel = _rel(root, change.path)
    before = (change.before.content or b"").decode("utf-8", "replace")
    after = change.after.decode("utf-8", "replace")
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        "/dev/null" if not change.before.exists else f"a/{rel}",
        f"b/{rel}",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def _rel(root: Path, path: Path) -> str:
    return os.path.relpath(path, root).replace(os.sep, "/")


def today_of(obj: Context) -> dt.date:
    return obj.today or dt.date.today()


def find_item(ws: Workspace, item_id: str, kind: str | None = None) -> tuple[str, Item]:
    found = ws.find(item_id) if kind is None else None
    if kind is not None:
        item = dict(ws.registries())[kind].get(item_id)
        found = (kind, item) if item is not None else None
    if found is None or not found[1].path:
        what = kind or "item"
        raise NotFound(f"no {what} with id '{item_id}'; 'worktext ls' lists them")
    return found


def fields_of(ws: Workspace, kind: str) -> dict[str, Field]:
    fields = dict(KIND_FIELDS[kind])
    if kind == "task":
        fields.update(ws.config.custom_fields)
    return fields


def edit_item(
    ws: Workspace, kind: str, item: Item, ops: list[engine.Op], force: bool = False
) -> atomic.Change:
    """Apply ``ops`` to the item's file; refuse values the schema rejects."""
    path = ws.config.root / item.path
    before = atomic.read(path)
    if before.content is None:
        raise NotFound(f"{item.path} no longer exists")
    loaded = ws.sources.get(item.path)
    if loaded is not None and parse_bytes(before.content, item.path).data != loaded.data:
        # The checks above (workflow, references) looked at the file as it was loaded.
        raise atomic.WriteError(f"{item.path} changed on disk while worktext ran; run it again")
    after = engine.apply(before.content, item.path, ops)
    check_values(ws, kind, item.path, after, {key for _op, key, _v in ops}, force)
    return atomic.Change(before, after)


def check_values(
    ws: Workspace,
    kind: str,
    relpath: str,
    raw: bytes,
    keys: set[str] | None,
    force: bool,
    pending: set[str] | None = None,
) -> None:
    """Schema errors (types, dates, durations, allowed values) in ``keys`` of the new file,
    and references to items that do not exist (unless ``force``), as one WorktextError."""
    source = parse_bytes(raw, relpath)
    data = source.data or {}
    fields = fields_of(ws, kind)
    keys = set(data) if keys is None else keys
    converter = Converter(source, ws.config.units)
    problems = []
    for key in sorted(keys):
        if key not in data:
            continue
        spec = fields.get(key)
        if spec is None:
            if not force:
                converter.unknown_key((key,), key, fields)
            continue
        converter.value(spec, data[key], (key,), key)
        if not force and spec.ref in REF_REGISTRIES:
            problems.extend(_dangling(ws, spec.ref, key, data[key], pending or set()))
    problems += [
        f"{d.message}" + (f" ({d.hint})" if d.hint else "")
        for d in converter.diagnostics
        if d.code == "unknown-key"
    ]
    errors = [
        f"{d.message}" + (f" ({d.hint})" if d.hint else "")
        for d in converter.diagnostics
        if d.severity == "error"
    ]
    if errors or problems:
        hint = ["(--force writes unknown keys and missing references)"] if problems else []
        raise WorktextError(
            f"{relpath}: nothing was written:\n  " + "\n  ".join(errors + problems + hint)
        )


def _dangling(ws: Workspace, ref: str, key: str, value: Any, pending: set[str]) -> Iterable[str]:
    registry = getattr(ws, REF_REGISTRIES[ref])
    values = value if isinstance(value, list) else [value]
    for one in values:
        if not isinstance(one, str) or one in registry or one in pending:
            continue
        if ref == "project" and one.lower() == ws.default_area.id.lower():
            continue
        yield f"'{key}': no {ref} with id '{one}'"


def coerce(spec: Field | None, key: str, text: str, old: Any, today: dt.date) -> Any:
    """A command-line value as YAML data for ``key``: lists split at commas (or written
    ``[a, b]``), numbers and booleans read as YAML, dates accept today/tomorrow."""
    if text == "":
        raise WorktextError(f"'{key}=' has no value; use 'worktext unset ID {key}' to remove it")
    if spec is None:
        return text
    kind = spec.type
    if kind in ("ids", "strings"):
        items = _yaml_list(text) if text.startswith("[") else [t.strip() for t in text.split(",")]
        items = [item for item in items if item != ""]
        wants_list = len(items) != 1 or isinstance(old, list) or kind == "strings"
        return items if wants_list else items[0]
    if kind in ("integer", "number", "boolean"):
        return resolve_plain(text)
    if kind == "date":
        return _date_text(text, today)
    if kind in ("record", "records", "map", "any"):
        parsed = parse_yaml(f"v: {text}")
        if not parsed.ok:
            raise WorktextError(f"'{key}={text}' is not a YAML value")
        return parsed.data["v"]
    return text


def _yaml_list(text: str) -> list[Any]:
    parsed = parse_yaml(f"v: {text}")
    if not parsed.ok or not isinstance(parsed.data["v"], list):
        raise WorktextError(f"'{text}' is not a list; write it as [a, b] or a,b")
    return parsed.data["v"]


def _date_text(text: str, today: dt.date) -> str:
    words = {"today": today, "tomorrow": today + dt.timedelta(days=1)}
    if text.lower() in words:
        return words[text.lower()].isoformat()
    try:
        parse_date(text)
    except ValueError_ as exc:
        raise WorktextError(str(exc)) from None
    return text


def parse_pairs(pairs: Iterable[str]) -> list[tuple[str, str]]:
    out = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise WorktextError(f"'{pair}' is not key=value")
        out.append((key.strip(), value))
    return out


# -- init ------------------------------------------------------------------------------------


@click.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@click.option("--bare", is_flag=True, help="Only worktext.yml and empty folders.")
@click.option("--no-git", is_flag=True, help="Do not run 'git init'.")
def init(directory: str, bare: bool, no_git: bool) -> None:
    """Create a workspace in DIRECTORY from the starter template.

    Never overwrites a file: if any file it would create exists, nothing is written. Runs
    'git init' unless the folder is already inside a git repository.

    \b
    Example:
      worktext init work            the starter workspace, ready to explore
      worktext init --bare .        worktext.yml and empty folders here
    """
    result = scaffold.init(directory, bare=bare, git=not no_git)
    click.echo(f"created a workspace in {result.root} ({len(result.created)} files)")
    if result.git_initialised:
        click.echo("initialised a git repository there")


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
    target = workflow.state(state)
    names = ", ".join(s.id for s in workflow.states)
    if target is None:
        raise WorktextError(f"workflow '{workflow.id}' has no state '{state}'; states: {names}")
    current = ws.status_of(task)
    if current == target.id:
        click.echo(f"{task.id} is already in '{target.id}'")
        return
    if not force:
        if not workflow.allows(current, target.id):
            allowed = ", ".join((workflow.transitions or {}).get(current, ())) or "none"
            raise WorktextError(
                f"workflow '{workflow.id}' does not allow {task.id}: {current} -> {target.id}; "
                f"from '{current}' it allows: {allowed}. Use --force to move it anyway."
            )
        source = ws.sources.get(task.path)
        data = source.data if source and source.data else {}
        missing = [key for key in target.requires if data.get(key) in (None, "", [])]
        if missing:
            raise WorktextError(
                f"state '{target.id}' requires {', '.join(map(repr, missing))}, which "
                f"{task.id} does not set; set it first (worktext set {task.id} "
                f"{missing[0]}=...) or use --force"
            )
    change = edit_item(ws, "task", task, [("set", "status", target.id)], force=True)
    finish(ws.config.root, [change], f"{task.id}: {current} -> {target.id}", dry_run, commit)


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
        if kind == "task" and key == "status" and not force:
            workflow = ws.workflow_of(item)  # type: ignore[arg-type]
            if workflow.state(value) is None:
                names = ", ".join(s.id for s in workflow.states)
                raise WorktextError(
                    f"workflow '{workflow.id}' has no state '{value}'; states: {names} "
                    "('worktext move' also checks the workflow's transitions)"
                )
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
    if mode == "clear":
        ops: list[engine.Op] = [("unset", "assignee", None)]
    elif mode == "remove":
        ops = [("remove", "assignee", list(people))]
    elif mode == "add":
        current = _data(ws, task).get("assignee")
        have = current if isinstance(current, list) else [current] if current else []
        ops = [("append", "assignee", p) for p in people if p not in have]
    else:
        ops = [("set", "assignee", people[0] if len(people) == 1 else list(people))]
    change = edit_item(ws, "task", task, ops, force)
    what = f"{mode or 'assign'} {', '.join(people)}".strip()
    finish(ws.config.root, [change], f"{task.id}: {what}", dry_run, commit)


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
        ops = [("set", "due", _date_text(date, today_of(obj)))]
    change = edit_item(ws, kind, item, ops)
    finish(ws.config.root, [change], f"{item.id}: due {date}", dry_run, commit)


@click.command(name="log-time")
@click.argument("item_id", metavar="ID")
@click.argument("duration")
@click.option("--date", "day", metavar="YYYY-MM-DD", help="The day the time was spent (today).")
@click.option("--who", help="Who spent it (a person id).")
@click.option("--note", help="What was done.")
@writing
@click.pass_obj
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
    """Record time spent on task ID: appends an entry to its 'log' list.

    \b
    Example:
      worktext log WEB-12 1h30m --who ana --note "review fixes"
      worktext log WEB-12 2h --date 2026-11-20
    """
    ws = obj.workspace()
    _kind, task = find_item(ws, item_id, "task")
    try:
        parse_duration(duration)
    except ValueError_ as exc:
        raise WorktextError(str(exc)) from None
    entry: dict[str, Any] = {"date": _date_text(day or "today", today_of(obj))}
    entry["duration"] = duration
    if who:
        entry["who"] = who
    if note:
        entry["note"] = note
    if who and who not in ws.people:
        raise WorktextError(f"no person with id '{who}'; 'worktext ls kind:person' lists them")
    change = edit_item(ws, "task", task, [("append", "log", entry)])
    finish(ws.config.root, [change], f"{task.id}: log {duration}", dry_run, commit)


# -- new items -------------------------------------------------------------------------------


def create(
    ws: Workspace,
    kind: str,
    path: Path,
    data: dict[str, Any],
    body: str = "",
    force: bool = False,
    pending: Iterable[str] = (),
) -> atomic.Change:
    """A new file for ``data``; refused if the file exists or a value is invalid. ``pending``
    are ids created in the same run, which references may name."""
    before = atomic.read(path)
    rel = _rel(ws.config.root, path)
    if before.exists:
        raise WorktextError(f"{rel} already exists; nothing was written")
    raw = engine.render_document(data, body)
    check_values(ws, kind, rel, raw, None, force, set(pending))
    return atomic.Change(before, raw)


def _list(values: Iterable[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _set_dates(data: dict[str, Any], today: dt.date, **dates: str | None) -> None:
    for key, text in dates.items():
        if text:
            data[key] = _date_text(text, today)


def _fresh_id(ws: Workspace, kind: str, wanted: str) -> str:
    if not ID_PATTERN.match(wanted):
        raise WorktextError(
            f"'{wanted}' is not a valid id: it starts with a letter or digit and holds only "
            "letters, digits, '.', '_' and '-'"
        )
    registry = dict(ws.registries())[kind]
    if wanted in registry or (kind == "project" and wanted.lower() == ws.default_area.id):
        raise WorktextError(f"a {kind} with id '{wanted}' exists already")
    return wanted


def _write_new(
    obj: Context,
    kind: str,
    item_id: str,
    data: dict[str, Any],
    options: dict[str, Any],
    project: str | None = None,
) -> None:
    ws = obj.workspace()
    path = ids.item_path(ws, kind, item_id, project)
    change = create(ws, kind, path, data, "", options["force"], {item_id})
    title = data.get("title") or data.get("name") or item_id
    message = f"{item_id}: new {kind}: {title}"
    finish(ws.config.root, [change], message, options["dry_run"], options["commit"])
    if options["edit"] and not options["dry_run"]:
        click.edit(filename=str(path))


def new_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option("--edit", is_flag=True, help="Open $EDITOR on the new file.")(func)
    func = click.option("--force", is_flag=True, help="Allow references to missing items.")(func)
    return writing(func)


@click.group(invoke_without_command=True)
@click.option("--template", "template_id", metavar="NAME", help="Instantiate this template.")
@click.option("--start", metavar="YYYY-MM-DD", help="The template's start date (today).")
@click.option("--set", "params", multiple=True, metavar="KEY=VALUE", help="A template parameter.")
@click.option("--project", help="Put the template's tasks into this existing project or area.")
@writing
@click.pass_context
def new(
    ctx: click.Context,
    template_id: str | None,
    start: str | None,
    params: tuple[str, ...],
    project: str | None,
    dry_run: bool,
    commit: bool,
) -> None:
    """Create a task, project, person or goal, or instantiate a process template.

    With --template, creates a project (or, with --project, tasks in an existing project or
    area) with dates counted in working days from --start, new ids, and depends_on links
    between the new tasks. {name} placeholders are filled from --set; nothing else is
    interpreted. All files are written, or none.

    \b
    Example:
      worktext new task "Fix the login" --project web --assignee ana --due 2026-12-01
      worktext new --template onboarding --start 2026-12-07 --set name="Ana Lopez"
    """
    if ctx.invoked_subcommand:
        if template_id:
            raise click.UsageError("--template creates its own items; leave out the subcommand")
        return
    if not template_id:
        raise click.UsageError(
            "say what to create: new task TITLE, new project TITLE, new person HANDLE, "
            "new goal TITLE, or new --template NAME"
        )
    obj: Context = ctx.obj
    ws = obj.workspace()
    template = ws.templates.get(template_id)
    if template is None:
        known = ", ".join(ws.templates.ids()) or "none"
        raise NotFound(f"no template '{template_id}'; templates: {known}")
    today = today_of(obj)
    given = dict(parse_pairs(params))
    start_text = start or given.get("start")
    first_day = parse_date(_date_text(start_text, today)) if start_text else today
    planned = instantiate.plan(ws, template, given, first_day, today, project)
    new_ids = {p.item_id for p in planned}
    changes = [create(ws, p.kind, p.path, p.data, p.body, pending=new_ids) for p in planned]
    tasks = [p.item_id for p in planned if p.kind == "task"]
    message = gitcommit.message_for(
        f"{planned[0].item_id}: new from template {template.id}",
        [f"{p.item_id}: {p.data.get('title', '')}" for p in planned],
    )
    finish(ws.config.root, changes, message, dry_run, commit)
    if not dry_run:
        click.echo(f"{len(tasks)} tasks: {', '.join(tasks)}")


@new.command(name="task")
@click.argument("title")
@click.option("--project", help="The project or area (default: the default area).")
@click.option("--assignee", multiple=True, help="A person id; repeat or use commas for more.")
@click.option("--due", metavar="YYYY-MM-DD")
@click.option("--start", metavar="YYYY-MM-DD")
@click.option("--estimate", metavar="DURATION", help="Such as 4h or 2d.")
@click.option("--label", multiple=True, help="A label; repeat or use commas for more.")
@click.option("--priority")
@click.option("--parent", metavar="ID", help="The task this one is a sub-task of.")
@click.option("--depends-on", multiple=True, metavar="ID", help="A task that must be done first.")
@click.option("--status", help="A state of the project's workflow (default: its first).")
@click.option("--id", "item_id", help="Use this id instead of making one.")
@new_options
@click.pass_obj
def new_task(obj: Context, title: str, **options: Any) -> None:
    """Create a task file with a new id (see ids: in worktext.yml).

    \b
    Example:
      worktext new task "Fix the login" --project web --assignee ana --label bug
    """
    ws = obj.workspace()
    today = today_of(obj)
    project = options["project"]
    owner = ws.projects.get(project) if project else ws.default_area
    item_id = _fresh_id(ws, "task", options["item_id"]) if options["item_id"] else None
    item_id = item_id or ids.new_ids(ws, 1, owner)[0]
    data: dict[str, Any] = {"title": title}
    if options["status"]:
        data["status"] = _checked_state(ws, owner, options["status"], options["force"])
    if project:
        data["project"] = project
    people = _list(options["assignee"])
    if people:
        data["assignee"] = people[0] if len(people) == 1 else people
    if options["priority"]:
        data["priority"] = options["priority"]
    if options["label"]:
        data["labels"] = _list(options["label"])
    data["created"] = today.isoformat()
    _set_dates(data, today, start=options["start"], due=options["due"])
    if options["estimate"]:
        data["estimate"] = options["estimate"]
    if options["parent"]:
        data["parent"] = options["parent"]
    if options["depends_on"]:
        data["depends_on"] = _list(options["depends_on"])
    _write_new(obj, "task", item_id, data, options, project)


def _checked_state(ws: Workspace, owner: Any, state: str, force: bool) -> str:
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


@new.command(name="project")
@click.argument("title")
@click.option("--id", "item_id", help="The project's id (default: from the title).")
@click.option("--kind", type=click.Choice(["project", "ongoing"]), default="project")
@click.option("--owner", metavar="PERSON")
@click.option("--start", metavar="YYYY-MM-DD")
@click.option("--deadline", metavar="YYYY-MM-DD")
@click.option("--workflow", metavar="ID")
@click.option("--goal", multiple=True, metavar="ID")
@new_options
@click.pass_obj
def new_project(obj: Context, title: str, **options: Any) -> None:
    """Create a project (or, with --kind ongoing, an operational area).

    \b
    Example:
      worktext new project "Website relaunch" --id web --owner ana --deadline 2027-03-31
    """
    ws = obj.workspace()
    today = today_of(obj)
    taken = [p.id for p in ws.all_projects()]
    item_id = options["item_id"] or ids.unique_slug(taken, title)
    data: dict[str, Any] = {"title": title, "kind": options["kind"], "status": "active"}
    for key in ("owner", "workflow"):
        if options[key]:
            data[key] = options[key]
    _set_dates(data, today, start=options["start"], deadline=options["deadline"])
    if options["goal"]:
        data["goal"] = _list(options["goal"])
    _write_new(obj, "project", _fresh_id(ws, "project", item_id), data, options)


@new.command(name="person")
@click.argument("handle")
@click.option("--name", help="Full name.")
@click.option("--email")
@click.option("--capacity", metavar="DURATION", help="Working time per week, such as 32h.")
@click.option("--team", multiple=True)
@new_options
@click.pass_obj
def new_person(obj: Context, handle: str, **options: Any) -> None:
    """Create a person file; HANDLE is their id.

    \b
    Example:
      worktext new person ana --name "Ana Lopez" --email ana@example.com
    """
    ws = obj.workspace()
    data: dict[str, Any] = {"name": options["name"] or handle}
    for key in ("email", "capacity"):
        if options[key]:
            data[key] = options[key]
    if options["team"]:
        data["teams"] = _list(options["team"])
    _write_new(obj, "person", _fresh_id(ws, "person", handle), data, options)


@new.command(name="goal")
@click.argument("title")
@click.option("--id", "item_id", help="The goal's id (default: from the title).")
@click.option("--owner", metavar="PERSON")
@click.option("--due", metavar="YYYY-MM-DD")
@click.option("--parent", metavar="GOAL")
@new_options
@click.pass_obj
def new_goal(obj: Context, title: str, **options: Any) -> None:
    """Create a goal.

    \b
    Example:
      worktext new goal "Double trial conversion" --owner ana --due 2027-06-30
    """
    ws = obj.workspace()
    item_id = options["item_id"] or ids.unique_slug(ws.goals.ids(), title)
    data: dict[str, Any] = {"title": title, "status": "active"}
    for key in ("owner", "parent"):
        if options[key]:
            data[key] = options[key]
    _set_dates(data, today_of(obj), due=options["due"])
    _write_new(obj, "goal", _fresh_id(ws, "goal", item_id), data, options)


# -- recurring work --------------------------------------------------------------------------


@click.command(name="recur")
@click.option("--until", metavar="YYYY-MM-DD", help="Horizon (default: 14 days from today).")
@click.option("--since", metavar="YYYY-MM-DD", help="Earliest occurrence to create (today).")
@writing
@click.pass_obj
def recur_command(
    obj: Context, until: str | None, since: str | None, dry_run: bool, commit: bool
) -> None:
    """Create the task files of recurring tasks' occurrences due up to --until.

    Idempotent: an occurrence that exists (by id, or by recurrence_of and due date) is never
    made again, and every occurrence's id and content depend only on its series, so two
    branches that both run it merge cleanly. Meant for a scheduled CI job.

    \b
    Example:
      worktext recur --until 2026-12-31 --dry-run
      worktext recur --commit            what the scheduled job runs
    """
    ws = obj.workspace()
    today = today_of(obj)
    until_day = parse_date(_date_text(until, today)) if until else today + recur.DEFAULT_HORIZON
    since_day = parse_date(_date_text(since, today)) if since else today
    planned, problems = recur.plan(ws, until_day, since_day)
    for problem in problems:
        click.echo(f"warning: {problem}", err=True)
    made = {p.occurrence.id for p in planned}
    changes = [create(ws, "task", p.path, p.data, p.body, True, made) for p in planned]
    message = gitcommit.message_for(
        f"recur: {len(planned)} occurrence(s) until {until_day.isoformat()}",
        [p.occurrence.id for p in planned],
    )
    finish(ws.config.root, changes, message, dry_run, commit)


COMMANDS: list[click.Command] = [
    init,
    new,
    move,
    set_,
    unset,
    assign,
    label,
    due,
    log_time,
    recur_command,
]
