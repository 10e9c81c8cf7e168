"""Parsing of the scalar value types of the format: dates and durations."""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})\Z")
_DATETIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?"
    r"(Z|[+-]\d{2}:?\d{2})?\Z"
)
_DURATION_PART = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([wdhm])\s*")


class ValueError_(ValueError):
    """A value that does not parse; the message says why in the user's terms."""


# Dates and durations recur across thousands of files: each distinct text is read once (a
# bounded cache of a pure function; a long-lived process does not grow without end).
MEMO_SIZE = 1 << 16


@functools.lru_cache(maxsize=MEMO_SIZE)
def parse_date(text: str) -> dt.date:
    """An ISO date (``2026-03-01``) or datetime (``2026-03-01T09:30``, optional zone)."""
    text = text.strip()
    match = _DATE.match(text)
    try:
        if match:
            year, month, day = (int(part) for part in match.groups())
            return dt.date(year, month, day)
        match = _DATETIME.match(text)
        if match:
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T"))
    except ValueError as exc:
        raise ValueError_(f"'{text}' is not a real date: {exc}") from None
    raise ValueError_(f"'{text}' is not a date; write it as YYYY-MM-DD")


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RELATIVE_DAY = re.compile(r"(today|tomorrow|yesterday)?\s*(?:([+-])\s*(\d+)\s*([dw]))?\Z")
DATE_WORDS = "YYYY-MM-DD, today, tomorrow, yesterday, today+7d, today-2w or a weekday (monday)"


def parse_day(text: str, today: dt.date) -> dt.date:
    """A day as people write it on the command line and in queries (one vocabulary for both):
    an ISO date, ``today``, ``tomorrow``, ``yesterday``, any of them plus or minus days or
    weeks (``today+7d``, ``tomorrow-1w``, ``+3d``), or a weekday name (``friday``: the next
    one after today, as in "due friday"; ``mon`` and the other three-letter forms too)."""
    word = text.strip().lower()
    for number, name in enumerate(WEEKDAYS):
        if word and (word == name or word == name[:3]):
            ahead = (number - today.weekday() - 1) % 7 + 1
            return today + dt.timedelta(days=ahead)
    match = _RELATIVE_DAY.match(word)
    if match and (match.group(1) or match.group(2)):
        base = {"tomorrow": 1, "yesterday": -1}.get(match.group(1) or "today", 0)
        day = today + dt.timedelta(days=base)
        if match.group(2):
            amount = int(match.group(3)) * (7 if match.group(4) == "w" else 1)
            day += dt.timedelta(days=amount if match.group(2) == "+" else -amount)
        return day
    try:
        return as_day(parse_date(text))
    except ValueError_:
        if _DATE.match(text.strip()) or _DATETIME.match(text.strip()):
            raise  # a date's shape, but no such day: parse_date says which
        raise ValueError_(f"'{text}' is not a date; write {DATE_WORDS}") from None


def id_key(item_id: str) -> str:
    """The form in which two ids are the same: Unicode NFC, case-folded."""
    if item_id.isascii():
        return item_id.lower()
    return unicodedata.normalize("NFC", item_id).casefold()


def as_day(value: dt.date) -> dt.date:
    """The calendar day of a date or datetime."""
    return value.date() if isinstance(value, dt.datetime) else value


@functools.lru_cache(maxsize=MEMO_SIZE)
def parse_duration(text: str, hours_per_day: float = 8, days_per_week: float = 5) -> float:
    """A duration such as ``30m``, ``4h``, ``1.5d``, ``1w 2d`` → hours."""
    pos = 0
    hours = 0.0
    text = text.strip()
    if not text:
        raise ValueError_("an empty duration; write it like 30m, 4h, 2d or 1w")
    while pos < len(text):
        match = _DURATION_PART.match(text, pos)
        if not match:
            raise ValueError_(f"'{text}' is not a duration; write it like 30m, 4h, 2d or 1w")
        amount, unit = float(match.group(1)), match.group(2)
        if unit == "m":
            hours += amount / 60
        elif unit == "h":
            hours += amount
        elif unit == "d":
            hours += amount * hours_per_day
        else:
            hours += amount * hours_per_day * days_per_week
        pos = match.end()
    return hours


def format_hours(hours: float, hours_per_day: float = 8) -> str:
    """Hours as the shortest readable duration: ``30m``, ``4h``, ``2d``, ``1d 4h``."""
    if hours < 1:
        return f"{round(hours * 60)}m"
    days, rest = divmod(round(hours * 60), round(hours_per_day * 60))
    rest_hours = rest / 60
    parts = []
    if days:
        parts.append(f"{days}d")
    if rest_hours:
        parts.append(f"{rest_hours:g}h")
    return " ".join(parts) or "0h"
