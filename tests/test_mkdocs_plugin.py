"""The MkDocs plugin, through real ``mkdocs build`` runs of a fixture MkDocs site: worktext's
pages inside the theme (default and Material), a navigation section, edit links to the task
files, diagnostics as warnings that fail ``--strict``, and hostile text kept inert."""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from render_helpers import BROKEN, HOSTILE, HOSTILE_FILES, write

from worktext.integrations.mkdocs_plugin import scope_css

TEMPLATE = Path(__file__).resolve().parent.parent / "workspace-template"
REPO = "https://github.com/acme/team"


def make_site(root: Path, *, theme: str = "mkdocs", nav: bool = False, extra: str = "") -> Path:
    """A repository with an MkDocs site in ``docs/`` and the starter workspace in ``work/``."""
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Team handbook\n\nHow we work.\n", "utf-8")
    (root / "docs" / "about.md").write_text("# About\n\nUs.\n", "utf-8")
    shutil.copytree(TEMPLATE, root / "work", ignore=shutil.ignore_patterns(".worktext"))
    (root / ".git").mkdir()  # where the edit links are relative to
    features = "\n  features: [content.action.edit]" if theme == "material" else ""
    lines = [
        "site_name: Team handbook",
        f"repo_url: {REPO}",
        "edit_uri: edit/main/docs/",
        f"theme:\n  name: {theme}{features}",
        "plugins:",
        "  - search",
        "  - worktext:",
        "      workspace: work",
        "      today: 2026-11-23",
        "      nav_title: Status",
    ]
    if nav:
        lines.append("nav:\n  - Home: index.md\n  - About: about.md")
    (root / "mkdocs.yml").write_text("\n".join(lines) + "\n" + extra, "utf-8")
    return root


def mkdocs_build(site: Path, *, strict: bool = True) -> subprocess.CompletedProcess[str]:
    args = [sys.executable, "-m", "mkdocs", "build", "-f", str(site / "mkdocs.yml")]
    args += ["-d", str(site / "out")] + (["--strict"] if strict else [])
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(args, capture_output=True, text=True, env=env, check=False)


def page(site: Path, url: str) -> str:
    return (site / "out" / url / "index.html").read_text("utf-8")


def content(html: str) -> str:
    """The worktext fragment of a page, without the theme around it."""
    start = html.index('<div class="worktext ')
    return html[start : html.index("<!-- end of worktext content -->", start)]


def assert_links_resolve(site: Path, url: str) -> int:
    """Every relative link in worktext's content leads to a file of the built site."""
    hrefs = re.findall(r'href="([^"#]+)', content(page(site, url)))
    relative = [h for h in hrefs if not re.match(r"[a-z]+:", h)]
    for href in relative:
        target = posixpath.normpath(posixpath.join(url, href))
        path = site / "out" / target
        assert path.is_file() or (path / "index.html").is_file(), f"{url}: {href}"
    return len(relative)


@pytest.fixture(scope="module")
def default_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = make_site(tmp_path_factory.mktemp("default"))
    result = mkdocs_build(site)
    assert result.returncode == 0, result.stderr
    return site


