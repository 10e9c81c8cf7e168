"""Bodies as HTML: raw HTML escaped, only http(s), mailto and relative links, images as links."""

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
    assert html.count('<span class="image-ref">') == 1  # a local image: text, it is not shipped
    assert "![bad](javascript:x)" in html  # an unsafe one stays literal text


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
