"""``worktext lsp``: a language server for item and workflow files, over stdio (pygls).

It keeps one ``LiveWorkspace`` for the editor's session: the workspace is read once (through the
cache), and each open file's unsaved text replaces its file in memory, so the diagnostics of a
file as it is typed are those ``worktext check`` would give once it is saved, rules across files
included. Typing re-checks after a short pause (``DEBOUNCE_S``), never once per key. Files
changed outside the editor (a ``git pull``) are read again when the editor reports them.

pygls is an optional dependency (``pip install 'worktext[lsp]'``): only this module imports it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace import TextDocument

from worktext import __version__
from worktext.check.live import LiveWorkspace
from worktext.errors import WorktextError
from worktext.integrations import lsp_features as features
from worktext.model.diagnostics import Diagnostic
from worktext.model.root import find_root

log = logging.getLogger(__name__)


class NoWorkspace(Exception):
    """Asked for the workspace when none was found (``relative`` answers None first)."""


DEBOUNCE_S = 0.15  # how long typing must pause before the file is checked again
SOURCE = "worktext"
COMPLETION_KINDS = {
    "key": lsp.CompletionItemKind.Property,
    "state": lsp.CompletionItemKind.EnumMember,
    "reference": lsp.CompletionItemKind.Reference,
    "value": lsp.CompletionItemKind.Value,
}


class WorktextServer(LanguageServer):
    """The language server of one workspace (found from ``start`` or the editor's root)."""

    def __init__(self, start: str | None, today: dt.date | None, use_cache: bool) -> None:
        super().__init__("worktext", __version__)
        self.start = start
        self.today = today
        self.use_cache = use_cache
        self._live: LiveWorkspace | None = None
        self._pending: asyncio.TimerHandle | None = None

    def open_live(self, editor_root: str | None) -> None:
        """Read the workspace at or above ``start`` (else the editor's root folder); when
        there is none, say so and answer nothing."""
        try:
            if self.start or not editor_root:
                root = find_root(self.start)
            else:
                try:
                    root = find_root(editor_root)
                except WorktextError:
                    root = find_root(None)  # the folder the editor started the server in
            self._live = LiveWorkspace(root, self.today or dt.date.today(), self.use_cache)
        except WorktextError as error:
            log.error("worktext lsp: %s", error.message)
            self.window_show_message(
                lsp.ShowMessageParams(type=lsp.MessageType.Error, message=error.message)
            )

    @property
    def ready(self) -> bool:
        """Whether a workspace was found (else every request is answered with nothing)."""
        return self._live is not None

    @property
    def live(self) -> LiveWorkspace:
        if self._live is None:
            raise NoWorkspace("no worktext workspace")
        return self._live

    def relative(self, uri: str) -> str | None:
        """The workspace-relative path of a document (None: not a file of the workspace)."""
        path = to_fs_path(uri)
        if self._live is None or not path:
            return None
        return self._live.relative(path)

    def uri_of(self, rel: str) -> str:
        return from_fs_path(str(Path(self.live.config.root) / rel)) or rel

    # -- diagnostics ----------------------------------------------------------------------

    def update(self, document: TextDocument) -> bool:
        """Give the live workspace the document's text; False when it is no open item file."""
        rel = self.relative(document.uri)
        if rel is None or document.uri not in self.workspace.text_documents:
            return False
        return self.live.set_text(rel, document.source)

    def publish_open(self) -> None:
        """Publish the diagnostics of every open item file (an edit of one may change those of
        another: a duplicate id, a dependency cycle, a WIP limit)."""
        self._pending = None
        for uri, document in list(self.workspace.text_documents.items()):
            rel = self.relative(uri)
            if rel is None or self.live.parsed(rel) is None:
                continue
            lines = document.lines
            found = [_diagnostic(d, lines, document) for d in self.live.diagnostics_of(rel)]
            self.text_document_publish_diagnostics(
                lsp.PublishDiagnosticsParams(uri=uri, diagnostics=found, version=document.version)
            )

    def publish_later(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
        self._pending = asyncio.get_running_loop().call_later(DEBOUNCE_S, self.publish_open)


def _diagnostic(d: Diagnostic, lines: list[str], document: TextDocument) -> lsp.Diagnostic:
    """A worktext diagnostic as LSP's: 0-based, end exclusive, in the client's units."""
    if d.line <= 0:
        start = end = lsp.Position(0, 0)
    else:
        codec = document.position_codec
        start = codec.position_to_client_units(
            lines, lsp.Position(d.line - 1, max(d.column - 1, 0))
        )
        end_line = (d.end_line or d.line) - 1
        end_column = (d.end_column or d.column) - 1
        if (end_line, end_column) <= (d.line - 1, d.column - 1):
            end_column = len(lines[end_line].rstrip("\r\n")) if end_line < len(lines) else 0
        end = codec.position_to_client_units(lines, lsp.Position(end_line, max(end_column, 0)))
    message = f"{d.message} ({d.hint})" if d.hint else d.message
    severity = (
        lsp.DiagnosticSeverity.Warning if d.severity == "warning" else lsp.DiagnosticSeverity.Error
    )
    return lsp.Diagnostic(
        range=lsp.Range(start, end), message=message, severity=severity, code=d.code, source=SOURCE
    )


def create_server(
    start: str | None = None, today: dt.date | None = None, use_cache: bool = True
) -> WorktextServer:
    """The server with its features; ``start``: the workspace folder (else the editor's)."""
    server = WorktextServer(start, today, use_cache)

    @server.feature(lsp.INITIALIZED)
    def initialized(ls: WorktextServer, _params: lsp.InitializedParams) -> None:
        ls.open_live(ls.workspace.root_path)
        if ls.ready:
            log.info("worktext lsp: workspace %s", ls.live.config.root)
            problems = len(ls.live.checked.diagnostics)  # worked out before the first keystroke
            log.info("worktext lsp: %d problems in the workspace", problems)
            _watch_files(ls)

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: WorktextServer, params: lsp.DidOpenTextDocumentParams) -> None:
        document = ls.workspace.get_text_document(params.text_document.uri)
        if ls.update(document):
            ls.publish_open()

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: WorktextServer, params: lsp.DidChangeTextDocumentParams) -> None:
        document = ls.workspace.get_text_document(params.text_document.uri)
        if ls.update(document):
            ls.publish_later()

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: WorktextServer, params: lsp.DidSaveTextDocumentParams) -> None:
        rel = ls.relative(params.text_document.uri)
        if rel == "worktext.yml":  # the settings every file is read with
            ls.live.reload()
            ls.publish_open()
        elif rel is not None:
            ls.live.saved(rel)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: WorktextServer, params: lsp.DidCloseTextDocumentParams) -> None:
        rel = ls.relative(params.text_document.uri)
        if rel is None:
            return
        ls.live.close(rel)
        ls.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
        )
        ls.publish_open()

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: WorktextServer, _params: lsp.DidChangeWatchedFilesParams) -> None:
        if not ls.ready:
            return
        ls.live.reload()
        ls.publish_open()

    @server.feature(
        lsp.TEXT_DOCUMENT_COMPLETION,
        lsp.CompletionOptions(trigger_characters=[":", " ", ",", "[", "-"]),
    )
    def completion(ls: WorktextServer, params: lsp.CompletionParams) -> lsp.CompletionList:
        return _completion(ls, params)

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls: WorktextServer, params: lsp.HoverParams) -> lsp.Hover | None:
        found = _id_at(ls, params.text_document.uri, params.position)
        if found is None or not ls.ready:
            return None
        described = features.describe(ls.live.workspace, found[0])
        if described is None:
            return None
        contents = lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=described[1])
        return lsp.Hover(contents=contents, range=found[1])

    @server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: WorktextServer, params: lsp.DefinitionParams) -> lsp.Location | None:
        found = _id_at(ls, params.text_document.uri, params.position)
        if found is None or not ls.ready:
            return None
        described = features.describe(ls.live.workspace, found[0])
        path = getattr(described[0], "path", "") if described else ""
        if not path:
            return None
        start = lsp.Position(0, 0)
        return lsp.Location(uri=ls.uri_of(path), range=lsp.Range(start, start))

    @server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_LINK)
    def document_link(ls: WorktextServer, params: lsp.DocumentLinkParams) -> list[lsp.DocumentLink]:
        return _links(ls, params.text_document.uri)

    return server


