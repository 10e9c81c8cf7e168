"""Taskwarrior: the JSON of ``task export`` (a list, or one object a line with
``rc.json.array=off``). Read: ``uuid`` (the source id), ``description`` (the title),
``status`` (``pending``, ``waiting``, ``recurring``, ``completed``, ``deleted``), ``entry``,
``start``, ``end``, ``due`` (``20261203T101500Z``), ``tags``, ``project`` (kept as a label),
``priority`` (``H``, ``M``, ``L``), ``depends`` (``depends_on``) and ``annotations`` (kept as
comments)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from worktext.importers.base import (
    Comment,
    ImportProblem,
    JsonValue,
    Options,
    Record,
    json_objects,
    need,
    read_text,
    text_of,
    when_or_fail,
)

NAME = "taskwarrior"
KEYS = (
    "title",
    "status",
    "priority",
    "labels",
    "created",
    "started",
    "due",
    "completed",
    "depends_on",
)
PRIORITIES = {"H": "high", "M": "medium", "L": "low"}
CLOSED = {"completed": "done", "deleted": "cancelled"}
STATUSES = ("pending", "waiting", "recurring", "completed", "deleted")


def read(path: Path, options: Options) -> list[Record]:
    return [_record(path, item) for item in json_objects(path, read_text(path))]


def _record(path: Path, item: JsonValue) -> Record:
    task: dict[str, Any] = item.value
    uuid = text_of(need(path, item.line, task, "uuid", "a task"))
    what = f"task {uuid}"
    status = text_of(need(path, item.line, task, "status", what))
    if status not in STATUSES:
        raise ImportProblem(
            path, item.line, f"{what} has the status '{status}'", f"known: {', '.join(STATUSES)}"
        )
    tags = task.get("tags")
    labels = [tag for tag in tags if isinstance(tag, str)] if isinstance(tags, list) else []
    if isinstance(task.get("project"), str) and task["project"]:
        labels.append(task["project"])
    closed = status in CLOSED
    return Record(
        source=NAME,
        source_id=uuid,
        title=text_of(need(path, item.line, task, "description", what)),
        line=item.line,
        status=status,
        closed_as=CLOSED.get(status),
        is_open=not closed,
        labels=tuple(labels),
        priority=PRIORITIES.get(text_of(task.get("priority"))),
        created=when_or_fail(path, item.line, "entry", text_of(task.get("entry"))),
        started=when_or_fail(path, item.line, "start", text_of(task.get("start"))),
        closed=when_or_fail(path, item.line, "end", text_of(task.get("end"))) if closed else None,
        due=when_or_fail(path, item.line, "due", text_of(task.get("due"))),
        comments=tuple(_annotations(path, item.line, task.get("annotations"))),
        depends_on=_depends(task.get("depends")),
    )


def _depends(value: Any) -> tuple[str, ...]:
    """The uuids a task depends on: a list (Taskwarrior 2.6 and later) or one
    comma-separated text (before)."""
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return ()
    return tuple(uuid.strip() for uuid in value if isinstance(uuid, str) and uuid.strip())


def _annotations(path: Path, line: int, values: Any) -> list[Comment]:
    out = []
    for value in values if isinstance(values, list) else []:
        if isinstance(value, dict):
            date = when_or_fail(path, line, "annotation entry", text_of(value.get("entry")))
            out.append(Comment("annotation", date or "", text_of(value.get("description"))))
    return out
