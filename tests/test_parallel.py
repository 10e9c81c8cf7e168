"""One way to run in parallel (parallel.py): a fork's result comes back; a fork that fails, or
dies, has its portion done here; no fork while other threads run."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from markupsafe import Markup
from render_helpers import TODAY, fixture_workspace

from worktext import parallel
from worktext.check.pipeline import open_workspace
from worktext.render import build as builder
from worktext.render.build import build_site

pytestmark = pytest.mark.skipif(not parallel.can_fork(), reason="needs os.fork")


def test_the_fork_sends_back_plain_data() -> None:
    value = {1: ("digest", True), "shares": {"card|../|T-1": ("key", "<li>x</li>")}}
    assert parallel.Fork(lambda: value).result() == value


def test_a_failed_fork_gives_none() -> None:
    def fail() -> None:
        raise RuntimeError("boom")

    assert parallel.Fork(fail).result() is None
    assert parallel.Fork(lambda: Markup("<b>not plain</b>")).result() is None  # marshal refuses


def test_portions_run_in_forks_and_come_back_in_order() -> None:
    parent = os.getpid()
    results = parallel.run_split([lambda n=n: (n, os.getpid()) for n in range(3)], bool)
    assert [n for n, _pid in results] == [0, 1, 2]
    assert results[0][1] == parent and {pid for _, pid in results[1:]} - {parent}


def test_a_worker_that_dies_has_its_portion_done_here() -> None:
    parent = os.getpid()

    def die_in_the_fork() -> int:
        if os.getpid() != parent:
            os.kill(os.getpid(), 9)  # killed while holding its work: no hang, no lost result
        return 7

    assert parallel.run_split([lambda: 1, die_in_the_fork, lambda: 3], bool) == [1, 7, 3]


def test_a_result_that_is_not_accepted_is_made_again_here() -> None:
    parent = os.getpid()
    results = parallel.run_split(
        [lambda: "here", lambda: "fork" if os.getpid() != parent else "redone"],
        lambda sent: sent != "fork",
    )
    assert results == ["here", "redone"]


def test_a_shared_queue_gives_each_part_to_one_process() -> None:
    parent = os.getpid()

    def work(taken):  # type: ignore[no-untyped-def]
        mine = []
        for number in taken:
            mine.append(number)
            time.sleep(0.001)  # both processes get to take some
        return [os.getpid(), mine]

    results = parallel.run_shared(200, work, lambda sent: isinstance(sent, list), workers=2)
    assert len(results) == 2 and results[0][0] == parent and results[1][0] != parent
    taken = [number for _pid, mine in results for number in mine]
    assert sorted(taken) == list(range(200))  # each part once, none lost
    assert all(mine == sorted(mine) for _pid, mine in results)  # in the queue's order
    assert results[0][1] and results[1][1]


def test_a_shared_queue_leaves_out_a_fork_that_dies_with_its_parts(tmp_path: Path) -> None:
    parent = os.getpid()
    took = tmp_path / "took"

    def work(taken):  # type: ignore[no-untyped-def]
        if os.getpid() != parent:
            took.write_text(str(next(taken)))
            os.kill(os.getpid(), 9)  # dies holding a part: its result is not there
        for _ in range(500):  # until the fork has taken its part
            if took.exists() and took.read_text():
                break
            time.sleep(0.01)
        return list(taken)

    results = parallel.run_shared(50, work, lambda sent: isinstance(sent, list), workers=2)
    lost = int(took.read_text())
    assert results == [[n for n in range(50) if n != lost]]  # the caller does it again


def test_a_shared_queue_without_forks_runs_every_part_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(parallel.JOBS_ENV, "1")
    assert parallel.run_shared(5, list, bool, workers=2) == [[0, 1, 2, 3, 4]]
    with pytest.raises(ValueError):
        parallel.run_shared(parallel.MAX_SHARED_PARTS + 1, list, bool, workers=2)


def test_no_fork_while_another_thread_runs() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not parallel.can_fork()
        parent = os.getpid()
        pids = parallel.run_split([os.getpid, os.getpid], bool)
        assert pids == [parent, parent]
    finally:
        stop.set()
        thread.join()
    assert parallel.can_fork()


def test_worktext_jobs_1_turns_forking_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(parallel.JOBS_ENV, "1")
    assert not parallel.can_fork() and parallel.cpu_count() == 1


def test_a_build_whose_fork_dies_still_writes_every_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build's second process takes two pages from the queue and is killed with them:
    this process renders those too, and the site is byte for byte the one a single process
    builds."""
    root = tmp_path / "ws"
    fixture_workspace(root)
    monkeypatch.setattr(builder, "PARALLEL_PAGES", 0)
    parent = os.getpid()
    render = builder.render_pages
    took = tmp_path / "took"

    def dying(renderer, pages, indexes, *args, **kwargs):  # type: ignore[no-untyped-def]
        taken = iter(indexes)
        if os.getpid() != parent:
            took.write_text(f"{next(taken)} {next(taken)}")  # out of the queue, then killed
            os.kill(os.getpid(), 9)
        for _ in range(500):  # this process waits until the fork has taken its pages
            if took.exists() and took.read_text():
                break
            time.sleep(0.01)
        return render(renderer, pages, taken, *args, **kwargs)

    monkeypatch.setattr(builder, "render_pages", dying)
    two = build_site(open_workspace(root, TODAY, use_cache=False), tmp_path / "a", jobs=2)
    assert len(took.read_text().split()) == 2
    monkeypatch.setattr(builder, "render_pages", render)
    one = build_site(open_workspace(root, TODAY, use_cache=False), tmp_path / "b", jobs=1)
    assert two.rendered == one.rendered == one.pages
    files = sorted(
        p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file()
    )
    for rel in files:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel
