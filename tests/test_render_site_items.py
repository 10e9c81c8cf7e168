"""The site's fixes from the first-hour review: recurring work in words and from today,
ages and completion dates from git where the files hold none, edit links to the forge."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from git_helpers import WORKFLOW, Repo, task
from render_helpers import TODAY, fixture_workspace

from worktext.check.pipeline import open_workspace
from worktext.model.items import Task
from worktext.model.recurrence import describe, next_date
from worktext.render.build import build_site
from worktext.render.data import SiteData

D = dt.date


@pytest.mark.parametrize(
    ("rule", "first", "words"),
    [
        ("FREQ=MONTHLY;BYDAY=2TU", None, "monthly on the second Tuesday"),
        ("RRULE:FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2", None, "monthly on the second Tuesday"),
        ("FREQ=MONTHLY;BYDAY=-1FR", None, "monthly on the last Friday"),
        ("weekly", D(2026, 10, 26), "weekly on Monday"),
        ("FREQ=WEEKLY;BYDAY=MO,TH", None, "weekly on Monday and Thursday"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;COUNT=3", None, "every 2 weeks on Friday, 3 times"),
        ("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", None, "every weekday"),
        ("daily", None, "daily"),
        ("monthly", D(2026, 10, 1), "monthly on the 1st"),
        (
            "FREQ=MONTHLY;BYMONTHDAY=-1;UNTIL=20271231",
            None,
            "monthly on the last day, until 31 Dec 2027",
        ),
        ("yearly", D(2026, 3, 5), "yearly on 5 March"),
        ("FREQ=HOURLY", None, "FREQ=HOURLY"),  # not described: shown as written
        ("FREQ=MONTHLY;BYDAY=XX", None, "FREQ=MONTHLY;BYDAY=XX"),
    ],
)
def test_rules_in_words(rule: str, first: dt.date | None, words: str) -> None:
    assert describe(rule, first) == words


def series(repeat: str, due: dt.date) -> Task:
    return Task(id="OPS-1", path="tasks/OPS-1.md", title="t", repeat=repeat, due=due)


def test_next_date_counts_from_today_not_from_the_files_old_date() -> None:
    thursday = D(2026, 12, 3)
    # weekly from Monday 26 October: the next is Monday 7 December, not 26 October
    assert next_date(series("weekly", D(2026, 10, 26)), thursday) == D(2026, 12, 7)
    assert next_date(series("weekly", D(2026, 11, 30)), D(2026, 11, 30)) == D(2026, 11, 30)
    # second Tuesday of each month: 8 December 2026
    assert next_date(series("FREQ=MONTHLY;BYDAY=2TU", D(2026, 10, 13)), thursday) == D(2026, 12, 8)
    assert next_date(series("FREQ=WEEKLY;COUNT=2", D(2026, 10, 26)), thursday) is None  # ended
    assert next_date(series("FREQ=WEEKLY;COUNT=2", D(2026, 12, 26)), thursday) == D(2026, 12, 26)
    assert next_date(series("sometimes", D(2026, 10, 26)), thursday) is None


def test_the_area_page_shows_rules_in_words_and_the_next_date(tmp_path: Path) -> None:
    ws = fixture_workspace(
        tmp_path / "ws",
        {
            "tasks/O-7.md": "---\ntitle: Patch day\nproject: ops\ndue: 2026-10-13\n"
            "repeat: FREQ=MONTHLY;BYDAY=2TU\n---\n",
        },
    )
    out = tmp_path / "out"
    build_site(ws, out, jobs=1)
    page = (out / "projects/ops.html").read_text("utf-8")
    assert "repeats monthly on the second Tuesday" in page
    assert "FREQ=MONTHLY" not in page
    assert 'next <time datetime="2026-12-08">Tue 8 Dec 2026</time>' in page  # today: 23 Nov
    task_page = (out / "tasks/O-7.html").read_text("utf-8")
    assert "monthly on the second Tuesday · next Tue 8 Dec 2026" in task_page


def test_edit_and_view_links_are_percent_encoded(tmp_path: Path) -> None:
    ws = fixture_workspace(
        tmp_path / "ws", {"tasks/odd name %#.md": "---\nid: S-99\ntitle: Odd\nproject: site\n---\n"}
    )
    site = SiteData(ws, use_cache=False)
    path = "tasks/odd name %#.md"
    assert (
        site.source_url(path)
        == "https://git.example.org/acme/work/blob/main/tasks/odd%20name%20%25%23.md"
    )
    assert (
        site.edit_url(path)
        == "https://git.example.org/acme/work/edit/main/tasks/odd%20name%20%25%23.md"
    )
    out = tmp_path / "out"
    build_site(ws, out, jobs=1)
    page = (out / "tasks/S-99.html").read_text("utf-8")
    assert 'href="https://git.example.org/acme/work/edit/main/tasks/odd%20name%20%25%23.md"' in page
    assert "View file in the repository" in page


def test_gitlab_and_configured_edit_urls(tmp_path: Path) -> None:
    config = "name: X\nrepo_url: https://gitlab.com/acme/work\nbranch: trunk\n"
    (tmp_path / "a").mkdir()
    (tmp_path / "a/worktext.yml").write_text(config, encoding="utf-8")
    site = SiteData(open_workspace(tmp_path / "a", TODAY, use_cache=False), use_cache=False)
    assert (
        site.edit_url("tasks/A 1.md") == "https://gitlab.com/acme/work/-/edit/trunk/tasks/A%201.md"
    )
    custom = (
        config + "site:\n  edit_url: https://forge.example.org/acme/work/_edit/{branch}/{path}\n"
    )
    (tmp_path / "b").mkdir()
    (tmp_path / "b/worktext.yml").write_text(custom, encoding="utf-8")
    ws = open_workspace(tmp_path / "b", TODAY, use_cache=False)
    assert not [d for d in ws.diagnostics if d.code == "unknown-key"]
    site = SiteData(ws, use_cache=False)
    assert (
        site.edit_url("tasks/A 1.md")
        == "https://forge.example.org/acme/work/_edit/trunk/tasks/A%201.md"
    )


def test_age_and_completion_fall_back_on_git_when_the_files_hold_no_dates(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "ws")
    repo.write({"workflows/default.md": WORKFLOW, "tasks/T-1.md": task(title="Backup test")})
    repo.commit("Add a task without created:", "2026-11-02T10:00:00+00:00")
    repo.write({"tasks/T-2.md": task(title="Other", status="todo")})
    repo.commit("Another", "2026-11-09T10:00:00+00:00")
    repo.write({"tasks/T-1.md": task(title="Backup test", status="done")})
    repo.commit("Finish T-1", "2026-11-20T10:00:00+00:00")
    ws = open_workspace(repo.root, TODAY, use_cache=False)
    site = SiteData(ws, use_cache=False)
    done, other = ws.tasks.get("T-1"), ws.tasks.get("T-2")
    assert done is not None and other is not None
    assert site.created_on(done) == D(2026, 11, 2)
    assert site.age_days(other) == 14
    assert site.completed_on(done) == D(2026, 11, 20)
    assert site.completed_on(other) is None
    out = tmp_path / "out"
    build_site(ws, out, jobs=1)
    page = (out / "tasks/T-1.html").read_text("utf-8")
    assert "<dt>Completed</dt><dd>Fri 20 Nov 2026</dd>" in page
    assert "<dt>Created</dt><dd>Mon 2 Nov 2026</dd>" in page


def test_workload_counts_the_days_left_and_says_away_all_week(tmp_path: Path) -> None:
    from render_helpers import FILES, write

    files = {
        **FILES,
        "people/dev.md": "---\nname: Dev Patel\naway:\n"
        "  - {from: 2026-11-30, to: 2026-12-04}\n---\n",
        "tasks/S-50.md": "---\ntitle: Talk\nproject: site\nassignee: dev\nstart: 2026-11-30\n"
        "due: 2026-12-04\nestimate: 24h\n---\n",
    }
    thursday = D(2026, 11, 26)
    ws = open_workspace(write(tmp_path / "ws", files), thursday, use_cache=False)
    out = tmp_path / "out"
    build_site(ws, out, jobs=1)
    workload = (out / "workload.html").read_text("utf-8")
    row = workload.split(">Dev Patel</a>")[1].split("</tr>")[0]
    cells = row.split('<td class="load-cell')
    # this week: Thursday and Friday left, 16 of 40 hours; the work waits for the week after
    assert (
        "24.0</span><span" not in cells[1] and " / 16.0 h" in cells[1] and "2 days left" in cells[1]
    )
    assert "away all week" in cells[2] and '<span class="load-num">–</span>' in cells[2]
    assert '<span class="load-num">24.0</span>' in cells[3]
    home = (out / "index.html").read_text("utf-8")
    assert "/ away all week" not in home  # no work is placed in the week away
    person = (out / "people/dev.html").read_text("utf-8")
    assert "in the 2 working days left" in person


def doing(task_id: str, project: str) -> dict[str, str]:
    return {
        f"tasks/{task_id}.md": f"---\ntitle: {task_id}\nproject: {project}\nstatus: doing\n---\n"
    }


def test_the_workflow_board_applies_wip_limits_per_project(tmp_path: Path) -> None:
    from render_helpers import FILES, write

    # The fixture's 'doing' has wip 1; only the rendered counts matter here.
    base = {k: v for k, v in FILES.items() if "status: doing" not in v}
    ws = open_workspace(
        write(tmp_path / "a", {**base, **doing("S-70", "site"), **doing("O-70", "ops")}),
        TODAY,
        use_cache=False,
    )
    out = tmp_path / "out-a"
    build_site(ws, out, jobs=1)
    board = (out / "workflows/flow.html").read_text("utf-8")
    column = board.split('data-state="doing"')[1].split("</section>")[0]
    assert "over limit" not in column and "limit 1 per project" in column
    assert "New website 1" in column and "Operations 1" in column
    ws = open_workspace(
        write(tmp_path / "b", {**base, **doing("S-70", "site"), **doing("S-71", "site")}),
        TODAY,
        use_cache=False,
    )
    out = tmp_path / "out-b"
    build_site(ws, out, jobs=1)
    column = (out / "workflows/flow.html").read_text("utf-8").split('data-state="doing"')[1]
    assert "over limit 1 per project" in column.split("</section>")[0]
    assert '<span class="is-over">New website 2</span>' in column


def test_gantt_draws_an_estimate_without_a_start_up_to_the_due_date() -> None:
    from worktext.render.gantt import _bar_dates

    due_only = Task(id="A", path="", title="t", due=D(2026, 11, 30), estimate=24.0)
    assert _bar_dates(due_only, 8, 5) == (D(2026, 11, 26), D(2026, 11, 30), True)  # Thu..Mon
    start_only = Task(id="A", path="", title="t", start=D(2026, 11, 27), estimate=16.0)
    assert _bar_dates(start_only, 8, 5) == (D(2026, 11, 27), D(2026, 11, 30), True)
    assert _bar_dates(Task(id="A", path="", title="t", due=D(2026, 11, 30)), 8, 5) == (
        D(2026, 11, 30),
        D(2026, 11, 30),
        False,
    )
    assert _bar_dates(Task(id="A", path="", title="t", estimate=8.0), 8, 5) is None  # unscheduled


def test_milestone_names_show_and_an_ongoing_area_is_open_ended(tmp_path: Path) -> None:
    ws = fixture_workspace(
        tmp_path / "ws",
        {
            "tasks/O-9.md": "---\ntitle: Patch\nproject: ops\nstart: 2026-11-02\n"
            "due: 2026-11-06\n---\n",
        },
    )
    out = tmp_path / "out"
    build_site(ws, out, jobs=1)
    timeline = (out / "timelines/site.html").read_text("utf-8")
    assert '<text class="g-milestone-label"' in timeline
    assert ">Beta</text>" in timeline and ">Deadline</text>" in timeline
    roadmap = (out / "roadmap.html").read_text("utf-8")
    assert ">Beta</text>" in roadmap.split("<svg")[1]  # the name, not only the hover title
    ops = roadmap.split("<title>Operations:")[1].split("</a>")[0]
    assert "ongoing, no end" in ops and "open-ended" in ops and "ongoing →" in ops
    width = float(roadmap.split('class="gantt"')[1].split('width="')[1].split('"')[0])
    bar = ops.split('class="bar project-')[1]
    x0 = float(bar.split('x="')[1].split('"')[0])
    bar_width = float(bar.split('width="')[1].split('"')[0])
    assert x0 + bar_width >= width - 10  # runs to the chart's edge


def test_goal_pages_nest_sub_goals_to_every_level(tmp_path: Path) -> None:
    ws = fixture_workspace(
        tmp_path / "ws",
        {
            "goals/signups.md": "---\ntitle: More sign-ups\nparent: grow\n---\n",
            "goals/seo.md": "---\ntitle: Search traffic\nparent: signups\n---\n",
            "goals/ads.md": "---\ntitle: Paid ads\nparent: signups\n---\n",
        },
    )
    out = tmp_path / "out"
    build_site(ws, out, jobs=1)
    page = (out / "goals/grow.html").read_text("utf-8")
    section = page.split('id="h-sub"')[1].split("</section>")[0]
    outer = section.split('<ul class="goal-tree">')
    assert len(outer) == 3  # grow > signups > (ads, seo)
    assert "More sign-ups" in outer[1] and "Paid ads" in outer[2] and "Search traffic" in outer[2]
    assert outer[2].index("Paid ads") < outer[2].index("Search traffic")
    index = (out / "goals.html").read_text("utf-8")
    cards = index.split('<li class="goal-card">')
    assert len(cards) == 2  # one top-level goal, its sub-goals nested in its card
    assert "Search traffic" in cards[1]


def test_a_workspace_in_a_subfolder_has_only_its_folders_commits(tmp_path: Path) -> None:
    from worktext.history.reconstruct import load_history
    from worktext.model.config import load_config

    repo = Repo(tmp_path / "repo")
    repo.write({"src/app.py": "print(1)\n", "README.md": "Try `worktext move T-1 doing`.\n"})
    repo.commit("Start the code; T-1 is the README's example", "2026-10-01T09:00:00+00:00")
    repo.write(
        {
            "ws/worktext.yml": "name: Sub\n",
            "ws/workflows/default.md": WORKFLOW,
            "ws/tasks/T-1.md": task(title="First", status="todo"),
        }
    )
    repo.commit("Add the workspace", "2026-11-02T09:00:00+00:00")
    repo.write({"src/app.py": "print(2)\n"})
    repo.commit("Fix T-1's example in the code", "2026-11-03T09:00:00+00:00")
    repo.write({"ws/tasks/T-1.md": task(title="First", status="doing")})
    repo.commit("Start T-1", "2026-11-04T09:00:00+00:00")
    config, _ = load_config(repo.root / "ws")
    history = load_history(config, use_cache=True, uncommitted=False)
    subjects = [c.subject for c in history.commits]
    assert subjects == ["Add the workspace", "Start T-1"]
    found = history.task("T-1")
    assert found is not None and [m.commit.subject for m in found.mentions] == ["Start T-1"]
    # A later commit outside the folder, then one inside: the cached history is extended.
    repo.write({"src/app.py": "print(3)\n"})
    repo.commit("More code for T-1", "2026-11-05T09:00:00+00:00")
    repo.write({"ws/tasks/T-1.md": task(title="First", status="review")})
    repo.commit("T-1 to review", "2026-11-06T09:00:00+00:00")
    again = load_history(config, use_cache=True, uncommitted=False)
    assert again.extended_from is not None
    assert [c.subject for c in again.commits] == ["Add the workspace", "Start T-1", "T-1 to review"]


def test_the_starter_workspace_in_this_repository_tells_its_own_story(tmp_path: Path) -> None:
    import re
    import subprocess

    template = Path(__file__).resolve().parent.parent / "workspace-template"
    inside = subprocess.run(
        ["git", "-C", str(template), "rev-parse", "--show-prefix"], capture_output=True, text=True
    )
    if inside.returncode != 0 or not inside.stdout.strip():
        pytest.skip("the starter workspace is not a subfolder of a git checkout here")
    out = tmp_path / "out"
    build_site(open_workspace(template, TODAY, use_cache=False), out, jobs=1)
    project = (out / "projects/web.html").read_text("utf-8")
    summary = re.search(r'<p class="flow-summary">(\d+) tasks? finished', project)
    assert summary is not None and int(summary.group(1)) >= 5  # from the files' own dates
    touched = subprocess.run(
        ["git", "-C", str(template), "log", "--format=%H", "--", "."],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    page = (out / "tasks/WEB-12.html").read_text("utf-8")
    shown = re.findall(r"/commit/([0-9a-f]{40})", page) or re.findall(r">([0-9a-f]{7,12})<", page)
    assert shown and all(any(full.startswith(sha) for full in touched) for sha in shown)
