"""Each person's inbox: what asks for their attention since a moment.

* ``mention``: a comment, or a commit message, or the body of an item changed in the window,
  that names them (``@ana``, or a team of theirs);
* ``assigned``: a task they were made an assignee of;
* ``comment``: a comment by someone else on what they own, are assigned to, or have commented
  on;
* ``status``: a status change of a task they own (through its project), are assigned to, or
  have commented on;
* ``overdue`` and ``due-soon``: their open tasks past due, or due within ``DUE_SOON_DAYS``.

Everything is worked out from the resolved workspace (comments, due dates) and its git history
(assignments, status changes, commit messages); ``now`` and ``since`` are parameters.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from worktext.errors import WorktextError
from worktext.history import gitio
from worktext.history.events import Event, History
from worktext.model.discussion import Comment, parse_timestamp
from worktext.model.items import Person, Task
from worktext.model.mentions import Names
from worktext.model.values import ValueError_, as_day, id_key, parse_date
from worktext.model.workspace import Workspace

DUE_SOON_DAYS = 3
KINDS = ("mention", "assigned", "comment", "status", "overdue", "due-soon")
_RELATIVE = re.compile(r"(\d+)\s*([hdw])\Z")


@dataclass(frozen=True, slots=True)
class Entry:
    kind: str
    item: str  # the id of the item (or document) it is about
    title: str
    summary: str
    when: dt.datetime | None = None
    by: str | None = None  # who did it: a person id, or a commit author's name
    comment: str | None = None  # the comment's id, for a comment or a mention in one

    def record(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "item": self.item,
            "title": self.title,
            "summary": self.summary,
            "when": self.when.strftime("%Y-%m-%dT%H:%M:%SZ") if self.when else None,
            "by": self.by,
            "comment": self.comment,
        }


@dataclass
class Inbox:
    person: Person
    since: dt.datetime
    entries: list[Entry] = field(default_factory=list)

    def record(self) -> dict[str, Any]:
        return {
            "person": self.person.id,
            "name": self.person.name,
            "since": self.since.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "entries": [e.record() for e in self.entries],
        }


def relative_since(text: str, now: dt.datetime) -> dt.datetime | None:
    """``1d``, ``12h``, ``2w`` before ``now``; None if ``text`` is not of that form."""
    match = _RELATIVE.match(text.strip())
    if match is None:
        return None
    count, unit = int(match.group(1)), match.group(2)
    hours = {"h": 1, "d": 24, "w": 24 * 7}[unit] * count
    return now - dt.timedelta(hours=hours)


def parse_since(given: str, now: dt.datetime, root: Path) -> dt.datetime:
    """``--since``: ``1d``/``12h``/``2w`` before ``now``, a date (its start, UTC), or a git
    revision of the workspace's repository (just after its commit time)."""
    relative = relative_since(given, now)
    if relative is not None:
        return relative
    try:
        day = parse_date(given)
    except ValueError_:
        stamp = gitio.text(root, ["show", "-s", "--format=%cI", gitio.resolve(root, given)])
        when = parse_timestamp(stamp)
        if when is None:
            raise WorktextError(f"cannot read the time of revision '{given}'") from None
        return when + dt.timedelta(seconds=1)  # after it: its own changes are known
    return _utc(day)


def _utc(value: dt.date) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    return dt.datetime(value.year, value.month, value.day, tzinfo=dt.timezone.utc)


