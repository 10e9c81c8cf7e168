"""Comment files: the walk of a folder of Markdown files, and the reader of a comment file of
the usual shape.

``read_comment`` reads what ``worktext comment`` writes (front matter lines of a known key and a
plain word) without the general splitter and YAML reader, a third of their cost, and gives the
file's stat with it; its source is None for anything else, which ``source.read_file`` reads and
reports on. It gives exactly what ``read_file`` gives where it accepts
(``tests/test_collab_mentions.py`` holds them equal).
"""

from __future__ import annotations

import logging
import os
import re
import stat

from worktext.load.source import SourceFile
from worktext.load.yamlpos import ambiguity, resolve_plain

log = logging.getLogger(__name__)


def markdown_files(
    root: str, folder: str, found: list[tuple[str, str]], only: list[str] | None = None
) -> None:
    """Add every Markdown file under ``root/folder`` to ``found`` as (workspace-relative path,
    path below the folder); names starting with ``.`` or ``_`` are skipped, a symbolic link
    is followed only to a file inside the workspace. ``only``: only the files under these of
    the folder's subfolders (``subfolders``' names), not those of the folder itself."""
    top = os.path.join(root, folder)
    if not os.path.isdir(top):
        return
    stack = [(top, "")] if only is None else [(os.path.join(top, n), n + "/") for n in only]
    real_root = os.path.realpath(root)
    while stack:
        current, prefix = stack.pop()
        try:
            entries = list(os.scandir(current))
        except OSError as error:
            log.warning("cannot list %s: %s", current, error.strerror or error)
            continue
        for entry in entries:
            name = entry.name
            if name.startswith((".", "_")):
                continue
            below = prefix + name
            if entry.is_dir(follow_symlinks=False):
                stack.append((entry.path, below + "/"))
            elif name.endswith(".md") and entry.is_file(follow_symlinks=False):
                found.append((f"{folder}/{below}", below))
            elif name.endswith(".md") and entry.is_symlink():
                target = os.path.realpath(entry.path)
                if target.startswith(real_root + os.sep) and os.path.isfile(target):
                    found.append((f"{folder}/{below}", below))


def subfolders(root: str, folder: str) -> list[str]:
    """The names of the folders in ``root/folder`` that ``markdown_files`` walks into (not a
    symbolic link, no name starting with ``.`` or ``_``), sorted; none when it is missing."""
    top = os.path.join(root, folder)
    if not os.path.isdir(top):
        return []
    try:
        entries = list(os.scandir(top))
    except OSError as error:
        log.warning("cannot list %s: %s", top, error.strerror or error)
        return []
    return sorted(
        entry.name
        for entry in entries
        if not entry.name.startswith((".", "_")) and entry.is_dir(follow_symlinks=False)
    )


# A comment's front matter as ``worktext comment`` writes it: each line a known key and a
# plain word that YAML reads as that very text (checked below), nothing else. The word does not
# end with ":" ("author: 0:" is a mapping inside a mapping's value, which YAML refuses).
_COMMENT_LINE = re.compile(
    r"(author|date|reply_to): ([A-Za-z0-9_](?:[A-Za-z0-9_.:+-]*[A-Za-z0-9_.+-])?)\Z"
)


# The values ``worktext comment`` writes for a date and a reply (a time, a comment's id): each
# is text to YAML 1.2 and 1.1 alike (``resolve_plain`` gives it back, ``ambiguity`` has nothing
# to say; a test holds them so), so the reader needs neither of them for it.
_TEXT_VALUE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z|[0-9]{8}T[0-9]{6}Z-[A-Za-z0-9_.-]+"
)


def read_comment(path: str, rel: str) -> tuple[SourceFile | None, os.stat_result | None]:
    """A comment file of the usual shape, read without the general splitter and YAML reader
    (a third of their cost); None for anything else, which ``read_file`` reads and reports
    on. Declining is always safe: the result is the one ``read_file`` gives. With it, the
    file's ``stat`` as it was read (None when it could not be opened): a first read of every
    comment needs no walk that stats them beforehand."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None, None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > 64 * 1024:
            return None, info
        raw = os.read(fd, info.st_size + 1)
    except OSError:
        return None, None
    finally:
        os.close(fd)
    return _comment(raw, info, rel), info


def _comment(raw: bytes, info: os.stat_result, rel: str) -> SourceFile | None:
    if len(raw) != info.st_size or not raw.startswith(b"---\n") or b"\r" in raw:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    end = text.find("\n---\n", 3)
    if end < 0 or "<<<<<<<" in text or ">>>>>>>" in text:
        return None
    source = SourceFile(rel, data={})
    data = source.data
    assert data is not None
    lines = text[4:end].split("\n")
    source.values[()] = (2, 1, len(lines) + 2, 1)  # the whole block, as yamlpos spans it
    for number, line in enumerate(lines, start=2):
        match = _COMMENT_LINE.match(line)
        if match is None:
            return None
        key, value = match.groups()
        if key in data:
            return None
        if _TEXT_VALUE.fullmatch(value) is None and (
            resolve_plain(value) != value or ambiguity(value) is not None
        ):
            return None
        data[key] = value
        width = len(key)
        source.keys[(key,)] = (number, 1, number, width + 1)
        source.values[(key,)] = (number, width + 3, number, width + 3 + len(value))
    source.body = text[end + 5 :]
    source.body_line = len(lines) + 3
    return source


__all__ = ["markdown_files", "read_comment", "subfolders"]
