"""The disposable cache (load/cache.py): one store of entries, each served only under its own
key and code, and never changing a result; the loader's entries, one per folder, are served
only while each file is unchanged."""

from __future__ import annotations

import logging
import os
import shutil
import time
from pathlib import Path

import pytest
from conftest import TODAY

from worktext.check.pipeline import open_workspace
from worktext.load import cache
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
    """The files whose rows the loader's entries hold."""
    store, found = cache.Cache(root), set()
    for path in (root / ".worktext").glob("files-*.marshal"):
        entry = store.get(path.name.removesuffix(".marshal"), salt(root))
        found.update(entry or ())
    return found


def entry_of(rel: str) -> Path:
    return Path(".worktext") / f"{loader.entry_name(loader.folder_of(rel))}.marshal"


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
    [b"", b"not marshal at all", b"\xe3\x00\x00", b"worktext-cache 0\n", b"\xa9\x02N)\x02"],
    ids=["empty", "text", "truncated", "other-key", "wrong-shape"],
)
def test_a_corrupt_cache_entry_is_ignored_and_rebuilt(
    make_workspace, later_clock, garbage: bytes
) -> None:
    root = make_workspace(FILES)
    expected = sources(load(root))
    (root / entry_of("tasks/web/WEB-1.md")).write_bytes(garbage)
    loaded = load(root)
    assert loaded.from_cache == 1  # people/ana.md, whose entry is another
    assert sources(loaded) == expected
    assert load(root).from_cache == 3  # rewritten, valid again


def test_a_corrupt_entry_is_dropped_and_said_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = cache.Cache(tmp_path)
    store.put("entry", "key", {"a": 1})
    path = store.path("entry")
    path.write_bytes(path.read_bytes()[:-3])  # the value cut short
    logger = logging.getLogger("worktext")
    logger.addHandler(caplog.handler)  # the CLI's own handler may keep it from the root
    try:
        with caplog.at_level(logging.INFO, logger="worktext"):
            assert store.get("entry", "key") is None
    finally:
        logger.removeHandler(caplog.handler)
    assert "corrupt" in caplog.text and "dropped" in caplog.text
    assert not path.exists()


def test_an_entry_of_other_code_is_a_miss(make_workspace, later_clock, monkeypatch) -> None:
    root = make_workspace(FILES)
    load(root)
    assert load(root).from_cache == 3
    cache.code_stamp.cache_clear()
    monkeypatch.setattr(cache, "FORMAT", cache.FORMAT + 1)  # as an upgrade of worktext would
    try:
        assert load(root).from_cache == 0
    finally:
        cache.code_stamp.cache_clear()


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


def test_an_entry_is_served_only_under_its_key(tmp_path: Path) -> None:
    store = cache.Cache(tmp_path)
    value = ([("a.md", 1, 2, "error", "code", "message", "", 0, 0)], 7)
    store.put("checks", "key-1", value)
    assert store.get("checks", "key-1") == value
    assert store.get("checks", "key-2") is None
    assert store.get("other", "key-1") is None
    assert cache.Cache(tmp_path, enabled=False).get("checks", "key-1") is None
    (tmp_path / ".worktext" / "checks.marshal").write_bytes(b"\x00garbage")
    assert store.get("checks", "key-1") is None


def test_an_unwritable_cache_folder_is_not_an_error(make_workspace, later_clock) -> None:
    root = make_workspace(FILES)
    (root / ".worktext").write_text("a file where the folder should be", encoding="utf-8")
    assert len(sources(load(root))) == 3
    store = cache.Cache(root)
    assert store.get("checks", "k") is None
    store.put("checks", "k", 1)  # logged, not written


def test_an_edit_rewrites_the_entry_of_its_folder_only(make_workspace, later_clock) -> None:
    root = make_workspace(FILES)
    load(root)
    web, people = root / entry_of("tasks/web/WEB-1.md"), root / entry_of("people/ana.md")
    assert web != people and web.exists() and people.exists()
    before = people.stat().st_mtime_ns, web.read_bytes()
    path = root / "tasks/web/WEB-1.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Login page", "Log in"), "utf-8")
    loaded = load(root)
    assert sources(loaded)["tasks/web/WEB-1.md"].data["title"] == "Log in"
    assert people.stat().st_mtime_ns == before[0] and web.read_bytes() != before[1]
    assert load(root).from_cache == 3


def test_a_changed_configuration_rebuilds_every_item(make_workspace, later_clock) -> None:
    root = make_workspace(FILES)
    load(root)
    assert load(root).from_cache == 3
    (root / "worktext.yml").write_text("name: Other\nhours_per_day: 6\n", encoding="utf-8")
    assert load(root).from_cache == 0  # durations in hours depend on it


def test_an_unchanged_workspace_reuses_its_checks(make_workspace, later_clock) -> None:
    root = make_workspace(FILES)
    first = open_workspace(root, TODAY)
    assert cache.Cache(root).path("checks").exists()
    again = open_workspace(root, TODAY)
    assert again.diagnostics == first.diagnostics and again.diagnostics
