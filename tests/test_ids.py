"""New ids: sequential per prefix and never reused, or random and collision-free."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

from conftest import TODAY

from worktext.check.pipeline import open_workspace
from worktext.edit import ids


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def test_sequential_id_follows_the_highest_number() -> None:
    used = ["WEB-1", "WEB-12", "web-3", "APP-40", "WEB-x", "WEB-12-20261130"]
    assert ids.sequential_id("WEB", used) == "WEB-13"
    assert ids.sequential_id("OPS", used) == "OPS-1"


def test_random_id_uses_base32_and_skips_taken_ids() -> None:
    chunks = iter([b"\x00\x00\x00\x00", b"\x00\x00\x00\x01"])
    item_id = ids.random_id("WEB", ["WEB-aaaaaa"], lambda n: next(chunks))
    assert item_id == "WEB-baaaaa"
    fresh = ids.random_id("WEB", [])
    assert fresh.startswith("WEB-")
    assert len(fresh) == 10
    assert set(fresh[4:]) <= set(ids.BASE32)


def test_random_ids_do_not_collide_in_practice() -> None:
    made = {ids.random_id("T", []) for _ in range(2000)}
    assert len(made) == 2000


TASKS = {
    "projects/web.md": "---\ntitle: Web\n---\n",
    "projects/mobile-app.md": "---\ntitle: App\n---\n",
    "tasks/web/WEB-1.md": "---\nproject: web\n---\n",
    "tasks/web/WEB-7.md": "---\nproject: web\n---\n",
    "tasks/misc-1.md": "---\ntitle: x\n---\n",
}


def test_prefix_comes_from_the_projects_tasks(make_workspace: Callable[..., Path]) -> None:
    ws = open_workspace(make_workspace(TASKS), TODAY, use_cache=False)
    assert ids.new_ids(ws, 2, ws.projects.get("web")) == ["WEB-8", "WEB-9"]
    assert ids.new_ids(ws, 1, ws.projects.get("mobile-app")) == ["MOBILE-1"]
    assert ids.new_ids(ws, 1, None) == ["misc-2"]  # the default area's tasks use misc-


def test_configured_prefix_and_random_scheme(make_workspace: Callable[..., Path]) -> None:
    config = "name: T\nids:\n  scheme: random\n  prefix: ACME\n"
    ws = open_workspace(make_workspace(TASKS, config), TODAY, use_cache=False)
    made = ids.new_ids(ws, 3, ws.projects.get("web"))
    assert all(item_id.startswith("ACME-") and len(item_id) == 11 for item_id in made)
    assert len(set(made)) == 3


def test_numbers_of_deleted_tasks_are_never_reused(make_workspace: Callable[..., Path]) -> None:
    root = make_workspace(TASKS)
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "init")
    (root / "tasks/web/WEB-7.md").unlink()
    git(root, "commit", "-qam", "delete WEB-7")
    ws = open_workspace(root, TODAY, use_cache=False)
    assert ids.new_ids(ws, 1, ws.projects.get("web")) == ["WEB-8"]


def test_item_path_puts_tasks_beside_their_project(make_workspace: Callable[..., Path]) -> None:
    root = make_workspace(TASKS)
    ws = open_workspace(root, TODAY, use_cache=False)
    assert ids.item_path(ws, "task", "WEB-8", "web") == root / "tasks/web/WEB-8.md"
    # most tasks live in project folders, so a project's first task gets one too
    assert ids.item_path(ws, "task", "MOBILE-1", "mobile-app") == (
        root / "tasks/mobile-app/MOBILE-1.md"
    )
    assert ids.item_path(ws, "task", "misc-2") == root / "tasks/misc-2.md"
    assert ids.item_path(ws, "person", "ana") == root / "people/ana.md"


def test_slugs() -> None:
    assert ids.slug("Launch the new Website!") == "launch-the-new-website"
    assert ids.slug("Café Ünïcode") == "cafe-unicode"
    assert ids.slug("???") == "item"
    assert ids.unique_slug(["web", "web-2"], "Web") == "web-3"


def test_item_path_in_a_flat_layout(make_workspace: Callable[..., Path]) -> None:
    files = {"projects/web.md": "---\ntitle: Web\n---\n", "tasks/T-1.md": "---\ntitle: x\n---\n"}
    root = make_workspace(files)
    ws = open_workspace(root, TODAY, use_cache=False)
    assert ids.item_path(ws, "task", "WEB-1", "web") == root / "tasks/WEB-1.md"