def test_pages_sit_inside_the_default_theme(default_site: Path) -> None:
    home = page(default_site, "work")
    assert "css/bootstrap.min.css" in home and 'class="navbar' in home  # the theme's layout
    assert '<div class="worktext page-home">' in home
    assert "<title>Overview - Team handbook</title>" in home
    assert 'class="topbar"' not in home  # worktext's own header is left out
    board = page(default_site, "work/boards/web")
    assert '<div class="worktext page-board">' in board and 'class="card' in board
    task = page(default_site, "work/tasks/WEB-5")
    assert "<title>WEB-5 " in task and '<div class="worktext page-task">' in task
    for url in ("work/roadmap", "work/workload", "work/timelines/web", "work/projects/web"):
        assert '<div class="worktext ' in page(default_site, url)
    assert (default_site / "out/work/calendar.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert (default_site / "out/work/index.json").is_file()
    assert not (default_site / "out/work/search").exists()  # the theme's search serves instead


def test_links_between_worktext_pages_resolve(default_site: Path) -> None:
    for url in ("work", "work/tasks/WEB-5", "work/boards/web", "work/roadmap", "work/people"):
        assert assert_links_resolve(default_site, url) > 0


def test_stylesheet_and_scripts_are_generated_files(default_site: Path) -> None:
    home = page(default_site, "work")
    assert 'href="assets/site.css"' in home
    assert '<script src="assets/site.js" defer>' in home
    css = (default_site / "out/work/assets/site.css").read_text("utf-8")
    assert ".worktext.worktext .card" in css and "\nbody " not in css


def test_navigation_section_without_an_explicit_nav(default_site: Path) -> None:
    home = page(default_site, "")
    section = home[home.index(">Status<") :]
    for title in ("Overview", "Roadmap", "Workload", "November 2026", "People", "Goals"):
        assert f">{title}</a>" in section, title
    assert "Website relaunch" in section  # each project's page, under Projects
    assert "WEB-5" not in section  # task pages are linked from boards, not listed


def test_edit_links_point_at_the_task_files(default_site: Path) -> None:
    task = page(default_site, "work/tasks/WEB-5")
    assert f'href="{REPO}/edit/main/work/tasks/web/WEB-5.md"' in task
    project = page(default_site, "work/projects/web")
    assert f'href="{REPO}/edit/main/work/projects/web.md"' in project
    assert f"{REPO}/edit/main/docs/about.md" in page(default_site, "about")  # the site's own
    assert "/edit/main/docs/work/" not in page(default_site, "work/roadmap")


def test_material_theme_with_an_explicit_nav(tmp_path: Path) -> None:
    pytest.importorskip("material", reason="mkdocs-material is not installed")
    site = make_site(tmp_path, theme="material", nav=True)
    result = mkdocs_build(site)
    assert result.returncode == 0, result.stderr
    task = page(site, "work/tasks/WEB-5")
    assert 'class="md-content"' in task and '<div class="worktext page-task">' in task
    assert f'href="{REPO}/edit/main/work/tasks/web/WEB-5.md"' in task
    home = page(site, "")
    for title in ("About", "Status", "Overview", "Roadmap", "Website relaunch"):
        assert re.search(rf">\s*{title}\s*<", home), title
    board = page(site, "work/boards/web")
    assert 'class="md-nav' in board and 'class="card' in board
    assert assert_links_resolve(site, "work/tasks/WEB-5") > 0


def test_without_directory_urls_links_still_resolve(tmp_path: Path) -> None:
    site = make_site(tmp_path, extra="use_directory_urls: false\n")
    assert mkdocs_build(site).returncode == 0
    task = (site / "out/work/tasks/WEB-5.html").read_text("utf-8")
    hrefs = re.findall(r'href="([^"#:]+)"', content(task))
    assert hrefs and all((site / "out/work/tasks" / h).resolve().is_file() for h in hrefs), hrefs


def test_strict_build_fails_on_an_invalid_workspace(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    (site / "work/tasks/web/BAD-1.md").write_text(BROKEN["tasks/BAD-1.md"], "utf-8")
    result = mkdocs_build(site)
    assert result.returncode != 0
    assert "WARNING" in result.stderr and "tasks/web/BAD-1.md:" in result.stderr
    assert "yaml-syntax" in result.stderr
    lenient = mkdocs_build(site, strict=False)
    assert lenient.returncode == 0 and (site / "out/work/index.html").is_file()


def test_hostile_titles_never_become_markup(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    shutil.rmtree(site / "work")
    from render_helpers import CONFIG, FILES

    write(site / "work", {**FILES, **HOSTILE_FILES}, CONFIG)
    assert mkdocs_build(site, strict=False).returncode == 0
    pages = list((site / "out/work").rglob("*.html"))
    assert len(pages) > 10
    for path in pages:
        text = path.read_text("utf-8")
        assert HOSTILE not in text and "<svg onload" not in text and "<img src=x" not in text, path
        assert 'href="javascript' not in text.lower() and "<style>" not in text, path
        assert "<script" not in content(text), path  # the theme's own scripts are its business
    task = page(site, "work/tasks/X-1")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in task


def test_bad_options_are_clear_errors(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    config = site / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace("workspace: work", "workspace: nowhere"))
    result = mkdocs_build(site)
    assert result.returncode != 0 and "workspace folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_scope_css_limits_every_rule_to_worktext_content() -> None:
    css = (
        ":root { --bg: #fff; }\n"
        '@media (prefers-color-scheme: dark) { :root:not([data-theme="light"])'
        " { --bg: #0f0f0f; } }\n"
        ':root[data-theme="dark"] .button { color: red; }\n'
        "body { margin: 0; }\nhtml.js .js-only { display: flex; }\n/* a, b */ a, .x:not(.y, .z) > b"
        " { color: blue; }\n@media (max-width: 900px) { .dash { display: block; } }\n"
        "@keyframes spin { from { opacity: 0; } to { opacity: 1; } }\n"
    )
    scoped = scope_css(css)
    assert ".worktext { --bg: #fff; }" in scoped
    assert "#0f0f0f" not in scoped  # the system's dark setting is the theme's business
    assert '[data-md-color-scheme="slate"] .worktext .button { color: red; }' in scoped
    assert ".worktext { margin: 0; }" in scoped
    assert "html.js .worktext .js-only" in scoped
    assert ".worktext a, .worktext .x:not(.y, .z) > b { color: blue; }" in scoped
    assert "@media (max-width: 900px) {\n.worktext .dash { display: block; }\n}" in scoped
    assert "@keyframes spin { from { opacity: 0; } to { opacity: 1; } }" in scoped


def test_edit_links_from_worktext_yml_without_a_repo_url_in_mkdocs_yml(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    config = site / "mkdocs.yml"
    text = config.read_text("utf-8").replace(f"repo_url: {REPO}\nedit_uri: edit/main/docs/\n", "")
    config.write_text(text, "utf-8")
    settings = site / "work/worktext.yml"
    settings.write_text(
        re.sub(
            r"(?m)^repo_url: .*$", "repo_url: https://gitlab.com/acme/work", settings.read_text()
        ),
        "utf-8",
    )
    assert mkdocs_build(site).returncode == 0
    task = page(site, "work/tasks/WEB-5")
    assert 'href="https://gitlab.com/acme/work/-/edit/main/tasks/web/WEB-5.md"' in task
    assert "/edit/" not in page(site, "about")  # MkDocs' own pages: no repo_url, no edit link


def test_the_documentation_embeds_the_starter_workspace_as_its_live_demo(tmp_path: Path) -> None:
    docs = Path(__file__).resolve().parent.parent / "site"
    config, out = str(docs / "mkdocs.yml"), str(tmp_path / "out")
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", config, "-d", out]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    home = (tmp_path / "out/demo/index.html").read_text("utf-8")
    assert '<div class="worktext page-home">' in home and "Northwind Labs" in home
    assert "Mon 23 Nov 2026" in home  # today: 2026-11-23 in site/mkdocs.yml
    assert re.search(r">\s*Live demo\s*<", home)  # the navigation section
    assert (tmp_path / "out/demo/boards/web/index.html").is_file()


def test_pages_of_the_site_in_the_plugins_folder_are_an_error(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    (site / "docs/work").mkdir()
    (site / "docs/work/index.md").write_text("# Mine\n", "utf-8")
    result = mkdocs_build(site)
    assert result.returncode != 0 and "'work/index.md' is in the docs already" in result.stderr
    assert "Traceback" not in result.stderr


def test_mkdocs_serve_rebuilds_when_a_task_file_changes(tmp_path: Path) -> None:
    import socket
    import time
    import urllib.request

    site = make_site(tmp_path)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "mkdocs", "serve", "-f", str(site / "mkdocs.yml")]
    command += ["-a", f"127.0.0.1:{port}"]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    url = f"http://127.0.0.1:{port}/work/tasks/WEB-5/"

    def fetch() -> str:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            return ""

    try:
        deadline = time.monotonic() + 60
        while "Build the component library" not in fetch():
            assert time.monotonic() < deadline and server.poll() is None, (
                "mkdocs serve did not start"
            )
            time.sleep(0.3)
        task = site / "work/tasks/web/WEB-5.md"
        text = task.read_text("utf-8")
        task.write_text(text.replace("title: Build the", "title: Rebuilt the", 1), "utf-8")
        while "Rebuilt the component library" not in fetch():
            assert time.monotonic() < deadline, "the edit was not picked up"
            time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=10)


CHROMIUM = "/usr/bin/chromium"


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is not installed")
def test_material_board_works_in_a_browser(tmp_path: Path) -> None:
    pytest.importorskip("material", reason="mkdocs-material is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    site = make_site(tmp_path, theme="material")
    assert mkdocs_build(site).returncode == 0
    board = (site / "out/work/boards/web/index.html").as_uri()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True
        )
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.route("http*://**", lambda route: route.abort())  # offline: no web fonts
            page.goto(board)
            cards = page.locator("li.card:visible")
            total = cards.count()
            page.locator("[data-board-filter] input[name=q]").fill("WEB-5")
            page.wait_for_timeout(300)
            assert total > 5 and cards.count() == 1
            labels = page.locator(".card .labels").first
            assert labels.evaluate("e => getComputedStyle(e).display") == "flex"
            label = labels.locator("li").first
            assert label.evaluate("e => getComputedStyle(e).marginLeft") == "0px"  # no theme indent
            wrapper = page.locator("div.worktext")
            assert (
                wrapper.evaluate("e => getComputedStyle(e).backgroundColor") == "rgba(0, 0, 0, 0)"
            )
            assert errors == []
        finally:
            browser.close()


def test_threads_and_documents_show_in_the_plugin(tmp_path: Path) -> None:
    site = make_site(tmp_path / "collab")
    work = site / "work"
    (work / "comments" / "WEB-6").mkdir(parents=True)
    (work / "comments" / "WEB-6" / "20261120T100000Z-ana-aaaaaaa.md").write_text(
        "---\nauthor: ana\ndate: 2026-11-20T10:00:00Z\n---\n"
        "Ping @ben, see [the decision](../../docs/decisions/0001-hosting.md)\n",
        "utf-8",
    )
    (work / "docs" / "decisions" / "0001-hosting.md").write_text(
        "---\ntitle: Host on Pages\ntype: decision\n---\nFor [WEB-6](../../tasks/web/WEB-6.md).\n",
        "utf-8",
    )
    result = mkdocs_build(site)
    assert result.returncode == 0, result.stderr
    task = content(page(site, "work/tasks/WEB-6"))
    assert '<h2 id="h-comments">Comments (1)</h2>' in task
    assert 'href="../../people/ben/">@ben</a>' in task
    assert 'href="../../docs/decisions/0001-hosting/">the decision</a>' in task
    decision = content(page(site, "work/docs/decisions/0001-hosting"))
    assert "<h1>Host on Pages</h1>" in decision
    assert "Linked from" in decision and 'href="../../../tasks/WEB-6/">WEB-6</a>' in decision
    assert assert_links_resolve(site, "work/tasks/WEB-6") > 0
    assert assert_links_resolve(site, "work/docs/decisions/0001-hosting") > 0
