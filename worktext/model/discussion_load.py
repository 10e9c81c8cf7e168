"""Reading every comment and document of a workspace into its ``Discussion``.

Each file becomes a row of plain data (its comment or document, and its own problems), kept
in the cache beside the file's stat key, so a rebuild after one new comment parses one file;
many files to parse are parsed on every core. The discussion's fingerprint (of every file's
path and stat key) joins the items' in the keys of everything derived from the workspace.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import marshal
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from worktext import parallel
from worktext.load import cache
from worktext.load.comments import markdown_files, read_comment, subfolders
from worktext.load.source import SourceFile, read_file
from worktext.model.codec import decode_diagnostics, encode_diagnostics
from worktext.model.config import Config
from worktext.model.diagnostics import Diagnostic
from worktext.model.discussion import (
    DOCUMENT_TYPES,
    Comment,
    Discussion,
    Document,
    parse_timestamp,
)
from worktext.model.values import id_key

log = logging.getLogger(__name__)

COMMENTS_ENTRY = "comments"
COMMENT_KEYS = frozenset({"author", "date", "reply_to"})
PARALLEL_MIN_FILES = 2000
PARALLEL_MIN_FOLDERS = 1000  # items' folders of comments from which a fork walks half of them
BUCKETS = 32  # cache entries the comments' rows are spread over
DOCUMENTS_BUCKET = "documents"
_STAMP = re.compile(r"\d{8}T\d{6}Z")
_PLAIN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
# Backlog.md's document types, as worktext's.
OTHER_TYPES = {"readme": "note", "guide": "note", "other": "note", "specification": "spec"}


Job = tuple[str, str, str]  # (kind: comment|document, relative path, key: item or doc id)
StatKey = tuple[int, int, int, int]


def _comment_jobs(root: str, folder: str, items: list[str]) -> list[Job]:
    """The comment files under the items' folders ``items`` of the comments' folder (a file
    directly in it, or a README or index, is no comment)."""
    jobs: list[Job] = []
    found: list[tuple[str, str]] = []
    markdown_files(root, folder, found, items)
    for rel, below in found:
        item, _, name = below.rpartition("/")
        if item and name.lower() not in ("readme.md", "index.md"):
            jobs.append(("comment", rel, item))
    return jobs


def _document_jobs(config: Config) -> list[Job]:
    jobs: list[Job] = []
    for folder in config.document_folders:
        found: list[tuple[str, str]] = []
        markdown_files(str(config.root), folder, found)
        for rel, below in found:
            jobs.append(("document", rel, below[: -len(".md")]))
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


@dataclass
class DiscussionScan:
    """The comment and document files found, with the stat key of each, and when."""

    jobs: list[Job]
    keys: dict[str, StatKey | None]
    now_ns: int
    # Its digest (``_digest``) by the settings' fingerprint: the build's check of what is new
    # and the read of the discussion both ask for it.
    digests: dict[str, str | None] = field(default_factory=dict)


def scan_discussion(config: Config) -> DiscussionScan:
    """Walk the comments' and documents' folders and stat every file (no file is read). With
    many items' folders of comments, a fork walks and stats half of them meanwhile
    (``_walk``): 50,000 comments under 10,000 folders take 0.2 s."""
    jobs, keys, _rows = _walk(config, None)
    return DiscussionScan(jobs, keys, cache.now_ns())


Walked = tuple[list[Job], dict[str, StatKey | None], dict[str, Any]]  # jobs, keys and rows


def _walk(config: Config, store: cache.Cache | None) -> Walked:
    """Every comment and document file, sorted, with its stat key; and with ``store``, each
    file's row too, read as it is found (its key from the open file), and kept in ``store``.

    With many items' folders of comments, a fork does the folders of every other bucket
    meanwhile (``parallel.run_split``) and keeps those buckets itself: a share's buckets are
    whole, since a bucket is chosen by the item's folder (``_bucket``)."""
    root, folder = str(config.root), config.comments_folder
    items = subfolders(root, folder)
    shares = 2 if len(items) >= PARALLEL_MIN_FOLDERS and parallel.cpu_count() > 1 else 1
    by_share: list[list[str]] = [[] for _ in range(shares)]
    for name in items:
        by_share[int(_bucket(("comment", "", name))) % shares].append(name)

    def share(number: int) -> Callable[[], Walked]:
        def walk() -> Walked:
            jobs = _comment_jobs(root, folder, by_share[number])
            if number == 0:
                jobs.extend(_document_jobs(config))
            if store is None:
                return jobs, _stat_keys(root, jobs), {}
            keys, rows = _parse_keyed(root, jobs)
            if store.enabled:
                now = cache.now_ns()
                for bucket, bucket_jobs in _by_bucket(jobs).items():
                    _keep(store, config.fingerprint, bucket, bucket_jobs, keys, rows, now, {})
            return jobs, keys, rows

        return walk

    walks = [share(number) for number in range(shares)]
    jobs: list[Job] = []
    keys: dict[str, StatKey | None] = {}
    rows: dict[str, Any] = {}
    for part_jobs, part_keys, part_rows in (
        parallel.run_split(walks, lambda sent: _is_walked(sent, store is not None))
        if shares > 1
        else [walks[0]()]
    ):
        jobs.extend(part_jobs)
        keys.update(part_keys)
        rows.update(part_rows)
    jobs.sort(key=lambda job: job[1])
    return jobs, {job[1]: keys[job[1]] for job in jobs}, rows


