"""Jira: the CSV of "Export → Export CSV (all fields)" (or current fields) of an issue search.

Columns read: ``Issue key`` (the source id), ``Summary``, ``Status`` (required),
``Description``, ``Assignee``, ``Priority``, ``Created``, ``Resolved``, ``Due date``,
``Fix Version/s`` (the milestone), ``Parent`` (the parent's ``Issue id`` or key), and every
``Labels`` and ``Comment`` column (Jira repeats a column once per value). A comment cell is
``date;author;text``. Dates are read in Jira's default ``dd/MMM/yy h:mm a`` and ISO forms.
The export has no web address; ``--base-url https://SITE.atlassian.net`` gives one
(``/browse/KEY``)."""

from __future__ import annotations

from pathlib import Path

from worktext.importers.base import (
    Comment,
    CsvRow,
    Options,
    Record,
    csv_rows,
    iso_when,
    read_text,
    url_for,
    when_or_fail,
)

NAME = "jira"
KEYS = (
    "title",
    "status",
    "assignee",
    "priority",
    "labels",
    "milestone",
    "created",
    "due",
    "completed",
    "parent",
)
REQUIRED = ("Issue key", "Summary", "Status")
# Jira's default priority scheme, in worktext's default priorities.
PRIORITIES = {
    "highest": "urgent",
    "blocker": "urgent",
    "high": "high",
    "critical": "high",
    "medium": "medium",
    "low": "low",
    "lowest": "low",
    "minor": "low",
    "trivial": "low",
}


def read(path: Path, options: Options) -> list[Record]:
    return [_record(path, row, options) for row in csv_rows(path, read_text(path), REQUIRED)]


def _record(path: Path, row: CsvRow, options: Options) -> Record:
    key = row.get("Issue key")
    resolved = when_or_fail(path, row.line, "Resolved", row.get("Resolved"))
    labels = tuple(label for cell in row.all("Labels") for label in cell.split())
    assignee = row.get("Assignee")
    return Record(
        source=NAME,
        source_id=key,
        title=row.get("Summary"),
        line=row.line,
        url=url_for(options.base_url, f"browse/{key}"),
        body=row.get("Description").replace("\r\n", "\n"),
        status=row.get("Status"),
        labels=labels,
        assignees=(assignee,) if assignee else (),
        milestone=row.get("Fix Version/s") or row.get("Fix versions") or None,
        priority=PRIORITIES.get(row.get("Priority").lower(), row.get("Priority") or None),
        created=when_or_fail(path, row.line, "Created", row.get("Created")),
        closed=resolved,
        due=when_or_fail(path, row.line, "Due date", row.get("Due date")),
        comments=tuple(_comment(cell) for cell in row.all("Comment")),
        parent=row.get("Parent") or row.get("Parent id") or None,
        aliases=(row.get("Issue id"),) if row.get("Issue id") else (),
    )


def _comment(cell: str) -> Comment:
    """``03/Dec/26 10:15 AM;557058:ab12;The text; it may hold semicolons``."""
    parts = cell.split(";", 2)
    if len(parts) == 3 and iso_when(parts[0]):
        return Comment(parts[1].strip() or "unknown", iso_when(parts[0]) or "", parts[2].strip())
    return Comment("unknown", "", cell.strip())
