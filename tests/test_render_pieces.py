"""Each task's share of index.json, the search index and the feeds is kept between builds under
its page's fingerprint: a rebuild joins the kept shares, and gives the bytes a full build does."""

from __future__ import annotations

import marshal
import re
from pathlib import Path

import pytest
from render_helpers import TODAY, fixture_workspace

from worktext.check.pipeline import open_workspace
from worktext.render import build_site, builder, fragments, pieces
from worktext.render.pieces import Pieces
from worktext.render.view import person_feed_kind

WHOLE_SITE = ("index.json", "search-index.js", "calendar.ics")


def test_a_share_is_reused_only_under_the_same_key(tmp_path: Path) -> None:
    store = tmp_path / "store.marshal"
    made: list[str] = []

    def make(text: str):  # type: ignore[no-untyped-def]
        return lambda: made.append(text) or text

    first = Pieces(store, {"A-1": "k1", "A-2": "k2"})
    assert first.get("A-1", make("one")) == "one" and first.get("A-2", make("two")) == "two"
    first.save()
    again = Pieces(store, {"A-1": "k1", "A-2": "changed"})
    assert again.get("A-1", make("new one")) == "one"  # kept
    assert again.get("A-2", make("new two")) == "new two"  # its page changed
    assert made == ["one", "two", "new two"]
    again.save()
    assert set(marshal.loads(store.read_bytes())) == {"A-1", "A-2"}


