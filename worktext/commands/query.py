"""``worktext index``, ``ls``, ``show`` and ``schema``."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from worktext.commands import completion as complete
from worktext.commands.common import Context, QueryCommand, echo, styler, warn
from worktext.errors import NotFound, WorktextError
from worktext.model import schema
from worktext.model.root import find_root
from worktext.model.values import as_day, format_hours
from worktext.terminal import choose_columns, field_lines, shorten, visible

if TYPE_CHECKING:  # the model is imported when a command runs: a Tab never needs it
    from worktext.model.items import Item, Task
    from worktext.model.workspace import Workspace

LS_FORMATS = ("table", "json", "csv", "ids")
CSV_COLUMNS = (
    "id",
    "title",
    "status",
    "category",
    "project",
    "assignees",
    "priority",
    "labels",
    "start",
    "due",
    "estimate_hours",
    "milestone",
    "path",
)


def write_atomic_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


@click.command("index")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Where to write it; '-' for standard output (default: .worktext/index.json).",
)
@click.pass_obj
def index_command(obj: Context, output: str | None) -> None:
    """Write the whole workspace, resolved, as a versioned index.json.

    \b
    Example:
      worktext index -o - | jq '.tasks[] | select(.is_overdue) | .id'
    """
    from worktext.model import export

    ws = obj.workspace()
    text = json.dumps(export.index_document(ws), indent=1, ensure_ascii=False) + "\n"
    if output == "-":
        echo(text, nl=False)
        return
    path = Path(output) if output else ws.config.root / ".worktext" / "index.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic_text(path, text)
    echo(f"Wrote {path} ({len(ws.tasks)} tasks).", err=True)


TableRow = tuple[str, str, str, str, str, str, bool]  # the columns, then whether it is overdue


def _table_rows(ws: Workspace, tasks: list[Task]) -> list[TableRow]:
    rows: list[TableRow] = []
    for task in tasks:
        due = as_day(task.due).isoformat() if task.due else ""
        who = ",".join(task.assignees)
        status, priority = ws.status_of(task), task.priority or ""
        rows.append(
            (
                visible(task.id),
                visible(status),
                visible(priority),
                due,
                visible(who),
                visible(task.title),
                ws.is_overdue(task),
            )
        )
    return rows


# How narrow each column of ``ls``'s table may get (ID, STATUS, PRIORITY, DUE, ASSIGNEE,
# TITLE): first down to a comfortable width while the title has less than half the line,
# then down to the minimum while it has less than its own; dates are never cut.
LS_COMFORTABLE_WIDTHS = [14, 11, 8, 10, 10, 16]
LS_MINIMUM_WIDTHS = [8, 6, 4, 10, 6, 16]


def _table(ws: Workspace, tasks: list[Task], color: bool) -> str:
    """The table of ``ls``, fitted to the terminal: no line is wider than it; long ids are
    cut in the middle, other cells at the end, the title gets the width left, and on a
    narrow terminal PRIORITY, then ASSIGNEE, then STATUS give way to it."""
    style = styler(color)
    rows = _table_rows(ws, tasks)
    headers = ("ID", "STATUS", "PRIORITY", "DUE", "ASSIGNEE", "TITLE")
    natural = [max([len(h), *(len(str(r[i])) for r in rows)]) for i, h in enumerate(headers)]
    width = shutil.get_terminal_size((120, 20)).columns
    keep, widths = choose_columns(
        natural, LS_MINIMUM_WIDTHS, width, LS_COMFORTABLE_WIDTHS, droppable=(2, 4, 1)
    )

    def line(cells: tuple[str, ...] | list[str]) -> list[str]:
        chosen = [(i, cells[i], w) for i, w in zip(keep, widths, strict=True)]
        fitted = [shorten(c, w, keep_end=i == 0) for i, c, w in chosen]
        padded = [c.ljust(w) for c, w in zip(fitted[:-1], widths[:-1], strict=True)]
        return [*padded, fitted[-1]]

    lines = [style("  ".join(line(headers)).rstrip()[:width], bold=True)]
    due = keep.index(3) if 3 in keep else None
    for row in rows:
        cells = line([str(c) for c in row[:6]])
        plain = "  ".join(cells).rstrip()
        if len(plain) > width:  # narrower than the least the columns need: cut, uncoloured
            lines.append(plain[:width])
            continue
        if row[6] and due is not None:
            cells[due] = style(cells[due], fg="red")
        lines.append("  ".join(cells).rstrip())
    lines.append(style(f"{len(rows)} task{'s' * (len(rows) != 1)}", dim=True))
    return "\n".join(lines)


def _csv(ws: Workspace, tasks: list[Task]) -> str:
    from worktext.model import export

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for task in tasks:
        record = export.task_record(ws, task)
        writer.writerow(
            ";".join(v) if isinstance(v, list) else ("" if v is None else v)
            for v in (record[c] for c in CSV_COLUMNS)
        )
    return buffer.getvalue().rstrip("\n")


@click.command("ls", cls=QueryCommand)
@click.argument("query", nargs=-1, shell_complete=complete.query_terms)
@click.option(
    "-f", "--format", "fmt", type=click.Choice(LS_FORMATS), default="table", show_default=True
)
@click.option("-n", "--limit", type=click.IntRange(min=1), help="Show at most this many.")
@click.option("--color/--no-color", default=None, help="Colour the table.")
@click.pass_obj
def ls_command(
    obj: Context, query: tuple[str, ...], fmt: str, limit: int | None, color: bool | None
) -> None:
    """List tasks that match a query.

    \b
    Query terms (ANDed; a,b means either; a leading - negates):
      status:doing  assignee:ana  project:web  label:ops  milestone:beta  goal:g1
      'priority:>=high'  'due:<2026-12-01'  'due:<today+7d'  start:2026-01-01..2026-03-31
      is:open|closed|overdue|blocked|unassigned|recurring  has:estimate  no:assignee
      kind:ongoing  "free text"  sort:due  -sort:priority
    Dates: YYYY-MM-DD, today, tomorrow, yesterday, today+7d, today-2w, friday.
    Quote terms with < or >, or the shell reads them as redirections.
    Example:
      worktext ls is:open assignee:ana sort:due
      worktext ls project:web 'priority:>=high' 'due:<today+7d'
      worktext ls label:ops -status:done
      worktext ls is:overdue --format csv > overdue.csv
    """
    ws = obj.workspace(items_only=True)  # the tasks alone: ls prints no diagnostic or comment
    from worktext.model.query import select

    tasks = select(ws, " ".join(query))
    if limit:
        tasks = tasks[:limit]
    if fmt == "ids":
        for task in tasks:
            echo(task.id)
    elif fmt == "json":
        from worktext.model import export

        records = [export.task_record(ws, t) for t in tasks]
        echo(json.dumps(records, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        echo(_csv(ws, tasks))
    else:
        use_color = color if color is not None else sys.stdout.isatty()
        echo(_table(ws, tasks, use_color), styled=True)


def _show_task(ws: Workspace, task: Task) -> list[str]:
    fields = [*_task_place(ws, task), *_task_schedule(ws, task), *_task_links(ws, task)]
    flags = [
        f for f, on in (("overdue", ws.is_overdue(task)), ("blocked", ws.is_blocked(task))) if on
    ]
    lines = [f"{task.id}: {task.title}" + (f"  [{', '.join(flags)}]" if flags else "")]
    lines.append(task.path)
    lines += field_lines([*fields, *task.extra.items()])
    lines += _time_log(ws, task)
    if task.body.strip():
        lines += ["", task.body.strip()]
    return lines


def _task_place(ws: Workspace, task: Task) -> list[tuple[str, str]]:
    """Where the task stands and who has it: status, project, workflow, people, labels."""
    state = ws.state_of(task)
    return [
        ("status", f"{ws.status_of(task)} ({state.category if state else 'unknown state'})"),
        ("project", f"{ws.project_of(task).id} — {ws.project_of(task).title}"),
        ("workflow", ws.workflow_of(task).id),
        ("assignee", ", ".join(_person_text(ws, person_id) for person_id in task.assignees)),
        ("priority", task.priority or ""),
        ("labels", ", ".join(task.labels)),
    ]


def _person_text(ws: Workspace, person_id: str) -> str:
    """A person as ``show`` names them: id and name, or the name of a guest."""
    person = ws.people.get(person_id)
    return f"{person.id} ({person.name})" if person else f"{person_id} (guest)"


def _task_schedule(ws: Workspace, task: Task) -> list[tuple[str, str]]:
    """When: dates, estimate, time spent, milestone."""
    hours_per_day = ws.config.units.hours_per_day
    milestone = ws.milestone_of(task)
    return [
        ("start", as_day(task.start).isoformat() if task.start else ""),
        ("due", (as_day(task.due).isoformat() if task.due else "")),
        ("estimate", format_hours(task.estimate, hours_per_day) if task.estimate else ""),
        ("spent", format_hours(task.spent, hours_per_day) if task.log else ""),
        ("milestone", f"{milestone.id} — {milestone.title}" if milestone else ""),
        ("repeat", task.repeat or ""),
    ]


def _time_log(ws: Workspace, task: Task) -> list[str]:
    """The task's time log, one line per entry: day, duration, who, note."""
    if not task.log:
        return []
    hours_per_day = ws.config.units.hours_per_day
    lines = ["  time log"]
    for entry in task.log:
        who = _person_text(ws, entry.who) if entry.who else "nobody named"
        spent = format_hours(entry.hours, hours_per_day)
        note = f"  {entry.note}" if entry.note else ""
        lines.append(f"    {as_day(entry.date).isoformat()}  {spent:>6}  {who}{note}")
    return lines


