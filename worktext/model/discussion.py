"""Comments on items and the workspace's documents, read from their folders.

A comment is one file, ``comments/<ITEM-ID>/<UTC timestamp>-<author>-<hash>.md``: front matter
``author``, ``date`` and an optional ``reply_to`` (another comment's id or hash), and a Markdown
body. One file per comment is what makes comments merge-safe: two people commenting on the
same item on two branches add two different files, which git merges without a conflict. A
comment's id is its file name without ``.md``; its hash is the part after the last ``-``.

A document is any Markdown file under ``docs/`` (``folders: {docs: ...}``), front matter
optional (``title``, ``owner``, ``status``, ``type``, ``date``, ``id``); its id is its ``id``,
else its path below the folder without ``.md`` (``decisions/0001-use-git``). Comments on a
document live in a folder named by that id.

Rows (plain data) are kept in the cache beside each file's stat key, so a rebuild after one new
comment parses one file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import marshal
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from worktext import parallel
from worktext.load import cache
from worktext.load.source import SourceFile, read_file
from worktext.load.yamlpos import ambiguity, resolve_plain
from worktext.model.codec import decode_diagnostics, encode_diagnostics
from worktext.model.config import Config
from worktext.model.diagnostics import Diagnostic
from worktext.model.values import id_key

log = logging.getLogger(__name__)

COMMENTS_ENTRY = "comments"
DOCUMENTS_ENTRY = "documents"
DOCUMENT_TYPES = ("decision", "note", "spec")
COMMENT_KEYS = frozenset({"author", "date", "reply_to"})
DOCUMENT_KEYS = frozenset({"id", "title", "owner", "status", "type", "date"})
PARALLEL_MIN_FILES = 2000
_STAMP = re.compile(r"\d{8}T\d{6}Z")
_PLAIN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
# Backlog.md's document types, as worktext's.
OTHER_TYPES = {"readme": "note", "guide": "note", "other": "note", "specification": "spec"}


@dataclass(frozen=True, slots=True)
class Comment:
    id: str  # the file name without .md
    item: str  # the id of the item it is on (its folder's name)
    path: str  # relative to the workspace root
    author: str
    date: dt.datetime | None
    body: str
    reply_to: str | None = None
    body_line: int = 1

    @property
    def hash(self) -> str:
        return self.id.rsplit("-", 1)[-1]


@dataclass(frozen=True, slots=True)
class Document:
    id: str  # the path below the documents folder, without .md
    path: str
    title: str
    body: str
    owner: str | None = None
    status: str | None = None
    type: str | None = None
    date: dt.date | None = None
    body_line: int = 1


@dataclass
class Discussion:
    """Every comment by the key of the item it is on, and every document by id."""

    comments: dict[str, list[Comment]] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    fingerprint: str = ""
    file_count: int = 0  # comment and document files read

    def thread(self, item_id: str) -> list[Comment]:
        """The comments on an item: oldest first, each reply right after what it answers."""
        comments = self.comments.get(id_key(item_id), [])
        return thread_order(comments)

    def all_comments(self) -> Iterator[Comment]:
        for key in sorted(self.comments):
            yield from self.comments[key]

    def comment(self, item_id: str, ref: str) -> Comment | None:
        """A comment on ``item_id`` by its id or its hash."""
        return find_comment(self.comments.get(id_key(item_id), []), ref)

    def document(self, doc_id: str) -> Document | None:
        found = self.documents.get(doc_id)
        if found is not None:
            return found
        key = id_key(doc_id)
        return next((d for d in self.documents.values() if id_key(d.id) == key), None)

    def document_at(self, rel: str) -> Document | None:
        """The document whose file is ``rel`` (relative to the workspace root)."""
        return next((d for d in self.documents.values() if d.path == rel), None)


def find_comment(comments: Iterable[Comment], ref: str) -> Comment | None:
    for comment in comments:
        if ref in (comment.id, comment.hash):
            return comment
    return None


def thread_order(comments: list[Comment]) -> list[Comment]:
    """Oldest first, each reply (depth first) right after the comment it answers; a reply to
    a comment that is not there is a top-level comment."""
    ordered = sorted(comments, key=lambda c: (c.date or dt.datetime.min, c.id))
    known = {c.id for c in ordered} | {c.hash for c in ordered}
    children: dict[str, list[Comment]] = {}
    roots: list[Comment] = []
    for comment in ordered:
        parent = comment.reply_to
        if parent and parent in known:
            target = find_comment(ordered, parent)
            children.setdefault(target.id if target else parent, []).append(comment)
        else:
            roots.append(comment)
    out: list[Comment] = []
    seen: set[str] = set()

    def visit(comment: Comment) -> None:
        if comment.id in seen:
            return
        seen.add(comment.id)
        out.append(comment)
        for child in children.get(comment.id, ()):
            visit(child)

    for root in roots:
        visit(root)
    out.extend(c for c in ordered if c.id not in seen)  # replies in a circle
    return out


def depth_of(comment: Comment, comments: list[Comment]) -> int:
    """How many replies deep ``comment`` is (0: it answers nothing)."""
    depth, current, seen = 0, comment, set()
    while current.reply_to and current.id not in seen:
        seen.add(current.id)
        parent = find_comment(comments, current.reply_to)
        if parent is None:
            break
        depth, current = depth + 1, parent
    return depth


# -- file names ----------------------------------------------------------------------------


def comment_stamp(when: dt.datetime) -> str:
    return when.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def comment_name(item_id: str, author: str, when: dt.datetime, body: str) -> str:
    """A comment's file name (without .md): its time, author and a hash of what it says."""
    stamp = comment_stamp(when)
    digest = hashlib.sha1(f"{item_id}\0{author}\0{stamp}\0{body}".encode()).hexdigest()[:7]
    return f"{stamp}-{author}-{digest}"


