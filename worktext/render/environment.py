"""The Jinja environment (autoescape on for every template), its filters, the static assets,
and the Content-Security-Policy every page carries."""

from __future__ import annotations

import datetime as dt
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

from worktext.load.cache import code_stamp
from worktext.model.values import as_day
from worktext.plan.workload import WeekLoad
from worktext.render import flowcharts, formats

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
        longdate=formats.longdate,
        shortdate=shortdate,
        relday=formats.relday,
        pct=formats.percent,
        cssname=formats.cssname,
        loadclass=loadclass,
        capacity=capacity,
        human_days=lambda days: "—" if days is None else flowcharts.human_days(days),
        hrs=formats.hours,
        day=as_day,
    )
    return env


def _bytecode_cache() -> FileSystemBytecodeCache | None:
    try:
        # Jinja keys its entries by template and source only: the code version in the name
        # keeps entries compiled with other environment options (trim_blocks...) apart.
        return FileSystemBytecodeCache(pattern=f"__worktext_{code_stamp()}_%s.cache")
    except (OSError, RuntimeError):  # no usable temporary folder: compile every time
        return None


@pass_context
def shortdate(context: Context, value: dt.date) -> str:
    """Day and month; the year too when it is not the build's ``today``'s year."""
    return formats.shortdate(value, context.get("today"))


def capacity(week: WeekLoad) -> str:
    """A week's capacity as text: ``16.0 h``, or ``away all week`` when time away leaves none
    (``away the rest of the week`` in the current week, counted from today)."""
    if week.away_all:
        return "away the rest of the week" if week.partial else "away all week"
    return f"{formats.hours(week.capacity)} h"


def loadclass(week: WeekLoad) -> str:
    if week.over:
        return "load-over"
    if week.capacity and week.assigned / week.capacity >= 0.8:
        return "load-mid"
    return "load-low" if week.assigned else "load-none"


def assets() -> list[tuple[str, bytes]]:
    """The site's static files: (path in the site, bytes)."""
    return [
        (f"assets/{path.name}", path.read_bytes())
        for path in sorted(STATIC.iterdir())
        if path.is_file()
    ]