def _task_links(ws: Workspace, task: Task) -> list[tuple[str, str]]:
    """Its relations to other items, and its checklist."""
    return [
        ("goals", ", ".join(f"{g.id} — {g.title}" for g in ws.goals_of(task))),
        ("parent", task.parent or ""),
        ("children", ", ".join(t.id for t in ws.children(task))),
        ("depends on", ", ".join(f"{t.id} ({ws.status_of(t)})" for t in ws.dependencies(task))),
        ("blocks", ", ".join(t.id for t in ws.dependents(task))),
        (
            "checklist",
            f"{task.checklist.done}/{task.checklist.total}" if task.checklist.total else "",
        ),
    ]


@click.command("show")
@click.argument("item_id", metavar="ID", shell_complete=complete.task_ids)
@click.option("-f", "--format", "fmt", type=click.Choice(("text", "json")), default="text")
@click.pass_obj
def show_command(obj: Context, item_id: str, fmt: str) -> None:
    """Show one item (task, project, person, goal, workflow, template) with its relations.

    \b
    Example:
      worktext show WEB-12
      worktext show web --format json
    """
    ws = obj.workspace()
    found = ws.find(item_id)
    if found is None:
        raise NotFound(f"no item with id '{item_id}'; try 'worktext ls {item_id}'")
    kind, item = found
    from worktext.model import export
    from worktext.model.items import Task
    from worktext.model.threads import thread_lines, thread_records

    record = export.item_record(ws, kind, item)
    if fmt == "json":
        record = {"kind": kind, **record}
        if isinstance(item, Task):
            record["body"] = item.body
        record["comments"] = thread_records(ws, item.id)
        echo(json.dumps(record, indent=2, ensure_ascii=False))
        return
    lines = _show_task(ws, item) if isinstance(item, Task) else _show_item(ws, kind, item, record)
    lines += thread_lines(ws, item.id)
    for d in ws.diagnostics:
        if d.path == getattr(item, "path", None):
            lines.append(f"{d.path}:{d.line}:{d.column}: {d.severity}: {d.message} [{d.code}]")
    echo("\n".join(lines))


