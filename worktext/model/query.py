"""The query language of ``worktext ls``: GitHub-search-like terms over tasks.

    status:doing,review assignee:ana -label:ops priority:>=high due:<today+7d
    is:open is:overdue has:estimate no:assignee kind:ongoing "free text" sort:due -sort:priority

Terms are ANDed; comma-separated values are ORed; a leading ``-`` negates a term (or, before
``sort:``, sorts descending). Parsing is pure text → ``Query``; ``select`` runs it over a workspace.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from worktext.errors import QueryError
from worktext.model.items import PROJECT_KINDS, STATE_CATEGORIES, Task
from worktext.model.query_words import (
    ALIASES,
    HAS_KEYS,
    IS_VALUES,
    KEYS,
    OPERATORS,
    ORDERED_KEYS,
    SORT_KEYS,
)
from worktext.model.values import ValueError_, as_day, parse_day, parse_duration
from worktext.model.workspace import Workspace, id_key

_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_.-]*):")
_SAFE_WORD = re.compile(r"[^\s\",]+\Z")


@dataclass(frozen=True)
class Term:
    key: str | None  # None: free text
    values: tuple[str, ...]
    op: str = "="
    negated: bool = False


@dataclass(frozen=True)
class Sort:
    key: str
    descending: bool = False


@dataclass(frozen=True)
class Query:
    terms: tuple[Term, ...] = ()
    sorts: tuple[Sort, ...] = ()

    def __str__(self) -> str:
        parts = [_format_term(term) for term in self.terms]
        parts += [f"{'-' if s.descending else ''}sort:{s.key}" for s in self.sorts]
        return " ".join(parts)


def _quote(value: str, free_text: bool = False) -> str:
    # A dot at either end would run into a range's '..' (0. .. 0 reads back as 0...0).
    bare = (
        value
        and _SAFE_WORD.match(value)
        and not value.startswith(("-", "."))
        and not value.endswith(".")
        and ".." not in value
    )
    if bare and not (free_text and ":" in value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _format_term(term: Term) -> str:
    sign = "-" if term.negated else ""
    if term.key is None:
        return sign + _quote(term.values[0], free_text=True)
    op = "" if term.op == "=" else term.op
    if term.op == "..":
        return f"{sign}{term.key}:{_quote(term.values[0])}..{_quote(term.values[1])}"
    return f"{sign}{term.key}:{op}{','.join(_quote(v) for v in term.values)}"


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def skip_space(self) -> None:
        while not self.at_end() and self.text[self.pos].isspace():
            self.pos += 1

    def peek(self, token: str) -> bool:
        return self.text.startswith(token, self.pos)

    def value(self) -> str:
        """A quoted string or a bare run up to space, comma or '..'."""
        if self.peek('"'):
            start = self.pos
            self.pos += 1
            out = []
            while not self.at_end():
                char = self.text[self.pos]
                if char == "\\" and self.pos + 1 < len(self.text):
                    out.append(self.text[self.pos + 1])
                    self.pos += 2
                    continue
                if char == '"':
                    self.pos += 1
                    return "".join(out)
                out.append(char)
                self.pos += 1
            raise QueryError(f"unclosed quote starting at character {start + 1}", start)
        start = self.pos
        while not self.at_end() and not self.text[self.pos].isspace():
            if self.text[self.pos] in ',"' or self.peek(".."):
                break
            self.pos += 1
        return self.text[start : self.pos]


def parse(text: str, custom_keys: Iterable[str] = ()) -> Query:
    """Parse a query; raises QueryError (with the position) for text that is not a query."""
    custom_keys = tuple(custom_keys)
    known = set(KEYS) | set(custom_keys)
    scanner = _Scanner(text)
    terms: list[Term] = []
    sorts: list[Sort] = []
    while True:
        scanner.skip_space()
        if scanner.at_end():
            break
        part = _read_part(scanner, known, custom_keys)
        if isinstance(part, Sort):
            sorts.append(part)
        else:
            terms.append(part)
    return Query(tuple(terms), tuple(sorts))


def _read_part(scanner: _Scanner, known: set[str], custom_keys: tuple[str, ...]) -> Term | Sort:
    """The term or sort at the scanner's position (past any space): free text, ``sort:…``,
    or ``key:…`` with its operator and values; a leading ``-`` negates it."""
    text = scanner.text
    start = scanner.pos
    negated = scanner.peek("-") and scanner.pos + 1 < len(text)
    if negated:
        scanner.pos += 1
    word_start = scanner.pos
    match = _KEY.match(text, scanner.pos)
    if match is None or scanner.peek('"'):
        return _free_text(scanner, start, negated)
    key = _known_key(match.group(1), known, word_start)
    scanner.pos = match.end()
    if key == "sort":
        return _sort(scanner, custom_keys, negated)
    return _key_term(scanner, key, custom_keys, negated, word_start)


def _free_text(scanner: _Scanner, start: int, negated: bool) -> Term:
    value = scanner.value()
    if not value:
        raise QueryError(
            f"unexpected '{scanner.text[scanner.pos]}' at character {start + 1}", start
        )
    return Term(None, (value,), "=", negated)


def _known_key(word: str, known: set[str], position: int) -> str:
    """The key ``word`` names (an alias gives the key it stands for), if the query knows it."""
    key = ALIASES.get(word, word) or word
    if key not in known:
        close = difflib.get_close_matches(key, sorted(known), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise QueryError(f"unknown query key '{key}'{hint}", position)
    return key


def _sort(scanner: _Scanner, custom_keys: tuple[str, ...], descending: bool) -> Sort:
    value = scanner.value()
    if value not in SORT_KEYS and value not in custom_keys:
        raise QueryError(
            f"cannot sort by '{value}'; sort keys: {', '.join(SORT_KEYS)}", scanner.pos
        )
    return Sort(value, descending)


def _key_term(
    scanner: _Scanner, key: str, custom_keys: tuple[str, ...], negated: bool, word_start: int
) -> Term:
    """The operator and values after ``key:``, which must suit the key."""
    op, values = _operator_and_values(scanner)
    if any(v == "" for v in values):
        raise QueryError(f"'{key}:' needs a value", scanner.pos)
    if op != "=" and key not in ORDERED_KEYS and key not in custom_keys:
        raise QueryError(f"'{key}' cannot be compared with {op}", word_start)
    if op != "=" and len(values) > 1 and op != "..":
        raise QueryError(f"'{key}:{op}' takes one value", word_start)
    return Term(key, tuple(values), op, negated)


def _operator_and_values(scanner: _Scanner) -> tuple[str, list[str]]:
    """``>=v``, ``<v``…, a range ``a..b`` (the operator ``..``) or ``a,b,c`` (``=``)."""
    op = next((o for o in OPERATORS if scanner.peek(o)), "=")
    if op != "=" or scanner.peek("="):
        scanner.pos += len(op)
    values = [scanner.value()]
    if op == "=" and scanner.peek(".."):
        scanner.pos += 2
        values.append(scanner.value())
        return "..", values
    while scanner.peek(","):
        scanner.pos += 1
        values.append(scanner.value())
    return op, values


# -- evaluation ---------------------------------------------------------------------------------

Predicate = Callable[[Task], bool]


def resolve_date(text: str, today: dt.date) -> dt.date:
    """A query's date: the same words as ``set due=`` (``values.parse_day``)."""
    try:
        return parse_day(text, today)
    except ValueError_ as exc:
        raise QueryError(str(exc)) from None


