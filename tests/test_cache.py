"""The disposable cache: served only while a file is unchanged, never changes a result."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from conftest import TODAY

from worktext.check.pipeline import open_workspace
from worktext.load import cache
from worktext.model import codec as snapshot
from worktext.model import loader
from worktext.model.config import load_config

FILES = {
    "tasks/web/WEB-1.md": """\
        ---
        title: Login page
        status: doing
        assignee: ana
        due: 2026-12-01
        ---
        # Login

        - [x] design
        - [ ] build
        """,
    "tasks/web/WEB-2.md": """\
        ---
        title: Broken
        depends_on: [WEB-1, WEB-9]
        due: 2026-02-30
        ---
        Body.
        """,
    "people/ana.md": "---\nname: Ana\n---\n",
}


@pytest.fixture
def later_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written by a test are seconds old, so they count as "racily clean" and are never
    served from the cache; this clock runs ahead so that they are not."""
    monkeypatch.setattr(cache, "now_ns", lambda: time.time_ns() + 10 * cache.RACY_NS)


def load(root: Path) -> loader.Loaded:
    config, _ = load_config(root)
    return loader.load_sources(config)


def sources(loaded: loader.Loaded) -> dict[str, object]:
    return {s.path: s for group in loaded.sources.values() for s in group}


def salt(root: Path) -> str:
    return load_config(root)[0].fingerprint


def cached_paths(root: Path) -> set[str]:
    return set(cache.read(root, loader.CACHE_NAME, salt(root)))


def test_unchanged_files_are_served_from_the_cache(make_workspace, later_clock) -> None:
    root = make_workspace(FILES)
    first = load(root)
    assert first.from_cache == 0
    second = load(root)
    assert second.from_cache == 3
    assert sources(second) == sources(first)
    assert (root / ".worktext" / ".gitignore").read_text(encoding="utf-8").endswith("*\n")


def test_an_edited_file_is_parsed_again(make_workspace, later_clock) -> None:
    root = make_workspace(FILES)
    load(root)
    path = root / "tasks/web/WEB-1.md"
    path.write_text(path.read_text(encoding="utf-8").replace("doing", "done"), encoding="utf-8")
    again = load(root)
    assert again.from_cache == 2
    assert sources(again)["tasks/web/WEB-1.md"].data["status"] == "done"


