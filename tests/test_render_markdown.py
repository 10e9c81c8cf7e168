"""Bodies as HTML: raw HTML escaped, only http(s), mailto and relative links, images as links.

Most bodies go through cmark (markdown.py); a body with raw HTML goes through markdown-it
(rawhtml.py). Every policy test here runs on both paths: ``<b>`` in a text sends it to the second.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from worktext.render.markdown import Renderer, is_safe_url, repo_rewriter

render = Renderer().render


def test_raw_html_is_text() -> None:
    html = render("<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>")
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_unsafe_link_schemes_become_text() -> None:
    for target in (
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,x",
        "vbscript:x",
        "//evil.example/x",
    ):
        html = render(f"[click]({target})")
        assert "<a" not in html, target
        assert "click" in html


def test_safe_links_keep_working_and_external_ones_get_noopener() -> None:
    html = render(
        "[a](https://example.org/x) [m](mailto:a@example.org) [r](other.md#top) [h](#here)"
    )
    assert '<a href="https://example.org/x" rel="noopener noreferrer">a</a>' in html
    assert '<a href="mailto:a@example.org" rel="noopener noreferrer">m</a>' in html
    assert '<a href="other.md#top">r</a>' in html
    assert '<a href="#here">h</a>' in html


def test_images_become_links_because_the_page_loads_no_remote_images() -> None:
    html = render("![logo](https://example.org/logo.png) ![local](pic.png) ![bad](javascript:x)")
    assert "<img" not in html
    assert '<a class="image-ref" href="https://example.org/logo.png"' in html
    # A local image is text (it is not shipped); so is an unsafe one.
    assert '<span class="image-ref">[local]</span>' in html
    assert '<span class="image-ref">[bad]</span>' in html and "javascript" not in html


def test_relative_links_go_to_item_pages_or_the_repository() -> None:
    pages = {"tasks/A-1.md": "tasks/A-1.html"}
    rewrite = repo_rewriter("projects/p.md", pages, "https://git.example/r", "main", "../")
    html = render("[task](../tasks/A-1.md) [doc](../docs/x.md) [out](../../etc/passwd)", rewrite)
    assert '<a href="../tasks/A-1.html">task</a>' in html
    assert (
        '<a href="https://git.example/r/blob/main/docs/x.md" rel="noopener noreferrer">doc</a>'
        in html
    )
    assert " out</p>" in html and "passwd" not in html  # outside the workspace: text only


def test_is_safe_url() -> None:
    assert is_safe_url("https://x") and is_safe_url("a/b.html") and is_safe_url("mailto:x@y")
    assert (
        not is_safe_url("java\nscript:x")
        and not is_safe_url("file:///etc")
        and not is_safe_url("\\\\host")
    )


@given(
    st.text(max_size=200),
    st.sampled_from(["javascript:", "data:", "vbscript:", "<script>", "<a href="]),
)
def test_no_text_can_produce_script_or_unsafe_href(text: str, hostile: str) -> None:
    html = render(f"{text}[x]({hostile}alert(1)) {hostile} {text}").lower()
    assert "<script" not in html
    assert (
        'href="javascript' not in html and 'href="data' not in html and 'href="vbscript' not in html
    )


def test_checklist_items_get_read_only_checkboxes_and_text_stays_escaped() -> None:
    html = render("- [x] done <b>\n- [ ] open\n- not [x] a box")
    assert html.count('<input type="checkbox" class="task-check" disabled') == 2
    assert 'checked aria-label="done"> done &lt;b&gt;' in html
    assert "<li>not [x] a box</li>" in html


def test_the_same_policy_holds_in_a_body_with_raw_html() -> None:
    pages = {"tasks/A-1.md": "tasks/A-1.html"}
    rewrite = repo_rewriter("projects/p.md", pages, None, "main", "../")
    for extra in ("", " <b>bold</b>"):
        html = render(
            f"[t](../tasks/A-1.md) [x](javascript:alert(1)) [w](https://w.org){extra}\n\n"
            "- [x] done\n- [ ] open\n\n![i](https://e.org/i.png)",
            rewrite,
        )
        assert '<a href="../tasks/A-1.html">t</a>' in html, extra
        assert 'href="javascript' not in html and "<p>" in html
        assert '<a href="https://w.org" rel="noopener noreferrer">w</a>' in html
        assert html.count('class="task-check"') == 2
        assert '<a class="image-ref" href="https://e.org/i.png"' in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html  # shown, not left out


def test_github_extensions_titles_and_escaped_targets() -> None:
    html = render(
        "| a | b |\n|---|--:|\n| 1 | 2 |\n\n~~old~~\n\n"
        '[q](https://e.org/?a=1&b=2 "the title")\n\n1. [ ] loose\n\n2. [X] list\n'
    )
    assert "<table>" in html and '<td align="right">2</td>' in html
    assert "<del>old</del>" in html
    assert (
        '<a href="https://e.org/?a=1&amp;b=2" title="the title" rel="noopener noreferrer">q</a>'
        in html
    )
    assert html.count('class="task-check"') == 2 and 'checked aria-label="done"' in html


def test_code_that_looks_like_html_or_markup_stays_code() -> None:
    html = render('`<a href="x">` and\n\n```\n<!-- raw HTML omitted -->\n![i](x.png)\n```\n')
    assert "<code>&lt;a href=&quot;x&quot;&gt;</code>" in html
    assert "&lt;!-- raw HTML omitted --&gt;" in html and "![i](x.png)" in html


def test_html_comments_are_hidden_as_on_github() -> None:
    from worktext.render.markdown import Renderer

    render = Renderer().render
    body = (
        "<!-- SECTION:DESCRIPTION:BEGIN -->\nShip **it**\n<!-- SECTION:DESCRIPTION:END -->\n\n"
        "a <!-- note --> b <span>kept as text</span>\n\n`<!-- in code -->`\n"
    )
    out = render(body)
    assert "SECTION" not in out and "note" not in out
    assert "<strong>it</strong>" in out
    assert "a  b &lt;span&gt;kept as text&lt;/span&gt;" in out
    assert "<code>&lt;!-- in code --&gt;</code>" in out
    assert "<span>" not in out
    checklist = render("<!-- x -->\n\n- [x] done <b>bold</b>\n")
    assert 'class="task-check" disabled checked' in checklist
    assert "&lt;b&gt;bold&lt;/b&gt;" in checklist


MARKDOWN_BITS = st.sampled_from(
    [
        "*a*",
        "**b**",
        "`c`",
        "~~d~~",
        "# h",
        "- i",
        "1. j",
        "> k",
        "---",
        "| l | m |",
        "&amp;",
        "&#60;a href=x&#62;",
        "http://x.test/y",
        "www.x.test",
        "\\",
        "\n",
        "\n\n",
        "    code",
        "```",
    ]
)


@given(st.lists(st.one_of(st.text(max_size=20), MARKDOWN_BITS), max_size=12))
def test_a_text_without_brackets_or_angles_has_nothing_for_the_link_rewriter(
    parts: list[str],
) -> None:
    """The site renders such a text (most comments) without making a rewriter: no link,
    image or checkbox can come out of it, so the rewriter would never be asked."""
    text = "".join(parts).replace("[", "").replace("<", "")

    def never(href: str) -> str:
        raise AssertionError(f"asked to rewrite {href!r}")

    html = render(text, never)
    assert html == render(text, None)
    assert "<a " not in html and "<img " not in html and "<input " not in html
