"""From parsed files to model items, one builder per kind, with the checks that need only the
file itself (types, dates, durations, ids, ``due`` before ``start``)."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from worktext.load.source import SourceFile
from worktext.model.config import Config, parse_workdays
from worktext.model.convert import Converter
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
from worktext.model.mappings import Mappings
from worktext.model.schema import ID_PATTERN, KIND_FIELDS, SOURCE_KEYS, Field
from worktext.model.values import ValueError_, as_day


@dataclass
class Built:
    """Items of one kind, with the files they came from and the diagnostics of building them."""

    items: list[Item] = field(default_factory=list)
    sources: dict[str, SourceFile] = field(default_factory=dict)  # by item path
    diagnostics: list[Diagnostic] = field(default_factory=list)


def source_diagnostics(source: SourceFile) -> list[Diagnostic]:
    return [
        Diagnostic.at(source.path, p.span, p.severity, p.code, p.message, p.hint)
        for p in source.problems
    ]


def kind_fields(kind: str, config: Config) -> dict[str, Field]:
    fields = dict(KIND_FIELDS[kind])
    if kind == "task":
        fields.update(config.custom_fields)
    return fields


def build_file(
    kind: str, source: SourceFile, config: Config, fields: dict[str, Field] | None = None
) -> tuple[Item | None, list[Diagnostic]]:
    """The item of one parsed file (None when it has none), and every problem of the file."""
    item, diagnostics, _read = build_read(kind, source, config, fields)
    return item, diagnostics


def build_read(
    kind: str, source: SourceFile, config: Config, fields: dict[str, Field] | None = None
) -> tuple[Item | None, list[Diagnostic], SourceFile]:
    """``build_file``'s item and problems, and the file as they were read from it
    (``as_read``): the one whose key positions a caller keeps."""
    diagnostics = source_diagnostics(source)
    if source.data is None:
        return None, diagnostics, source
    source = as_read(kind, source, config)
    converter = Converter(source, config.units, kind)
    values, extra = converter.record(fields or kind_fields(kind, config), source.data or {})
    item_id = _item_id(source, values, converter)
    item = None
    if item_id is not None:
        item = BUILDERS[kind](item_id, source, values, extra, converter, config)
    return item, diagnostics + converter.diagnostics, source


def as_read(kind: str, source: SourceFile, config: Config) -> SourceFile:
    """A parsed file as worktext reads its keys: a task file under ``mappings:`` with its
    keys renamed (``mapped``), any other file as it is."""
    if kind == "task" and not config.mappings.empty and source.data is not None:
        return mapped(source, config)
    return source


def mapped(source: SourceFile, config: Config) -> SourceFile:
    """A task file as worktext reads it under ``mappings:``: other names of keys renamed (with
    their positions), handles and other spellings of priorities read as worktext's."""
    data = mapped_data(source.data or {}, config)
    renames = config.mappings.keys

    def moved(spans: dict[Any, Any]) -> dict[Any, Any]:
        return {
            (renames.get(path[0], path[0]), *path[1:]) if path else path: span
            for path, span in spans.items()
        }

    return dataclasses.replace(
        source, data=data, keys=moved(source.keys), values=moved(source.values)
    )


def mapped_data(data: dict[str, Any], config: Config) -> dict[str, Any]:
    """A task's front matter as ``mappings:`` reads it: other names of keys renamed, handles
    and other spellings of priorities read as worktext's (the status is ``task_status``'s)."""
    mappings = config.mappings
    out = mappings.front_matter(data)
    priority = out.get("priority")
    if mappings.ignore_case and isinstance(priority, str):
        folded = {p.casefold(): p for p in config.priorities}
        out["priority"] = folded.get(priority.casefold(), priority)
    return out


def task_status(rel: str, status: str | None, mappings: Mappings) -> str | None:
    """A task's state as the mappings read it: its folder's state, else its board column's
    (Kanbn), else its status's."""
    status = mappings.file_status(rel) or status
    return mappings.folder_state(rel) or (mappings.status(status) if status else status)


def build_kind(kind: str, sources: list[SourceFile], config: Config) -> Built:
    built = Built()
    fields = kind_fields(kind, config)
    for source in sources:
        item, diagnostics = build_file(kind, source, config, fields)
        if item is not None:
            built.items.append(item)
            built.sources[source.path] = source
        built.diagnostics.extend(diagnostics)
    return built


def _item_id(source: SourceFile, values: dict[str, Any], converter: Converter) -> str | None:
    if "id" in values:
        return values["id"]
    if source.data and source.data.get("id") is not None:
        return None  # an invalid id, already reported
    name = source.path[source.path.rfind("/") + 1 :]  # the path has forward slashes
    stem = name[:-3] if name.endswith(".md") and len(name) > 3 else os.path.splitext(name)[0]
    if ID_PATTERN.match(stem):
        return stem
    converter.report(
        (),
        "invalid-id",
        f"the file name '{stem}' is not a valid id and the file sets no 'id'",
        "rename the file (letters, digits, '.', '_', '-') or add an 'id:' key",
        at_key=True,
    )
    return None


