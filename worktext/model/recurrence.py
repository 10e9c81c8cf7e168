"""Recurrence rules: a task with ``repeat:`` is a series, and its rule gives the dates of its
occurrences.

The series task is the first occurrence and the pattern of the others: its ``due`` (or, without
one, its ``start``) anchors the rule, and each later date of the rule is an occurrence. The rule
is an RFC 5545 RRULE (``FREQ=WEEKLY;BYDAY=MO``, optionally prefixed ``RRULE:``) or one of the
shorthands daily, weekly, monthly, yearly. ``occurrences`` lists a series' dates in a window;
``plan.recur`` finds which of them are not task files yet, and makes them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import TYPE_CHECKING, NamedTuple

from worktext.errors import WorktextError
from worktext.model.items import Task
from worktext.model.values import as_day

if TYPE_CHECKING:
    from dateutil import rrule

SHORTHANDS = {
    "daily": "FREQ=DAILY",
    "weekly": "FREQ=WEEKLY",
    "monthly": "FREQ=MONTHLY",
    "yearly": "FREQ=YEARLY",
}


class RecurrenceError(WorktextError):
    """A ``repeat:`` value that is not a rule worktext can read."""


class Occurrence(NamedTuple):
    """One date of a series. ``date`` is the occurrence's due date (its start date when the
    series has only a start); ``start``/``due`` keep the series' gap between the two. A named
    tuple: a year of a few hundred series is thousands of them, made in every build."""

    series_id: str
    id: str
    date: dt.date
    start: dt.date | None
    due: dt.date | None


def anchor(task: Task) -> dt.date | None:
    """The date the series' rule counts from: its due date, else its start date."""
    value = task.due or task.start
    return as_day(value) if value is not None else None


_SIMPLE = re.compile(r"FREQ=(DAILY|WEEKLY|MONTHLY|YEARLY)(?:;INTERVAL=([1-9][0-9]{0,3}))?")
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_ON_WEEKDAYS = re.compile(
    r"FREQ=WEEKLY;BYDAY=((?:MO|TU|WE|TH|FR|SA|SU)(?:,(?:MO|TU|WE|TH|FR|SA|SU))*)"
)


def _body(text: str) -> str:
    return SHORTHANDS.get(text.strip().lower()) or text.strip().removeprefix("RRULE:")


def is_simple(text: str) -> bool:
    """Whether ``simple_dates`` counts this rule itself (then it is a rule dateutil reads)."""
    body = _body(text)
    return _ON_WEEKDAYS.fullmatch(body) is not None or _SIMPLE.fullmatch(body) is not None


def simple_dates(text: str, first: dt.date, low: dt.date, high: dt.date) -> list[dt.date] | None:
    """The dates ``low`` to ``high`` of a rule that only repeats ``first`` every n days, weeks,
    months or years (the shorthands, and FREQ with at most an INTERVAL), or on given weekdays
    every week, counted directly: the dates dateutil's rrule gives, without walking there from
    ``first`` one by one. A month or year without ``first``'s day (the 31st, 29 February) has
    no date, as in RFC 5545. None for any other rule."""
    body = _body(text)
    on_days = _ON_WEEKDAYS.fullmatch(body)
    if on_days is not None:  # every such weekday after ``first``: ``low`` is after it
        weekdays = {_WEEKDAYS.index(name) for name in on_days.group(1).split(",")}
        return _weekday_dates(weekdays, low, high)
    match = _SIMPLE.fullmatch(body)
    if match is None:
        return None
    freq, every = match.group(1), int(match.group(2) or 1)
    if freq in ("DAILY", "WEEKLY"):
        return _every_n_days(first, every * (7 if freq == "WEEKLY" else 1), low, high)
    return _every_n_months(first, every * (12 if freq == "YEARLY" else 1), low, high)


def _weekday_dates(weekdays: set[int], low: dt.date, high: dt.date) -> list[dt.date]:
    """Every date ``low`` to ``high`` that falls on one of ``weekdays`` (Monday is 0)."""
    week = dt.timedelta(days=7)
    found: list[dt.date] = []
    for weekday in weekdays:
        day = low + dt.timedelta(days=(weekday - low.weekday()) % 7)
        while day <= high:
            found.append(day)
            day += week
    return sorted(found)


