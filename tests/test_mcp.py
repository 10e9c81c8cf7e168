"""``worktext mcp`` end to end: the MCP SDK's own client talks to ``python -m worktext mcp``
over a real stdio pipe, in a copy of the starter workspace that is a real git repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from worktext.integrations.mcp_server import READING_TOOLS, WRITING_TOOLS

REPO = Path(__file__).resolve().parent.parent
GIT = ["git", "-c", "user.name=T", "-c", "user.email=t@example.com"]


@pytest.fixture
def ws(template_root: Path, tmp_path: Path) -> Path:
    root = tmp_path / "work"
    shutil.copytree(template_root, root, ignore=shutil.ignore_patterns(".worktext"))
    subprocess.run([*GIT, "init", "-q"], cwd=root, check=True)
    subprocess.run([*GIT, "add", "-A"], cwd=root, check=True)
    subprocess.run([*GIT, "commit", "-qm", "start"], cwd=root, check=True)
    return root


def serve(root: Path, *extra: str) -> Callable[[Callable[[ClientSession], Awaitable[None]]], None]:
    """Run ``body`` against a server spawned on ``root``, over stdio."""
    env = {"PYTHONPATH": str(REPO), "WORKTEXT_JOBS": "1", "HOME": os.environ.get("HOME", "/")}
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "worktext", "-w", str(root), "--today", "2026-11-23", "mcp", *extra],
        env=env,
        cwd=str(root),
    )

    def run(body: Callable[[ClientSession], Awaitable[None]]) -> None:
        async def main() -> None:
            with anyio.fail_after(60):
                async with (
                    stdio_client(params) as (read, write),
                    ClientSession(read, write) as session,
                ):
                    await session.initialize()
                    await body(session)

        anyio.run(main)

    return run


async def call(session: ClientSession, name: str, **arguments: Any) -> tuple[bool, Any, str]:
    """A tool's (is_error, structured result, text)."""
    result = await session.call_tool(name, arguments)
    text = "\n".join(getattr(block, "text", "") for block in result.content)  # type: ignore[union-attr]
    return result.is_error, result.structured_content, text  # type: ignore[union-attr]


def task_data(root: Path, rel: str) -> str:
    return (root / rel).read_text(encoding="utf-8")


def test_lists_tools_and_resources(ws: Path) -> None:
    async def body(session: ClientSession) -> None:
        tools = {t.name for t in (await session.list_tools()).tools}
        assert tools == {*READING_TOOLS, *WRITING_TOOLS}
        resources = {str(r.uri) for r in (await session.list_resources()).resources}
        assert {"worktext://format", "worktext://workflows"} <= resources
        fmt = await session.read_resource("worktext://format")
        text = fmt.contents[0].text  # type: ignore[union-attr]
        assert "| `depends_on` | ids → task |" in text
        assert "`customer`" in text  # the workspace's own custom key
        flows = json.loads((await session.read_resource("worktext://workflows")).contents[0].text)  # type: ignore[union-attr]
        product = next(w for w in flows if w["id"] == "product")
        assert product["moves"]["backlog"] == ["todo", "cancelled"]
        assert {"id": "review", "category": "active", "requires": ["assignee"]} in product["states"]
        one = await session.read_resource("worktext://workflows/support")
        assert json.loads(one.contents[0].text)["id"] == "support"  # type: ignore[union-attr]

    serve(ws)(body)


def test_read_only_offers_only_reading_tools(ws: Path) -> None:
    before = task_data(ws, "tasks/web/WEB-9.md")

    async def body(session: ClientSession) -> None:
        tools = {t.name for t in (await session.list_tools()).tools}
        assert tools == set(READING_TOOLS)
        error, _, text = await call(session, "move_task", item_id="WEB-9", state="in-progress")
        assert error and "move_task" in text

    serve(ws, "--read-only")(body)
    assert task_data(ws, "tasks/web/WEB-9.md") == before


def test_list_tasks_with_query_limit_and_fields(ws: Path) -> None:
    async def body(session: ClientSession) -> None:
        error, result, _ = await call(
            session, "list_tasks", query="project:web status:done", limit=2, fields=["id", "due"]
        )
        assert not error
        assert result["total"] == 5 and result["returned"] == 2
        assert result["tasks"] == [
            {"id": "WEB-1", "due": "2026-09-25"},
            {"id": "WEB-2", "due": "2026-10-09"},
        ]
        error, _, text = await call(session, "list_tasks", query="sort:nonsense")
        assert error and "sort" in text
        error, _, text = await call(session, "list_tasks", fields=["colour"])
        assert error and "unknown field(s) colour" in text
        error, shown, _ = await call(session, "show_item", item_id="WEB-7")
        assert not error
        assert shown["kind"] == "task" and shown["status"] == "review"
        assert "body" in shown and shown["diagnostics"] == []
        error, _, text = await call(session, "show_item", item_id="NOPE-1")
        assert error and "no item with id 'NOPE-1'" in text

    serve(ws)(body)


