"""The .ics writer against the icalendar library: same events, valid folding and escaping."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar, Event
from render_helpers import fixture_workspace

from worktext.render import ics


@given(
    st.text(min_size=0, max_size=300).filter(lambda s: "\r" not in s),
    st.lists(
        st.text(min_size=1, max_size=20, alphabet=st.characters(blacklist_categories=["Cs", "Cc"])),
        max_size=3,
    ),
)
def test_any_summary_round_trips_through_icalendar(summary: str, categories: list[str]) -> None:
    lines = ics.event_lines(
        "u-1@x", summary, dt.date(2026, 11, 27), "20261123T000000Z", summary, None, categories
    )
    raw = ics.calendar_bytes("name, with; specials", [lines])
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    raw.decode("utf-8")  # folding never splits a character
    event = Calendar.from_ical(raw).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == summary
    assert str(event["DESCRIPTION"]) == summary if summary else True
    assert event.decoded("DTSTART") == dt.date(2026, 11, 27)
    assert event.decoded("DTEND") == dt.date(2026, 11, 28)


def test_feed_matches_the_librarys_own_serialisation(tmp_path: Path) -> None:
    ws = fixture_workspace(tmp_path / "ws")
    ours = Calendar.from_ical(ics.workspace_ics(ws))
    # Build the same feed with icalendar's API and compare event by event.
    reference = Calendar()
    stamp = dt.datetime(2026, 11, 23, tzinfo=dt.timezone.utc)
    for task in ws.tasks:
        if task.due is None:
            continue
        event = Event()
        event.add("uid", f"task-{task.id}@acme-team.worktext")
        event.add("summary", f"{task.id}: {task.title}")
        event.add("dtstart", task.due)
        event.add("dtend", task.due + dt.timedelta(days=1))
        event.add("dtstamp", stamp)
        reference.add_component(event)
    ours_by_uid = {str(e["UID"]): e for e in ours.walk("VEVENT")}
    for event in Calendar.from_ical(reference.to_ical()).walk("VEVENT"):
        mine = ours_by_uid[str(event["UID"])]
        for key in ("SUMMARY", "DTSTART", "DTEND", "DTSTAMP"):
            assert mine.decoded(key) == event.decoded(key), key
    assert ours["VERSION"] == "2.0" and ours["PRODID"] == ics.PRODID


def test_uids_are_stable_across_builds_and_days(tmp_path: Path) -> None:
    from worktext.check.pipeline import open_workspace

    ws = fixture_workspace(tmp_path / "ws")
    later = open_workspace(tmp_path / "ws", dt.date(2026, 12, 1), use_cache=False)

    def uids(w: object) -> list[str]:
        return [str(e["UID"]) for e in Calendar.from_ical(ics.workspace_ics(w)).walk("VEVENT")]

    # A week later the same events keep their UIDs; the window of upcoming recurring work
    # (a year ahead) has moved on by one more occurrence of the yearly O-1.
    assert [*uids(ws), "task-O-1-20271125@acme-team.worktext"] == uids(later)
    assert ics.workspace_ics(ws) == ics.workspace_ics(ws)
