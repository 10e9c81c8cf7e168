"""Rules across files: duplicate ids, dangling references, statuses and the fields a state
requires, WIP limits, and cycles. Each rule reads the workspace and returns diagnostics."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from worktext import parallel
from worktext.check import discussion
from worktext.load.yamlpos import Span
from worktext.model.diagnostics import Diagnostic
from worktext.model.items import Item, State, Task, Template
from worktext.model.schema import KIND_FIELDS
from worktext.model.suggest import Suggestions, closest
from worktext.model.values import as_day
from worktext.model.workspace import Workspace, id_key


def check_workspace(ws: Workspace, meanwhile: Callable[[], None] | None = None) -> list[Diagnostic]:
    """Every rule's diagnostics. The dangling references are found first; when many ids need
    a did-you-mean, forks (one per CPU) work those out while this process runs the other
    rules and reads where each reference is (``parallel.run_split``). ``meanwhile``: the
    caller's own work (writing its caches), done here first, while the forks work."""
    found = _References(ws)
    words = sorted({(miss.kind, miss.ref) for miss in found.misses})

    def here() -> tuple[list[Diagnostic], list[tuple[str | int, ...]]]:
        if meanwhile is not None:
            meanwhile()
        diagnostics = list(found.immediate)
        for rule in RULES:
            diagnostics.extend(rule(ws))
        return diagnostics, found.locate()

    forks = parallel.cpu_count() if len(words) >= PARALLEL_SUGGESTIONS else 1
    if forks > 1:
        parts = [words[n::forks] for n in range(forks)]
        portions: list[Callable[[], Any]] = [here, *(found.suggest(part) for part in parts)]
        (diagnostics, paths), *answers = parallel.run_split(
            portions, lambda sent: isinstance(sent, dict)
        )
        hints = {key: close for part in answers for key, close in part.items()}
    else:
        (diagnostics, paths), hints = here(), found.suggest(words)()
    diagnostics.extend(found.reported(paths, hints))
    return diagnostics


def _at(
    ws: Workspace,
    item: Item,
    path: tuple[str | int, ...],
    code: str,
    message: str,
    hint: str = "",
    severity: str = "error",
    at_key: bool = False,
) -> Diagnostic:
    source = ws.positions(item.path, str(path[0]) if path else None)
    span: Span = (0, 0, 0, 0)
    if source is not None:
        span = source.key_span(*path) if at_key or not path else source.value_span(*path)
        if not path:
            span = (1, 1, 1, 1)
    return Diagnostic.at(item.path, span, severity, code, message, hint)


def duplicate_ids(ws: Workspace) -> Iterator[Diagnostic]:
    for dup in ws.duplicates:
        same = "the same id" if dup.item.id == dup.first.id else "an id that differs only in case"
        source = ws.sources[dup.item.path]
        path: tuple[str, ...] = ("id",) if source.data and source.data.get("id") else ()
        yield _at(
            ws,
            dup.item,
            path,
            "duplicate-id",
            f"{dup.kind} '{dup.item.id}' has {same} as {dup.first.path}",
            "give one of them another id (ids are unique per kind, ignoring case)",
        )


def _dangling(
    ws: Workspace,
    item: Item,
    path: tuple[str | int, ...],
    kind: str,
    ref: str,
    close: str | None,
) -> Diagnostic:
    """A reference to nothing; ``close``: the id suggested instead."""
    hint = f"did you mean '{close}'?" if close else f"create the {kind}, or fix the id"
    return _at(ws, item, path, "dangling-reference", f"no {kind} with id '{ref}'", hint)


def _missing(
    ws: Workspace,
    item: Item,
    path: tuple[str | int, ...],
    kind: str,
    ref: str,
    close: str | None,
) -> Diagnostic:
    """A reference to nothing: an error, but for people: someone without a person file is a
    guest, named as written (a backlog adopted from another tool names people so)."""
    if kind != "person":
        return _dangling(ws, item, path, kind, ref, close)
    hint = (
        f"did you mean '{close}'?"
        if close
        else "add a person file for them (worktext new person ID) to give them a page and capacity"
    )
    message = f"'{ref}' has no person file: shown by name, as a guest"
    return _at(ws, item, path, "guest", message, hint, severity="warning")


def _ref_path(item: Item, ws: Workspace, key: str, index: int) -> tuple[str | int, ...]:
    """The value path of entry ``index`` of ``key``: a list item, or the scalar itself."""
    source = ws.positions(item.path, key)
    listed = source is not None and (key, index) in source.values
    return (key, index) if listed else (key,)


# The attribute of an item that holds a front matter key's value, where the names differ.
ATTRIBUTES = {"assignee": "assignees", "goal": "goals", "tasks": "tasks"}
REGISTRIES = {"task": "tasks", "project": "projects", "workflow": "workflows", "person": "people"}
REGISTRIES |= {"goal": "goals"}