def comment_text(author: str, when: dt.datetime, body: str, reply_to: str | None) -> str:
    """A comment file's text."""
    stamp = when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = ["---", f"author: {author}", f"date: {stamp}"]
    if reply_to:
        lines.append(f"reply_to: {reply_to}")
    lines.append("---")
    return "\n".join(lines) + "\n" + body.rstrip("\n") + "\n"


def parse_timestamp(value: Any) -> dt.datetime | None:
    """An ISO 8601 date or date-time as an aware UTC date-time; None if it is not one."""
    if isinstance(value, dt.datetime):
        when = value
    elif isinstance(value, dt.date):
        when = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            when = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(dt.timezone.utc)


# -- reading -------------------------------------------------------------------------------

Job = tuple[str, str, str]  # (kind: comment|document, relative path, key: item or doc id)
StatKey = tuple[int, int, int, int]


def _walk(root: str, folder: str, found: list[tuple[str, str]]) -> None:
    """Every Markdown file under ``root/folder`` as (relative path, path below folder)."""
    top = os.path.join(root, folder)
    if not os.path.isdir(top):
        return
    stack = [(top, "")]
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


def _jobs(config: Config) -> list[Job]:
    jobs: list[Job] = []
    root = str(config.root)
    found: list[tuple[str, str]] = []
    _walk(root, config.comments_folder, found)
    for rel, below in found:
        item, _, name = below.rpartition("/")
        if item and name.lower() not in ("readme.md", "index.md"):
            jobs.append(("comment", rel, item))
    for folder in config.document_folders:
        found = []
        _walk(root, folder, found)
        for rel, below in found:
            jobs.append(("document", rel, below[: -len(".md")]))
    jobs.sort(key=lambda job: job[1])
    return jobs


def _stat_keys(root: str, jobs: list[Job]) -> dict[str, StatKey | None]:
    keys: dict[str, StatKey | None] = {}
    for _kind, rel, _key in jobs:
        try:
            keys[rel] = cache.stat_key(os.stat(os.path.join(root, rel)))
        except OSError as error:
            log.debug("cannot stat %s: %s", rel, error)
            keys[rel] = None
    return keys


def load_discussion(config: Config, use_cache: bool = True) -> Discussion:
    """Every comment and document of the workspace (each file's row from the cache while the
    file is unchanged), with the files' own problems."""
    root = str(config.root)
    jobs = _jobs(config)
    if not jobs:
        return Discussion()
    keys = _stat_keys(root, jobs)
    now = cache.now_ns()
    store = cache.Cache(config.root, use_cache)
    kept = store.get(COMMENTS_ENTRY, config.fingerprint)
    stored: dict[str, Any] = kept if isinstance(kept, dict) else {}
    rows: dict[str, Any] = {}
    todo: list[Job] = []
    with cache.gc_paused():
        for job in jobs:
            entry = stored.get(job[1])
            key = keys[job[1]]
            if (
                isinstance(entry, tuple)
                and len(entry) == 2
                and key is not None
                and entry[0] == key
                and not cache.is_racy(key, now)
            ):
                rows[job[1]] = entry[1]
            else:
                todo.append(job)
        rows.update(_parse_all(root, todo))
        log.info("%d comments and documents: %d parsed", len(jobs), len(todo))
        if use_cache and todo:
            entries = {
                rel: (key, rows[rel])
                for rel, key in keys.items()
                if key is not None and not cache.is_racy(key, now)
            }
            if entries != stored:
                store.put(COMMENTS_ENTRY, config.fingerprint, entries)
        discussion = _decode(jobs, rows)
    discussion.fingerprint = _digest(config, keys)
    discussion.file_count = len(jobs)
    return discussion


