"""What the language server answers, without the protocol: where in a file's front matter the
cursor is, what may be typed there, what an id is, and which parts of a file link elsewhere.

Everything here reads a resolved ``Workspace`` and plain text; ``lsp.py`` turns the answers
into LSP messages. Positions are 0-based lines and code-point columns.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from worktext.load.source import SourceFile
from worktext.load.yamlpos import Span
from worktext.model.build import kind_fields
from worktext.model.items import (
    GOAL_STATUSES,
    PROJECT_STATUSES,
    Goal,
    Item,
    Person,
    Project,
    Task,
    Workflow,
)
from worktext.model.schema import KIND_FIELDS, Field
from worktext.model.workspace import Workspace

# How many candidates one answer holds at most: the editor asks again as the user types.
MAX_CANDIDATES = 200

TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]+|$)(.*)$")
LIST_ENTRY = re.compile(r"^[ \t]*-(?:[ \t]+(.*)|$)")
KEY_START = re.compile(r"^[A-Za-z_][\w-]*$")
ID_CHARS = re.compile(r"[\w.-]+")
FENCE = re.compile(r"^---[ \t]*$")
CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*$")
MARKDOWN_LINK = re.compile(r"\[[^\]\n]*\]\(<?([^)\s>]+)>?(?:[ \t]+\"[^\"\n]*\")?\)")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
STATUS_CHOICES = {"project": PROJECT_STATUSES, "goal": GOAL_STATUSES}
REGISTRIES = {"task": "tasks", "project": "projects", "workflow": "workflows"}
REGISTRIES |= {"person": "people", "goal": "goals"}


@dataclass(frozen=True)
class Candidate:
    """One completion: the text to insert, a short detail, and its rank (lower first)."""

    label: str
    detail: str = ""
    rank: int = 1
    kind: str = "value"  # value, reference, state or key


@dataclass(frozen=True)
class Spot:
    """Where the cursor is: in the value of ``key`` (None: where a key is typed), with
    ``partial`` typed so far, starting at column ``start``."""

    key: str | None
    partial: str
    start: int


def front_matter_lines(lines: list[str]) -> tuple[int, int] | None:
    """The first and last line (0-based) of the front matter's YAML, or None."""
    if not lines or not FENCE.match(lines[0].lstrip("\ufeff").rstrip("\r\n")):
        return None
    for number in range(1, len(lines)):
        if CLOSING.match(lines[number].rstrip("\r\n")):
            return 1, number - 1
    return 1, len(lines) - 1  # unclosed: the user is typing it


def spot_at(lines: list[str], line: int, column: int) -> Spot | None:
    """What the cursor at (line, column) is on, when it is in the front matter."""
    block = front_matter_lines(lines)
    if block is None or not block[0] <= line <= block[1] or line >= len(lines):
        return None
    before = lines[line].rstrip("\r\n")[:column]
    top = TOP_KEY.match(before)
    if top is not None:
        key, value = top.group(1), top.group(2)
        return _in_value(key, value, column - len(value))
    entry = LIST_ENTRY.match(before)
    if entry is not None:
        key = _owning_key(lines, line, block[0])
        if key is None:
            return None
        value = entry.group(1) or ""
        return Spot(key, value.strip("'\""), column - len(value) + _quote(value))
    if KEY_START.match(before) or not before.strip():
        stripped = before.strip()
        return Spot(None, stripped, column - len(stripped))
    return None


def _quote(value: str) -> int:
    return 1 if value[:1] in ("'", '"') else 0


def _in_value(key: str, value: str, start: int) -> Spot:
    """A top-level key's value: in a flow list (``[a, b``) the last entry's text counts."""
    if value.startswith("["):
        cut = max(value.rfind(","), value.rfind("["))
        rest = value[cut + 1 :]
        stripped = rest.lstrip()
        offset = start + cut + 1 + len(rest) - len(stripped) + _quote(stripped)
        return Spot(key, stripped.strip("'\""), offset)
    return Spot(key, value.strip("'\""), start + _quote(value))


