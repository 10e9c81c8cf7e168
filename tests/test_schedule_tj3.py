"""The anchor: the same small projects scheduled by ``worktext plan`` and by TaskJuggler
(Debian's ``tj3``). Skipped only where tj3 is not installed (``.ci/run`` installs it)."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from conftest import TODAY

from worktext.check.pipeline import open_workspace
from worktext.plan.calendar import person_calendar
from worktext.plan.schedule import schedule
from worktext.plan.taskjuggler import plannable, run_tj3, to_tjp

pytestmark = pytest.mark.skipif(shutil.which("tj3") is None, reason="tj3 is not installed")

CONFIG = "name: Anchor\nholidays: [{date: 2026-11-25, name: Founders' Day}]\n"
PEOPLE = {
    "people/ana.md": "---\nname: Ana\n---\n",
    "people/bo.md": "---\nname: Bo\naway: [{from: 2026-12-03, to: 2026-12-04}]\n---\n",
    "people/cy.md": "---\nname: Cy\nworkdays: [mon, wed, fri]\n"
    "away: [{from: 2026-11-27, to: 2026-11-27}]\n---\n",
}


def task(task_id: str, **keys: object) -> tuple[str, str]:
    lines = [f"{key}: {value}" for key, value in keys.items()]
    return f"tasks/{task_id}.md", "---\n" + "\n".join(lines) + "\n---\n"


def both(make_workspace, *tasks: tuple[str, str], name: str = "ws"):
    root = make_workspace({**PEOPLE, **dict(tasks)}, config=CONFIG, name=name)
    ws = open_workspace(root, today=TODAY, use_cache=False)
    ours = {t.id: (t.planned_start, t.planned_finish) for t in schedule(ws, TODAY).tasks}
    tjp, ids = to_tjp(ws, TODAY)
    return ws, ours, run_tj3(tjp, ids)


def test_dependencies_lag_three_day_week_time_off_and_a_holiday(make_workspace) -> None:
    _, ours, theirs = both(
        make_workspace,
        task("WEB-1", assignee="ana", estimate="2d"),
        task("WEB-2", assignee="bo", estimate="8h", depends_on="[WEB-1]", lag="1d"),
        task("WEB-3", assignee="ana", estimate="4h", depends_on="[WEB-2]"),
        task("WEB-4", assignee="bo", estimate="8h", depends_on="[WEB-3]"),
        task("WEB-5", assignee="[ana, bo]", estimate="3d", depends_on="[WEB-4]"),
        task("WEB-6", assignee="cy", estimate="24h"),
        task("WEB-7", assignee="cy", estimate="1d", depends_on="[WEB-6]"),
        task("WEB-8", assignee="ana", estimate="1d", start="2026-12-08"),
        task("WEB-9", assignee="bo", estimate="6h", log="[{date: 2026-11-20, duration: 2h}]"),
    )
    assert len(ours) == 9
    assert ours == theirs


def test_a_chain_across_a_weekend_and_a_long_absence(make_workspace) -> None:
    _, ours, theirs = both(
        make_workspace,
        task("A", assignee="bo", estimate="1w"),
        task("B", assignee="cy", estimate="2d", depends_on="[A]"),
        task("C", assignee="[bo, cy]", estimate="20h", depends_on="[B]", lag="4h"),
    )
    assert ours == theirs


def test_under_contention_no_double_booking_and_close_to_taskjuggler(make_workspace) -> None:
    # Six tasks of one person and a shared one: levelling must spread them out. Nobody can
    # finish sooner than their own hours allow; worktext may differ from TaskJuggler's
    # order, but not finish much later.
    ws, ours, theirs = both(
        make_workspace,
        task("P1", assignee="ana", estimate="2d", priority="high"),
        task("P2", assignee="ana", estimate="1d"),
        task("P3", assignee="ana", estimate="3d", depends_on="[P1]"),
        task("P4", assignee="[ana, bo]", estimate="2d", priority="urgent"),
        task("P5", assignee="bo", estimate="2d", depends_on="[P4]"),
        task("P6", assignee="ana", estimate="1d", priority="low"),
    )
    assert ours.keys() == theirs.keys()
    ana_hours = sum(t.estimate or 0 for t in plannable(ws) if "ana" in t.assignees) - 8
    calendar = person_calendar(ws, ws.people.get("ana"))
    last = max(finish for _, finish in ours.values())
    assert calendar.hours_between(TODAY, last) >= ana_hours  # no double booking
    their_last = max(finish for _, finish in theirs.values())
    assert last <= their_last + dt.timedelta(days=2)
