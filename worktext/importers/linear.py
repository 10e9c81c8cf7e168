"""Linear: the CSV of "Export → CSV" of a team's issues (Settings → Import/Export).

Columns read: ``ID``, ``Title``, ``Status`` (required), ``Description``, ``Assignee``,
``Priority`` (``Urgent``, ``High``, ``Medium``, ``Low``, ``No priority``), ``Labels`` (one
cell, comma-separated), ``Created``, ``Started``, ``Completed``, ``Canceled``, ``Due Date``,
``Project Milestone`` (the milestone) and ``Parent issue`` (the ``parent``, by its ID). The
export has no web address and no comments; ``--base-url https://linear.app/WORKSPACE`` gives
the address (``/issue/ID``)."""

from __future__ import annotations

from pathlib import Path

from worktext.importers.base import (
    CsvRow,
    Options,
    Record,
    csv_rows,
    read_text,
    split_list,
    url_for,
    when_or_fail,
)

NAME = "linear"
KEYS = (
    "title",
    "status",
    "assignee",
    "priority",
    "labels",
    "milestone",
    "created",
    "started",
    "due",
    "completed",
    "parent",
)
REQUIRED = ("ID", "Title", "Status")
PRIORITIES = {"urgent": "urgent", "high": "high", "medium": "medium", "low": "low"}


def read(path: Path, options: Options) -> list[Record]:
    return [_record(path, row, options) for row in csv_rows(path, read_text(path), REQUIRED)]


def _record(path: Path, row: CsvRow, options: Options) -> Record:
    issue_id = row.get("ID")
    completed = when_or_fail(path, row.line, "Completed", row.get("Completed"))
    canceled = when_or_fail(path, row.line, "Canceled", row.get("Canceled"))
    assignee = row.get("Assignee")
    return Record(
        source=NAME,
        source_id=issue_id,
        title=row.get("Title"),
        line=row.line,
        url=url_for(options.base_url, f"issue/{issue_id}"),
        body=row.get("Description").replace("\r\n", "\n"),
        status=row.get("Status"),
        labels=split_list(row.get("Labels")),
        assignees=(assignee,) if assignee else (),
        milestone=row.get("Project Milestone") or None,
        priority=PRIORITIES.get(row.get("Priority").lower()),
        created=when_or_fail(path, row.line, "Created", row.get("Created")),
        started=when_or_fail(path, row.line, "Started", row.get("Started")),
        closed=completed or canceled,
        due=when_or_fail(path, row.line, "Due Date", row.get("Due Date")),
        parent=row.get("Parent issue").split(" ", 1)[0] or None,
    )
