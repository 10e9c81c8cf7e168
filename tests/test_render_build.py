"""The whole site built from a fixture workspace: what the pages show matches the index."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from render_helpers import BROKEN, HOSTILE_FILES, TODAY, fixture_workspace, write

from worktext.check.pipeline import open_workspace
from worktext.load import cache
from worktext.model.config import load_config
from worktext.plan.workload import person_load
from worktext.render import build as builder
from worktext.render import site
from worktext.render.build import build_site


@pytest.fixture
def built(tmp_path: Path):  # type: ignore[no-untyped-def]
    ws = fixture_workspace(tmp_path / "ws")
    result = build_site(ws, tmp_path / "out", jobs=1)
    return ws, result, tmp_path / "out"


def read(out: Path, rel: str) -> str:
    return (out / rel).read_text("utf-8")


def test_every_page_is_written_with_a_csp_and_the_home_page_is_returned(built) -> None:  # type: ignore[no-untyped-def]
    ws, result, out = built
    assert result.index == out / "index.html" and result.index.is_file()
    html_pages = sorted(out.rglob("*.html"))
    assert len(html_pages) == sum(1 for _ in out.rglob("*.html"))
    for page in html_pages:
        text = page.read_text("utf-8")
        assert (
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\';' in text
        ), page
        assert '<main id="main"' in text and '<nav class="mainnav" aria-label="Main">' in text
    for task in ws.tasks:
        assert (out / "tasks" / f"{task.id}.html").is_file()
    for rel in (
        "index.json",
        "calendar.ics",
        "people/ana.ics",
        "search-index.js",
        "assets/site.css",
        "roadmap.html",
        "workload.html",
        "projects.html",
        "goals.html",
        "people.html",
        "search.html",
        "calendar/2026-11.html",
        "workflows/flow.html",
    ):
        assert (out / rel).is_file(), rel


def test_board_column_counts_match_the_index(built) -> None:  # type: ignore[no-untyped-def]
    ws, _, out = built
    html = read(out, "boards/site.html")
    project = ws.projects.get("site")
    expected = {}
    for task in ws.tasks_of_project(project):
        expected[ws.status_of(task)] = expected.get(ws.status_of(task), 0) + 1
    for state in ws.workflow_of_project(project).states:
        match = re.search(
            rf'data-state="{state.id}".*?<span class="count" data-count>(\d+)</span>', html, re.S
        )
        assert match and int(match.group(1)) == expected.get(state.id, 0), state.id
        section = html.split(f'data-state="{state.id}"')[1].split("</section>")[0]
        assert section.count('<li class="card') == expected.get(state.id, 0)
    # 'doing' has a WIP limit of 1 and two tasks: flagged
    assert 'class="column cat-active over-limit"' in html and "over limit 1" in html
    # the card of a task waiting on open work is marked blocked; S-2's dependency S-1 is done
    s3 = html.split('data-id="S-3"')[1].split("</li>")[0]
    assert "blocked-flag" in s3
    s2 = html.split('data-id="S-2"')[1].split("</li>\n")[0]
    assert "blocked-flag" not in s2 and "☑ 1/3" in s2 and "avatar" in s2


def test_timeline_has_one_bar_per_dated_task_and_lists_the_rest(built) -> None:  # type: ignore[no-untyped-def]
    ws, _, out = built
    html = read(out, "timelines/site.html")
    project = ws.projects.get("site")
    dated = [t for t in ws.tasks_of_project(project) if t.due or (t.start and t.estimate)]
    assert html.count('<rect class="bar ') == len(dated) == 4
    assert 'class="bar todo estimated"' in html  # S-3: start + estimate, no due
    assert "Not on the timeline (1)" in html and "S-5" in html.split("Not on the timeline")[1]
    assert 'class="g-today"' in html and 'class="g-weekend"' in html and "marker-end" in html
    assert html.count('class="g-milestone"') == 2  # Beta and the deadline


def test_workload_page_shows_the_computed_sums(built) -> None:  # type: ignore[no-untyped-def]
    ws, _, out = built
    html = read(out, "workload.html")
    for person in ws.people:
        load = person_load(ws, person, TODAY)
        row = html.split(f'people/{person.id}.html">')[1].split("</tr>")[0]
        cells = re.findall(r'<span class="load-num">([^<]+)</span>', row)
        assert cells == [f"{w.assigned:.1f}" if w.assigned else "–" for w in load.weeks], person.id


def test_over_allocation_is_highlighted(tmp_path: Path) -> None:
    extra = {
        "tasks/S-9.md": (
            "---\ntitle: Huge\nproject: site\nassignee: bo\n"
            "due: 2026-11-27\nstart: 2026-11-23\nestimate: 60h\n---\n"
        )
    }
    ws = fixture_workspace(tmp_path / "ws", extra)
    build_site(ws, tmp_path / "out", jobs=1)
    row = read(tmp_path / "out", "workload.html").split('people/bo.html">')[1].split("</tr>")[0]
    assert 'class="load-cell load-over"' in row and "over capacity" in row
    assert "Workload hot spots" in read(tmp_path / "out", "index.html")
    assert "Bo Chen" in read(tmp_path / "out", "index.html").split("Workload hot spots")[1]


def test_task_page_shows_fields_relations_and_the_repository_link(built) -> None:  # type: ignore[no-untyped-def]
    _, _, out = built
    html = read(out, "tasks/S-2.html")
    assert 'href="https://git.example.org/acme/work/blob/main/tasks/S-2.md"' in html
    assert '<a href="../tasks/S-1.html">S-1</a>' in html  # waits for
    assert '<a href="../tasks/S-3.html">S-3</a>' in html  # blocks
    assert "Beta" in html and "Ana Lima" in html and "Bo Chen" in html and "5d · 1d logged" in html
    assert '<a href="https://example.org/spec" rel="noopener noreferrer">spec</a>' in html
    assert "javascript:" not in html.split("<a ")[-1] and 'href="javascript' not in html


def test_project_link_in_body_goes_to_the_task_page(built) -> None:  # type: ignore[no-untyped-def]
    _, _, out = built
    assert '<a href="../tasks/S-1.html">the plan</a>' in read(out, "projects/site.html")
    ops = read(out, "projects/ops.html")
    assert "Open work by age" in ops and "Recurring work" in ops
    assert ops.index("O-1") < ops.index("O-2")  # oldest first


def test_same_input_gives_byte_identical_output(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    ws = fixture_workspace(tmp_path / "ws")
    build_site(ws, tmp_path / "a", jobs=1, incremental=False)
    ws2 = open_workspace(tmp_path / "ws", TODAY, use_cache=False)
    monkeypatch.setattr(builder, "PARALLEL_PAGES", 0)  # this small site in two processes too
    two = build_site(ws2, tmp_path / "b", jobs=2, incremental=False)
    assert two.rendered == two.pages
    files_a = sorted(
        p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file()
    )
    files_b = sorted(
        p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file()
    )
    assert files_a == files_b
    for rel in files_a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


def test_a_rebuild_renders_only_what_an_edit_touches(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    ws = fixture_workspace(root)
    first = build_site(ws, tmp_path / "out", jobs=1)
    assert first.rendered == first.pages
    again = build_site(open_workspace(root, TODAY, use_cache=False), tmp_path / "out", jobs=1)
    assert again.rendered == 0 and again.written == 0
    path = root / "tasks" / "O-2.md"
    path.write_text(path.read_text().replace("Back up the wiki", "Back up the wiki twice"))
    edited = build_site(open_workspace(root, TODAY, use_cache=False), tmp_path / "out", jobs=1)
    assert "Back up the wiki twice" in read(tmp_path / "out", "tasks/O-2.html")
    assert 0 < edited.rendered < first.pages / 2
    assert "twice" in read(tmp_path / "out", "boards/ops.html")
    assert "twice" not in read(tmp_path / "out", "boards/site.html")
    (root / "tasks" / "O-2.md").unlink()
    removed = build_site(open_workspace(root, TODAY, use_cache=False), tmp_path / "out", jobs=1)
    assert removed.removed == 1 and not (tmp_path / "out" / "tasks" / "O-2.html").exists()


def test_a_broken_file_is_left_out_with_a_warning_on_the_site(tmp_path: Path) -> None:
    ws = fixture_workspace(tmp_path / "ws", BROKEN)
    result = build_site(ws, tmp_path / "out", jobs=1)
    assert result.left_out == ["tasks/BAD-1.md"]
    home = read(tmp_path / "out", "index.html")
    assert "1 file left out." in home and 'href="health.html"' in home
    assert "tasks/BAD-1.md" in read(tmp_path / "out", "health.html")
    assert (tmp_path / "out" / "tasks" / "S-1.html").is_file()


def test_hostile_text_is_never_markup(tmp_path: Path) -> None:
    ws = fixture_workspace(tmp_path / "ws", HOSTILE_FILES)
    build_site(ws, tmp_path / "out", jobs=1)
    for page in (tmp_path / "out").rglob("*.html"):
        text = page.read_text("utf-8")
        assert (
            "<script>alert" not in text and "<svg onload" not in text and "<img src=x" not in text
        ), page
        assert (
            "<iframe" not in text
            and 'href="javascript' not in text.lower()
            and "<style>" not in text
        ), page
        scripts = re.findall(r"<script[^>]*>", text)
        assert all(
            re.fullmatch(
                r'<script src="[./a-z-]*(assets/[a-z]+\.js|search-index\.js)"( defer)?>', s
            )
            for s in scripts
        ), scripts
    task = read(tmp_path / "out", "tasks/X-1.html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in task
    index = read(tmp_path / "out", "search-index.js")
    assert "<" not in index and ">" not in index and "\\u003cscript\\u003e" in index


def test_icalendar_feeds_follow_rfc_5545(built) -> None:  # type: ignore[no-untyped-def]
    from icalendar import Calendar

    ws, _, out = built
    raw = (out / "calendar.ics").read_bytes()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    cal = Calendar.from_ical(raw)
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert "task-S-2@acme-team.worktext" in events
    assert "milestone-site-beta@acme-team.worktext" in events
    s2 = events["task-S-2@acme-team.worktext"]
    assert s2["DTSTART"].params.get("VALUE") == "DATE" or str(s2.decoded("DTSTART")) == "2026-11-27"
    assert b"DTSTART;VALUE=DATE:20261127" in raw
    assert len([e for e in ws.tasks if e.due]) + 2 == len(events)  # + milestone + deadline
    ana = Calendar.from_ical((out / "people/ana.ics").read_bytes())
    assert {str(e["UID"]) for e in ana.walk("VEVENT")} == {
        "task-S-1@acme-team.worktext",
        "task-S-2@acme-team.worktext",
    }


def test_index_json_is_the_foundations_index(built) -> None:  # type: ignore[no-untyped-def]
    import json

    from worktext.model.export import index_document

    ws, _, out = built
    assert json.loads(read(out, "index.json")) == json.loads(json.dumps(index_document(ws)))


def test_ids_colliding_in_case_stop_the_build(tmp_path: Path) -> None:
    from worktext.render.urls import OutputCollision, UrlMap

    urls = UrlMap()
    urls.claim("tasks/a.html", "task 'a'")
    with pytest.raises(OutputCollision):
        urls.claim("tasks/A.html", "task 'A'")
    root = write(
        tmp_path / "ws",
        {"goals/G.md": "---\ntitle: g\n---\n", "people/g.md": "---\nname: G\n---\n"},
    )
    # a goal and a person may share an id: their pages live in different folders
    result = build_site(open_workspace(root, TODAY, use_cache=False), tmp_path / "out", jobs=1)
    assert (tmp_path / "out/goals/G.html").is_file() and (tmp_path / "out/people/g.html").is_file()
    assert result.pages > 0


def test_an_empty_workspace_builds_a_complete_site(tmp_path: Path) -> None:
    root = write(tmp_path / "ws", {}, config="name: Empty\n")
    result = build_site(open_workspace(root, TODAY, use_cache=False), tmp_path / "out", jobs=1)
    home = read(tmp_path / "out", "index.html")
    assert "No active projects." in home and "Nothing overdue or due this week." in home
    assert (tmp_path / "out" / "calendar" / "2026-11.html").is_file()
    assert result.pages == result.rendered and not result.left_out


def test_an_unsafe_repo_url_gives_no_links(tmp_path: Path) -> None:
    config = "name: X\nrepo_url: 'javascript:alert(1)'\n"
    root = write(
        tmp_path / "ws", {"tasks/A-1.md": "---\ntitle: A\n---\n[doc](docs/x.md)\n"}, config
    )
    build_site(open_workspace(root, TODAY, use_cache=False), tmp_path / "out", jobs=1)
    for page in (tmp_path / "out").rglob("*.html"):
        assert "javascript:" not in page.read_text("utf-8"), page


def test_the_build_command_prints_where_the_site_is(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from worktext.cli import cli

    fixture_workspace(tmp_path / "ws", BROKEN)
    out = tmp_path / "public"
    args = ["--today", "2026-11-23", "-w", str(tmp_path / "ws"), "build", "-o", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert f"Open {out / 'index.html'}" in result.output
    assert "tasks/BAD-1.md could not be read and is left out of the site" in result.output
    quiet = CliRunner().invoke(cli, [*args, "-q"])
    assert quiet.output.strip() == str(out / "index.html")


def test_progress_is_reported_up_to_the_total(tmp_path: Path) -> None:
    ws = fixture_workspace(tmp_path / "ws")
    seen: list[tuple[int, int]] = []
    result = build_site(ws, tmp_path / "out", jobs=1, progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (0, result.rendered) and seen[-1] == (result.rendered, result.rendered)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_a_build_with_nothing_new_is_known_before_the_workspace_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Files written within the last 2 s are never trusted by their stat alone (a second write
    # in the same tick would go unseen), so the workspace would have no input key yet.
    monkeypatch.setattr(cache, "RACY_NS", 0)
    root, out = tmp_path / "ws", tmp_path / "out"
    fixture_workspace(root, BROKEN)
    config, _ = load_config(root)
    assert site.up_to_date(config, TODAY, out) is None  # never built
    first = build_site(open_workspace(root, TODAY), out, jobs=1)
    current = site.up_to_date(config, TODAY, out)
    assert current is not None and current.rendered == 0 and current.pages == first.pages
    assert current.left_out == first.left_out == ["tasks/BAD-1.md"]
    assert current.problems == first.problems and first.problems[0] >= 1
    again = build_site(open_workspace(root, TODAY), out, jobs=1)  # the library sees it too
    assert again.rendered == 0 and again.pages == first.pages
    assert site.up_to_date(config, TODAY + dt.timedelta(days=1), out) is None  # another day
    assert site.up_to_date(config, TODAY, out, use_cache=False) is None
    (out / "tasks" / "S-1.html").unlink()
    assert site.up_to_date(config, TODAY, out) is None  # a file of the site is gone
    build_site(open_workspace(root, TODAY), out, jobs=1)
    assert site.up_to_date(config, TODAY, out) is not None
    path = root / "tasks" / "O-2.md"
    path.write_text(path.read_text().replace("Back up the wiki", "Back up the wiki twice"))
    assert site.up_to_date(config, TODAY, out) is None  # an input changed
    edited = build_site(open_workspace(root, TODAY), out, jobs=1)
    assert 0 < edited.rendered < first.pages


def test_the_build_command_reports_a_site_with_nothing_new_without_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from worktext.cli import cli

    monkeypatch.setattr(cache, "RACY_NS", 0)
    root = tmp_path / "ws"
    fixture_workspace(root, BROKEN)
    args = ["--today", TODAY.isoformat(), "-w", str(root), "build", "-o", str(tmp_path / "o")]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    monkeypatch.setattr(builder, "plan", None)  # a second build that planned pages would fail
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0, again.output
    assert "(0 rendered, 0 written, 0 removed)" in again.output
    assert "tasks/BAD-1.md could not be read" in again.output  # still said, from the record
    assert "see health.html" in again.output
