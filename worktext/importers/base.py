"""What every importer shares: the normalised record of one task in another tool, and readers
of JSON and CSV exports that say where a problem is (``file:line``) instead of raising a
traceback.

An importer is a module with ``NAME`` (the SOURCE of ``worktext import``), ``KEYS`` (the task
keys its export can carry: only those are ever changed on a re-import) and
``read(path, options) -> list[Record]``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from worktext.errors import WorktextError

MAX_EXPORT_BYTES = 256 * 1024 * 1024


class ImportProblem(WorktextError):
    """An export that cannot be read as it is: where, what, and what to do. Nothing was
    written."""

    def __init__(self, path: str | Path, line: int | None, message: str, hint: str = "") -> None:
        where = f"{path}:{line}" if line else str(path)
        text = f"{where}: {message}"
        if hint:
            text += f"\n  {hint}"
        super().__init__(text + "\n  nothing was written")
        self.path = str(path)
        self.line = line


@dataclass(frozen=True)
class Comment:
    author: str
    date: str  # ISO date or datetime, as ``iso_when`` writes it
    body: str


@dataclass(frozen=True)
class Record:
    """One task as another tool exports it, in worktext's words. ``status`` keeps the tool's
    spelling (the status aliases of worktext.yml map it to a state); ``closed_as`` is the
    category the tool itself gives the task when its states are fixed ("done" or
    "cancelled" for a closed GitHub issue, None for a tool whose statuses are free-form).
    ``line`` is where the record starts in the export, for messages."""

    source: str
    source_id: str
    title: str
    line: int = 0
    url: str | None = None
    body: str = ""
    status: str | None = None
    closed_as: str | None = None
    is_open: bool | None = None  # for tools with fixed states: open (True) or closed (False)
    labels: tuple[str, ...] = ()
    assignees: tuple[str, ...] = ()
    milestone: str | None = None
    priority: str | None = None
    created: str | None = None
    started: str | None = None
    closed: str | None = None
    due: str | None = None
    comments: tuple[Comment, ...] = ()
    # Other tasks, by the tool's ids of them (None: the export cannot say).
    parent: str | None = None
    depends_on: tuple[str, ...] | None = None
    aliases: tuple[str, ...] = ()  # other ids the tool refers to this task by
    comments_left_out: int = 0  # comments the export counts but does not hold


@dataclass(frozen=True)
class Options:
    """What the command line adds: ``--map column=field`` (csv) and ``--base-url``."""

    mapping: tuple[tuple[str, str], ...] = ()
    base_url: str | None = None


# -- reading files ---------------------------------------------------------------------------


def read_text(path: Path) -> str:
    """An export's text (UTF-8, a BOM allowed); ImportProblem when it cannot be read."""
    try:
        if path.stat().st_size > MAX_EXPORT_BYTES:
            raise ImportProblem(path, None, "the file is larger than 256 MB")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ImportProblem(path, None, "no such file", "check the path of the export") from None
    except IsADirectoryError:
        raise ImportProblem(path, None, "is a folder, not an export file") from None
    except OSError as error:
        raise ImportProblem(path, None, f"cannot read it: {error.strerror or error}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise ImportProblem(
            path, line, "the file is not UTF-8", "export it again as UTF-8 (the tools' default)"
        ) from None


def line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


@dataclass(frozen=True)
class JsonValue:
    value: Any
    line: int
    offset: int = 0  # where it starts in the text


def json_values(path: Path, text: str) -> list[JsonValue]:
    """Every top-level JSON value of ``text``, with the line it starts on: one document,
    several concatenated ones (``gh api --paginate``), or one per line (JSON lines)."""
    decoder = json.JSONDecoder()
    values: list[JsonValue] = []
    at = _skip_space(text, 0)
    while at < len(text):
        try:
            value, end = decoder.raw_decode(text, at)
        except json.JSONDecodeError as error:
            raise ImportProblem(
                path,
                error.lineno,
                f"not valid JSON (column {error.colno}: {error.msg})",
                "export the file again; an export cut short or edited by hand is not read",
            ) from None
        values.append(JsonValue(value, line_at(text, at), at))
        at = _skip_space(text, end)
        if at < len(text) and text[at] == ",":  # "{...},\n{...}" from some tools
            at = _skip_space(text, at + 1)
    if not values:
        raise ImportProblem(path, 1, "the file is empty", "export the data again")
    return values


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\r\n":
        at += 1
    return at


def json_objects(path: Path, text: str) -> list[JsonValue]:
    """The objects of an export that is a list of objects (or several lists, or one object a
    line), each with its line. The line of an element of a list is found by decoding the
    list element by element."""
    out: list[JsonValue] = []
    for top in json_values(path, text):
        if isinstance(top.value, dict):
            out.append(top)
        elif isinstance(top.value, list):
            out.extend(_elements(path, text, top))
        else:
            raise ImportProblem(path, top.line, "expected a list of objects, found a value")
    return out


def _elements(path: Path, text: str, top: JsonValue) -> Iterator[JsonValue]:
    """The elements of the list that starts on line ``top.line``, with their own lines; a
    list of lists (``--slurp``) is flattened."""
    decoder = json.JSONDecoder()
    at = top.offset + 1  # after the list's "["
    for element in top.value:
        at = _skip_space(text, at)
        _value, end = decoder.raw_decode(text, at)
        line = line_at(text, at)
        if isinstance(element, list):
            yield from _elements(path, text, JsonValue(element, line, at))
        elif isinstance(element, dict):
            yield JsonValue(element, line)
        else:
            raise ImportProblem(path, line, "expected an object in the list, found a value")
        at = _skip_space(text, end)
        if at < len(text) and text[at] == ",":
            at += 1


