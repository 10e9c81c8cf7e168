"""A tool's status spellings → states of a worktext workflow: the status aliases of
worktext.yml (``mappings: statuses:``) first, then a state whose id or title is the same
words ("In Progress" is the state titled "In progress"), then, for a tool whose states are
fixed (GitHub's open and closed, Taskwarrior's pending and completed), the workflow's first
state or its first done (or cancelled) state, with a note. What is left is one error that
lists each spelling and the lines of worktext.yml that place it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from worktext.errors import WorktextError
from worktext.importers.base import Record
from worktext.model.items import Workflow
from worktext.model.mappings import Mappings


def _words(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", text.casefold())


@dataclass
class Placing:
    """The states chosen, the notes about defaults, and what could not be placed
    (spelling → the lines of the export it is on)."""

    notes: list[str] = field(default_factory=list)
    unplaced: dict[str, list[str]] = field(default_factory=dict)
    # Records (by source id) whose state is only the default for "open" or "closed": a
    # re-import keeps the file's state while it is as open (or closed) as that.
    loose: set[str] = field(default_factory=set)
    _noted: set[tuple[str, str]] = field(default_factory=set)

    def state(self, record: Record, workflow: Workflow, mappings: Mappings, where: str) -> str:
        """The state id of ``record``'s status in ``workflow`` ("" when it cannot be placed;
        the spelling is then remembered for ``raise_unplaced``)."""
        spelling = record.status or ""
        if not spelling and record.is_open is None:
            self.loose.add(record.source_id)
            return workflow.initial.id  # an export without statuses: all new work
        found = placed(spelling, workflow, mappings)
        if found is not None:
            return found
        fallback = _default(record, workflow)
        if fallback is not None:
            self.loose.add(record.source_id)
            if (spelling, fallback) not in self._noted:
                self._noted.add((spelling, fallback))
                self.notes.append(
                    f"{record.source} status '{spelling}' is read as '{fallback}' (the "
                    f"{_which(record)} state of the workflow '{workflow.id}'); to choose "
                    f"another, add to worktext.yml: mappings: statuses: "
                    f"{{{_quoted(spelling)}: STATE}}"
                )
            return fallback
        self.unplaced.setdefault(spelling, []).append(where)
        return ""

    def raise_unplaced(self, source: str, workflow: Workflow) -> None:
        if not self.unplaced:
            return
        states = ", ".join(s.id for s in workflow.states)
        lines = [
            f"{len(self.unplaced)} status(es) of the {source} export are not states of the "
            f"workflow '{workflow.id}' ({states}):"
        ]
        for spelling, places in self.unplaced.items():
            count = f"{len(places)} task{'s' if len(places) != 1 else ''}"
            lines.append(f"  '{spelling}': {count}, first at {places[0]}")
        lines += [
            "Add each to worktext.yml with the state it means (check the suggestions), then "
            "import again:",
            "",
            "mappings:",
            "  statuses:",
        ]
        lines += [
            f"    {_quoted(spelling)}: {suggest(spelling, workflow)}" for spelling in self.unplaced
        ]
        lines += ["", "nothing was written"]
        raise WorktextError("\n".join(lines))


def placed(spelling: str, workflow: Workflow, mappings: Mappings) -> str | None:
    """The state ``spelling`` names in ``workflow``, by alias, id or title; None if none."""
    if not spelling:
        return None
    ids = {state.id for state in workflow.states}
    if spelling in ids:
        return spelling
    aliased = mappings.status(spelling)
    state = workflow.state(aliased, mappings.ignore_case)
    if state is not None:
        return state.id
    words = _words(spelling)
    for state in workflow.states:
        if words and words in (_words(state.id), _words(state.title)):
            return state.id
    return None


def _default(record: Record, workflow: Workflow) -> str | None:
    """For a tool with fixed states: open → the first state, closed → the first state of
    the category the tool gives (done or cancelled), else the first done state."""
    if record.is_open is None:
        return None
    if record.is_open:
        return workflow.initial.id
    for category in (record.closed_as or "done", "done"):
        state = next((s for s in workflow.states if s.category == category), None)
        if state is not None:
            return state.id
    return None


def _which(record: Record) -> str:
    return "first" if record.is_open else f"first {record.closed_as or 'done'}"


# Words that say which category a tool's status is in, for the suggested mapping.
_HINTS = (
    ("cancelled", ("cancel", "wontfix", "wontdo", "duplicate", "declin", "reject", "obsolete")),
    ("done", ("done", "closed", "resolved", "complete", "finished", "shipped", "released")),
    ("blocked", ("block", "wait", "hold")),
    ("active", ("progress", "doing", "review", "qa", "test", "started", "develop")),
    ("todo", ("todo", "ready", "selected", "next", "open", "new")),
    ("backlog", ("backlog", "triage", "icebox", "idea", "later")),
)


def suggest(spelling: str, workflow: Workflow) -> str:
    """The state the spelling most likely means: the first state of the category its words
    suggest, else the workflow's first state."""
    words = _words(spelling)
    for category, hints in _HINTS:
        if any(hint in words for hint in hints):
            state = next((s for s in workflow.states if s.category == category), None)
            if state is not None:
                return state.id
    return workflow.initial.id


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