def _watch_files(ls: WorktextServer) -> None:
    """Ask the editor to report changes of the workspace's files made elsewhere (a git pull),
    when it can be asked."""
    watched = ls.client_capabilities.workspace
    changes = watched.did_change_watched_files if watched else None
    if changes is None or not changes.dynamic_registration:
        return
    watchers = [lsp.FileSystemWatcher(glob_pattern=g) for g in ("**/*.md", "**/worktext.yml")]
    options = lsp.DidChangeWatchedFilesRegistrationOptions(watchers=watchers)
    registration = lsp.Registration(
        id="worktext-files", method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options
    )
    ls.client_register_capability(lsp.RegistrationParams(registrations=[registration]))


def _completion(ls: WorktextServer, params: lsp.CompletionParams) -> lsp.CompletionList:
    empty = lsp.CompletionList(is_incomplete=False, items=[])
    document = ls.workspace.get_text_document(params.text_document.uri)
    rel = ls.relative(document.uri)
    if rel is None or not ls.update(document):
        return empty
    lines = list(document.lines)
    position = document.position_codec.position_from_client_units(lines, params.position)
    spot = features.spot_at(lines, position.line, position.character)
    parsed = ls.live.parsed(rel)
    if spot is None or parsed is None:
        return empty
    saved = ls.live.saved_item(rel)
    found, cut = features.candidates(ls.live.workspace, parsed.kind, parsed.item, saved, spot)
    start = document.position_codec.position_to_client_units(
        lines, lsp.Position(position.line, spot.start)
    )
    replace = lsp.Range(start, params.position)
    items = [
        lsp.CompletionItem(
            label=c.label,
            detail=c.detail or None,
            kind=COMPLETION_KINDS.get(c.kind),
            sort_text=f"{c.rank:02d}{number:05d}",
            filter_text=c.label,
            text_edit=lsp.TextEdit(
                range=replace, new_text=c.label + (": " if c.kind == "key" else "")
            ),
        )
        for number, c in enumerate(found)
    ]
    return lsp.CompletionList(is_incomplete=cut, items=items)


