"""Planning edits of item files: the new bytes of each file, checked against the schema and
the workspace before anything is written. The commands in ``commands/edit.py`` and
``commands/new.py`` print and write what these functions plan."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from worktext.edit import atomic, engine
from worktext.errors import NotFound, Refused, WorktextError
from worktext.load.source import parse_bytes
from worktext.load.yamlpos import parse as parse_yaml
from worktext.load.yamlpos import resolve_plain
from worktext.model.build import build_file, mapped
from worktext.model.convert import Converter
from worktext.model.diagnostics import Diagnostic
from worktext.model.items import Item
from worktext.model.schema import ID_PATTERN, KIND_FIELDS, Field
from worktext.model.values import ValueError_, parse_date, parse_day
from worktext.model.workspace import Workspace


def relpath(root: Path, path: Path) -> str:
    return os.path.relpath(path, root).replace(os.sep, "/")


REF_REGISTRIES = {"person": "people", "project": "projects", "task": "tasks", "goal": "goals"}


# Which command lists the items of a kind, for the message when an id is not found.
LISTED_BY = {
    "task": "'worktext ls' lists them",
    "person": "'worktext people' lists them",
    "item": "'worktext ls' lists tasks and 'worktext people' people",
}


def find_item(ws: Workspace, item_id: str, kind: str | None = None) -> tuple[str, Item]:
    found = ws.find(item_id) if kind is None else None
    if kind is not None:
        item = dict(ws.registries())[kind].get(item_id)
        found = (kind, item) if item is not None else None
    if found is None or not found[1].path:
        what = kind or "item"
        raise NotFound(f"no {what} with id '{item_id}'; {LISTED_BY.get(what, LISTED_BY['item'])}")
    return found


def fields_of(ws: Workspace, kind: str) -> dict[str, Field]:
    fields = dict(KIND_FIELDS[kind])
    if kind == "task":
        fields.update(ws.config.custom_fields)
    return fields


def edit_item(
    ws: Workspace, kind: str, item: Item, ops: list[engine.Op], force: bool = False
) -> atomic.Change:
    """Apply ``ops`` to the item's file; refuse values the schema rejects."""
    path = ws.config.root / item.path
    before = atomic.read(path)
    if before.content is None:
        raise NotFound(f"{item.path} no longer exists")
    # The checks before this (workflow, references) looked at the item as it was loaded; the
    # item built again from the bytes on disk now must be the same one. (Comparing items, not
    # parsed files: a workspace served from the cache reads its files only on demand.)
    current, _ = build_file(kind, parse_bytes(before.content, item.path), ws.config)
    if current != item:
        raise atomic.WriteError(f"{item.path} changed on disk while worktext ran; run it again")
    if kind == "task" and not ws.config.mappings.empty:
        ops = in_file_terms(ws, before.content, item.path, ops)
    after = engine.apply(before.content, item.path, ops)
    check_values(ws, kind, item.path, after, {key for _op, key, _v in ops}, force)
    return atomic.Change(before, after)


def in_file_terms(ws: Workspace, raw: bytes, rel: str, ops: list[engine.Op]) -> list[engine.Op]:
    """``ops`` in the words of a file another tool writes (``mappings:``): a key under the
    name the file uses for it, a status in the file's own kind of spelling."""
    mappings = ws.config.mappings
    data = parse_bytes(raw, rel).data or {}
    names = {worktext: theirs for theirs, worktext in mappings.keys.items() if theirs in data}
    out: list[engine.Op] = []
    for op, key, value in ops:
        name = names.get(key, key)
        if key == "status" and op == "set" and isinstance(value, str):
            value = mappings.spelling(value, data.get(name))
        out.append((op, name, value))
    return out


