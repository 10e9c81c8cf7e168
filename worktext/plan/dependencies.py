"""The order that dependencies put tasks in: successors and predecessors, a topological order,
the tasks on cycles, and the longest chain of work ahead of each task. Plain functions over
task ids; the scheduler says what becomes of the tasks they cannot order."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

from worktext.model.items import Task
from worktext.model.workspace import Workspace

Links = dict[str, list[str]]


def graph(ws: Workspace, tasks: Iterable[Task]) -> tuple[Links, Links]:
    """Successors and predecessors by task id: each task's open dependencies."""
    succ: Links = defaultdict(list)
    preds: Links = defaultdict(list)
    for task in tasks:
        for dependency in ws.dependencies(task):
            if ws.is_open(dependency) and dependency.id != task.id:
                preds[task.id].append(dependency.id)
                succ[dependency.id].append(task.id)
    return succ, preds


def topological(
    ids: Iterable[str], succ: Links, preds: Links, order: Mapping[str, int]
) -> list[str]:
    """The ids that can be ordered, each after what it waits for among ``ids`` (Kahn's
    algorithm); those on or behind a cycle are left out."""
    wanted = set(ids)
    waiting = {t: sum(1 for p in preds.get(t, ()) if p in wanted) for t in wanted}
    ready = sorted((t for t, n in waiting.items() if n == 0), key=order.__getitem__)
    out: list[str] = []
    while ready:
        task_id = ready.pop()
        out.append(task_id)
        for nxt in succ.get(task_id, ()):
            if nxt in waiting:
                waiting[nxt] -= 1
                if waiting[nxt] == 0:
                    ready.append(nxt)
    return out


def on_cycles(stuck: Iterable[str], succ: Links) -> set[str]:
    """Of the tasks a topological order left out, those that also lead back into a cycle:
    peel off, again and again, the ones with no stuck successor (they are merely behind)."""
    left = set(stuck)
    outgoing = {t: sum(1 for s in succ.get(t, ()) if s in left) for t in left}
    peel = [t for t, n in outgoing.items() if n == 0]
    reverse: Links = defaultdict(list)
    for task_id in left:
        for nxt in succ.get(task_id, ()):
            if nxt in left:
                reverse[nxt].append(task_id)
    while peel:
        task_id = peel.pop()
        left.discard(task_id)
        for before in reverse.get(task_id, ()):
            outgoing[before] -= 1
            if outgoing[before] == 0:
                peel.append(before)
    return left


def longest_chains(topo: list[str], succ: Links, days: Callable[[str], float]) -> dict[str, float]:
    """For each id of ``topo``, the working days of the longest chain of work from it to the
    end (its own ``days`` included): the scheduler's criticality."""
    chain: dict[str, float] = {}
    for task_id in reversed(topo):
        after = [chain[s] for s in succ.get(task_id, ()) if s in chain]
        chain[task_id] = days(task_id) + (max(after) if after else 0.0)
    return chain


__all__ = ["graph", "longest_chains", "on_cycles", "topological"]
