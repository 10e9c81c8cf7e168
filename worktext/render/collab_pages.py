"""The site's pages of the discussion: a page per document and their index, an inbox page
and an Atom 1.0 feed per person, the workspace's feed of comments, and the attachments.

Feeds are written with ``xml.sax.saxutils`` escaping every text and attribute; entry ids are
``urn:uuid:`` names made from the workspace and the entry, so they stay the same from build to
build.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import uuid
from functools import partial
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape, quoteattr

from worktext.model.discussion import Comment, Document
from worktext.model.items import Person, Project
from worktext.plan.inbox import Entry, Inbox
from worktext.render.discussion import feed_path, inbox_path
from worktext.render.plan import Page
from worktext.render.urls import relative

if TYPE_CHECKING:
    from worktext.render.data import SiteData
    from worktext.render.renderer import Renderer
    from worktext.render.view import PageView

INBOX_DAYS = 14  # how far back the site's inbox pages and feeds look
WORKSPACE_FEED = "feed.atom"
FEED_COMMENTS = 100  # the newest comments the workspace's feed holds
FEED_ENTRIES = 100  # the newest entries of a person's feed
PAGE_ENTRIES = 300  # the newest entries of an inbox page (the CLI's inbox has them all)
ATOM_NS = "http://www.w3.org/2005/Atom"


def inboxes(data: SiteData) -> dict[str, Inbox]:
    """Every person's inbox of the last ``INBOX_DAYS`` days, worked out once per build."""
    view = data.discussion
    found = view.inbox_cache
    if found is None:
        from worktext.plan.inbox import inboxes as make

        end = dt.datetime.combine(
            data.today + dt.timedelta(days=1), dt.time.min, tzinfo=dt.timezone.utc
        )
        since = end - dt.timedelta(days=INBOX_DAYS)
        history = data.flow.history if data.flow.available else None
        found = {box.person.id: box for box in make(data.ws, list(data.ws.people), since, history)}
        view.inbox_cache = found
    return found


def entry_page(data: SiteData, entry: Entry) -> str | None:
    """The page an inbox entry is about (a comment's own place on it), or None."""
    ws = data.ws
    found = ws.find(entry.item)
    page: str | None = None
    if found is not None:
        item = found[1]
        page = data.discussion.pages.get(item.path) if item.path else None
        if page is None and isinstance(item, Project):
            page = data.links.project(item)
    else:
        doc = ws.discussion.document(entry.item)
        page = data.discussion.document_page(doc) if doc is not None else None
    if page is not None and entry.comment:
        page += f"#c-{entry.comment.rsplit('-', 1)[-1]}"
    return page


# -- contexts ------------------------------------------------------------------------------


def document_context(view: PageView, doc: Document) -> dict[str, Any]:
    discussion = view.data.discussion
    body = discussion.markdown(doc.body, doc.path, view.root) if doc.body.strip() else ""
    return {
        "doc": doc,
        "body": body,
        "backlinks": discussion.backlinks_html(view, doc.path),
        "thread": discussion.item_extras(view, doc.id, doc.path, doc.body),
    }


def documents_context(view: PageView) -> dict[str, Any]:
    discussion = view.data.discussion
    docs = sorted(view.data.ws.discussion.documents.values(), key=lambda d: d.id)
    return {"docs": [(d, discussion.document_page(d)) for d in docs]}


def inbox_context(view: PageView, person: Person) -> dict[str, Any]:
    data = view.data
    box = inboxes(data)[person.id]
    return {
        "person": person,
        "person_url": data.links.person(person),
        "feed_url": feed_path(person),
        "since": f"{box.since:%Y-%m-%d}",
        "entries": [(e, entry_page(data, e)) for e in box.entries[:PAGE_ENTRIES]],
        "more": max(0, len(box.entries) - PAGE_ENTRIES),
    }


# -- feeds ---------------------------------------------------------------------------------


def _stamp(when: dt.datetime | None, default: dt.datetime) -> str:
    return (when or default).astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _urn(data: SiteData, *parts: str) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, "|".join([data.ws.config.name, *parts])).urn


def _entry_xml(
    entry_id: str, title: str, updated: str, href: str | None, author: str, summary: str
) -> str:
    link = f'<link rel="alternate" type="text/html" href={quoteattr(href)}/>' if href else ""
    return (
        f"<entry><id>{escape(entry_id)}</id><title>{escape(title)}</title>"
        f"<updated>{updated}</updated>{link}<author><name>{escape(author)}</name></author>"
        f'<summary type="text">{escape(summary)}</summary></entry>\n'
    )


def _feed_xml(
    data: SiteData, feed_id: str, title: str, self_href: str, entries: list[str]
) -> bytes:
    updated = _stamp(None, _end_of_today(data))
    head = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="{ATOM_NS}"><id>{escape(feed_id)}</id><title>{escape(title)}</title>'
        f"<updated>{updated}</updated><author><name>{escape(data.site_title)}</name></author>"
        f'<link rel="self" type="application/atom+xml" href={quoteattr(self_href)}/>\n'
    )
    return (head + "".join(entries) + "</feed>\n").encode("utf-8")


def _end_of_today(data: SiteData) -> dt.datetime:
    return dt.datetime.combine(data.today, dt.time.max.replace(microsecond=0), dt.timezone.utc)


