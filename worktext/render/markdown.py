"""Item bodies as safe HTML: CommonMark with raw HTML off, links limited to safe schemes.

markdown-it-py's ``js-default`` preset escapes any HTML in the source. Links are checked again
here: only http, https, mailto and relative targets become links; anything else (``javascript:``,
``data:``, ``vbscript:``...) is rendered as plain text. Images become links, because the page's
Content-Security-Policy only loads images shipped with the site.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

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


class Renderer:
    """One configured parser; ``rewrite`` maps a relative link (resolved against the item's
    folder, workspace-relative) to a URL, or None to render it as text."""

    def __init__(self) -> None:
        md = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False})
        md.validateLink = is_safe_url  # type: ignore[method-assign]
        md.add_render_rule("link_open", _link_open)
        md.add_render_rule("image", _image)
        self.md = md

    def render(self, text: str, rewrite: LinkRewriter | None = None) -> str:
        env: dict[str, Any] = {"rewrite": rewrite}
        tokens = self.md.parse(text, env)
        for index, token in enumerate(tokens):
            if token.type == "inline" and token.children:
                _drop_unsafe_links(token.children, env)
                if index >= 2 and tokens[index - 2].type == "list_item_open":
                    _task_checkbox(token.children)
        return self.md.renderer.render(tokens, self.md.options, env)


# Render rules are called as methods of markdown-it's renderer (``renderer`` is its self).
def _link_open(
    renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    token = tokens[idx]
    if is_external(str(token.attrs.get("href", ""))):
        token.attrSet("rel", "noopener noreferrer")
    return renderer.renderToken(tokens, idx, options, env)


def _image(
    renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    token = tokens[idx]
    src = str(token.attrs.get("src", ""))
    alt = renderer.renderInlineAsText(token.children or [], options, env)
    label = _escape(alt or src)
    if not is_safe_url(src) or not is_external(src):
        return f'<span class="image-ref">[{label}]</span>'
    return f'<a class="image-ref" href="{_escape(src)}" rel="noopener noreferrer">[{label}]</a>'


def _drop_unsafe_links(children: list[Token], env: dict[str, Any]) -> None:
    """Rewrite relative links; turn links that lead nowhere safe into their text."""
    rewrite: LinkRewriter | None = env.get("rewrite")
    open_stack: list[Token] = []
    for token in children:
        if token.type == "link_open":
            href = str(token.attrs.get("href", ""))
            target: str | None = href
            if not is_safe_url(href):
                target = None
            elif not is_external(href) and not href.startswith("#") and rewrite is not None:
                target = rewrite(href)
            if target is None:
                token.type, token.tag, token.nesting, token.attrs = "text", "", 0, {}
                token.content = ""
            else:
                token.attrSet("href", target)
            open_stack.append(token)
        elif token.type == "link_close" and open_stack:
            opener = open_stack.pop()
            if opener.type == "text":
                token.type, token.tag, token.nesting, token.content = "text", "", 0, ""


_CHECKBOX = re.compile(r"\[([ xX])\] ")


def _task_checkbox(children: list[Token]) -> None:
    """A list item starting ``[ ]`` or ``[x]`` (a checklist) gets a read-only checkbox."""
    first = children[0] if children else None
    if first is None or first.type != "text":
        return
    match = _CHECKBOX.match(first.content)
    if match is None:
        return
    checked = match.group(1) != " "
    box = Token("html_inline", "", 0)
    # Our own constant markup; item text stays in escaped text tokens.
    box.content = '<input type="checkbox" class="task-check" disabled' + (
        ' checked aria-label="done"> ' if checked else ' aria-label="not done"> '
    )
    first.content = first.content[match.end() :]
    children.insert(0, box)


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


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