@dataclass(frozen=True)
class CsvRow:
    """One row of a CSV export: every cell of each column (a column name can repeat, as
    Jira's ``Labels`` and ``Comment`` do), and the line the row starts on."""

    cells: dict[str, list[str]]
    line: int

    def get(self, column: str) -> str:
        """The first non-empty cell of ``column``, stripped ("" when none)."""
        return next((c.strip() for c in self.cells.get(column, []) if c.strip()), "")

    def all(self, column: str) -> list[str]:
        return [c.strip() for c in self.cells.get(column, []) if c.strip()]


def csv_rows(path: Path, text: str, required: Iterable[str]) -> list[CsvRow]:
    """The rows of a CSV export with a header row. A missing required column, a row with
    more cells than the header, or broken quoting is an ImportProblem at its line."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportProblem(path, 1, "the file is empty", "export the data again") from None
    except csv.Error as error:
        raise ImportProblem(path, reader.line_num, f"not valid CSV: {error}") from None
    header = [name.strip() for name in header]
    missing = [name for name in required if name not in header]
    if missing:
        raise ImportProblem(
            path,
            1,
            f"the header has no column {', '.join(repr(m) for m in missing)}",
            f"its columns: {', '.join(header) or 'none'}. Export with these columns, or "
            "use 'worktext import csv' with --map COLUMN=FIELD.",
        )
    rows: list[CsvRow] = []
    start = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise ImportProblem(
                path, start, f"not valid CSV: {error}", "a quote is not closed, or stray"
            ) from None
        if len(cells) > len(header):
            raise ImportProblem(
                path,
                start,
                f"the row has {len(cells)} cells but the header names {len(header)} columns",
                "a value with a comma must be in double quotes",
            )
        if any(cell.strip() for cell in cells):
            by_column: dict[str, list[str]] = {}
            for name, cell in zip(header, cells, strict=False):
                by_column.setdefault(name, []).append(cell)
            rows.append(CsvRow(by_column, start))
        start = reader.line_num + 1
    return rows


# -- values ----------------------------------------------------------------------------------

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?\Z")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\Z")  # Taskwarrior
# Jira's default export format (dd/MMM/yy h:mm a), and other day-first and US forms.
_FORMATS = (
    "%d/%b/%y %I:%M %p",
    "%d/%b/%Y %I:%M %p",
    "%d/%b/%y %H:%M",
    "%d/%b/%y",
    "%Y/%m/%d %H:%M",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
)


def iso_when(text: str) -> str | None:
    """A date or time of an export as worktext writes it: ``2026-12-03`` or
    ``2026-12-03T10:15:00Z`` (UTC when the export says so, else as written); None when
    ``text`` is not a date in any form the supported tools write."""
    text = text.strip()
    if not text:
        return None
    compact = _COMPACT.match(text)
    if compact:
        year, month, day, hour, minute, second = compact.groups()
        return f"{year}-{month}-{day}T{hour}:{minute}:{second}Z"
    if _ISO.match(text):
        return _normal_iso(text)
    for form in _FORMATS:
        try:
            when = dt.datetime.strptime(text, form)
        except ValueError:
            continue  # not this format: the next one
        if "%H" in form or "%I" in form:
            return when.strftime("%Y-%m-%dT%H:%M")
        return when.date().isoformat()
    return None


def _normal_iso(text: str) -> str:
    """An ISO date or time without fractions of a second, in UTC as ``Z``."""
    if len(text) == 10:
        return text
    when = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T"))
    when = when.replace(microsecond=0)
    if when.tzinfo is None:
        return when.isoformat()
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def day_if_midnight(when: str | None) -> str | None:
    """``2026-12-11T00:00`` → ``2026-12-11``: a due day that tools store as a time."""
    if when and len(when) > 10 and when[10:].rstrip("Z") in ("T00:00", "T00:00:00"):
        return when[:10]
    return when


def when_or_fail(path: Path, line: int, what: str, text: str) -> str | None:
    """``iso_when(text)``, or an ImportProblem naming the value and where it is."""
    if not text.strip():
        return None
    found = iso_when(text)
    if found is None:
        raise ImportProblem(
            path,
            line,
            f"{what} '{text}' is not a date",
            "write dates as YYYY-MM-DD or YYYY-MM-DDTHH:MM (Jira: dd/MMM/yy h:mm a)",
        )
    return found


def split_list(text: str) -> tuple[str, ...]:
    """``a, b; c`` → (a, b, c): a list in one CSV cell."""
    return tuple(part.strip() for part in re.split(r"[,;]", text) if part.strip())


def text_of(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def need(path: Path, line: int, record: dict[str, Any], key: str, what: str) -> Any:
    """``record[key]``, or an ImportProblem saying which record lacks it."""
    value = record.get(key)
    if value is None or value == "":
        raise ImportProblem(
            path,
            line,
            f"{what} has no '{key}'",
            "export every field the documentation names (see 'worktext import --help')",
        )
    return value


def url_for(base: str | None, tail: str) -> str | None:
    return f"{base.rstrip('/')}/{tail}" if base else None