def _is_walked(sent: object, read: bool) -> bool:
    """A fork's share of ``_walk`` as marshal brings it back: its jobs, their keys, and
    (``read``) their rows."""
    return (
        isinstance(sent, tuple)
        and len(sent) == 3
        and isinstance(sent[0], list)
        and isinstance(sent[1], dict)
        and isinstance(sent[2], dict)
        and all(isinstance(job, tuple) and job[1] in sent[1] for job in sent[0])
        and (not read or all(job[1] in sent[2] for job in sent[0]))
    )


def _by_bucket(jobs: list[Job]) -> dict[str, list[Job]]:
    out: dict[str, list[Job]] = {}
    for job in jobs:
        out.setdefault(_bucket(job), []).append(job)
    return out


def load_discussion(
    config: Config, use_cache: bool = True, scanned: DiscussionScan | None = None
) -> Discussion:
    """Every comment and document of the workspace (each file's row from the cache while the
    file is unchanged), with the files' own problems. ``scanned``: a ``scan_discussion`` just
    made (the build's check of what changed), so that the folders are not walked again.

    With nothing in the cache (a first read) and no scan given, the folders are walked and
    every file read in one pass, each file's stat taken from the open file (``_walk``)."""
    store = cache.Cache(config.root, use_cache)
    with cache.gc_paused():
        stored = _stored(store, config.fingerprint)
        if scanned is None and not any(stored.values()):  # a first read: walked and read at once
            jobs, keys, rows = _walk(config, store)
            scanned = DiscussionScan(jobs, keys, cache.now_ns())
            log.info("%d comments and documents: %d parsed", len(jobs), len(jobs))
        else:
            scanned = scanned or scan_discussion(config)
            rows = _rows(config, store, stored, scanned)
        if not scanned.jobs:
            return Discussion()
        discussion = _decode(scanned.jobs, rows)
    discussion.fingerprint = _digest(config, scanned)
    discussion.file_count = len(scanned.jobs)
    return discussion


def _stored(store: cache.Cache, key: str) -> dict[str, dict[str, Any]]:
    """Every bucket's kept rows (empty when none are kept)."""
    out: dict[str, dict[str, Any]] = {}
    for bucket in (*map(str, range(BUCKETS)), DOCUMENTS_BUCKET):
        kept = store.get(f"{COMMENTS_ENTRY}-{bucket}", key)
        out[bucket] = kept if isinstance(kept, dict) else {}
    return out


def _rows(
    config: Config,
    store: cache.Cache,
    stored: dict[str, dict[str, Any]],
    scanned: DiscussionScan,
) -> dict[str, Any]:
    """Each file's row: from its bucket's kept rows while the file is unchanged, else parsed
    (and the buckets that changed kept again)."""
    jobs, keys, now = scanned.jobs, scanned.keys, scanned.now_ns
    by_bucket = _by_bucket(jobs)
    rows: dict[str, Any] = {}
    todo: list[Job] = []
    for bucket, bucket_jobs in by_bucket.items():
        kept = stored[bucket]
        for job in bucket_jobs:
            entry = kept.get(job[1])
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
    rows.update(_parse_all(str(config.root), todo))
    log.info("%d comments and documents: %d parsed", len(jobs), len(todo))
    if store.enabled:
        parsed = {job[1] for job in todo}
        for bucket, bucket_jobs in by_bucket.items():
            kept = stored[bucket]
            if len(bucket_jobs) == len(kept) and not any(job[1] in parsed for job in bucket_jobs):
                continue  # every file's row came from this very entry, and none is gone
            _keep(store, config.fingerprint, bucket, bucket_jobs, keys, rows, now, kept)
    return rows