def test_same_size_edit_with_mtime_restored_is_still_seen(make_workspace, later_clock) -> None:
    root = make_workspace(FILES)
    path = root / "tasks/web/WEB-1.md"
    before = path.stat()
    load(root)
    path.write_text(path.read_text(encoding="utf-8").replace("doing", "dxing"), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # as rsync -t or tar would
    assert path.stat().st_size == before.st_size
    assert sources(load(root))["tasks/web/WEB-1.md"].data["status"] == "dxing"


def test_a_file_changed_just_now_is_never_served_from_the_cache(make_workspace) -> None:
    root = make_workspace(FILES)  # real clock: every file is younger than RACY_NS
    first = load(root)
    second = load(root)
    assert second.from_cache == 0
    assert sources(second) == sources(first)
    assert first.fingerprint is None


def test_entries_of_deleted_files_are_dropped(make_workspace, later_clock) -> None:
    root = make_workspace(FILES)
    load(root)
    assert "tasks/web/WEB-2.md" in cached_paths(root)
    (root / "tasks/web/WEB-2.md").unlink()
    loaded = load(root)
    assert "tasks/web/WEB-2.md" not in sources(loaded)
    assert cached_paths(root) == {"tasks/web/WEB-1.md", "people/ana.md"}


@pytest.mark.parametrize(
    "garbage",
    [b"", b"not marshal at all", b"\xe3\x00\x00", b"N", b"\xa9\x02N)\x02"],
    ids=["empty", "text", "truncated", "none", "wrong-shape"],
)
def test_a_corrupt_cache_file_is_ignored_and_rebuilt(
    make_workspace, later_clock, garbage: bytes
) -> None:
    root = make_workspace(FILES)
    expected = sources(load(root))
    (root / ".worktext" / loader.CACHE_NAME).write_bytes(garbage)
    loaded = load(root)
    assert loaded.from_cache == 0
    assert sources(loaded) == expected
    assert load(root).from_cache == 3  # rewritten, valid again


def test_a_cache_from_other_code_is_ignored(make_workspace, later_clock) -> None:
    root = make_workspace(FILES)
    load(root)
    entries = cache.read(root, loader.CACHE_NAME, salt(root))
    assert entries
    cache._dump(root, loader.CACHE_NAME, (("someone else's", 0), entries))
    assert load(root).from_cache == 0


def test_deleting_the_cache_changes_no_result(make_workspace, later_clock) -> None:
    root = make_workspace(FILES)

    def result() -> tuple:
        ws = open_workspace(root, TODAY)
        return ws.diagnostics, list(ws.tasks), {path: ws.sources[path] for path in ws.sources}

    fresh = result()
    assert any(d.code == "invalid-date" for d in fresh[0])
    assert any(d.code == "dangling-reference" for d in fresh[0])
    warm = result()
    shutil.rmtree(root / ".worktext")
    rebuilt = result()
    uncached = open_workspace(root, TODAY, use_cache=False)
    assert fresh == warm == rebuilt
    assert uncached.diagnostics == fresh[0]


def test_no_cache_reads_and_writes_nothing(make_workspace, later_clock) -> None:
    root = make_workspace(FILES)
    config, _ = load_config(root, use_cache=False)
    loader.load_sources(config, use_cache=False)
    assert not (root / ".worktext").exists()


def test_remember_and_recall_by_key(tmp_path: Path) -> None:
    value = ([("a.md", 1, 2, "error", "code", "message", "", 0, 0)], 7)
    cache.remember(tmp_path, "check.marshal", "key-1", value)
    assert cache.recall(tmp_path, "check.marshal", "key-1") == value
    assert cache.recall(tmp_path, "check.marshal", "key-2") is None
    assert cache.recall(tmp_path, "other.marshal", "key-1") is None
    (tmp_path / ".worktext" / "check.marshal").write_bytes(b"\x00garbage")
    assert cache.recall(tmp_path, "check.marshal", "key-1") is None


def test_deferred_writes_are_made_by_a_second_process_and_waited_for(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    with cache.deferred_writes() as start:
        cache.remember(first, "x.marshal", "key", (1, "one"))
        assert not (first / ".worktext" / "x.marshal").exists()  # held back
        start()  # written by a fork of this process, while this one goes on
        cache.remember(second, "y.marshal", "key", (2, "two"))  # held back again
    # Leaving waits for the fork, and writes what was held back since.
    assert cache.recall(first, "x.marshal", "key") == (1, "one")
    assert cache.recall(second, "y.marshal", "key") == (2, "two")
    cache.remember(first, "z.marshal", "key", 3)  # outside: written at once
    assert cache.recall(first, "z.marshal", "key") == 3


def test_an_unwritable_cache_folder_is_not_an_error(make_workspace, later_clock) -> None:
    root = make_workspace(FILES)
    (root / ".worktext").write_text("a file where the folder should be", encoding="utf-8")
    assert len(sources(load(root))) == 3
    assert cache.recall(root, "check.marshal", "k") is None
    cache.remember(root, "check.marshal", "k", 1)  # silently not written


def test_a_few_changed_files_are_appended_and_the_cache_compacts(
    make_workspace, later_clock, monkeypatch
) -> None:
    monkeypatch.setattr(loader, "COMPACT_SLACK", 0)  # compact past 2 rows per file
    root = make_workspace(FILES)
    load(root)
    assert len(cache.read_store(root, loader.CACHE_NAME, salt(root)).parts) == 1
    path = root / "tasks/web/WEB-1.md"
    text = path.read_text(encoding="utf-8")
    counts = []
    for n in range(6):
        path.write_text(text.replace("Login page", f"Login page {n}"), encoding="utf-8")
        loaded = load(root)
        assert sources(loaded)["tasks/web/WEB-1.md"].data["title"] == f"Login page {n}"
        store = cache.read_store(root, loader.CACHE_NAME, salt(root))
        assert sources(load(root)) == sources(loaded)  # served from the appended part
        item_row = store.entries["tasks/web/WEB-1.md"][1][0]
        assert snapshot.decode_items({"task": [item_row]})["task"][0].title == f"Login page {n}"
        counts.append(len(store.parts))
    assert counts == [2, 3, 4, 1, 2, 3]  # a small part per change, until rows pile up


def test_a_changed_configuration_rebuilds_every_item(make_workspace, later_clock) -> None:
    root = make_workspace(FILES)
    load(root)
    assert load(root).from_cache == 3
    (root / "worktext.yml").write_text("name: Other\nhours_per_day: 6\n", encoding="utf-8")
    assert load(root).from_cache == 0  # durations in hours depend on it
