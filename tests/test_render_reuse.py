"""A rebuild takes over the task pages that cannot have changed (reuse.py): after every kind of
edit, the fingerprints it keeps must be the ones planning every page afresh gives."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from render_helpers import TODAY, fixture_workspace

from worktext.check.pipeline import open_workspace
from worktext.load.cache import Cache
from worktext.model.workspace import Workspace
from worktext.render import build as builder
from worktext.render import reuse
from worktext.render.build import build_site
from worktext.render.data import SiteData
from worktext.render.fingerprints import Fingerprints, item_digests
from worktext.render.plan import plan


def _assert_kept_as_planned_afresh(
    ws: Workspace, root: Path, out: Path, what: str
) -> dict[str, str]:
    """The fingerprints the last build stored are those planning every page afresh gives;
    returns these, by page path."""
    data = SiteData(ws)
    pages = plan(data)
    keys = Fingerprints(data, item_digests(data)).of(pages)
    fresh = dict(zip((p.path for p in pages), keys, strict=True))
    stored = builder.read_manifest(Cache(root), out.resolve()).pages
    assert {path: stored[path][0] for path in fresh} == fresh, what
    return fresh


def _assert_same_as_a_full_build(root: Path, out: Path, full: Path) -> None:
    """Every file of a full build from scratch into ``full`` has the bytes it has in ``out``."""
    build_site(open_workspace(root, TODAY, use_cache=False), full, jobs=1, incremental=False)
    for page in sorted(full.rglob("*")):
        if page.is_file():
            relative = page.relative_to(full)
            assert (out / relative).read_bytes() == page.read_bytes(), relative


def _set(name: str, key: str, value: str | None) -> Callable[[Path], None]:
    """An edit of task ``name``'s front matter: ``key`` set to ``value`` (None: removed)."""

    def edit(root: Path) -> None:
        path = root / "tasks" / f"{name}.md"
        text = path.read_text("utf-8")
        text = re.sub(rf"^{key}:.*\n", "", text, flags=re.M)
        if value is not None:
            text = text.replace("---\n", f"---\n{key}: {value}\n", 1)
        path.write_text(text, "utf-8")

    return edit


def _write(name: str, text: str | None) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        path = root / "tasks" / f"{name}.md"
        if text is None:
            path.unlink()
        else:
            path.write_text(text, "utf-8")

    return edit


def _person(root: Path) -> None:
    path = root / "people" / "bo.md"
    path.write_text(path.read_text("utf-8").replace("Bo Chen", "Bo Chan"), "utf-8")


EDITS: list[tuple[str, Callable[[Path], None]]] = [
    ("a title", _set("S-4", "title", "Write the web copy")),
    ("a new dependency", _set("S-5", "depends_on", "[S-4]")),
    ("a new parent", _set("S-5", "parent", "S-3")),
    ("a dependency dropped", _set("S-2", "depends_on", None)),
    ("a state", _set("S-3", "status", "doing")),
    ("another project", _set("O-2", "project", "site")),
    ("a new task on a missing one", _write("S-6", "---\ntitle: Six\ndepends_on: [S-9]\n---\n")),
    ("the missing one made", _write("S-9", "---\ntitle: Nine\nproject: site\n---\n")),
    ("a task deleted", _write("S-4", None)),
    ("a broken file", _write("S-9", "---\ntitle: [unclosed\n---\n")),
    ("a person renamed", _person),
    ("an assignee", _set("S-5", "assignee", "bo")),
]


@pytest.mark.parametrize("jobs", [1, 2])
def test_kept_task_pages_have_the_fingerprints_planning_them_again_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    """With two processes too (the pages split between this process and a fork): the bytes
    must not change."""
    monkeypatch.setattr(builder, "PARALLEL_PAGES", 0)
    root, out, full = tmp_path / "ws", tmp_path / "out", tmp_path / "full"
    fixture_workspace(root)
    kept_counts: list[int | None] = []
    original = reuse.kept_task_pages

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        kept = original(*args, **kwargs)
        kept_counts.append(None if kept is None else len(kept.deps))
        return kept

    monkeypatch.setattr(reuse, "kept_task_pages", counting)
    build_site(open_workspace(root, TODAY), out, jobs=jobs)
    for what, edit in EDITS:
        edit(root)
        ws = open_workspace(root, TODAY)
        build_site(ws, out, jobs=jobs)
        _assert_kept_as_planned_afresh(ws, root, out, what)
    # Edits of tasks kept the other task pages. Two planned every page again: the person's,
    # and the state that put a workflow over its WIP limit (a warning on the workflow's file).
    planned_all = [what for (what, _), count in zip(EDITS, kept_counts, strict=True) if not count]
    assert planned_all == ["a state", "a person renamed"]
    assert min(count or 7 for count in kept_counts) >= 4
    _assert_same_as_a_full_build(root, out, full)


