"""Built items and diagnostics as plain data that ``marshal`` can store, and back.

This lets an unchanged workspace be served from ``.worktext/`` without re-reading any file.
Only plain values are stored (no pickle: a cache file in a cloned repository must never be able
to run code); dates become ordinals and datetimes ISO strings, nested records become tuples.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from typing import Any

from .model import (
    Away,
    Checklist,
    Diagnostic,
    Goal,
    Item,
    Milestone,
    Person,
    Project,
    State,
    Task,
    Template,
    TemplateParam,
    TemplateTask,
    TimeEntry,
    Workflow,
)

ITEM_CLASSES: dict[str, type] = {
    "task": Task,
    "project": Project,
    "workflow": Workflow,
    "template": Template,
    "person": Person,
    "goal": Goal,
}
RECORD_CLASSES: dict[str, type] = {
    cls.__name__: cls
    for cls in (Away, Checklist, Milestone, State, TemplateParam, TemplateTask, TimeEntry)
}
_DATE, _DATETIME, _RECORD, _MAPPING, _TUPLE = "\x00d", "\x00t", "\x00r", "\x00m", "\x00u"


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dt.datetime):
        return (_DATETIME, value.isoformat())
    if isinstance(value, dt.date):
        return (_DATE, value.toordinal())
    if isinstance(value, tuple):
        if value and isinstance(value[0], str) and value[0].startswith("\x00"):
            return (_TUPLE, [_encode(v) for v in value])  # user text that looks like a tag
        return tuple(_encode(v) for v in value)
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if type(value).__name__ in RECORD_CLASSES:
        return (
            _RECORD,
            type(value).__name__,
            tuple(_encode(getattr(value, f.name)) for f in fields(value)),
        )
    if hasattr(value, "items"):  # a read-only mapping
        return (_MAPPING, {k: _encode(v) for k, v in value.items()})
    raise TypeError(f"cannot store {type(value).__name__}")


def _decode(value: Any) -> Any:
    if isinstance(value, tuple):
        if value and isinstance(value[0], str) and value[0].startswith("\x00"):
            tag = value[0]
            if tag == _DATE:
                return dt.date.fromordinal(value[1])
            if tag == _DATETIME:
                return dt.datetime.fromisoformat(value[1])
            if tag == _RECORD:
                return RECORD_CLASSES[value[1]](*(_decode(v) for v in value[2]))
            if tag == _MAPPING:
                return {k: _decode(v) for k, v in value[1].items()}
            if tag == _TUPLE:
                return tuple(_decode(v) for v in value[1])
        return tuple(_decode(v) for v in value)
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        return {k: _decode(v) for k, v in value.items()}
    return value


def encode_items(items: dict[str, list[Item]]) -> dict[str, list[tuple]]:
    return {
        kind: [tuple(_encode(getattr(item, f.name)) for f in fields(item)) for item in group]
        for kind, group in items.items()
    }


def decode_items(rows: dict[str, list[tuple]]) -> dict[str, list[Item]]:
    out: dict[str, list[Item]] = {}
    for kind, cls in ITEM_CLASSES.items():
        if kind == "task":
            out[kind] = [_decode_task(row) for row in rows.get(kind, ())]
        else:
            out[kind] = [cls(*(_decode(v) for v in row)) for row in rows.get(kind, ())]
    return out


_TASK_DATES = tuple(i for i, f in enumerate(fields(Task)) if f.name in ("created", "start", "due"))
_TASK_DECODED = tuple(
    i for i, f in enumerate(fields(Task)) if f.name in ("log", "checklist", "extra")
)


def _decode_task(row: tuple) -> Task:
    """The hot path for 10,000 tasks: only the fields that need it are decoded."""
    values = list(row)
    for index in _TASK_DATES:
        value = values[index]
        if value is not None:
            values[index] = _decode(value)
    for index in _TASK_DECODED:
        values[index] = _decode(values[index])
    return Task(*values)


def encode_diagnostics(diagnostics: list[Diagnostic]) -> list[tuple]:
    return [tuple(getattr(d, f.name) for f in fields(Diagnostic)) for d in diagnostics]


def decode_diagnostics(rows: list[tuple]) -> list[Diagnostic]:
    return [Diagnostic(*row) for row in rows]