def person_feed(renderer: Renderer, person_id: str) -> bytes:
    """A person's inbox as an Atom feed."""
    data = renderer.data
    person = data.ws.people.get(person_id)
    path = feed_path(person)
    box = inboxes(data)[person.id]
    default = _end_of_today(data)
    entries = []
    for entry in box.entries[:FEED_ENTRIES]:
        page = entry_page(data, entry)
        href = "../" + page if page else None  # the feed is in people/
        key = f"{entry.kind}|{entry.item}|{entry.comment or entry.summary}"
        entries.append(
            _entry_xml(
                _urn(data, person.id, key),
                f"{entry.item}: {entry.summary}",
                _stamp(entry.when, default),
                href,
                entry.by or data.site_title,
                f"{entry.title}: {entry.summary}",
            )
        )
    title = f"{data.site_title}: inbox of {person.name or person.id}"
    return _feed_xml(data, _urn(data, "inbox", person.id), title, relative(path, path), entries)


def newest_comments(data: SiteData) -> list[Comment]:
    """The workspace feed's comments, newest first, worked out once per build (the plan
    names the feed by them, and the feed shows them): the first ``FEED_COMMENTS`` of all of
    them sorted newest first, without sorting all 50,000 (``heapq.nlargest`` is that)."""
    view = data.discussion
    if view.newest_cache is None:
        comments = data.ws.discussion.all_comments()
        view.newest_cache = heapq.nlargest(FEED_COMMENTS, comments, key=_newest_first)
    return view.newest_cache


_UNDATED = dt.datetime.min.replace(tzinfo=dt.timezone.utc)


def _newest_first(comment: Comment) -> tuple[dt.datetime, str]:
    return (comment.date or _UNDATED, comment.id)


def _comment_entry(comment: Comment) -> Entry:
    return Entry("comment", comment.item, "", "", comment=comment.id)


def workspace_feed(renderer: Renderer) -> bytes:
    """The workspace's newest comments as an Atom feed."""
    data = renderer.data
    default = _end_of_today(data)
    entries = []
    for comment in newest_comments(data):
        page = entry_page(data, _comment_entry(comment))
        first = comment.body.strip().split("\n", 1)[0][:120]
        entries.append(
            _entry_xml(
                _urn(data, "comment", comment.path),
                f"{comment.author} on {comment.item}: {first}",
                _stamp(comment.date, default),
                page,
                comment.author,
                comment.body.strip(),
            )
        )
    title = f"{data.site_title}: comments"
    return _feed_xml(data, _urn(data, "comments"), title, WORKSPACE_FEED, entries)


def _attachment(renderer: Renderer, path: str) -> bytes:
    return renderer.data.discussion.attachment_bytes(path)


# -- the plan ------------------------------------------------------------------------------


def discussion_pages(data: SiteData) -> list[Page]:
    """The pages of documents, inboxes, feeds and attachments."""
    ws, discussion = data.ws, data.discussion
    urls = data.links.urls
    pages: list[Page] = []
    docs = list(ws.discussion.documents.values())
    doc_deps = tuple(sorted(f"d:{d.id}" for d in docs))
    if docs:
        urls.claim("docs/index.html", "the documents' index")
        pages.append(
            Page(
                "docs/index.html", doc_deps, "documents.html", documents_context, title="Documents"
            )
        )
    for doc in docs:
        path = urls.claim(discussion.document_page(doc), ("document", doc.id))
        links = repr(discussion.backlinks.get(doc.path, []))
        digest = hashlib.blake2b(links.encode(), digest_size=8).hexdigest()
        pages.append(
            Page(
                path,
                (f"d:{doc.id}", f"backlinks:{digest}", *(f"u:{doc.owner}",) * bool(doc.owner)),
                "document.html",
                partial(document_context, doc=doc),
                title=doc.title,
            )
        )
    boxes = inboxes(data) if ws.people else {}
    for person in ws.people:
        inbox = urls.claim(inbox_path(person), ("inbox", person.id))
        # What the page and feed show, in one name: they render again when it changes.
        shown = repr([e.record() for e in boxes[person.id].entries[:PAGE_ENTRIES]])
        deps = (f"u:{person.id}", "inbox:" + hashlib.blake2b(shown.encode()).hexdigest()[:24])
        pages.append(
            Page(
                inbox,
                deps,
                "inbox.html",
                partial(inbox_context, person=person),
                title=f"Inbox of {person.name}",
                section="people",
            )
        )
        feed = urls.claim(feed_path(person), ("atom", person.id))
        pages.append(Page(feed, deps, produce=partial(person_feed, person_id=person.id)))
    if ws.discussion.comments:
        urls.claim(WORKSPACE_FEED, "the workspace's feed")
        newest = repr([(c, entry_page(data, _comment_entry(c))) for c in newest_comments(data)])
        key = "comments:" + hashlib.blake2b(newest.encode()).hexdigest()[:24]
        pages.append(Page(WORKSPACE_FEED, (key,), produce=workspace_feed))
    for path, (site_path, _size) in sorted(discussion.attachments.items()):
        urls.claim(site_path, ("attachment", path))
        pages.append(
            Page(
                site_path,
                (discussion.attachment_key(path),),
                produce=partial(_attachment, path=path),
            )
        )
    return pages


__all__ = ["discussion_pages", "feed_path", "inbox_path", "person_feed", "workspace_feed"]