class _Context:
    """What every person's inbox reads, worked out once for the whole workspace."""

    def __init__(self, ws: Workspace, history: History | None, since: dt.datetime) -> None:
        self.ws = ws
        self.since = since
        self.names = Names(list(ws.people))
        self.comments: list[Comment] = []  # in the window, in ``all_comments``' order
        self.commented: dict[str, set[str]] = {}  # by author: the keys of what they commented on
        # Indexes, so that each person's inbox looks up what concerns them.
        self.by_item: dict[str, list[Comment]] = {}
        comments = ws.discussion.comments  # by the key of their item's id
        for key in sorted(comments):
            for comment in comments[key]:
                self.commented.setdefault(comment.author, set()).add(key)
                if comment.date and comment.date >= since:
                    self.comments.append(comment)
                    self.by_item.setdefault(key, []).append(comment)
        self.events = [
            e
            for e in (history.events() if history is not None and history.available else [])
            if _utc(e.commit.date) >= since
        ]
        commits = history.commits if history is not None and history.available else []
        self.commits = [c for c in commits if _utc(c.date) >= since]
        self.by_email = {p.email.casefold(): p.id for p in ws.people if p.email}
        self._mentioned: dict[str, set[str]] = {}
        self.entries: dict[tuple[str, str], Entry] = {}  # of each comment, by (path, kind)
        changed = {id_key(e.task_id) for e in self.events}
        self.changed_tasks = [t for t in ws.tasks if id_key(t.id) in changed]
        self.mention_entries: dict[str, list[Entry]] = {}
        for entry, person in self._mentions():
            self.mention_entries.setdefault(person, []).append(entry)
        self.assignments: dict[str, list[Entry]] = {}  # by the assignee's id key
        self.status_changes: dict[str, list[Entry]] = {}  # by the task's id key
        for event in self.events:
            self._index_event(event)

    def _mentions(self) -> Iterator[tuple[Entry, str]]:
        """Each mention in the window, with the person it reaches (not its own author)."""
        for comment in self.comments:
            for person in self.mentioned(comment):
                if person != comment.author:
                    yield (
                        _comment_entry(self, comment, "mention", "mentioned you in a comment"),
                        person,
                    )
        for task in self.changed_tasks:
            if "@" in task.body:
                entry = Entry("mention", task.id, task.title, "mentions you in its description")
                for person in self.names.people_in(task.body):
                    yield entry, person
        for commit in self.commits:
            if "@" not in commit.message:
                continue
            actor = self.actor(commit.author, commit.email)
            entry = Entry(
                "mention",
                commit.short,
                commit.subject,
                f"{actor} mentioned you in commit {commit.short}",
                _utc(commit.date),
                actor,
            )
            for person in self.names.people_in(commit.message):
                if person != actor:
                    yield entry, person

    def _index_event(self, event: Event) -> None:
        task = self.ws.tasks.get(event.task_id)
        title = task.title if task is not None else event.task_id
        when = _utc(event.commit.date)
        actor = self.actor(event.commit.author, event.commit.email)
        assignee = event.change("assignee")
        if assignee is not None:
            summary = f"{actor} assigned you {event.task_id}"
            entry = Entry("assigned", event.task_id, title, summary, when, actor)
            for key in _names(assignee.new) - _names(assignee.old):
                self.assignments.setdefault(key, []).append(entry)
        status = event.change("status")
        if status is not None and status.old is not None:
            summary = f"{actor} moved {event.task_id} from {status.old} to {status.new}"
            entry = Entry("status", event.task_id, title, summary, when, actor)
            self.status_changes.setdefault(id_key(event.task_id), []).append(entry)

    def mentioned(self, comment: Comment) -> set[str]:
        """The people a comment mentions (worked out once per comment)."""
        found = self._mentioned.get(comment.path)
        if found is None:
            found = self._mentioned[comment.path] = set(self.names.people_in(comment.body))
        return found

    def actor(self, name: str, email: str) -> str:
        """A commit's author: the person with that email, else the name git has."""
        return self.by_email.get(email.casefold(), name)

    def title(self, item_id: str) -> str:
        found = self.ws.find(item_id)
        if found is not None:
            item = found[1]
            return str(getattr(item, "title", None) or getattr(item, "name", "") or item.id)
        doc = self.ws.discussion.document(item_id)
        return doc.title if doc is not None else item_id


def _assigned(task: Task, person: Person) -> bool:
    key = id_key(person.id)
    return any(id_key(a) == key for a in task.assignees)


def _owned_or_assigned(ws: Workspace, person: Person) -> set[str]:
    """The keys of what ``person`` owns or is assigned to."""
    key = id_key(person.id)
    mine = {id_key(t.id) for t in ws.tasks_of_person(person)}
    for project in ws.projects:
        if project.owner and id_key(project.owner) == key:
            mine.add(id_key(project.id))
            mine.update(id_key(t.id) for t in ws.tasks_of_project(project))
    for goal in ws.goals:
        if goal.owner and id_key(goal.owner) == key:
            mine.add(id_key(goal.id))
    for doc in ws.discussion.documents.values():
        if doc.owner and id_key(doc.owner) == key:
            mine.add(id_key(doc.id))
    return mine


def _names(value: Any) -> set[str]:
    if isinstance(value, str):
        return {id_key(value)}
    if isinstance(value, list | tuple):
        return {id_key(str(v)) for v in value}
    return set()


