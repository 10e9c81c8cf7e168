"""How the site writes dates, hours and names as text (not markup: ``html`` and the templates
escape what these return)."""

from __future__ import annotations

import datetime as dt
import re

from worktext.model.values import as_day

_NOT_CSS = re.compile(r"[^a-z0-9-]+")


def longdate(value: dt.date) -> str:
    """Weekday, day, month and year: ``Mon 23 Nov 2026``."""
    day = as_day(value)
    return f"{day:%a} {day.day} {day:%b %Y}"


def shortdate(value: dt.date, today: object) -> str:
    """Day and month; the year too when it is not ``today``'s year."""
    day = as_day(value)
    same_year = isinstance(today, dt.date) and day.year == today.year
    return f"{day.day} {day:%b}" if same_year else f"{day.day} {day:%b %Y}"


def cssname(value: object) -> str:
    """A value as a CSS class name part: ``High!`` → ``high``."""
    return _NOT_CSS.sub("-", str(value).lower()).strip("-") or "none"


def hours(value: float) -> str:
    """Hours with one decimal; a dash for none."""
    return f"{value:.1f}" if value else "–"


def relday(value: dt.date | None, today: dt.date) -> str:
    """``today``, ``tomorrow``, ``in 3 days`` or ``2 days ago``."""
    if value is None:
        return ""
    days = (as_day(value) - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days > 0:
        return f"in {days} days"
    return f"{-days} days ago"


def percent(done: float, total: float) -> int:
    return round(100 * done / total) if total else 0
