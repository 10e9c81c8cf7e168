"""The resolved workspace: every item by id, relations in both directions, derived fields.

``Workspace`` is what the CLI, the site, the history and the MkDocs plugin read. Items stay
frozen; relations and derived values are answered by the workspace, computed once here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from typing import Any

from worktext.load.source import LazySources, SourceFile
from worktext.model.config import Config
from worktext.model.diagnostics import Diagnostic
from worktext.model.discussion import Discussion
from worktext.model.items import (
    CLOSED_CATEGORIES,
    Goal,
    Item,
    Milestone,
    Person,
    Project,
    State,
    Task,
    Template,
    Workflow,
)
from worktext.model.mentions import Found, links
from worktext.model.values import as_day, id_key

# Front matter keys whose Task attribute has another name; keys that are not attributes
# (custom keys, unknown keys) are in ``Task.extra``.
TASK_ATTRIBUTES = {"assignee": "assignees", "goal": "goals"}
TASK_FIELDS = frozenset(f.name for f in fields(Task)) - {"extra", "body", "path", "checklist"}


class _IdKeys(dict[str, str]):
    """``id_key`` of each id looked up, worked out on its first look-up only."""

    def __missing__(self, item_id: str) -> str:
        key = self[item_id] = id_key(item_id)
        return key


@dataclass(frozen=True)
class Duplicate:
    kind: str
    item: Item
    first: Item


class Registry:
    """Items of one kind by id, first file wins; later files with the same id are duplicates."""

    def __init__(self, kind: str, items: Iterable[Item], duplicates: list[Duplicate]) -> None:
        self.kind = kind
        self.by_key: dict[str, Any] = {}
        for item in items:
            key = id_key(item.id)
            first = self.by_key.get(key)
            if first is not None:
                duplicates.append(Duplicate(kind, item, first))
                continue
            self.by_key[key] = item
        self._sorted = sorted(self.by_key.values(), key=lambda item: item.id)
        # References mostly spell an id as its file does: those are found without id_key.
        self._exact = {item.id: item for item in self._sorted}

    def get(self, item_id: str | None) -> Any:
        if not item_id:
            return None
        found = self._exact.get(item_id)
        return found if found is not None else self.by_key.get(id_key(item_id))

    def __contains__(self, item_id: object) -> bool:
        if not isinstance(item_id, str):
            return False
        return item_id in self._exact or id_key(item_id) in self.by_key

    def __iter__(self) -> Iterator[Any]:
        return iter(self._sorted)

    def __len__(self) -> int:
        return len(self.by_key)

    def ids(self) -> list[str]:
        return [item.id for item in self._sorted]

    def exact(self) -> Mapping[str, Any]:
        """The items by id exactly as their files spell it (``in`` it implies ``in`` the
        registry; not the reverse, which also matches other cases and Unicode forms)."""
        return self._exact


class Workspace:
    """Everything in a workspace, resolved, as of ``today``."""

    def __init__(
        self,
        config: Config,
        today: dt.date,
        items: dict[str, list[Item]],
        sources: dict[str, SourceFile],
        default_workflow: Workflow,
        default_area: Project,
    ) -> None:
        self.config = config
        self.today = today
        self.sources = sources  # by file path, for positions of keys
        self.diagnostics: list[Diagnostic] = []
        self.file_count = 0
        # A digest of every input file and the configuration, when the loader knew it (the
        # cache key): equal keys mean equal workspaces. The site build skips its work on it.
        self.input_key: str | None = None
        # A digest of each item's encoded form (snapshot.row_digest) by file, when the loader
        # took one: it stands for the item (``item_digest``), far cheaper than its repr.
        self.row_digests: dict[str, str] = {}
        self.duplicates: list[Duplicate] = []
        self.tasks = Registry("task", items["task"], self.duplicates)
        self.projects = Registry("project", items["project"], self.duplicates)
        self.workflows = Registry("workflow", items["workflow"], self.duplicates)
        self.templates = Registry("template", items["template"], self.duplicates)
        self.people = Registry("person", items["person"], self.duplicates)
        self.goals = Registry("goal", items["goal"], self.duplicates)
        self.default_workflow = default_workflow
        self.default_area = self.projects.get(default_area.id) or default_area
        # Comments and documents (``model.discussion``), set by the pipeline after loading.
        self.discussion = Discussion()
        self._goal_progress: dict[str, tuple[int, int]] = {}
        self._links: dict[tuple[str, str], list[Found]] = {}
        self._resolve()

    def links(self, path: str, text: str) -> list[Found]:
        """The relative links of ``text``, the body of the file ``path`` (``mentions.links``),
        found once: the check of broken links and the site's attachments both ask."""
        key = (path, text)
        found = self._links.get(key)
        if found is None:
            found = self._links[key] = links(text)
        return found

    # -- resolution, once -------------------------------------------------------------------

    def _resolve(self) -> None:
        """Work out once what every task's relations and derived fields are."""
        self._project: dict[str, Project] = {}
        self._state: dict[str, State | None] = {}
        self._category: dict[str, str] = {}  # by task id: its state's category, asked often
        self._open: dict[str, bool] = {}
        self._workflow: dict[str, Workflow] = {}
        self._children: dict[str, list[Task]] = defaultdict(list)
        self._dependents: dict[str, list[Task]] = defaultdict(list)
        self._by_project: dict[str, list[Task]] = defaultdict(list)
        self._by_person: dict[str, list[Task]] = defaultdict(list)
        self._by_goal: dict[str, list[Task]] = defaultdict(list)
        self._by_workflow: dict[str, list[Task]] = defaultdict(list)
        # Ids recur (a project's, a person's for hundreds of tasks): each key is made once.
        keys = _IdKeys()
        workflow_of_project = self._place_tasks(keys)
        self._file_references(keys)
        used = {id_key(w.id): w for w in workflow_of_project.values()}
        self._workflows_used = [used[key] for key in sorted(used)]

    def _place_tasks(self, keys: _IdKeys) -> dict[str, Workflow]:
        """Each task's project, workflow, state, category and whether it is open, and the
        tasks filed under their project and workflow; returns the workflow of each project
        that has tasks."""
        workflow_of_project: dict[str, Workflow] = {}
        states_of: dict[str, dict[str, State]] = {}
        projects_get, default_area = self.projects.get, self.default_area
        by_project, by_workflow = self._by_project, self._by_workflow
        ignore_case = self.config.mappings.ignore_case
        for task in self.tasks:
            task_id = task.id
            project = projects_get(task.project) if task.project else default_area
            if project is None:  # a dangling reference, reported by validation
                project = default_area
            self._project[task_id] = project
            workflow = workflow_of_project.get(project.id)
            if workflow is None:
                workflow = self.workflows.get(project.workflow) or self.default_workflow
                workflow_of_project[project.id] = workflow
            self._workflow[task_id] = workflow
            states = states_of.get(workflow.id)
            if states is None:
                states = states_of[workflow.id] = {s.id: s for s in workflow.states}
            status = task.status if task.status is not None else workflow.initial.id
            state = states.get(status)
            if state is None and ignore_case:
                state = workflow.state(status, ignore_case=True)
            self._state[task_id] = state
            category = self._category[task_id] = state.category if state else "todo"
            self._open[task_id] = category not in CLOSED_CATEGORIES
            by_project[keys[project.id]].append(task)
            by_workflow[workflow.id].append(task)
        return workflow_of_project

    def _file_references(self, keys: _IdKeys) -> None:
        """File every task under the ids it refers to: its people, its goals, its parent and
        the tasks it depends on (whether or not they exist)."""
        by_person, by_goal = self._by_person, self._by_goal
        children, dependents = self._children, self._dependents
        for task in self.tasks:
            for person in task.assignees:
                by_person[keys[person]].append(task)
            for goal in task.goals:
                by_goal[keys[goal]].append(task)
            if task.parent:
                children[keys[task.parent]].append(task)
            for dependency in task.depends_on:
                dependents[keys[dependency]].append(task)

    # -- relations --------------------------------------------------------------------------

    def workflows_in_use(self) -> list[Workflow]:
        """The workflows some task follows, in id order."""
        return list(self._workflows_used)

    def tasks_by_workflow(self) -> dict[str, list[Task]]:
        """The tasks (in id order) by the id of the workflow they follow."""
        return {key: list(tasks) for key, tasks in self._by_workflow.items()}

    def project_of(self, task: Task) -> Project:
        return self._project[task.id]

    def workflow_of(self, task: Task) -> Workflow:
        return self._workflow[task.id]

    def workflow_of_project(self, project: Project) -> Workflow:
        return self.workflows.get(project.workflow) or self.default_workflow

    def state_of(self, task: Task) -> State | None:
        return self._state[task.id]

    def status_of(self, task: Task) -> str:
        state = self._state[task.id]
        return state.id if state else (task.status or "")

    def assignees_of(self, task: Task) -> list[Person]:
        return [p for p in (self.people.get(a) for a in task.assignees) if p is not None]

    def dependencies(self, task: Task) -> list[Task]:
        return [t for t in (self.tasks.get(d) for d in task.depends_on) if t is not None]

    def dependents(self, task: Task) -> list[Task]:
        return list(self._dependents.get(id_key(task.id), ()))

    def parent_of(self, task: Task) -> Task | None:
        return self.tasks.get(task.parent)

    def children(self, task: Task) -> list[Task]:
        return list(self._children.get(id_key(task.id), ()))

    def milestone_of(self, task: Task) -> Milestone | None:
        if not task.milestone:
            return None
        for milestone in self.project_of(task).milestones:
            if id_key(milestone.id) == id_key(task.milestone):
                return milestone
        return None

    def goals_of(self, item: Task | Project) -> list[Goal]:
        return [g for g in (self.goals.get(i) for i in item.goals) if g is not None]

    def tasks_of_project(self, project: Project) -> list[Task]:
        return list(self._by_project.get(id_key(project.id), ()))

    def tasks_of_person(self, person: Person) -> list[Task]:
        return list(self._by_person.get(id_key(person.id), ()))

    def tasks_of_goal(self, goal: Goal) -> list[Task]:
        return list(self._by_goal.get(id_key(goal.id), ()))

    def all_projects(self) -> list[Project]:
        """Project files, plus the default area when tasks live in it."""
        projects = list(self.projects)
        if self.default_area.synthetic and self._by_project.get(id_key(self.default_area.id)):
            projects.append(self.default_area)
        return projects

    # -- derived fields ---------------------------------------------------------------------

    def category(self, task: Task) -> str:
        return self._category[task.id]

    def is_open(self, task: Task) -> bool:
        return self._open[task.id]

    def is_overdue(self, task: Task) -> bool:
        return task.due is not None and self.is_open(task) and as_day(task.due) < self.today

    def is_blocked(self, task: Task) -> bool:
        if not self.is_open(task):
            return False
        if self.category(task) == "blocked":
            return True
        return any(self.is_open(dep) for dep in self.dependencies(task))

    def has_field(self, task: Task, key: str) -> bool:
        """Whether the front matter key ``key`` holds a valid value (for a state's ``requires``)."""
        attribute = TASK_ATTRIBUTES.get(key, key)
        value = getattr(task, attribute) if attribute in TASK_FIELDS else task.extra.get(key)
        return value not in (None, "", [], ())

    def priority_rank(self, task: Task) -> int:
        """Position in the configured priorities; -1 when unset."""
        priorities = self.config.priorities
        return priorities.index(task.priority) if task.priority in priorities else -1

    def progress(self, tasks: Iterable[Task]) -> tuple[int, int]:
        """(done, total) of the tasks that are not cancelled."""
        done = total = 0
        categories = self._category
        for task in tasks:
            category = categories[task.id]
            if category == "cancelled":
                continue
            total += 1
            done += category == "done"
        return done, total

    def goal_progress(self, goal: Goal) -> tuple[int, int]:
        """Done/total of the work linked to a goal, its projects' tasks and its sub-goals'
        (worked out once per goal: the dashboard, the goals page and index.json all ask)."""
        found = self._goal_progress.get(goal.id)
        if found is None:
            found = self._goal_progress[goal.id] = self._work_progress(goal)
        return found

    def _work_progress(self, goal: Goal) -> tuple[int, int]:
        """Done/total of the tasks linked to ``goal`` or to any of its sub-goals, each task
        counted once."""
        return self.progress(self.work_of_goal(goal))

    def work_of_goal(self, goal: Goal) -> list[Task]:
        """The tasks linked to ``goal`` or to any of its sub-goals, directly or through their
        project, each once: what the goal's page counts and what ``goal:`` finds."""
        seen: dict[str, Task] = {}
        stack, visited = [goal], set()
        while stack:
            current = stack.pop()
            if current.id in visited:
                continue
            visited.add(current.id)
            for task in self._linked_tasks(current):
                seen[task.id] = task
            stack.extend(self._sub_goals(current))
        return list(seen.values())

    def _linked_tasks(self, goal: Goal) -> list[Task]:
        """The tasks linked to ``goal`` itself: its own, then its projects'."""
        tasks = self.tasks_of_goal(goal)
        goal_key = id_key(goal.id)
        for project in self.projects:
            if any(id_key(g) == goal_key for g in project.goals):
                tasks.extend(self.tasks_of_project(project))
        return tasks

    def _sub_goals(self, goal: Goal) -> list[Goal]:
        goal_key = id_key(goal.id)
        return [g for g in self.goals if g.parent and id_key(g.parent) == goal_key]

    def items(self) -> Iterator[tuple[str, Item]]:
        for kind, registry in self.registries():
            for item in registry:
                yield kind, item

    def item_digest(self, item: Item) -> str:
        """A digest of everything ``item`` holds, equal for equal items (in any process): its
        row's (``snapshot.row_digest``), taken when the file was parsed, when there is one."""
        found = self.row_digests.get(item.path)
        if found is not None:
            return found
        return hashlib.blake2b(repr(item).encode("utf-8", "replace"), digest_size=12).hexdigest()

    def registries(self) -> list[tuple[str, Registry]]:
        return [
            ("task", self.tasks),
            ("project", self.projects),
            ("workflow", self.workflows),
            ("template", self.templates),
            ("person", self.people),
            ("goal", self.goals),
        ]

    def positions(self, path: str, key: str | None = None) -> SourceFile | None:
        """The file at ``path``, for the positions of the paths under ``key`` (None: its
        body's first line): positions kept when it was parsed, where they cover ``key``
        (``LazySources.positions``), else the file. It may have no data and no body."""
        sources = self.sources
        if isinstance(sources, LazySources):
            return sources.positions(path, key)
        return sources.get(path)

    def find(self, item_id: str) -> tuple[str, Item] | None:
        """An item of any kind by id (tasks first)."""
        for kind, registry in self.registries():
            item = registry.get(item_id)
            if item is not None:
                return kind, item
        if id_key(item_id) == id_key(self.default_area.id):
            return "project", self.default_area
        return None

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]


__all__ = ["Duplicate", "Registry", "Template", "Workspace", "id_key"]
