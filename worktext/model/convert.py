"""Schema-driven reading of one file's front matter into typed values, with a diagnostic for
every key that is of the wrong type, unparseable or unknown."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from worktext.load.source import SourceFile
from worktext.model.diagnostics import Diagnostic
from worktext.model.schema import ID_PATTERN, Field
from worktext.model.suggest import closest
from worktext.model.values import ValueError_, parse_date, parse_duration

Path = tuple[str | int, ...]

# The name of a person without a person file ("Ana Silva", "@codex"): one line of text.
_PRINTABLE = r"[^\s\x00-\x1f\x7f-\x9f]"
GUEST_NAME = re.compile(rf"{_PRINTABLE}(?:[^\x00-\x1f\x7f-\x9f]{{0,98}}{_PRINTABLE})?\Z")


@dataclass(frozen=True)
class Units:
    """What the workspace's configuration says about values."""

    hours_per_day: float = 8.0
    days_per_week: float = 5.0
    priorities: tuple[str, ...] = ("low", "medium", "high", "urgent")


def describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of keys"
    return f"'{value}'"


EXPECTED = {
    "string": "text",
    "id": "an id",
    "ids": "an id or a list of ids",
    "strings": "text or a list of text",
    "date": "a date (YYYY-MM-DD)",
    "duration": "a duration such as 4h or 2d",
    "offset": "a duration such as 3d, or -7d before the start",
    "estimate": "a duration such as 4h or 2d, or a range such as 2d..5d",
    "enum": "one of the allowed values",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "record": "a set of keys",
    "records": "a list of entries",
    "map": "a set of keys",
    "mapping": "a set of keys",
    "mappings": "a list of sets of keys",
}