def _id_at(ls: WorktextServer, uri: str, position: lsp.Position) -> tuple[str, lsp.Range] | None:
    if ls.relative(uri) is None or uri not in ls.workspace.text_documents:
        return None
    document = ls.workspace.get_text_document(uri)
    lines = list(document.lines)
    if position.line >= len(lines):
        return None
    here = document.position_codec.position_from_client_units(lines, position)
    word = features.word_at(lines[here.line].rstrip("\r\n"), here.character)
    if word is None:
        return None
    codec = document.position_codec
    start = codec.position_to_client_units(lines, lsp.Position(here.line, word[1]))
    end = codec.position_to_client_units(lines, lsp.Position(here.line, word[2]))
    return word[0], lsp.Range(start, end)


def _links(ls: WorktextServer, uri: str) -> list[lsp.DocumentLink]:
    document = ls.workspace.get_text_document(uri)
    rel = ls.relative(uri)
    if rel is None or not ls.update(document):
        return []
    parsed = ls.live.parsed(rel)
    lines = list(document.lines)
    codec = document.position_codec
    links: list[lsp.DocumentLink] = []

    def link(line: int, start: int, end: int, target: str, tooltip: str) -> None:
        first = codec.position_to_client_units(lines, lsp.Position(line, start))
        last = codec.position_to_client_units(lines, lsp.Position(line, end))
        links.append(lsp.DocumentLink(range=lsp.Range(first, last), target=target, tooltip=tooltip))

    if parsed is not None:
        ws = ls.live.workspace
        for span, item in features.reference_spans(ws, parsed.kind, parsed.source):
            link(span[0] - 1, span[1] - 1, span[3] - 1, ls.uri_of(item.path), item.path)
    folder = os.path.dirname(to_fs_path(uri) or "")
    for line, start, end, target in features.body_links(lines, folder, str(ls.live.config.root)):
        link(line, start, end, from_fs_path(target) or target, os.path.basename(target))
    return links


def serve_stdio(start: str | None, today: dt.date | None, use_cache: bool, **_: Any) -> None:
    """Run the server on standard input and output until the editor says ``exit``."""
    create_server(start, today, use_cache).start_io()
