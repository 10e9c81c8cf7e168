"""Schedule risk: the plan run many times with three-point estimates drawn at random, for the
spread of each project's and milestone's projected finish.

A task with ``estimate: 2d..5d`` (or ``2d..3d..5d``) has its effort drawn in every trial from
the triangular distribution over low, likely and high; other tasks keep their estimate. Every
trial is a whole levelled schedule (``schedule.py``), so contention and the critical path move
with the draws. The trials are seeded, so the figures repeat.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass

from worktext.model.workspace import Workspace
from worktext.plan.forecast import PERCENTILES
from worktext.plan.outlook import outlooks
from worktext.plan.schedule import schedule

RISK_TRIALS = 500


@dataclass(frozen=True)
class Spread:
    kind: str  # project or milestone
    key: str  # the project id, or project/milestone
    dates: dict[int, dt.date | None]  # percentile → projected finish
    trials: int


def ranges(ws: Workspace) -> dict[str, tuple[float, float, float]]:
    """The open tasks' three-point estimates (hours), by task id."""
    out = {}
    for task in ws.tasks:
        found = task.extra.get("estimate_range")
        if ws.is_open(task) and isinstance(found, tuple | list) and len(found) == 3:
            low, likely, high = (float(v) for v in found)
            out[task.id] = (low, likely, high)
    return out


def schedule_risk(
    ws: Workspace, today: dt.date, trials: int = RISK_TRIALS, seed: int = 1
) -> list[Spread]:
    """Each project's and milestone's finish at the 50th, 85th and 95th percentile of
    ``trials`` schedules (projects first, by key); one schedule when no open task has a
    range, since every trial would be the same."""
    rng = random.Random(seed)
    estimates = ranges(ws)
    if not estimates:  # nothing to draw: every trial would be the plan itself
        trials = 1
    finishes: dict[tuple[str, str], list[dt.date]] = defaultdict(list)
    for _ in range(trials):
        drawn = {
            task_id: rng.triangular(low, high, likely)
            for task_id, (low, likely, high) in sorted(estimates.items())
        }
        plan = schedule(ws, today, drawn)
        projects, milestones = outlooks(ws, plan)
        for outlook in [*projects, *milestones]:
            if outlook.projected_finish is not None:
                finishes[(outlook.kind, outlook.key)].append(outlook.projected_finish)
    out = []
    for (kind, key), days in sorted(finishes.items(), key=lambda i: (i[0][0] != "project", i[0])):
        days.sort()
        dates: dict[int, dt.date | None] = {}
        for p in PERCENTILES:
            rank = max(1, -(-p * len(days) // 100))
            dates[p] = days[rank - 1]
        out.append(Spread(kind, key, dates, trials))
    return out


__all__ = ["RISK_TRIALS", "Spread", "ranges", "schedule_risk"]
