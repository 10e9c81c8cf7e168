"""Flow metrics over a scripted git history with exact dates."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from git_helpers import WORKFLOW, Repo, task

from worktext.check.pipeline import open_workspace
from worktext.cli import cli
from worktext.history import metrics
from worktext.history.reconstruct import load_history

TODAY = dt.date(2026, 1, 12)
D = dt.date


def at(day: int, hour: int = 9) -> str:
    return f"2026-01-{day:02d}T{hour:02d}:00:00+00:00"


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """Project 'web' with milestone 'beta', its own workflow; three tasks with known moves.

    A-1: created 1st, doing 2nd, review 4th, done 5th (estimate 1d)
    A-2: created 1st, doing 3rd, done 6th, reopened (doing) 7th, done 9th (estimate 4h)
    A-3: created 5th, doing 8th, still doing (no estimate); A-4 created 2nd, dropped 3rd
    """
    repo = Repo(tmp_path / "r", "name: Flow\ndefault_workflow: flow\n")
    repo.write(
        {
            "workflows/flow.md": WORKFLOW,
            "projects/web.md": (
                "---\ntitle: Web\nmilestones:\n  - {id: beta, title: Beta, date: 2026-01-20}\n---\n"
            ),
        }
    )
    web = {"project": "web", "milestone": "beta"}

    def step(day: int, files: dict[str, str], message: str = "work") -> None:
        repo.write(files)
        repo.commit(message, at(day))

    step(
        1,
        {
            "tasks/A-1.md": task(status="todo", estimate="1d", **web),
            "tasks/A-2.md": task(status="todo", estimate="4h", **web),
        },
    )
    step(
        2,
        {
            "tasks/A-1.md": task(status="doing", estimate="1d", **web),
            "tasks/A-4.md": task(status="todo", project="web"),
        },
    )
    step(
        3,
        {
            "tasks/A-2.md": task(status="doing", estimate="4h", **web),
            "tasks/A-4.md": task(status="dropped", project="web"),
        },
    )
    step(4, {"tasks/A-1.md": task(status="review", estimate="1d", **web)})
    step(
        5,
        {
            "tasks/A-1.md": task(status="done", estimate="1d", **web),
            "tasks/A-3.md": task(status="todo", project="web"),
        },
    )
    step(6, {"tasks/A-2.md": task(status="done", estimate="4h", **web)})
    step(7, {"tasks/A-2.md": task(status="doing", estimate="4h", **web)})
    step(8, {"tasks/A-3.md": task(status="doing", project="web")})
    step(9, {"tasks/A-2.md": task(status="done", estimate="4h", **web)})
    return repo


def flows_at(root: Path, today: dt.date) -> dict[str, metrics.TaskFlow]:
    ws = open_workspace(root, today=today, use_cache=False)
    history = load_history(ws.config, use_cache=False)
    return {f.id: f for f in metrics.task_flows(history, ws, today)}


def flows_of(repo: Repo) -> dict[str, metrics.TaskFlow]:
    return flows_at(repo.root, TODAY)


def test_per_task_figures(repo: Repo) -> None:
    flows = flows_of(repo)
    a1, a2, a3, a4 = (flows[k] for k in ("A-1", "A-2", "A-3", "A-4"))
    assert (a1.lead_days, a1.cycle_days, a1.reopens) == (4.0, 3.0, 0)
    assert a1.time_in_state == {"todo": 1.0, "doing": 2.0, "review": 1.0, "done": 7.625}
    assert (a2.lead_days, a2.cycle_days, a2.reopens) == (8.0, 6.0, 1)
    assert a2.finished == dt.datetime(2026, 1, 9, 9, tzinfo=dt.timezone.utc)
    assert a2.time_in_state == {"todo": 2.0, "doing": 5.0, "done": 4.625}
    assert (a3.status, a3.category, a3.lead_days, a3.cycle_days) == ("doing", "active", None, None)
    assert (a4.category, a4.finished, a4.reopens) == ("cancelled", None, 0)


def test_daily_series(repo: Repo) -> None:
    flows = list(flows_of(repo).values())
    days = metrics.day_range(flows, TODAY)
    assert (days[0], days[-1], len(days)) == (D(2026, 1, 1), TODAY, 12)
    flow = metrics.cumulative_flow(flows, days)
    assert flow["todo"] == [2, 2, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0]
    assert flow["doing"] == [0, 1, 2, 1, 1, 0, 1, 2, 1, 1, 1, 1]
    assert flow["done"] == [0, 0, 0, 0, 1, 2, 1, 1, 2, 2, 2, 2]
    assert flow["dropped"] == [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
    assert flow["review"] == [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]
    assert metrics.wip(flows, days) == [0, 1, 2, 2, 1, 0, 1, 2, 1, 1, 1, 1]


def test_throughput_percentiles_and_ageing(repo: Repo) -> None:
    flows = list(flows_of(repo).values())
    # 2026-01-05 is a Monday: A-1 finished in that week, A-2 (finally) on Friday the 9th.
    assert metrics.throughput(flows, TODAY) == [(D(2026, 1, 5), 2), (D(2026, 1, 12), 0)]
    assert metrics.cycle_percentiles(flows) == {50: 3.0, 85: 6.0, 95: 6.0}
    ages = metrics.ageing(flows, TODAY)
    assert [(a.id, a.status, a.days) for a in ages] == [("A-3", "doing", 4.625)]
    assert metrics.cycle_points(flows) == [(D(2026, 1, 5), 3.0, "A-1"), (D(2026, 1, 9), 6.0, "A-2")]


def test_burnup_by_count_and_estimate_per_milestone(repo: Repo) -> None:
    flows = list(flows_of(repo).values())
    days = metrics.day_range(flows, TODAY)
    beta = metrics.burn(flows, days, project="web", milestone="beta")
    assert beta.scope == [2] * 12
    assert beta.done == [0, 0, 0, 0, 1, 2, 1, 1, 2, 2, 2, 2]
    assert beta.scope_hours == [12.0] * 12
    assert beta.done_hours == [0, 0, 0, 0, 8, 12, 8, 8, 12, 12, 12, 12]
    assert beta.remaining_hours[-1] == 0
    web = metrics.burn(flows, days, project="web")
    # A-4 is in scope on the 2nd only (it is cancelled on the 3rd); A-3 joins on the 5th.
    assert web.scope == [2, 3, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3]
    assert web.remaining == [2, 3, 2, 2, 2, 1, 2, 2, 1, 1, 1, 1]


def test_percentile_nearest_rank() -> None:
    assert metrics.percentile([], 50) is None
    assert metrics.percentile([5.0], 95) == 5.0
    values = [float(v) for v in range(1, 21)]
    assert [metrics.percentile(values, p) for p in (50, 85, 95)] == [10.0, 17.0, 19.0]


def test_stats_command_text_json_csv(repo: Repo) -> None:
    runner = CliRunner()
    base = ["-w", str(repo.root), "--today", "2026-01-12", "stats"]
    text = runner.invoke(cli, base)
    assert text.exit_code == 0, text.output
    assert "== project web" in text.output
    beta = text.output.split("== project web milestone beta\n", 1)[1]
    assert beta.splitlines()[4] == ("  scope: 2 tasks, 2 done, 0 left; 12h estimated, 0h left")
    assert "cycle time p50/p85/p95: 3.0d / 6.0d / 6.0d" in text.output
    result = runner.invoke(cli, [*base, "--project", "web", "--milestone", "beta", "-f", "json"])
    payload = json.loads(result.stdout)
    summary = payload["summaries"][0]
    assert summary["finished"] == 2 and summary["reopens"] == 1
    assert summary["throughput"] == [
        {"week": "2025-12-29", "finished": 0},
        {"week": "2026-01-05", "finished": 2},
        {"week": "2026-01-12", "finished": 0},
    ]
    assert summary["burn"]["done_hours"][-1] == 12.0
    csv_out = runner.invoke(cli, [*base, "-f", "csv"]).stdout.splitlines()
    assert csv_out[0].startswith("id,project,workflow,status,created,started,finished,lead_days")
    assert csv_out[1].startswith("A-1,web,flow,done,2026-01-01T09:00:00+00:00,")
    assert ",4.0,3.0,0," in csv_out[1]


def test_created_key_is_the_start_of_lead_time(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "c")
    repo.write(
        {
            "tasks/B-1.md": task(status="todo", created="2025-12-30"),
            "tasks/B-2.md": task(status="todo", created="2026-02-01"),  # later than its commit
        }
    )
    repo.commit("Import", at(1))
    repo.write(
        {
            "tasks/B-1.md": task(status="done", created="2025-12-30"),
            "tasks/B-2.md": task(status="done", created="2026-02-01"),
        }
    )
    repo.commit("Done", at(5))
    flows = flows_of(repo)
    assert flows["B-1"].created == dt.datetime(2025, 12, 30, tzinfo=dt.timezone.utc)
    assert (flows["B-1"].lead_days, flows["B-2"].lead_days) == (6.375, 4.0)


# -- history that starts after the work did (adoption, import) ------------------------------


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=dt.timezone.utc)  # type: ignore[misc]


@pytest.fixture
def adopted(tmp_path: Path) -> Repo:
    """Git history starts on 10 January 2026 (an adoption) with work from December in it.

    C-1 done: created 1 Dec, started 3 Dec, completed 8 Dec (all from its file)
    C-2 done: created 2 Dec, no completion date; C-5 done with no dates at all
    C-3 doing: created 5 Dec, started 6 Dec; moved to done in git on 12 January
    C-4 todo: created 20 Dec
    """
    repo = Repo(tmp_path / "a", "name: Adopted\ndefault_workflow: flow\n")
    c3 = {"created": "2025-12-05", "started": "2025-12-06"}
    repo.write(
        {
            "workflows/flow.md": WORKFLOW,
            "tasks/C-1.md": task(
                status="done", created="2025-12-01", started="2025-12-03", completed="2025-12-08"
            ),
            "tasks/C-2.md": task(status="done", created="2025-12-02"),
            "tasks/C-3.md": task(status="doing", **c3),
            "tasks/C-4.md": task(status="todo", created="2025-12-20"),
            "tasks/C-5.md": task(status="done"),
        }
    )
    repo.commit("Adopt worktext", at(10))
    repo.write({"tasks/C-3.md": task(status="done", **c3)})
    repo.commit("Finish C-3", at(12))
    return repo


ADOPTED_TODAY = D(2026, 1, 14)


def adopted_flows(repo: Repo, today: dt.date = ADOPTED_TODAY) -> dict[str, metrics.TaskFlow]:
    return flows_at(repo.root, today)


def test_file_dates_before_history_give_lead_and_cycle_times(adopted: Repo) -> None:
    flows = adopted_flows(adopted)
    c1, c2, c3, c4, c5 = (flows[f"C-{n}"] for n in range(1, 6))
    assert (c1.created, c1.started, c1.finished) == (
        utc(2025, 12, 1),
        utc(2025, 12, 3),
        utc(2025, 12, 8),
    )
    assert (c1.lead_days, c1.cycle_days) == (7.0, 5.0)
    assert c1.time_in_state == {"todo": 2.0, "doing": 5.0, "done": 38.0}
    # No completion date: finished when history first saw it done (the adoption commit).
    assert (c2.created, c2.finished, c2.lead_days) == (
        utc(2025, 12, 2),
        utc(2026, 1, 10, 9),
        39.375,
    )
    assert c2.cycle_days is None  # never seen active, and its file does not say when it started
    # Started before history, finished in it: cycle time from the file's start.
    assert (c3.started, c3.finished) == (utc(2025, 12, 6), utc(2026, 1, 12, 9))
    assert (c3.cycle_days, c3.lead_days) == (37.375, 38.375)
    assert (c4.created, c4.segments[0].start, c4.status) == (
        utc(2025, 12, 20),
        utc(2025, 12, 20),
        "todo",
    )
    # Nothing but the commit: created and finished in it.
    assert (c5.created, c5.finished, c5.lead_days) == (
        utc(2026, 1, 10, 9),
        utc(2026, 1, 10, 9),
        0.0,
    )


def test_throughput_and_flow_are_right_from_the_first_day(adopted: Repo) -> None:
    flows = list(adopted_flows(adopted).values())
    assert metrics.throughput(flows, ADOPTED_TODAY) == [
        (D(2025, 12, 8), 1),
        (D(2025, 12, 15), 0),
        (D(2025, 12, 22), 0),
        (D(2025, 12, 29), 0),
        (D(2026, 1, 5), 2),
        (D(2026, 1, 12), 1),
    ]
    days = metrics.day_range(flows, ADOPTED_TODAY)
    assert days[0] == D(2025, 12, 1)
    flow = metrics.cumulative_flow(flows, days)
    on = {day: i for i, day in enumerate(days)}
    assert {k: v[on[D(2025, 12, 10)]] for k, v in flow.items()} == {
        "todo": 1,  # C-2 (C-3 is doing since the 6th; C-4 comes on the 20th)
        "doing": 1,
        "done": 1,  # C-1 since the 8th
    }
    assert {k: v[on[D(2025, 12, 20)]] for k, v in flow.items()}["todo"] == 2
    assert metrics.wip(flows, days)[on[D(2025, 12, 4)]] == 1  # C-1 was in progress


def test_stats_counts_adopted_work_as_finished(adopted: Repo) -> None:
    result = CliRunner().invoke(
        cli, ["-w", str(adopted.root), "--today", "2026-01-14", "stats", "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)["summaries"][0]
    assert summary["finished"] == 4
    assert summary["lead_time_days"] == {"p50": 7.0, "p85": 39.375, "p95": 39.375}
    assert summary["cycle_time_days"] == {"p50": 5.0, "p85": 37.375, "p95": 37.375}


def test_a_shallow_cut_is_not_a_finish_without_a_completion_date(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "s", "name: Cut\ndefault_workflow: flow\n")
    repo.write({"workflows/flow.md": WORKFLOW, "tasks/S-1.md": task(status="todo")})
    repo.write({"tasks/S-2.md": task(status="todo"), "tasks/S-3.md": task(status="todo")})
    repo.commit("Plan", at(1))
    repo.write(
        {
            "tasks/S-1.md": task(status="done"),
            "tasks/S-2.md": task(status="done", completed="2026-01-02"),
            "tasks/S-3.md": task(status="done", completed="2026-01-05"),  # after the cut
        }
    )
    repo.commit("Done", at(3))
    repo.write({"notes.txt": "x\n"})
    repo.commit("Later", at(4))
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "2", f"file://{repo.root}", str(clone)], check=True
    )
    flows = flows_at(clone, TODAY)
    assert flows["S-1"].finished is None  # present done at the cut: when is unknown
    assert flows["S-2"].finished == utc(2026, 1, 2)
    assert flows["S-3"].finished is None  # a completion date later than the cut says nothing
    assert (flows["S-2"].created, flows["S-2"].lead_days) == (None, None)  # created: unknown


# -- --today in the past ---------------------------------------------------------------------


def test_a_past_today_counts_only_what_happened_by_then(repo: Repo) -> None:
    flows = flows_at(repo.root, D(2026, 1, 6))
    a1, a2, a3 = flows["A-1"], flows["A-2"], flows["A-3"]
    # A-2 was done on the 6th; its reopening on the 7th and A-3's start on the 8th are later.
    assert (a2.status, a2.finished, a2.reopens) == ("done", utc(2026, 1, 6, 9), 0)
    assert (a2.lead_days, a2.cycle_days) == (5.0, 3.0)
    assert a2.time_in_state == {"todo": 2.0, "doing": 3.0, "done": 0.625}
    assert (a1.finished, a3.status, a3.started) == (utc(2026, 1, 5, 9), "todo", None)
    everything = list(flows.values())
    days = metrics.day_range(everything, D(2026, 1, 6))
    assert (days[0], days[-1]) == (D(2026, 1, 1), D(2026, 1, 6))
    assert metrics.throughput(everything, D(2026, 1, 6)) == [(D(2026, 1, 5), 2)]
    assert metrics.wip(everything, days) == [0, 1, 2, 2, 1, 0]
    assert metrics.cumulative_flow(everything, days)["done"] == [0, 0, 0, 0, 1, 2]
    assert metrics.burn(everything, days, "web", "beta").done_hours == [0, 0, 0, 0, 8, 12]
    assert metrics.cycle_percentiles(everything) == {50: 3.0, 85: 3.0, 95: 3.0}
    # A task created after the day asked for is not there at all.
    assert "A-3" not in flows_at(repo.root, D(2026, 1, 4))


def test_stats_with_a_past_today(repo: Repo) -> None:
    base = ["-w", str(repo.root), "--today", "2026-01-06", "stats", "--project", "web"]
    result = CliRunner().invoke(cli, [*base, "-f", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    summary = payload["summaries"][0]
    assert (summary["finished"], summary["reopens"]) == (2, 0)
    assert summary["days"][-1] == "2026-01-06" and summary["wip"][-1] == 0
    assert summary["cumulative_flow"]["todo"][-1] == 1  # A-3, which only starts on the 8th
    assert [a["id"] for a in summary["ageing"]] == ["A-3"]
    assert {t["id"]: t["status"] for t in payload["tasks"]} == {
        "A-1": "done",
        "A-2": "done",
        "A-3": "todo",
        "A-4": "dropped",
    }
    text = CliRunner().invoke(cli, base).output
    assert "  now: todo: 1, done: 2, dropped: 1" in text


def test_a_past_today_ignores_file_dates_after_it(adopted: Repo) -> None:
    # As of 9 December: C-1 done on the 8th; C-2 and C-3 created; C-4 and C-5 not yet known.
    flows = adopted_flows(adopted, D(2025, 12, 9))
    assert sorted(flows) == ["C-1", "C-2", "C-3"]
    assert (flows["C-1"].status, flows["C-1"].finished) == ("done", utc(2025, 12, 8))
    assert (flows["C-2"].status, flows["C-2"].finished) == ("todo", None)
    assert (flows["C-3"].status, flows["C-3"].started) == ("doing", utc(2025, 12, 6))
    # As of 3 December, C-1 was only just started (its completion date is later).
    early = adopted_flows(adopted, D(2025, 12, 3))["C-1"]
    assert (early.status, early.started, early.finished) == ("doing", utc(2025, 12, 3), None)


def test_active_range_ends_at_the_last_change(repo: Repo) -> None:
    flows = list(flows_of(repo).values())
    later = D(2027, 6, 1)
    assert metrics.active_range(flows, later) == [D(2026, 1, d) for d in range(1, 10)]
    assert metrics.active_range(flows, later, 3) == [D(2026, 1, 7), D(2026, 1, 8), D(2026, 1, 9)]
    assert metrics.active_range(flows, D(2026, 1, 4))[-1] == D(2026, 1, 4)
    assert metrics.active_range([], later) == [later]
