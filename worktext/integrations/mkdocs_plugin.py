"""The MkDocs plugin: worktext's status pages inside an existing MkDocs site.

A thin adapter over the same pipeline and templates as ``worktext build``: the workspace is read
and its pages planned and rendered by ``render.site.pages``, once per build in ``on_files``.
Only the outer layout differs: a ``base.html`` that emits the content block alone, so each page
sits inside the MkDocs theme.

- ``on_config``: check the options; add the stylesheet and scripts (generated files).
- ``on_files``: open the workspace, report its diagnostics as MkDocs warnings (so
  ``mkdocs build --strict`` fails on an invalid workspace), render every page, add a generated
  Markdown file for each (front matter only), and the ICS, JSON and asset files.
- ``on_nav``: a section with the overview, projects, roadmap, workload, calendar, people, goals
  and documents. Threads are part of the item pages, documents pages of their own.
- ``on_pre_page``: task and project pages' "edit" links point at the real files.
- ``on_page_content``: the rendered page becomes the page's content. It never goes through
  Markdown, which would only copy it (and takes four times as long as rendering it).

Usage (``mkdocs.yml``)::

    plugins:
      - search
      - worktext:
          workspace: ../work      # relative to mkdocs.yml
          path: work/             # where the pages go in the site
"""

from __future__ import annotations

import datetime as dt
import json
import posixpath
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from markupsafe import escape
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page as MkDocsPage
from mkdocs.utils import get_relative_url

from worktext.errors import WorktextError
from worktext.model.config import load_config
from worktext.model.root import CONFIG_NAME
from worktext.model.workspace import Workspace
from worktext.render import site
from worktext.render.data import SiteData
from worktext.render.plan import Page, today_month

log = get_plugin_logger("worktext")  # "mkdocs.plugins.worktext": its warnings count for --strict

# The theme's own search replaces worktext's search page (and its data script).
LEFT_OUT = frozenset({"search.html", "search-index.js"})
# Rendered as the page's root prefix, then replaced by each link's MkDocs URL: MkDocs may serve
# ``tasks/T-1.md`` as ``tasks/T-1/`` (directory URLs), so worktext's relative links cannot stay.
ROOT_MARK = "worktext-root-3f9a2c/"
_ROOT_LINK = re.compile(re.escape(ROOT_MARK) + r"([^\"'\s<>#?]*)")
# Only the content block: the theme draws the header, navigation and footer.
FRAGMENT_LAYOUT = (
    '<div class="worktext page-{{ page_kind }}">\n{% block content %}{% endblock %}\n</div>\n'
    "<!-- end of worktext content -->\n"
)
# The class twice: themes style content lists and headings with selectors such as Material's
# ``.md-typeset ul:not([hidden])`` (0,2,1); worktext's rules must win inside its own content.
CSS_SCOPE = ".worktext.worktext"
NAV_PAGES = (
    "index.html",
    "projects.html",
    "roadmap.html",
    "workload.html",
    None,
    "people.html",
    "goals.html",
    "docs/index.html",  # when the workspace has documents
)  # None: this month's calendar


class WorktextPluginConfig(base.Config):
    workspace = c.Type(str, default=".")
    """The workspace folder, relative to mkdocs.yml."""
    path = c.Type(str, default="work/")
    """Where worktext's pages go in the site (a folder inside the docs)."""
    nav_title = c.Type(str, default="Work")
    """The title of the navigation section."""
    today = c.Optional(c.Type((str, dt.date)))
    """The date the status is computed for (YYYY-MM-DD); default: the day of the build."""