def check_values(
    ws: Workspace,
    kind: str,
    relpath: str,
    raw: bytes,
    keys: set[str] | None,
    force: bool,
    pending: set[str] | None = None,
) -> None:
    """Schema errors (types, dates, durations, allowed values) in ``keys`` of the new file,
    and references to items that do not exist (unless ``force``), as one WorktextError."""
    source = parse_bytes(raw, relpath)
    if kind == "task" and not ws.config.mappings.empty and source.data is not None:
        renames = ws.config.mappings.keys
        source = mapped(source, ws.config)  # read as worktext reads it
        keys = {renames.get(key, key) for key in keys} if keys is not None else None
    data = source.data or {}
    keys = set(data) if keys is None else keys
    converter = Converter(source, ws.config.units)
    problems = _check_keys(ws, kind, data, keys, converter, force, pending or set(), relpath)
    problems += [d for d in converter.diagnostics if d.code == "unknown-key"]
    errors = [d for d in converter.diagnostics if d.severity == "error"]
    if errors or problems:
        raise _refusal(relpath, errors, problems)


def _refusal(relpath: str, errors: list[Diagnostic], problems: list[Diagnostic]) -> Refused:
    """One error for everything wrong with the new file; ``problems`` are what ``--force``
    would let through."""
    hint = ["(--force writes unknown keys and missing references)"] if problems else []
    lines = [_explained(d) for d in errors + problems]
    # Each is a reason the file was not written, whatever its severity in `worktext check`.
    reasons = [replace(d, severity="error") for d in errors + problems]
    return Refused(f"{relpath}: nothing was written:\n  " + "\n  ".join(lines + hint), reasons)


def _check_keys(
    ws: Workspace,
    kind: str,
    data: dict[str, Any],
    keys: set[str],
    converter: Converter,
    force: bool,
    pending: set[str],
    relpath: str,
) -> list[Diagnostic]:
    """Read each of ``keys`` that ``data`` holds with the converter, which collects what is
    wrong with it, and list the references to items that do not exist; with ``force``,
    neither unknown keys nor references are checked."""
    fields = fields_of(ws, kind)
    dangling: list[Diagnostic] = []
    for key in sorted(keys):
        if key not in data:
            continue
        spec = fields.get(key)
        if spec is None:
            if not force:
                converter.unknown_key((key,), key, fields)
            continue
        converter.value(spec, data[key], (key,), key)
        if not force and spec.ref in REF_REGISTRIES:
            dangling.extend(
                Diagnostic(relpath, 0, 0, "error", "dangling-reference", message)
                for message in _dangling(ws, spec.ref, key, data[key], pending)
            )
    return dangling


def _explained(diagnostic: Diagnostic) -> str:
    """The diagnostic's message, with its hint in brackets when it has one."""
    hint = f" ({diagnostic.hint})" if diagnostic.hint else ""
    return f"{diagnostic.message}{hint}"


def _dangling(ws: Workspace, ref: str, key: str, value: Any, pending: set[str]) -> Iterable[str]:
    registry = getattr(ws, REF_REGISTRIES[ref])
    values = value if isinstance(value, list) else [value]
    for one in values:
        if not isinstance(one, str) or one in registry or one in pending:
            continue
        if ref == "project" and one.lower() == ws.default_area.id.lower():
            continue
        yield f"'{key}': no {ref} with id '{one}'"


def coerce(spec: Field | None, key: str, text: str, old: Any, today: dt.date) -> Any:
    """A command-line value as YAML data for ``key``: lists split at commas (or written
    ``[a, b]``), numbers and booleans read as YAML, dates accept today/tomorrow."""
    if text == "":
        raise WorktextError(f"'{key}=' has no value; use 'worktext unset ID {key}' to remove it")
    if spec is None:
        return text
    kind = spec.type
    if kind in ("ids", "strings"):
        return _list_value(kind, text, old)
    if kind in ("integer", "number", "boolean"):
        return resolve_plain(text)
    if kind == "date":
        return date_text(text, today)
    if kind in ("record", "records", "map", "any"):
        return _yaml_value(key, text)
    return text


def _list_value(kind: str, text: str, old: Any) -> Any:
    """``a,b`` or ``[a, b]`` as a list; a single id stays one value unless the key held a
    list (``strings`` are always a list)."""
    items = _yaml_list(text) if text.startswith("[") else [t.strip() for t in text.split(",")]
    items = [item for item in items if item != ""]
    wants_list = len(items) != 1 or isinstance(old, list) or kind == "strings"
    return items if wants_list else items[0]


