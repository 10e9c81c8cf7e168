"""``worktext.yml``: finding the workspace, reading its settings, filling in defaults."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fnmatch
import hashlib
import itertools
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

from worktext.errors import ConfigError, WorkspaceNotFound
from worktext.load import cache
from worktext.load.source import MAX_FILE_BYTES, SourceFile, SourceProblem
from worktext.load.yamlpos import YamlDoc, YamlProblem, parse
from worktext.model import kanbn, mappings
from worktext.model.convert import Converter, Units
from worktext.model.diagnostics import Diagnostic
from worktext.model.mappings import Mappings
from worktext.model.root import CONFIG_NAME
from worktext.model.schema import CONFIG, TASK, Field
from worktext.model.values import ValueError_, as_day, parse_date, parse_duration

DEFAULT_FOLDERS = {
    "task": "tasks",
    "project": "projects",
    "workflow": "workflows",
    "template": "templates",
    "person": "people",
    "goal": "goals",
}
FOLDER_KEYS = {
    "tasks": "task",
    "projects": "project",
    "workflows": "workflow",
    "templates": "template",
    "people": "person",
    "goals": "goal",
}
# Folders of what is not an item: comments (a folder per item) and documents.
DEFAULT_COMMENTS = "comments"
DEFAULT_DOCUMENTS = ("docs",)


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Holiday:
    """A day nobody in the workspace works (``holidays:`` in worktext.yml)."""

    date: dt.date
    name: str = ""


@dataclass(frozen=True)
class Config:
    root: Path
    name: str = "Workspace"
    # Each kind's folders, relative to the root; new items go into the first.
    folders: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: {kind: (folder,) for kind, folder in DEFAULT_FOLDERS.items()}
    )
    exclude: tuple[str, ...] = ()  # globs of paths never read as items
    comments_folder: str = DEFAULT_COMMENTS  # a folder per item, a file per comment
    document_folders: tuple[str, ...] = DEFAULT_DOCUMENTS
    mappings: Mappings = field(default_factory=Mappings)
    default_workflow: str | None = None
    default_area_id: str = "general"
    default_area_title: str = "General"
    units: Units = field(default_factory=Units)
    capacity: float = 40.0
    repo_url: str | None = None
    branch: str = "main"
    id_scheme: str = "sequential"
    id_prefix: str | None = None
    custom_fields: Mapping[str, Field] = field(default_factory=dict)
    rules: Mapping[str, str] = field(default_factory=dict)
    site: Mapping[str, Any] = field(default_factory=dict)
    # Weekdays (0 = Monday) a person works unless their file says otherwise.
    workdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    holidays: tuple[Holiday, ...] = ()  # days nobody works, in date order
    fingerprint: str = ""  # changes whenever the file does; part of cache keys

    @property
    def priorities(self) -> tuple[str, ...]:
        return self.units.priorities

    def folder(self, kind: str) -> Path:
        """The folder new items of ``kind`` go into."""
        return self.root / self.folders[kind][0]

    def item_folders(self, kind: str) -> list[Path]:
        """Every folder items of ``kind`` are read from."""
        return [self.root / folder for folder in self.folders[kind]]

    def excluded(self, rel: str) -> bool:
        """Whether a workspace-relative path is never read as an item (``exclude:``)."""
        return any(fnmatch.fnmatchcase(rel, pattern) for pattern in self.exclude)


def load_config(
    root: str | os.PathLike[str], use_cache: bool = True
) -> tuple[Config, list[Diagnostic]]:
    """The configuration and its diagnostics; raises ConfigError if it has errors.
    ``use_cache=False`` (``--no-cache``): the file is parsed, and nothing cached is read or
    written."""
    root = Path(root).resolve()
    raw = read_config_bytes(root)
    digest = hashlib.sha256(raw).hexdigest()
    fingerprint = digest[:16]
    if use_cache:
        source = _read_plain_yaml(raw, lambda text: _parse_cached(root, text, digest))
    else:
        source = _read_plain_yaml(raw, parse)
    diagnostics: list[Diagnostic] = []
    for p in source.problems:
        diagnostics.append(
            Diagnostic.at(CONFIG_NAME, p.span, p.severity, p.code, p.message, p.hint)
        )
    data = source.data or {}
    converter = Converter(source, Units())
    values, _extra = converter.record(CONFIG, data)
    config = _build(root, values, fingerprint, converter)
    if config.mappings.kanbn:
        config = _with_board(config, diagnostics)
    diagnostics.extend(converter.diagnostics)
    errors = [d for d in diagnostics if d.severity == "error"]
    if errors:
        raise ConfigError(
            f"{CONFIG_NAME} has {len(errors)} error(s); fix them first:\n"
            + "\n".join(f"  {d.path}:{d.line}:{d.column}: {d.message}" for d in errors),
            diagnostics,
        )
    return config, diagnostics


def _with_board(config: Config, diagnostics: list[Diagnostic]) -> Config:
    """The configuration with each task's Kanbn column read from the board index, and a
    fingerprint that changes with the index (built items depend on it)."""
    index = config.mappings.kanbn or ""
    try:
        raw = read_inside(config.root, index)
        board = kanbn.parse_index(raw.decode("utf-8-sig", "replace"), index)
    except ConfigError as error:
        diagnostics.append(
            Diagnostic(
                CONFIG_NAME,
                0,
                0,
                "warning",
                "status-source",
                f"the Kanbn board index cannot be read: {error}",
                "fix mappings.status_source.kanbn, or remove it; statuses come from the files",
            )
        )
        return config
    digest = hashlib.sha256(config.fingerprint.encode() + raw).hexdigest()[:16]
    columns = board.column_of()
    return dataclasses.replace(
        config,
        mappings=dataclasses.replace(config.mappings, board=columns),
        fingerprint=digest,
    )


def read_inside(root: Path, rel: str) -> bytes:
    """A workspace file's bytes under the rules every item file is read by (a regular file
    inside the workspace, at most ``MAX_FILE_BYTES``); ConfigError with the reason if not."""
    path = root / rel
    target = path.resolve()
    if root not in target.parents:
        raise ConfigError(f"{rel} is outside the workspace; it is not read")
    if not target.is_file():
        raise ConfigError(f"{rel} is not a file")
    try:
        with open(target, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise ConfigError(f"cannot read {rel}: {error.strerror or error}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ConfigError(f"{rel} is larger than {MAX_FILE_BYTES:,} bytes and is not read")
    return raw


def read_config_bytes(root: Path) -> bytes:
    """worktext.yml's bytes, under the rules every item file is read by: a regular file, of at
    most ``MAX_FILE_BYTES``, and a symbolic link only to a file inside the workspace."""
    path = root / CONFIG_NAME
    if not path.is_file():
        raise WorkspaceNotFound(f"{root} has no {CONFIG_NAME}; run 'worktext init {root}'")
    target = path.resolve()
    if root not in target.parents:
        raise ConfigError(
            f"{CONFIG_NAME} is a symbolic link to {target}, outside the workspace; "
            "it is not read (copy the settings into the workspace instead)"
        )
    try:
        with open(target, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise ConfigError(f"cannot read {CONFIG_NAME}: {error.strerror or error}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ConfigError(
            f"{CONFIG_NAME} is larger than {MAX_FILE_BYTES:,} bytes and is not read; "
            "settings fit in a few kilobytes"
        )
    return raw


def _read_plain_yaml(raw: bytes, parse: Callable[[str], YamlDoc]) -> SourceFile:
    """worktext.yml is plain YAML, not a Markdown file with front matter."""
    source = SourceFile(CONFIG_NAME)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        source.problems.append(
            SourceProblem("encoding", "not valid UTF-8", "save it as UTF-8", (1, 1, 1, 1))
        )
        return source
    parsed = parse(text)
    source.problems = list(parsed.problems)
    if parsed.ok and parsed.data is not None and not isinstance(parsed.data, dict):
        source.problems.append(
            SourceProblem(
                "config-not-mapping",
                f"{CONFIG_NAME} must be a set of 'key: value' settings",
                "see the configuration reference",
                (1, 1, 1, 1),
            )
        )
    elif parsed.ok:
        source.data = parsed.data or {}
    source.keys, source.values = parsed.keys, parsed.values
    return source


CONFIG_CACHE = "config"  # the cache entry of worktext.yml's parse


def _parse_cached(root: Path, text: str, digest: str) -> YamlDoc:
    """``yamlpos.parse`` of worktext.yml, kept in the cache under the file's digest: a command
    then reads its settings without importing PyYAML (~18 ms of a rebuild after one edit)."""
    store = cache.Cache(root)
    stored = store.get(CONFIG_CACHE, digest)
    if _is_stored_parse(stored):
        data, keys, values, problems, ok = stored
        return YamlDoc(data, keys, values, [YamlProblem(*p) for p in problems], bool(ok))
    parsed = parse(text, first_line=1)
    problems = [(p.code, p.message, p.hint, p.span, p.severity) for p in parsed.problems]
    value = (parsed.data, parsed.keys, parsed.values, problems, parsed.ok)
    store.put(CONFIG_CACHE, digest, value)
    return parsed


def _is_stored_parse(stored: Any) -> TypeGuard[tuple[Any, Any, Any, Any, Any]]:
    """Whether a cache entry has the shape ``_parse_cached`` stores."""
    return (
        isinstance(stored, tuple)
        and len(stored) == 5
        and isinstance(stored[1], dict)
        and isinstance(stored[2], dict)
        and isinstance(stored[3], list)
        and all(isinstance(p, tuple) and len(p) == 5 for p in stored[3])
    )


def _folders(
    root: Path, values: dict[str, Any], converter: Converter
) -> dict[str, tuple[str, ...]]:
    """Each kind's folders, as written (relative paths with forward slashes); one outside the
    workspace is reported."""
    folders: dict[str, tuple[str, ...]] = {k: (f,) for k, f in DEFAULT_FOLDERS.items()}
    for key, given in values.get("folders", {}).items():
        if given and key in FOLDER_KEYS:
            folders[FOLDER_KEYS[key]] = tuple(given)
    given = values.get("folders", {})
    others = {"comment": tuple(given.get("comments") or ()), "document": given.get("docs") or ()}
    for kind, names in [*folders.items(), *others.items()]:
        for folder in names:
            resolved = (root / folder).resolve()
            if resolved != root and root not in resolved.parents:
                converter.report(
                    ("folders",),
                    "config-folder",
                    f"the {kind} folder '{folder}' is outside the workspace",
                    "use a folder below worktext.yml",
                )
    return folders


def _units(values: dict[str, Any], converter: Converter) -> Units:
    for key in ("hours_per_day", "days_per_week"):
        if key in values and not 0 < values[key] <= (24 if key == "hours_per_day" else 7):
            converter.report((key,), "invalid-value", f"'{key}' is out of range", "")
    return Units(
        hours_per_day=float(values.get("hours_per_day", 8)),
        days_per_week=float(values.get("days_per_week", 5)),
        priorities=tuple(values.get("priorities") or Units().priorities),
    )


def _build(root: Path, values: dict[str, Any], fingerprint: str, converter: Converter) -> Config:
    folders = _folders(root, values, converter)
    units = _units(values, converter)
    capacity = 40.0
    raw_capacity = (converter.source.data or {}).get("capacity")
    if isinstance(raw_capacity, str):
        # Re-read with the workspace's own day length; a bad value was reported already.
        with contextlib.suppress(ValueError):
            capacity = parse_duration(raw_capacity, units.hours_per_day, units.days_per_week)
    area = values.get("default_area", {})
    ids = values.get("ids", {})
    return Config(
        root=root,
        name=values.get("name", root.name),
        folders=folders,
        default_workflow=values.get("default_workflow"),
        default_area_id=area.get("id", "general"),
        default_area_title=area.get("title", "General"),
        units=units,
        capacity=capacity,
        repo_url=values.get("repo_url"),
        branch=values.get("branch", "main"),
        id_scheme=ids.get("scheme", "sequential"),
        id_prefix=ids.get("prefix"),
        custom_fields=_custom_fields(values.get("fields", {}), converter),
        exclude=tuple(values.get("exclude", ())),
        comments_folder=(values.get("folders", {}).get("comments") or [DEFAULT_COMMENTS])[0],
        document_folders=tuple(values.get("folders", {}).get("docs") or DEFAULT_DOCUMENTS),
        mappings=mappings.from_settings(values.get("mappings", {})),
        rules=values.get("rules", {}),
        site=values.get("site") or {},
        workdays=_workdays(values, units, converter),
        holidays=_holidays(root, values.get("holidays"), converter),
        fingerprint=fingerprint,
    )


def parse_workdays(names: tuple[str, ...]) -> tuple[int, ...]:
    """Weekday names (``mon``, ``Tuesday``…) → weekday numbers (0 = Monday), sorted; raises
    ValueError_ naming the first that is not a weekday."""
    days = set()
    for name in names:
        text = name.strip().casefold()
        found = [
            n for n, full in enumerate(WEEKDAY_NAMES) if len(text) >= 2 and full.startswith(text)
        ]
        if len(found) != 1:
            raise ValueError_(f"'{name}' is not a weekday; write mon, tue, wed, thu, fri, sat, sun")
        days.add(found[0])
    return tuple(sorted(days))


def _workdays(values: dict[str, Any], units: Units, converter: Converter) -> tuple[int, ...]:
    """``workdays:``, or the first ``days_per_week`` days of the week (Monday to Friday)."""
    names = values.get("workdays")
    if names:
        try:
            return parse_workdays(tuple(names))
        except ValueError_ as error:
            converter.report(("workdays",), "invalid-value", str(error), "such as [mon, tue, wed]")
    return tuple(range(max(1, min(7, math.ceil(units.days_per_week)))))


def _holidays(root: Path, raw: Any, converter: Converter) -> tuple[Holiday, ...]:
    """``holidays:``: a list of dates or ``{date, name}``, or the path of an ICS file whose
    events are public holidays (read with the ``icalendar`` library)."""
    if raw is None:
        return ()
    if isinstance(raw, str):
        return tuple(sorted(_ics_holidays(root, raw, converter), key=lambda h: h.date))
    if not isinstance(raw, list):
        converter.report(
            ("holidays",),
            "wrong-type",
            "'holidays' must be a list of dates or the path of an ICS file",
            "such as [2026-12-25, {date: 2026-12-26, name: Boxing Day}] or holidays.ics",
        )
        return ()
    found: dict[dt.date, Holiday] = {}
    for index, entry in enumerate(raw):
        text, name = (
            (entry.get("date"), entry.get("name")) if isinstance(entry, dict) else (entry, "")
        )
        try:
            if not isinstance(text, str):
                raise ValueError_("a holiday is a date (YYYY-MM-DD) or {date, name}")
            day = as_day(parse_date(text))
        except ValueError_ as error:
            converter.report(("holidays", index), "invalid-date", str(error), "write YYYY-MM-DD")
            continue
        found.setdefault(day, Holiday(day, str(name or "")))
    return tuple(found[day] for day in sorted(found))


def _ics_holidays(root: Path, rel: str, converter: Converter) -> list[Holiday]:
    """Every day covered by an event of the ICS file ``rel`` (all-day events end the day
    before their DTEND, as RFC 5545 says)."""
    try:
        raw = read_inside(root, rel)
    except ConfigError as error:
        converter.report(
            ("holidays",),
            "holidays",
            str(error),
            "name an .ics file in the workspace",
            severity="warning",
        )
        return []
    try:
        import icalendar  # an optional extra: worktext[calendar]
    except ImportError:
        converter.report(
            ("holidays",),
            "holidays",
            "reading holidays from an ICS file needs the icalendar library",
            "pip install 'worktext[calendar]', or list the dates in worktext.yml",
            severity="warning",
        )
        return []
    try:
        calendar = icalendar.Calendar.from_ical(raw)
    except ValueError as error:
        converter.report(
            ("holidays",), "holidays", f"{rel} is not an ICS file: {error}", "", severity="warning"
        )
        return []
    out = []
    for event in calendar.walk("VEVENT"):
        start = event.decoded("DTSTART", None)
        if not isinstance(start, dt.date):
            continue
        first = as_day(start)
        end = event.decoded("DTEND", None)
        last = as_day(end) - dt.timedelta(days=1) if isinstance(end, dt.date) else first
        name = str(event.get("SUMMARY", ""))
        length = max(first, last) - first
        for begin in _event_starts(event, first, converter):
            day = begin
            while day <= begin + length:
                out.append(Holiday(day, name))
                day += dt.timedelta(days=1)
    return out


ICS_REPEATS = 60  # a yearly holiday's occurrences that are read: sixty years of them


def _event_starts(event: Any, first: dt.date, converter: Converter) -> list[dt.date]:
    """The first day of each occurrence of an ICS event: its own, or its RRULE's (at most
    ``ICS_REPEATS``), read with dateutil as the recurrence rules of tasks are."""
    rule = event.get("RRULE")
    if rule is None:
        return [first]
    from dateutil.rrule import rrulestr

    try:
        text = rule.to_ical().decode("ascii", "replace")
        moments = rrulestr(text, dtstart=dt.datetime.combine(first, dt.time()))
        return [moment.date() for moment in itertools.islice(moments, ICS_REPEATS)]
    except (ValueError, TypeError) as error:
        converter.report(
            ("holidays",),
            "holidays",
            f"a holiday's repeat rule cannot be read ({error}); its first date is used",
            "",
            severity="warning",
        )
        return [first]


def _custom_fields(
    declared: Mapping[str, dict[str, Any]], converter: Converter
) -> dict[str, Field]:
    fields = {}
    for name, spec in declared.items():
        if name in TASK:
            converter.report(
                ("fields", name),
                "config-field",
                f"custom key '{name}' has the name of a built-in task key",
                "choose another name; the built-in key keeps its meaning",
                at_key=True,
            )
            continue
        values = tuple(spec.get("values", ()))
        fields[name] = Field(
            spec.get("type", "string"),
            spec.get("doc", f"Custom key '{name}'."),
            choices=values or None,
        )
    return fields