def _title(source: SourceFile, values: dict[str, Any], item_id: str) -> str:
    return values.get("title") or source.heading or item_id


def _check_order(
    converter: Converter, values: dict[str, Any], first: str, later: str, code: str
) -> None:
    if first in values and later in values and as_day(values[later]) < as_day(values[first]):
        converter.report(
            (later,),
            code,
            f"'{later}' ({as_day(values[later])}) is before '{first}' ({as_day(values[first])})",
            f"move '{later}' to or after {as_day(values[first])}, or change '{first}'",
        )


def build_task(
    item_id: str,
    source: SourceFile,
    values: dict[str, Any],
    extra: dict[str, Any],
    converter: Converter,
    config: Config,
) -> Task:
    _check_order(converter, values, "start", "due", "due-before-start")
    custom = {name: values[name] for name in config.custom_fields if name in values}
    custom.update((name, values[name]) for name in SOURCE_KEYS if name in values)
    for key in ("lag", "repeat_on_day_off"):  # read by plan/ only: not attributes
        if key in values:
            custom[key] = values[key]
    estimate = values.get("estimate")
    if isinstance(estimate, tuple):  # a range: the likely value is the estimate
        custom["estimate_range"] = estimate
        estimate = estimate[1]
    log = tuple(
        TimeEntry(as_day(e["date"]), e["duration"], e.get("who"), e.get("note", ""))
        for e in values.get("log", ())
        if "date" in e and "duration" in e
    )
    return Task(
        id=item_id,
        path=source.path,
        title=_title(source, values, item_id),
        status=task_status(source.path, values.get("status"), config.mappings),
        project=values.get("project"),
        assignees=values.get("assignee", ()),
        priority=values.get("priority"),
        labels=values.get("labels", ()),
        created=values.get("created"),
        start=values.get("start"),
        due=values.get("due"),
        estimate=estimate,
        depends_on=values.get("depends_on", ()),
        parent=values.get("parent"),
        milestone=values.get("milestone"),
        goals=values.get("goal", ()),
        repeat=values.get("repeat"),
        recurrence_of=values.get("recurrence_of"),
        started=values.get("started"),
        completed=values.get("completed"),
        previous_ids=values.get("previous_ids", ()),
        log=log,
        checklist=Checklist(*source.checklist),
        extra={**extra, **custom},
        body=source.body,
    )


def build_project(
    item_id: str,
    source: SourceFile,
    values: dict[str, Any],
    extra: dict[str, Any],
    converter: Converter,
    config: Config,
) -> Project:
    _check_order(converter, values, "start", "deadline", "due-before-start")
    milestones = [
        Milestone(entry["id"], entry.get("title", entry["id"]), entry.get("date"))
        for entry in _unique(values.get("milestones", ()), "milestone", converter)
    ]
    kind = values.get("kind", "project")
    return Project(
        id=item_id,
        path=source.path,
        title=_title(source, values, item_id),
        kind=kind,
        status=values.get("status", "active"),
        owner=values.get("owner"),
        start=values.get("start"),
        deadline=values.get("deadline"),
        workflow=values.get("workflow"),
        milestones=tuple(milestones),
        goals=values.get("goal", ()),
        budget=values.get("budget"),
        extra=extra,
        body=source.body,
    )


def _unique(
    entries: Iterable[dict[str, Any]], what: str, converter: Converter
) -> list[dict[str, Any]]:
    """The entries with an id, the first of each id; a repeated id is reported."""
    seen: set[str] = set()
    out = []
    for entry in entries:
        if "id" not in entry:
            continue
        if entry["id"] in seen:
            converter.report(
                (*entry["_path"], "id"),
                "duplicate-id",
                f"{what} '{entry['id']}' is listed twice",
                f"give each {what} its own id",
            )
            continue
        seen.add(entry["id"])
        out.append(entry)
    return out


def build_workflow(
    item_id: str,
    source: SourceFile,
    values: dict[str, Any],
    extra: dict[str, Any],
    converter: Converter,
    config: Config,
) -> Workflow:
    complete = [e for e in values.get("states", ()) if "category" in e]
    states = [
        State(
            entry["id"],
            entry.get("title", entry["id"]),
            entry["category"],
            entry.get("wip"),
            entry.get("requires", ()),
        )
        for entry in _unique(complete, "state", converter)
    ]
    transitions = values.get("transitions")
    if transitions is not None:
        transitions = _known_transitions(transitions, {state.id for state in states}, converter)
    if not states and "states" in values:
        converter.report(("states",), "missing-field", "a workflow needs at least one state", "")
    return Workflow(
        id=item_id,
        path=source.path,
        title=_title(source, values, item_id),
        states=tuple(states) or BUILTIN_WORKFLOW.states,
        transitions=transitions,
        body=source.body,
    )


