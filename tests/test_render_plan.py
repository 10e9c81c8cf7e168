"""The schedule on the site: planned bars, the critical path in words, projected finishes,
planned hours; and a rebuild that redoes a project's pages when another project's edit moves
its schedule."""

from __future__ import annotations

import re
from pathlib import Path

from git_helpers import Repo
from render_helpers import CONFIG, FILES, TODAY, fixture_workspace, write

from worktext.check.pipeline import open_workspace
from worktext.render.build import build_site
from worktext.render.flowcharts import ageing_svg


def _page(out: Path, rel: str) -> str:
    return (out / rel).read_text("utf-8")


def test_planned_bars_words_projected_finish_and_planned_hours(tmp_path: Path) -> None:
    root, out = tmp_path / "ws", tmp_path / "out"
    ws = fixture_workspace(root)
    build_site(ws, out, jobs=1, incremental=False)
    timeline = _page(out, "timelines/site.html")
    assert '<rect class="bar-planned critical"' in timeline
    assert '<rect class="bar-planned late"' in timeline  # S-4 finishes after its due date
    assert "planned 2026-12-07 → 2026-12-10, critical" in timeline
    assert "Schedule: New website: finishes 10 Dec, at risk (deadline 18 Dec)" in timeline
    assert "Beta: finishes 25 Nov, on track (deadline 4 Dec); critical path: S-2" in timeline
    project = _page(out, "projects/site.html")
    assert "Schedule: New website: finishes 10 Dec, at risk (deadline 18 Dec)" in project
    roadmap = _page(out, "roadmap.html")
    assert re.search(r"<th scope=\"row\">New website</th><td>18 Dec</td><td>10 Dec</td>", roadmap)
    assert '<rect class="bar-planned"' in roadmap
    workload = _page(out, "workload.html")
    assert "planned 24.0 h" in workload
    home = _page(out, "index.html")
    assert "New website: at risk, projected finish 10 Dec (deadline 18 Dec)" in home
    ana = _page(out, "people/ana.html")
    assert "Next, by the schedule" in ana
    assert re.search(r">S-2</a> Build the pages <span class=\"muted\">23 Nov – 25 Nov", ana)
    # Booked to Wednesday; away Thursday and Friday: free from Monday.
    assert "Booked until Wed 25 Nov 2026; free for more from Mon 30 Nov 2026." in ana


def test_an_edit_elsewhere_that_moves_the_schedule_rebuilds_the_timeline(tmp_path: Path) -> None:
    root, out, fresh = tmp_path / "ws", tmp_path / "out", tmp_path / "fresh"
    fixture_workspace(root)
    build_site(open_workspace(root, TODAY), out, jobs=1)
    before = _page(out, "timelines/site.html")
    # Cy's urgent operations work now takes her week: the website's S-4 (hers) moves.
    path = root / "tasks" / "O-1.md"
    text = path.read_text("utf-8")
    text = re.sub(r"^estimate:.*$", "estimate: 1w", text, flags=re.M)
    path.write_text(text.replace("---\n", "---\npriority: urgent\n", 1), "utf-8")
    build_site(open_workspace(root, TODAY), out, jobs=1)
    after = _page(out, "timelines/site.html")
    assert after != before
    build_site(open_workspace(root, TODAY, use_cache=False), fresh, jobs=1, incremental=False)
    assert after == _page(fresh, "timelines/site.html")
    assert _page(out, "projects/site.html") == _page(fresh, "projects/site.html")


def test_forecast_lines_from_git_history(tmp_path: Path) -> None:
    # S-1 is done when the workspace is first committed (week of 2 November); S-4 is done a
    # week later: the website's throughput is 1, 1, 0 over the three whole weeks sampled.
    root, out = tmp_path / "ws", tmp_path / "out"
    repo = Repo(root, config=CONFIG)
    write(root, FILES)
    repo.commit("start", "2026-11-03T09:00:00+00:00")
    s4 = root / "tasks" / "S-4.md"
    s4.write_text(s4.read_text("utf-8").replace("status: review", "status: done"), "utf-8")
    repo.commit("S-4 done", "2026-11-10T09:00:00+00:00")
    build_site(open_workspace(root, TODAY), out, jobs=1, incremental=False)
    project = _page(out, "projects/site.html")
    assert re.search(
        r"Forecast from throughput: New website: 85 % likely by \d+ \w+ 20\d\d", project
    )
    assert " · Beta: 85 % likely by" in project
    # The ageing chart: S-2 is in progress ("doing"), a dot in that column.
    assert "Ageing work in progress: New website</title>" in project
    assert re.search(r"<title>S-2: doing, [\d.]+ (min|h|days?) old</title>", project)
    goal = _page(out, "goals/grow.html")
    assert "Forecast from throughput: Grow sign-ups: 85 % likely by" in goal
    home = _page(out, "index.html")
    assert '<li class="plan-forecast">New website: 85 % likely by' in home


def test_timelines_overlay_the_baseline_schedule(tmp_path: Path) -> None:
    root, out = tmp_path / "ws", tmp_path / "out"
    repo = Repo(root, config=CONFIG + "  baseline: v1\n")
    write(root, FILES, config=CONFIG + "  baseline: v1\n")
    repo.commit("start", "2026-11-03T09:00:00+00:00")
    repo.git("tag", "v1")
    s3 = root / "tasks" / "S-3.md"
    s3.write_text(re.sub(r"^estimate:.*$", "estimate: 5d", s3.read_text("utf-8"), flags=re.M))
    build_site(open_workspace(root, TODAY), out, jobs=1, incremental=False)
    timeline = _page(out, "timelines/site.html")
    assert '<rect class="bar-baseline"' in timeline
    # S-3 grew from 3 to 5 days: its planned finish moves from 10 to 15 December.
    assert (
        "planned 2026-12-07 → 2026-12-15, critical; baseline 2026-12-07 → 2026-12-10, slip +5 days"
        in timeline
    )
    assert "Baseline (v1)" in timeline


def test_ageing_chart_columns_dots_and_percentile_lines() -> None:
    ages = [("A-1", "doing", "active", 12.0), ("A-2", "review", "active", 3.5)]
    svg = ageing_svg(ages, ["doing", "review"], {50: 4.0, 85: 9.0, 95: None}, "Ageing")
    assert svg.count("<circle") == 2
    assert "<title>A-1: doing, 12 days old</title>" in svg
    assert "<title>A-2: review, 3.5 days old</title>" in svg
    assert "50%: 4 days" in svg and "85%: 9 days" in svg  # said in words, as every chart
    assert "the oldest, A-1, is 12 days old" in svg
    assert "No work in progress." in ageing_svg([], ["doing"], {}, "Ageing")


def test_person_pages_depend_on_their_own_place_in_the_schedule(tmp_path: Path) -> None:
    """A person's page depends on what the schedule says of them (``b:``), not on the whole
    schedule of every project they have work in: a title edit re-renders its people's pages
    only. Their calendar feed shows no schedule at all."""
    from worktext.render.data import SiteData
    from worktext.render.fingerprints import item_digests
    from worktext.render.plan import plan

    root = tmp_path / "ws"
    ws = fixture_workspace(root)
    data = SiteData(ws)
    pages = {page.path: page for page in plan(data)}
    digests = item_digests(data)
    for person in ws.people:
        page = pages[data.links.person(person)]
        assert f"b:{person.id}" in page.deps
        assert not any(dep.startswith("s:") for dep in page.deps)
        assert f"b:{person.id}" in digests
        feed = pages[data.links.person_ics(person)]
        assert not any(dep.startswith(("s:", "b:")) for dep in feed.deps)