def _owning_key(lines: list[str], line: int, first: int) -> str | None:
    """The top-level key whose block list holds ``line``."""
    for number in range(line - 1, first - 1, -1):
        text = lines[number]
        if text[:1] not in (" ", "\t", "-", "#", "") and text.strip():
            found = TOP_KEY.match(text.rstrip("\r\n"))
            return found.group(1) if found and not found.group(2).strip() else None
    return None


# -- completion -------------------------------------------------------------------------------


def candidates(
    ws: Workspace, kind: str, item: Item | None, saved: Item | None, spot: Spot
) -> tuple[list[Candidate], bool]:
    """What may be typed at ``spot`` in a file of ``kind`` (``item``: the file as typed;
    ``saved``: as it is on disk), best first; and whether the list was cut short."""
    if spot.key is None:
        found = [Candidate(name, spec.doc, kind="key") for name, spec in _fields(ws, kind).items()]
        return _filtered(found, spot.partial)
    return _filtered(_values_for(ws, kind, item, saved, spot.key), spot.partial)


def _fields(ws: Workspace, kind: str) -> dict[str, Field]:
    return kind_fields(kind, ws.config) if kind in KIND_FIELDS else {}


def _filtered(found: Iterable[Candidate], partial: str) -> tuple[list[Candidate], bool]:
    """The candidates that start with ``partial``, then those that contain it (ignoring
    case), by rank; at most ``MAX_CANDIDATES``, and whether there were more. The search stops
    once more than that many start with it: the editor asks again as the user types."""
    folded = partial.casefold()
    starts: list[Candidate] = []
    inside: list[Candidate] = []
    for candidate in found:
        label = candidate.label.casefold()
        if label.startswith(folded):
            starts.append(candidate)
            if len(starts) > MAX_CANDIDATES:
                break
        elif folded in label:
            inside.append(dataclasses.replace(candidate, rank=candidate.rank + 10))
    chosen = sorted(starts + inside, key=lambda c: c.rank)  # stable: a source's order stays
    return chosen[:MAX_CANDIDATES], len(chosen) > MAX_CANDIDATES


def _values_for(
    ws: Workspace, kind: str, item: Item | None, saved: Item | None, key: str
) -> Iterator[Candidate]:
    if key == "status":
        if kind == "task":
            yield from _states(ws, item, saved)
        else:
            yield from (Candidate(s, kind="state") for s in STATUS_CHOICES.get(kind, ()))
        return
    if kind == "task" and key == "labels":
        counts = Counter(label for task in ws.tasks for label in task.labels)
        yield from (Candidate(label, f"{n} tasks") for label, n in counts.most_common())
        return
    if kind == "task" and key == "milestone":
        project = ws.project_of(item) if isinstance(item, Task) and item.id in ws.tasks else None
        projects = [project] if project is not None else list(ws.projects)
        for each in projects:
            for milestone in each.milestones:
                yield Candidate(milestone.id, f"{milestone.title} ({each.id})", kind="reference")
        return
    if kind == "task" and key == "priority":
        yield from (Candidate(p) for p in ws.config.priorities)
        return
    spec = _fields(ws, kind).get(key)
    if spec is None:
        return
    if spec.ref is not None:
        yield from _references(ws, spec.ref)
    choices = spec.choices
    if choices:
        yield from (Candidate(str(choice)) for choice in choices)


def _states(ws: Workspace, item: Item | None, saved: Item | None) -> Iterator[Candidate]:
    """The states of the task's workflow: those it may move to from its saved state first."""
    workflow = ws.default_workflow
    task = ws.tasks.get(item.id) if isinstance(item, Task) else None
    if task is not None:
        workflow = ws.workflow_of(task)
    current = saved.status if isinstance(saved, Task) else None
    if current is None and isinstance(item, Task):
        current = item.status
    for state in workflow.states:
        if current is None:
            yield Candidate(state.id, f"{state.title} ({state.category})", kind="state")
        elif state.id == current:
            yield Candidate(state.id, f"{state.title}: the current state", 2, "state")
        elif workflow.allows(current, state.id):
            yield Candidate(state.id, f"{state.title}: allowed from {current}", 0, "state")
        else:
            detail = f"{state.title}: not allowed from {current} in {workflow.id}"
            yield Candidate(state.id, detail, 1, "state")


