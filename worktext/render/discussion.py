"""The discussion on the site: threads on item pages, mentions as links, document pages with
their backlinks, attachments copied into the site, and the file of every page a relative link
can lead to.

A comment's or document's Markdown is rendered by the same renderer as bodies (safe mode,
links checked); its relative links resolve against its own file. A mention becomes a link to
the person's file before rendering, which the link rewriter then turns into their page, so a
mention in code stays code and nothing but the renderer writes HTML.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import os
import posixpath
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from markupsafe import Markup

from worktext.model.discussion import Comment, Document, depths
from worktext.model.items import Person
from worktext.model.mentions import Names, link_path, mentions
from worktext.render.html import EMPTY, Html, join, person_link
from worktext.render.markdown import ATTACHMENT_FOLDER, INLINE_IMAGES, repo_rewriter
from worktext.render.urls import relative, safe_name

if TYPE_CHECKING:
    from worktext.plan.inbox import Inbox
    from worktext.render.data import SiteData
    from worktext.render.view import PageView

log = logging.getLogger(__name__)

# What is copied into the site when a body, comment or document links or embeds it; images
# of these types are shown inline (an SVG only ever through <img>, which runs no script).
IMAGE_TYPES = frozenset(INLINE_IMAGES)
ATTACHMENT_TYPES = IMAGE_TYPES | {".pdf", ".txt", ".csv"}
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
ATTACHMENTS = ATTACHMENT_FOLDER  # the site folder attachments are copied into
DOCUMENTS = "docs"  # the site folder of document pages

_THREAD_OPEN = Html(
    '<section class="thread" aria-labelledby="h-comments"><h2 id="h-comments">Comments ({})</h2>\n'
)
_COMMENT = Html(
    '<article class="comment depth-{}" id="c-{}"><header class="comment-head">{} '
    '<time datetime="{}">{}</time>{}</header>\n<div class="prose">{}</div></article>\n'
)
_REPLY = Html(' <a class="reply-to" href="#c-{}">in reply to {}</a>')
_NO_COMMENTS = Markup(
    '<section class="thread" aria-labelledby="h-comments"><h2 id="h-comments">Comments</h2>'
    '<p class="empty">No comments. Add one with <code>worktext comment</code>.</p></section>\n'
)
_ATTACHED = Html(
    '<section class="attachments" aria-labelledby="h-files"><h2 id="h-files">Attachments</h2>'
    '<ul class="rel-list">{}</ul></section>\n'
)
_ATTACHMENT = Html('<li><a href="{}{}">{}</a> <span class="muted">{}</span></li>')
_BACKLINK = Html('<a href="{}{}">{}</a>')


# What makes an SVG more than a picture: opened on its own (not through <img>), a file of the
# site's origin would run its scripts, so such a file is never copied into the site.
_ACTIVE_SVG = re.compile(
    rb"<\s*(?:script|foreignObject|iframe|embed|object|use|a\b|animate|set\b)"
    rb"|\bon[a-z]+\s*=|javascript:|data:|xlink:href|href\s*=|<!ENTITY|@import",
    re.IGNORECASE,
)


def _active_svg(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            return _ACTIVE_SVG.search(handle.read(MAX_ATTACHMENT_BYTES)) is not None
    except OSError as error:
        log.warning("cannot read %s: %s", path, error.strerror or error)
        return True


def inbox_path(person: Person) -> str:
    return f"people/{safe_name(person.id)}-inbox.html"


def feed_path(person: Person) -> str:
    return f"people/{safe_name(person.id)}.atom"


def document_page(doc: Document) -> str:
    """The page of a document: its id's parts made safe, under ``docs/``."""
    return f"{DOCUMENTS}/{'/'.join(safe_name(part) for part in doc.id.split('/'))}.html"


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / 1024 / 1024:.1f} MB"
    return f"{max(1, round(count / 1024))} KB"


def _when(date: dt.datetime | None) -> tuple[str, str]:
    """A comment's time as its ``datetime`` attribute and as shown: ``strftime``'s
    "%Y-%m-%dT%H:%M:%SZ" and "%Y-%m-%d %H:%M UTC", cut from ``isoformat`` (a third of the
    cost) where the two agree, a date-time of a four-digit year."""
    if date is None:
        return "", "undated"
    if isinstance(date, dt.datetime) and date.year >= 1000:
        text = date.isoformat()
        return f"{text[:19]}Z", f"{text[:10]} {text[11:16]} UTC"
    return date.strftime("%Y-%m-%dT%H:%M:%SZ"), date.strftime("%Y-%m-%d %H:%M UTC")


