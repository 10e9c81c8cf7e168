"""Flow metrics from git on the site: a real repository with scripted commits, built whole."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pytest
from flow_helpers import TODAY, make_repo
from git_helpers import Repo, task

from worktext.check.pipeline import open_workspace
from worktext.render.build import build_site


def build(root: Path, out: Path, **options: object):  # type: ignore[no-untyped-def]
    ws = open_workspace(root, today=TODAY, use_cache=False)
    return build_site(ws, out, jobs=1, **options)  # type: ignore[arg-type]


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return make_repo(tmp_path / "ws")


def svgs(html: str) -> list[str]:
    return re.findall(r"<svg\b[^>]*>", html)


def test_project_page_shows_flow_charts_as_accessible_svg(repo: Repo, tmp_path: Path) -> None:
    build(repo.root, tmp_path / "out")
    page = (tmp_path / "out" / "projects" / "launch.html").read_text("utf-8")
    charts = svgs(page)
    assert len(charts) >= 7  # flow, burnup, burndown, by estimate, throughput, cycle, beta
    assert all('role="img"' in svg and 'class="wt-chart"' in svg for svg in charts)
    for title in (
        "Cumulative flow: Launch",
        "Burnup: Launch",
        "Burndown: Launch",
        "Throughput per week: Launch",
        "Cycle time: Launch",
        "Burndown: Beta",
    ):
        assert f">{title}</title>" in page, title
    assert "ideal (by 2026-03-31)" in page  # the burndown's target is the deadline
    assert "1 task finished; cycle time (first active state to done): half within 21.3 days" in page
    assert "style=" not in page  # the CSP forbids inline styles
    assert "<script>" not in page.split("</head>", 1)[1]


def test_workflow_board_and_home_show_their_charts(repo: Repo, tmp_path: Path) -> None:
    build(repo.root, tmp_path / "out")
    board = (tmp_path / "out" / "workflows" / "flow.html").read_text("utf-8")
    for title in ("Cumulative flow: Flow", "Work in progress: Flow", "Cycle time: Flow"):
        assert f">{title}</title>" in board, title
    home = (tmp_path / "out" / "index.html").read_text("utf-8")
    assert ">Throughput per week</title>" in home and ">Cycle time</title>" in home
    # T-1 went from doing (12 Jan, 09:00 UTC) to done (2 Feb, 16:00): 21.2917 days of cycle.
    assert "T-1: 21.3 days" in home  # a duration as people say it


def test_task_page_lists_its_changes_with_user_text_escaped(repo: Repo, tmp_path: Path) -> None:
    build(repo.root, tmp_path / "out")
    page = (tmp_path / "out" / "tasks" / "T-1.html").read_text("utf-8")
    assert 'aria-labelledby="h-history"' in page
    assert ">History of T-1</title>" in page  # the timeline chart
    changes = page.split('<ol class="changes">', 1)[1].split("</ol>", 1)[0]
    items = changes.split("<li><div")[1:]
    assert len(items) == 4  # newest first
    assert "2026-02-02" in items[0] and "review → done" in items[0]
    assert "Ben Okafor" in items[2] and "todo → doing" in items[2]
    assert "created" in items[3] and "Plan the launch" in items[3]
    # Git keeps the name without angle brackets; what is left is escaped, never markup.
    assert "Zoë &amp; bx/b" in items[1]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in items[1]
    assert "<script>alert" not in page
    assert "<b>x" not in page


def test_builds_are_byte_identical_with_the_same_today(repo: Repo, tmp_path: Path) -> None:
    build(repo.root, tmp_path / "one", incremental=False)
    build(repo.root, tmp_path / "two", incremental=False)  # the history now from the cache
    one = {
        p.relative_to(tmp_path / "one"): p.read_bytes()
        for p in (tmp_path / "one").rglob("*")
        if p.is_file()
    }
    two = {
        p.relative_to(tmp_path / "two"): p.read_bytes()
        for p in (tmp_path / "two").rglob("*")
        if p.is_file()
    }
    assert one.keys() == two.keys() and len(one) > 10
    assert [k for k in one if one[k] != two[k]] == []


def test_a_new_commit_rerenders_the_pages_that_show_history(repo: Repo, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = build(repo.root, out)
    assert first.rendered == first.pages
    # The history is read from the cache now; nothing changed, so nothing is rendered.
    assert build(repo.root, out).rendered == 0
    repo.commit("Fixes T-2: flaky test", "2026-02-10T09:00:00+00:00")
    mentioned = build(repo.root, out)
    task_page = (out / "tasks" / "T-2.html").read_text("utf-8")
    assert "Mentioned in commits" in task_page and "Fixes T-2: flaky test" in task_page
    repo.commit("Unrelated", "2026-02-11T09:00:00+00:00")
    unrelated = build(repo.root, out)
    # The same pages as before but T-2's: a task page follows its own history only.
    assert 0 < unrelated.rendered == mentioned.rendered - 1


def test_uncommitted_changes_show_as_such(repo: Repo, tmp_path: Path) -> None:
    repo.write({"tasks/T-3.md": task("T-3", title="Ship", project="launch", status="doing")})
    build(repo.root, tmp_path / "out")
    page = (tmp_path / "out" / "tasks" / "T-3.html").read_text("utf-8")
    assert "Changes not yet committed" in page and "todo → doing" in page
    assert "<code>uncommitted</code>" in page


def test_a_workspace_outside_git_builds_without_charts(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    root.mkdir()
    (root / "worktext.yml").write_text("name: Plain\n", "utf-8")
    (root / "tasks").mkdir()
    (root / "tasks" / "T-1.md").write_text(task("T-1", title="Alone", status="todo"), "utf-8")
    result = build(root, tmp_path / "out")
    assert result.pages > 10
    for rel in ("index.html", "tasks/T-1.html", "projects/general.html", "workflows/default.html"):
        page = (tmp_path / "out" / rel).read_text("utf-8")
        assert "wt-chart" not in page
        assert "not in a git repository" in page
        assert str(tmp_path) not in page  # no local path on a page that may be published


def test_long_ranges_are_drawn_with_fewer_days_ending_today() -> None:
    from worktext.render.flow import MAX_POINTS, _sample

    assert _sample(50) == list(range(50))
    year = _sample(365)
    assert len(year) <= MAX_POINTS and year[-1] == 364
    assert len({b - a for a, b in pairwise(year)}) == 1  # evenly spaced


def test_compiled_templates_are_kept_outside_the_workspace(repo: Repo, tmp_path: Path) -> None:
    from worktext.render import environment

    build(repo.root, tmp_path / "out")
    cache = environment.make_environment(bytecode_cache=True).bytecode_cache
    assert cache is not None
    folder = Path(cache.directory).resolve()  # type: ignore[attr-defined]
    assert repo.root.resolve() not in folder.parents
    assert any(p.name.startswith("__worktext_") for p in folder.iterdir())
    assert not [p for p in repo.root.rglob("*.cache") if ".git" not in p.parts]


def test_charts_cover_the_active_range_of_a_backlog_left_long_ago(repo: Repo) -> None:
    """The last change was on 2 February 2026; a build a year and more later still shows it."""
    import datetime as dt

    from worktext.render.flow import FlowView

    ws = open_workspace(repo.root, today=dt.date(2027, 6, 1), use_cache=False)
    view = FlowView(ws, use_cache=False)
    home = {c.name: str(c.svg) for c in view.home_charts()["charts"]}
    assert (
        "Tasks finished per week from the week of 2026-01-05 to the week of 2026-02-02: "
        "1 in all, 1 in the last week." in home["Throughput"]
    )
    project = {c.name: str(c.svg) for c in view.project_charts(ws.projects.get("launch"))["charts"]}
    flow = project["Cumulative flow"]
    assert "Tasks per state from 2026-01-05 to 2026-02-02. On 2026-02-02: " in flow
    assert "done 1" in flow and "doing 1" in flow
    board = view.workflow_charts(ws.workflows.get("flow"))["charts"]
    assert "from 2026-01-05 to 2026-02-02" in str(board[1].svg)  # work in progress
