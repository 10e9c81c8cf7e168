"""What a rebuild takes over from the last build: the task pages whose dependencies and
fingerprints cannot have changed.

A task page depends on its task, the task's neighbours (dependencies both ways, parent and
children), their workflows and assignees, its project, goals and history (``pages.py``). Working
that out for 10,000 tasks is a good part of a rebuild after one edit, so a build keeps each
item's digest (``.worktext/site-…-plan.marshal``, a cache) and each task page's dependencies
(``…-plan-deps.marshal``, written only when they change). The next build compares the items'
digests. When only tasks (or their histories) changed, a task page is planned again only if its
task is one of them, is a neighbour of one now, or named one in its last dependencies; every
other task page keeps its dependencies and its fingerprint, which are then exactly what planning
it again would give. Any other change (a project, workflow, person or goal file; the settings,
the code or the day) plans every page.
"""

from __future__ import annotations

import marshal
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from worktext.load.cache import write_value
from worktext.render import manifest
from worktext.render.pages import neighbours, task_pages
from worktext.render.view import SiteView


@dataclass
class Kept:
    deps: dict[str, tuple[str, ...]]  # task id → its page's dependencies, as last time
    fingerprints: dict[str, str]  # page path → fingerprint, as last time
    old_deps: dict[str, tuple[str, ...]] = field(default_factory=dict)  # as stored
    token: str = ""  # names the stored dependencies (see ``keep``)
    fresh: set[str] = field(default_factory=set)  # ids of the tasks ``complete`` planned


def histories(site: SiteView) -> dict[str, str]:
    """Each task's history key (its page's ``h:<id>`` dependency) by task id."""
    return {task.id: site.flow.key(f"h:{task.id}") for task in site.ws.tasks}


def kept_task_pages(
    site: SiteView,
    store: Path,
    base: str,
    items: dict[str, str],
    history: dict[str, str],
    previous: dict[str, tuple[str, str]],
) -> Kept | None:
    """The task pages that need no planning: ``items`` and ``history`` are this build's
    digests (``manifest.item_digests``, ``histories``), ``base`` its ``manifest.base_key``,
    ``previous`` the last build's manifest entries. None when every page must be planned."""
    last = _read(store)
    if last is None or last[0] != base:
        return None
    _base, old_items, old_history, old_deps, token = last
    changed = _changed(items, old_items)
    changed.discard("h")  # the history as a whole: not a dependency of task pages
    if any(not key.startswith("t:") for key in changed):
        return None
    changed.update(f"h:{task_id}" for task_id in _changed(history, old_history))
    ws = site.ws
    again: set[str] = set()  # ids of the tasks whose pages are planned again
    for key in changed:
        again.add(key[2:])
        task = ws.tasks.get(key[2:])
        if task is not None:
            again.update(neighbour.id for neighbour in neighbours(ws, task))
    isdisjoint = changed.isdisjoint
    again.update(task_id for task_id, deps in old_deps.items() if not isdisjoint(deps))
    # A page is kept when its task is still there (its page path known), was planned last
    # time, has its manifest entry, and is not planned again: comprehensions, not a loop of
    # 10,000 method calls.
    paths = site.task_paths()
    found = {
        task_id: (deps, entry)
        for task_id, deps in old_deps.items()
        if task_id not in again
        and (path := paths.get(task_id)) is not None
        and (entry := previous.get(path)) is not None
    }
    deps_kept = {task_id: deps for task_id, (deps, _entry) in found.items()}
    fingerprints = {paths[task_id]: entry[0] for task_id, (_deps, entry) in found.items()}
    return Kept(deps_kept, fingerprints, old_deps, token)


def _changed(new: dict[str, str], old: dict[str, str]) -> set[str]:
    """The keys whose values differ, or that only one of the two has."""
    if new == old:
        return set()
    return {key for key, _value in new.items() ^ old.items()}


def complete(site: SiteView, kept: Kept, items: dict[str, str]) -> int:
    """Plan the pages of the tasks ``kept`` does not keep, and add them: it then holds every
    task page, so their fingerprints (the whole-site files are made of them) are known before
    the plan. Returns how many were planned."""
    fresh = [task for task in site.ws.tasks if task.id not in kept.deps]
    planned = task_pages(site, fresh)
    for task, page, key in zip(
        fresh, planned, manifest.fingerprints(site, planned, items), strict=True
    ):
        kept.deps[task.id] = page.deps
        kept.fingerprints[page.path] = key
    kept.fresh.update(task.id for task in fresh)
    return len(fresh)


def keep(
    store: Path,
    base: str,
    items: dict[str, str],
    history: dict[str, str],
    deps: dict[str, tuple[str, ...]],
    kept: Kept | None,
) -> None:
    """Store this build's digests and task pages' dependencies (by task id) for the next
    build. The dependencies, which an edit rarely changes, have a file of their own, written
    only when they changed since ``kept`` was read."""
    try:
        token = kept.token if kept is not None and deps == kept.old_deps else None
        if token is None:
            token = f"{time.time_ns()}-{os.getpid()}"
            write_value(_deps_path(store), (token, deps))
        write_value(store, (base, items, history, token))
    except (OSError, ValueError):
        pass  # only a cache: the next build plans every page


def _deps_path(store: Path) -> Path:
    return store.with_name(store.name.replace(".marshal", "-deps.marshal"))


State = tuple[str, dict[str, str], dict[str, str], dict[str, tuple[str, ...]], str]


def _read(store: Path) -> State | None:
    """The last build's base key, digests, dependencies and the dependencies' token."""
    try:
        main = marshal.loads(store.read_bytes())
        deps = marshal.loads(_deps_path(store).read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not (isinstance(main, tuple) and len(main) == 4 and isinstance(main[0], str)):
        return None
    if not (isinstance(deps, tuple) and len(deps) == 2 and deps[0] == main[3]):
        return None  # written by different builds (one was interrupted)
    if not all(isinstance(part, dict) for part in (main[1], main[2], deps[1])):
        return None
    return main[0], main[1], main[2], deps[1], main[3]
