"""The fork helpers of the build (forks.py): portions handed out once each across two
processes, the fork's result sent back, and a failed fork reported as None."""

from __future__ import annotations

from pathlib import Path

import pytest
from markupsafe import Markup
from render_helpers import TODAY, fixture_workspace

from worktext import parallel as forks
from worktext.check.pipeline import open_workspace
from worktext.render import build_site, builder

pytestmark = pytest.mark.skipif(not forks.can_fork(), reason="needs os.fork")


def _take_all(counter: forks.Counter, below: int) -> list[int]:
    taken = []
    while (number := counter.take()) < below:
        taken.append(number)
    return taken


def test_two_processes_take_every_number_once() -> None:
    counter = forks.Counter()
    child = forks.Fork(lambda: _take_all(counter, 500))
    here = _take_all(counter, 500)
    there = child.result()
    counter.close()
    assert isinstance(there, list)
    assert sorted(here + there) == list(range(500))


def test_the_fork_sends_back_plain_data() -> None:
    value = {1: ("digest", True), "shares": {"card|../|T-1": ("key", "<li>x</li>")}}
    assert forks.Fork(lambda: value).result() == value


def test_a_failed_fork_gives_none() -> None:
    def fail() -> None:
        raise RuntimeError("boom")

    assert forks.Fork(fail).result() is None
    assert forks.Fork(lambda: Markup("<b>not plain</b>")).result() is None  # marshal refuses


def test_a_rebuild_takes_the_fork_s_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After an edit, the fork made before the plan renders whole-site pages and sends them
    back (were they lost, this process would render them again, and the bytes would not
    tell)."""
    root, out = tmp_path / "ws", tmp_path / "out"
    fixture_workspace(root)
    build_site(open_workspace(root, TODAY), out, jobs=2)
    task = root / "tasks" / "S-4.md"
    task.write_text(task.read_text("utf-8").replace("title:", "title: Edited", 1), "utf-8")
    sent: list[dict[int, tuple[str, bool]]] = []
    collect = builder._collect

    def collecting(*args, **kwargs):  # type: ignore[no-untyped-def]
        results = collect(*args, **kwargs)
        sent.append(results)
        return results

    monkeypatch.setattr(builder, "_collect", collecting)
    result = build_site(open_workspace(root, TODAY), out, jobs=2)
    assert len(sent) == 1 and sent[0], "the fork rendered nothing, or its pages were lost"
    assert all(isinstance(digest, str) and len(digest) == 24 for digest, _ in sent[0].values())
    assert result.rendered >= len(sent[0])
