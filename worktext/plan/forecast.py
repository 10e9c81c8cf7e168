"""Monte Carlo forecasts from throughput: when N open tasks will be done, and how many will be
done by a date.

The method (``site/docs/planning.md`` states it for users):

* The sample is the number of tasks finished in each of the last ``WEEKS`` whole weeks (Monday
  to Sunday, the current week left out) of the same project, goal or workspace, read from git.
* One trial draws past weeks at random, with replacement, and takes their counts as the weeks
  ahead, until the open tasks are done; with a split rate, each task finished adds another
  with that probability (work that grows). The trial's date is the last day of the week it
  finishes in, counting the week from ``today`` as the first.
* Of ``TRIALS`` trials, the 50th, 85th and 95th percentile dates: "85 % likely by" is the
  date by which 85 % of the trials were done. "How many by DATE" is read the other way: the
  number of tasks that 50, 85 and 95 % of the trials finish by then.
* A seeded generator (``random.Random(seed)``) makes the figures the same on every run.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

TRIALS = 10_000
WEEKS = 26  # weeks of history sampled, at most
MAX_WEEKS = 520  # a trial that needs longer than ten years is called never
PERCENTILES = (50, 85, 95)
CHUNK = 32  # weeks drawn at once per trial


@dataclass(frozen=True)
class Forecast:
    remaining: int  # open tasks
    dates: dict[int, dt.date | None]  # percentile → date (None: not within ten years)
    trials: int
    weeks_sampled: int
    seed: int
    split_rate: float = 0.0
    reason: str = ""  # why there are no dates, when there are none


@dataclass(frozen=True)
class HowMany:
    until: dt.date
    weeks: int  # whole weeks from today to ``until``
    counts: dict[int, int]  # percentile → at least this many done, in that share of trials


def sample_weeks(weekly: Sequence[tuple[dt.date, int]], today: dt.date) -> list[int]:
    """The counts of the last ``WEEKS`` whole weeks before ``today``'s week."""
    this_week = today - dt.timedelta(days=today.weekday())
    whole = [count for week, count in weekly if week < this_week]
    return whole[-WEEKS:]


def _end_of_week(today: dt.date, weeks: int) -> dt.date:
    return today + dt.timedelta(days=7 * weeks - 1) if weeks > 0 else today


def _percentile(sorted_values: Sequence[int], p: int) -> int:
    """The value below or at which ``p`` % of the values lie (nearest rank)."""
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def when_done(
    samples: Sequence[int],
    remaining: int,
    today: dt.date,
    trials: int = TRIALS,
    seed: int = 1,
    split_rate: float = 0.0,
) -> Forecast:
    """When ``remaining`` tasks will be done, at each of ``PERCENTILES``."""
    if remaining <= 0:
        return Forecast(
            0, dict.fromkeys(PERCENTILES, today), trials, len(samples), seed, split_rate
        )
    if not samples or not any(samples):
        reason = "no task was finished in the weeks sampled" if samples else "no history"
        return Forecast(
            remaining, dict.fromkeys(PERCENTILES), trials, len(samples), seed, split_rate, reason
        )
    if split_rate <= 0:
        return when_done_many(samples, [remaining], today, trials, seed)[0]
    rng = random.Random(seed)
    tables = _binomial_tables(max(samples), split_rate)
    weeks = [_trial_with_splits(rng, samples, remaining, tables) for _ in range(trials)]
    return _forecast(weeks, remaining, today, trials, len(samples), seed, split_rate)


def _forecast(
    weeks: list[int],
    remaining: int,
    today: dt.date,
    trials: int,
    sampled: int,
    seed: int,
    split_rate: float = 0.0,
) -> Forecast:
    weeks.sort()
    dates: dict[int, dt.date | None] = {}
    for p in PERCENTILES:
        needed = _percentile(weeks, p)
        dates[p] = _end_of_week(today, needed) if needed <= MAX_WEEKS else None
    return Forecast(remaining, dates, trials, sampled, seed, split_rate)


def when_done_many(
    samples: Sequence[int],
    remainings: Sequence[int],
    today: dt.date,
    trials: int = TRIALS,
    seed: int = 1,
) -> list[Forecast]:
    """``when_done`` for several counts of open tasks from the same throughput at once (a
    project and its milestones): one set of trials, each read for every count, so the
    answers agree with each other and cost little more than the largest alone."""
    out: list[Forecast | None] = [None] * len(remainings)
    wanted = []
    for index, remaining in enumerate(remainings):
        if remaining <= 0 or not samples or not any(samples):
            out[index] = when_done(samples, remaining, today, trials, seed)
        else:
            wanted.append(index)
    if wanted:
        top = max(remainings[i] for i in wanted)
        rng = random.Random(seed)
        runs = [_trial(rng, samples, top) for _ in range(trials)]
        for index in wanted:
            remaining = remainings[index]
            weeks = [_weeks_to(run, remaining) for run in runs]
            out[index] = _forecast(weeks, remaining, today, trials, len(samples), seed)
    return [f for f in out if f is not None]


def _trial(rng: random.Random, samples: Sequence[int], remaining: int) -> list[int]:
    """One trial: the tasks done by the end of each week (from 0 before the first), drawn
    until ``remaining`` are done or ``MAX_WEEKS`` have passed."""
    done = [0]
    while len(done) <= MAX_WEEKS + 1:
        done.extend(itertools.accumulate(rng.choices(samples, k=CHUNK), initial=done[-1]))
        done.pop(len(done) - CHUNK - 1)  # the initial value repeats the last total
        if done[-1] >= remaining:
            break
    return done


def _weeks_to(run: list[int], remaining: int) -> int:
    """The weeks a trial takes to finish ``remaining`` tasks (``MAX_WEEKS + 1``: never)."""
    if run[-1] < remaining:
        return MAX_WEEKS + 1
    return bisect.bisect_left(run, remaining)


def _trial_with_splits(
    rng: random.Random, samples: Sequence[int], remaining: int, tables: list[list[float]]
) -> int:
    left, week = remaining, 0
    while left > 0 and week <= MAX_WEEKS:
        week += 1
        finished = min(left, rng.choice(samples))
        grown = bisect.bisect_right(tables[finished], rng.random())
        left += grown - finished
    return week if left <= 0 else MAX_WEEKS + 1


def _binomial_tables(largest: int, rate: float) -> list[list[float]]:
    """For each count n up to ``largest``, the cumulative probabilities of 0…n-1 of n
    finished tasks splitting (a binomial draw is then one random number and a bisection)."""
    tables = []
    for n in range(largest + 1):
        cumulative, total = [], 0.0
        for k in range(n):
            total += math.comb(n, k) * rate**k * (1 - rate) ** (n - k)
            cumulative.append(total)
        tables.append(cumulative)
    return tables


def how_many(
    samples: Sequence[int],
    today: dt.date,
    until: dt.date,
    trials: int = TRIALS,
    seed: int = 1,
) -> HowMany:
    """How many tasks will be done from ``today`` to ``until``: at least ``counts[p]`` in
    ``p`` % of the trials."""
    weeks = max(0, ((until - today).days + 1) // 7)
    if not samples or weeks == 0:
        return HowMany(until, weeks, dict.fromkeys(PERCENTILES, 0))
    rng = random.Random(seed)
    totals = sorted(sum(rng.choices(samples, k=weeks)) for _ in range(trials))
    counts = {p: _percentile(totals, 100 - p) for p in PERCENTILES}
    return HowMany(until, weeks, counts)


__all__ = ["PERCENTILES", "TRIALS", "Forecast", "HowMany", "how_many", "sample_weeks", "when_done"]
