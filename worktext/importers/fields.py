"""What one record of an export gives its task's keys: people by their names, the priority
and milestone where the workspace has them, and links to other tasks by the tool's ids.
A value the workspace cannot hold is ``SKIP``: its key is left as it is, with a note."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from worktext.importers.base import Record, day_if_midnight
from worktext.importers.states import Placing
from worktext.model.items import Person, Project, Task, Workflow
from worktext.model.workspace import Workspace


class People:
    """Names in an export → person ids: by id, name, email or its local part, ignoring
    case; a name without a person file stays as written (a guest), with one note."""

    def __init__(self, ws: Workspace) -> None:
        self.by_name: dict[str, str] = {}
        for person in ws.people:
            for name in _names_of(person):
                self.by_name.setdefault(name.casefold(), person.id)
        self.notes: list[str] = []
        self._guests: set[str] = set()

    def person(self, name: str) -> str:
        found = self.by_name.get(name.casefold())
        if found is not None:
            return found
        if name not in self._guests:
            self._guests.add(name)
            self.notes.append(
                f"'{name}' has no person file: kept as a guest (add people/ID.md with "
                f"name: {name} to make them a person, and import again)"
            )
        return name


def _names_of(person: Person) -> Iterable[str]:
    yield person.id
    if person.name:
        yield person.name
    if person.email:
        yield person.email
        yield person.email.split("@", 1)[0]


def front_matter(
    ws: Workspace,
    record: Record,
    state: str,
    workflow: Workflow,
    project: Project,
    people: People,
    placing: Placing,
) -> dict[str, Any]:
    """The keys the record gives its task (None: the export says it has none), in the order
    of a new file."""
    found = workflow.state(state)
    closed = found is not None and found.is_closed
    data: dict[str, Any] = {
        "title": record.title.strip(),
        "status": state,
        "assignee": [people.person(name) for name in record.assignees] or None,
        "priority": _priority(ws, record, placing),
        "labels": list(dict.fromkeys(record.labels)) or None,
        "milestone": _milestone(record, project, placing),
        "created": record.created,
        "started": record.started,
        "due": day_if_midnight(record.due),
        "completed": record.closed if closed else None,
        "source": record.source,
        "source_id": record.source_id,
        "source_url": record.url,
    }
    if data["assignee"] and len(data["assignee"]) == 1:
        data["assignee"] = data["assignee"][0]
    return data


SKIP = object()  # a value the export has but worktext cannot hold: the key is left alone


def _priority(ws: Workspace, record: Record, placing: Placing) -> Any:
    if record.priority is None:
        return None
    folded = {p.casefold(): p for p in ws.config.priorities}
    found = folded.get(record.priority.casefold())
    if found is None:
        note = (
            f"priority '{record.priority}' is not one of the workspace's priorities "
            f"({', '.join(ws.config.priorities)}); it is not imported"
        )
        if note not in placing.notes:
            placing.notes.append(note)
        return SKIP
    return found


def _milestone(record: Record, project: Project, placing: Placing) -> Any:
    """The project's milestone the record names (by id or title); a milestone the project
    does not have is not imported (a note says how to add it)."""
    if record.milestone is None:
        return None
    wanted = record.milestone.casefold()
    for milestone in project.milestones:
        if wanted in (milestone.id.casefold(), milestone.title.casefold()):
            return milestone.id
    note = (
        f"milestone '{record.milestone}' is not a milestone of '{project.id}'; it is not "
        f"imported (add it to the project's milestones: and import again)"
    )
    if note not in placing.notes:
        placing.notes.append(note)
    return SKIP


@dataclass
class TaskIds:
    """The task id of each record (in the export's order), and of each id the tool may
    refer to a task by (its id, its other ids), for ``parent`` and ``depends_on``."""

    in_order: list[str]
    by_source_id: dict[str, str]

    def links(self, record: Record, notes: list[str]) -> dict[str, Any]:
        """``parent`` and ``depends_on`` of the record, in task ids; a task the export
        names that is neither in it nor imported before is left out, with a note."""
        out: dict[str, Any] = {}
        if record.parent is not None:
            out["parent"] = self._one(record, record.parent, "parent", notes)
        if record.depends_on is not None:
            found = [self._one(record, d, "depends_on", notes) for d in record.depends_on]
            kept = [task_id for task_id in found if task_id is not SKIP]
            out["depends_on"] = kept or None
        return out

    def _one(self, record: Record, ref: str, key: str, notes: list[str]) -> Any:
        task_id = self.by_source_id.get(ref)
        if task_id is None:
            note = (
                f"'{record.source_id}': its {key} '{ref}' is not in the export nor imported "
                "before; it is left out"
            )
            if note not in notes:
                notes.append(note)
            return SKIP
        return task_id


def ids_of_tasks(
    matched: list[tuple[Record, Task | None]],
    made: list[str],
    existing: dict[tuple[str, str], list[Task]],
    source: str,
) -> TaskIds:
    fresh = iter(made)
    in_order = [task.id if task else next(fresh) for _record, task in matched]
    by_source_id = {sid: tasks[0].id for (src, sid), tasks in existing.items() if src == source}
    for (record, _task), task_id in zip(matched, in_order, strict=True):
        for ref in (record.source_id, *record.aliases):
            by_source_id[ref] = task_id
    return TaskIds(in_order, by_source_id)
