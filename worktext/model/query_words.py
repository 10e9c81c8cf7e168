"""The words of the query language: its keys, their aliases and the values of the flag keys.
Apart from ``query.py`` so that a Tab's completion of ``status:`` or ``is:`` reads them without
importing the workspace."""

from __future__ import annotations

OPERATORS = (">=", "<=", ">", "<", "=")
SET_KEYS: tuple[str, ...] = ("id", "status", "category", "assignee", "project", "label")
SET_KEYS += ("milestone", "goal", "parent", "kind", "title", "repeat")
ORDERED_KEYS = ("priority", "due", "start", "created", "estimate")
FLAG_KEYS = ("is", "has", "no")
KEYS = (*SET_KEYS, *ORDERED_KEYS, *FLAG_KEYS, "sort")
IS_VALUES: tuple[str, ...] = ("open", "closed", "overdue", "blocked", "unassigned", "recurring")
IS_VALUES += ("backlog", "todo", "active", "done", "cancelled")
SORT_KEYS: tuple[str, ...] = ("id", "title", "status", "priority", "due", "start", "created")
SORT_KEYS += ("estimate",)
SORT_KEYS += ("project", "assignee")
HAS_KEYS: tuple[str, ...] = ("due", "start", "created", "estimate", "assignee", "labels")
HAS_KEYS += ("label", "milestone")
HAS_KEYS += ("goal", "parent", "depends_on", "priority", "project", "repeat", "log")
ALIASES = {"state": "status", "labels": "label", "assignees": "assignee", "text": None}
