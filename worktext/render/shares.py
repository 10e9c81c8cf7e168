"""Each task's share of the pages and files made of many tasks, kept between builds.

The whole-site files (``index.json``, the search index, the calendar feeds) and the pages that
list many tasks (boards, project, person and goal pages) change with every edit, but only by
the edited tasks' shares: a record, an index row, an event, a card. A share shows nothing its
task's own page does not, so it is kept under the fingerprint of the task's page; while that is
the same, so is the share, and a rebuild after one edit joins 9,999 kept shares to one new one.

The shares are a user of the one cache (``load/cache.py``): a store is split into entries by
a hash of the task id, and only the entries whose shares changed are written again. A build
without the cache, or with a damaged one, makes every share afresh and gives the same bytes.
"""

from __future__ import annotations

import hashlib
import logging
import zlib
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, TypeVar

from worktext.load.cache import Cache

log = logging.getLogger(__name__)

T = TypeVar("T", str, bytes)
Share = tuple[str, str | bytes]  # (the task page's fingerprint, the share)
ENTRY_KEY = "shares"  # each share is checked by its own fingerprint
LARGE = 2000  # a store that holds more shares than this is split into SHARDS entries
SHARDS = 16


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


class Shares:
    """The shares of one build into one folder. ``keys``: each task's page fingerprint by id;
    the build knows them before it renders."""

    def __init__(self, store: Cache, site: str, keys: Mapping[str, str]) -> None:
        self.store = store
        self.site = site  # names this output folder's entries
        self.keys = keys
        self._shard_of: dict[str, int] = {}

    def kind(self, name: str, large: bool = False) -> ShareStore:
        """The store of one kind of share (``index``, ``search``, ``ics``); ``large``: it
        holds a share of every task."""
        return ShareStore(self, f"{self.site}-{name}", SHARDS if large else 1)

    def page(self, path: str) -> ShareStore:
        """The store of the cards and rows one page shows."""
        return ShareStore(self, f"{self.site}-page-{_digest(path)}", 1)

    def shard(self, share_id: str) -> int:
        """The entry (of SHARDS) that holds a share of a large store: worked out once per id
        and build, for every kind. crc32, not a cryptographic hash: it only spreads the ids
        (blake2b cost 16 ms per 10,000, crc32 2 ms, and each is asked for six times)."""
        found = self._shard_of.get(share_id)
        if found is None:
            found = zlib.crc32(share_id.encode("utf-8", "surrogatepass")) % SHARDS
            self._shard_of[share_id] = found
        return found


class ShareStore:
    def __init__(self, shares: Shares, name: str, shards: int) -> None:
        self._shares = shares
        self.keys = shares.keys
        self._name = name
        self._shards = shards
        self._stored: list[dict[str, Any]] | None = None  # read when first asked
        self._new: list[dict[str, Share]] = [{} for _ in range(shards)]  # by shard

    def _entry(self, shard: int) -> str:
        return self._name if self._shards == 1 else f"{self._name}-{shard}"

    def _shard(self, share_id: str) -> int:
        return 0 if self._shards == 1 else self._shares.shard(share_id)

    @property
    def _old(self) -> list[dict[str, Any]]:
        if self._stored is None:
            store = self._shares.store
            found = [store.get(self._entry(n), ENTRY_KEY) for n in range(self._shards)]
            self._stored = [entry if isinstance(entry, dict) else {} for entry in found]
        return self._stored

    def get(self, share_id: str, make: Callable[[], T], key: str | None = None) -> T:
        """The share ``share_id`` (a task's id, unless ``key`` names what it is kept under:
        an occurrence of a recurring task, its series' fingerprint and date), kept or made."""
        key = key if key is not None else self.keys.get(share_id)
        shard = self._shard(share_id)
        if key is not None:
            found = self._old[shard].get(share_id)
            if (
                type(found) is tuple
                and len(found) == 2
                and found[0] == key
                and type(found[1]) in (str, bytes)
            ):
                self._new[shard][share_id] = found
                return found[1]
        value = make()
        if key is not None:
            self._new[shard][share_id] = (key, value)
        return value

    def many(self, task_ids: list[str], make: Callable[[str], bytes]) -> list[bytes]:
        """``get`` for each task's share, kept as bytes: one call for the 10,000 shares of a
        whole-site file."""
        return [self.get(task_id, partial(make, task_id)) for task_id in task_ids]

    def save(self) -> None:
        """Keep this build's shares for the next: the entries whose shares changed are
        written again (those of tasks that are gone are dropped with them)."""
        old = self._old
        for shard, shares in enumerate(self._new):
            if shares != old[shard]:
                self._shares.store.put(self._entry(shard), ENTRY_KEY, shares)