def _compare(op: str, left: Any, right: tuple[Any, ...]) -> bool:
    if left is None:
        return False
    if op == "..":
        return right[0] <= left <= right[1]
    value = right[0]
    if op == ">=":
        return left >= value
    if op == "<=":
        return left <= value
    if op == ">":
        return left > value
    if op == "<":
        return left < value
    return left in right


def _ordered(ws: Workspace, key: str, task: Task) -> Any:
    if key == "priority":
        rank = ws.priority_rank(task)
        return None if rank < 0 else rank
    if key == "estimate":
        return task.estimate
    value = getattr(task, key)
    return as_day(value) if value is not None else None


def _ordered_values(ws: Workspace, key: str, values: tuple[str, ...]) -> tuple[Any, ...]:
    out: list[Any] = []
    for value in values:
        if key == "priority":
            if value not in ws.config.priorities:
                raise QueryError(
                    f"'{value}' is not a priority; priorities: {', '.join(ws.config.priorities)}"
                )
            out.append(ws.config.priorities.index(value))
        elif key == "estimate":
            try:
                units = ws.config.units
                out.append(parse_duration(value, units.hours_per_day, units.days_per_week))
            except ValueError_ as exc:
                raise QueryError(str(exc)) from None
        else:
            out.append(resolve_date(value, ws.today))
    return tuple(out)