def test_the_dependencies_are_written_again_only_when_they_change(tmp_path: Path) -> None:
    root, out = tmp_path / "ws", tmp_path / "out"
    fixture_workspace(root)
    build_site(open_workspace(root, TODAY), out, jobs=1)
    deps_file = next((root / ".worktext").glob("site-*-plan-deps.marshal"))
    written = deps_file.read_bytes()
    _set("S-4", "title", "Write the web copy")(root)  # no relation changed
    build_site(open_workspace(root, TODAY), out, jobs=1)
    assert deps_file.read_bytes() == written
    _set("S-5", "depends_on", "[S-4]")(root)
    build_site(open_workspace(root, TODAY), out, jobs=1)
    assert deps_file.read_bytes() != written


def _comment(item: str, name: str, text: str | None) -> Callable[[Path], None]:
    """A comment on ``item`` written (or, with None, deleted) as ``worktext comment`` does."""

    def edit(root: Path) -> None:
        path = root / "comments" / item / f"{name}.md"
        if text is None:
            path.unlink()
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\nauthor: ana\ndate: 2026-11-20T10:00:00Z\n---\n{text}\n", "utf-8")

    return edit


COMMENTS: list[tuple[str, Callable[[Path], None], set[str]]] = [
    # (what, the edit, the pages besides the whole site's feeds and search that render again)
    ("on a task", _comment("S-4", "20261120T100000Z-ana-aaaaaaa", "Done soon"), {"S-4"}),
    ("on a project", _comment("site", "20261120T100000Z-ana-bbbbbbb", "On track"), {"site"}),
    ("on a person", _comment("bo", "20261120T100000Z-ana-ccccccc", "Welcome, @bo"), {"bo"}),
    ("on a goal", _comment("grow", "20261120T100000Z-ana-ddddddd", "Halfway"), {"grow"}),
    ("a second one", _comment("S-4", "20261120T110000Z-ana-eeeeeee", "Now done"), {"S-4"}),
    ("one deleted", _comment("site", "20261120T100000Z-ana-bbbbbbb", None), {"site"}),
]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_comment_renders_its_items_page_again_and_not_the_pages_that_name_the_item(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    """A thread shows on its item's page alone (and in the search, the feeds and inboxes): a
    comment on a project leaves the pages of its tasks, boards and lists as they were. The
    fingerprints are the ones planning every page afresh gives, and the bytes those of a
    full build."""
    monkeypatch.setattr(builder, "PARALLEL_PAGES", 0)
    root, out, full = tmp_path / "ws", tmp_path / "out", tmp_path / "full"
    fixture_workspace(root)
    build_site(open_workspace(root, TODAY), out, jobs=jobs)
    for what, edit, items in COMMENTS:
        edit(root)
        ws = open_workspace(root, TODAY)
        before = builder.read_manifest(Cache(root), out.resolve()).pages
        build_site(ws, out, jobs=jobs)
        fresh = _assert_kept_as_planned_afresh(ws, root, out, what)
        data = SiteData(ws)
        changed = {path for path in fresh if before.get(path, ("",))[0] != fresh[path]}
        # Inboxes and Atom feeds (the workspace's, each person's) show comments too.
        shared = {path for path in changed if path.endswith(("-inbox.html", ".atom"))}
        shared |= {"search-index.js"} & changed
        own = {data.links.task(t) for t in ws.tasks if t.id in items}
        own |= {data.links.project(p) for p in ws.projects if p.id in items}
        own |= {data.links.person(p) for p in ws.people if p.id in items}
        own |= {data.links.goal(g) for g in ws.goals if g.id in items}
        assert "search-index.js" in changed, what
        assert changed - shared == own, what
    _assert_same_as_a_full_build(root, out, full)
