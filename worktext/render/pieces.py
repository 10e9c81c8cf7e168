"""Each task's share of the site's whole-workspace files (its record in ``index.json``, its row
in the search index, its event in the calendar feeds), kept between builds.

Those files change with every edit, but only by the edited tasks' shares. A task's share shows
nothing its own page does not, so it is stored under the fingerprint of the task's page: when
that is unchanged, the share is too, and a rebuild after one edit joins 9,999 stored shares to
one new one instead of writing 10,000 again. The store is a cache (``.worktext/``): a build
without it, or with a damaged one, makes every share afresh and gives the same bytes.
"""

from __future__ import annotations

import marshal
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

T = TypeVar("T", str, bytes)


class Pieces:
    """One kind of share (``index``, ``search``, ``ics``) for one build.

    ``keys`` maps a task id to its page's fingerprint; without keys (the fingerprints are not
    known in this process yet) nothing is reused or stored. ``path`` is the store's file."""

    def __init__(self, path: Path | None, keys: Mapping[str, str] | None) -> None:
        self.path = path if keys else None
        self.keys = keys or {}
        self._stored: dict[str, tuple[str, str | bytes]] | None = None  # read when first asked
        self._new: dict[str, tuple[str, str | bytes]] = {}

    @property
    def _old(self) -> dict[str, tuple[str, str | bytes]]:
        if self._stored is None:
            self._stored = _read(self.path) if self.path is not None else {}
        return self._stored

    def get(self, task_id: str, make: Callable[[], T], key: str | None = None) -> T:
        """The share named ``task_id``, kept or made; ``key``: what it is kept under, when
        not the task's own fingerprint (an occurrence of a recurring task: its series')."""
        key = key if key is not None else self.keys.get(task_id)
        if key is not None:
            found = self._old.get(task_id)
            if found is not None and found[0] == key and isinstance(found[1], str | bytes):
                self._new[task_id] = found
                return found[1]  # type: ignore[return-value]
        value = make()
        if key is not None:
            self._new[task_id] = (key, value)
        return value

    def save(self, keep_unused: bool = False) -> None:
        """Keep this build's shares for the next (those of tasks that are gone are dropped).
        ``keep_unused``: also keep the stored shares this build did not ask for that are still
        current (their task's fingerprint is their key; the task id ends their name, after
        ``|``): for shares only some pages ask for (``Fragments``)."""
        if self.path is None:
            return
        new = self._new
        if keep_unused:
            current = {
                name: found
                for name, found in self._old.items()
                if self.keys.get(name.rpartition("|")[2]) == found[0]
            }
            new = {**current, **new}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(marshal.dumps(new))
            os.replace(tmp, self.path)
        except (OSError, ValueError):
            pass  # only a cache: the next build makes the shares again

    def made(self) -> dict[str, tuple[str, str | bytes]]:
        """The shares this process asked for (to hand to the one that saves them)."""
        return dict(self._new)

    def add(self, made: dict[str, tuple[str, str | bytes]]) -> None:
        """Shares another process asked for, to be saved with these."""
        self._new.update(made)


def _read(path: Path) -> dict[str, tuple[str, str | bytes]]:
    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, tuple) and len(v) == 2}
