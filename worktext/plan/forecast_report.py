"""A forecast as the JSON document and the sentences of ``worktext forecast`` (and the site's
"Launch: 85 % likely by 19 Feb")."""

from __future__ import annotations

import datetime as dt
from typing import Any

from worktext.plan.forecast import PERCENTILES, Forecast, HowMany
from worktext.plan.targets import Target


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def document(target: Target, done: Forecast, by: HowMany | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "target": {"kind": target.kind, "id": target.id, "title": target.title},
        "remaining": done.remaining,
    }
    for p in PERCENTILES:
        out[f"p{p}"] = _day(done.dates[p])
    out.update(
        {
            "trials": done.trials,
            "weeks_sampled": done.weeks_sampled,
            "seed": done.seed,
            "split_rate": done.split_rate,
        }
    )
    if done.reason:
        out["reason"] = done.reason
    if by is not None:
        out["by"] = {"date": _day(by.until), "weeks": by.weeks}
        out["by"].update({f"p{p}": by.counts[p] for p in PERCENTILES})
    return out


def short(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def headline(title: str, done: Forecast) -> str | None:
    """ "Launch: 85 % likely by 19 Feb 2027", or None without a date."""
    day = done.dates.get(85)
    if done.remaining == 0 or day is None:
        return None
    return f"{title}: 85 % likely by {short(day)}"


def text(target: Target, done: Forecast, by: HowMany | None) -> str:
    name = target.title if target.kind != "query" else f"tasks matching {target.id!r}"
    lines = [f"{name}: {done.remaining} open tasks"]
    if done.remaining == 0:
        lines.append("  nothing left to forecast")
    elif done.reason:
        lines.append(f"  no forecast: {done.reason}")
    else:
        for p in PERCENTILES:
            day = done.dates[p]
            lines.append(f"  {p:>2} % likely by {short(day) if day else 'never (over ten years)'}")
    if by is not None:
        lines.append(f"  by {short(by.until)} ({by.weeks} weeks):")
        for p in PERCENTILES:
            lines.append(f"    {p:>2} % likely: at least {by.counts[p]} done")
    split = f", split rate {done.split_rate:g}" if done.split_rate else ""
    lines.append(
        f"  ({done.trials:,} trials over {done.weeks_sampled} past weeks of throughput, "
        f"seed {done.seed}{split})"
    )
    return "\n".join(lines)


__all__ = ["document", "headline", "text"]