def _every_n_days(first: dt.date, step: int, low: dt.date, high: dt.date) -> list[dt.date]:
    """``first`` and every ``step`` days after it, from ``low`` to ``high``."""
    skip = max(0, -(-(low - first).days // step))  # steps to the first date on/after low
    day = first + dt.timedelta(days=skip * step)
    out: list[dt.date] = []
    while day <= high:
        out.append(day)
        day += dt.timedelta(days=step)
    return out


def _every_n_months(first: dt.date, months: int, low: dt.date, high: dt.date) -> list[dt.date]:
    """``first``'s day of every ``months``-th month after it, from ``low`` to ``high``; a
    month without that day has no date."""
    index = first.year * 12 + first.month - 1
    index += max(0, (low.year * 12 + low.month - 1 - index) // months * months)
    out: list[dt.date] = []
    while True:
        year, month = divmod(index, 12)
        if year > dt.MAXYEAR or dt.date(year, month + 1, 1) > high:
            return out
        if first.day <= calendar.monthrange(year, month + 1)[1]:
            day = dt.date(year, month + 1, first.day)
            if low <= day <= high:
                out.append(day)
        index += months


def parse_rule(text: str, first: dt.date) -> rrule.rrule:
    """The rule of a ``repeat:`` value, starting on ``first``."""
    from dateutil import rrule  # imported here: only recurrence needs it, not every command

    start = dt.datetime.combine(first, dt.time())
    body = SHORTHANDS.get(text.strip().lower()) or re.sub(
        r"^rrule:", "", text.strip(), flags=re.IGNORECASE
    )
    if not body or "\n" in body or "DTSTART" in body.upper():
        raise RecurrenceError(_bad(text, "write one RRULE line without DTSTART"))
    try:
        rule = rrule.rrulestr(body, dtstart=start, ignoretz=True)
    except (ValueError, TypeError) as exc:
        raise RecurrenceError(_bad(text, str(exc))) from None
    if not isinstance(rule, rrule.rrule):  # pragma: no cover - one line is always an rrule
        raise RecurrenceError(_bad(text, "write a single rule"))
    return rule


def _bad(text: str, why: str) -> str:
    return (
        f"'repeat: {text}' is not a recurrence rule ({why}); use daily, weekly, monthly, "
        "yearly or an RFC 5545 RRULE such as FREQ=WEEKLY;BYDAY=MO"
    )


def occurrence_id(series_id: str, day: dt.date) -> str:
    """``<series-id>-<YYYYMMDD>``. (``isoformat`` pads the year to four digits too, and is
    several times faster than formatting the three numbers, or ``strftime``.)"""
    return f"{series_id}-{day.isoformat().replace('-', '')}"


def occurrences(task: Task, start: dt.date, end: dt.date) -> list[Occurrence]:
    """The series' occurrences dated ``start`` to ``end`` (both included), after the series
    task itself. Empty for a task without ``repeat`` or without a date to count from; raises
    RecurrenceError for a rule that cannot be read."""
    first = anchor(task)
    if not task.repeat or first is None or end < start:
        return []
    gap = None
    if task.due is not None and task.start is not None:
        gap = as_day(task.due) - as_day(task.start)
    low = max(start, first + dt.timedelta(days=1))
    out = []
    for day in rule_dates(task.repeat, first, low, end):
        if task.due is not None:
            begins = day - gap if gap is not None else None
            out.append(Occurrence(task.id, occurrence_id(task.id, day), day, begins, day))
        else:
            out.append(Occurrence(task.id, occurrence_id(task.id, day), day, day, None))
    return out


def rule_dates(text: str, first: dt.date, low: dt.date, high: dt.date) -> list[dt.date]:
    """The dates ``low`` to ``high`` of the rule ``text`` counted from ``first``: counted
    directly for a simple rule, else dateutil's. Raises RecurrenceError for a rule that
    cannot be read."""
    days = simple_dates(text, first, low, high)
    if days is not None:
        return days
    rule = parse_rule(text, first)
    moments = rule.between(
        dt.datetime.combine(low, dt.time()), dt.datetime.combine(high, dt.time()), inc=True
    )
    return [moment.date() for moment in moments]


def next_date(task: Task, today: dt.date, horizon_days: int = 800) -> dt.date | None:
    """The series' next date on or after ``today``: its own date while that is still ahead,
    else the first date of its rule from today on (within ``horizon_days``). None without a
    rule or a date to count from, when the rule has ended, or when it cannot be read."""
    first = anchor(task)
    if not task.repeat or first is None:
        return None
    if first >= today:
        return first
    end = today + dt.timedelta(days=horizon_days)
    try:
        dates = rule_dates(task.repeat, first, today, end)
    except RecurrenceError:
        return None
    return dates[0] if dates else None


_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}
_ORDINALS[-2] = "second to last"
_NTH_DAY = re.compile(r"([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)")
_UNITS = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}
_DESCRIBED = {"INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "COUNT", "UNTIL", "BYSETPOS", "WKST"}
_ADVERBS = {"DAILY": "daily", "WEEKLY": "weekly", "MONTHLY": "monthly", "YEARLY": "yearly"}


def describe(text: str, first: dt.date | None = None) -> str:
    """A rule in words: ``FREQ=MONTHLY;BYDAY=2TU`` → "monthly on the second Tuesday",
    ``weekly`` counted from a Monday → "weekly on Monday". ``first`` (the series' date) names
    the day a rule without BYDAY or BYMONTHDAY repeats on. A rule of a form not described here
    is given as it is written."""
    body = _body(text).upper()
    try:
        parts = dict(part.split("=", 1) for part in body.split(";") if part)
    except ValueError:
        return text.strip()
    freq = parts.pop("FREQ", "")
    if freq not in _UNITS or set(parts) - {
        "INTERVAL",
        "BYDAY",
        "BYMONTHDAY",
        "BYMONTH",
        "COUNT",
        "UNTIL",
        "BYSETPOS",
        "WKST",
    }:
        return text.strip()
    try:
        words = _describe(freq, parts, first)
    except (ValueError, KeyError, IndexError):
        return text.strip()
    return words + _limits(parts)


def _describe(freq: str, parts: dict[str, str], first: dt.date | None) -> str:
    every = int(parts.get("INTERVAL", "1"))
    unit = _UNITS[freq]
    head = _ADVERBS[freq] if every == 1 else f"every {every} {unit}s"
    days = [_NTH_DAY.fullmatch(day) for day in parts.get("BYDAY", "").split(",") if day]
    if any(match is None for match in days):
        raise ValueError("not a weekday")
    names = [_DAY_NAMES[_WEEKDAYS.index(m.group(2))] for m in days if m]
    if freq == "DAILY":
        return _daily(head, every, names)
    if freq == "WEEKLY":
        if names:
            return f"{head} on {_and(names)}"
        return f"{head} on {_DAY_NAMES[first.weekday()]}" if first else head
    setpos = int(parts["BYSETPOS"]) if "BYSETPOS" in parts else None
    on = _on_day_of_month(parts, days, setpos, first)
    if freq == "MONTHLY":
        return f"{head} on {on}" if on else head
    return _yearly(head, parts, on, bool(days), first)


def _daily(head: str, every: int, names: list[str]) -> str:
    """ "every weekday", "daily, on Monday and Friday": a daily rule in words."""
    if not names:
        return head
    if len(names) == 5 and "Saturday" not in names and "Sunday" not in names:
        return "every weekday" if every == 1 else f"{head}, on weekdays"
    return f"{head}, on {_and(names)}"


def _yearly(head: str, parts: dict[str, str], on: str, by_day: bool, first: dt.date | None) -> str:
    """ "yearly on 3 March", "yearly on the 1st in January and July": a yearly rule in words."""
    months = [int(m) for m in parts.get("BYMONTH", "").split(",") if m]
    if not months and first and not by_day and "BYMONTHDAY" not in parts:
        return f"{head} on {first.day} {calendar.month_name[first.month]}"
    in_months = f" in {_and([calendar.month_name[m] for m in months])}" if months else ""
    on_words = " on " + on if on and (by_day or "BYMONTHDAY" in parts) else ""
    return f"{head}{on_words}{in_months}"


def _on_day_of_month(
    parts: dict[str, str],
    days: list[re.Match[str] | None],
    setpos: int | None,
    first: dt.date | None,
) -> str:
    """ "the second Tuesday", "the 15th", "the last day": the day of the month a rule names."""
    if days:
        named = []
        for match in days:
            assert match is not None
            nth = int(match.group(1)) if match.group(1) else setpos
            name = _DAY_NAMES[_WEEKDAYS.index(match.group(2))]
            named.append(f"the {_ORDINALS[nth]} {name}" if nth else f"every {name}")
        return _and(named)
    if "BYMONTHDAY" in parts:
        return _and([_month_day(int(d)) for d in parts["BYMONTHDAY"].split(",")])
    return _month_day(first.day) if first else ""


def _month_day(day: int) -> str:
    if day < 0:
        return "the last day" if day == -1 else f"the {_ORDINALS.get(day, str(day))} day"
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"the {day}{suffix}"


def _limits(parts: dict[str, str]) -> str:
    if "COUNT" in parts:
        count = int(parts["COUNT"])
        return f", {count} time{'s' if count != 1 else ''}"
    if "UNTIL" in parts:
        until = parts["UNTIL"][:8]
        day = dt.date(int(until[:4]), int(until[4:6]), int(until[6:8]))
        return f", until {day.day} {calendar.month_abbr[day.month]} {day.year}"
    return ""


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