def discussion_fingerprint(config: Config) -> str:
    """What ``load_discussion(config).fingerprint`` would be, from a walk without a read."""
    jobs = _jobs(config)
    return _digest(config, _stat_keys(str(config.root), jobs)) if jobs else ""


def combined_key(items_key: str | None, discussion_key: str) -> str | None:
    """The items' fingerprint combined with the comments' and documents' (None while an item
    file is too new to be trusted); without comments and documents, the items' own."""
    if items_key is None or not discussion_key:
        return items_key
    return hashlib.blake2b(f"{items_key}|{discussion_key}".encode(), digest_size=20).hexdigest()


def _digest(config: Config, keys: dict[str, StatKey | None]) -> str:
    if not keys:
        return ""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(config.fingerprint.encode())
    digest.update(marshal.dumps(sorted(keys.items()), 2))
    return digest.hexdigest()


def _parse_all(root: str, todo: list[Job]) -> dict[str, Any]:
    workers = parallel.cpu_count() if len(todo) >= PARALLEL_MIN_FILES else 1
    if workers <= 1:
        return _parse(root, todo)
    size = -(-len(todo) // workers)
    chunks = [todo[i : i + size] for i in range(0, len(todo), size)]
    out: dict[str, Any] = {}
    portions = [(lambda chunk=chunk: _parse(root, chunk)) for chunk in chunks]
    for part in parallel.run_split(portions, lambda sent: isinstance(sent, dict)):
        out.update(part)
    return out


def _parse(root: str, todo: list[Job]) -> dict[str, Any]:
    rows: dict[str, Any] = {}
    for kind, rel, key in todo:
        path = os.path.join(root, rel)
        if kind == "comment":
            source = _read_comment(path, rel) or read_file(path, rel)
            rows[rel] = _comment_row(source, key)
        else:
            rows[rel] = _document_row(read_file(path, rel), key)
    return rows


# A comment's front matter as ``worktext comment`` writes it: each line a known key and a
# plain word that YAML reads as that very text (checked below), nothing else.
_COMMENT_LINE = re.compile(r"(author|date|reply_to): ([A-Za-z0-9_][A-Za-z0-9_.:+-]*)\Z")


def _read_comment(path: str, rel: str) -> SourceFile | None:
    """A comment file of the usual shape, read without the general splitter and YAML reader
    (a third of their cost); None for anything else, which ``read_file`` reads and reports
    on. Declining is always safe: the result is the one ``read_file`` gives."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > 64 * 1024:
            return None
        raw = os.read(fd, info.st_size + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
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
        if key in data or resolve_plain(value) != value or ambiguity(value) is not None:
            return None
        data[key] = value
        width = len(key)
        source.keys[(key,)] = (number, 1, number, width + 1)
        source.values[(key,)] = (number, width + 3, number, width + 3 + len(value))
    source.body = text[end + 5 :]
    source.body_line = len(lines) + 3
    return source


def _problem(source: SourceFile, span: tuple[int, int, int, int], code: str, msg: str, hint: str):
    return Diagnostic.at(source.path, span, "error", code, msg, hint)


def _file_problems(source: SourceFile, skip: frozenset[str] = frozenset()) -> list[Diagnostic]:
    return [
        Diagnostic.at(source.path, p.span, p.severity, p.code, p.message, p.hint)
        for p in source.problems
        if p.code not in skip
    ]


def _comment_row(source: SourceFile, item: str) -> tuple[Any, ...]:
    problems = _file_problems(source)
    data = source.data
    row = None
    if data is not None:
        author = data.get("author")
        when = parse_timestamp(data.get("date"))
        reply = data.get("reply_to")
        for key in data:
            if key not in COMMENT_KEYS:
                problems.append(
                    Diagnostic.at(
                        source.path,
                        source.key_span(key),
                        "warning",
                        "unknown-key",
                        f"a comment has no key '{key}'",
                        "a comment's keys are author, date and reply_to",
                    )
                )
        if not isinstance(author, str) or not author:
            problems.append(
                _problem(
                    source,
                    source.key_span("author") if "author" in data else (1, 1, 1, 1),
                    "invalid-comment",
                    "the comment has no author",
                    "add 'author: PERSON-ID' to its front matter",
                )
            )
        elif "date" in data and when is None:
            problems.append(
                _problem(
                    source,
                    source.value_span("date"),
                    "invalid-comment",
                    f"the comment's date '{data.get('date')}' is not an ISO 8601 date-time",
                    "write it as 2026-12-03T13:21:00Z",
                )
            )
        else:
            stem = source.path.rsplit("/", 1)[-1][: -len(".md")]
            if when is None:
                stamp = _STAMP.match(stem)
                when = (
                    dt.datetime.strptime(stamp.group(0), "%Y%m%dT%H%M%SZ").replace(
                        tzinfo=dt.timezone.utc
                    )
                    if stamp
                    else None
                )
            row = (
                stem,
                item,
                source.path,
                author,
                when.isoformat() if when else None,
                source.body,
                str(reply) if reply is not None else None,
                source.body_line,
            )
    return (row, encode_diagnostics(problems))


def _document_row(source: SourceFile, doc_id: str) -> tuple[Any, ...]:
    problems = _file_problems(source, frozenset({"no-front-matter"}))
    data = source.data or {}
    title = data.get("title")
    if not isinstance(title, str) or not title:
        title = source.heading or _heading(source.body) or doc_id.rsplit("/", 1)[-1]
    doc_type = data.get("type")
    if doc_type is None and "decisions" in source.path.split("/")[:-1]:
        doc_type = "decision"  # Backlog.md's decision records say so by their folder
    doc_type = OTHER_TYPES.get(doc_type, doc_type) if isinstance(doc_type, str) else doc_type
    given_id = data.get("id")
    if isinstance(given_id, str) and _PLAIN_ID.fullmatch(given_id):
        doc_id = given_id  # Backlog.md's doc-1, decision-1: what its users call them
    if doc_type is not None and doc_type not in DOCUMENT_TYPES:
        problems.append(
            Diagnostic.at(
                source.path,
                source.value_span("type"),
                "warning",
                "invalid-value",
                f"a document's type is one of {', '.join(DOCUMENT_TYPES)}, not '{doc_type}'",
                "use decision, note or spec",
            )
        )
    when = parse_timestamp(data.get("date")) if "date" in data else None
    row = (
        doc_id,
        source.path,
        title,
        source.body,
        _text(data.get("owner")),
        _text(data.get("status")),
        _text(doc_type),
        when.date().isoformat() if when else None,
        source.body_line,
    )
    return (row, encode_diagnostics(problems))


_HEADING = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.MULTILINE)


def _heading(body: str) -> str | None:
    found = _HEADING.search(body)
    return found.group(1).strip() if found else None


def _text(value: Any) -> str | None:
    return str(value) if value is not None else None


def _decode(jobs: list[Job], rows: dict[str, Any]) -> Discussion:
    discussion = Discussion()
    for kind, rel, key in jobs:
        row, problems = rows[rel]
        if problems:
            discussion.diagnostics.extend(decode_diagnostics(problems))
        if row is None:
            continue
        if kind == "comment":
            stem, item, path, author, when, body, reply, line = row
            comment = Comment(
                stem,
                item,
                path,
                author,
                dt.datetime.fromisoformat(when) if when else None,
                body,
                reply,
                line,
            )
            discussion.comments.setdefault(id_key(item), []).append(comment)
        else:
            doc_id, path, title, body, owner, status, doc_type, when, line = row
            if doc_id in discussion.documents:  # two files say the same id: by path, then
                first = discussion.documents[doc_id].path
                discussion.diagnostics.append(
                    Diagnostic(
                        path,
                        1,
                        1,
                        "warning",
                        "duplicate-id",
                        f"document '{doc_id}' has the same id as {first}",
                        f"give one of them another id; this one is '{key}' meanwhile",
                    )
                )
                doc_id = key
            discussion.documents[doc_id] = Document(
                doc_id,
                path,
                title,
                body,
                owner,
                status,
                doc_type,
                dt.date.fromisoformat(when) if when else None,
                line,
            )
    return discussion


__all__ = [
    "Comment",
    "Discussion",
    "Document",
    "comment_name",
    "comment_text",
    "load_discussion",
    "thread_order",
]
