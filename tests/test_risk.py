"""Three-point estimates and the schedule-risk simulation over the plan (today is Monday 23
November 2026)."""

from __future__ import annotations

import datetime as dt
import json

from click.testing import CliRunner
from conftest import TODAY

from worktext.check.pipeline import open_workspace
from worktext.cli import cli
from worktext.plan.risk import schedule_risk
from worktext.plan.schedule import schedule

D = dt.date
PROJECT = "---\ntitle: Web\nmilestones: [{id: launch, title: Launch}]\n---\n"


def test_ranges_are_read_with_their_likely_value(make_workspace) -> None:
    root = make_workspace(
        {
            "tasks/A.md": "---\nestimate: 2d..5d\n---\n",
            "tasks/B.md": "---\nestimate: 2d..3d..5d\n---\n",
            "tasks/C.md": "---\nestimate: 5d..2d\n---\n",
            "tasks/E.md": "---\nestimate: 1d..2d..3d..4d\n---\n",
        }
    )
    ws = open_workspace(root, today=TODAY, use_cache=False)
    a, b = ws.tasks.get("A"), ws.tasks.get("B")
    assert (a.estimate, a.extra["estimate_range"]) == (28.0, (16.0, 28.0, 40.0))
    assert (b.estimate, b.extra["estimate_range"]) == (24.0, (16.0, 24.0, 40.0))
    assert ws.tasks.get("C").estimate is None
    problems = sorted((d.path, d.line, d.code) for d in ws.diagnostics)
    assert problems == [
        ("tasks/C.md", 2, "invalid-duration"),
        ("tasks/E.md", 2, "invalid-duration"),
    ]


def _workspace(make_workspace):
    root = make_workspace(
        {
            "people/ana.md": "---\nname: Ana\n---\n",
            "projects/web.md": PROJECT,
            # 8 to 24 hours, 16 likely: it ends Monday, Tuesday or Wednesday.
            "tasks/A.md": "---\nproject: web\nassignee: ana\nmilestone: launch\n"
            "estimate: 1d..3d\n---\n",
            "tasks/B.md": "---\nproject: web\nassignee: ana\nestimate: 1d\ndepends_on: [A]\n---\n",
        }
    )
    return root, open_workspace(root, today=TODAY, use_cache=False)


def test_the_risk_simulation_spreads_the_finish_between_its_bounds(make_workspace) -> None:
    _, ws = _workspace(make_workspace)
    planned = {t.id: t.planned_finish for t in schedule(ws, TODAY).tasks}
    assert planned == {"A": D(2026, 11, 24), "B": D(2026, 11, 25)}  # the likely value
    spreads = {(s.kind, s.key): s.dates for s in schedule_risk(ws, TODAY, trials=300, seed=4)}
    launch = spreads[("milestone", "web/launch")]
    assert D(2026, 11, 23) <= launch[50] <= launch[85] <= launch[95] <= D(2026, 11, 25)
    assert launch[95] == D(2026, 11, 25)  # more than 5 % of draws need over 16 hours
    web = spreads[("project", "web")]
    assert web[95] == D(2026, 11, 26)  # B follows A: a day after A's latest finish
    assert schedule_risk(ws, TODAY, trials=300, seed=4) == schedule_risk(
        ws, TODAY, trials=300, seed=4
    )


def test_forecast_schedule_command(make_workspace) -> None:
    root, _ = _workspace(make_workspace)
    args = ["-w", str(root), "--today", "2026-11-23", "--no-cache", "forecast"]
    result = CliRunner().invoke(
        cli, [*args, "web/launch", "--schedule", "--trials", "200", "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert (record["id"], record["trials"], record["method"]) == ("web/launch", 200, "schedule")
    assert record["p50"] <= record["p85"] <= record["p95"] == "2026-11-25"


def test_without_ranges_the_plan_is_run_once(make_workspace) -> None:
    root = make_workspace(
        {
            "people/ana.md": "---\nname: Ana\n---\n",
            "tasks/A.md": "---\nassignee: ana\nestimate: 2d\n---\n",
        }
    )
    ws = open_workspace(root, today=TODAY, use_cache=False)
    (spread,) = schedule_risk(ws, TODAY, trials=500)
    assert (spread.key, spread.trials) == ("general", 1)
    assert set(spread.dates.values()) == {D(2026, 11, 24)}
