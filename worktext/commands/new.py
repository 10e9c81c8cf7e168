"""``worktext init``, ``new`` and ``recur``: new workspaces, new items, process templates
and occurrences of recurring work.

Each command plans its changes (bytes before and after, per file), checks the new values
against the schema, and then either prints the unified diff (``--dry-run``) or writes every
file atomically, all or none, and commits them when asked (``--commit``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click

from worktext.commands import completion as complete
from worktext.commands.common import Context, echo, warn
from worktext.commands.writing import conclude, finish, today_of, writing
from worktext.edit import gitcommit, operations, scaffold
from worktext.edit.changes import create, date_text, parse_pairs
from worktext.model.values import parse_date
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


def _write_new(outcome: operations.Outcome, obj: Context, options: dict[str, Any]) -> None:
    root = obj.workspace().config.root
    conclude(root, outcome, options["dry_run"], options["commit"])
    if options["edit"] and not options["dry_run"]:
        click.edit(filename=str(outcome.paths[0]))


def new_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option("--edit", is_flag=True, help="Open $EDITOR on the new file.")(func)
    func = click.option("--force", is_flag=True, help="Allow references to missing items.")(func)
    return writing(func)


@click.group(invoke_without_command=True)
@click.option("--template", "template_id", metavar="NAME", help="Instantiate this template.")
@click.option("--start", metavar="YYYY-MM-DD", help="The template's start date (today).")
@click.option("--set", "params", multiple=True, metavar="KEY=VALUE", help="A template parameter.")
@click.option(
    "--project",
    shell_complete=complete.projects,
    help="Put the template's tasks into this existing project or area.",
)
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
    given = dict(parse_pairs(params))
    outcome = operations.from_template(ws, template_id, today_of(obj), given, start, project)
    conclude(ws.config.root, outcome, dry_run, commit)
    if not dry_run:
        echo(f"{len(outcome.item_ids)} tasks: {', '.join(outcome.item_ids)}")


@new.command(name="task")
@click.argument("title")
@click.option(
    "--project",
    shell_complete=complete.projects,
    help="The project or area (default: the default area).",
)
@click.option(
    "--assignee",
    multiple=True,
    shell_complete=complete.people,
    help="A person id; repeat or use commas for more.",
)
@click.option("--due", metavar="YYYY-MM-DD")
@click.option("--start", metavar="YYYY-MM-DD")
@click.option("--estimate", metavar="DURATION", help="Such as 4h or 2d.")
@click.option(
    "--label",
    multiple=True,
    shell_complete=complete.labels,
    help="A label; repeat or use commas for more.",
)
@click.option("--priority")
@click.option("--parent", metavar="ID", help="The task this one is a sub-task of.")
@click.option("--depends-on", multiple=True, metavar="ID", help="A task that must be done first.")
@click.option("--status", help="A state of the project's workflow (default: its first).")
@click.option("--milestone", metavar="ID", help="A milestone of the task's project.")
@click.option("--goal", multiple=True, metavar="ID", help="A goal; repeat or use commas for more.")
@click.option("--repeat", metavar="RULE", help="Recurrence: weekly, monthly, or an RRULE.")
@click.option("--id", "item_id", help="Use this id instead of making one.")
@new_options
@click.pass_obj
def new_task(obj: Context, title: str, **options: Any) -> None:
    """Create a task file with a new id (see ids: in worktext.yml).

    \b
    Example:
      worktext new task "Fix the login" --project web --assignee ana --label bug
      worktext new task "Beta release notes" --project web --milestone beta --goal g1
      worktext new task "Rotate the keys" --project ops --repeat monthly --due 2026-12-01
    """
    outcome = operations.create_task(
        obj.workspace(),
        title,
        today_of(obj),
        project=options["project"],
        assignees=_list(options["assignee"]),
        due=options["due"],
        start=options["start"],
        estimate=options["estimate"],
        labels=_list(options["label"]),
        priority=options["priority"],
        parent=options["parent"],
        depends_on=_list(options["depends_on"]),
        status=options["status"],
        milestone=options["milestone"],
        goals=_list(options["goal"]),
        repeat=options["repeat"],
        item_id=options["item_id"],
        force=options["force"],
    )
    _write_new(outcome, obj, options)


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
    outcome = operations.create_project(
        obj.workspace(),
        title,
        today_of(obj),
        item_id=options["item_id"],
        kind=options["kind"],
        owner=options["owner"],
        start=options["start"],
        deadline=options["deadline"],
        workflow=options["workflow"],
        goals=_list(options["goal"]),
        force=options["force"],
    )
    _write_new(outcome, obj, options)


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
    outcome = operations.create_person(
        obj.workspace(),
        handle,
        name=options["name"],
        email=options["email"],
        capacity=options["capacity"],
        teams=_list(options["team"]),
        force=options["force"],
    )
    _write_new(outcome, obj, options)


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
    outcome = operations.create_goal(
        obj.workspace(),
        title,
        today_of(obj),
        item_id=options["item_id"],
        owner=options["owner"],
        due=options["due"],
        parent=options["parent"],
        force=options["force"],
    )
    _write_new(outcome, obj, options)


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
