"""How files written by another tool are read as worktext items, without rewriting them: the
``mappings:`` of ``worktext.yml`` (``worktext adopt`` writes them from the tool's own config).

- ``statuses``: other spellings of states (Backlog.md's "In Progress" → ``doing``), optionally
  matched ignoring case (``ignore_case``, which applies to priorities too);
- ``keys``: other names of keys (``created_date`` → ``created``, ``dependencies`` →
  ``depends_on``; Kanbn's ``assigned`` → ``assignee``, ``tags`` → ``labels``);
- ``handles``: ``@name`` in ``assignee``, ``owner`` and a time log's ``who`` is the person
  ``name``;
- ``folder_states``: a folder whose tasks are in a state whatever their status says
  (``backlog/completed`` → ``done``, ``backlog/archive`` → ``cancelled``);
- ``status_source``: the statuses live outside the task files, in Kanbn's board index.

The same mappings read the current files and every version in git history, so boards, history,
stats and ``check --since`` agree without a file being rewritten.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# The keys whose values name people (a leading @ is dropped with ``handles``).
PEOPLE_KEYS = ("assignee", "owner")


@dataclass(frozen=True)
class Mappings:
    statuses: Mapping[str, str] = field(default_factory=dict)
    ignore_case: bool = False
    keys: Mapping[str, str] = field(default_factory=dict)
    handles: bool = False
    folder_states: Mapping[str, str] = field(default_factory=dict)
    kanbn: str | None = None  # the board index, relative to worktext.yml
    # Each task file's board column (workspace-relative path → column), read from ``kanbn``
    # when the configuration is loaded.
    board: Mapping[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.statuses or self.keys or self.handles or self.folder_states or self.kanbn)

    def status(self, raw: str) -> str:
        """The state id a status spells (itself when no mapping names it)."""
        found = self.statuses.get(raw)
        if found is None and self.ignore_case:
            found = _folded(self.statuses).get(raw.casefold())
        return found if found is not None else raw

    def spelling(self, state: str, current: object) -> str:
        """What to write into a file's status for ``state``: the file's own kind of spelling
        (a Backlog.md file keeps "In Progress"), else the state id."""
        if isinstance(current, str) and current in self.statuses:
            for spelling, target in self.statuses.items():
                if target == state:
                    return spelling
        return state

    def file_status(self, rel: str) -> str | None:
        """The status a source outside the file gives it (its board column), if any."""
        return self.board.get(rel) if self.kanbn else None

    def folder_state(self, rel: str) -> str | None:
        """The state a file's folder puts it in, when a folder mapping covers it (the longest
        folder that holds it wins)."""
        best = None
        for folder, state in self.folder_states.items():
            prefix = folder.rstrip("/") + "/"
            if rel.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
                best = (prefix, state)
        return best[1] if best else None

    def person(self, raw: Any) -> Any:
        """A person id as written, without the ``@`` of a handle."""
        if self.handles and isinstance(raw, str) and raw.startswith("@"):
            return raw[1:]
        return raw

    def front_matter(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """A task's front matter as worktext reads it: keys renamed, handles dropped."""
        out: dict[str, Any] = {}
        for key, value in data.items():
            if value == "":
                continue  # another tool's "nothing" (Kanbn writes assigned: "")
            name = self.keys.get(key, key)
            if name in out and name != key:
                continue  # the worktext key itself wins over another name of it
            out[name] = self._people(name, value) if self.handles else value
        return out

    def _people(self, key: str, value: Any) -> Any:
        if key in PEOPLE_KEYS:
            return (
                [self.person(v) for v in value] if isinstance(value, list) else self.person(value)
            )
        if key == "log" and isinstance(value, list):
            return [
                {**entry, "who": self.person(entry["who"])}
                if isinstance(entry, dict) and "who" in entry
                else entry
                for entry in value
            ]
        return value


def _folded(statuses: Mapping[str, str]) -> dict[str, str]:
    return {spelling.casefold(): state for spelling, state in statuses.items()}


def from_settings(values: Mapping[str, Any]) -> Mappings:
    """The mappings of ``worktext.yml``'s typed ``mappings:`` record."""
    source = values.get("status_source") or {}
    return Mappings(
        statuses={str(k): str(v) for k, v in (values.get("statuses") or {}).items()},
        ignore_case=bool(values.get("ignore_case", False)),
        keys={str(k): str(v) for k, v in (values.get("keys") or {}).items()},
        handles=bool(values.get("handles", False)),
        folder_states={
            str(k).strip("/"): str(v) for k, v in (values.get("folder_states") or {}).items()
        },
        kanbn=source.get("kanbn"),
    )
