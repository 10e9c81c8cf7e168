"""Where each page of the site lives: one safe output path per item id.

Ids come from user files, so every path is built here and nowhere else: only ``[A-Za-z0-9._-]``
survive, names Windows reserves get a suffix, and two ids that would land on the same file on a
case-insensitive file system (macOS, Windows) are an error instead of a silent overwrite.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable

from worktext.errors import WorktextError
from worktext.model.items import Goal, Person, Project, Task, Workflow
from worktext.model.workspace import Workspace

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*(?<![. ])")
_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"com{n}" for n in range(10)] + [f"lpt{n}" for n in range(10)]
)

# The folder of each kind of page; item pages are ``<folder>/<safe id>.html``.
FOLDERS = {
    "task": "tasks",
    "project": "projects",
    "board": "boards",
    "timeline": "timelines",
    "workflow": "workflows",
    "person": "people",
    "goal": "goals",
    "calendar": "calendar",
    "ics": "people",
}


class OutputCollision(WorktextError):
    """Two pages would be written to the same file on a case-insensitive file system."""


def safe_name(item_id: str) -> str:
    """A file name (without extension) for an id: readable, portable, never a path."""
    if _PLAIN.fullmatch(item_id) and item_id.split(".")[0].lower() not in _RESERVED:
        return item_id  # most ids: already a safe name, which escaped_name leaves as it is
    return escaped_name(item_id)


def escaped_name(item_id: str) -> str:
    """``safe_name`` worked out in full."""
    name = _UNSAFE.sub(lambda m: f"_{ord(m.group()):x}_", item_id)
    if not name or name[0] in ".-":  # no hidden files, nothing that reads as an option
        name = "_" + name
    if name.rstrip(". ") != name:
        name = name.rstrip(". ") + "_"
    if name.split(".")[0].lower() in _RESERVED:
        name = "_" + name
    return name


class UrlMap:
    """Output path of every page, registered once; detects case-insensitive collisions."""

    def __init__(self) -> None:
        self._paths: dict[tuple[str, str], str] = {}
        # case-folded path -> what claimed it: a description, or (kind, id) of an item's page
        self._owners: dict[str, str | tuple[str, str]] = {}

    def claim(self, path: str, owner: str | tuple[str, str]) -> str:
        folded = path.casefold()
        previous = self._owners.get(folded)
        if previous is not None and previous != owner:
            raise OutputCollision(
                f"{_describe(owner)} and {_describe(previous)} would both be written to "
                f"'{path}' (file names that differ only in case are the same file on macOS "
                "and Windows); rename one of the ids"
            )
        self._owners[folded] = owner
        return path

    def item(self, kind: str, item_id: str, ext: str = ".html") -> str:
        """The path of an item's page, relative to the site root, with forward slashes."""
        key = (kind + ext, item_id)
        path = self._paths.get(key)
        if path is None:
            path = f"{FOLDERS[kind]}/{safe_name(item_id)}{ext}"
            self.claim(path, (kind, item_id))
            self._paths[key] = path
        return path

    def items(self, kind: str, ids: Iterable[str], ext: str = ".html") -> dict[str, str]:
        """``item`` of each of ``ids`` (of one kind), by id: one call for a site's 10,000
        task pages, with ``safe_name`` and ``claim`` worked out inline."""
        folder, tag, paths, owners = FOLDERS[kind], kind + ext, self._paths, self._owners
        plain = _PLAIN.fullmatch
        out = {}
        for item_id in ids:
            path = paths.get((tag, item_id))
            if path is None:
                if plain(item_id) and item_id.split(".")[0].lower() not in _RESERVED:
                    path = f"{folder}/{item_id}{ext}"
                else:
                    path = f"{folder}/{escaped_name(item_id)}{ext}"
                folded = path.casefold()
                owner = (kind, item_id)
                if owners.get(folded, owner) != owner:
                    self.claim(path, owner)  # raises OutputCollision
                owners[folded] = owner
                paths[(tag, item_id)] = path
            out[item_id] = path
        return out


def _describe(owner: str | tuple[str, str]) -> str:
    return owner if isinstance(owner, str) else f"{owner[0]} '{owner[1]}'"


def relative(from_page: str, to_page: str) -> str:
    """A link from one page to another, both site-root relative; works from file://.
    ``posixpath.relpath``'s answer; for plain paths (no empty, "." or ".." part) it is
    worked out from the parts alone, without the current folder relpath asks the system for
    (a fifth of linking 10,000 mentions in comments to their people's pages)."""
    start = posixpath.dirname(from_page) or "."
    starts = [] if start == "." else start.split("/")
    targets = to_page.split("/")
    if not (_plain(starts) and _plain(targets)):
        return posixpath.relpath(to_page, start)
    common = 0
    for mine, theirs in zip(targets, starts, strict=False):  # the shorter one ends it
        if mine != theirs:
            break
        common += 1
    return "/".join([".."] * (len(starts) - common) + targets[common:]) or "."


def _plain(parts: list[str]) -> bool:
    return all(part not in ("", ".", "..") for part in parts)


def root_prefix(page: str) -> str:
    """The prefix that leads from a page back to the site root (``""`` or ``"../"``)."""
    depth = page.count("/")
    return "../" * depth


class Links:
    """The page of every item of one site, relative to the site root (``tasks/WEB-12.html``):
    a page adds its own way back to the root (``PageView.root``). Every task's page is claimed
    at once, so two ids on one file are an error before any page is made."""

    def __init__(self, ws: Workspace, urls: UrlMap | None = None) -> None:
        self.urls = urls or UrlMap()
        self._tasks = self.urls.items("task", [t.id for t in ws.tasks])
        # The page of each item file, for links between bodies (``markdown.repo_rewriter``).
        self.item_pages = {t.path: self._tasks[t.id] for t in ws.tasks if t.path}
        for project in ws.all_projects():
            if project.path:
                self.item_pages[project.path] = self.urls.item("project", project.id)

    def task_paths(self) -> dict[str, str]:
        """Every task's page by task id (exactly as the ids are spelled); do not change it."""
        return self._tasks

    def task(self, task: Task) -> str:
        found = self._tasks.get(task.id)
        return found if found is not None else self.urls.item("task", task.id)

    def project(self, project: Project) -> str:
        return self.urls.item("project", project.id)

    def board(self, project: Project) -> str:
        return self.urls.item("board", project.id)

    def timeline(self, project: Project) -> str:
        return self.urls.item("timeline", project.id)

    def workflow(self, workflow: Workflow) -> str:
        return self.urls.item("workflow", workflow.id)

    def person(self, person: Person) -> str:
        return self.urls.item("person", person.id)

    def person_ics(self, person: Person) -> str:
        return self.urls.item("ics", person.id, ".ics")

    def goal(self, goal: Goal) -> str:
        return self.urls.item("goal", goal.id)
