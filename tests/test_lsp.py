"""``worktext lsp`` over a real stdio pipe, driven by pygls's own language client."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import TODAY
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("pygls")

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

from worktext.check.live import LiveWorkspace
from worktext.check.pipeline import open_workspace
from worktext.integrations import lsp_features as features

REPO = Path(__file__).resolve().parent.parent
TIMEOUT_S = 30

WORKFLOW = """\
---
title: Product
states:
  - {id: backlog, title: Backlog, category: backlog}
  - {id: todo, title: To do, category: todo}
  - {id: doing, title: Doing, category: active}
  - {id: review, title: In review, category: active}
  - {id: done, title: Done, category: done}
transitions:
  backlog: [todo]
  todo: [doing, backlog]
  doing: [review, todo]
  review: [done, doing]
  done: [doing]
---
"""

FILES = {
    "workflows/product.md": WORKFLOW,
    "projects/web.md": """\
        ---
        title: Website
        workflow: product
        milestones:
          - {id: beta, title: Beta}
        ---
        """,
    "people/ana.md": "---\nname: Ana Lima\n---\n",
    "people/ben.md": "---\nname: Ben Ode\n---\n",
    "tasks/WEB-1.md": """\
        ---
        title: Build the landing page
        status: todo
        project: web
        assignee: ana
        labels: [frontend, launch]
        ---
        See [the API](WEB-2.md).
        """,
    "tasks/WEB-2.md": """\
        ---
        title: Write the API
        status: doing
        project: web
        labels: [backend]
        depends_on: [WEB-1]
        ---
        """,
}


@pytest.fixture
def workspace(make_workspace: Callable[..., Path]) -> Path:
    return make_workspace(FILES, config="name: Test\ndefault_workflow: product\n")


class Client(LanguageClient):
    """A language client that keeps every diagnostics notification it is sent."""

    def __init__(self) -> None:
        super().__init__("worktext-tests", "1")
        self.published: asyncio.Queue[lsp.PublishDiagnosticsParams] = asyncio.Queue()
        self.registered: list[lsp.Registration] = []

        @self.feature(lsp.CLIENT_REGISTER_CAPABILITY)
        def register(_client: Client, params: lsp.RegistrationParams) -> None:
            self.registered.extend(params.registrations)

        @self.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def diagnostics(_client: Client, params: lsp.PublishDiagnosticsParams) -> None:
            self.published.put_nowait(params)

    async def diagnostics_for(self, uri: str) -> list[lsp.Diagnostic]:
        while True:
            params = await asyncio.wait_for(self.published.get(), TIMEOUT_S)
            if params.uri == uri:
                return params.diagnostics


async def started(root: Path, capabilities: lsp.ClientCapabilities | None = None) -> Client:
    client = Client()
    env = {**os.environ, "PYTHONPATH": str(REPO), "WORKTEXT_JOBS": "1"}
    await client.start_io(
        sys.executable, "-m", "worktext", "-w", str(root), "--today", "2026-11-23", "lsp",
        env=env,
    )  # fmt: skip
    params = lsp.InitializeParams(
        capabilities=capabilities or lsp.ClientCapabilities(),
        root_uri=from_fs_path(str(root)),
        process_id=os.getpid(),
    )
    result = await asyncio.wait_for(client.initialize_async(params), TIMEOUT_S)
    assert result.capabilities.completion_provider is not None
    assert result.capabilities.hover_provider
    assert result.capabilities.definition_provider
    assert result.capabilities.document_link_provider is not None
    client.initialized(lsp.InitializedParams())
    return client


async def stopped(client: Client) -> None:
    await asyncio.wait_for(client.shutdown_async(None), TIMEOUT_S)
    client.exit(None)
    await asyncio.wait_for(client.stop(), TIMEOUT_S)


def open_file(client: Client, root: Path, rel: str, text: str | None = None) -> str:
    path = root / rel
    uri = from_fs_path(str(path)) or ""
    item = lsp.TextDocumentItem(
        uri=uri,
        language_id="markdown",
        version=1,
        text=text if text is not None else path.read_text(encoding="utf-8"),
    )
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=item))
    return uri


def position(text: str, needle: str, after: bool = True) -> lsp.Position:
    """The position just after (or at) the first ``needle`` in ``text``."""
    offset = text.index(needle) + (len(needle) if after else 0)
    line = text.count("\n", 0, offset)
    return lsp.Position(line, offset - (text.rfind("\n", 0, offset) + 1))


def run(coroutine_function: Callable[[], object]) -> None:
    asyncio.run(coroutine_function())  # type: ignore[arg-type]


def test_session_over_stdio(workspace: Path) -> None:
    """initialize → didOpen with an unknown status → positioned diagnostics; completion after
    ``status: ``; hover and definition on an id; links; didChange; shutdown and exit."""
    text = (workspace / "tasks/WEB-2.md").read_text(encoding="utf-8")
    typed = text.replace("status: doing", "status: doign")

    async def session() -> None:
        client = await started(workspace)
        try:
            uri = open_file(client, workspace, "tasks/WEB-2.md", typed)
            found = await client.diagnostics_for(uri)
            assert [d.code for d in found] == ["unknown-status"]
            at = position(typed, "status: ")
            assert found[0].range == lsp.Range(at, lsp.Position(at.line, at.character + 5))
            assert found[0].severity == lsp.DiagnosticSeverity.Error
            assert "doign" in found[0].message

            completion = await client.text_document_completion_async(
                lsp.CompletionParams(
                    text_document=lsp.TextDocumentIdentifier(uri=uri),
                    position=position(typed, "status: "),
                )
            )
            assert isinstance(completion, lsp.CompletionList)
            ranked = sorted(completion.items, key=lambda item: item.sort_text or "")
            labels = [item.label for item in ranked]
            # saved as 'doing': review and todo are allowed from it, so they come first
            assert labels[:2] == ["todo", "review"]
            assert set(labels) == {"backlog", "todo", "doing", "review", "done"}
            assert labels[-1] == "doing"  # the current state, last

            hover = await client.text_document_hover_async(
                lsp.HoverParams(
                    text_document=lsp.TextDocumentIdentifier(uri=uri),
                    position=position(typed, "[WEB-", after=True),
                )
            )
            assert hover is not None
            assert isinstance(hover.contents, lsp.MarkupContent)
            assert "Build the landing page" in hover.contents.value
            assert "To do" in hover.contents.value

            definition = await client.text_document_definition_async(
                lsp.DefinitionParams(
                    text_document=lsp.TextDocumentIdentifier(uri=uri),
                    position=position(typed, "[WEB-", after=True),
                )
            )
            assert isinstance(definition, lsp.Location)
            assert definition.uri == from_fs_path(str(workspace / "tasks/WEB-1.md"))

            links = await client.text_document_document_link_async(
                lsp.DocumentLinkParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
            )
            targets = {link.target for link in links or []}
            assert from_fs_path(str(workspace / "projects/web.md")) in targets
            assert from_fs_path(str(workspace / "tasks/WEB-1.md")) in targets

            client.text_document_did_change(
                lsp.DidChangeTextDocumentParams(
                    text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
                    content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
                )
            )
            assert list(await client.diagnostics_for(uri)) == []
        finally:
            await stopped(client)
        assert client.registered == []  # not asked for: the client did not offer it
        assert client._server is not None
        assert client._server.returncode == 0

    run(session)


def test_cross_file_rules_see_unsaved_text(workspace: Path) -> None:
    """A task typed with another task's id is a duplicate before it is saved; a dependency
    on it is a cycle; a second open file reports it too."""
    new_text = "---\nid: WEB-1\ntitle: Copy\nstatus: todo\n---\n"

    async def session() -> None:
        client = await started(workspace)
        try:
            uri = open_file(client, workspace, "tasks/WEB-9.md", new_text)
            found = await client.diagnostics_for(uri)
            assert [d.code for d in found] == ["duplicate-id"]
            assert found[0].range.start == lsp.Position(1, 4)

            web1 = (workspace / "tasks/WEB-1.md").read_text(encoding="utf-8")
            cyclic = web1.replace("assignee: ana\n", "assignee: ana\ndepends_on: [WEB-2]\n")
            other = open_file(client, workspace, "tasks/WEB-1.md", cyclic)
            codes: set[str] = set()
            for _ in range(3):  # each open file is published after the change
                codes |= {d.code for d in await client.diagnostics_for(other) if d.code}
                if "dependency-cycle" in codes:
                    break
            assert "dependency-cycle" in codes
        finally:
            await stopped(client)

    run(session)


def test_files_changed_outside_the_editor_are_read_again(workspace: Path) -> None:
    """The server asks to watch the files; told that one was created, it reads it."""
    text = "---\ntitle: Later\nproject: web\ndepends_on: [WEB-5]\n---\n"
    watching = lsp.ClientCapabilities(
        workspace=lsp.WorkspaceClientCapabilities(
            did_change_watched_files=lsp.DidChangeWatchedFilesClientCapabilities(
                dynamic_registration=True
            )
        )
    )

    async def session() -> None:
        client = await started(workspace, watching)
        try:
            uri = open_file(client, workspace, "tasks/WEB-3.md", text)
            found = await client.diagnostics_for(uri)
            assert [d.code for d in found] == ["dangling-reference"]
            (workspace / "tasks/WEB-5.md").write_text("---\ntitle: Five\n---\n", "utf-8")
            created = lsp.FileEvent(
                uri=from_fs_path(str(workspace / "tasks/WEB-5.md")) or "",
                type=lsp.FileChangeType.Created,
            )
            client.workspace_did_change_watched_files(
                lsp.DidChangeWatchedFilesParams(changes=[created])
            )
            assert list(await client.diagnostics_for(uri)) == []
        finally:
            await stopped(client)
        assert [r.method for r in client.registered] == [lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES]

    run(session)


def test_no_workspace_answers_nothing(tmp_path: Path) -> None:
    """Started outside any workspace, the server says so and keeps answering (with
    nothing) instead of crashing."""
    folder = tmp_path / "empty"
    folder.mkdir()

    async def session() -> None:
        client = Client()
        await client.start_io(sys.executable, "-m", "worktext", "lsp", cwd=str(folder),
                              env={**os.environ, "PYTHONPATH": str(REPO)})  # fmt: skip
        params = lsp.InitializeParams(capabilities=lsp.ClientCapabilities())
        await asyncio.wait_for(client.initialize_async(params), TIMEOUT_S)
        client.initialized(lsp.InitializedParams())
        uri = from_fs_path(str(folder / "x.md")) or ""
        hover = await client.text_document_hover_async(
            lsp.HoverParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(0, 0)
            )
        )
        assert hover is None
        await stopped(client)
        assert client._server is not None
        assert client._server.returncode == 0

    run(session)


# -- the features, without the protocol ---------------------------------------------------


@pytest.fixture
def live(workspace: Path) -> LiveWorkspace:
    return LiveWorkspace(workspace, dt.date(2026, 11, 23))


def test_spot_in_values_lists_and_keys() -> None:
    lines = ["---\n", "status: do\n", "depends_on: [WEB-1, WE\n", "labels:\n", "  - fr\n", "ti\n"]
    assert features.spot_at(lines, 1, 10) == features.Spot("status", "do", 8)
    assert features.spot_at(lines, 2, 22) == features.Spot("depends_on", "WE", 20)
    assert features.spot_at(lines, 4, 6) == features.Spot("labels", "fr", 4)
    assert features.spot_at(lines, 5, 2) == features.Spot(None, "ti", 0)
    assert features.spot_at(["body\n"], 0, 2) is None
    unindented = ["---\n", "assignee:\n", "- ana\n", "- b\n", "---\n"]
    assert features.spot_at(unindented, 3, 3) == features.Spot("assignee", "b", 2)
    assert features.spot_at(unindented, 4, 1) is None  # the closing fence


def test_completion_of_each_kind_of_value(live: LiveWorkspace) -> None:
    live.set_text("tasks/WEB-3.md", "---\ntitle: New\nproject: web\n---\n")
    parsed = live.parsed("tasks/WEB-3.md")
    assert parsed is not None
    ws = live.workspace

    def labels(key: str, partial: str = "") -> list[str]:
        spot = features.Spot(key, partial, 0)
        found, _cut = features.candidates(ws, "task", parsed.item, None, spot)
        return [c.label for c in found]

    assert labels("assignee") == ["ana", "ben"]
    assert labels("project") == ["web"]
    assert labels("labels") == ["frontend", "launch", "backend"]
    assert labels("labels", "end") == ["frontend", "backend"]
    assert labels("milestone") == ["beta"]
    assert labels("depends_on", "web-") == ["WEB-1", "WEB-2", "WEB-3"]
    assert labels("parent") == ["WEB-1", "WEB-2", "WEB-3"]
    assert labels("status") == ["backlog", "todo", "doing", "review", "done"]
    keys, _cut = features.candidates(ws, "task", None, None, features.Spot(None, "est", 0))
    assert [c.label for c in keys] == ["estimate", "milestone"]  # starts with it, then has it
    assert keys[0].kind == "key"


def test_an_edit_replaces_the_file_in_memory_only(live: LiveWorkspace, workspace: Path) -> None:
    before = (workspace / "tasks/WEB-1.md").read_text(encoding="utf-8")
    assert live.set_text("tasks/WEB-1.md", before.replace("status: todo", "status: nope"))
    assert [d.code for d in live.diagnostics_of("tasks/WEB-1.md")] == ["unknown-status"]
    assert (workspace / "tasks/WEB-1.md").read_text(encoding="utf-8") == before
    live.close("tasks/WEB-1.md")
    assert live.diagnostics_of("tasks/WEB-1.md") == []
    assert not live.set_text("notes/readme.md", "hello")


def test_typing_in_the_body_keeps_the_checked_workspace(
    live: LiveWorkspace, workspace: Path
) -> None:
    """Only a change of the front matter (or of the file's own problems) resolves and checks
    the workspace again."""
    text = (workspace / "tasks/WEB-2.md").read_text(encoding="utf-8")
    live.set_text("tasks/WEB-2.md", text)
    first = live.checked
    live.set_text("tasks/WEB-2.md", text + "Some notes.\n- [x] a step\n")
    assert live.checked is first
    live.set_text("tasks/WEB-2.md", text + "<<<<<<< HEAD\n")
    assert live.checked is not first
    assert [d.code for d in live.diagnostics_of("tasks/WEB-2.md")] == ["conflict-marker"]
    second = live.checked
    live.set_text("tasks/WEB-2.md", text.replace("title: Write the API", "title: Write it"))
    assert live.checked is not second
    assert live.diagnostics_of("tasks/WEB-2.md") == []


CHECK_FIXTURES = REPO / "tests" / "fixtures" / "check"


@pytest.mark.parametrize("case", sorted(p.name for p in CHECK_FIXTURES.iterdir() if p.is_dir()))
def test_open_files_get_exactly_the_diagnostics_of_check(case: str) -> None:
    """Every file of each check fixture opened with its text as on disk: the live workspace
    reports what ``worktext check`` reports, position for position."""
    root = CHECK_FIXTURES / case
    checked = open_workspace(root, today=TODAY, use_cache=False)
    live = LiveWorkspace(root, TODAY, use_cache=False)
    opened = 0
    for path in sorted(root.rglob("*.md")):
        rel = path.relative_to(root).as_posix()
        if live.kind_of(rel) is not None:
            opened += live.set_text(rel, path.read_bytes().decode("utf-8", "surrogateescape"))
    assert opened
    assert live.checked.diagnostics == checked.diagnostics


@given(
    key=st.sampled_from(["status", "assignee", "depends_on", "labels", "x_custom"]),
    typed=st.text(
        alphabet=st.characters(whitelist_categories=("L", "N"), whitelist_characters="-._"),
        max_size=12,
    ),
    entries=st.lists(st.text(alphabet="abcXYZ019-", min_size=1, max_size=6), max_size=3),
)
def test_spot_reads_any_value_being_typed(key: str, typed: str, entries: list[str]) -> None:
    """``key: value``, ``key: [a, b, value`` and ``  - value`` put the cursor in ``key``'s
    value, with what is typed and where it starts."""
    plain = f"{key}: {typed}"
    assert features.spot_at(["---\n", plain + "\n"], 1, len(plain)) == features.Spot(
        key, typed, len(key) + 2
    )
    flow = f"{key}: [{', '.join([*entries, typed])}"
    assert features.spot_at(["---\n", flow], 1, len(flow)) == features.Spot(
        key, typed, len(flow) - len(typed)
    )
    block = ["---\n", f"{key}:\n", *(f"  - {e}\n" for e in entries), f"  - {typed}"]
    assert features.spot_at(block, len(block) - 1, len(block[-1])) == features.Spot(key, typed, 4)


def test_without_pygls_the_command_says_what_to_install(workspace: Path) -> None:
    probe = (
        "import sys\n"
        "sys.modules['pygls'] = None\n"  # as if it were not installed
        "from worktext.cli import main\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, "-w", str(workspace), "lsp"],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "pip install 'worktext[lsp]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_long_list_is_cut_and_says_so(make_workspace: Callable[..., Path]) -> None:
    files = {f"tasks/T-{n}.md": f"---\ntitle: Task {n}\n---\n" for n in range(250)}
    root = make_workspace(files, name="many")
    live = LiveWorkspace(root, TODAY)
    ws = live.workspace
    found, cut = features.candidates(ws, "task", None, None, features.Spot("depends_on", "", 0))
    assert cut and len(found) == features.MAX_CANDIDATES
    found, cut = features.candidates(ws, "task", None, None, features.Spot("parent", "t-24", 0))
    assert not cut
    assert [c.label for c in found] == ["T-24", *(f"T-24{n}" for n in range(10))]