class _Targets:
    """What each kind of reference may name, looked up as ``Registry`` does (the exact
    spelling first: nearly every reference spells an id as its file does)."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.exact = {
            kind: frozenset(getattr(ws, name).exact()) for kind, name in REGISTRIES.items()
        }
        self.also = {
            "project": id_key(ws.default_area.id),
            "workflow": id_key(ws.default_workflow.id),
        }
        self._suggestions: dict[str, Suggestions] = {}

    def known(self, kind: str, ref: str) -> bool:
        if ref in self.exact[kind] or ref in getattr(self.ws, REGISTRIES[kind]):
            return True
        return self.also.get(kind) == id_key(ref)

    def ids(self, kind: str) -> Suggestions:
        """The ids of ``kind``, to suggest the closest of (indexed once per kind)."""
        found = self._suggestions.get(kind)
        if found is None:
            found = self._suggestions[kind] = Suggestions(self._ids(kind))
        return found

    def _ids(self, kind: str) -> list[str]:
        registry = getattr(self.ws, REGISTRIES[kind])
        if kind == "project":
            return [*registry.ids(), self.ws.default_area.id]
        if kind == "workflow":
            return registry.ids() or [self.ws.default_workflow.id]
        return registry.ids()


def _values(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, tuple) else (str(value),)


class _References:
    """Every value the schema declares a reference (``ref=``) names an item that exists: the
    keys of each kind, and those of their entries (time log, template tasks). One pass finds
    the references to nothing (``misses``; a milestone's own, against a short list, reported
    at once in ``immediate``); each is reported with the closest id of its kind as the
    hint."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.targets = targets = _Targets(ws)
        self.misses: list[_Miss] = []
        self.immediate: list[Diagnostic] = []
        for kind, registry in ws.registries():
            for name, spec in KIND_FIELDS[kind].items():
                if spec.ref is not None:
                    self.immediate.extend(
                        _key_references(ws, targets, registry, name, spec.ref, self.misses)
                    )
                elif spec.type == "records" and spec.fields:
                    nested = [(key, sub.ref) for key, sub in spec.fields.items() if sub.ref]
                    _entry_references(targets, registry, name, nested, self.misses)

    def suggest(self, words: list[tuple[str, str]]) -> Callable[[], dict[str, str | None]]:
        """The work of the did-you-means of ``words`` ((kind, id) pairs), by ``kind:id``."""
        ids = self.targets.ids
        return lambda: {f"{kind}:{ref}": ids(kind).closest(ref) for kind, ref in words}

    def locate(self) -> list[tuple[str | int, ...]]:
        """Where each miss is in its item's value (a read of the file again)."""
        ws = self.ws
        return [
            miss.path if miss.path is not None else _ref_path(miss.item, ws, miss.key, miss.index)
            for miss in self.misses
        ]

    def reported(
        self, paths: list[tuple[str | int, ...]], hints: dict[str, str | None]
    ) -> Iterator[Diagnostic]:
        ws = self.ws
        for miss, path in zip(self.misses, paths, strict=True):
            close = hints[f"{miss.kind}:{miss.ref}"]
            yield _missing(ws, miss.item, path, miss.kind, miss.ref, close)


@dataclass(frozen=True, slots=True)
class _Miss:
    """A reference to nothing, found: where (``path``, or the entry ``index`` of ``key``
    when it is still to be read from the file) and what it names."""

    item: Item
    kind: str
    ref: str
    key: str
    index: int
    path: tuple[str | int, ...] | None = None


# With this many different ids to suggest the closest of (1,717 take 0.34 s among 10,000
# task ids), forks work them out while this process runs the other rules.
PARALLEL_SUGGESTIONS = 200


def _key_references(
    ws: Workspace,
    targets: _Targets,
    registry: Any,
    name: str,
    kind: str,
    misses: list[_Miss],
) -> Iterator[Diagnostic]:
    attribute = ATTRIBUTES.get(name, name)
    known = targets.exact.get(kind, frozenset())
    for item in registry:
        refs = _values(getattr(item, attribute, None))
        if refs and (kind == "milestone" or not known.issuperset(refs)):
            yield from _check(ws, targets, item, name, kind, refs, misses)


def _entry_references(
    targets: _Targets,
    registry: Any,
    name: str,
    nested: list[tuple[str, str]],
    misses: list[_Miss],
) -> None:
    attribute = ATTRIBUTES.get(name, name)
    for item in registry:
        for index, entry in enumerate(getattr(item, attribute, ())):
            for key, kind in nested:
                ref = getattr(entry, key, None)  # TimeEntry.who, TemplateTask.assignee
                if not ref or "{" in ref:  # a template's {placeholder} is filled in when used
                    continue
                if not targets.known(kind, ref):
                    misses.append(_Miss(item, kind, ref, key, index, (name, index, key)))


