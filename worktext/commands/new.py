"""``worktext init``, ``new`` and ``recur``: new workspaces, new items, process templates
and occurrences of recurring work.

Each command plans its changes (bytes before and after, per file), checks the new values
against the schema, and then either prints the unified diff (``--dry-run``) or writes every
file atomically, all or none, and commits them when asked (``--commit``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click

from worktext.commands.common import Context, echo, warn
from worktext.commands.writing import finish, today_of, writing
from worktext.edit import gitcommit, ids, scaffold
from worktext.edit import templates as instantiate
from worktext.edit.changes import create, date_text, fresh_id, parse_pairs
from worktext.errors import NotFound, WorktextError
from worktext.model.items import Template
from worktext.model.values import parse_date
from worktext.model.workspace import Workspace
from worktext.plan import recur

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
    echo(f"created a workspace in {result.root} ({len(result.created)} files)")
    if result.git_initialised:
        echo("initialised a git repository there")
    where = "" if Path(directory).resolve() == Path.cwd() else f"cd {directory}\n  "
    echo(
        "\nNext steps:\n"
        f"  {where}worktext check      validate every file\n"
        "  worktext build      the status site, in public/\n"
        "  worktext serve      preview it at http://127.0.0.1:8000, rebuilt as you edit\n"
        "  git add -A && git commit -m 'Start tracking work with worktext'"
    )


# -- new items -------------------------------------------------------------------------------


def _list(values: Iterable[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _set_dates(data: dict[str, Any], today: dt.date, **dates: str | None) -> None:
    for key, text in dates.items():
        if text:
            data[key] = date_text(text, today)


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
    _new_from_template(ctx.obj, template_id, start, params, project, dry_run, commit)


def _new_from_template(
    obj: Context,
    template_id: str,
    start: str | None,
    params: tuple[str, ...],
    project: str | None,
    dry_run: bool,
    commit: bool,
) -> None:
    ws = obj.workspace()
    template = ws.templates.get(template_id)
    if template is None:
        known = ", ".join(ws.templates.ids()) or "none"
        raise NotFound(f"no template '{template_id}'; templates: {known}")
    today = today_of(obj)
    given = dict(parse_pairs(params))
    start_text = start or given.get("start")
    first_day = parse_date(date_text(start_text, today)) if start_text else today
    planned = instantiate.plan(ws, template, given, first_day, today, project)
    new_ids = {p.item_id for p in planned}
    changes = [create(ws, p.kind, p.path, p.data, p.body, pending=new_ids) for p in planned]
    finish(ws.config.root, changes, _template_message(template, planned), dry_run, commit)
    if not dry_run:
        tasks = [p.item_id for p in planned if p.kind == "task"]
        echo(f"{len(tasks)} tasks: {', '.join(tasks)}")


def _template_message(template: Template, planned: list[instantiate.Planned]) -> str:
    return gitcommit.message_for(
        f"{planned[0].item_id}: new from template {template.id}",
        [f"{p.item_id}: {p.data.get('title', '')}" for p in planned],
    )


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
    item_id = fresh_id(ws, "task", options["item_id"]) if options["item_id"] else None
    item_id = item_id or ids.new_ids(ws, 1, owner)[0]
    data: dict[str, Any] = {"title": title}
    if options["status"]:
        data["status"] = _checked_state(ws, owner, options["status"], options["force"])
    if project:
        data["project"] = project
    data.update(_assignment(options))
    data["created"] = today.isoformat()
    _set_dates(data, today, start=options["start"], due=options["due"])
    data.update(_planning(options))
    _write_new(obj, "task", item_id, data, options, project)


def _assignment(options: dict[str, Any]) -> dict[str, Any]:
    """The new task's ``assignee`` (one person as one value), ``priority`` and ``labels``,
    those given, in the order they are written."""
    data: dict[str, Any] = {}
    people = _list(options["assignee"])
    if people:
        data["assignee"] = people[0] if len(people) == 1 else people
    if options["priority"]:
        data["priority"] = options["priority"]
    if options["label"]:
        data["labels"] = _list(options["label"])
    return data


def _planning(options: dict[str, Any]) -> dict[str, Any]:
    """The new task's ``estimate``, ``parent`` and ``depends_on``, those given, in the order
    they are written."""
    data: dict[str, Any] = {}
    if options["estimate"]:
        data["estimate"] = options["estimate"]
    if options["parent"]:
        data["parent"] = options["parent"]
    if options["depends_on"]:
        data["depends_on"] = _list(options["depends_on"])
    return data


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
    _write_new(obj, "project", fresh_id(ws, "project", item_id), data, options)


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
    _write_new(obj, "person", fresh_id(ws, "person", handle), data, options)


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
    _write_new(obj, "goal", fresh_id(ws, "goal", item_id), data, options)


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
    until_day = parse_date(date_text(until, today)) if until else today + recur.DEFAULT_HORIZON
    since_day = parse_date(date_text(since, today)) if since else today
    planned, problems = recur.plan(ws, until_day, since_day)
    for problem in problems:
        warn(problem)
    made = {p.occurrence.id for p in planned}
    changes = [create(ws, "task", p.path, p.data, p.body, True, made) for p in planned]
    message = gitcommit.message_for(
        f"recur: {len(planned)} occurrence(s) until {until_day.isoformat()}",
        [p.occurrence.id for p in planned],
    )
    finish(ws.config.root, changes, message, dry_run, commit)


COMMANDS: list[click.Command] = [init, new, recur_command]
