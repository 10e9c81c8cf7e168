"""``worktext adopt``: settings that read another tool's backlog in place."""

from __future__ import annotations

import collections
from pathlib import Path

import click

from worktext import adopt as adopting
from worktext.check.pipeline import open_workspace
from worktext.commands.common import Context, echo
from worktext.model.diagnostics import Diagnostic


@click.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, exists=True))
@click.option("--dry-run", is_flag=True, help="Print what would be written; write nothing.")
@click.option(
    "--drafts",
    type=click.Choice(adopting.backlogmd.DRAFTS),
    default="exclude",
    show_default=True,
    help="Backlog.md's drafts: not read, or read as tasks in the backlog.",
)
@click.pass_obj
def adopt(obj: Context, directory: str, dry_run: bool, drafts: str) -> None:
    """Read the backlog in DIRECTORY as it is: Backlog.md, Kanbn, or Markdown files.

    Writes worktext.yml and a workflow of the tool's own statuses (in worktext/), with the
    mappings taken from the tool's configuration; changes no file of the tool's. Run it
    again after the tool's configuration changes: it updates what it wrote, unless you
    edited it (then it shows the difference and keeps your version).

    \b
    Example:
      worktext adopt --dry-run     what it would write, and nothing written
      worktext adopt               write it, then print a summary of the check
    """
    root = Path(directory)
    adoption = adopting.plan_adoption(root, obj.day(), drafts)
    _summary(adoption)
    for planned in adoption.files:
        if planned.action == adopting.KEEP:
            echo(f"kept {planned.rel}: it was edited since adopt wrote it; adopt would write:")
            echo(planned.diff.rstrip("\n"))
        elif dry_run and planned.action == adopting.CREATE:
            echo(f"would create {planned.rel}:")
            echo(_indented(planned.text))
        elif dry_run and planned.action == adopting.UPDATE:
            echo(f"would update {planned.rel}:")
            echo(planned.diff.rstrip("\n"))
        elif planned.action == adopting.UNCHANGED:
            echo(f"unchanged {planned.rel}")
    if dry_run:
        echo("dry run: nothing written")
        return
    for planned in adopting.write_adoption(root, adoption):
        verb = "created" if planned.action == adopting.CREATE else "updated"
        echo(f"{verb} {planned.rel}")
    ws = open_workspace(root, obj.day(), obj.use_cache)
    echo(_check_summary(ws.diagnostics, ws.file_count))


def _summary(adoption: adopting.Adoption) -> None:
    p = adoption.proposal
    folders = ", ".join(p.task_folders)
    echo(f"{p.tool} ({p.source}): {adoption.task_count} task files in {folders}")
    spelled = {state: spelling for spelling, state in p.statuses.items()}
    states = ", ".join(
        f"{s.id} ({s.category})" + (f" for '{spelled[s.id]}'" if s.id in spelled else "")
        for s in p.states
    )
    echo(f"  states: {states}")
    for folder, state in p.folder_states.items():
        echo(f"  every task in {folder} is {state}")
    if p.kanbn:
        echo(f"  statuses are the board columns of {p.kanbn}")
    if p.keys:
        echo("  keys: " + ", ".join(f"{k} → {v}" for k, v in p.keys.items()))
    if p.handles:
        echo("  people: '@name' is the person 'name'")
    if p.fields:
        echo("  custom keys: " + ", ".join(f"{k} ({t})" for k, t in p.fields.items()))
    for note in p.notes:
        echo(f"  {note}")


def _check_summary(diagnostics: list[Diagnostic], files: int) -> str:
    errors = [d for d in diagnostics if d.severity == "error"]
    warnings = [d for d in diagnostics if d.severity == "warning"]
    if not errors and not warnings:
        return f"check: no problems in {files} files"
    counts = collections.Counter(d.code for d in diagnostics if d.severity in ("error", "warning"))
    codes = ", ".join(f"{code} {n}" for code, n in counts.most_common())
    return (
        f"check: {len(errors)} errors and {len(warnings)} warnings in {files} files ({codes}); "
        "run 'worktext check' for where and how to fix them"
    )


def _indented(text: str) -> str:
    return "\n".join(f"    {line}" for line in text.rstrip("\n").split("\n"))


COMMANDS = [adopt]
