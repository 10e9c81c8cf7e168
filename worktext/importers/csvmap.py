"""Any CSV with a header row, its columns named with ``--map COLUMN=FIELD``: the fields are
``source_id`` and ``title`` (required), ``body``, ``status``, ``labels`` and ``assignee``
(lists split at commas or semicolons), ``milestone``, ``priority``, ``created``,
``completed``, ``due``, ``parent`` and ``depends_on`` (by the source ids of other rows or of
tasks imported before), and ``url``. A column can be mapped to one field only."""

from __future__ import annotations

from pathlib import Path

from worktext.errors import WorktextError
from worktext.importers.base import (
    CsvRow,
    Options,
    Record,
    csv_rows,
    read_text,
    split_list,
    when_or_fail,
)

NAME = "csv"
FIELDS = (
    "source_id",
    "title",
    "body",
    "status",
    "labels",
    "assignee",
    "milestone",
    "priority",
    "created",
    "completed",
    "due",
    "parent",
    "depends_on",
    "url",
)
REQUIRED_FIELDS = ("source_id", "title")


def columns(options: Options) -> dict[str, str]:
    """field → column, from ``--map COLUMN=FIELD``; refused when a field is unknown,
    given twice, or a required one is missing."""
    out: dict[str, str] = {}
    for column, name in options.mapping:
        if name not in FIELDS:
            raise WorktextError(
                f"--map {column}={name}: '{name}' is not a field; fields: {', '.join(FIELDS)}"
            )
        if name in out:
            raise WorktextError(f"--map: the field '{name}' is given two columns")
        out[name] = column
    missing = [name for name in REQUIRED_FIELDS if name not in out]
    if missing:
        raise WorktextError(
            f"'worktext import csv' needs --map COLUMN={missing[0]} (the columns of "
            f"{' and '.join(REQUIRED_FIELDS)} are required, so a re-import finds each task)"
        )
    return out


def keys(options: Options) -> tuple[str, ...]:
    """The task keys this import sets: those of the mapped fields."""
    mapped = columns(options)
    return tuple(name for name in FIELDS if name in mapped and name not in ("source_id", "url"))


def read(path: Path, options: Options) -> list[Record]:
    mapped = columns(options)
    rows = csv_rows(path, read_text(path), mapped.values())
    return [_record(path, row, mapped) for row in rows]


def _record(path: Path, row: CsvRow, mapped: dict[str, str]) -> Record:
    def cell(name: str) -> str:
        return row.get(mapped[name]) if name in mapped else ""

    def when(name: str) -> str | None:
        return when_or_fail(path, row.line, mapped.get(name, name), cell(name))

    return Record(
        source=NAME,
        source_id=cell("source_id"),
        title=cell("title"),
        line=row.line,
        url=cell("url") or None,
        body=cell("body").replace("\r\n", "\n"),
        status=cell("status") or None,
        labels=split_list(cell("labels")),
        assignees=split_list(cell("assignee")),
        milestone=cell("milestone") or None,
        priority=cell("priority") or None,
        created=when("created"),
        closed=when("completed"),
        due=when("due"),
        parent=cell("parent") or None if "parent" in mapped else None,
        depends_on=split_list(cell("depends_on")) if "depends_on" in mapped else None,
    )