def _yaml_value(key: str, text: str) -> Any:
    parsed = parse_yaml(f"v: {text}")
    if not parsed.ok:
        raise WorktextError(f"'{key}={text}' is not a YAML value")
    return parsed.data["v"]


def _yaml_list(text: str) -> list[Any]:
    parsed = parse_yaml(f"v: {text}")
    if not parsed.ok or not isinstance(parsed.data["v"], list):
        raise WorktextError(f"'{text}' is not a list; write it as [a, b] or a,b")
    return parsed.data["v"]


def date_text(text: str, today: dt.date) -> str:
    """A date given on the command line as the text to write: words (``tomorrow``,
    ``today+7d``, ``friday``: ``values.parse_day``) become the ISO date; a date or datetime
    is kept as written."""
    try:
        parse_date(text)
        return text.strip()
    except ValueError_:
        pass  # not ISO: a word, or nothing worktext reads
    try:
        return parse_day(text, today).isoformat()
    except ValueError_ as exc:
        raise WorktextError(str(exc)) from None


def parse_pairs(pairs: Iterable[str]) -> list[tuple[str, str]]:
    out = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise WorktextError(f"'{pair}' is not key=value")
        out.append((key.strip(), value))
    return out


def create(
    ws: Workspace,
    kind: str,
    path: Path,
    data: dict[str, Any],
    body: str = "",
    force: bool = False,
    pending: Iterable[str] = (),
) -> atomic.Change:
    """A new file for ``data``; refused if the file exists or a value is invalid. ``pending``
    are ids created in the same run, which references may name."""
    before = atomic.read(path)
    rel = relpath(ws.config.root, path)
    if before.exists:
        raise WorktextError(f"{rel} already exists; nothing was written")
    raw = engine.render_document(data, body)
    check_values(ws, kind, rel, raw, None, force, set(pending))
    return atomic.Change(before, raw)


def fresh_id(ws: Workspace, kind: str, wanted: str) -> str:
    if not ID_PATTERN.match(wanted):
        raise WorktextError(
            f"'{wanted}' is not a valid id: it starts with a letter or digit and holds only "
            "letters, digits, '.', '_' and '-'"
        )
    registry = dict(ws.registries())[kind]
    if wanted in registry or (kind == "project" and wanted.lower() == ws.default_area.id):
        raise WorktextError(f"a {kind} with id '{wanted}' exists already")
    return wanted


def git_user_person(ws: Workspace) -> str | None:
    """The id of the person whose ``email`` is git's ``user.email`` here (ignoring case):
    who did the work when a command is not told (``log ID 2h`` without ``--who``)."""
    from worktext.edit.gitcommit import user_email

    email = user_email(ws.config.root)
    if email is None:
        return None
    wanted = email.casefold()
    return next((p.id for p in ws.people if p.email and p.email.casefold() == wanted), None)


def plan_links(
    ws: Workspace,
    project: Item | None,
    milestone: str | None,
    goals: list[str],
    repeat: str | None,
    today: dt.date,
) -> dict[str, Any]:
    """A new task's ``milestone``, ``goal`` and ``repeat`` keys (those given), checked: the
    milestone is one of its project's, the rule is one ``recur`` can follow. (Missing goals
    are refused with the other references, unless ``--force``.)"""
    from worktext.model.recurrence import RecurrenceError, parse_rule

    data: dict[str, Any] = {}
    if milestone:
        known = [m.id for m in getattr(project, "milestones", ())]
        if milestone not in known:
            where = f"project '{project.id}'" if project is not None else "the default area"
            listed = ", ".join(known) or "none"
            raise WorktextError(f"{where} has no milestone '{milestone}'; its milestones: {listed}")
        data["milestone"] = milestone
    if goals:
        data["goal"] = goals[0] if len(goals) == 1 else goals
    if repeat:
        try:
            parse_rule(repeat, today)
        except RecurrenceError as exc:
            raise WorktextError(str(exc)) from None
        data["repeat"] = repeat
    return data


def due_key(kind: str) -> str:
    """The key ``worktext due`` sets on an item of ``kind``: a project's is its deadline."""
    return "deadline" if kind == "project" else "due"