class DiscussionView:
    """What the site's pages read of the discussion, worked out once per build."""

    def __init__(self, data: SiteData) -> None:
        self.data = data
        self.ws = data.ws
        self.names = Names(list(self.ws.people))
        self.inbox_cache: dict[str, Inbox] | None = None  # collab_pages.inboxes
        self.newest_cache: list[Comment] | None = None  # collab_pages.newest_comments
        self._authors: dict[tuple[str, str], Markup] = {}  # person_link, by page root and id

    # -- pages ---------------------------------------------------------------------------

    def document_page(self, doc: Document) -> str:
        return document_page(doc)

    @functools.cached_property
    def pages(self) -> dict[str, str]:
        """The site page (or copied file) of every workspace file a link may lead to."""
        ws, links_ = self.ws, self.data.links
        pages = dict(links_.item_pages)
        for person in ws.people:
            pages[person.path] = links_.person(person)
        for goal in ws.goals:
            pages[goal.path] = links_.goal(goal)
        for doc in ws.discussion.documents.values():
            pages[doc.path] = self.document_page(doc)
        pages.update({path: site for path, (site, _size) in self.attachments.items()})
        return pages

    @functools.cached_property
    def attachments(self) -> dict[str, tuple[str, int]]:
        """(site path, bytes) of every file a text links or embeds, by workspace path: of an
        allowed type, inside the workspace, at most ``MAX_ATTACHMENT_BYTES``."""
        root = str(self.ws.config.root)
        real_root = os.path.realpath(root)
        found: dict[str, tuple[str, int]] = {}
        for targets in self.links_by_path.values():
            for target, _image in targets:
                if target in found:
                    continue
                if posixpath.splitext(target)[1].lower() not in ATTACHMENT_TYPES:
                    continue
                full = os.path.realpath(os.path.join(root, target))
                if not full.startswith(real_root + os.sep) or not os.path.isfile(full):
                    continue
                size = os.path.getsize(full)
                if size > MAX_ATTACHMENT_BYTES:
                    log.warning("%s is larger than %d bytes: not copied", target, size)
                    continue
                if target.lower().endswith(".svg") and _active_svg(full):
                    log.warning("%s holds scripts or links: not copied into the site", target)
                    continue
                found[target] = (f"{ATTACHMENTS}/{target}", size)
        return found

    def attachment_bytes(self, path: str) -> bytes:
        with open(os.path.join(self.ws.config.root, path), "rb") as handle:
            return handle.read(MAX_ATTACHMENT_BYTES + 1)[:MAX_ATTACHMENT_BYTES]

    def attachment_key(self, path: str) -> str:
        """A dependency name that changes with the file's bytes."""
        data = self.attachment_bytes(path)
        return "file:" + hashlib.blake2b(data, digest_size=12).hexdigest()

    @functools.cached_property
    def links_by_path(self) -> dict[str, list[tuple[str, bool]]]:
        """(workspace path it points at, is an image) of every relative link of every text,
        by the text's path: found once for the attachments, backlinks and item pages."""
        out: dict[str, list[tuple[str, bool]]] = {}
        for path, text in self.texts():
            found = []
            for link in self.ws.links(path, text):
                target = link_path(path, link.text)
                if target is not None:
                    found.append((target, link.image))
            if found:
                out[path] = found
        return out

    def texts(self) -> Iterator[tuple[str, str]]:
        """(path, text) of every body, comment and document that holds a link."""
        for _kind, item in self.ws.items():
            body = getattr(item, "body", "")
            if "](" in body:
                yield item.path, body
        for comment in self.ws.discussion.all_comments():
            if "](" in comment.body:
                yield comment.path, comment.body
        for doc in self.ws.discussion.documents.values():
            if "](" in doc.body:
                yield doc.path, doc.body

    # -- rendering -----------------------------------------------------------------------

    def linked_mentions(self, text: str, path: str) -> str:
        """``text`` with each mention of a person made a Markdown link to their file."""
        found = mentions(text)
        if not found:
            return text
        lines = text.split("\n")
        for mention in reversed(found):
            resolved = self.names.resolve(mention.text)
            if resolved is None or resolved[0] != "person":
                continue
            person = self.ws.people.get(resolved[1])
            target = relative(path, person.path)
            line = lines[mention.line]
            before = line[: mention.column]
            if before.rfind("[") > before.rfind("]") or " " in target:
                continue  # inside a link's text already (links do not nest), or no link form
            end = mention.column + 1 + len(mention.text)
            lines[mention.line] = f"{line[: mention.column]}[@{mention.text}]({target}){line[end:]}"
        return "\n".join(lines)

    def markdown(self, text: str, path: str, prefix: str) -> Markup:
        """Markdown of the file at ``path`` as safe HTML on a page at ``prefix``."""
        data = self.data
        if "@" in text:
            text = self.linked_mentions(text, path)
        # Without "[" or "<" the text has no link, image or checkbox to rewrite (no autolink
        # extension: a bare URL stays text), as most comments have none.
        rewrite = (
            repo_rewriter(path, self.pages, data.repo_url, self.ws.config.branch, prefix)
            if "[" in text or "<" in text
            else None
        )
        # Safe: the renderer escapes raw HTML and drops unsafe links (see markdown.py).
        return Markup(data.markdown.render(text, rewrite))

    def thread(
        self,
        view: PageView,
        item_id: str,
        empty: bool = False,
        thread: list[Comment] | None = None,
    ) -> Markup:
        """An item's comments as a section of its page (``empty``: say there are none);
        ``thread``: ``Discussion.thread(item_id)``, when the caller has it."""
        if thread is None:
            thread = self.ws.discussion.thread(item_id)
        if not thread:
            return _NO_COMMENTS if empty else EMPTY
        out = [_THREAD_OPEN(len(thread))]
        for comment, depth in zip(thread, depths(thread), strict=True):
            out.append(self._comment(view, comment, depth))
        out.append(Markup("</section>\n"))
        return join(out)

    def _comment(self, view: PageView, comment: Comment, depth: int) -> Markup:
        iso, shown = _when(comment.date)
        reply = EMPTY
        if comment.reply_to:
            short = comment.reply_to.rsplit("-", 1)[-1]
            reply = _REPLY(short, short)
        body = self.markdown(comment.body, comment.path, view.root)
        key = (view.root, comment.author)
        author = self._authors.get(key)
        if author is None:  # the same few people comment on thousands of items
            author = self._authors[key] = person_link(view, comment.author)
        return _COMMENT(min(depth, 4), comment.hash, author, iso, shown, reply, body)

    def attachments_of(self, view: PageView, texts: list[tuple[str, str]]) -> Markup:
        """The list of files these texts attach, as a section (nothing when none)."""
        shown: dict[str, tuple[str, int]] = {}
        for path, _text in texts:
            for target, _image in self.links_by_path.get(path, ()):
                if target in self.attachments:
                    shown[target] = self.attachments[target]
        if not shown:
            return EMPTY
        items = [
            _ATTACHMENT(view.root, site, posixpath.basename(path), _size(size))
            for path, (site, size) in sorted(shown.items())
        ]
        return _ATTACHED(join(items))

    def item_extras(self, view: PageView, item_id: str, path: str, body: str) -> Markup:
        """What an item page shows below its content: its attachments and its thread."""
        thread = self.ws.discussion.thread(item_id)
        linking = self.links_by_path
        attached = EMPTY
        if path in linking or any(c.path in linking for c in thread):
            texts = [(path, body), *((c.path, c.body) for c in thread)]
            attached = self.attachments_of(view, texts)
        return join([attached, self.thread(view, item_id, thread=thread)])

    # -- backlinks -----------------------------------------------------------------------

    @functools.cached_property
    def backlinks(self) -> dict[str, list[tuple[str, str]]]:
        """(label, page) of every item and document that links to a file, by its path (a
        comment's link counts for the item it is on)."""
        ws, discussion = self.ws, self.ws.discussion
        linking = self.links_by_path
        labels: dict[str, tuple[str, str]] = {}
        for _kind, item in ws.items():
            page = self.pages.get(item.path)
            if page is not None:
                labels[item.path] = (item.id, page)
        for doc in discussion.documents.values():
            labels[doc.path] = (doc.title, self.document_page(doc))
        for comment in discussion.all_comments():
            if comment.path not in linking:
                continue
            found = ws.find(comment.item)
            on = discussion.document(comment.item) if found is None else None
            if found is not None and found[1].path in labels:
                labels[comment.path] = labels[found[1].path]
            elif on is not None:
                labels[comment.path] = (on.title, self.document_page(on))
        out: dict[str, dict[str, tuple[str, str]]] = {}
        for path, targets in linking.items():
            source = labels.get(path)
            if source is None:
                continue
            for target, _image in targets:
                if target != path:
                    out.setdefault(target, {})[source[1]] = source
        return {path: sorted(found.values()) for path, found in out.items()}

    def backlinks_html(self, view: PageView, path: str) -> Markup:
        found = self.backlinks.get(path, [])
        return join([_BACKLINK(view.root, page, label) for label, page in found], Markup(", "))


__all__ = ["IMAGE_TYPES", "MAX_ATTACHMENT_BYTES", "DiscussionView"]