def _show_item(ws: Workspace, kind: str, item: Item, record: dict[str, Any]) -> list[str]:
    """Any item but a task: its record's values, and a project's count of tasks."""
    lines = [f"{kind} {item.id}: {record.get('title') or record.get('name')}"]
    fields = list(record.items())
    from worktext.model.items import Project

    if isinstance(item, Project):
        tasks = ws.tasks_of_project(item)
        fields.append(("tasks", f"{len(tasks)} ({sum(ws.is_open(t) for t in tasks)} open)"))
    lines += field_lines(fields)
    return lines


@click.command("people")
@click.option("-f", "--format", "fmt", type=click.Choice(("table", "json", "ids")), default="table")
@click.pass_obj
def people_command(obj: Context, fmt: str) -> None:
    """List the people: their ids (what assignee:, --who and owner: take), names and open work.

    People assigned to tasks without a person file are listed too, as guests.

    \b
    Example:
      worktext people
      worktext people --format json
    """
    ws = obj.workspace()
    from worktext.model import export

    records = [export.person_record(ws, person) for person in ws.people]
    known = {r["id"] for r in records}
    guests = sorted({a for t in ws.tasks for a in t.assignees if a not in known})
    if fmt == "ids":
        echo("\n".join([*(r["id"] for r in records), *guests]))
    elif fmt == "json":
        records += [{"id": g, "guest": True} for g in guests]
        echo(json.dumps(records, indent=2, ensure_ascii=False))
    else:
        echo(_people_table(ws, records, guests))


