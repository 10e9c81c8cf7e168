"""The discussion on the site: threads (sanitised, mentions as links), documents with
backlinks, attachments, inbox pages, Atom feeds and search; and a rebuild after a comment."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import write_workspace
from hypothesis import given
from hypothesis import strategies as st

from worktext.check.pipeline import open_workspace
from worktext.render.build import build_site
from worktext.render.discussion import _when

TODAY = dt.date(2026, 12, 3)
ATOM = "{http://www.w3.org/2005/Atom}"
SVG = '<svg xmlns="http://www.w3.org/2000/svg"><rect width="4" height="4"/></svg>'
ACTIVE_SVG = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
FILES = {
    "people/ana.md": "---\nname: Ana <A&B>\nemail: ana@example.com\nteams: [web]\n---\n",
    "people/ben.md": "---\nname: Ben\nemail: ben@example.com\n---\n",
    "tasks/WEB-1.md": (
        "---\ntitle: Launch\nassignee: ben\ndue: 2026-12-02\n---\n"
        "See ![the plan](../docs/plan.svg) and [the spec](../docs/spec.md).\n"
    ),
    "tasks/WEB-2.md": "---\ntitle: Quiet\n---\n",
    "tasks/WEB-3.md": "---\ntitle: Hostile picture\n---\n![x](../docs/evil.svg)\n",
    "docs/spec.md": (
        "---\ntitle: Launch spec\ntype: spec\nowner: ana\n---\nFor [WEB-1](../tasks/WEB-1.md).\n"
    ),
    "docs/notes.md": "# Meeting notes\n\nNo front matter at all.\n",
    "comments/WEB-1/20261202T100000Z-ana-aaaaaaa.md": (
        "---\nauthor: ana\ndate: 2026-12-02T10:00:00Z\n---\n"
        "Ping @ben <script>alert(1)</script> [x](javascript:alert(1)) `@code` & more\n"
    ),
    "comments/WEB-1/20261202T110000Z-ben-bbbbbbb.md": (
        "---\nauthor: ben\ndate: 2026-12-02T11:00:00Z\nreply_to: aaaaaaa\n---\nOn it.\n"
    ),
    "comments/spec/20261202T120000Z-ben-ccccccc.md": (
        "---\nauthor: ben\ndate: 2026-12-02T12:00:00Z\n---\nA question on the spec, @ana.\n"
    ),
}


@pytest.fixture
def built(tmp_path: Path) -> Path:
    root = write_workspace(tmp_path / "ws", FILES, "name: Acme\n")
    (root / "docs" / "plan.svg").write_text(SVG, encoding="utf-8")
    (root / "docs" / "evil.svg").write_text(ACTIVE_SVG, encoding="utf-8")
    ws = open_workspace(root, today=TODAY, use_cache=False)
    assert [d.code for d in ws.diagnostics] == []
    build_site(ws, tmp_path / "out", jobs=1, use_cache=False)
    return tmp_path / "out"


def read(out: Path, rel: str) -> str:
    return (out / rel).read_text("utf-8")


def thread_of(page: str) -> str:
    start = page.index('<section class="thread"')
    return page[start : page.index("</section>", start)]


def test_task_page_shows_the_thread_sanitised_with_mentions_as_links(built: Path) -> None:
    page = read(built, "tasks/WEB-1.html")
    thread = thread_of(page)
    assert '<h2 id="h-comments">Comments (2)</h2>' in thread
    assert '<a href="../people/ben.html">@ben</a>' in thread
    assert "<script>" not in thread and 'href="javascript' not in thread
    assert "&lt;script&gt;" in thread  # shown as text, never run
    assert "<code>@code</code>" in thread  # a mention in code stays code
    assert thread.index('id="c-aaaaaaa"') < thread.index('id="c-bbbbbbb"')
    assert '<article class="comment depth-1" id="c-bbbbbbb">' in thread
    assert '<a class="reply-to" href="#c-aaaaaaa">in reply to aaaaaaa</a>' in thread
    # the body's image is copied and shown inline, as an image; the document is linked
    assert '<img src="../files/docs/plan.svg" alt="the plan" loading="lazy">' in page
    assert '<a href="../docs/spec.html">the spec</a>' in page
    assert "plan.svg</a>" in page[page.index('class="attachments"') :]
    assert (built / "files" / "docs" / "plan.svg").read_text("utf-8") == SVG
    assert "<svg" not in page  # an SVG is never inlined into a page
    assert 'class="thread"' not in read(built, "tasks/WEB-2.html")
    # an SVG with a script is never copied: opened on its own, it would run in the site
    assert not (built / "files" / "docs" / "evil.svg").exists()
    assert "<img" not in read(built, "tasks/WEB-3.html").split("<main", 1)[1]


def test_documents_are_pages_with_backlinks_and_threads(built: Path) -> None:
    spec = read(built, "docs/spec.html")
    assert "<h1>Launch spec</h1>" in spec
    assert 'Linked from <a href="../tasks/WEB-1.html">WEB-1</a>' in spec
    assert '<a href="../tasks/WEB-1.html">WEB-1</a>' in spec[spec.index('class="prose"') :]
    assert "A question on the spec" in thread_of(spec)
    notes = read(built, "docs/notes.html")
    assert "<h1>Meeting notes</h1>" in notes
    index = read(built, "docs/index.html")
    assert index.index("Launch spec") > 0 and "Meeting notes" in index


def test_inbox_page_and_atom_feeds(built: Path) -> None:
    inbox = read(built, "people/ben-inbox.html")
    assert "ana mentioned you in a comment" in inbox
    assert '<a href="../tasks/WEB-1.html#c-aaaaaaa">WEB-1</a>' in inbox
    assert "WEB-1 was due 2026-12-02" in inbox
    for rel in ("people/ben.atom", "people/ana.atom", "feed.atom"):
        feed = ET.fromstring((built / rel).read_bytes())
        assert feed.tag == f"{ATOM}feed"
        for required in ("id", "title", "updated", "author"):
            assert feed.find(f"{ATOM}{required}") is not None, (rel, required)
        ids = [e.findtext(f"{ATOM}id") for e in feed.iter(f"{ATOM}entry")]
        assert len(ids) == len(set(ids)) and all(i and i.startswith("urn:uuid:") for i in ids)
        for entry in feed.iter(f"{ATOM}entry"):
            updated = entry.findtext(f"{ATOM}updated") or ""
            assert dt.datetime.strptime(updated, "%Y-%m-%dT%H:%M:%SZ")
    workspace = ET.fromstring((built / "feed.atom").read_bytes())
    summaries = [e.findtext(f"{ATOM}summary") for e in workspace.iter(f"{ATOM}entry")]
    assert any("<script>alert(1)</script>" in (s or "") for s in summaries)  # text, escaped
    assert len(summaries) == 3
    ana = ET.fromstring((built / "people/ana.atom").read_bytes())
    assert ana.findtext(f"{ATOM}title") == "Acme: inbox of Ana <A&B>"


def test_search_covers_comments_and_documents(built: Path) -> None:
    index = read(built, "search-index.js")
    assert '["document","spec","Launch spec","docs/spec.html"' in index
    assert '"comment","WEB-1","Comment by ben on WEB-1","tasks/WEB-1.html#c-bbbbbbb"' in index
    assert "<script>" not in index


def test_rebuild_after_one_comment_renders_the_item_page_again(tmp_path: Path) -> None:
    root = write_workspace(tmp_path / "ws", FILES, "name: Acme\n")
    (root / "docs" / "plan.svg").write_text(SVG, encoding="utf-8")
    out = tmp_path / "out"
    build_site(open_workspace(root, today=TODAY), out, jobs=1)
    assert "Comments (1)" not in read(out, "tasks/WEB-2.html")
    new = root / "comments" / "WEB-2" / "20261203T090000Z-ben-ddddddd.md"
    new.parent.mkdir(parents=True)
    new.write_text("---\nauthor: ben\n---\nFresh news\n", encoding="utf-8")
    result = build_site(open_workspace(root, today=TODAY), out, jobs=1)
    page = read(out, "tasks/WEB-2.html")
    assert "Comments (1)" in page and "Fresh news" in page
    assert '"Comment by ben on WEB-2","tasks/WEB-2.html#c-ddddddd","Fresh news"' in read(
        out, "search-index.js"
    )  # the task's kept search share was made again with its thread
    assert result.rendered < result.pages and result.written <= 4  # not the whole site


def test_a_mention_inside_a_links_text_is_left_to_the_link(tmp_path: Path) -> None:
    from worktext.render.data import SiteData

    root = write_workspace(tmp_path / "ws", FILES, "name: Acme\n")
    ws = open_workspace(root, today=TODAY, use_cache=False)
    data = SiteData(ws)
    text = "[@ben's notes](../../docs/spec.md) and @ben"
    out = data.discussion.markdown(text, "comments/WEB-1/x.md", "../")
    assert str(out) == (
        '<p><a href="../docs/spec.html">@ben\'s notes</a> and '
        '<a href="../people/ben.html">@ben</a></p>\n'
    )


@given(
    st.datetimes(min_value=dt.datetime(1, 1, 1), timezones=st.just(dt.timezone.utc))
    | st.datetimes(min_value=dt.datetime(1, 1, 1))
)
def test_a_comment_s_time_reads_as_strftime_writes_it(when: dt.datetime) -> None:
    assert _when(when) == (
        when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        when.strftime("%Y-%m-%d %H:%M UTC"),
    )
    assert _when(None) == ("", "undated")