def _references(ws: Workspace, ref: str) -> Iterator[Candidate]:
    if ref == "task":
        yield from (
            Candidate(t.id, f"{t.title} ({ws.status_of(t)})", kind="reference") for t in ws.tasks
        )
    elif ref == "person":
        yield from (Candidate(p.id, p.name, kind="reference") for p in ws.people)
    elif ref == "project":
        yield from (Candidate(p.id, p.title, kind="reference") for p in ws.all_projects())
    elif ref == "goal":
        yield from (Candidate(g.id, g.title, kind="reference") for g in ws.goals)
    elif ref == "workflow":
        workflows = list(ws.workflows) or [ws.default_workflow]
        yield from (Candidate(w.id, w.title, kind="reference") for w in workflows)


# -- ids: hover, definition, links ------------------------------------------------------------


def word_at(line_text: str, column: int) -> tuple[str, int, int] | None:
    """The id-like word under ``column`` and its start and end columns."""
    for match in ID_CHARS.finditer(line_text):
        if match.start() <= column <= match.end():
            return match.group(0), match.start(), match.end()
    return None


def describe(ws: Workspace, item_id: str) -> tuple[Item, str] | None:
    """The item an id names and a Markdown description of it (its title and state)."""
    found = ws.find(item_id)
    if found is None:
        return None
    kind, item = found
    if isinstance(item, Task):
        state = ws.state_of(item)
        status = f"{state.title} (`{state.id}`, {state.category})" if state else f"`{item.status}`"
        lines = [f"**{item.id}** · {item.title}", f"state: {status}"]
        project = ws.project_of(item)
        lines.append(f"project: {project.title} (`{project.id}`)")
        if item.assignees:
            lines.append("assignee: " + ", ".join(item.assignees))
        if item.due:
            lines.append(f"due: {item.due.isoformat()}")
    elif isinstance(item, Person):
        lines = [f"**{item.name}** (`{item.id}`) · person"]
    elif isinstance(item, Project | Goal):
        lines = [f"**{item.title}** (`{item.id}`) · {kind}", f"status: {item.status}"]
    elif isinstance(item, Workflow):
        states = ", ".join(s.id for s in item.states)
        lines = [f"**{item.title}** (`{item.id}`) · workflow", f"states: {states}"]
    else:
        lines = [f"**{item.title}** (`{item.id}`) · {kind}"]
    return item, "  \n".join(lines)


def reference_spans(ws: Workspace, kind: str, source: SourceFile) -> Iterator[tuple[Span, Item]]:
    """Each value in a file's front matter that names an existing item, with the value's span
    (1-based, as the YAML reader gives it) and the item."""
    fields = _fields(ws, kind)
    data = source.data or {}
    for path, span in source.values.items():
        if not path or not isinstance(path[0], str) or len(path) > 2 or span[0] != span[2]:
            continue
        ref = getattr(fields.get(path[0]), "ref", None)
        if ref is None or ref == "milestone":
            continue
        value = data.get(path[0])
        if len(path) == 2:
            if not isinstance(path[1], int) or not isinstance(value, list):
                continue
            value = value[path[1]] if path[1] < len(value) else None
        if not isinstance(value, str):
            continue
        name = REGISTRIES.get(ref)
        target: Item | None = getattr(ws, name).get(value) if name else None
        if target is not None and target.path:
            yield span, target


def body_links(lines: list[str], folder: str, root: str) -> Iterator[tuple[int, int, int, str]]:
    """Each relative Markdown link in the text to a file that exists: (line, start column, end
    column, absolute path); ``folder`` is the file's own folder, links leave no ``root``."""
    real_root = os.path.realpath(root)
    for number, text in enumerate(lines):
        for match in MARKDOWN_LINK.finditer(text):
            target = match.group(1)
            if SCHEME.match(target) or target.startswith(("#", "/")):
                continue
            path = target.split("#", 1)[0]
            if not path:
                continue
            absolute = os.path.realpath(os.path.join(folder, path))
            inside = absolute == real_root or absolute.startswith(real_root + os.sep)
            if inside and os.path.exists(absolute):
                yield number, match.start(1), match.end(1), absolute
