"""Each task's share of index.json, the search index, the feeds and the boards is kept between
builds under its page's fingerprint (shares.py): a rebuild joins the kept shares, and gives the
bytes a full build does."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from render_helpers import TODAY, fixture_workspace

from worktext.check.pipeline import open_workspace
from worktext.load.cache import Cache
from worktext.render import build as builder
from worktext.render import html
from worktext.render.build import build_site
from worktext.render.shares import ENTRY_KEY, Shares

WHOLE_SITE = ("index.json", "search-index.js", "calendar.ics")


def kept(root: Path, pattern: str) -> dict[str, object]:
    """The shares of the cache entries whose names match ``pattern`` (a glob), together."""
    store = Cache(root)
    found: dict[str, object] = {}
    for path in sorted((root / ".worktext").glob(f"{pattern}.marshal")):
        value = store.get(path.name.removesuffix(".marshal"), ENTRY_KEY)
        assert isinstance(value, dict), path
        found.update(value)
    return found


def test_a_share_is_reused_only_under_the_same_key(tmp_path: Path) -> None:
    store = Cache(tmp_path)
    made: list[str] = []

    def make(text: str):  # type: ignore[no-untyped-def]
        return lambda: made.append(text) or text

    first = Shares(store, "site-x", {"A-1": "k1", "A-2": "k2"}).kind("index")
    assert first.get("A-1", make("one")) == "one" and first.get("A-2", make("two")) == "two"
    first.save()
    again = Shares(store, "site-x", {"A-1": "k1", "A-2": "changed"}).kind("index")
    assert again.get("A-1", make("new one")) == "one"  # kept
    assert again.get("A-2", make("new two")) == "new two"  # its page changed
    assert made == ["one", "two", "new two"]
    again.save()
    assert set(kept(tmp_path, "site-x-index")) == {"A-1", "A-2"}


def test_a_damaged_store_makes_every_share_and_is_replaced(tmp_path: Path) -> None:
    store = Cache(tmp_path)
    shares = Shares(store, "site-x", {"A-1": "k1"}).kind("index")
    assert shares.get("A-1", lambda: "first") == "first"
    shares.save()
    store.path("site-x-index").write_bytes(b"\x00not a cache entry")
    again = Shares(store, "site-x", {"A-1": "k1"}).kind("index")
    assert again.get("A-1", lambda: "made") == "made"
    again.save()
    assert kept(tmp_path, "site-x-index") == {"A-1": ("k1", "made")}


def test_a_large_store_rewrites_only_the_entries_whose_shares_changed(tmp_path: Path) -> None:
    store = Cache(tmp_path)
    keys = {f"A-{n}": "k" for n in range(200)}
    first = Shares(store, "site-x", keys).kind("index", large=True)
    for task_id in keys:
        first.get(task_id, lambda task_id=task_id: f"old {task_id}")
    first.save()
    entries = sorted((tmp_path / ".worktext").glob("site-x-index-*.marshal"))
    assert len(entries) > 1
    before = {path.name: path.stat().st_mtime_ns for path in entries}
    second = Shares(store, "site-x", {**keys, "A-7": "k2"}).kind("index", large=True)
    shares = [second.get(t, lambda t=t: f"new {t}") for t in keys]
    assert shares[6:8] == ["old A-6", "new A-7"]
    second.save()
    after = {path.name: path.stat().st_mtime_ns for path in entries}
    assert sum(before[name] != after[name] for name in before) == 1
    assert kept(tmp_path, "site-x-index-*")["A-7"] == ("k2", "new A-7")


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_rebuild_from_kept_shares_gives_the_bytes_of_a_full_build(
    tmp_path: Path, jobs: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(builder, "PARALLEL_PAGES", 0)  # with jobs=2, in two processes
    root, out, full = tmp_path / "ws", tmp_path / "out", tmp_path / "full"
    fixture_workspace(root)
    build_site(open_workspace(root, TODAY, use_cache=False), out, jobs=jobs)
    assert kept(root, "site-*-index-*")
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
    assert "R-1-20261127" in kept(
        root, "site-*-ics-[0-9]*"
    )  # the next occurrence's event, kept for the next build
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
    digest = hashlib.sha256(b"ana").hexdigest()[:16]
    anas = kept(root, f"site-*-ics-person-{digest}")
    assert anas and set(anas) <= {t.id for t in ws.tasks_of_person(ws.people.get("ana"))}
    for store in (root / ".worktext").glob("site-*-ics-[0-9]*.marshal"):
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
    page = hashlib.blake2b(b"boards/site.html", digest_size=8).hexdigest()
    cards = kept(root, f"site-*-page-{page}")
    assert "card|../|S-1" in cards  # the board's own cards, and only those
    assert {name.rpartition("|")[2] for name in cards} == {"S-1", "S-2", "S-3", "S-4", "S-5"}
    made: list[str] = []
    card = html.card
    monkeypatch.setattr(html, "card", lambda view, task: made.append(task.id) or card(view, task))
    task = root / "tasks" / "S-4.md"
    task.write_text(task.read_text("utf-8").replace("Write the copy", "Write <the> copy"), "utf-8")
    build_site(open_workspace(root, TODAY), out, jobs=1)
    assert set(made) == {"S-4"}  # the site's boards show seven cards; six were kept
    build_site(open_workspace(root, TODAY, use_cache=False), full, jobs=1, incremental=False)
    for board in ("boards/site.html", "workflows/flow.html", "projects/site.html"):
        assert (out / board).read_bytes() == (full / board).read_bytes(), board
    assert b"Write &lt;the&gt; copy" in (out / "boards/site.html").read_bytes()