# What a ``key:value`` term matches against, for the keys that are not a custom key.
_SET_VALUES: dict[str, Callable[[Workspace, Task], Iterable[str]]] = {
    "id": lambda ws, task: (task.id,),
    "status": lambda ws, task: (ws.status_of(task),),
    "category": lambda ws, task: (ws.category(task),),
    "assignee": lambda ws, task: task.assignees,
    "project": lambda ws, task: (ws.project_of(task).id,),
    "label": lambda ws, task: task.labels,
    "goal": lambda ws, task: task.goals,
    "kind": lambda ws, task: (ws.project_of(task).kind,),
}
_OPTIONAL_TEXT_KEYS = ("milestone", "parent", "repeat", "title")


def _set_values(key: str) -> Callable[[Workspace, Task], Iterable[str]]:
    """How to read the values that a ``key:value`` term matches against from a task."""
    values_of = _SET_VALUES.get(key)
    if values_of is not None:
        return values_of
    if key in _OPTIONAL_TEXT_KEYS:
        return lambda ws, task: _optional_text(getattr(task, key))
    return lambda ws, task: _custom_values(task.extra.get(key))


def _optional_text(value: str | None) -> tuple[str, ...]:
    return (value,) if value else ()


def _custom_values(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return (str(value),) if value is not None else ()


def _is(ws: Workspace, flag: str, task: Task) -> bool:
    if flag == "open":
        return ws.is_open(task)
    if flag == "closed":
        return not ws.is_open(task)
    if flag == "overdue":
        return ws.is_overdue(task)
    if flag == "blocked":
        return ws.is_blocked(task)
    if flag == "unassigned":
        return not task.assignees
    if flag == "recurring":
        return bool(task.repeat)
    return ws.category(task) == flag


def _has(ws: Workspace, key: str, task: Task) -> bool:
    attribute = {"assignee": "assignees", "label": "labels", "goal": "goals"}.get(key, key)
    if hasattr(task, attribute):
        return bool(getattr(task, attribute))
    return task.extra.get(key) is not None


def _term_predicate(ws: Workspace, term: Term) -> Predicate:
    key, values = term.key, term.values
    if key is None:
        return _text_predicate(values[0])
    if key == "is":
        return _is_predicate(ws, values)
    if key in ("has", "no"):
        return _has_predicate(ws, key, values)
    if key in ORDERED_KEYS:
        return _ordered_predicate(ws, key, term.op, values)
    if key in ws.config.custom_fields and term.op != "=":
        return lambda t: _compare(term.op, t.extra.get(key), values)
    if key == "title":
        return _title_predicate(values)
    return _set_predicate(ws, key, values)


def _text_predicate(text: str) -> Predicate:
    needle = text.casefold()
    return lambda t: (
        needle in t.id.casefold() or needle in t.title.casefold() or needle in t.body.casefold()
    )


def _ordered_predicate(ws: Workspace, key: str, op: str, values: tuple[str, ...]) -> Predicate:
    right = _ordered_values(ws, key, values)
    return lambda t: _compare(op, _ordered(ws, key, t), right)


def _title_predicate(values: tuple[str, ...]) -> Predicate:
    needles = [v.casefold() for v in values]
    return lambda t: any(n in t.title.casefold() for n in needles)


def _set_predicate(ws: Workspace, key: str, values: tuple[str, ...]) -> Predicate:
    """Some value of the task's ``key`` is one of ``values`` (ids compare as ids do)."""
    known = _known_values(ws, key)
    if key == "category":
        _refuse_states_as_categories(ws, values)
    if known is not None:
        _check_values(key, values, known)
    if key == "status":
        values = tuple(ws.config.mappings.status(v) for v in values)
    if key == "goal":
        return _goal_predicate(ws, values)
    wanted = {id_key(v) for v in values}
    values_of = _set_values(key)
    return lambda t: any(id_key(str(v)) in wanted for v in values_of(ws, t))


def _goal_predicate(ws: Workspace, values: tuple[str, ...]) -> Predicate:
    """The task is part of one of the goals: linked to it or a sub-goal, itself or through its
    project (the links the goal's page follows)."""
    ids: set[str] = set()
    for value in values:
        goal = ws.goals.get(value)
        if goal is not None:
            ids.update(task.id for task in ws.work_of_goal(goal))
    wanted = {id_key(v) for v in values}  # a goal named by tasks without a file of its own
    return lambda t: t.id in ids or any(id_key(g) in wanted for g in t.goals)


def _known_values(ws: Workspace, key: str) -> list[str] | None:
    """The values a ``key:`` term may name, for the keys with a closed vocabulary (None: any
    value is fine, as for labels)."""
    if key == "category":
        return list(STATE_CATEGORIES)
    if key == "kind":
        return list(PROJECT_KINDS)
    if key == "status":
        states = {s.id: None for w in ws.workflows for s in w.states}
        states.update({s.id: None for s in ws.default_workflow.states})
        states.update(dict.fromkeys(ws.config.mappings.statuses))
        states.update(dict.fromkeys(ws.status_of(t) for t in ws.tasks))
        return list(states)
    if key == "project":
        return [p.id for p in ws.projects] + [ws.default_area.id]
    if key == "goal":
        return list(ws.goals.ids()) + [g for t in ws.tasks for g in t.goals]
    if key == "milestone":
        return [m.id for p in ws.all_projects() for m in p.milestones]
    if key == "assignee":
        return list(ws.people.ids()) + [a for t in ws.tasks for a in t.assignees]
    return None


def _refuse_states_as_categories(ws: Workspace, values: tuple[str, ...]) -> None:
    """``category:doing`` names a state: say so, and which category it is in."""
    states = {s.id: s for w in (*ws.workflows, ws.default_workflow) for s in w.states}
    for value in values:
        state = states.get(value)
        if value not in STATE_CATEGORIES and state is not None:
            raise QueryError(
                f"'{value}' is a state, not a category: use status:{value}, or "
                f"category:{state.category} for every state in that category"
            )


def _check_values(key: str, values: tuple[str, ...], known: list[str]) -> None:
    """Refuse a value that nothing in the workspace has: a query that silently matches
    nothing because of a typo is worse than an error."""
    keys = {id_key(k) for k in known}
    for value in values:
        if id_key(value) in keys:
            continue
        close = difflib.get_close_matches(value, sorted(set(known)), n=1)
        hint = f"did you mean '{key}:{close[0]}'? " if close else ""
        shown = list(dict.fromkeys(known))
        listed = ", ".join(shown[:12]) + (", …" if len(shown) > 12 else "")
        raise QueryError(f"unknown {key}:{value}; {hint}{key} values: {listed or 'none'}")


def _is_predicate(ws: Workspace, flags: tuple[str, ...]) -> Predicate:
    for flag in flags:
        if flag not in IS_VALUES:
            _check_values("is", (flag,), list(IS_VALUES))
    return lambda t: any(_is(ws, flag, t) for flag in flags)


def _has_predicate(ws: Workspace, key: str, names: tuple[str, ...]) -> Predicate:
    """``has:``: some of the keys hold a value; ``no:``: none does."""
    custom = set(ws.config.custom_fields)
    for name in names:
        if name not in HAS_KEYS and name not in custom:
            _check_values(key, (name,), [*HAS_KEYS, *custom])
    present = lambda t: any(_has(ws, name, t) for name in names)  # noqa: E731
    return present if key == "has" else (lambda t: not present(t))


def _natural(text: str) -> tuple[Any, ...]:
    return tuple(
        int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", text)
    )


def _sort_key(ws: Workspace, key: str) -> Callable[[Task], Any]:
    def value(task: Task) -> Any:
        if key in ("priority", "due", "start", "created", "estimate"):
            return _ordered(ws, key, task)
        if key == "id":
            return _natural(task.id)
        if key == "title":
            return task.title.casefold()
        if key == "status":
            workflow = ws.workflow_of(task)
            return (
                [s.id for s in workflow.states].index(ws.status_of(task))
                if ws.state_of(task)
                else len(workflow.states)
            )
        if key == "project":
            return ws.project_of(task).id.casefold()
        if key == "assignee":
            return task.assignees[0].casefold() if task.assignees else None
        return task.extra.get(key)

    return value


def select(ws: Workspace, query: Query | str) -> list[Task]:
    """The tasks that match, in the query's order (default: by id, naturally)."""
    if isinstance(query, str):
        query = parse(query, ws.config.custom_fields)
    predicates = [_predicate(ws, term) for term in query.terms]
    tasks = [t for t in ws.tasks if all(p(t) for p in predicates)]
    tasks.sort(key=lambda t: _natural(t.id))
    for sort in reversed(query.sorts):
        tasks = _sorted(ws, tasks, sort)
    return tasks


def _predicate(ws: Workspace, term: Term) -> Predicate:
    predicate = _term_predicate(ws, term)
    if term.negated:
        return lambda t: not predicate(t)
    return predicate


def _sorted(ws: Workspace, tasks: list[Task], sort: Sort) -> list[Task]:
    """``tasks`` sorted (stably) by one key; missing values sort last in either direction."""
    key = _sort_key(ws, sort.key)
    present = [t for t in tasks if key(t) is not None]
    missing = [t for t in tasks if key(t) is None]
    present.sort(key=key, reverse=sort.descending)
    return present + missing
