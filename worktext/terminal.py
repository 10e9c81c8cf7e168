"""Text for a terminal: control characters made visible.

A title, an author's name or a file's content can hold any character, and a terminal obeys
some of them: ESC sequences recolour it, move the cursor, rewrite its title or worse; a
carriage return overwrites the line. Every text output shows C0 and C1 control characters
(other than newline and tab), DEL, and the line and paragraph separators as ``\\xNN`` or
``\\uNNNN`` escapes. The CLI's own colours are added after the text is made visible.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control character (but newline and tab) written as an escape."""
    return _CONTROL.sub(_escape, text) if _CONTROL.search(text) else text


def readable(value: Any) -> str:
    """One value as people read it: lists comma-separated, yes/no, ``40`` not ``40.0``, a
    mapping as ``key value`` pairs (its ``id`` and ``title`` first, as ``id — title``)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return ", ".join(readable(v) for v in value if not _empty(v))
    if isinstance(value, Mapping):
        return _inline(value)
    return str(value)


def _empty(value: Any) -> bool:
    return value is None or (not isinstance(value, bool | int | float) and not value)


def _inline(mapping: Mapping[str, Any]) -> str:
    """A mapping on one line: ``id — title, key value, …`` (empty values left out)."""
    rest = {k: v for k, v in mapping.items() if not _empty(v)}
    name = rest.pop("id", None) or rest.pop("key", None) or rest.pop("name", None)
    title = rest.pop("title", None) if name is not None else None
    head = " — ".join(readable(part) for part in (name, title) if part is not None)
    pairs = [f"{k} {readable(v)}" for k, v in rest.items()]
    return ", ".join([head, *pairs] if head else pairs)


def field_lines(fields: Iterable[tuple[str, Any]], indent: str = "  ") -> list[str]:
    """``name value`` lines, names aligned, empty values left out; a mapping becomes nested
    lines and a list of mappings one ``- …`` line per entry."""
    shown = [(name, value) for name, value in fields if not _empty(value)]
    width = max([11, *(len(name) for name, _ in shown)])
    lines: list[str] = []
    for name, value in shown:
        if isinstance(value, Mapping):
            lines.append(f"{indent}{name}")
            lines += field_lines(value.items(), indent + "  ")
        elif isinstance(value, list | tuple) and any(isinstance(v, Mapping) for v in value):
            lines.append(f"{indent}{name}")
            lines += [f"{indent}  - {readable(v)}" for v in value if not _empty(v)]
        else:
            lines.append(f"{indent}{name:<{width}} {readable(value)}".rstrip())
    return lines


def shorten(text: str, width: int, keep_end: bool = False) -> str:
    """``text`` in at most ``width`` characters, an ellipsis for what is cut: from the end,
    or (``keep_end``, for ids, whose number at the end tells them apart) from the middle."""
    if len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    if not keep_end:
        return text[: width - 1] + "…"
    tail = (width - 1) // 2
    return text[: width - 1 - tail] + "…" + text[len(text) - tail :]


def fit_columns(
    natural: list[int],
    minimum: list[int],
    width: int,
    gap: int = 2,
    comfortable: list[int] | None = None,
) -> list[int]:
    """Column widths that fit in ``width`` characters (with ``gap`` between columns): each
    column its natural width while they fit; else the widest ones shrink first, down to their
    ``comfortable`` widths until the last column (a title) has half the room, then down to
    their ``minimum`` until it has its minimum. The last column takes what is left (it may
    be cut to nothing on a terminal too narrow for the minimums)."""
    widths = list(natural)
    room = width - gap * (len(widths) - 1)
    soft = [max(c, m) for c, m in zip(comfortable or minimum, minimum, strict=True)]
    stages = [
        (soft, min(natural[-1], max(minimum[-1], room // 2))),
        (minimum, min(natural[-1], minimum[-1])),
    ]
    for floor, wanted in stages:
        while sum(widths[:-1]) + wanted > room:
            shrinkable = [i for i in range(len(widths) - 1) if widths[i] > floor[i]]
            if not shrinkable:
                break
            widest = max(shrinkable, key=lambda i: widths[i] - floor[i])
            widths[widest] -= 1
    widths[-1] = max(0, min(natural[-1], room - sum(widths[:-1])))
    return widths


def choose_columns(
    natural: list[int],
    minimum: list[int],
    width: int,
    comfortable: list[int] | None = None,
    droppable: tuple[int, ...] = (),
) -> tuple[list[int], list[int]]:
    """The columns to show (indices) and their widths (``fit_columns``): all of them while
    the last one (a title) gets its minimum, else without the ``droppable`` ones, in order,
    until it does (or none is left to drop)."""
    keep = list(range(len(natural)))
    for drop in (None, *droppable):
        if drop is not None:
            keep.remove(drop)
        widths = fit_columns(
            [natural[i] for i in keep],
            [minimum[i] for i in keep],
            width,
            comfortable=[(comfortable or minimum)[i] for i in keep],
        )
        if widths[-1] >= min(natural[-1], minimum[-1]):
            break
    return keep, widths
