"""What a rebuild takes over from the last build: the task pages whose dependencies and
fingerprints cannot have changed.

A task page depends on its task, the task's neighbours (dependencies both ways, parent and
children), their workflows and assignees, its project, goals, history and thread
(``plan.py``). Working that out for 10,000 tasks is a good part of a rebuild after one edit, so
a build keeps each item's digest and each task page's dependencies in the cache
(``<site>-plan``; the dependencies, which an edit rarely changes, in ``<site>-plan-deps``,
written only when they change). The next build compares the items' digests. When only tasks,
their histories or threads (on any item) changed, a task page is planned again only if its
task is one of those tasks, is a neighbour of one now, or named a changed one in its last
dependencies; every other task page keeps its dependencies and its fingerprint, which are then
exactly what planning it again would give. Any other change (a project, workflow, person or
goal file; the settings, the code or the day) plans every page.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from worktext.load.cache import Cache
from worktext.render.data import SiteData
from worktext.render.fingerprints import Fingerprints
from worktext.render.plan import neighbours, task_pages

ENTRY_KEY = "plan"


@dataclass
class Kept:
    deps: dict[str, tuple[str, ...]]  # task id → its page's dependencies, as last time
    fingerprints: dict[str, str]  # page path → fingerprint, as last time
    old_deps: dict[str, tuple[str, ...]] = field(default_factory=dict)  # as stored
    token: str = ""  # names the stored dependencies (see ``keep``)
    fresh: set[str] = field(default_factory=set)  # ids of the tasks ``complete`` planned


def histories(data: SiteData) -> dict[str, str]:
    """Each task's history key (its page's ``h:<id>`` dependency) by task id."""
    return {task.id: data.flow.key(f"h:{task.id}") for task in data.ws.tasks}


def kept_task_pages(
    data: SiteData,
    store: Cache,
    site: str,
    fingerprints: Fingerprints,
    history: Mapping[str, str],
    previous: Mapping[str, tuple[str, str]],
) -> Kept | None:
    """The task pages that need no planning: ``history`` is this build's ``histories``,
    ``previous`` the last build's manifest entries. None when every page must be planned."""
    last = _read(store, site)
    if last is None or last[0] != fingerprints.base:
        return None
    _base, old_items, old_history, old_deps, token = last
    changed = _changed(fingerprints.items, old_items)
    changed.discard("h")  # the history as a whole: not a dependency of task pages
    # Nor is the schedule (of a project, ``s:``, or of a person, ``b:``).
    changed = {key for key in changed if not key.startswith(("s:", "b:"))}
    if any(not key.startswith(("t:", "c:")) for key in changed):
        return None  # a thread (c:) is a dependency of its item's page alone
    changed.update(f"h:{task_id}" for task_id in _changed(history, old_history))
    again = _planned_again(data, changed, old_deps)
    # A page is kept when its task is still there (its page path known), was planned last
    # time, has its manifest entry, and is not planned again.
    paths = data.links.task_paths()
    found = {
        task_id: (deps, entry)
        for task_id, deps in old_deps.items()
        if task_id not in again
        and (path := paths.get(task_id)) is not None
        and (entry := previous.get(path)) is not None
    }
    deps_kept = {task_id: deps for task_id, (deps, _entry) in found.items()}
    kept_fingerprints = {paths[task_id]: entry[0] for task_id, (_deps, entry) in found.items()}
    return Kept(deps_kept, kept_fingerprints, old_deps, token)


def _planned_again(
    data: SiteData, changed: set[str], old_deps: dict[str, tuple[str, ...]]
) -> set[str]:
    """The ids of the tasks whose pages must be planned again: the changed tasks, their
    neighbours now, and every task whose page depended on one of them last time."""
    ws = data.ws
    again: set[str] = set()
    for key in changed:
        if key.startswith("c:"):
            continue  # a thread: only the pages that name it (below)
        again.add(key[2:])
        task = ws.tasks.get(key[2:])
        if task is not None:
            again.update(neighbour.id for neighbour in neighbours(ws, task))
    isdisjoint = changed.isdisjoint
    again.update(task_id for task_id, deps in old_deps.items() if not isdisjoint(deps))
    return again


def _changed(new: Mapping[str, str], old: Mapping[str, str]) -> set[str]:
    """The keys whose values differ, or that only one of the two has."""
    if new == old:
        return set()
    return {key for key, _value in new.items() ^ old.items()}


def complete(data: SiteData, kept: Kept, fingerprints: Fingerprints) -> int:
    """Plan the pages of the tasks ``kept`` does not keep, and add them: it then holds every
    task page, so their fingerprints (the whole-site files are made of them) are known before
    the plan. Returns how many were planned."""
    fresh = [task for task in data.ws.tasks if task.id not in kept.deps]
    planned = task_pages(data, fresh)
    for task, page, key in zip(fresh, planned, fingerprints.of(planned), strict=True):
        kept.deps[task.id] = page.deps
        kept.fingerprints[page.path] = key
    kept.fresh.update(task.id for task in fresh)
    return len(fresh)


def keep(
    store: Cache,
    site: str,
    fingerprints: Fingerprints,
    history: Mapping[str, str],
    deps: dict[str, tuple[str, ...]],
    kept: Kept | None,
) -> None:
    """Keep this build's digests and task pages' dependencies (by task id) for the next
    build. The dependencies have an entry of their own, written only when they changed since
    ``kept`` was read."""
    token = kept.token if kept is not None and deps == kept.old_deps else None
    if token is None:
        token = f"{time.time_ns()}-{os.getpid()}"
        store.put(f"{site}-plan-deps", ENTRY_KEY, (token, deps))
    store.put(
        f"{site}-plan",
        ENTRY_KEY,
        (fingerprints.base, dict(fingerprints.items), dict(history), token),
    )


State = tuple[str, dict[str, str], dict[str, str], dict[str, tuple[str, ...]], str]


def _read(store: Cache, site: str) -> State | None:
    """The last build's base key, digests, dependencies and the dependencies' token."""
    main = store.get(f"{site}-plan", ENTRY_KEY)
    deps = store.get(f"{site}-plan-deps", ENTRY_KEY)
    if not (isinstance(main, tuple) and len(main) == 4 and isinstance(main[0], str)):
        return None
    if not (isinstance(deps, tuple) and len(deps) == 2 and deps[0] == main[3]):
        return None  # written by different builds (one was interrupted)
    if not all(isinstance(part, dict) for part in (main[1], main[2], deps[1])):
        return None
    return main[0], main[1], main[2], deps[1], main[3]
