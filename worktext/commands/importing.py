"""``worktext import``: tasks from GitHub, Jira, Linear, Taskwarrior, Trello or any CSV."""

from __future__ import annotations

from pathlib import Path

import click

from worktext.commands.common import Context, echo, warn
from worktext.commands.writing import finish, writing
from worktext.edit import gitcommit
from worktext.edit.atomic import WriteError
from worktext.edit.changes import parse_pairs
from worktext.importers import SOURCES
from worktext.importers.base import Options
from worktext.importers.plan import plan_import


@click.command(name="import")
@click.argument("source", type=click.Choice(list(SOURCES)))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="COLUMN=FIELD",
    help="csv: the column of a field (source_id, title, status, labels, assignee, ...).",
)
@click.option("--project", metavar="ID", help="Put new tasks into this project or area.")
@click.option(
    "--base-url",
    metavar="URL",
    help="The tool's web address, for each task's source_url when the export has none.",
)
@writing
@click.pass_obj
def import_command(
    obj: Context,
    source: str,
    file: Path,
    mapping: tuple[str, ...],
    project: str | None,
    base_url: str | None,
    dry_run: bool,
    commit: bool,
) -> None:
    """Create (or update) a task file for each issue, card or task of another tool's export.

    Each file keeps its source, source_id and source_url; statuses go through worktext.yml's
    mappings: statuses:; comments go under '## Comments'. Importing the same export again
    changes nothing; a newer export updates only what changed upstream (matched by source
    and source_id). Every file is written, or none.

    \b
    Example:
      gh issue list --state all --limit 10000 --json number,title,body,state,labels,\\
        assignees,milestone,createdAt,closedAt,comments,url > issues.json
      worktext import github issues.json --project web --dry-run
      worktext import jira export.csv --base-url https://acme.atlassian.net
      worktext import csv sheet.csv --map Ticket=source_id --map Name=title
    """
    ws = obj.workspace()
    options = Options(tuple(parse_pairs(mapping)), base_url)
    plan = plan_import(ws, source, file, options, project)
    for note in plan.notes:
        warn(note)
    message = gitcommit.message_for(
        f"import {source}: {len(plan.created)} new, {len(plan.updated)} updated",
        [*plan.created, *plan.updated],
    )
    try:
        finish(ws.config.root, plan.changes, message, dry_run, commit)
    except OSError as error:  # a folder that cannot be made, a full disk: nothing replaced
        where = error.filename or ws.config.root
        raise WriteError(
            f"cannot write {where}: {error.strerror or error}; nothing was written"
        ) from None
    if not dry_run:
        echo(
            f"{len(plan.created)} created, {len(plan.updated)} updated, {plan.unchanged} unchanged"
        )


COMMANDS: list[click.Command] = [import_command]