def test_refused_changes_are_error_results_and_the_server_keeps_serving(ws: Path) -> None:
    before = task_data(ws, "tasks/web/WEB-9.md")

    async def body(session: ClientSession) -> None:
        error, _, text = await call(session, "move_task", item_id="WEB-9", state="done")
        assert error
        assert "does not allow WEB-9: todo -> done" in text
        assert "tasks/web/WEB-9.md:3:9: error:" in text and "[transition-not-allowed]" in text
        error, _, text = await call(
            session, "set_fields", item_id="WEB-9", fields={"colour": "red", "assignee": "zed"}
        )
        assert error and "[unknown-key]" in text and "[dangling-reference]" in text
        assert "force: true writes unknown keys" in text
        error, _, text = await call(session, "log_time", item_id="WEB-9", duration="a while")
        assert error
        # still serving, and nothing was written
        error, result, _ = await call(session, "list_tasks", query="id:WEB-9", fields=["status"])
        assert not error and result["tasks"] == [{"status": "todo"}]

    serve(ws)(body)
    assert task_data(ws, "tasks/web/WEB-9.md") == before


def test_writes_go_through_the_edit_engine_and_commit(ws: Path) -> None:
    async def body(session: ClientSession) -> None:
        error, result, _ = await call(
            session, "move_task", item_id="WEB-9", state="in-progress", dry_run=True
        )
        assert not error and "+status: in-progress" in result["diff"]
        assert result["changed"] == []
        error, result, _ = await call(
            session, "move_task", item_id="WEB-9", state="in-progress", commit=True
        )
        assert not error, result
        assert result["changed"] == ["tasks/web/WEB-9.md"]
        assert result["message"] == "WEB-9: todo -> in-progress"
        error, result, _ = await call(
            session, "set_fields", item_id="WEB-9", fields={"priority": "high", "labels": ["x"]}
        )
        assert not error, result
        error, result, _ = await call(
            session, "log_time", item_id="WEB-9", duration="1h30m", who="ben", note="started"
        )
        assert not error, result
        error, result, _ = await call(
            session, "create_task", title="Check redirects", project="web", assignees=["ana"]
        )
        assert not error, result
        assert result["ids"] == ["WEB-17"]
        assert result["changed"] == ["tasks/web/WEB-17.md"]
        error, result, _ = await call(
            session, "create_task", template="onboarding", params={"name": "Zoe Park"}
        )
        assert not error, result
        assert len(result["ids"]) >= 2
        error, result, _ = await call(session, "check")
        assert not error and result["ok"], result["text"]
        error, result, _ = await call(session, "check", path="tasks/web/WEB-9.md")
        assert not error and result["summary"]["errors"] == 0
        error, _, text = await call(session, "check", path="tasks/nowhere.md")
        assert error and "no file 'tasks/nowhere.md'" in text

    serve(ws)(body)
    text = task_data(ws, "tasks/web/WEB-9.md")
    assert "status: in-progress" in text and "priority: high" in text
    assert "duration: 1h30m" in text and "note: started" in text
    log = subprocess.run(
        ["git", "log", "--format=%s"], cwd=ws, check=True, capture_output=True, text=True
    ).stdout.splitlines()
    assert log[0] == "WEB-9: todo -> in-progress"
    new = task_data(ws, "tasks/web/WEB-17.md")
    assert new.startswith("---\ntitle: Check redirects\nproject: web\nassignee: ana\n")


def test_without_the_extra_it_says_what_to_install(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from worktext import integrations
    from worktext.cli import cli

    for name in [n for n in sys.modules if n == "mcp" or n.startswith("mcp.")]:
        monkeypatch.setitem(sys.modules, name, None)  # as if the package were not installed
    monkeypatch.delitem(sys.modules, "worktext.integrations.mcp_server", raising=False)
    monkeypatch.delattr(integrations, "mcp_server", raising=False)
    result = CliRunner().invoke(cli, ["-w", str(ws), "mcp"])
    assert result.exit_code == 2
    assert "pip install 'worktext[mcp]'" in result.stderr


def test_plan_forecast_and_comment_tools(ws: Path) -> None:
    async def body(session: ClientSession) -> None:
        error, result, _ = await call(session, "plan")
        assert not error, result
        assert {"tasks", "projects", "milestones"} <= set(result)
        planned = result["tasks"]
        assert planned and all(len(t["planned_finish"]) == 10 for t in planned)
        first = planned[0]["id"]
        error, result, _ = await call(session, "plan", task_ids=[first])
        assert not error and [t["id"] for t in result["tasks"]] == [first]
        error, result, _ = await call(session, "forecast", target="web")
        assert not error, result
        assert result["trials"] == 10_000 and {"p50", "p85", "p95"} <= set(result)
        error, result, _ = await call(
            session, "comment", item_id="WEB-9", text="Blocked on @ben's review", author="ana"
        )
        assert not error, result
        [path] = result["changed"]
        assert path.startswith("comments/WEB-9/") and path.endswith(".md")
        error, _, text = await call(session, "comment", item_id="NOPE-1", text="hi", author="ana")
        assert error and "NOPE-1" in text
        error, result, _ = await call(session, "show_item", item_id="WEB-9")
        assert not error

    serve(ws)(body)
    written = list((ws / "comments" / "WEB-9").glob("*.md"))
    assert len(written) == 1 and "Blocked on @ben's review" in written[0].read_text("utf-8")
    assert "author: ana" in written[0].read_text("utf-8")