def _check(
    ws: Workspace,
    targets: _Targets,
    item: Item,
    key: str,
    kind: str,
    refs: tuple[str, ...],
    misses: list[_Miss],
) -> Iterator[Diagnostic]:
    if kind == "milestone" and isinstance(item, Task):  # a milestone of its own project
        if ws.milestone_of(item) is None:
            project = ws.project_of(item)
            known = [m.id for m in project.milestones]
            close = closest(refs[0], known)
            diagnostic = _dangling(ws, item, (key,), "milestone", refs[0], close)
            yield replace(
                diagnostic,
                message=f"project '{project.id}' has no milestone '{refs[0]}'",
                hint=diagnostic.hint
                if known
                else f"add it under 'milestones:' in {project.path or 'a project file'}",
            )
        return
    for index, ref in enumerate(refs):
        if "{" in ref and isinstance(item, Template):  # a placeholder, filled in when used
            continue
        if not targets.known(kind, ref):
            misses.append(_Miss(item, kind, ref, key, index))


def statuses(ws: Workspace) -> Iterator[Diagnostic]:
    """Each task's status is a state of its workflow, and has the keys that state requires."""
    for task in ws.tasks:
        state = ws.state_of(task)
        if state is None:
            yield _unknown_status(ws, task)
            continue
        for required in state.requires:
            if not ws.has_field(task, required):
                yield _at(
                    ws,
                    task,
                    ("status",) if task.status is not None else (),
                    "missing-required",
                    f"state '{state.id}' requires '{required}', which is not set",
                    f"set '{required}:' or move the task to another state",
                )


def _unknown_status(ws: Workspace, task: Task) -> Diagnostic:
    workflow = ws.workflow_of(task)
    close = closest(task.status or "", [s.id for s in workflow.states])
    hint = f"did you mean '{close}'? " if close else ""
    return _at(
        ws,
        task,
        ("status",),
        "unknown-status",
        f"'{task.status}' is not a state of workflow '{workflow.id}'",
        hint + "states: " + ", ".join(s.id for s in workflow.states),
    )


def wip_limits(ws: Workspace) -> Iterator[Diagnostic]:
    counts: Counter[tuple[str, str]] = Counter()
    workflows = {}
    for task in ws.tasks:
        state = ws.state_of(task)
        if state is not None and state.wip is not None:
            project = ws.project_of(task)
            counts[(project.id, state.id)] += 1
            workflows[(project.id, state.id)] = (ws.workflow_of(task), state)
    for (project_id, state_id), count in sorted(counts.items()):
        workflow, state = workflows[(project_id, state_id)]
        if count <= (state.wip or 0):
            continue
        index = next(i for i, s in enumerate(workflow.states) if s.id == state_id)
        yield _at(
            ws,
            workflow,
            ("states", index, "wip"),
            "wip-exceeded",
            f"'{project_id}' has {count} tasks in '{state_id}'; the limit is {state.wip}",
            "finish or move work out of this state before starting more",
            severity="warning",
        )


def move_warnings(ws: Workspace, task: Task, target: State) -> list[Diagnostic]:
    """What moving ``task`` into ``target`` warns about (the move still happens): the state
    over its WIP limit in the task's project (counted per project, as ``wip_limits`` does)
    with the task in it, and starting or finishing work whose dependencies are open. ``ws``
    may be the workspace before the move (``worktext move``) or after it (``check --since``).
    Positioned at the task's ``status`` line, so that a CI annotation lands in the file that
    the pull request changes, not in the workflow's."""
    source = ws.sources.get(task.path)
    span = source.key_span("status") if source is not None and source.data else (1, 1, 1, 1)
    if source is not None and source.data and "status" not in source.data:
        span = (1, 1, 1, 1)
    found: list[Diagnostic] = []
    project = ws.project_of(task)
    if target.wip is not None:
        others = [
            t
            for t in ws.tasks_of_project(project)
            if t.id != task.id and ws.status_of(t) == target.id
        ]
        if len(others) + 1 > target.wip:
            found.append(
                Diagnostic.at(
                    task.path,
                    span,
                    "warning",
                    "wip-exceeded",
                    f"'{project.id}' now has {len(others) + 1} tasks in '{target.id}'; the "
                    f"limit is {target.wip}",
                    "finish or move work out of this state before starting more",
                )
            )
    open_dependencies = [t for t in ws.dependencies(task) if ws.is_open(t)]
    if open_dependencies and target.category in ("active", "done"):
        listed = ", ".join(f"{t.id} ({ws.status_of(t)})" for t in open_dependencies)
        found.append(
            Diagnostic.at(
                task.path,
                span,
                "warning",
                "open-dependency",
                f"{task.id} depends on open work: {listed}",
                "finish that first, or remove it from depends_on if it is not needed",
            )
        )
    return found


