"""One item file on disk: bytes → text → front matter block + body, with file positions.

The splitter is ours (not python-frontmatter's) so that YAML errors and key positions are
reported at real file lines, the BOM and newline style are remembered for lossless edits, and a
broken file becomes a diagnostic instead of an exception.
"""

from __future__ import annotations

import codecs
import errno
import marshal
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from worktext.load import fastyaml, yamlpos
from worktext.load.yamlpos import Path, Span

MAX_FILE_BYTES = 1024 * 1024
FENCE = re.compile(r"---[ \t]*\Z")
CLOSING_FENCE_LINE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
CONFLICT_MARKER = re.compile(r"^(<<<<<<<|>>>>>>>)(?: |$)", re.MULTILINE)
CHECKBOX = re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+\[([ xX])\]", re.MULTILINE)
HEADING = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
CODE_FENCE = re.compile(r"^[ \t]*(```|~~~).*?^[ \t]*\1", re.MULTILINE | re.DOTALL)


# A problem of a file is the same record as a problem of its YAML: code, message, hint, span.
SourceProblem = yamlpos.YamlProblem


@dataclass(slots=True)
class SourceFile:
    """A parsed item file. ``data`` is None when the front matter could not be read."""

    path: str  # relative to the workspace root, with forward slashes
    data: dict[str, Any] | None = None
    keys: dict[Path, Span] = field(default_factory=dict)
    values: dict[Path, Span] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    heading: str | None = None
    checklist: tuple[int, int] = (0, 0)
    bom: bool = False
    newline: str = "\n"
    problems: list[SourceProblem] = field(default_factory=list)

    def key_span(self, *path: str | int) -> Span:
        return self.keys.get(path) or self.values.get(path) or (1, 1, 1, 1)

    def value_span(self, *path: str | int) -> Span:
        return self.values.get(path) or self.keys.get(path) or (1, 1, 1, 1)


def keep_positions(source: SourceFile, covers: frozenset[str]) -> bytes:
    """The positions of ``source``'s paths under the keys in ``covers``, and its body's first
    line, kept by whoever parsed it so that a diagnostic found later is placed without
    reading the file again (``LazySources.positions``). Marshalled: a worker sends them
    cheaply, and the few that are ever asked for are read back at 3 µs each (10,000 kept as
    values took the parent 0.1 s to receive)."""
    return marshal.dumps(
        (
            {path: span for path, span in source.keys.items() if path and path[0] in covers},
            {path: span for path, span in source.values.items() if path and path[0] in covers},
            source.body_line,
        )
    )


def read_file(abspath: str, relpath: str) -> SourceFile:
    """Read and parse one file; every failure is recorded on the result, never raised."""
    try:
        # os.open and os.read, not open(): no file object is built, which halves the cost
        # of reading ten thousand small files.
        # O_NONBLOCK: a file swapped for a FIFO after the walk must not block the open.
        fd = os.open(abspath, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            info = os.fstat(fd)
            size = info.st_size
            if not stat.S_ISREG(info.st_mode):
                raise OSError(errno.EINVAL, "not a regular file")
            if size > MAX_FILE_BYTES:
                source = SourceFile(relpath)
                source.problems.append(
                    SourceProblem(
                        "file-too-large",
                        f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}",
                        "split it into several items, or move large content out of the workspace",
                        (0, 0, 0, 0),
                    )
                )
                return source
            raw = os.read(fd, size + 1)
            if len(raw) != size:  # it changed since fstat, or a short read: read to the end
                raw = _read_to_end(fd, raw)
        finally:
            os.close(fd)
    except OSError as exc:
        source = SourceFile(relpath)
        source.problems.append(
            SourceProblem(
                "file-unreadable",
                f"cannot read the file: {exc.strerror or exc}",
                "check the file's permissions",
                (0, 0, 0, 0),
            )
        )
        return source
    return parse_bytes(raw, relpath)


def _read_to_end(fd: int, start: bytes) -> bytes:
    chunks = [start]
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)


def parse_bytes(raw: bytes, relpath: str, read_body: bool = True) -> SourceFile:
    """Parse a file's bytes. ``read_body``: False keeps the body without looking for its
    heading and checklist (history reads only the front matter of thousands of versions)."""
    source = SourceFile(relpath)
    if raw.startswith(codecs.BOM_UTF8):
        source.bom = True
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        source.problems.append(
            SourceProblem(
                "encoding",
                f"the file is not valid UTF-8 (byte {exc.start} on line {line})",
                "save the file as UTF-8",
                (line, 1, line, 1),
            )
        )
        return source
    return parse_text(text, source, read_body)


