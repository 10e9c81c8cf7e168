"""What ``worktext adopt`` proposes for a folder another tool keeps: the settings and the
workflow that read its files as they are, and the text of the files that say so.

A tool's reader (``backlogmd.py``, ``kanbn.py``, ``plain.py``) fills in a ``Proposal`` from the
tool's own configuration; ``fields`` adds a custom key for every key of the task files that
worktext does not know, typed from the values found, so that ``check`` reports only real
problems. ``config_text`` and ``workflow_text`` write it as YAML, each value quoted when YAML
would read it otherwise (checked by reading the text back).
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from worktext.load import yamlpos
from worktext.load.source import read_file
from worktext.model.schema import ID_PATTERN, TASK
from worktext.model.values import ValueError_, parse_date

log = logging.getLogger(__name__)

# Where adopt puts worktext's own files (workflows, and the folders for people, projects,
# goals and templates), beside worktext.yml, so that they do not mix with the tool's.
OWN_FOLDER = "worktext"
OWN_KINDS = ("workflows", "people", "projects", "goals", "templates")


@dataclass(frozen=True)
class StateSpec:
    id: str
    title: str
    category: str


@dataclass
class Proposal:
    """Settings that read another tool's files in place."""

    tool: str  # "Backlog.md", "Kanbn", "Markdown files"
    source: str  # what the settings were taken from, e.g. "backlog/config.yml"
    name: str
    workflow_id: str
    states: list[StateSpec]
    task_folders: list[str]
    exclude: list[str] = field(default_factory=list)
    statuses: dict[str, str] = field(default_factory=dict)  # the tool's spelling → state id
    ignore_case: bool = False
    keys: dict[str, str] = field(default_factory=dict)  # the tool's key → worktext's
    handles: bool = False
    folder_states: dict[str, str] = field(default_factory=dict)
    kanbn: str | None = None
    fields: dict[str, str] = field(default_factory=dict)  # custom key → type
    documents: list[str] = field(default_factory=list)  # folders of documents
    notes: list[str] = field(default_factory=list)  # what else the summary says


# -- states ----------------------------------------------------------------------------------

_WORDS = {
    "done": ("done", "complete", "completed", "closed", "resolved", "finished", "shipped"),
    "cancelled": ("wontfix", "won't fix", "wont fix", "cancelled", "canceled", "rejected"),
    "blocked": ("blocked", "on hold", "waiting"),
    "active": ("in progress", "doing", "review", "in review", "started", "active", "testing"),
    "backlog": ("backlog", "icebox", "someday", "draft", "drafts", "ideas"),
}


def category_of(name: str) -> str | None:
    """The category a state's name says, if it says one ("In Progress" → active)."""
    folded = " ".join(re.sub(r"[-_]+", " ", name.casefold()).split())
    for category, words in _WORDS.items():
        if folded in words or folded.replace(" ", "") in words:
            return category
    return None


def state_id(name: str, taken: Iterable[str] = ()) -> str:
    """An id for a state named ``name`` ("To Do" → ``to-do``), in any script, unique among
    ``taken``."""
    base = re.sub(r"[\W_]+", "-", name.casefold()).strip("-")[:60].rstrip("-") or "state"
    if not ID_PATTERN.match(base):
        base = f"s-{base}"
    used = set(taken)
    candidate, number = base, 2
    while candidate in used:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def states_from_names(
    names: Iterable[str],
    started: Iterable[str] = (),
    completed: Iterable[str] = (),
) -> tuple[list[StateSpec], dict[str, str]]:
    """States for a tool's status names, in order, and the spellings that differ from their
    ids. The category comes from ``completed``/``started`` (Kanbn's columns), else the name;
    the first state is where work waits, and the last is done when no name says done."""
    names = list(dict.fromkeys(n for n in names if n.strip()))
    done, active = set(completed), set(started)
    states: list[StateSpec] = []
    for name in names:
        category = "done" if name in done else "active" if name in active else category_of(name)
        if category is None:
            category = "todo"
        states.append(StateSpec(state_id(name, (s.id for s in states)), name, category))
    if states and not any(s.category == "done" for s in states):
        last = states[-1]
        states[-1] = StateSpec(last.id, last.title, "done")
    spellings = {s.title: s.id for s in states if s.title != s.id}
    return states, spellings


def ensure_state(states: list[StateSpec], category: str, title: str) -> str:
    """The id of the first state of ``category``, adding one titled ``title`` if none is."""
    for state in states:
        if state.category == category:
            return state.id
    new = StateSpec(state_id(title, (s.id for s in states)), title, category)
    states.append(new)
    return new.id


# -- custom keys -----------------------------------------------------------------------------


