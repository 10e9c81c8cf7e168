"""Monte Carlo forecasts: the simulation on samples whose answer is known, and the command
on a real git history (today is Monday 23 November 2026)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner
from git_helpers import Repo, task

from worktext.cli import cli
from worktext.plan.forecast import how_many, sample_weeks, when_done

D = dt.date
TODAY = D(2026, 11, 23)


def test_a_steady_team_finishes_on_a_known_date() -> None:
    # Two tasks every week: five tasks take three weeks, the third ending Sunday 13 Dec.
    done = when_done([2, 2, 2], 5, TODAY, trials=500, seed=3)
    assert done.dates == {50: D(2026, 12, 13), 85: D(2026, 12, 13), 95: D(2026, 12, 13)}
    assert (done.trials, done.weeks_sampled) == (500, 3)


def test_percentiles_spread_with_uneven_weeks_and_are_ordered() -> None:
    # Weeks of 0 or 4 tasks: 4 tasks take 1 week with p=1/2, 2 weeks with 1/4, 3 with 1/8...
    done = when_done([0, 4], 4, TODAY, trials=10_000, seed=7)
    assert done.dates[50] in (D(2026, 11, 29), D(2026, 12, 6))  # half in the first week
    assert done.dates[85] == D(2026, 12, 13)  # 87.5 % within three weeks
    assert done.dates[95] == D(2026, 12, 27)  # 96.9 % within five weeks (93.8 % in four)


def test_seeded_runs_repeat_and_splits_make_it_later() -> None:
    samples = [1, 3, 0, 2, 5, 1]
    first = when_done(samples, 20, TODAY, seed=11)
    assert first == when_done(samples, 20, TODAY, seed=11)
    grown = when_done(samples, 20, TODAY, seed=11, split_rate=0.3)
    assert all(grown.dates[p] >= first.dates[p] for p in (50, 85, 95))  # type: ignore[operator]
    assert grown.dates[85] > first.dates[85]  # type: ignore[operator]


def test_no_throughput_gives_no_dates_with_the_reason() -> None:
    done = when_done([0, 0, 0], 3, TODAY)
    assert done.dates == {50: None, 85: None, 95: None}
    assert done.reason == "no task was finished in the weeks sampled"
    assert when_done([], 3, TODAY).reason == "no history"
    assert when_done([1], 0, TODAY).dates[85] == TODAY


def test_how_many_by_a_date() -> None:
    steady = how_many([3], TODAY, D(2026, 12, 20))  # four whole weeks
    assert (steady.weeks, steady.counts) == (4, {50: 12, 85: 12, 95: 12})
    mixed = how_many([0, 2], TODAY, D(2026, 11, 29), trials=10_000, seed=5)  # one week
    assert (mixed.counts[85], mixed.counts[95]) == (0, 0)  # an empty week: likelier than 15 %
    many = how_many([0, 2], TODAY, D(2027, 1, 24), trials=10_000, seed=5)  # nine weeks
    assert many.counts[95] < many.counts[85] < many.counts[50] <= 18


def test_samples_are_the_last_whole_weeks() -> None:
    weekly = [(D(2026, 11, 2), 1), (D(2026, 11, 9), 2), (D(2026, 11, 16), 3), (TODAY, 9)]
    assert sample_weeks(weekly, TODAY) == [1, 2, 3]


def _history(root: Path) -> Repo:
    """Two tasks done in each of three weeks of November, and four open tasks of 'web'."""
    repo = Repo(root)
    repo.write({"projects/web.md": "---\ntitle: Web\nmilestones: [{id: launch}]\n---\n"})
    for n in range(1, 11):
        repo.write({f"tasks/W-{n}.md": task(project="web", status="todo", milestone="launch")})
    repo.commit("plan", "2026-10-26T09:00:00+00:00")
    for week, (a, b) in enumerate([(1, 2), (3, 4), (5, 6)]):
        when = (D(2026, 11, 3) + dt.timedelta(weeks=week)).isoformat() + "T10:00:00+00:00"
        for n in (a, b):
            repo.write({f"tasks/W-{n}.md": task(project="web", status="done", milestone="launch")})
        repo.commit(f"done {a} {b}", when)
    return repo


def test_forecast_command_on_a_git_history(tmp_path: Path) -> None:
    repo = _history(tmp_path / "ws")
    args = ["-w", str(repo.root), "--today", "2026-11-23", "--no-cache", "forecast"]
    result = CliRunner().invoke(cli, [*args, "web", "-f", "json", "--by", "2026-12-06"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    # Three whole weeks sampled (2, 9 and 16 Nov), two done in each; four tasks open: two
    # weeks in every trial, ending Sunday 6 December.
    assert (document["remaining"], document["weeks_sampled"], document["trials"]) == (4, 3, 10000)
    assert document["p50"] == document["p85"] == document["p95"] == "2026-12-06"
    assert document["by"]["weeks"] == 2
    milestone = CliRunner().invoke(cli, [*args, "web/launch"])
    assert "85 % likely by" in milestone.output
    assert "4 open tasks" in milestone.output


def test_several_counts_from_one_set_of_trials_agree_with_each_alone() -> None:
    from worktext.plan.forecast import when_done_many

    samples = [1, 3, 0, 2, 5, 1]
    many = when_done_many(samples, [20, 5, 0], TODAY, trials=2_000, seed=9)
    assert many[0] == when_done(samples, 20, TODAY, trials=2_000, seed=9)
    assert many[1].dates[85] <= many[0].dates[85]  # type: ignore[operator]
    assert many[2].dates == {50: TODAY, 85: TODAY, 95: TODAY}
