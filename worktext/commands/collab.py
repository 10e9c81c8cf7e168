"""``worktext comment``, ``comments``, ``inbox`` and ``digest``: the discussion on items."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

import click

from worktext.commands.common import Context, echo, warn
from worktext.commands.writing import finish, writing
from worktext.errors import NotFound, WorktextError
from worktext.model.discussion import parse_timestamp
from worktext.model.threads import thread_lines, thread_records

if TYPE_CHECKING:
    from worktext.history.events import History


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


def _clock(obj: Context) -> dt.datetime:
    """Now; with ``--today``, the end of that day (so output is reproducible)."""
    if obj.today is not None:
        return dt.datetime.combine(
            obj.today + dt.timedelta(days=1), dt.time.min, tzinfo=dt.timezone.utc
        )
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def _since(obj: Context, given: str, now: dt.datetime) -> dt.datetime:
    from worktext.plan.inbox import parse_since

    return parse_since(given, now, obj.workspace().config.root)


def _history(obj: Context, now: dt.datetime) -> History | None:
    from worktext.history.reconstruct import load_history

    try:
        return load_history(obj.workspace().config, now=now, use_cache=obj.use_cache)
    except WorktextError as error:
        warn(f"no git history, so no assignments or status changes: {error.message}")
        return None


@click.command("inbox")
@click.argument("person_id", metavar="[PERSON]", required=False)
@click.option(
    "--since",
    "since",
    metavar="DATE|REV",
    default="7d",
    show_default=True,
    help="Only what happened after: 1d, 12h, 2w, a date, or a revision.",
)
@click.option("-f", "--format", "fmt", type=click.Choice(("text", "json")), default="text")
@click.pass_obj
def inbox_command(obj: Context, person_id: str | None, since: str, fmt: str) -> None:
    """What asks for PERSON's attention (default: you, by git's user.email): mentions, new
    assignments, comments and status changes on their work, due and overdue tasks.

    \b
    Example:
      worktext inbox
      worktext inbox ana --since origin/main --format json
    """
    from worktext.edit.comments import default_author
    from worktext.plan.inbox import inbox

    ws = obj.workspace()
    person = ws.people.get(person_id or default_author(ws))
    if person is None:
        raise NotFound(f"no person with id '{person_id}'")
    now = _clock(obj)
    box = inbox(ws, person, _since(obj, since, now), _history(obj, now))
    if fmt == "json":
        echo(json.dumps(box.record(), indent=2, ensure_ascii=False))
        return
    if not box.entries:
        echo(f"nothing for {person.id} since {box.since:%Y-%m-%d %H:%M} UTC")
        return
    for entry in box.entries:
        when = f"{entry.when:%Y-%m-%d %H:%M}" if entry.when else " " * 16
        echo(f"{when}  {entry.kind:<9} {entry.item:<10} {entry.summary}")


@click.command("digest")
@click.option(
    "--since",
    "since",
    metavar="DATE|REV",
    default="1d",
    show_default=True,
    help="Only what happened after: 1d, 12h, 2w, a date, or a revision.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False),
    help="Write one <person>.md per person with news into this folder.",
)
@click.option("--site-url", metavar="URL", help="The published site, to link each inbox page.")
@click.pass_obj
def digest_command(obj: Context, since: str, output: str | None, site_url: str | None) -> None:
    """One Markdown digest per person with news (for a CI job to send by mail or chat).

    \b
    Example:
      worktext digest --since 1d
      worktext digest --since 1d --output digests --site-url https://example.org/status
    """
    from pathlib import Path

    from worktext.edit import atomic
    from worktext.plan.inbox import digest_markdown, inboxes
    from worktext.render.urls import FOLDERS, safe_name

    ws = obj.workspace()
    now = _clock(obj)
    boxes = inboxes(ws, list(ws.people), _since(obj, since, now), _history(obj, now))
    written = 0
    for box in boxes:
        page = f"{FOLDERS['person']}/{safe_name(box.person.id)}-inbox.html"
        text = digest_markdown(box, site_url, page)
        if not text:
            continue
        written += 1
        if output is None:
            echo(text)
            continue
        folder = Path(output)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{safe_name(box.person.id)}.md"
        atomic.write(atomic.read(target), text.encode("utf-8"))
    if output is not None:
        echo(f"{written} digest(s) written to {output}")


COMMANDS: list[click.Command] = [
    comment_command,
    comments_command,
    inbox_command,
    digest_command,
]
