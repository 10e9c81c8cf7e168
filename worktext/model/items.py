"""The workspace's items as frozen dataclasses.

Everything here is plain data: ids refer to other items, and the index (``index.py``) resolves
them. Durations are stored in hours, converted with the workspace's day and week lengths.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

DateValue = dt.date  # a date, or a datetime (a subclass of date)

STATE_CATEGORIES = ("backlog", "todo", "active", "blocked", "done", "cancelled")
CLOSED_CATEGORIES = frozenset({"done", "cancelled"})
PROJECT_KINDS = ("project", "ongoing")
PROJECT_STATUSES = ("proposed", "active", "paused", "done", "cancelled")
GOAL_STATUSES = ("proposed", "active", "at-risk", "achieved", "missed", "cancelled")


@dataclass(frozen=True, slots=True)
class Checklist:
    done: int = 0
    total: int = 0

    @property
    def ratio(self) -> float | None:
        return self.done / self.total if self.total else None


@dataclass(frozen=True, slots=True)
class TimeEntry:
    date: dt.date
    hours: float
    who: str | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class Task:
    id: str
    path: str
    title: str
    status: str | None = None
    project: str | None = None
    assignees: tuple[str, ...] = ()
    priority: str | None = None
    labels: tuple[str, ...] = ()
    created: DateValue | None = None
    start: DateValue | None = None
    due: DateValue | None = None
    estimate: float | None = None  # hours
    depends_on: tuple[str, ...] = ()
    parent: str | None = None
    milestone: str | None = None
    goals: tuple[str, ...] = ()
    repeat: str | None = None
    recurrence_of: str | None = None  # the series this task is an occurrence of
    started: DateValue | None = None  # when work on it began, as its file says
    completed: DateValue | None = None  # when it was finished, as its file says
    previous_ids: tuple[str, ...] = ()  # the ids it had before (history follows them)
    log: tuple[TimeEntry, ...] = ()
    checklist: Checklist = field(default_factory=Checklist)
    extra: Mapping[str, Any] = field(default_factory=dict)
    body: str = ""

    @property
    def spent(self) -> float:
        return sum(entry.hours for entry in self.log)


@dataclass(frozen=True, slots=True)
class Milestone:
    id: str
    title: str
    date: DateValue | None = None


@dataclass(frozen=True, slots=True)
class Project:
    id: str
    path: str
    title: str
    kind: str = "project"
    status: str = "active"
    owner: str | None = None
    start: DateValue | None = None
    deadline: DateValue | None = None
    workflow: str | None = None
    milestones: tuple[Milestone, ...] = ()
    goals: tuple[str, ...] = ()
    budget: float | None = None  # hours
    extra: Mapping[str, Any] = field(default_factory=dict)
    body: str = ""
    synthetic: bool = False  # the workspace's default area, not backed by a file

    @property
    def is_ongoing(self) -> bool:
        return self.kind == "ongoing"


@dataclass(frozen=True, slots=True)
class State:
    id: str
    title: str
    category: str
    wip: int | None = None
    requires: tuple[str, ...] = ()

    @property
    def is_closed(self) -> bool:
        return self.category in CLOSED_CATEGORIES


@dataclass(frozen=True, slots=True)
class Workflow:
    id: str
    path: str
    title: str
    states: tuple[State, ...]
    transitions: Mapping[str, tuple[str, ...]] | None = None  # None: any move is allowed
    body: str = ""
    builtin: bool = False

    def state(self, state_id: str | None, ignore_case: bool = False) -> State | None:
        for state in self.states:
            if state.id == state_id:
                return state
        if ignore_case and state_id is not None:
            folded = state_id.casefold()
            return next((s for s in self.states if s.id.casefold() == folded), None)
        return None

    @property
    def initial(self) -> State:
        return self.states[0]

    def allows(self, src: str, dst: str) -> bool:
        if self.transitions is None or src == dst:
            return True
        allowed = self.transitions.get(src)
        return allowed is None or dst in allowed


@dataclass(frozen=True, slots=True)
class TemplateParam:
    name: str
    required: bool = False
    default: str | None = None


@dataclass(frozen=True, slots=True)
class TemplateTask:
    key: str
    title: str
    assignee: str | None = None
    offset: float = 0.0  # days from the start date
    duration: float | None = None  # days
    estimate: float | None = None  # hours
    depends_on: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Template:
    id: str
    path: str
    title: str
    params: tuple[TemplateParam, ...] = ()
    tasks: tuple[TemplateTask, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)
    body: str = ""
    owner: str | None = None  # the new project's owner (may hold a placeholder)
    deadline: float | None = None  # the new project's deadline: working days from the start


@dataclass(frozen=True, slots=True)
class Away:
    start: dt.date
    end: dt.date
    note: str = ""


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    path: str
    name: str
    email: str | None = None
    capacity: float = 40.0  # hours per week
    teams: tuple[str, ...] = ()
    away: tuple[Away, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)
    body: str = ""
    workdays: tuple[int, ...] | None = None  # weekdays (0 = Monday); None: the workspace's
    hours_per_day: float | None = None  # None: the workspace's


@dataclass(frozen=True, slots=True)
class Goal:
    id: str
    path: str
    title: str
    owner: str | None = None
    due: DateValue | None = None
    status: str = "active"
    parent: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    body: str = ""


Item = Task | Project | Workflow | Template | Person | Goal
KINDS = ("task", "project", "workflow", "template", "person", "goal")
