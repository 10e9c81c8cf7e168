"""Recurring work on the site: upcoming occurrences shown (not created) on the calendar, in the
feeds, on the area page; time logs as timesheets on task, project and person pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from conftest import TODAY
from icalendar import Calendar

from worktext.check.pipeline import open_workspace
from worktext.render.build import build_site

FILES = {
    "projects/ops.md": """
        ---
        title: Operations
        kind: ongoing
        ---
        """,
    "people/fa.md": """
        ---
        name: Fatima Ali
        ---
        """,
    "people/bo.md": """
        ---
        name: Bo Berg
        ---
        """,
    "tasks/OPS-1.md": """
        ---
        title: Backup <restore> test
        project: ops
        status: todo
        assignee: fa
        due: 2026-11-20
        repeat: weekly
        estimate: 2h
        log:
          - {date: 2026-11-16, duration: 1h, who: fa, note: first run}
          - {date: 2026-11-19, duration: 30m, who: bo}
          - {date: 2026-11-23, duration: 2h, who: fa, note: "<i>again</i>"}
          - {date: 2026-11-24, duration: 1h}
        ---
        """,
    # The occurrence of 4 Dec exists as a file already: it is not shown twice.
    "tasks/OPS-1-20261204.md": """
        ---
        title: Backup restore test
        project: ops
        status: todo
        due: 2026-12-04
        recurrence_of: OPS-1
        ---
        """,
    "tasks/OPS-2.md": """
        ---
        title: Patch servers
        project: ops
        status: todo
        estimate: 1h
        log:
          - {date: 2026-11-10, duration: 3h, who: bo}
        ---
        """,
}


def build(root: Path, out: Path) -> None:
    build_site(open_workspace(root, today=TODAY, use_cache=False), out, jobs=1)


def test_calendar_shows_pending_occurrences_linked_to_their_series(
    make_workspace: Callable[..., Path], tmp_path: Path
) -> None:
    build(make_workspace(FILES), tmp_path / "out")
    november = (tmp_path / "out" / "calendar" / "2026-11.html").read_text("utf-8")
    december = (tmp_path / "out" / "calendar" / "2026-12.html").read_text("utf-8")
    # Each page shows its month twice: as a grid, and as an agenda list for narrow screens.
    grids = november.split('<ol class="agenda"')[0] + december.split('<ol class="agenda"')[0]
    agendas = november.split('<ol class="agenda"')[1] + december.split('<ol class="agenda"')[1]
    recurring = re.findall(r'<li class="ev ev-recurring">(.*?)</li>', grids)
    assert len(re.findall(r'<li class="ev ev-recurring">', agendas)) == 4
    days = re.findall(
        r'<time datetime="(\d{4}-\d\d-\d\d)">\d+</time></span>\s*<ul class="events">'
        r"(?:(?!</td>).)*ev-recurring",
        november + december,
        re.S,
    )
    # Weekly from Friday 20 Nov: the 27th, then December's Fridays but the 4th (a file).
    assert days == ["2026-11-27", "2026-12-11", "2026-12-18", "2026-12-25"]
    assert len(recurring) == 4
    assert all('href="../tasks/OPS-1.html"' in item for item in recurring)
    assert all("↻ Backup &lt;restore&gt; test" in item for item in recurring)
    assert "<restore>" not in november
    # The materialised occurrence is a task of its own, shown once as such.
    december_grid = december.split('<ol class="agenda"')[0]
    assert december_grid.count('href="../tasks/OPS-1-20261204.html"') == 1


def test_feeds_list_pending_occurrences_with_stable_uids(
    make_workspace: Callable[..., Path], tmp_path: Path
) -> None:
    build(make_workspace(FILES), tmp_path / "out")
    feed = Calendar.from_ical((tmp_path / "out" / "calendar.ics").read_bytes())
    uids = [str(e["UID"]) for e in feed.walk("VEVENT")]
    assert "task-OPS-1-20261127@test.worktext" in uids
    assert "task-OPS-1-20261204@test.worktext" in uids  # the file's own event, once
    assert uids.count("task-OPS-1-20261204@test.worktext") == 1
    event = next(e for e in feed.walk("VEVENT") if str(e["UID"]).endswith("20261127@test.worktext"))
    assert str(event["STATUS"]) == "TENTATIVE"
    assert event.decoded("DTSTART").isoformat() == "2026-11-27"
    person = Calendar.from_ical((tmp_path / "out" / "people" / "fa.ics").read_bytes())
    assert "task-OPS-1-20261127@test.worktext" in [str(e["UID"]) for e in person.walk("VEVENT")]
    other = Calendar.from_ical((tmp_path / "out" / "people" / "bo.ics").read_bytes())
    assert not [e for e in other.walk("VEVENT") if "OPS-1-" in str(e["UID"])]


def test_area_page_lists_upcoming_occurrences(
    make_workspace: Callable[..., Path], tmp_path: Path
) -> None:
    build(make_workspace(FILES), tmp_path / "out")
    page = (tmp_path / "out" / "projects" / "ops.html").read_text("utf-8")
    upcoming = page.split('<ul class="rel-list upcoming">', 1)[1].split("</ul>", 1)[0]
    assert re.findall(r'datetime="([\d-]+)"', upcoming)[:3] == [
        "2026-11-27",
        "2026-12-11",
        "2026-12-18",
    ]
    assert "OPS-1-20261127" in upcoming and "OPS-1-20261204" not in upcoming


def _cells(table: str) -> list[list[str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    return [
        [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
        ]
        for row in rows
    ]


def test_timesheets_sum_the_logged_hours(
    make_workspace: Callable[..., Path], tmp_path: Path
) -> None:
    build(make_workspace(FILES), tmp_path / "out")
    out = tmp_path / "out"
    project = (out / "projects" / "ops.html").read_text("utf-8")
    sheet = _cells(project.split('<table class="timesheet">', 1)[1].split("</table>", 1)[0])
    assert sheet[0] == ["Person", "2026-W46", "2026-W47", "2026-W48", "Total"]
    assert sheet[1] == ["Bo Berg", "3.0", "0.5", "–", "3.5"]
    assert sheet[2] == ["Fatima Ali", "–", "1.0", "2.0", "3.0"]
    assert sheet[3] == ["Not named", "–", "–", "1.0", "1.0"]
    assert sheet[4] == ["Total", "3.0", "1.5", "3.0", "7.5"]  # 4.5 h + 3 h logged
    assert "<p>7.5h logged of 3h estimated</p>" in project
    task = (out / "tasks" / "OPS-1.html").read_text("utf-8")
    assert '<meter min="0" max="4.5"' in task and 'value="4.5"' in task  # over its 2h
    assert "over the estimate" in task
    assert "&lt;i&gt;again&lt;/i&gt;" in task
    person = (out / "people" / "bo.html").read_text("utf-8")
    rows = _cells(person.split('<table class="timesheet">', 1)[1].split("</table>", 1)[0])
    # Bo logged on OPS-1 without being assigned to it: it is on his timesheet all the same.
    assert rows[1][0].startswith("OPS-1") and rows[1][1:] == ["–", "0.5", "0.5"]
    assert rows[2][0].startswith("OPS-2") and rows[2][1:] == ["3.0", "–", "3.0"]
    assert rows[-1] == ["Total", "3.0", "0.5", "3.5"]
