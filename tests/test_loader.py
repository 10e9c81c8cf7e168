"""Finding item files, symbolic links, and parallel parsing that gives the serial result."""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import sys
import time
from pathlib import Path

import pytest

from worktext import parallel
from worktext.check.pipeline import open_workspace
from worktext.load import cache
from worktext.model import loader, scan
from worktext.model.config import load_config

GENERATOR = Path(__file__).resolve().parent.parent / "benchmarks" / "generate.py"


def load(root: Path) -> loader.Loaded:
    config, _ = load_config(root)
    return loader.load_sources(config)


def paths(loaded: loader.Loaded) -> dict[str, list[str]]:
    return {kind: [s.path for s in group] for kind, group in loaded.sources.items() if group}


def test_item_files_are_found_nested_and_sorted(make_workspace) -> None:
    root = make_workspace(
        {
            "tasks/web/2026/q1/WEB-2.md": "---\n---\n",
            "tasks/web/WEB-10.md": "---\n---\n",
            "tasks/api/API-1.md": "---\n---\n",
            "tasks/README.md": "# not an item\n",
            "tasks/web/index.md": "# not an item\n",
            "tasks/.hidden/X-1.md": "---\n---\n",
            "tasks/_drafts/X-2.md": "---\n---\n",
            "tasks/web/.X-3.md": "---\n---\n",
            "tasks/web/notes.txt": "not markdown\n",
            "people/ana.md": "---\nname: Ana\n---\n",
        }
    )
    assert paths(load(root)) == {
        "task": ["tasks/api/API-1.md", "tasks/web/2026/q1/WEB-2.md", "tasks/web/WEB-10.md"],
        "person": ["people/ana.md"],
    }


def test_custom_and_nested_folders_give_paths_relative_to_the_root(make_workspace) -> None:
    root = make_workspace(
        {"work/items/A-1.md": "---\n---\n", "team/ana.md": "---\n---\n"},
        config="name: T\nfolders:\n  tasks: ./work/items/\n  people: team\n",
    )
    assert paths(load(root)) == {"task": ["work/items/A-1.md"], "person": ["team/ana.md"]}


def test_a_file_in_two_kinds_folders_belongs_to_the_first(make_workspace) -> None:
    root = make_workspace(
        {"all/sub/x.md": "---\n---\n"},
        config="name: T\nfolders:\n  tasks: all\n  projects: all/sub\n",
    )
    assert paths(load(root)) == {"task": ["all/sub/x.md"]}


def symlink(link: Path, target: Path) -> None:
    try:
        link.symlink_to(target)
    except OSError:  # pragma: no cover - platforms without symlinks
        pytest.skip("symbolic links are not supported here")


def test_symlink_to_a_file_outside_the_workspace_is_not_read(make_workspace, tmp_path) -> None:
    root = make_workspace({"tasks/A-1.md": "---\ntitle: A\n---\n"})
    secret = tmp_path / "outside.md"
    secret.write_text("---\ntitle: secret\n---\n", encoding="utf-8")
    symlink(root / "tasks" / "B-1.md", secret)
    loaded = load(root)
    assert paths(loaded) == {"task": ["tasks/A-1.md"]}
    [warning] = loaded.diagnostics
    assert (warning.path, warning.code, warning.severity) == (
        "tasks/B-1.md",
        "symlink-outside",
        "warning",
    )
    assert "outside the workspace" in warning.message


def test_symlinks_to_folders_are_not_followed(make_workspace, tmp_path) -> None:
    root = make_workspace({"tasks/A-1.md": "---\n---\n", "archive/B-1.md": "---\n---\n"})
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "C-1.md").write_text("---\n---\n", encoding="utf-8")
    symlink(root / "tasks" / "old", root / "archive")
    symlink(root / "tasks" / "far", outside)
    loaded = load(root)
    assert paths(loaded) == {"task": ["tasks/A-1.md"]}
    # A link to a folder inside the workspace is skipped quietly; one outside is reported.
    assert [(d.path, d.code) for d in loaded.diagnostics] == [("tasks/far", "symlink-outside")]


def test_symlink_to_a_file_inside_the_workspace_is_read(make_workspace) -> None:
    root = make_workspace({"tasks/A-1.md": "---\ntitle: A\n---\n", "shared/B-1.md": "---\n---\n"})
    symlink(root / "tasks" / "B-1.md", root / "shared" / "B-1.md")
    loaded = load(root)
    assert paths(loaded) == {"task": ["tasks/A-1.md", "tasks/B-1.md"]}
    assert loaded.diagnostics == []


# -- parallel parsing ------------------------------------------------------------------------

