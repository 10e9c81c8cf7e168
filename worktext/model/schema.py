"""What keys each kind of item has: one declaration that drives type checks, "did you mean"
hints for unknown keys, the JSON Schemas of ``worktext schema`` and the format reference."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from worktext.model.items import (
    GOAL_STATUSES,
    PROJECT_KINDS,
    PROJECT_STATUSES,
    STATE_CATEGORIES,
)

# An id starts with a letter or digit, of any script (a Kanbn board's task ids are the names of
# its files, in Cyrillic as often as not), and holds letters, digits, '.', '_' and '-'.
ID_PATTERN = re.compile(r"[^\W_][\w.-]{0,99}\Z")
ID_PATTERN_TEXT = "^[\\p{L}\\p{N}][\\p{L}\\p{N}._-]{0,99}$"
DURATION_PATTERN_TEXT = r"^\s*(\d+(\.\d+)?\s*[wdhm]\s*)+$"
OFFSET_PATTERN_TEXT = r"^\s*-?\s*(\d+(\.\d+)?\s*[wdhm]\s*)+$"
_ONE_DURATION = r"\s*(\d+(\.\d+)?\s*[wdhm]\s*)+"
ESTIMATE_PATTERN_TEXT = rf"^{_ONE_DURATION}(\.\.{_ONE_DURATION}){{0,2}}$"
DATE_PATTERN_TEXT = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$"


@dataclass(frozen=True)
class Field:
    """One key. ``type`` is one of: string, id, ids, strings, date, duration, enum, integer,
    number, boolean, record (a mapping with ``fields``), records (a list of them), map (keys
    of the user's choosing, each value an ``item``), any."""

    type: str
    doc: str
    ref: str | None = None  # the kind an id refers to
    choices: tuple[str, ...] | None = None
    fields: Mapping[str, Field] | None = None
    item: Field | None = None
    required: bool = False
    minimum: int | None = None


def _f(type_: str, doc: str, **kw: Any) -> Field:
    return Field(type_, doc, **kw)


# The keys ``worktext import`` writes to remember where a task came from.
SOURCE_KEYS = ("source", "source_id", "source_url")

TASK: dict[str, Field] = {
    "id": _f("id", "The task's id; defaults to the file name without `.md`."),
    "title": _f("string", "Short title; defaults to the body's first `# heading`, then the id."),
    "status": _f("string", "A state id of the task's workflow; defaults to its first state."),
    "project": _f("id", "The project or ongoing area the task belongs to.", ref="project"),
    "assignee": _f("ids", "A person id, or a list of them.", ref="person"),
    "priority": _f("enum", "One of the workspace's priorities (default low/medium/high/urgent)."),
    "labels": _f("strings", "A list of free-form labels."),
    "created": _f("date", "When the task was created (ISO date or datetime)."),
    "start": _f("date", "When work is planned to start."),
    "due": _f("date", "When the task is due."),
    "estimate": _f(
        "estimate",
        "Estimated effort, such as `30m`, `4h`, `2d`, `1w`; or a range for the schedule's risk "
        "simulation, `2d..5d` (low..high) or `2d..3d..5d` (low..likely..high).",
    ),
    "depends_on": _f("ids", "Task ids that must be done before this one.", ref="task"),
    "lag": _f(
        "duration",
        "Working time to wait after the tasks it depends on finish, such as `2d`.",
    ),
    "parent": _f("id", "The task this one is a sub-task of.", ref="task"),
    "milestone": _f("id", "A milestone id of the task's project.", ref="milestone"),
    "goal": _f("ids", "A goal id, or a list of them.", ref="goal"),
    "repeat": _f("string", "Recurrence: daily, weekly, monthly, yearly, or an RFC 5545 RRULE."),
    "repeat_on_day_off": _f(
        "enum",
        "`next`: an occurrence of the series that falls on a day off (a weekend, a holiday, its "
        "assignee's time away) is due the next working day instead; `keep` (default): as the "
        "rule says.",
        choices=("keep", "next"),
    ),
    "recurrence_of": _f(
        "id",
        "The recurring task this one is an occurrence of (written by `worktext recur`).",
        ref="task",
    ),
    "started": _f("date", "When work on it began (for flow metrics before git history)."),
    "completed": _f("date", "When it was finished (for flow metrics before git history)."),
    "previous_ids": _f("ids", "Ids the task had before: its history follows them."),
    "source": _f("string", "The tool the task was imported from (`worktext import`): `github`."),
    "source_id": _f("string", "The task's id in that tool; a re-import updates this file."),
    "source_url": _f("string", "The task's web address in that tool."),
    "log": _f(
        "records",
        "Time spent: a list of `{date, duration, who, note}` entries.",
        fields={
            "date": _f("date", "The day the time was spent.", required=True),
            "duration": _f("duration", "How long.", required=True),
            "who": _f("id", "Who spent it.", ref="person"),
            "note": _f("string", "What was done."),
        },
    ),
}

PROJECT: dict[str, Field] = {
    "id": _f("id", "The project's id; defaults to the file name."),
    "title": _f("string", "The project's name."),
    "kind": _f(
        "enum",
        "`project` (temporary, with a deadline) or `ongoing` (an operational area).",
        choices=PROJECT_KINDS,
    ),
    "status": _f(
        "enum",
        "proposed, active, paused, done or cancelled.",
        choices=PROJECT_STATUSES,
    ),
    "owner": _f("id", "The person accountable for it.", ref="person"),
    "start": _f("date", "When it starts."),
    "deadline": _f("date", "When it must be finished."),
    "workflow": _f("id", "The workflow its tasks follow.", ref="workflow"),
    "milestones": _f(
        "records",
        "A list of `{id, title, date}`.",
        fields={
            "id": _f("id", "Unique within the project.", required=True),
            "title": _f("string", "What is reached."),
            "date": _f("date", "When."),
        },
    ),
    "goal": _f("ids", "A goal id, or a list of them, that this project serves.", ref="goal"),
    "budget": _f("duration", "Total effort budget, such as `40d`."),
}

WORKFLOW: dict[str, Field] = {
    "id": _f("id", "The workflow's id; defaults to the file name."),
    "title": _f("string", "The workflow's name."),
    "states": _f(
        "records",
        "The states in board order.",
        required=True,
        fields={
            "id": _f("id", "The state id used in tasks' `status`.", required=True),
            "title": _f("string", "A display name."),
            "category": _f(
                "enum",
                "backlog, todo, active, blocked, done or cancelled.",
                choices=STATE_CATEGORIES,
                required=True,
            ),
            "wip": _f("integer", "Work-in-progress limit per board.", minimum=1),
            "requires": _f("strings", "Task keys that must be set in this state."),
        },
    ),
    "transitions": _f(
        "map",
        "Allowed moves: state → list of next states. A state not listed may move anywhere.",
        item=_f("ids", "Next states."),
    ),
}

TEMPLATE: dict[str, Field] = {
    "id": _f("id", "The template's id; defaults to the file name."),
    "title": _f("string", "The title of what it creates; may hold `{placeholders}`."),
    "owner": _f(
        "string", "The new project's owner: a person id or a `{placeholder}`.", ref="person"
    ),
    "deadline": _f(
        "duration",
        "The new project's deadline, in working days from the start date (such as `6w`); "
        "default: the last task's due date.",
    ),
    "params": _f(
        "records",
        "Parameters filled in when it is used.",
        fields={
            "name": _f("id", "The placeholder's name.", required=True),
            "required": _f("boolean", "Whether it must be given."),
            "default": _f("string", "The value when not given."),
        },
    ),
    "tasks": _f(
        "records",
        "The tasks it creates.",
        required=True,
        fields={
            "key": _f("id", "Used by `depends_on` within the template.", required=True),
            "title": _f("string", "The task title; may hold `{placeholders}`.", required=True),
            "assignee": _f("string", "A person id or a `{placeholder}`.", ref="person"),
            "offset": _f(
                "offset",
                "When it starts, in working days from the start date (such as `3d`); "
                "negative before it (`-7d`: a week of working days earlier).",
            ),
            "duration": _f("duration", "How long it runs, from start to due."),
            "estimate": _f("duration", "Estimated effort."),
            "depends_on": _f("ids", "Keys of tasks in this template."),
            "labels": _f("strings", "Labels."),
        },
    ),
}

PERSON: dict[str, Field] = {
    "id": _f("id", "The person's id (a handle); defaults to the file name."),
    "name": _f("string", "Full name."),
    "email": _f("string", "Email address."),
    "capacity": _f("duration", "Working time per week, such as `32h`; default from config."),
    "workdays": _f(
        "strings", "The weekdays they work, such as `[mon, tue, wed]`; default from config."
    ),
    "hours_per_day": _f(
        "number", "Hours they work on a working day; default the workspace's `hours_per_day`."
    ),
    "teams": _f("strings", "Teams they belong to."),
    "away": _f(
        "records",
        "Time off: a list of `{from, to, note}`.",
        fields={
            "from": _f("date", "First day away.", required=True),
            "to": _f("date", "Last day away.", required=True),
            "note": _f("string", "Why."),
        },
    ),
}

GOAL: dict[str, Field] = {
    "id": _f("id", "The goal's id; defaults to the file name."),
    "title": _f("string", "What is to be achieved."),
    "owner": _f("id", "Who is accountable.", ref="person"),
    "due": _f("date", "When it should be achieved."),
    "status": _f(
        "enum",
        "proposed, active, at-risk, achieved, missed or cancelled.",
        choices=GOAL_STATUSES,
    ),
    "parent": _f("id", "A broader goal this one contributes to.", ref="goal"),
}

KIND_FIELDS: dict[str, dict[str, Field]] = {
    "task": TASK,
    "project": PROJECT,
    "workflow": WORKFLOW,
    "template": TEMPLATE,
    "person": PERSON,
    "goal": GOAL,
}


def _positioned(fields: Mapping[str, Field]) -> frozenset[str]:
    """The keys the rules across files (``check``'s) report at: the id and status, a
    repeat, a workflow's states, and every key that refers to other items (itself or in
    its entries)."""
    return frozenset(
        {"id", "status", "repeat", "states"}
        | {
            name
            for name, spec in fields.items()
            if spec.ref is not None or any(sub.ref for sub in (spec.fields or {}).values())
        }
    )


# By kind: the keys whose positions a parse keeps (``KeptPositions``), so that a diagnostic of
# the rules across files is placed without reading the file again.
POSITIONED_KEYS: dict[str, frozenset[str]] = {
    kind: _positioned(fields) for kind, fields in KIND_FIELDS.items()
}

CUSTOM_FIELD_TYPES = (
    "string",
    "strings",
    "integer",
    "number",
    "boolean",
    "date",
    "duration",
    "enum",
    "id",
    "any",
    "mapping",
    "mappings",
)

CONFIG: dict[str, Field] = {
    "name": _f("string", "The workspace's name, shown on the site."),
    "folders": _f(
        "record",
        "Where each kind of item lives, relative to `worktext.yml`: a folder, or a list of them "
        "(new items go into the first).",
        fields={
            kind: _f("strings", f"Folder(s) of {kind} files (default `{folder}`).")
            for kind, folder in (
                ("tasks", "tasks"),
                ("projects", "projects"),
                ("workflows", "workflows"),
                ("templates", "templates"),
                ("people", "people"),
                ("goals", "goals"),
                ("comments", "comments"),
                ("docs", "docs"),
            )
        },
    ),
    "exclude": _f(
        "strings",
        "Paths never read as items, as globs relative to `worktext.yml` (`*` matches across "
        "folders): `backlog/docs/*`.",
    ),
    "mappings": _f(
        "record",
        "How files written by another tool are read, without rewriting them "
        "(`worktext adopt` writes these).",
        fields={
            "statuses": _f(
                "map",
                'Other spellings of states: `"In Progress": doing`.',
                item=_f("string", "The state id."),
            ),
            "ignore_case": _f("boolean", "Match statuses and priorities ignoring case."),
            "keys": _f(
                "map",
                "Other names of task keys: `created_date: created`.",
                item=_f("string", "The worktext key."),
            ),
            "handles": _f("boolean", "`@name` in assignee, owner and who is the person `name`."),
            "folder_states": _f(
                "map",
                "A folder whose tasks are in a state whatever their status says: "
                "`backlog/completed: done`.",
                item=_f("string", "The state id."),
            ),
            "status_source": _f(
                "record",
                "Statuses kept outside the task files.",
                fields={"kanbn": _f("string", "A Kanbn board index: `.kanbn/index.md`.")},
            ),
        },
    ),
    "default_workflow": _f("id", "The workflow of tasks whose project names none."),
    "default_area": _f(
        "record",
        "The ongoing area that tasks without a project belong to.",
        fields={
            "id": _f("id", "Its id (default `general`)."),
            "title": _f("string", "Its title (default `General`)."),
        },
    ),
    "priorities": _f("strings", "Priorities from lowest to highest."),
    "hours_per_day": _f("number", "Working hours in a day, for `d` in durations (default 8)."),
    "days_per_week": _f("number", "Working days in a week, for `w` (default 5)."),
    "capacity": _f("duration", "Default weekly capacity of a person (default `40h`)."),
    "workdays": _f(
        "strings",
        "The weekdays people work unless their file says otherwise, such as "
        "`[mon, tue, wed, thu, fri]` (default: the first `days_per_week` days).",
    ),
    "holidays": _f(
        "any",
        "Days nobody works: a list of dates or `{date, name}`, or the path of an ICS file of "
        "public holidays (needs `worktext[calendar]`).",
    ),
    "repo_url": _f("string", "Web address of the repository, for links to files."),
    "branch": _f("string", "The main branch, for links to files (default `main`)."),
    "ids": _f(
        "record",
        "How `worktext new` makes ids.",
        fields={
            "scheme": _f("enum", "sequential or random.", choices=("sequential", "random")),
            "prefix": _f("string", "Prefix of new task ids, such as `WEB`."),
        },
    ),
    "fields": _f(
        "map",
        "Custom task keys: name → `{type, values, doc}`.",
        item=_f(
            "record",
            "A custom key.",
            fields={
                "type": _f("enum", "The value's type.", choices=CUSTOM_FIELD_TYPES, required=True),
                "values": _f("strings", "Allowed values, for `enum`."),
                "doc": _f("string", "What it means."),
            },
        ),
    ),
    "rules": _f(
        "map",
        "Severity per rule code: error, warning or off.",
        item=_f("enum", "Severity.", choices=("error", "warning", "off")),
    ),
    "site": _f(
        "record",
        "Settings of the static site (see `worktext build`).",
        fields={
            "title": _f("string", "The site's name (default: the workspace's `name`)."),
            "edit_url": _f(
                "string",
                "The forge's editor for a file, with `{branch}` and `{path}` in it "
                "(default: GitHub's, or GitLab's on a GitLab host, from `repo_url`).",
            ),
            "board_done_days": _f(
                "number",
                "Done cards closed more than this many days ago are folded away on boards "
                "(default 14).",
            ),
            "baseline": _f(
                "string",
                "A revision (tag, branch or commit) whose schedule the timelines overlay, "
                "with each task's slip since then (see `worktext plan --baseline`).",
            ),
        },
    ),
}


def json_schema(kind: str, custom: Mapping[str, Field] | None = None) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one kind's front matter."""
    fields = dict(KIND_FIELDS[kind] if kind != "config" else CONFIG)
    if custom:
        fields.update(custom)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://worktext.dev/schema/{kind}.json",
        "title": f"worktext {kind}",
        **_object_schema(fields),
        "additionalProperties": True,
    }


