"""Item bodies as safe HTML: CommonMark (GitHub's tables, strikethrough and checklists), raw
HTML never passed through, links limited to safe schemes.

Bodies are rendered by cmark-gfm (GitHub's C CommonMark library, through ``cmarkgfm``): a
10,000-task site renders its bodies in a fifth of a second instead of the seven seconds the
pure-Python markdown-it-py takes. cmark runs in its safe mode, which writes no raw HTML and no
``javascript:``-style link, so every tag in its output is its own; ``_tidy`` then rewrites those
few tags of a known shape: links are checked again here (only http, https, mailto and relative
targets stay links, relative ones are rewritten to pages; anything else becomes its text),
external links get ``rel="noopener noreferrer"``, images become links (the page's
Content-Security-Policy only loads images shipped with the site) and checklist boxes get our
read-only markup.

Safe mode leaves raw HTML out entirely. So that a body with HTML in it loses no text, such a
body is rendered by markdown-it-py instead, which shows the HTML as escaped text and hides
HTML comments, as GitHub does (rawhtml.py).
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit

import cmarkgfm
from cmarkgfm.cmark import Options

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def is_safe_url(url: str) -> bool:
    """http(s), mailto, or relative (no scheme, not protocol-relative)."""
    cleaned = _CONTROL.sub("", url)
    if cleaned.startswith(("//", "\\\\", "/\\", "\\/")):
        return False
    match = _SCHEME.match(cleaned)
    if match is None:
        return ":" not in cleaned.split("/", 1)[0] and "\\" not in cleaned
    return match.group(1).lower() in SAFE_SCHEMES


def is_external(url: str) -> bool:
    return _SCHEME.match(url) is not None


LinkRewriter = Callable[[str], str | None]


EXTENSIONS = ("table", "strikethrough", "tasklist")
OMITTED = "<!-- raw HTML omitted -->"  # what cmark's safe mode writes in place of raw HTML
# The only tags of cmark's output that are rewritten; attribute values are escaped by cmark.
_CMARK_TAGS = re.compile(
    r'<a href="(?P<href>[^"]*)"(?P<title> title="[^"]*")?>|(?P<close></a>)'
    r'|<img src="(?P<src>[^"]*)" alt="(?P<alt>[^"]*)"(?: title="[^"]*")? />'
    r'|<input type="checkbox" (?P<checked>checked="" )?disabled="" /> '
)


class Renderer:
    """One configured parser; ``rewrite`` maps a relative link (resolved against the item's
    folder, workspace-relative) to a URL, or None to render it as text."""

    def __init__(self) -> None:
        self._fallback: Any = None  # markdown-it, built for the first body with raw HTML

    def render(self, text: str, rewrite: LinkRewriter | None = None) -> str:
        out = cmarkgfm.markdown_to_html_with_extensions(
            text, options=Options.CMARK_OPT_DEFAULT, extensions=EXTENSIONS
        )
        if OMITTED in out:
            return self._render_escaping_html(text, rewrite)
        if "<a " in out or "<img " in out or "<input " in out:
            out = _tidy(out, rewrite)
        return out

    def _render_escaping_html(self, text: str, rewrite: LinkRewriter | None) -> str:
        if self._fallback is None:
            from worktext.render.rawhtml import EscapingRenderer

            self._fallback = EscapingRenderer()
        return str(self._fallback.render(text, rewrite))


def _tidy(out: str, rewrite: LinkRewriter | None) -> str:
    """cmark's links, images and checklist boxes as this site writes them."""
    dropped: list[bool] = []  # per open link: was it turned into text? (links never nest)

    def replace(match: re.Match[str]) -> str:
        if match.group("close") is not None:
            return "" if dropped and dropped.pop() else "</a>"
        if match.group("href") is not None:
            href = html.unescape(match.group("href"))
            target = link_target(href, rewrite)
            dropped.append(target is None)
            if target is None:
                return ""
            rel = ' rel="noopener noreferrer"' if is_external(target) else ""
            return f'<a href="{escape(target)}"{match.group("title") or ""}{rel}>'
        if match.group("src") is not None:
            src = html.unescape(match.group("src"))
            label = match.group("alt") or escape(src)
            local = shipped_image(src, rewrite)
            if local is not None:  # a file copied into the site: same origin, a safe type
                return f'<img src="{escape(local)}" alt="{match.group("alt")}" loading="lazy">'
            if not src or not is_safe_url(src) or not is_external(src):
                return f'<span class="image-ref">[{label}]</span>'
            return (
                f'<a class="image-ref" href="{escape(src)}" rel="noopener noreferrer">[{label}]</a>'
            )
        return checkbox(match.group("checked") is not None)

    return _CMARK_TAGS.sub(replace, out)


# Images the site shows inline when they are copied into it (``render/discussion.py``); an
# SVG only ever through <img>, which runs none of its scripts.
INLINE_IMAGES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg")
ATTACHMENT_FOLDER = "files"  # where the site keeps the files bodies link or embed


def shipped_image(src: str, rewrite: LinkRewriter | None) -> str | None:
    """The site-relative URL of an image copied into the site that ``src`` (a relative
    link) names, or None."""
    if not src or rewrite is None or not is_safe_url(src) or is_external(src):
        return None
    if src.startswith("#"):
        return None
    target = rewrite(src)
    if target is None or is_external(target) or f"/{ATTACHMENT_FOLDER}/" not in f"/{target}":
        return None
    return target if urlsplit(target).path.lower().endswith(INLINE_IMAGES) else None


def link_target(href: str, rewrite: LinkRewriter | None) -> str | None:
    """Where a link goes on the site, or None: it is shown as its text."""
    if not href or not is_safe_url(href):
        return None  # cmark's safe mode empties the target of a javascript: link
    if is_external(href) or href.startswith("#") or rewrite is None:
        return href
    return rewrite(href)


def checkbox(checked: bool) -> str:
    # Our own constant markup; the item's text stays as the renderer escaped it.
    return '<input type="checkbox" class="task-check" disabled' + (
        ' checked aria-label="done"> ' if checked else ' aria-label="not done"> '
    )


def repo_rewriter(
    item_path: str, pages: dict[str, str], repo_url: str | None, branch: str, prefix: str
) -> LinkRewriter:
    """Links between item files go to their pages; other relative links to the repository."""
    folder = posixpath.dirname(item_path)

    def rewrite(href: str) -> str | None:
        parts = urlsplit(href)
        target = posixpath.normpath(posixpath.join(folder, parts.path)) if parts.path else ""
        if target.startswith("../") or target == "..":
            return None
        page = pages.get(target)
        if page is not None:
            return prefix + page + (f"#{parts.fragment}" if parts.fragment else "")
        if repo_url:
            return f"{repo_url.rstrip('/')}/blob/{quote(branch)}/{quote(target)}"
        return None

    return rewrite


def escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
