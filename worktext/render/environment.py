"""The Jinja environment (autoescape on for every template), its filters, the static assets,
and the Content-Security-Policy every page carries."""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import cache
from pathlib import Path

from jinja2 import (
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context

from worktext.plan.workload import WeekLoad
from worktext.render import fragments
from worktext.render.pages import Page

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
# No inline script or style can run: all code ships as files, data only as escaped JSON.
CSP = (
    "default-src 'none'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'none'; base-uri 'none'; form-action 'none'"
)


def make_environment(bytecode_cache: bool = False) -> Environment:
    """The site's Jinja environment. With ``bytecode_cache`` the compiled templates are kept
    between builds (compiling them is most of a small site's build) in Jinja's per-user
    temporary folder, which Jinja creates private (0700) and refuses when another user owns
    it; never in the workspace, whose files a build of someone's branch must not execute."""
    env = Environment(
        bytecode_cache=_bytecode_cache() if bytecode_cache else None,
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(enabled_extensions=(), default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(
        longdate=fragments.longdate,
        shortdate=shortdate,
        relday=relday,
        pct=pct,
        cssname=fragments.cssname,
        loadclass=loadclass,
        hrs=fragments.hours,
        day=_day,
    )
    return env


def _bytecode_cache() -> FileSystemBytecodeCache | None:
    try:
        # Jinja keys its entries by template and source only: the code version in the name
        # keeps entries compiled with other environment options (trim_blocks...) apart.
        return FileSystemBytecodeCache(pattern=f"__worktext_{code_version()}_%s.cache")
    except (OSError, RuntimeError):  # no usable temporary folder: compile every time
        return None


def _day(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


@pass_context
def shortdate(context: Context, value: dt.date) -> str:
    """Day and month; the year too when it is not the build's ``today``'s year."""
    return fragments.shortdate(value, context.get("today"))


def relday(value: dt.date | None, today: dt.date) -> str:
    if value is None:
        return ""
    days = (_day(value) - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days > 0:
        return f"in {days} days"
    return f"{-days} days ago"


def pct(done: float, total: float) -> int:
    return round(100 * done / total) if total else 0


def loadclass(week: WeekLoad) -> str:
    if week.over:
        return "load-over"
    if week.capacity and week.assigned / week.capacity >= 0.8:
        return "load-mid"
    return "load-low" if week.assigned else "load-none"


def asset_pages() -> list[Page]:
    pages = []
    for path in sorted(STATIC.iterdir()):
        if path.is_file():
            data = path.read_bytes()
            digest = hashlib.blake2b(data, digest_size=12).hexdigest()
            pages.append(
                Page(f"assets/{path.name}", (f"asset:{digest}",), produce=lambda d=data: d)
            )
    return pages


@cache
def code_version() -> str:
    """A digest of the site's own code and templates: a new worktext re-renders every page."""
    digest = hashlib.blake2b(digest_size=12)
    package = HERE.parent  # what pages are computed from: a changed rule re-renders them
    roots = [TEMPLATES, STATIC, *sorted(package.rglob("*.py"))]
    for root in roots:
        files = [root] if root.is_file() else sorted(p for p in root.iterdir() if p.is_file())
        for path in files:
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