def _object_schema(fields: Mapping[str, Field]) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {name: _field_schema(spec) for name, spec in fields.items()},
    }
    required = [name for name, spec in fields.items() if spec.required]
    if required:
        schema["required"] = required
    return schema


def _field_schema(spec: Field) -> dict[str, Any]:
    schema_of = _SCHEMA_OF.get(spec.type)
    out = schema_of(spec) if schema_of is not None else {}  # "any": no constraint
    out["description"] = spec.doc
    return out


def _id_schema() -> dict[str, Any]:
    return {"type": "string", "pattern": ID_PATTERN_TEXT}


def _enum_schema(spec: Field) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "string"}
    if spec.choices:
        out["enum"] = list(spec.choices)
    return out


def _integer_schema(spec: Field) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "integer"}
    if spec.minimum is not None:
        out["minimum"] = spec.minimum
    return out


def _map_schema(spec: Field) -> dict[str, Any]:
    item = _field_schema(spec.item) if spec.item else {}
    return {"type": "object", "additionalProperties": item}


# The JSON Schema of a field, by its type (a new dict each time: the caller adds to it).
_SCHEMA_OF: dict[str, Callable[[Field], dict[str, Any]]] = {
    "string": lambda spec: {"type": "string"},
    "id": lambda spec: _id_schema(),
    "ids": lambda spec: {"oneOf": [_id_schema(), {"type": "array", "items": _id_schema()}]},
    "strings": lambda spec: {
        "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
    },
    "date": lambda spec: {"type": "string", "pattern": DATE_PATTERN_TEXT},
    "duration": lambda spec: {"type": "string", "pattern": DURATION_PATTERN_TEXT},
    "offset": lambda spec: {"type": "string", "pattern": OFFSET_PATTERN_TEXT},
    "estimate": lambda spec: {"type": "string", "pattern": ESTIMATE_PATTERN_TEXT},
    "enum": _enum_schema,
    "integer": _integer_schema,
    "number": lambda spec: {"type": "number"},
    "boolean": lambda spec: {"type": "boolean"},
    "record": lambda spec: _object_schema(spec.fields or {}),
    "records": lambda spec: {"type": "array", "items": _object_schema(spec.fields or {})},
    "map": _map_schema,
    "mapping": lambda spec: {"type": "object"},
    "mappings": lambda spec: {"type": "array", "items": {"type": "object"}},
}