class WorktextPlugin(BasePlugin[WorktextPluginConfig]):
    def __init__(self) -> None:
        self.root = Path()
        self.prefix = "work/"
        self.today: dt.date | None = None
        self.pages: dict[str, File] = {}  # worktext page path → its generated file
        self.edit_urls: dict[str, str] = {}  # generated src_uri → the real file's edit link
        self.calendar = ""  # this month's calendar page
        self.fragments: dict[str, str] = {}  # generated src_uri → its rendered content

    # -- configuration --------------------------------------------------------------------

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        base_dir = Path(config.config_file_path or ".").resolve().parent
        self.root = (base_dir / self.config.workspace).resolve()
        if not self.root.is_dir():
            raise PluginError(
                f"worktext: workspace folder '{self.root}' does not exist; set 'workspace' "
                "(relative to mkdocs.yml) to the folder that holds worktext.yml"
            )
        self.prefix = _prefix(self.config.path)
        today = self.config.today
        self.today = _day(today if isinstance(today, str | dt.date) else None)
        config.extra_css.append(self.prefix + "assets/site.css")
        for name, defer in (("theme.js", False), ("site.js", True)):
            script = c.ExtraScriptValue(self.prefix + "assets/" + name)
            script.defer = defer
            config.extra_javascript.append(script)
        return config

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        """`mkdocs serve` rebuilds when a work file changes. Only worktext.yml and the item
        folders are watched: the workspace's .worktext/ cache changes during each build."""
        server.watch(str(self.root / CONFIG_NAME))
        try:
            settings, _ = load_config(self.root)
        except WorktextError:
            return server  # on_files reports it; a fixed worktext.yml triggers a rebuild
        for kind in settings.folders:
            for folder in settings.item_folders(kind):
                if folder.is_dir():
                    server.watch(str(folder))
        for name in (settings.comments_folder, *settings.document_folders):
            if (self.root / name).is_dir():
                server.watch(str(self.root / name))  # threads and documents are pages too
        return server

    # -- pages ----------------------------------------------------------------------------

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        try:
            settings, _warnings = load_config(self.root)
            today = self.today or dt.date.today()
            ws, data, planned, rendered = site.pages(
                settings, today, layout=FRAGMENT_LAYOUT, root=ROOT_MARK, left_out=LEFT_OUT
            )
        except WorktextError as error:
            raise PluginError(f"worktext: {error.message}") from error
        report(ws)
        self.pages, self.edit_urls, self.fragments = {}, {}, {}
        for page in planned:
            name = page.path.removesuffix(".html") + ".md" if page.template else page.path
            src_uri = self.prefix + name
            if files.get_file_from_path(src_uri) is not None:
                raise PluginError(
                    f"worktext: '{src_uri}' is in the docs already; set the plugin's 'path' "
                    "to a folder of its own"
                )
            inclusion = InclusionLevel.NOT_IN_NAV  # on_nav adds the section itself
            file = File.generated(config, src_uri, content=b"", inclusion=inclusion)
            self.pages[page.path] = file
            files.append(file)
        for page, content in rendered:
            self.pages[page.path].content_bytes = self._content(page, content, data.site_title)
        self.calendar = today_month(data)
        self._edit_links(ws, data, config)
        return files

    def _content(self, page: Page, content: bytes, site_title: str) -> bytes:
        if page.template is None:
            if page.path == "assets/site.css":
                return scope_css(content.decode("utf-8"), CSS_SCOPE).encode("utf-8")
            return content
        here = self.pages[page.path]
        html = content.decode("utf-8")
        self.fragments[here.src_uri] = _ROOT_LINK.sub(lambda m: self._link(m.group(1), here), html)
        title = str(escape(page.title or site_title))  # themes print titles unescaped
        return f"---\ntitle: {json.dumps(title)}\nhide:\n  - toc\n---\n".encode()

    def _link(self, target: str, here: File) -> str:
        file = self.pages.get(target or "index.html") or self.pages["index.html"]
        return get_relative_url(file.url, here.url)

    def _edit_links(self, ws: Workspace, data: SiteData, config: MkDocsConfig) -> None:
        items = [(data.links.task(t), t.path) for t in ws.tasks]
        items += [(data.links.project(p), p.path) for p in ws.all_projects() if p.path]
        for page_path, item_path in items:
            url = self._edit_url(ws, config, ws.config.root / item_path)
            file = self.pages.get(page_path)
            if url and file:
                self.edit_urls[file.src_uri] = url

    def _edit_url(self, ws: Workspace, config: MkDocsConfig, path: Path) -> str | None:
        """MkDocs' own repo_url and edit_uri when set (edit_uri is relative to the docs
        folder, so ``..`` segments resolve), else worktext.yml's repo_url and branch (that
        repository's root is the workspace, as for the site's "View file" links)."""
        if config.repo_url and (config.edit_uri or config.edit_uri_template):
            docs = Path(config.docs_dir).resolve()
            relative = Path(posixpath.relpath(path.as_posix(), docs.as_posix())).as_posix()
            if config.edit_uri_template:
                edit = config.edit_uri_template.format(
                    path=relative, path_noext=posixpath.splitext(relative)[0]
                )
            else:
                edit = str(config.edit_uri) + relative
            return urljoin(str(config.repo_url).rstrip("/") + "/", edit)
        repo = ws.config.repo_url
        if not repo or not repo.startswith(("https://", "http://")):
            return None
        in_repo = path.relative_to(ws.config.root).as_posix()
        action = "-/edit" if "gitlab" in repo else "edit"
        return f"{repo.rstrip('/')}/{action}/{ws.config.branch}/{in_repo}"

    def on_pre_page(self, page: MkDocsPage, /, *, config: MkDocsConfig, files: Files) -> MkDocsPage:
        if page.file.src_uri in self.edit_urls:
            page.edit_url = self.edit_urls[page.file.src_uri]
        elif page.file in self.pages.values():
            page.edit_url = None  # a generated page has no file of its own to edit
        return page

    def on_page_content(
        self, html: str, /, *, page: MkDocsPage, config: MkDocsConfig, files: Files
    ) -> str:
        return self.fragments.get(page.file.src_uri, html)

    # -- navigation -----------------------------------------------------------------------

    def on_nav(self, nav_: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        ours = set(self.pages.values())
        if any(page.file in ours for page in nav_.pages):
            return nav_  # mkdocs.yml places worktext's pages itself
        section = Section(self.config.nav_title, [])
        for path in NAV_PAGES:
            file = self.pages.get(path or self.calendar)
            if file is None or file.page is None:
                continue
            if path == "projects.html":
                section.children.append(self._projects_section(file))
            else:
                section.children.append(file.page)
        nav_.items.append(section)
        _relink(nav_)
        return nav_

    def _projects_section(self, index: File) -> Section:
        assert index.page is not None
        projects = [
            f.page
            for path, f in self.pages.items()
            if path.startswith("projects/") and f.page is not None
        ]
        return Section("Projects", [index.page, *projects])


def report(ws: Workspace) -> None:
    """Each diagnostic once, as an MkDocs warning: ``--strict`` fails on a broken workspace."""
    for d in sorted(set(ws.diagnostics), key=lambda d: d.sort_key()):
        hint = f" ({d.hint})" if d.hint else ""
        log.warning(f"{d.path}:{d.line}:{d.column}: {d.severity} {d.code} {d.message}{hint}")


# -- the stylesheet, scoped to worktext's content --------------------------------------------

_ROOT_SELECTOR = re.compile(r"^(:root|html|body)((?:[.:\[][^\s>+~]*)?)(.*)$", re.S)


def scope_css(css: str, scope: str = ".worktext") -> str:
    """The site stylesheet with every rule limited to ``scope``, so it styles worktext's
    content and never the theme around it. Page-level selectors (``:root``, ``html``,
    ``body``) become the scope; the dark palette follows Material's "slate" scheme instead of
    the reader's system setting, which the theme around it may not follow."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    # Lists with a class are worktext's (cards, labels, columns): none of the theme's bullets
    # and indents. :where() keeps the resets as weak as worktext's own rules, which come later;
    # the [dir] copy outweighs Material's "[dir=ltr] .md-typeset ul li".
    lists = f"{scope} :where(ul[class], ol[class])"
    resets = (
        f"{lists}, [dir] {lists} {{ margin: 0; padding: 0; list-style: none; }}\n"
        f"{lists} > li, [dir] {lists} > li {{ margin: 0; }}\n"
    )
    # The page's background stays the theme's.
    return resets + _scope_rules(css, scope) + f"{scope} {{ background: transparent; }}\n"


def _scope_rules(css: str, scope: str) -> str:
    out = []
    at = 0
    while (brace := css.find("{", at)) >= 0:
        head = css[at:brace].rsplit(";", 1)[-1].strip()  # statements like @charset drop out
        end = _closing(css, brace)
        body = css[brace + 1 : end]
        at = end + 1
        if head.startswith(("@media", "@supports", "@container", "@layer")):
            if "prefers-color-scheme" not in head:
                out.append(f"{head} {{\n{_scope_rules(body, scope)}}}\n")
        elif head.startswith("@"):  # @keyframes, @font-face: nothing to scope
            out.append(f"{head} {{{body}}}\n")
        else:
            selectors = ", ".join(_scope_selector(s, scope) for s in _split_selectors(head))
            out.append(f"{selectors} {{{body}}}\n")
    return "".join(out)


def _closing(css: str, start: int) -> int:
    depth = 0
    for i in range(start, len(css)):
        if css[i] == "{":
            depth += 1
        elif css[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    return len(css)


def _split_selectors(head: str) -> Iterator[str]:
    depth, start = 0, 0
    for i, char in enumerate(head):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        if char == "," and depth == 0:
            yield head[start:i].strip()
            start = i + 1
    yield head[start:].strip()


def _scope_selector(selector: str, scope: str) -> str:
    match = _ROOT_SELECTOR.match(selector)
    if match is None:
        return f"{scope} {selector}"
    element, qualifier, rest = match.groups()
    if not qualifier:
        return scope + rest
    if qualifier.replace("'", '"') == '[data-theme="dark"]':
        return f'[data-md-color-scheme="slate"] {scope}{rest}'
    return f"{element}{qualifier} {scope}{rest}"


# -- small helpers ----------------------------------------------------------------------------


def _prefix(path: str) -> str:
    parts = [p for p in path.replace("\\", "/").split("/") if p and p != "."]
    if not parts or ".." in parts or re.search(r"[^A-Za-z0-9._-]", "".join(parts)):
        raise PluginError(
            f"worktext: 'path: {path}' must be a folder inside the docs, such as 'work/'"
        )
    return "/".join(parts) + "/"


def _day(value: str | dt.date | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise PluginError(f"worktext: 'today: {value}' is not a date (YYYY-MM-DD)") from None


def _relink(nav_: Navigation) -> None:
    """Parents, page order and previous/next links after the section was added."""

    def walk(items: list[Any], parent: Section | None) -> Iterator[MkDocsPage]:
        for item in items:
            item.parent = parent
            if isinstance(item, MkDocsPage):
                yield item
            elif isinstance(item, Section):
                yield from walk(item.children, item)

    nav_.pages = list(walk(nav_.items, None))
    for page in nav_.pages:
        page.previous_page = page.next_page = None
    for before, after in zip(nav_.pages, nav_.pages[1:], strict=False):
        before.next_page, after.previous_page = after, before