VARIED = [
    "---\ntitle: Plain {n}\nstatus: todo\nlabels: [a, b]\n---\n# Heading {n}\n\n- [x] one\n",
    "\ufeff---\r\ntitle: BOM and CRLF {n}\r\n---\r\nBody\r\n",
    "---\ntitle: [unclosed {n}\n---\n",
    "no front matter {n}\n",
    "---\ntitle: never closed {n}\n",
    "---\nlog:\n  - {{date: 2026-01-0{d}, duration: 1h}}\nflag: yes\n---\n",
    "---\ntitle: dup\ntitle: again {n}\n---\n",
    "---\n<<<<<<< HEAD\ntitle: ours {n}\n=======\ntitle: theirs\n>>>>>>> x\n---\n",
]


@pytest.fixture
def varied_workspace(make_workspace) -> Path:
    files = {
        f"tasks/g{n % 7}/T-{n}.md": VARIED[n % len(VARIED)].format(n=n, d=n % 9 + 1)
        for n in range(120)
    }
    root = make_workspace(files)
    (root / "tasks" / "g0" / "BAD-1.md").write_bytes(b"---\ntitle: caf\xe9\n---\n")
    return root


def test_parallel_parsing_gives_the_serial_result(
    varied_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    forked = []
    real_fork = loader._portion

    def spy(chunk, config):
        forked.append(chunk)
        return real_fork(chunk, config)

    monkeypatch.setattr(loader, "_portion", spy)
    monkeypatch.setattr(loader, "PARALLEL_MIN_FILES", 10)
    config, _ = load_config(varied_workspace)
    monkeypatch.setenv(parallel.JOBS_ENV, "1")
    serial = loader.load_sources(config, use_cache=False)
    assert forked == []
    monkeypatch.setenv(parallel.JOBS_ENV, "3")
    split = loader.load_sources(config, use_cache=False)
    assert len(forked) == 3 and all(forked)  # one portion here, two in forks
    assert split.sources == serial.sources
    assert split.rows == serial.rows  # the built items and diagnostics too
    assert split.positions == serial.positions and len(serial.positions) > 50
    assert split.diagnostics == serial.diagnostics
    codes = {p.code for group in serial.sources.values() for s in group for p in s.problems}
    assert {"yaml-syntax", "no-front-matter", "unclosed-front-matter", "encoding"} <= codes
    assert {"duplicate-key", "conflict-marker", "yaml-ambiguous"} <= codes


def test_a_failing_worker_is_replaced_by_parsing_here(
    varied_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, _ = load_config(varied_workspace)
    monkeypatch.setenv(parallel.JOBS_ENV, "1")
    expected = loader.load_sources(config, use_cache=False).sources
    parent = os.getpid()
    real_read = loader.read_file

    def read_file(path: str, rel: str):
        if os.getpid() != parent:
            raise MemoryError("a worker that dies")
        return real_read(path, rel)

    monkeypatch.setattr(loader, "read_file", read_file)
    monkeypatch.setattr(loader, "PARALLEL_MIN_FILES", 10)
    monkeypatch.setenv(parallel.JOBS_ENV, "2")
    assert loader.load_sources(config, use_cache=False).sources == expected


def test_chunks_keep_order_and_balance_size() -> None:
    todo = [(f"/p/{i}", f"{i:03}", 100 if i < 10 else 10, "task") for i in range(100)]
    chunks = loader._chunks(todo, 3)
    assert [job for chunk in chunks for job in chunk] == todo
    sizes = [sum(job[2] for job in chunk) for chunk in chunks]
    total = sum(sizes)
    for size in sizes:  # each a third of the bytes, within a file
        assert abs(size - total / 3) <= 100


# -- fingerprint -----------------------------------------------------------------------------


def test_fingerprint_follows_every_input(make_workspace, monkeypatch) -> None:
    monkeypatch.setattr(cache, "now_ns", lambda: time.time_ns() + 10 * cache.RACY_NS)
    root = make_workspace({"tasks/A-1.md": "---\ntitle: A\n---\n"})
    config, _ = load_config(root)
    first = loader.load_sources(config).fingerprint
    assert first is not None
    assert scan.workspace_fingerprint(config) == first
    assert loader.load_sources(config).fingerprint == first  # from the cache: the same
    (root / "tasks" / "A-1.md").write_text("---\ntitle: B\n---\n", encoding="utf-8")
    edited = scan.workspace_fingerprint(config)
    (root / "tasks" / "B-1.md").write_text("---\n---\n", encoding="utf-8")
    added = scan.workspace_fingerprint(config)
    (root / "worktext.yml").write_text("name: Other\n", encoding="utf-8")
    reconfigured = scan.workspace_fingerprint(load_config(root)[0])
    assert len({first, edited, added, reconfigured}) == 4


def test_fingerprint_is_withheld_while_a_file_is_racily_new(make_workspace) -> None:
    root = make_workspace({"tasks/A-1.md": "---\n---\n"})
    assert scan.workspace_fingerprint(load_config(root)[0]) is None


def test_the_cache_written_from_workers_serves_the_same_sources(
    varied_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "now_ns", lambda: time.time_ns() + 10 * cache.RACY_NS)
    monkeypatch.setattr(loader, "PARALLEL_MIN_FILES", 10)
    monkeypatch.setenv(parallel.JOBS_ENV, "3")
    config, _ = load_config(varied_workspace)
    cold = loader.load_sources(config)
    assert cold.from_cache == 0
    store = cache.Cache(varied_workspace)
    stored = [
        row
        for path in (varied_workspace / ".worktext").glob("files-*.marshal")
        for row in store.get(path.name.removesuffix(".marshal"), config.fingerprint) or ()
    ]
    assert len(stored) == 121
    warm = loader.load_sources(config)
    assert warm.from_cache == 121
    assert warm.rows == cold.rows  # this process's share is stored as the workers' are
    assert warm.sources == cold.sources
    assert warm.fingerprint == cold.fingerprint is not None


def generator():
    spec = importlib.util.spec_from_file_location("bench_generate", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    try:
        spec.loader.exec_module(module)  # type: ignore[union-attr]
    finally:
        del sys.modules[spec.name]
    return module


def test_a_generated_workspace_loads_the_same_on_one_core_or_two(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "ws"
    counts = generator().generate(root, tasks=600, projects=6, people=5, seed=3)
    assert counts["tasks"] == 600
    today = dt.date(2026, 11, 23)
    monkeypatch.setenv(parallel.JOBS_ENV, "1")
    serial = open_workspace(root, today, use_cache=False)
    forked = []
    real_fork = loader._portion

    def spy(chunk, config):
        forked.append(chunk)
        return real_fork(chunk, config)

    monkeypatch.setattr(loader, "_portion", spy)
    monkeypatch.setenv(parallel.JOBS_ENV, "2")
    split = open_workspace(root, today, use_cache=False)
    assert len(forked) == 2 and all(len(c) > 200 for c in forked)  # the default threshold
    assert serial.diagnostics == split.diagnostics == []  # the generator's promise
    assert list(serial.tasks) == list(split.tasks)
    assert serial.sources == split.sources
    assert serial.file_count == split.file_count == 600 + 6 + 5 + 7 + 1 + 3


def test_the_generator_is_deterministic(tmp_path: Path) -> None:
    generate = generator().generate
    generate(tmp_path / "a", tasks=40, projects=3, people=4, seed=9)
    generate(tmp_path / "b", tasks=40, projects=3, people=4, seed=9)
    generate(tmp_path / "c", tasks=40, projects=3, people=4, seed=10)

    def files(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.md")}

    assert files(tmp_path / "a") == files(tmp_path / "b")
    assert files(tmp_path / "a") != files(tmp_path / "c")


def test_a_scan_made_to_fingerprint_is_reused_by_the_load(make_workspace, monkeypatch) -> None:
    monkeypatch.setattr(cache, "now_ns", lambda: time.time_ns() + 10 * cache.RACY_NS)
    root = make_workspace({"tasks/A-1.md": "---\ntitle: A\n---\n"})
    config, _ = load_config(root)
    found = scan.scan(config)
    walks = []
    monkeypatch.setattr(scan, "item_files", lambda c: walks.append(c) or ({}, []))
    loaded = loader.load_sources(config, found=found)
    assert walks == []
    assert [s.data for s in loaded.sources["task"]] == [{"title": "A"}]
    assert loaded.fingerprint == scan.fingerprint(config, found) is not None


def test_a_dangling_link_is_reported_every_time_and_keeps_a_fingerprint(
    make_workspace, monkeypatch
) -> None:
    monkeypatch.setattr(cache, "now_ns", lambda: time.time_ns() + 10 * cache.RACY_NS)
    root = make_workspace({"tasks/A-1.md": "---\n---\n"})
    symlink(root / "tasks" / "B-1.md", root / "missing.md")
    config, _ = load_config(root)
    first, second = loader.load_sources(config), loader.load_sources(config)
    for loaded in (first, second):
        [broken] = [s for s in loaded.sources["task"] if s.path == "tasks/B-1.md"]
        assert [p.code for p in broken.problems] == ["file-unreadable"]
    assert second.from_cache == 1  # the readable file only
    assert first.fingerprint == second.fingerprint is not None
    (root / "missing.md").write_text("---\ntitle: found\n---\n", encoding="utf-8")
    third = loader.load_sources(config)
    assert third.fingerprint not in (None, first.fingerprint)
    assert [s.data for s in third.sources["task"]] == [{}, {"title": "found"}]


def test_a_scan_in_a_fork_is_the_scan(make_workspace, tmp_path, monkeypatch) -> None:
    """``worktext build`` scans in a second process while it imports the renderer: the scan
    it gets back (files, stat keys, the walk's problems, the fingerprint) is the scan."""
    monkeypatch.setattr(cache, "now_ns", lambda: time.time_ns() + 10 * cache.RACY_NS)
    root = make_workspace({"tasks/A-1.md": "---\ntitle: A\n---\n", "people/ana.md": "---\n---\n"})
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: S\n---\n")
    symlink(root / "tasks" / "B-1.md", secret)
    config, _ = load_config(root)
    here, (there, listed) = scan.scan(config), scan.scan_in_fork(config, also=root / "tasks")()
    assert listed == {"A-1.md", "B-1.md"}  # the other folder's files, listed by the fork too
    assert there.files == here.files and there.keys == here.keys
    assert there.diagnostics == here.diagnostics and here.diagnostics
    assert there.fingerprints  # worked out by the fork too
    assert scan.fingerprint(config, there) == scan.fingerprint(config, here) is not None


def test_a_failed_scan_fork_is_made_again_here(make_workspace, monkeypatch) -> None:
    root = make_workspace({"tasks/A-1.md": "---\ntitle: A\n---\n"})
    config, _ = load_config(root)
    result = parallel.Fork.result
    monkeypatch.setattr(parallel.Fork, "result", lambda self: result(self) and None)
    found, listed = scan.scan_in_fork(config, also=root)()
    assert found.files == scan.scan(config).files and listed is None


# -- kept positions ----------------------------------------------------------------------------

MAPPED_CONFIG = """\
name: Kept
mappings:
  keys: {dependencies: depends_on}
"""


def _placed_workspace(make_workspace) -> Path:  # type: ignore[no-untyped-def]
    files = {
        f"tasks/T-{n}.md": (
            f"---\ntitle: Task {n}\n# a comment moves the keys down\n"
            f"status: {'nope' if n % 3 else 'todo'}\n"
            f"assignee: ghost{n % 4}\ndependencies:\n  - T-{n + 1}\n  - GONE-{n}\n"
            f"goal: no-goal\n---\n\nBody with [a link](missing-{n}.md) and @nobody{n}.\n"
        )
        for n in range(30)
    }
    files["tasks/SCALAR.md"] = "---\ntitle: S\nproject: nowhere\ndependencies: GONE-X\n---\n"
    return make_workspace(files, config=MAPPED_CONFIG)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_diagnostics_are_placed_from_the_positions_kept_by_the_parse(
    make_workspace, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, jobs: str
) -> None:
    """The rules across files place their diagnostics where reading the files again would
    (a renamed key, a list entry, a scalar, a body's line), and read no file to do it."""
    from worktext.check import pipeline

    root = _placed_workspace(make_workspace)
    today = dt.date(2026, 11, 23)
    monkeypatch.setattr(loader, "PARALLEL_MIN_FILES", 10)
    monkeypatch.setenv(parallel.JOBS_ENV, jobs)
    reads: list[str] = []
    real_read = pipeline.read_file

    def read_file(path: str, rel: str):  # type: ignore[no-untyped-def]
        reads.append(rel)
        return real_read(path, rel)

    monkeypatch.setattr(pipeline, "read_file", read_file)
    with caplog.at_level("WARNING", logger="worktext.parallel"):
        kept = open_workspace(root, today, use_cache=False).diagnostics
    assert reads == []
    assert caplog.records == []  # no worker failed (its work would be done here, unseen)
    nothing_kept = {kind: frozenset[str]() for kind in loader.POSITIONED_KEYS}
    monkeypatch.setattr(loader, "POSITIONED_KEYS", nothing_kept)
    again = open_workspace(root, today, use_cache=False).diagnostics
    assert len(reads) == 31  # every file with a diagnostic of the rules, read again
    assert kept == again
    placed = {(d.code, d.path, d.line, d.column) for d in kept}
    assert {p for p in placed if p[1] == "tasks/T-4.md"} == {
        ("unknown-status", "tasks/T-4.md", 4, 9),
        ("guest", "tasks/T-4.md", 5, 11),
        ("dangling-reference", "tasks/T-4.md", 8, 5),  # GONE-4, under 'dependencies'
        ("dangling-reference", "tasks/T-4.md", 9, 7),  # the goal
        ("broken-link", "tasks/T-4.md", 12, 20),  # the body's line, kept too
        ("unknown-mention", "tasks/T-4.md", 12, 38),
    }
    assert {p for p in placed if p[1] == "tasks/SCALAR.md"} == {
        ("dangling-reference", "tasks/SCALAR.md", 3, 10),  # the project
        ("dangling-reference", "tasks/SCALAR.md", 4, 15),  # a scalar, not a list
    }