def _known_transitions(
    transitions: dict[str, tuple[str, ...]], states: set[str], converter: Converter
) -> dict[str, tuple[str, ...]]:
    """The transitions between known states; a transition from or to a state that the
    workflow does not have is reported and left out."""
    for src, targets in transitions.items():
        for index, dst in enumerate((src, *targets)):
            if dst not in states:
                path = ("transitions", src) if index == 0 else ("transitions", src, index - 1)
                converter.report(
                    path,
                    "unknown-state",
                    f"transition names '{dst}', which is not a state of this workflow",
                    "states: " + ", ".join(sorted(states)),
                    at_key=index == 0,
                )
    return {src: tuple(t for t in targets if t in states) for src, targets in transitions.items()}


def build_template(
    item_id: str,
    source: SourceFile,
    values: dict[str, Any],
    extra: dict[str, Any],
    converter: Converter,
    config: Config,
) -> Template:
    params = tuple(
        TemplateParam(p["name"], bool(p.get("required", False)), p.get("default"))
        for p in values.get("params", ())
        if "name" in p
    )
    hours_per_day = config.units.hours_per_day
    tasks = []
    keys = {entry.get("key") for entry in values.get("tasks", ())}
    for entry in values.get("tasks", ()):
        if "key" not in entry or "title" not in entry:
            continue
        _check_template_dependencies(entry, keys, converter)
        tasks.append(
            TemplateTask(
                key=entry["key"],
                title=entry["title"],
                assignee=entry.get("assignee"),
                offset=entry.get("offset", 0.0) / hours_per_day,
                duration=entry["duration"] / hours_per_day if "duration" in entry else None,
                estimate=entry.get("estimate"),
                depends_on=entry.get("depends_on", ()),
                labels=entry.get("labels", ()),
            )
        )
    return Template(
        id=item_id,
        path=source.path,
        title=_title(source, values, item_id),
        params=params,
        tasks=tuple(tasks),
        extra=extra,
        body=source.body,
        owner=values.get("owner"),
        deadline=values["deadline"] / hours_per_day if "deadline" in values else None,
    )


def _check_template_dependencies(
    entry: dict[str, Any], keys: set[str | None], converter: Converter
) -> None:
    """Report each ``depends_on`` of a template's task that is not a task key of it."""
    for index, dep in enumerate(entry.get("depends_on", ())):
        if dep not in keys:
            converter.report(
                (*entry["_path"], "depends_on", index),
                "dangling-reference",
                f"'{dep}' is not a task key of this template",
                "keys: " + ", ".join(sorted(k for k in keys if k)),
            )


def build_person(
    item_id: str,
    source: SourceFile,
    values: dict[str, Any],
    extra: dict[str, Any],
    converter: Converter,
    config: Config,
) -> Person:
    away = []
    for entry in values.get("away", ()):
        if "from" in entry and "to" in entry:
            start, end = as_day(entry["from"]), as_day(entry["to"])
            if end < start:
                converter.report(
                    (*entry["_path"], "to"),
                    "due-before-start",
                    f"time away ends ({end}) before it starts ({start})",
                    "swap 'from' and 'to'",
                )
                continue
            away.append(Away(start, end, entry.get("note", "")))
    return Person(
        id=item_id,
        path=source.path,
        name=values.get("name") or source.heading or item_id,
        email=values.get("email"),
        capacity=values.get("capacity", config.capacity),
        teams=values.get("teams", ()),
        away=tuple(away),
        extra=extra,
        body=source.body,
        workdays=_person_workdays(values, converter),
        hours_per_day=_person_hours(values, converter),
    )


def _person_workdays(values: dict[str, Any], converter: Converter) -> tuple[int, ...] | None:
    if not values.get("workdays"):
        return None
    try:
        return parse_workdays(tuple(values["workdays"]))
    except ValueError_ as error:
        converter.report(("workdays",), "invalid-value", str(error), "such as [mon, tue, wed]")
        return None


def _person_hours(values: dict[str, Any], converter: Converter) -> float | None:
    hours = values.get("hours_per_day")
    if hours is None:
        return None
    if not 0 < hours <= 24:
        converter.report(("hours_per_day",), "invalid-value", "'hours_per_day' is out of range", "")
        return None
    return float(hours)


def build_goal(
    item_id: str,
    source: SourceFile,
    values: dict[str, Any],
    extra: dict[str, Any],
    converter: Converter,
    config: Config,
) -> Goal:
    return Goal(
        id=item_id,
        path=source.path,
        title=_title(source, values, item_id),
        owner=values.get("owner"),
        due=values.get("due"),
        status=values.get("status", "active"),
        parent=values.get("parent"),
        extra=extra,
        body=source.body,
    )


BUILTIN_WORKFLOW = Workflow(
    id="default",
    path="",
    title="To do / Doing / Done",
    states=(
        State("todo", "To do", "todo"),
        State("doing", "Doing", "active"),
        State("done", "Done", "done"),
    ),
    builtin=True,
)

BUILDERS: dict[str, Callable[..., Item]] = {
    "task": build_task,
    "project": build_project,
    "workflow": build_workflow,
    "template": build_template,
    "person": build_person,
    "goal": build_goal,
}


def default_area(config: Config) -> Project:
    return Project(
        id=config.default_area_id,
        path="",
        title=config.default_area_title,
        kind="ongoing",
        status="active",
        synthetic=True,
    )