def task_files(root: Path, folders: Iterable[str], exclude: Iterable[str]) -> list[str]:
    """The Markdown files under ``folders`` (workspace-relative), minus excluded folders."""
    skipped = tuple(e.rstrip("*").rstrip("/") + "/" for e in exclude)
    found = []
    for folder in folders:
        for current, dirs, files in os.walk(root / folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            rel_dir = Path(current).relative_to(root).as_posix()
            if (rel_dir + "/").startswith(skipped):
                dirs[:] = []
                continue
            found += [f"{rel_dir}/{name}" for name in sorted(files) if name.endswith(".md")]
    return [rel for rel in found if Path(rel).name.lower() not in ("readme.md", "index.md")]


def infer_fields(
    root: Path, rels: Iterable[str], keys: Mapping[str, str]
) -> tuple[dict[str, str], int]:
    """A custom key and its type for each key of the files that is not worktext's (after
    ``keys`` renames it), and how many files were read."""
    values: dict[str, list[Any]] = {}
    count = 0
    for rel in rels:
        source = read_file(str(root / rel), rel)
        if not isinstance(source.data, dict):
            continue
        count += 1
        for key, value in source.data.items():
            name = keys.get(key, key)
            if name not in TASK and value not in (None, ""):
                values.setdefault(name, []).append(value)
    return {name: _type_of(found) for name, found in sorted(values.items())}, count


def _type_of(values: list[Any]) -> str:
    """The narrowest custom key type every value fits."""
    if all(isinstance(v, bool) for v in values):
        return "boolean"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "integer"
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return "number"
    if all(isinstance(v, str) for v in values):
        return "date" if all(_is_date(v) for v in values) else "string"
    if all(isinstance(v, (list, str)) for v in values):
        items = [x for v in values for x in (v if isinstance(v, list) else [v])]
        if all(isinstance(x, str) for x in items):
            return "strings"
        if all(isinstance(x, dict) for x in items):
            return "mappings"
    if all(isinstance(v, dict) for v in values):
        return "mapping"
    return "any"


def _is_date(text: str) -> bool:
    try:
        parse_date(text)
    except ValueError_:
        return False
    return True


# -- the files -------------------------------------------------------------------------------


def config_text(p: Proposal) -> str:
    """worktext.yml for the proposal (without the stamp ``worktext adopt`` puts on top)."""
    lines = [
        "# worktext reads the tool's files as they are; edit this file freely.",
        f"name: {_scalar(p.name)}",
        f"default_workflow: {_scalar(p.workflow_id)}",
        "folders:",
        f"  tasks: {_flow(p.task_folders)}",
        *(f"  {kind}: [{OWN_FOLDER}/{kind}]" for kind in OWN_KINDS),
    ]
    if p.documents:
        lines.append(f"  docs: {_flow(p.documents)}")
    if p.exclude:
        lines.append(f"exclude: {_flow(p.exclude)}")
    lines.append("mappings:")
    if p.statuses:
        lines.append("  statuses:")
        lines += [f"    {_scalar(k)}: {_scalar(v)}" for k, v in p.statuses.items()]
    if p.ignore_case:
        lines.append("  ignore_case: true")
    if p.keys:
        lines.append("  keys:")
        lines += [f"    {_scalar(k)}: {_scalar(v)}" for k, v in p.keys.items()]
    if p.handles:
        lines.append("  handles: true")
    if p.folder_states:
        lines.append("  folder_states:")
        lines += [f"    {_scalar(k)}: {_scalar(v)}" for k, v in p.folder_states.items()]
    if p.kanbn:
        lines.append("  status_source:")
        lines.append(f"    kanbn: {_scalar(p.kanbn)}")
    if lines[-1] == "mappings:":
        lines.pop()
    if p.fields:
        lines.append("fields:")
        for name, kind in p.fields.items():
            lines.append(f"  {_scalar(name)}:")
            lines.append(f"    type: {kind}")
    return _checked("\n".join(lines) + "\n")


def workflow_text(p: Proposal) -> str:
    """The workflow file: the tool's statuses as states, each titled as the tool spells it."""
    lines = [
        "---",
        f"title: {_scalar(p.tool)}",
        "states:",
    ]
    for s in p.states:
        lines.append(
            f"  - {{id: {_scalar(s.id)}, title: {_scalar(s.title)}, category: {s.category}}}"
        )
    lines.append("---")
    text = "\n".join(lines) + "\n"
    _checked(text[4 : text.rindex("---\n")])
    return text + f"\nThe states of {p.tool}, as {p.source} lists them.\n"


_PLAIN = re.compile(r"[\w][\w ./-]*\Z")


def _scalar(text: str) -> str:
    """``text`` as a YAML scalar: plain when YAML reads it back as that text, else quoted."""
    plain = _PLAIN.match(text) and not text.endswith(" ")
    if plain and yamlpos.resolve_plain(text) == text and yamlpos.ambiguity(text) is None:
        return text
    return json.dumps(text, ensure_ascii=False)


def _flow(items: Iterable[str]) -> str:
    return "[" + ", ".join(_scalar(i) for i in items) + "]"


def _checked(text: str) -> str:
    """``text`` if it is valid YAML without problems (a bug here must not write a file)."""
    doc = yamlpos.parse(text)
    if not doc.ok or doc.problems:
        raise AssertionError(f"adopt wrote YAML it cannot read: {doc.problems}\n{text}")
    return text
