"""The scheduler against schedules worked out by hand (today is Monday 23 November 2026)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

from click.testing import CliRunner
from conftest import TODAY

from worktext.check.pipeline import open_workspace
from worktext.cli import cli as main
from worktext.plan.outlook import outlooks
from worktext.plan.schedule import Schedule, schedule

D = dt.date
PEOPLE = {
    "people/ana.md": "---\nname: Ana\n---\n",
    "people/bo.md": "---\nname: Bo\n---\n",
}


def task(task_id: str, **keys: object) -> tuple[str, str]:
    lines = [f"{key}: {value}" for key, value in keys.items()]
    return f"tasks/{task_id}.md", "---\n" + "\n".join(lines) + "\n---\n"


def plan_of(make_workspace, *tasks: tuple[str, str], config: str = "name: T\n", **files: str):
    root = make_workspace({**PEOPLE, **dict(tasks), **files}, config=config)
    ws = open_workspace(root, today=TODAY, use_cache=False)
    return ws, schedule(ws, TODAY)


def dates(plan: Schedule) -> dict[str, tuple[str, str, int, bool]]:
    return {
        t.id: (t.planned_start.isoformat(), t.planned_finish.isoformat(), t.slack_days, t.critical)
        for t in plan.tasks
    }


def test_a_chain_with_a_lag_and_a_free_task(make_workspace) -> None:
    # A: 16h of Ana, Mon-Tue. B (Bo) waits a working day after A: Wed is the lag, so Thu.
    # C: Ana's 4h on Fri. D: Bo's free Monday, with four working days of slack to Friday.
    _, plan = plan_of(
        make_workspace,
        task("A", assignee="ana", estimate="2d"),
        task("B", assignee="bo", estimate="8h", depends_on="[A]", lag="1d"),
        task("C", assignee="ana", estimate="4h", depends_on="[B]"),
        task("D", assignee="bo", estimate="8h"),
    )
    assert dates(plan) == {
        "A": ("2026-11-23", "2026-11-24", 0, True),
        "B": ("2026-11-26", "2026-11-26", 0, True),
        "C": ("2026-11-27", "2026-11-27", 0, True),
        "D": ("2026-11-23", "2026-11-23", 4, False),
    }


def test_contention_goes_by_priority_and_nobody_is_booked_twice(make_workspace) -> None:
    _, plan = plan_of(
        make_workspace,
        task("X", assignee="ana", estimate="16h", priority="low"),
        task("Y", assignee="ana", estimate="16h", priority="high"),
    )
    assert dates(plan)["Y"][:2] == ("2026-11-23", "2026-11-24")
    assert dates(plan)["X"][:2] == ("2026-11-25", "2026-11-26")
    assert all(hours <= 8 for hours in plan.bookings["ana"].values())
    assert sum(plan.bookings["ana"].values()) == 32


def test_equal_priority_goes_to_the_longer_chain_first(make_workspace) -> None:
    # Q leads to R (two more days); P leads nowhere: Q is more critical and goes first.
    _, plan = plan_of(
        make_workspace,
        task("P", assignee="ana", estimate="8h"),
        task("Q", assignee="ana", estimate="8h"),
        task("R", assignee="bo", estimate="16h", depends_on="[Q]"),
    )
    assert dates(plan)["Q"][:2] == ("2026-11-23", "2026-11-23")
    assert dates(plan)["P"][:2] == ("2026-11-24", "2026-11-24")
    assert dates(plan)["R"][:2] == ("2026-11-24", "2026-11-25")


def test_assignees_share_the_effort_and_a_successor_starts_mid_day(make_workspace) -> None:
    # Z: 16h for two people is one day. H: Ana's 4h on Tuesday morning; K (Bo, 8h) starts
    # after it, Tuesday noon: four hours that day, four on Wednesday.
    _, plan = plan_of(
        make_workspace,
        task("Z", assignee="[ana, bo]", estimate="16h"),
        task("H", assignee="ana", estimate="4h", depends_on="[Z]"),
        task("K", assignee="bo", estimate="8h", depends_on="[H]"),
    )
    assert dates(plan)["Z"][:2] == ("2026-11-23", "2026-11-23")
    assert dates(plan)["H"][:2] == ("2026-11-24", "2026-11-24")
    assert dates(plan)["K"][:2] == ("2026-11-24", "2026-11-25")
    assert plan.bookings["bo"][D(2026, 11, 24)] == 4


def test_remaining_is_estimate_minus_logged_and_start_is_not_before(make_workspace) -> None:
    logged = "[{date: 2026-11-20, duration: 8h, who: ana}]"
    _, plan = plan_of(
        make_workspace,
        task("L", assignee="ana", estimate="16h", log=logged),
        task("S", assignee="bo", estimate="8h", start="2026-11-26"),
    )
    assert dates(plan)["L"][:2] == ("2026-11-23", "2026-11-23")
    assert dates(plan)["S"][:2] == ("2026-11-26", "2026-11-26")


def test_due_is_reported_not_moved(make_workspace) -> None:
    _, plan = plan_of(make_workspace, task("T", assignee="ana", estimate="3d", due="2026-11-24"))
    (planned,) = plan.tasks
    assert (planned.planned_finish, planned.late, planned.late_days) == (D(2026, 11, 25), True, 1)


def test_calendars_three_day_week_time_off_and_a_holiday(make_workspace) -> None:
    # Cy works Mon/Wed/Fri; Wednesday 25 is a public holiday and Cy is away Friday 27:
    # 24 hours take Mon 23, Mon 30 and Wed 2 December.
    _, plan = plan_of(
        make_workspace,
        task("W", assignee="cy", estimate="24h"),
        config="name: T\nholidays: [{date: 2026-11-25, name: Founders' Day}]\n",
        **{
            "people/cy.md": "---\nworkdays: [mon, wed, fri]\n"
            "away: [{from: 2026-11-27, to: 2026-11-27}]\n---\n"
        },
    )
    assert dates(plan)["W"][:2] == ("2026-11-23", "2026-12-02")
    assert sorted(plan.bookings["cy"]) == [D(2026, 11, 23), D(2026, 11, 30), D(2026, 12, 2)]


def test_unplanned_tasks_say_why_and_cycles_are_positioned(make_workspace) -> None:
    _, plan = plan_of(
        make_workspace,
        task("E", assignee="bo"),
        task("F", estimate="3h"),
        task("G", assignee="bo", estimate="3h", depends_on="[H]"),
        task("H", assignee="bo", estimate="3h", depends_on="[G]"),
        task("J", assignee="bo", estimate="3h", depends_on="[E]"),
        task("M", assignee="bo", estimate="3h", depends_on="[G]"),
        task("K", assignee="bo", estimate="3h", depends_on="[J]"),
    )
    assert [(u.id, u.reason) for u in plan.unplanned] == [
        ("E", "no estimate"),
        ("F", "no assignee"),
        ("G", "in a dependency cycle"),
        ("H", "in a dependency cycle"),
        ("J", "waits for E, which is unplanned"),
        ("K", "waits for J, which is unplanned"),
        ("M", "waits for tasks in a dependency cycle"),
    ]
    assert [(d.path, d.line, d.column, d.code) for d in plan.diagnostics] == [
        ("tasks/G.md", 4, 1, "plan-cycle"),
        ("tasks/H.md", 4, 1, "plan-cycle"),
    ]
    assert plan.tasks == []


def test_no_working_time_is_an_impossible_constraint(make_workspace) -> None:
    _, plan = plan_of(
        make_workspace,
        task("N", assignee="zed", estimate="3h"),
        **{"people/zed.md": "---\ncapacity: 0h\n---\n"},
    )
    assert [(u.id, u.reason) for u in plan.unplanned] == [
        ("N", "its assignees have no working time")
    ]
    assert [(d.line, d.code) for d in plan.diagnostics] == [(2, "plan-impossible")]


PROJECT = """---
title: Web
deadline: 2026-11-26
milestones: [{id: beta, title: Beta, date: 2026-11-30}]
---
"""


def test_project_and_milestone_outlooks_with_their_critical_path(make_workspace) -> None:
    ws, plan = plan_of(
        make_workspace,
        task("A", project="web", assignee="ana", estimate="2d", milestone="beta"),
        task("B", project="web", assignee="bo", estimate="8h", depends_on="[A]", lag="1d"),
        task("C", project="web", assignee="ana", estimate="4h", depends_on="[B]"),
        task("D", project="web", assignee="bo", estimate="8h"),
        **{"projects/web.md": PROJECT},
    )
    projects, milestones = outlooks(ws, plan)
    (web,) = projects
    assert (web.projected_finish, web.status, web.late_days) == (D(2026, 11, 27), "late", 1)
    assert web.critical_path == ("A", "B", "C")
    (beta,) = milestones
    assert (beta.projected_finish, beta.status) == (D(2026, 11, 24), "on track")


def test_plan_command_json_csv_text(make_workspace) -> None:
    root = make_workspace(
        {
            **PEOPLE,
            "projects/web.md": PROJECT,
            **dict(
                [
                    task("A", project="web", assignee="ana", estimate="2d", milestone="beta"),
                    task("B", project="web", assignee="bo", estimate="8h", depends_on="[A]"),
                ]
            ),
        }
    )
    runner = CliRunner()
    args = ["-w", str(root), "--today", "2026-11-23", "--no-cache", "plan"]
    result = runner.invoke(main, [*args, "-f", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert [(t["id"], t["planned_start"], t["planned_finish"]) for t in document["tasks"]] == [
        ("A", "2026-11-23", "2026-11-24"),
        ("B", "2026-11-25", "2026-11-25"),
    ]
    assert document["projects"][0]["projected_finish"] == "2026-11-25"
    assert document["projects"][0]["status"] == "at risk"
    assert document["milestones"][0]["id"] == "beta"
    assert runner.invoke(main, [*args, "-f", "json"]).output == result.output  # deterministic
    rows = list(csv.DictReader(io.StringIO(runner.invoke(main, [*args, "-f", "csv"]).output)))
    assert [(r["id"], r["critical"], r["slack_days"]) for r in rows] == [
        ("A", "true", "0"),
        ("B", "true", "0"),
    ]
    text = runner.invoke(main, args).output
    assert "Web: finishes 25 Nov, at risk (deadline 26 Nov); critical path: A → B" in text


def test_plan_exits_1_on_a_cycle(make_workspace) -> None:
    root = make_workspace(
        {
            **PEOPLE,
            **dict(
                [
                    task("G", assignee="bo", estimate="3h", depends_on="[H]"),
                    task("H", assignee="bo", estimate="3h", depends_on="[G]"),
                ]
            ),
        }
    )
    result = CliRunner().invoke(main, ["-w", str(root), "--today", "2026-11-23", "plan"])
    assert result.exit_code == 1
    assert "tasks/G.md:4:1" in result.output


def test_no_tasks_is_an_empty_plan(make_workspace) -> None:
    root: Path = make_workspace(dict(PEOPLE))
    ws = open_workspace(root, today=TODAY, use_cache=False)
    plan = schedule(ws)
    assert (plan.tasks, plan.unplanned, plan.diagnostics) == ([], [], [])