def parse_text(text: str, source: SourceFile, read_body: bool = True) -> SourceFile:
    if "\r\n" in text:
        source.newline = "\r\n"
        text = text.replace("\r\n", "\n")
    conflict_lines = _conflict_lines(text)
    for line in conflict_lines:
        source.problems.append(
            SourceProblem(
                "conflict-marker",
                "git conflict marker",
                "resolve the merge conflict: keep the right lines and delete the markers",
                (line, 1, line, 8),
            )
        )
    first_end = text.find("\n")
    opened = text.startswith("---\n") or FENCE.match(text if first_end < 0 else text[:first_end])
    if not opened:
        source.problems.append(
            SourceProblem(
                "no-front-matter",
                "the file does not start with a front matter block",
                "start the file with a line '---', the item's keys, and another '---' line",
                (1, 1, 1, 1),
            )
        )
        _read_body(source, text, 1, read_body)
        return source
    fence = CLOSING_FENCE_LINE.search(text, first_end + 1) if first_end >= 0 else None
    if fence is None:
        source.problems.append(
            SourceProblem(
                "unclosed-front-matter",
                "the front matter block starting on line 1 is never closed",
                "add a line '---' after the last key",
                (1, 1, 1, 4),
            )
        )
        return source
    # The block keeps its last line break: a block scalar as the last key ends with it.
    block = text[first_end + 1 : fence.start()]
    closing = text.count("\n", 0, fence.start()) + 1  # the closing fence's line
    body = text[fence.end() + 1 :]
    if conflict_lines and any(1 < line <= closing for line in conflict_lines):
        _read_body(source, body, closing + 1, read_body)
        return source  # the YAML cannot be read meaningfully; the markers are reported
    parsed = fastyaml.parse_simple(block, 2) or yamlpos.parse(block, first_line=2)
    data = parsed.data if parsed.ok else None
    titled = isinstance(data, dict) and (data.get("title") or data.get("name"))
    _read_body(source, body, closing + 1, read_body, want_heading=not titled)
    source.problems.extend(parsed.problems)
    if not parsed.ok:
        return source
    if parsed.data is None:
        parsed.data = {}
    if not isinstance(parsed.data, dict):
        span = parsed.values.get((), (2, 1, 2, 1))
        source.problems.append(
            SourceProblem(
                "front-matter-not-mapping",
                f"the front matter is a {_yaml_type(parsed.data)}, not a set of keys",
                "write the front matter as 'key: value' lines",
                span,
            )
        )
        return source
    source.data = parsed.data
    source.keys = parsed.keys
    source.values = parsed.values
    return source


def _conflict_lines(text: str) -> list[int]:
    if "<<<<<<<" not in text and ">>>>>>>" not in text:
        return []
    return [text.count("\n", 0, m.start()) + 1 for m in CONFLICT_MARKER.finditer(text)]


def _read_body(
    source: SourceFile, body: str, first_line: int, scan: bool, want_heading: bool = True
) -> None:
    """Keep the body; when ``scan``, find its checklist and, when no key gives a title, its
    first heading."""
    source.body = body
    source.body_line = first_line
    if not scan:
        return
    has_boxes = "[ ]" in body or "[x]" in body or "[X]" in body
    want_heading = want_heading and "#" in body
    if not has_boxes and not want_heading:
        return
    prose = CODE_FENCE.sub("", body) if "```" in body or "~~~" in body else body
    if want_heading:
        heading = HEADING.search(prose)
        source.heading = heading.group(1).strip() if heading else None
    if has_boxes:
        marks = CHECKBOX.findall(prose)
        if marks:
            done = sum(1 for mark in marks if mark != " ")
            source.checklist = (done, len(marks))


def _yaml_type(value: Any) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "single text value"
    return type(value).__name__


class LazySources(dict[str, SourceFile]):
    """Parsed files by workspace-relative path, each read only when first asked for.

    A workspace loaded from the cache needs a file's key positions only for the rare
    caller that asks (an edit, a diagnostic computed later), so nothing is parsed up front.
    """

    def __init__(
        self,
        paths: Iterable[str],
        load: Callable[[str], SourceFile],
        kept: dict[str, tuple[frozenset[str], bytes]] | None = None,
    ) -> None:
        super().__init__()
        self._paths = set(paths)
        self._load = load
        self._kept = kept or {}
        self._placed: dict[str, SourceFile] = {}  # the kept positions read back

    @classmethod
    def from_disk(cls, root: str, paths: Iterable[str]) -> LazySources:
        return cls(paths, lambda rel: read_file(os.path.join(root, rel), rel))

    def __missing__(self, rel: str) -> SourceFile:
        if rel not in self._paths:
            raise KeyError(rel)
        source = self._load(rel)
        self[rel] = source
        return source

    def positions(self, rel: str, key: str | None = None) -> SourceFile | None:
        """The file, for the positions of the paths under ``key`` (None: only its body's first
        line): from the positions kept when it was parsed where they cover ``key``, else the
        file itself, read again if need be. What it returns may have no data and no body."""
        read = dict.get(self, rel)
        if read is not None:
            return read
        kept = self._kept.get(rel)
        if kept is None or (key is not None and key not in kept[0]):
            return self.get(rel)
        placed = self._placed.get(rel)
        if placed is None:  # a file with several diagnostics is asked for several times
            keys, values, body_line = marshal.loads(kept[1])
            placed = self._placed[rel] = SourceFile(
                rel, keys=keys, values=values, body_line=body_line
            )
        return placed

    def get(self, rel: str, default: SourceFile | None = None) -> SourceFile | None:  # type: ignore[override]
        return self[rel] if rel in self._paths else default

    def __contains__(self, rel: object) -> bool:
        return rel in self._paths

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._paths))

    def __len__(self) -> int:
        return len(self._paths)
