"""``worktext diff REV [REV2]``: the work changes between two revisions as Markdown, ready to
post as a pull-request comment. Pure comparison of two workspaces; git only reads them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from worktext.history.since import workspace_at
from worktext.model.items import Task
from worktext.model.values import as_day
from worktext.model.workspace import Workspace

MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>~])")


def md(text: object) -> str:
    """Text made inert in Markdown and HTML: no links, emphasis, tags or table breaks."""
    plain = " ".join(str(text).split())
    return MARKDOWN_SPECIAL.sub(r"\\\1", plain).replace("&", "&amp;")


@dataclass
class WorkDiff:
    added: list[Task] = field(default_factory=list)
    added_states: dict[str, str] = field(default_factory=dict)  # a new task's state, by id
    removed: list[Task] = field(default_factory=list)
    moved: list[tuple[Task, str, str]] = field(default_factory=list)  # task, old, new status
    rehomed: list[tuple[Task, str, str]] = field(default_factory=list)  # task, old, new project
    reassigned: list[tuple[Task, tuple[str, ...], tuple[str, ...]]] = field(default_factory=list)
    slipped: list[tuple[Task, str, object, object]] = field(default_factory=list)
    milestones_done: list[tuple[str, str, str]] = field(default_factory=list)  # project, id, title

    @property
    def empty(self) -> bool:
        return not any(
            (
                self.added,
                self.removed,
                self.moved,
                self.reassigned,
                self.slipped,
                self.milestones_done,
            )
        )


def compare(old: Workspace, new: Workspace) -> WorkDiff:
    out = WorkDiff()
    for task in new.tasks:
        before = old.tasks.get(task.id)
        if before is None:
            out.added.append(task)
            out.added_states[task.id] = new.status_of(task)
            continue
        if old.status_of(before) != new.status_of(task):
            out.moved.append((task, old.status_of(before), new.status_of(task)))
        was_in, now_in = old.project_of(before).id, new.project_of(task).id
        if was_in != now_in:
            out.rehomed.append((task, was_in, now_in))
        if tuple(before.assignees) != tuple(task.assignees):
            out.reassigned.append((task, tuple(before.assignees), tuple(task.assignees)))
        for key in ("start", "due"):
            was, now = getattr(before, key), getattr(task, key)
            if was != now:
                out.slipped.append((task, key, was, now))
    out.removed = [t for t in old.tasks if t.id not in new.tasks]
    out.milestones_done = list(_finished_milestones(old, new))
    return out


def _milestone_done(ws: Workspace, project_id: str, milestone_id: str) -> bool:
    project = ws.projects.get(project_id)
    if project is None:
        return False
    tasks = [t for t in ws.tasks_of_project(project) if (t.milestone or "") == milestone_id]
    done, total = ws.progress(tasks)
    return total > 0 and done == total


def _finished_milestones(old: Workspace, new: Workspace) -> Iterable[tuple[str, str, str]]:
    for project in new.projects:
        for milestone in project.milestones:
            if _milestone_done(new, project.id, milestone.id) and not _milestone_done(
                old, project.id, milestone.id
            ):
                yield project.id, milestone.id, milestone.title


def _who(people: Iterable[str]) -> str:
    names = [md(p) for p in people]
    return ", ".join(names) if names else "nobody"


def _slip(was: object, now: object) -> str:
    if was is None:
        return f"set to {now}"
    if now is None:
        return f"removed (was {was})"
    if not (isinstance(now, dt.date) and isinstance(was, dt.date)):
        return f"{was} → {now}"
    days = (as_day(now) - as_day(was)).days
    sign = "+" if days > 0 else ""
    return f"{was} → {now} ({sign}{days} day{'s' * (abs(days) != 1)})"


def _ref(task: Task) -> str:
    return f"**{md(task.id)}** {md(task.title)}"


def render(diff: WorkDiff, old_name: str, new_name: str) -> str:
    lines = [f"### Work changes: {md(old_name)} → {md(new_name)}", ""]
    if diff.empty:
        lines.append("No task changes.")
        return "\n".join(lines) + "\n"
    lines.append(_summary(diff))
    for title, items in _sections(diff):
        if items:
            lines += ["", f"#### {title}", "", *items]
    return "\n".join(lines) + "\n"


def _summary(diff: WorkDiff) -> str:
    """How many tasks changed in each way, in one sentence."""
    counts = [
        (len(diff.added), "new"),
        (len(diff.moved), "status change{s}"),
        (len(diff.rehomed), "moved to another project"),
        (len(diff.reassigned), "reassigned"),
        (len(diff.slipped), "date change{s}"),
        (len(diff.removed), "removed"),
    ]
    summary = [f"{n} {what.format(s='s' if n != 1 else '')}" for n, what in counts if n]
    return ", ".join(summary) + "."


def _state(diff: WorkDiff, task: Task) -> str:
    """A new task's state: its workflow's state, the first one when it sets no status."""
    return diff.added_states.get(task.id) or task.status or ""


def _sections(diff: WorkDiff) -> list[tuple[str, list[str]]]:
    """Each section's title and list items (empty when nothing changed that way)."""
    return [
        (
            "Finished milestones",
            [f"- 🏁 {md(p)} / **{md(m)}** {md(t)}" for p, m, t in diff.milestones_done],
        ),
        (
            "New tasks",
            [f"- {_ref(t)} ({md(_state(diff, t))}, {_who(t.assignees)})" for t in diff.added],
        ),
        ("Status changes", [f"- {_ref(t)}: {md(a)} → **{md(b)}**" for t, a, b in diff.moved]),
        (
            "Moved to another project",
            [f"- {_ref(t)}: {md(a)} → **{md(b)}**" for t, a, b in diff.rehomed],
        ),
        ("Reassigned", [f"- {_ref(t)}: {_who(a)} → {_who(b)}" for t, a, b in diff.reassigned]),
        ("Date changes", [f"- {_ref(t)}: {k} {md(_slip(a, b))}" for t, k, a, b in diff.slipped]),
        ("Removed tasks", [f"- {_ref(t)}" for t in diff.removed]),
    ]


def diff_markdown(ws: Workspace, rev: str, rev2: str | None = None) -> str:
    """The Markdown summary from ``rev`` to ``rev2`` (default: the working tree as loaded)."""
    old = workspace_at(ws.config, rev, ws.today)
    new = workspace_at(ws.config, rev2, ws.today) if rev2 else ws
    return render(compare(old, new), rev, rev2 or "working tree")
