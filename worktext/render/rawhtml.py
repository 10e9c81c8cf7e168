"""Bodies that hold raw HTML, rendered by markdown-it-py: the HTML shows as escaped text
instead of being left out (cmark's safe mode, see markdown.py, drops it), except HTML
comments (``<!-- SECTION:DESCRIPTION:BEGIN -->``), which are hidden, as GitHub hides them.
markdown-it parses the HTML (so it knows where a comment starts and ends, and leaves code
spans and blocks alone), and this module's render rules write every piece of it as text.

The link and image policy is markdown.py's: the same checks, the same markup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from worktext.render.markdown import (
    LinkRewriter,
    checkbox,
    escape,
    is_external,
    is_safe_url,
    link_target,
)


class EscapingRenderer:
    def __init__(self) -> None:
        md = MarkdownIt("js-default", {"html": True, "linkify": False, "typographer": False})
        md.validateLink = is_safe_url  # type: ignore[method-assign]
        md.add_render_rule("link_open", _link_open)
        md.add_render_rule("image", _image)
        md.add_render_rule("html_block", _html_block)
        md.add_render_rule("html_inline", _html_inline)
        self.md = md

    def render(self, text: str, rewrite: LinkRewriter | None = None) -> str:
        env: dict[str, Any] = {"rewrite": rewrite}
        tokens = self.md.parse(text, env)
        for index, token in enumerate(tokens):
            if token.type == "inline" and token.children:
                _drop_unsafe_links(token.children, env)
                if index >= 2 and tokens[index - 2].type == "list_item_open":
                    _task_checkbox(token.children)
        return str(self.md.renderer.render(tokens, self.md.options, env))


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
    label = escape(alt or src)
    if not is_safe_url(src) or not is_external(src):
        return f'<span class="image-ref">[{label}]</span>'
    return f'<a class="image-ref" href="{escape(src)}" rel="noopener noreferrer">[{label}]</a>'


_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
CHECKBOX_META = "worktext-checkbox"  # our own checkbox markup, the one HTML written as it is


def _html_block(
    renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    """A block of HTML as a paragraph of its text, its comments left out."""
    text = _COMMENT.sub("", tokens[idx].content).strip()
    return f"<p>{escape(text)}</p>\n" if text else ""


def _html_inline(
    renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    token = tokens[idx]
    if token.meta.get(CHECKBOX_META):
        return str(token.content)
    return "" if token.content.startswith("<!--") else escape(token.content)


def _drop_unsafe_links(children: list[Token], env: dict[str, Any]) -> None:
    """Rewrite relative links; turn links that lead nowhere safe into their text."""
    rewrite: LinkRewriter | None = env.get("rewrite")
    open_stack: list[Token] = []
    for token in children:
        if token.type == "link_open":
            target = link_target(str(token.attrs.get("href", "")), rewrite)
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
    box = Token("html_inline", "", 0, meta={CHECKBOX_META: True})
    box.content = checkbox(match.group(1) != " ")
    first.content = first.content[match.end() :]
    children.insert(0, box)