def _cycles(nodes: Iterable[str], edges: Callable[[str], Iterable[str]]) -> list[list[str]]:
    """Every elementary cycle found by one depth-first search (one cycle per back edge)."""
    colour: dict[str, int] = {}
    found: list[list[str]] = []
    for start in nodes:
        if start in colour:
            continue
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(edges(start)))]
        path = [start]
        colour[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                colour[node] = 2
            elif colour.get(child) == 1:
                found.append([*path[path.index(child) :], child])
            elif child not in colour:
                colour[child] = 1
                path.append(child)
                stack.append((child, iter(edges(child))))
    return found


def cycles(ws: Workspace) -> Iterator[Diagnostic]:
    """Tasks that depend on each other, and tasks or goals that are each other's parents,
    in a circle: one diagnostic on each link of it."""
    tasks, goals = ws.tasks, ws.goals

    def deps(task_id: str) -> list[str]:
        task = tasks.get(task_id)
        return [t.id for t in map(tasks.get, task.depends_on) if t is not None] if task else []

    def parent(task_id: str) -> list[str]:
        task = tasks.get(task_id)
        found = tasks.get(task.parent) if task and task.parent else None
        return [found.id] if found else []

    def goal_parent(goal_id: str) -> list[str]:
        goal = goals.get(goal_id)
        found = goals.get(goal.parent) if goal and goal.parent else None
        return [found.id] if found else []

    # Only items with a link can start a cycle; the search finds the same cycles from them.
    checks = (
        (tasks, "depends_on", deps, "dependency-cycle", "dependency"),
        (tasks, "parent", parent, "parent-cycle", "parent"),
        (goals, "parent", goal_parent, "parent-cycle", "parent"),
    )
    for registry, key, edges, code, what in checks:
        linked = [item.id for item in registry if getattr(item, key)]
        for cycle in _cycles(linked, edges):
            yield from _cycle_links(ws, registry, cycle, key, code, what)


def _cycle_links(
    ws: Workspace, registry: Any, cycle: list[str], key: str, code: str, what: str
) -> Iterator[Diagnostic]:
    text = " -> ".join(cycle)
    for position, item_id in enumerate(cycle[:-1]):
        item = registry.get(item_id)
        target = cycle[position + 1]
        path: tuple[str | int, ...] = (key,)
        if key == "depends_on":
            index = next(
                (i for i, d in enumerate(item.depends_on) if id_key(d) == id_key(target)), 0
            )
            path = _ref_path(item, ws, key, index)
        yield _at(
            ws,
            item,
            path,
            code,
            f"{what} cycle: {text}",
            f"remove one link of the cycle, for example '{target}' from '{item_id}'",
        )


def config_references(ws: Workspace) -> Iterator[Diagnostic]:
    name = ws.config.default_workflow
    if name and name not in ws.workflows and id_key(name) != id_key(ws.default_workflow.id):
        yield Diagnostic(
            "worktext.yml",
            1,
            1,
            "error",
            "dangling-reference",
            f"default_workflow names '{name}', which is not a workflow",
            "workflows: " + (", ".join(ws.workflows.ids()) or "none (the built-in one applies)"),
        )


def recurrences(ws: Workspace) -> Iterator[Diagnostic]:
    from worktext.model.recurrence import RecurrenceError, is_simple, parse_rule

    for task in ws.tasks:
        if task.repeat and not is_simple(task.repeat):  # a simple rule is always valid
            try:
                parse_rule(task.repeat, as_day(task.due or task.start or ws.today))
            except RecurrenceError as exc:
                yield _at(ws, task, ("repeat",), "invalid-repeat", exc.message, REPEAT_HINT)


REPEAT_HINT = "use daily, weekly, monthly, yearly or an RRULE such as FREQ=WEEKLY;BYDAY=MO"


# The rules besides the references' (``_References``, which ``check_workspace`` runs beside
# them).
RULES: tuple[Callable[[Workspace], Iterable[Diagnostic]], ...] = (
    duplicate_ids,
    statuses,
    wip_limits,
    cycles,
    recurrences,
    config_references,
    *discussion.RULES,
)


def apply_severities(diagnostics: list[Diagnostic], rules: dict[str, str]) -> list[Diagnostic]:
    """Apply ``rules:`` from worktext.yml: a code set to off, warning or error."""
    if not rules:
        return diagnostics
    out = []
    for diagnostic in diagnostics:
        setting = rules.get(diagnostic.code)
        if setting == "off":
            continue
        if setting == "error" and diagnostic.severity != "error":
            diagnostic = replace(diagnostic, severity="error")
        elif setting == "warning" and diagnostic.severity != "warning":
            diagnostic = replace(diagnostic, severity="warning")
        out.append(diagnostic)
    return out


__all__ = ["Task", "apply_severities", "check_workspace"]
