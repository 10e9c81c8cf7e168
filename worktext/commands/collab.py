"""``worktext comment``, ``comments``, ``inbox`` and ``digest``: the discussion on items."""

from __future__ import annotations

import datetime as dt
import json

import click

from worktext.commands.common import Context, echo
from worktext.commands.writing import finish, writing
from worktext.errors import NotFound, WorktextError
from worktext.model.discussion import parse_timestamp
from worktext.model.threads import thread_lines, thread_records


def _now(given: str | None) -> dt.datetime:
    if given is None:
        return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    when = parse_timestamp(given)
    if when is None:
        raise WorktextError(f"'{given}' is not an ISO 8601 date-time (2026-12-03T13:21:00Z)")
    return when


@click.command("comment")
@click.argument("item_id", metavar="ID")
@click.argument("text")
@click.option("--as", "author", metavar="PERSON", help="Comment as PERSON (default: you).")
@click.option("--reply-to", metavar="C", help="The comment answered: its id or hash.")
@click.option("--date", "when", metavar="DATETIME", help="When (default: now), in UTC.")
@writing
@click.pass_obj
def comment_command(
    obj: Context,
    item_id: str,
    text: str,
    author: str | None,
    reply_to: str | None,
    when: str | None,
    dry_run: bool,
    commit: bool,
) -> None:
    """Comment on item or document ID: a new file under comments/ID/.

    The author is the person whose `email` is git's user.email, unless --as names one.

    \b
    Example:
      worktext comment WEB-12 "Blocked on @ben's API review" --commit
      worktext comment WEB-12 "Done now" --reply-to 3f2a9c1
    """
    from worktext.edit.comments import default_author, plan_comment

    ws = obj.workspace()
    who = author or default_author(ws)
    change = plan_comment(ws, item_id, text, who, _now(when), reply_to)
    finish(ws.config.root, [change], f"Comment on {item_id}", dry_run, commit)


@click.command("comments")
@click.argument("item_id", metavar="ID")
@click.option("-f", "--format", "fmt", type=click.Choice(("text", "json")), default="text")
@click.pass_obj
def comments_command(obj: Context, item_id: str, fmt: str) -> None:
    """Show the thread of comments on item or document ID.

    \b
    Example:
      worktext comments WEB-12
      worktext comments WEB-12 --format json
    """
    ws = obj.workspace()
    found = ws.find(item_id)
    doc = ws.discussion.document(item_id)
    if found is None and doc is None:
        raise NotFound(f"no item or document with id '{item_id}'")
    key = found[1].id if found is not None else doc.id if doc is not None else item_id
    if fmt == "json":
        echo(json.dumps(thread_records(ws, key), indent=2, ensure_ascii=False))
        return
    lines = thread_lines(ws, key)
    echo("\n".join(lines) if lines else f"no comments on {key}")


COMMANDS: list[click.Command] = [comment_command, comments_command]
