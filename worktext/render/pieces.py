"""Each task's share of the site's whole-workspace files (its record in ``index.json``, its row
in the search index, its event in the calendar feeds), kept between builds.

Those files change with every edit, but only by the edited tasks' shares. A task's share shows
nothing its own page does not, so it is stored under the fingerprint of the task's page: when
that is unchanged, the share is too, and a rebuild after one edit joins 9,999 stored shares to
one new one instead of writing 10,000 again. The store is a cache (``.worktext/``): a build
without it, or with a damaged one, makes every share afresh and gives the same bytes.
"""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

from worktext.load.cache import write_value

T = TypeVar("T", str, bytes)


class Pieces:
    """One kind of share (``index``, ``search``, ``ics``, ``fragments``) for one build.

    ``keys`` maps a task id to its page's fingerprint; without keys (the fingerprints are not
    known in this process yet) nothing is reused or stored. ``path`` is the store's file. A
    rebuild after a few edits changes a few shares of 10,000: they go to a small second file
    (``<path>.delta``) read over the first, which is rewritten whole only when that grows."""

    def __init__(self, path: Path | None, keys: Mapping[str, str] | None) -> None:
        self.path = path if keys else None
        self.keys = keys or {}
        self._stored: dict[str, Share] | None = None  # read when first asked
        self._base_size = 0  # shares in the first file
        self._delta: dict[str, Share] = {}  # the second file's
        self._new: dict[str, Share] = {}

    @property
    def _old(self) -> dict[str, Share]:
        if self._stored is None:
            self._stored = {}
            if self.path is not None:
                base = _read(self.path)
                self._delta = _read(_delta_path(self.path)) if base else {}
                self._base_size = len(base)
                self._stored = {**base, **self._delta} if self._delta else base
        return self._stored

    def get(self, task_id: str, make: Callable[[], T], key: str | None = None) -> T:
        """The share named ``task_id``, kept or made; ``key``: what it is kept under, when
        not the task's own fingerprint (an occurrence of a recurring task: its series')."""
        key = key if key is not None else self.keys.get(task_id)
        if key is not None:
            found = self._old.get(task_id)
            if (
                type(found) is tuple
                and len(found) == 2
                and found[0] == key
                and type(found[1]) in (str, bytes)
            ):
                self._new[task_id] = found
                return found[1]  # type: ignore[return-value]
        value = make()
        if key is not None:
            self._new[task_id] = (key, value)
        return value

    def many(self, task_ids: list[str], make: Callable[[str], bytes]) -> list[bytes]:
        """``get`` for each of ``task_ids`` under its own fingerprint (``make(task_id)`` for
        those not kept), for shares kept as bytes: one call for the 10,000 shares of a
        whole-site file."""
        old, keys, new = self._old, self.keys, self._new
        out: list[bytes] = []
        for task_id in task_ids:
            key = keys.get(task_id)
            found = old.get(task_id)
            if (
                key is not None
                and type(found) is tuple
                and len(found) == 2
                and found[0] == key
                and type(found[1]) is bytes
            ):
                new[task_id] = found
                out.append(found[1])
                continue
            value = make(task_id)
            if key is not None:
                new[task_id] = (key, value)
            out.append(value)
        return out

    def save(self) -> None:
        """Keep this build's shares for the next (those of tasks that are gone are dropped)."""
        if self.path is None:
            return
        old = self._old
        changed = {name: share for name, share in self._new.items() if old.get(name) != share}
        # Shares of tasks that are gone stay in the files until the next whole write: their
        # keys (fingerprints of pages that no longer exist) match nothing.
        delta = {**self._delta, **changed}
        try:
            if self._base_size and len(delta) <= max(DELTA_MIN, self._base_size // 10):
                if changed:
                    write_value(_delta_path(self.path), delta)
                return
            write_value(self.path, self._new)
            _delta_path(self.path).unlink(missing_ok=True)
        except (OSError, ValueError):
            pass  # only a cache: the next build makes the shares again


Share = tuple[str, str | bytes]


class Fragments:
    """The cards and rows of tasks (``SiteView._fragment``) kept between builds, under their
    task page's fingerprint like the shares above. Each page that shows them (a board, a
    project, person or goal page, a timeline) has a store of its own, holding exactly what it
    showed: a rebuild that redoes a few pages reads their few hundred cards, not the 10,000 of
    the whole site. A page is rendered by one process, which saves its stores (``save``)."""

    def __init__(self, store: Callable[[str], Path], keys: Mapping[str, str]) -> None:
        self._store = store
        self.keys = keys
        self._shards: dict[str, Pieces] = {}

    def _shard(self, page: str) -> Pieces:
        found = self._shards.get(page)
        if found is None:
            found = self._shards[page] = Pieces(self._store(page_kind(page)), self.keys)
        return found

    def get(self, page: str, kind: str, root: str, task_id: str, make: Callable[[], str]) -> str:
        """The ``kind`` fragment of a task, as page ``page`` (whose links start with ``root``)
        shows it: kept, or made."""
        return self._shard(page).get(f"{kind}|{root}|{task_id}", make, self.keys.get(task_id))

    def save(self) -> None:
        """Keep the stores of the pages this process rendered for the next build."""
        for shard in self._shards.values():
            shard.save()
        self._shards.clear()


def page_kind(page: str) -> str:
    """The name of the store of one page's cards and rows (pages' paths hold slashes)."""
    return f"fragments-{hashlib.sha256(page.encode()).hexdigest()[:16]}"


DELTA_MIN = 500  # shares the second file may hold before the first is written whole


def _delta_path(path: Path) -> Path:
    return path.with_name(path.name + ".delta")


def _read(path: Path) -> dict[str, Share]:
    """A store as written (its shares are checked as they are asked for)."""
    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return data if type(data) is dict else {}