@dataclass
class Converter:
    source: SourceFile
    units: Units
    kind: str = ""  # the kind of item, for hints
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def report(
        self,
        path: Path,
        code: str,
        message: str,
        hint: str = "",
        severity: str = "error",
        at_key: bool = False,
    ) -> None:
        if not path:  # the file as a whole
            span = (1, 1, 1, 1)
        elif at_key:
            span = self.source.key_span(*path)
        else:
            span = self.source.value_span(*path)
        self.diagnostics.append(
            Diagnostic.at(self.source.path, span, severity, code, message, hint)
        )

    def record(
        self, fields: Mapping[str, Field], data: Mapping[str, Any], path: Path = ()
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Typed values of the known keys, and the unknown keys as they are."""
        values: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for key, raw in data.items():
            spec = fields.get(key)
            if spec is None:
                extra[key] = raw
                self.unknown_key((*path, key), key, fields)
                continue
            if raw is None:
                continue
            if spec.type == "string" and type(raw) is str:  # most keys: nothing to convert
                values[key] = raw
                continue
            value = self.value(spec, raw, (*path, key), key)
            if value is not None:
                values[key] = value
        for key, spec in _required(fields):
            if data.get(key) is None:
                self.report(
                    path,
                    "missing-field",
                    f"'{key}' is required here",
                    f"add '{key}:' ({spec.doc.rstrip('.')})",
                    at_key=True,
                )
        return values, extra

    def unknown_key(self, path: Path, key: str, fields: Mapping[str, Field]) -> None:
        close = closest(key, fields, cutoff=0.7)
        if close:
            hint = f"did you mean '{close}'?"
        elif len(path) == 1 and self.kind == "task":
            hint = "declare it under 'fields:' in worktext.yml if it is a custom key"
        else:
            hint = "known keys here: " + ", ".join(fields)
        self.report(
            path, "unknown-key", f"unknown key '{key}'", hint, severity="warning", at_key=True
        )

    def value(self, spec: Field, raw: Any, path: Path, name: str) -> Any:
        if raw is None:
            return None
        kind = spec.type
        if kind == "string" and type(raw) is str:  # the most common key of all, at once
            return raw
        reader = _READERS.get(kind)
        if reader is None:
            raise AssertionError(f"unknown field type {kind}")  # a bug in schema.py, not input
        return reader(self, spec, raw, path, name)

    def any(self, spec: Field, raw: Any, path: Path, name: str) -> Any:
        return raw

    def list_of(self, spec: Field, raw: Any, path: Path, name: str) -> tuple[str, ...] | None:
        """``ids`` and ``strings``: one value or a list of them."""
        if isinstance(raw, dict):
            self.wrong_type(spec, raw, path, name)
            return None
        if (
            isinstance(raw, list)
            and all(type(item) is str for item in raw)
            and (spec.type == "strings" or all(ID_PATTERN.match(item) for item in raw))
        ):
            return tuple(raw)  # nothing to report: what list_entries would give
        return self.list_entries(_item_field(spec), raw, path, name)

    def list_entries(self, one: Field, raw: Any, path: Path, name: str) -> tuple[str, ...]:
        """Each entry of ``raw`` (one value or a list) read as the field ``one``, leaving out
        the entries that are reported."""
        if not isinstance(raw, list):
            value = self.scalar(one, raw, path, name)
            return () if value is None else (value,)
        out = []
        for index, item in enumerate(raw):
            value = self.scalar(one, item, (*path, index), name)
            if value is not None:
                out.append(value)
        return tuple(out)

    def boolean(self, spec: Field, raw: Any, path: Path, name: str) -> bool | None:
        if isinstance(raw, bool):
            return raw
        self.wrong_type(spec, raw, path, name)
        return None

    def one_record(self, spec: Field, raw: Any, path: Path, name: str) -> dict[str, Any] | None:
        if not isinstance(raw, dict):
            self.wrong_type(spec, raw, path, name)
            return None
        values, _extra = self.record(spec.fields or {}, raw, path)
        return values

    def records(self, spec: Field, raw: Any, path: Path, name: str) -> list[dict] | None:
        if not isinstance(raw, list):
            self.wrong_type(spec, raw, path, name)
            return None
        out_records = []
        for index, item in enumerate(raw):
            if not isinstance(item, dict):
                self.wrong_type(Field("record", ""), item, (*path, index), f"{name} entry")
                continue
            values, _extra = self.record(spec.fields or {}, item, (*path, index))
            values["_path"] = (*path, index)
            out_records.append(values)
        return out_records

    def map(self, spec: Field, raw: Any, path: Path, name: str) -> dict[str, Any] | None:
        if not isinstance(raw, dict):
            self.wrong_type(spec, raw, path, name)
            return None
        out_map = {}
        for key, item in raw.items():
            value = self.value(spec.item, item, (*path, key), key) if spec.item else item
            if value is not None:
                out_map[key] = value
        return out_map

    def mappings(self, spec: Field, raw: Any, path: Path, name: str) -> list[Any] | None:
        """A list of sets of keys of the user's choosing (a custom key of type ``mappings``)."""
        if not isinstance(raw, list):
            self.wrong_type(spec, raw, path, name)
            return None
        for index, item in enumerate(raw):
            if not isinstance(item, dict):
                self.wrong_type(Field("record", ""), item, (*path, index), f"{name} entry")
                return None
        return raw

    def wrong_type(self, spec: Field, raw: Any, path: Path, name: str) -> None:
        expected = EXPECTED.get(spec.type, spec.type)
        self.report(
            path,
            "wrong-type",
            f"'{name}' must be {expected}, not {describe(raw)}",
            spec.doc,
        )
        return None

    def scalar(self, spec: Field, raw: Any, path: Path, name: str) -> str | None:
        """``string``, ``id`` and ``enum``: text, a valid id, or one of the allowed values."""
        text = raw if type(raw) is str else self.scalar_text(spec, raw, path, name)
        if text is None:
            return None
        if spec.type == "id" and not ID_PATTERN.match(text):
            if spec.ref == "person" and GUEST_NAME.match(text):
                return text  # someone without a person file: a guest, by name (rules.py)
            self.report(
                path,
                "invalid-id",
                f"'{text}' is not a valid id",
                "an id starts with a letter or digit and holds only letters, digits, "
                "'.', '_' and '-' (at most 100)",
            )
            return None
        if spec.type == "enum":
            return self.choice(spec, text, path, name)
        return text

    def scalar_text(self, spec: Field, raw: Any, path: Path, name: str) -> str | None:
        """A value that YAML did not read as text, as text: a whole number or a date is
        written as it reads; a boolean, a list or a set of keys is reported, and so is a
        decimal number (YAML may have dropped its trailing zeros)."""
        if isinstance(raw, bool | list | dict):
            self.wrong_type(spec, raw, path, name)
            return None
        if isinstance(raw, float):
            self.report(
                path,
                "wrong-type",
                f"'{name}' must be {EXPECTED[spec.type]}, not {describe(raw)}",
                f'quote it so it stays text: "{raw}"',
            )
            return None
        return str(raw)

    def choice(self, spec: Field, text: str, path: Path, name: str) -> str | None:
        """``text`` if it is one of the field's choices (for ``priority``, the configured
        priorities), else reported, with the closest choice as a hint."""
        choices = spec.choices or (self.units.priorities if name == "priority" else None)
        if not choices or text in choices:
            return text
        close = closest(text, choices)
        hint = f"did you mean '{close}'? " if close else ""
        self.report(
            path,
            "invalid-value",
            f"'{text}' is not a valid {name}",
            f"{hint}allowed: {', '.join(choices)}",
        )
        return None

    def date(self, raw: Any, path: Path, name: str) -> dt.date | None:
        if not isinstance(raw, str):
            self.wrong_type(Field("date", "Write it as YYYY-MM-DD."), raw, path, name)
            return None
        try:
            return parse_date(raw)
        except ValueError_ as exc:
            self.report(path, "invalid-date", f"'{name}': {exc}", "write it as YYYY-MM-DD")
            return None

    def duration(self, raw: Any, path: Path, name: str) -> float | None:
        if not isinstance(raw, str):
            hint = f"write it with a unit, such as {raw}h" if isinstance(raw, int) else ""
            self.report(
                path,
                "invalid-duration",
                f"'{name}' must be a duration such as 30m, 4h, 2d or 1w, not {describe(raw)}",
                hint or "write it like 30m, 4h, 2d or 1w",
            )
            return None
        try:
            return parse_duration(raw, self.units.hours_per_day, self.units.days_per_week)
        except ValueError_ as exc:
            self.report(path, "invalid-duration", f"'{name}': {exc}", "m, h, d and w are units")
            return None

    def offset(self, raw: Any, path: Path, name: str) -> float | None:
        """A duration that may be negative (``-7d``: before the start date)."""
        if isinstance(raw, str) and raw.strip().startswith("-"):
            hours = self.duration(raw.strip()[1:], path, name)
            return -hours if hours is not None else None
        return self.duration(raw, path, name)

    def estimate(
        self, raw: Any, path: Path, name: str
    ) -> float | tuple[float, float, float] | None:
        """A duration, or a three-point range: ``low..high`` (the likely value halfway) or
        ``low..likely..high``, as (low, likely, high) hours."""
        if not isinstance(raw, str) or ".." not in raw:
            return self.duration(raw, path, name)
        parts = [self.duration(part, path, name) for part in raw.split("..")]
        if len(parts) not in (2, 3) or any(p is None for p in parts):
            if len(parts) not in (2, 3):
                self.report(
                    path,
                    "invalid-duration",
                    f"'{name}': a range has two or three parts, such as 2d..5d or 2d..3d..5d",
                    "low..high, or low..likely..high",
                )
            return None
        hours = [p for p in parts if p is not None]
        if len(hours) == 2:
            hours.insert(1, (hours[0] + hours[1]) / 2)
        low, likely, high = hours
        if not low <= likely <= high:
            self.report(
                path,
                "invalid-duration",
                f"'{name}': the range must run from low to high, such as 2d..5d",
                "write the smallest value first",
            )
            return None
        return low, likely, high

    def number(self, spec: Field, raw: Any, path: Path, name: str) -> float | int | None:
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            self.wrong_type(spec, raw, path, name)
            return None
        if spec.type == "integer" and not isinstance(raw, int):
            self.wrong_type(spec, raw, path, name)
            return None
        if spec.minimum is not None and raw < spec.minimum:
            self.report(
                path,
                "invalid-value",
                f"'{name}' must be at least {spec.minimum}, not {raw}",
                f"use a number of {spec.minimum} or more, or remove the key",
            )
            return None
        return raw


_READERS = {
    "any": Converter.any,
    "string": Converter.scalar,
    "id": Converter.scalar,
    "enum": Converter.scalar,
    "ids": Converter.list_of,
    "strings": Converter.list_of,
    "date": lambda self, spec, raw, path, name: self.date(raw, path, name),
    "duration": lambda self, spec, raw, path, name: self.duration(raw, path, name),
    "offset": lambda self, spec, raw, path, name: self.offset(raw, path, name),
    "estimate": lambda self, spec, raw, path, name: self.estimate(raw, path, name),
    "integer": Converter.number,
    "number": Converter.number,
    "boolean": Converter.boolean,
    "record": Converter.one_record,
    "records": Converter.records,
    "map": Converter.map,
    "mapping": Converter.map,  # a custom key's set of keys: any keys, any values
    "mappings": Converter.mappings,
}


@functools.lru_cache(maxsize=64)
def _item_field(spec: Field) -> Field:
    """The field of one entry of an ``ids`` or ``strings`` list."""
    return Field("id" if spec.type == "ids" else "string", spec.doc, ref=spec.ref)


def _required(fields: Mapping[str, Field]) -> list[tuple[str, Field]]:
    return [(key, spec) for key, spec in fields.items() if spec.required]