def test_without_keys_or_with_a_damaged_store_every_share_is_made(tmp_path: Path) -> None:
    store = tmp_path / "store.marshal"
    store.write_bytes(b"\x00not marshal")
    pieces = Pieces(store, {"A-1": "k1"})
    assert pieces.get("A-1", lambda: "made") == "made"
    unkeyed = Pieces(store, None)
    assert unkeyed.get("A-1", lambda: "again") == "again"
    unkeyed.save()  # nothing to keep without keys: the store is left as it was
    assert store.read_bytes() == b"\x00not marshal"


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_rebuild_from_kept_shares_gives_the_bytes_of_a_full_build(
    tmp_path: Path, jobs: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(builder, "PARALLEL_THRESHOLD", 0)  # with jobs=2, in two processes
    root, out, full = tmp_path / "ws", tmp_path / "out", tmp_path / "full"
    fixture_workspace(root)
    build_site(open_workspace(root, TODAY, use_cache=False), out, jobs=jobs)
    assert list((root / ".worktext").glob("site-*-index.marshal"))
    task = root / "tasks" / "S-1.md"
    text = task.read_text("utf-8")
    title = 'title: "Edited <b> & \\u2028"'  # markup, an ampersand, a line separator
    edited = re.sub(r"^title: .*$", lambda _: title, text, count=1, flags=re.M)
    assert edited != text
    task.write_text(edited, "utf-8")
    rebuilt = build_site(open_workspace(root, TODAY, use_cache=False), out, jobs=jobs)
    assert 0 < rebuilt.rendered < rebuilt.pages
    build_site(open_workspace(root, TODAY, use_cache=False), full, jobs=1, incremental=False)
    for name in WHOLE_SITE:
        assert (out / name).read_bytes() == (full / name).read_bytes(), name
    assert b"Edited" in (out / "index.json").read_bytes()
    for person_feed in (full / "people").glob("*.ics"):
        assert (out / "people" / person_feed.name).read_bytes() == person_feed.read_bytes()


def test_upcoming_occurrences_are_kept_under_their_series_and_follow_its_edits(
    tmp_path: Path,
) -> None:
    root, out, full = tmp_path / "ws", tmp_path / "out", tmp_path / "full"
    series = "---\ntitle: Weekly report\nassignee: ana\ndue: 2026-11-20\nrepeat: weekly\n---\n"
    fixture_workspace(root, {"tasks/R-1.md": series})
    build_site(open_workspace(root, TODAY, use_cache=False), out, jobs=1)
    kept = marshal.loads(next((root / ".worktext").glob("site-*-ics.marshal")).read_bytes())
    assert "R-1-20261127" in kept  # the next occurrence's event, kept for the next build
    (root / "tasks" / "R-1.md").write_text(series.replace("Weekly report", "Weekly digest"))
    build_site(open_workspace(root, TODAY, use_cache=False), out, jobs=1)
    build_site(open_workspace(root, TODAY, use_cache=False), full, jobs=1, incremental=False)
    feed = (out / "calendar.ics").read_bytes()
    assert feed == (full / "calendar.ics").read_bytes()
    assert b"R-1-20261127: Weekly digest" in feed and b"Weekly report" not in feed
    assert (out / "people" / "ana.ics").read_bytes() == (full / "people" / "ana.ics").read_bytes()


def test_a_person_s_feed_keeps_its_own_events(tmp_path: Path) -> None:
    """A rebuild that redoes one person's feed reads that person's events, not the store of
    every task's (the workspace feed's): with that one gone, the feed is still made right."""
    root, out, full = tmp_path / "ws", tmp_path / "out", tmp_path / "full"
    fixture_workspace(root)
    build_site(open_workspace(root, TODAY, use_cache=False), out, jobs=1)
    ws = open_workspace(root, TODAY)
    store = next((root / ".worktext").glob(f"site-*-{person_feed_kind('ana')}.marshal"))
    kept = marshal.loads(store.read_bytes())
    assert kept and set(kept) <= {t.id for t in ws.tasks_of_person(ws.people.get("ana"))}
    for store in (root / ".worktext").glob("site-*-ics.marshal*"):
        store.write_bytes(b"damaged")
    task = root / "tasks" / "S-1.md"
    task.write_text(task.read_text("utf-8").replace("title:", "title: Edited", 1), "utf-8")
    build_site(open_workspace(root, TODAY, use_cache=False), out, jobs=1)
    build_site(open_workspace(root, TODAY, use_cache=False), full, jobs=1, incremental=False)
    for feed in (full / "people").glob("*.ics"):
        assert (out / "people" / feed.name).read_bytes() == feed.read_bytes(), feed.name
    assert (out / "calendar.ics").read_bytes() == (full / "calendar.ics").read_bytes()


def test_cards_and_rows_are_kept_and_only_the_edited_tasks_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, out, full = tmp_path / "ws", tmp_path / "out", tmp_path / "full"
    fixture_workspace(root)
    build_site(open_workspace(root, TODAY), out, jobs=1)
    store = next(
        (root / ".worktext").glob(f"site-*-{pieces.page_kind('boards/site.html')}.marshal")
    )
    kept = marshal.loads(store.read_bytes())
    assert "card|../|S-1" in kept  # the board's own cards, and only those
    assert {name.rpartition("|")[2] for name in kept} == {"S-1", "S-2", "S-3", "S-4", "S-5"}
    made: list[str] = []
    card = fragments.card
    monkeypatch.setattr(
        fragments, "card", lambda site, task: made.append(task.id) or card(site, task)
    )
    task = root / "tasks" / "S-4.md"
    task.write_text(task.read_text("utf-8").replace("Write the copy", "Write <the> copy"), "utf-8")
    build_site(open_workspace(root, TODAY), out, jobs=1)
    assert set(made) == {"S-4"}  # the site's boards show seven cards; six were kept
    build_site(open_workspace(root, TODAY, use_cache=False), full, jobs=1, incremental=False)
    for board in ("boards/site.html", "workflows/flow.html", "projects/site.html"):
        assert (out / board).read_bytes() == (full / board).read_bytes(), board
    assert b"Write &lt;the&gt; copy" in (out / "boards/site.html").read_bytes()


def test_a_few_changed_shares_go_to_a_small_second_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pieces, "DELTA_MIN", 2)
    store, delta = tmp_path / "s.marshal", tmp_path / "s.marshal.delta"
    keys = {f"A-{n}": "k" for n in range(5)}
    first = Pieces(store, keys)
    for task_id in keys:
        first.get(task_id, lambda task_id=task_id: f"old {task_id}")
    first.save()
    written = store.read_bytes()
    second = Pieces(store, {**keys, "A-1": "k2"})
    assert [second.get(t, lambda t=t: f"new {t}") for t in keys][:2] == ["old A-0", "new A-1"]
    second.save()  # one changed share: the big file stays as it was
    assert store.read_bytes() == written and set(marshal.loads(delta.read_bytes())) == {"A-1"}
    third = Pieces(store, {**keys, "A-1": "k2", "A-2": "k2", "A-3": "k2"})
    shares = [third.get(t, lambda t=t: f"third {t}") for t in keys]
    assert shares == ["old A-0", "new A-1", "third A-2", "third A-3", "old A-4"]
    third.save()  # three changed, more than the second file may hold: written whole
    assert not delta.exists()
    assert marshal.loads(store.read_bytes())["A-3"] == ("k2", "third A-3")
