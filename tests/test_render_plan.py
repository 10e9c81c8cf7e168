"""The schedule on the site: planned bars, the critical path in words, projected finishes,
planned hours; and a rebuild that redoes a project's pages when another project's edit moves
its schedule."""

from __future__ import annotations

import re
from pathlib import Path

from render_helpers import TODAY, fixture_workspace

from worktext.check.pipeline import open_workspace
from worktext.render.build import build_site


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