def _comment_entry(ctx: _Context, comment: Comment, kind: str, what: str) -> Entry:
    """The entry of a comment (the same for everyone it reaches: made once)."""
    found = ctx.entries.get((comment.path, kind))
    if found is None:
        first = comment.body.strip().split("\n", 1)[0]
        summary = f"{comment.author} {what}: {first[:120]}"
        title = ctx.title(comment.item)
        found = Entry(kind, comment.item, title, summary, comment.date, comment.author, comment.id)
        ctx.entries[(comment.path, kind)] = found
    return found


def _events(ctx: _Context, person: Person, following: set[str]) -> Iterable[Entry]:
    """Assignments of ``person``, and status changes of what they follow (own, are assigned
    to, have commented on), by someone else: what they did themselves is no news to them."""
    for entry in ctx.assignments.get(id_key(person.id), ()):
        if entry.by != person.id:
            yield entry
    changes = ctx.status_changes
    keys = (
        following & changes.keys() if len(following) < len(changes) else changes.keys() & following
    )
    for key in keys:
        for entry in changes[key]:
            if entry.by != person.id:
                yield entry


def _comments(ctx: _Context, person: Person, following: set[str]) -> Iterable[Entry]:
    by_item = ctx.by_item
    for key in following & by_item.keys():
        for comment in by_item[key]:
            if comment.author != person.id:
                yield _comment_entry(ctx, comment, "comment", "commented")


def _due(ws: Workspace, person: Person) -> Iterable[Entry]:
    for task in ws.tasks_of_person(person):
        if task.due is None or not ws.is_open(task):
            continue
        due = as_day(task.due)
        days = (due - ws.today).days
        if days < 0:
            yield Entry("overdue", task.id, task.title, f"{task.id} was due {due.isoformat()}")
        elif days <= DUE_SOON_DAYS:
            yield Entry("due-soon", task.id, task.title, f"{task.id} is due {due.isoformat()}")


def inbox(
    ws: Workspace, person: Person, since: dt.datetime, history: History | None = None
) -> Inbox:
    """``person``'s inbox since ``since`` (an aware date-time)."""
    return inboxes(ws, [person], since, history)[0]


def inboxes(
    ws: Workspace, people: list[Person], since: dt.datetime, history: History | None = None
) -> list[Inbox]:
    """The inbox of each of ``people``, newest entries first (due dates last)."""
    ctx = _Context(ws, history, since)
    out = []
    for person in people:
        following = _owned_or_assigned(ws, person) | ctx.commented.get(person.id, set())
        found = [
            *ctx.mention_entries.get(person.id, ()),
            *_events(ctx, person, following),
            *_comments(ctx, person, following),
        ]
        seen: set[tuple[str | None, str]] = set()
        entries = []
        # A comment that mentions someone on their own task is one entry, the mention.
        for entry in sorted(found, key=lambda e: KINDS.index(e.kind)):
            marker = (entry.comment, entry.item) if entry.comment else (entry.summary, entry.item)
            if marker not in seen:
                seen.add(marker)
                entries.append(entry)
        entries.sort(key=lambda e: (-(e.when or since).timestamp(), KINDS.index(e.kind), e.item))
        entries.extend(_due(ws, person))
        out.append(Inbox(person, since, entries))
    return out


def digest_markdown(box: Inbox, site_url: str | None = None, inbox_path: str = "") -> str:
    """One person's inbox as a Markdown digest (empty text when there is nothing);
    ``site_url`` and ``inbox_path``: where their inbox page is, to link it."""
    if not box.entries:
        return ""
    lines = [f"# {box.person.name or box.person.id}: since {box.since:%Y-%m-%d %H:%M} UTC", ""]
    headings = {
        "mention": "Mentions",
        "assigned": "Assigned to you",
        "comment": "New comments",
        "status": "Status changes",
        "overdue": "Overdue",
        "due-soon": "Due soon",
    }
    for kind in KINDS:
        group = [e for e in box.entries if e.kind == kind]
        if not group:
            continue
        lines += [f"## {headings[kind]}", ""]
        for entry in group:
            item, title, summary = (_escape(t) for t in (entry.item, entry.title, entry.summary))
            lines.append(f"- **{item}** {title}: {summary}")
        lines.append("")
    if site_url:
        lines += [f"Your inbox on the site: <{site_url.rstrip('/')}/{inbox_path}>", ""]
    return "\n".join(lines)


def _escape(text: str) -> str:
    """Text that Markdown shows as written (no links, emphasis or HTML made from it)."""
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text.replace("\n", " "))


__all__ = [
    "Entry",
    "Inbox",
    "digest_markdown",
    "inbox",
    "inboxes",
    "parse_since",
    "relative_since",
]
