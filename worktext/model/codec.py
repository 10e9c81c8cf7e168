"""Built items and diagnostics as plain data that ``marshal`` can store, and back.

This lets an unchanged workspace be served from ``.worktext/`` without re-reading any file.
Only plain values are stored (no pickle: a cache file in a cloned repository must never be able
to run code); dates become ordinals and datetimes ISO strings, nested records become tuples.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import marshal
from collections.abc import Callable
from dataclasses import fields
from typing import Any, TypeVar

from worktext.model.diagnostics import Diagnostic
from worktext.model.items import (
    Away,
    Checklist,
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
    if isinstance(value, dt.date):
        return _encode_moment(value)
    if isinstance(value, tuple):
        return _encode_tuple(value)
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    return _encode_object(value)


def _encode_moment(value: dt.date) -> tuple[str, Any]:
    if isinstance(value, dt.datetime):
        return (_DATETIME, value.isoformat())
    return (_DATE, value.toordinal())


def _encode_tuple(value: tuple) -> Any:
    if value and isinstance(value[0], str) and value[0].startswith("\x00"):
        return (_TUPLE, [_encode(v) for v in value])  # user text that looks like a tag
    return tuple(_encode(v) for v in value)


def _encode_object(value: Any) -> tuple:
    """A record (``TimeEntry``, ``State``…) or a read-only mapping."""
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
        return _decode_tuple(value)
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        return {k: _decode(v) for k, v in value.items()}
    return value


def _decode_tuple(value: tuple) -> Any:
    if value and isinstance(value[0], str) and value[0].startswith("\x00"):
        decode_tagged = _DECODE_TAGGED.get(value[0])
        if decode_tagged is not None:
            return decode_tagged(value)
    return tuple(_decode(v) for v in value)


# How to read back each tagged tuple that ``_encode`` writes, by its tag.
_DECODE_TAGGED: dict[str, Callable[[tuple], Any]] = {
    _DATE: lambda value: dt.date.fromordinal(value[1]),
    _DATETIME: lambda value: dt.datetime.fromisoformat(value[1]),
    _RECORD: lambda value: RECORD_CLASSES[value[1]](*(_decode(v) for v in value[2])),
    _MAPPING: lambda value: {k: _decode(v) for k, v in value[1].items()},
    _TUPLE: lambda value: tuple(_decode(v) for v in value[1]),
}


def encode_item(kind: str, item: Item) -> tuple:
    if isinstance(item, Task):
        return _encode_task(item)
    return tuple(_encode(getattr(item, f.name)) for f in fields(item))


def row_digest(row: tuple) -> str:
    """A digest of an item's row, equal for equal rows in any process: version 2 of marshal
    writes neither back-references (whose use depends on reference counts) nor which strings
    are interned."""
    return hashlib.blake2b(marshal.dumps(row, 2), digest_size=12).hexdigest()


def decode_items(rows: dict[str, list[tuple]]) -> dict[str, list[Item]]:
    out: dict[str, list[Item]] = {}
    for kind, cls in ITEM_CLASSES.items():
        if kind == "task":
            out[kind] = [_decode_task(row) for row in rows.get(kind, ())]
        else:
            out[kind] = [cls(*(_decode(v) for v in row)) for row in rows.get(kind, ())]
    return out


# Tasks are the hot path (10,000 of them), so they have a codec of their own that decodes
# only what needs it: dates as ordinals, the time log and checklist as tuples, and the extra
# keys as they are unless they hold dates.
_TASK_FIELDS = tuple(f.name for f in fields(Task))
_DATES = tuple(
    _TASK_FIELDS.index(name) for name in ("created", "start", "due", "started", "completed")
)
_LOG, _CHECKLIST, _EXTRA = (_TASK_FIELDS.index(n) for n in ("log", "checklist", "extra"))


def _encode_date(value: dt.date | None) -> int | str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value.toordinal()


def _decode_date(value: int | str | None) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, int):
        return dt.date.fromordinal(value)
    return dt.datetime.fromisoformat(value)


def _encode_task(task: Task) -> tuple:
    values = [getattr(task, name) for name in _TASK_FIELDS]
    for index in _DATES:
        values[index] = _encode_date(values[index])
    values[_LOG] = tuple((e.date.toordinal(), e.hours, e.who, e.note) for e in task.log)
    values[_CHECKLIST] = (task.checklist.done, task.checklist.total)
    extra = dict(task.extra)
    encoded = _encode(extra)
    values[_EXTRA] = (True, extra) if encoded == extra else (False, encoded)
    return tuple(values)


# A frozen dataclass's __init__ sets each field through object.__setattr__: for 10,000 tasks
# that is most of a decode. Rows hold every field, checked when they were made, so a task (its
# log entries, its checklist) is made by setting its slots directly (none of these classes has
# a __post_init__; test_snapshot checks that decoded items equal the originals).
T = TypeVar("T")


def _maker(cls: type[T]) -> Callable[..., T]:
    """``cls(*values)`` for a frozen slotted dataclass without ``__post_init__``, made by
    setting its slots directly."""
    slots = tuple(getattr(cls, f.name).__set__ for f in fields(cls))  # type: ignore[arg-type]
    new = object.__new__

    def make(*values: Any) -> T:
        item = new(cls)
        for set_slot, value in zip(slots, values, strict=True):
            set_slot(item, value)
        return item

    return make


_new_task = _maker(Task)
_new_entry = _maker(TimeEntry)
_new_checklist = _maker(Checklist)


def _decode_task(row: tuple) -> Task:
    values = list(row)
    for index in _DATES:
        values[index] = _decode_date(values[index])
    if values[_LOG]:
        values[_LOG] = tuple(
            _new_entry(dt.date.fromordinal(day), hours, who, note)
            for day, hours, who, note in values[_LOG]
        )
    values[_CHECKLIST] = _new_checklist(*values[_CHECKLIST])
    plain, extra = values[_EXTRA]
    values[_EXTRA] = extra if plain else _decode(extra)
    return _new_task(*values)


def encode_diagnostics(diagnostics: list[Diagnostic]) -> list[tuple]:
    return [tuple(getattr(d, f.name) for f in fields(Diagnostic)) for d in diagnostics]


def decode_diagnostics(rows: list[tuple]) -> list[Diagnostic]:
    return [Diagnostic(*row) for row in rows]