def _bucket(job: Job) -> str:
    """The cache entry a file's row is kept in: documents in one, comments in one of
    ``BUCKETS`` by their item's folder in the comments' folder (so that a new comment rewrites
    a small entry, and ``_walk`` can split the folders by bucket)."""
    if job[0] != "comment":
        return DOCUMENTS_BUCKET
    top = job[2].split("/", 1)[0]
    digest = hashlib.blake2b(top.encode("utf-8", "surrogateescape"), digest_size=2).digest()
    return str(int.from_bytes(digest, "big") % BUCKETS)


def _keep(
    store: cache.Cache,
    key: str,
    bucket: str,
    jobs: list[Job],
    keys: dict[str, StatKey | None],
    rows: dict[str, Any],
    now: int,
    kept: dict[str, Any],
) -> None:
    """Write a bucket's entry of its files' rows, unless it is what is ``kept`` already; a
    file too new to be trusted is left out."""
    entries = {}
    for _kind, rel, _item in jobs:
        stamp = keys[rel]
        if stamp is not None and not cache.is_racy(stamp, now):
            entries[rel] = (stamp, rows[rel])
    if entries != kept:
        store.put(f"{COMMENTS_ENTRY}-{bucket}", key, entries)


def discussion_fingerprint(config: Config, scanned: DiscussionScan | None = None) -> str | None:
    """What ``load_discussion(config).fingerprint`` would be, from a walk without a read."""
    return _digest(config, scanned or scan_discussion(config))


def combined_key(items_key: str | None, discussion_key: str | None) -> str | None:
    """The items' fingerprint combined with the comments' and documents': None while a file
    of either is too new to be trusted; without comments and documents, the items' own."""
    if items_key is None or discussion_key is None:
        return None
    if not discussion_key:
        return items_key
    return hashlib.blake2b(f"{items_key}|{discussion_key}".encode(), digest_size=20).hexdigest()


def _digest(config: Config, scanned: DiscussionScan) -> str | None:
    """A digest of every file's path and identity; "" when there are none, None while a file
    changed too recently for its identity to be trusted (as ``scan.fingerprint``)."""
    known = scanned.digests
    if config.fingerprint not in known:
        known[config.fingerprint] = _digest_of(config, scanned)
    return known[config.fingerprint]


def _digest_of(config: Config, scanned: DiscussionScan) -> str | None:
    keys = scanned.keys
    if not keys:
        return ""
    if any(key is None or cache.is_racy(key, scanned.now_ns) for key in keys.values()):
        return None
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
    return _parse_keyed(root, todo, stat=False)[1]


def _parse_keyed(
    root: str, todo: list[Job], stat: bool = True
) -> tuple[dict[str, StatKey | None], dict[str, Any]]:
    """Each file's row, and (``stat``) its stat key as it was read."""
    keys: dict[str, StatKey | None] = {}
    rows: dict[str, Any] = {}
    for kind, rel, key in todo:
        path = os.path.join(root, rel)
        info: os.stat_result | None = None
        if kind == "comment":
            found, info = read_comment(path, rel)
            source = found or read_file(path, rel)
            row, problems = _comment_row(source, key)
        else:
            source = read_file(path, rel)
            row, problems = _document_row(source, key)
        if stat:
            if info is None:
                try:
                    info = os.stat(path)
                except OSError as error:
                    log.debug("cannot stat %s: %s", rel, error)
            keys[rel] = cache.stat_key(info) if info is not None else None
        # A digest of what the file says: it stands for the comment in the site's digests.
        digest = hashlib.blake2b(marshal.dumps((row, problems), 2), digest_size=12).hexdigest()
        rows[rel] = (row, problems, digest)
    return keys, rows


def _problem(
    source: SourceFile, span: tuple[int, int, int, int], code: str, msg: str, hint: str
) -> Diagnostic:
    return Diagnostic.at(source.path, span, "error", code, msg, hint)


def _file_problems(source: SourceFile, skip: frozenset[str] = frozenset()) -> list[Diagnostic]:
    return [
        Diagnostic.at(source.path, p.span, p.severity, p.code, p.message, p.hint)
        for p in source.problems
        if p.code not in skip
    ]


def _comment_row(source: SourceFile, item: str) -> tuple[Any, list[Any]]:
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


def _document_row(source: SourceFile, doc_id: str) -> tuple[Any, list[Any]]:
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
        row, problems, digest = rows[rel]
        discussion.digests[rel] = digest
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
    "DiscussionScan",
    "combined_key",
    "discussion_fingerprint",
    "load_discussion",
    "scan_discussion",
]