def _people_table(ws: Workspace, records: list[dict[str, Any]], guests: list[str]) -> str:
    rows = [("ID", "NAME", "OPEN", "CAPACITY", "TEAMS", "EMAIL")]
    for r in records:
        capacity = f"{r['capacity_hours']:g}h/week"
        teams = ", ".join(r["teams"])
        rows.append((r["id"], r["name"], str(r["open_tasks"]), capacity, teams, r["email"] or ""))
    for guest in guests:
        open_tasks = sum(1 for t in ws.tasks if guest in t.assignees and ws.is_open(t))
        rows.append((guest, "(guest: no person file)", str(open_tasks), "", "", ""))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    count = len(rows) - 1
    return "\n".join([*lines, f"{count} {'person' if count == 1 else 'people'}"])


@click.command("schema")
@click.argument("kind", required=False, type=click.Choice([*schema.KIND_FIELDS, "config"]))
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False),
    help="Write one <kind>.schema.json per kind into this folder.",
)
@click.option(
    "--write",
    "write_dir",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[DIR]",
    help="Write every schema into DIR (.vscode/schemas) and associate them with the files in "
    ".vscode/settings.json (yaml.schemas).",
)
@click.pass_obj
def schema_command(
    obj: Context, kind: str | None, output: str | None, write_dir: str | None
) -> None:
    """Print the JSON Schema of a kind's front matter (for editors and other tools).

    Custom task keys declared in worktext.yml are included when run inside a workspace.

    \b
    Example:
      worktext schema task > task.schema.json
      worktext schema -o schemas
      worktext schema --write       .vscode/schemas and .vscode/settings.json
    """
    if write_dir is not None:
        _write_editor_schemas(obj, write_dir)
        return
    custom = {}
    try:
        from worktext.model.config import load_config

        config, _ = load_config(find_root(obj.workspace_path), obj.use_cache)
        custom = dict(config.custom_fields)
    except WorktextError:
        pass  # outside a workspace: the built-in keys only
    kinds = [kind] if kind else [*schema.KIND_FIELDS, "config"]
    documents = {k: schema.json_schema(k, custom if k == "task" else None) for k in kinds}
    if output:
        folder = Path(output)
        folder.mkdir(parents=True, exist_ok=True)
        for name, document in documents.items():
            write_atomic_text(folder / f"{name}.schema.json", json.dumps(document, indent=2) + "\n")
        echo(f"Wrote {len(documents)} schema(s) to {folder}.", err=True)
        return
    echo(json.dumps(documents[kind] if kind else documents, indent=2))


def _write_editor_schemas(obj: Context, write_dir: str) -> None:
    from worktext.edit import editors  # the editor's imports only when writing

    config = obj.config()
    folder = Path(write_dir).resolve() if write_dir else config.root / editors.DEFAULT_FOLDER
    result = editors.write_schemas(config, folder)
    echo(f"Wrote {len(result.schemas)} schemas to {folder}.")
    if result.merged:
        echo(f"Associated them with the workspace's files in {result.settings}.")
        return
    warn(f"{result.settings} is not plain JSON; add this to it yourself:")
    echo(json.dumps(result.fragment, indent=2))


COMMANDS: list[click.Command] = [
    index_command,
    ls_command,
    show_command,
    people_command,
    schema_command,
]
