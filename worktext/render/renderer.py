"""Rendering one page: its template, given the page's own view and what every page shares, or
the bytes a page makes itself (the feeds, ``index.json``, the search index).

A ``Renderer`` is made once per build (the Jinja environment, the navigation, the kept shares);
each page gets a fresh ``PageView`` and a fresh context, as MkDocs' ``_build_page`` does, so no
page can see or change another's state. The MkDocs plugin renders the same pages with its own
layout (``base.html`` replaced by the content block) and its own root.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Any

from jinja2 import ChoiceLoader, DictLoader, Environment
from markupsafe import Markup, escape

from worktext.render import environment, ics
from worktext.render.data import SiteData
from worktext.render.plan import Page, nav, today_month
from worktext.render.shares import Shares, ShareStore
from worktext.render.urls import root_prefix
from worktext.render.view import Fragments, PageView

_TITLE_SLOT = Markup("<!--worktext:title-->")  # markup of ours: no escaped text can hold it
_CONTENT_SLOT = Markup("<!--worktext:content-->")


def page_environment(bytecode_cache: bool = False, layout: str | None = None) -> Environment:
    """The Jinja environment of one build. ``layout`` replaces ``base.html`` (the MkDocs
    plugin gives one that emits the content block alone, inside the theme's page)."""
    env = environment.make_environment(bytecode_cache)
    env.globals["own_layout"] = layout is None  # base.html is ours (see Renderer.template)
    if layout is not None:
        own = env.loader
        assert own is not None  # make_environment gives it one
        env.loader = ChoiceLoader([DictLoader({"base.html": layout}), own])
    return env


class Renderer:
    def __init__(
        self,
        data: SiteData,
        shares: Shares | None = None,
        *,
        bytecode_cache: bool = False,
        layout: str | None = None,
        root: str | None = None,
    ) -> None:
        self.data = data
        self.shares = shares
        self.env = page_environment(bytecode_cache, layout)
        self.nav = nav(today_month(data))
        self.fixed_root = root  # every page's way back to the site root (the MkDocs plugin)
        self.fragments = Fragments(shares)
        self._frames: dict[tuple[str, str, str], tuple[Markup, Markup, Markup]] = {}

    def kept(self, kind: str) -> ShareStore | None:
        """The shares of one whole-site file kept between builds (``shares.py``)."""
        return self.shares.kind(kind, large=True) if self.shares is not None else None

    @functools.cached_property
    def feeds(self) -> ics.Feeds:
        """The calendar feeds of the build; they share their events and recurring work."""
        data = self.data
        upcoming = data.pending(*ics.upcoming_window(data.ws))
        shares = self.shares

        def person(person_id: str) -> ShareStore:
            assert shares is not None
            digest = hashlib.sha256(person_id.encode()).hexdigest()[:16]
            return shares.kind(f"ics-person-{digest}")

        return ics.Feeds(data.ws, upcoming, self.kept("ics"), person if shares else None)

    def page(self, page: Page) -> bytes:
        """One page's bytes."""
        if page.produce is not None:
            return page.produce(self)
        root = self.fixed_root if self.fixed_root is not None else root_prefix(page.path)
        return self.template(page, root).encode("utf-8")

    def template(self, page: Page, root: str) -> str:
        """A templated page, its links relative to ``root`` (the way back to the site root)."""
        data = self.data
        view = PageView(data, root, page.path, self.fragments)
        context = page.context(view) if page.context else {}
        common = {
            **view.template_globals(),
            "root": root,
            "nav": self.nav,
            "section": page.section,
            "page_kind": (page.template or "").removesuffix(".html"),
            "site_name": data.site_title,
            "today": data.today,
            "repo_url": data.repo_url,
            "csp": Markup(environment.CSP),  # a constant of ours, not user data
        }
        page_frame = self.frame(common)
        content = context.get("content")
        if isinstance(content, Markup) and self.env.globals.get("own_layout"):
            # A page whose content is made in Python (task pages): base.html's one line,
            # without a template context per page.
            title = escape(page.title)
            name = escape(data.site_title)
            return f"{page_frame[0]}{title} · {name}{page_frame[1]}{content}{page_frame[2]}"
        return self.env.get_template(page.template or "").render(
            context, title=page.title, frame=page_frame, **common
        )

    def frame(self, common: dict[str, Any]) -> tuple[Markup, Markup, Markup]:
        """Every page's head, top bar and footer (``_frame.html``), cut around the title and
        the content: rendered once per root, section and kind of page, not once per page."""
        key = (common["root"], common["section"], common["page_kind"])
        found = self._frames.get(key)
        if found is None:
            html = self.env.get_template("_frame.html").render(
                common, title_slot=_TITLE_SLOT, content_slot=_CONTENT_SLOT
            )
            head, rest = html.split(_TITLE_SLOT, 1)
            middle, foot = rest.split(_CONTENT_SLOT, 1)
            found = self._frames[key] = (Markup(head), Markup(middle), Markup(foot))
        return found

    def save(self) -> None:
        """Keep the cards and rows this process rendered for the next build."""
        self.fragments.save()
