"""What each page of a build is made from, in one digest (its fingerprint): the code, the
settings, the day, and the digests of the items it shows (its ``deps``, see ``plan.py``). A page
whose fingerprint is what it was last time would render to the same bytes."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Mapping

from worktext import __version__
from worktext.history.reconstruct import History
from worktext.load.cache import code_stamp
from worktext.model.config import Config
from worktext.model.discussion import Comment
from worktext.model.values import id_key
from worktext.model.workspace import Workspace
from worktext.render.data import SiteData
from worktext.render.flow import history_key
from worktext.render.plan import Page


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def base_key(config: Config, today: dt.date) -> str:
    """What every page depends on besides the items: code, settings, today, where."""
    return "|".join(
        [__version__, code_stamp(), config.fingerprint, today.isoformat(), str(config.root)]
    )


def inputs_key(config: Config, today: dt.date, input_key: str, history: History) -> str:
    """Every input of the whole site in one digest: the workspace's files (``input_key``, the
    loader's digest of them), the code, settings, day and git history."""
    return digest(f"{base_key(config, today)}|{input_key}|{history_key(history)}")


def item_digests(data: SiteData) -> dict[str, str]:
    """A digest of each item (with its file's diagnostics) by dependency name (``t:<id>``...),
    of each item's thread (``c:<id>``, shown only on the item's own page) and of every thread
    (``c:*``), and of the history as a whole (``h``)."""
    ws = data.ws
    by_path: dict[str, list[str]] = {}
    for d in ws.diagnostics:
        by_path.setdefault(d.path, []).append(repr(d))
    items: dict[str, str] = {}
    threads = thread_digests(ws, by_path)
    for prefix, registry in (
        ("t", ws.tasks),
        ("p", ws.projects),
        ("w", ws.workflows),
        ("u", ws.people),
        ("g", ws.goals),
    ):
        for item in registry:
            found = by_path.get(item.path)
            own = ws.item_digest(item)
            items[f"{prefix}:{item.id}"] = digest(own + "".join(found)) if found else own
            thread = threads.get(id_key(item.id)) if threads else None
            if thread:
                items[f"c:{item.id}"] = thread
    if threads:
        items["c:*"] = digest("".join(threads[key] for key in sorted(threads)))
    items.setdefault(f"p:{ws.default_area.id}", digest(repr(ws.default_area)))
    items.setdefault(f"w:{ws.default_workflow.id}", digest(repr(ws.default_workflow)))
    items["h"] = digest(data.flow.key("h"))
    for doc in ws.discussion.documents.values():
        found = by_path.get(doc.path)
        items[f"d:{doc.id}"] = digest(repr(doc) + threads.get(id_key(doc.id), "") + repr(found))
    items.update(data.plan.digests())  # s:<project>: what the schedule says of each project
    return items


def thread_digests(ws: Workspace, problems: Mapping[str, list[str]]) -> dict[str, str]:
    """A digest of each item's comments (and their diagnostics, ``problems`` by path), by the
    item's id key. A document's page is the only one that shows it, so a document's digest
    holds its thread; any other item's is its ``c:<id>`` dependency, which only the item's
    own page (and the search, through ``c:*``) has: a new comment on a project renders its
    page again, not those of its tasks."""
    digests = ws.discussion.digests  # of each file's row, taken when it was parsed

    def of(comment: Comment) -> str:
        found = problems.get(comment.path)
        own = digests.get(comment.path) or repr(comment)
        return own + "".join(found) if found else own

    return {
        key: digest("".join(map(of, comments))) for key, comments in ws.discussion.comments.items()
    }


class Fingerprints:
    """The fingerprints of one build's pages."""

    def __init__(self, data: SiteData, items: Mapping[str, str]) -> None:
        self.data = data
        self.items = items
        self.base = base_key(data.ws.config, data.today)

    @functools.cached_property
    def everything(self) -> str:
        """The key of the pages that show the whole workspace (``*``): every item and every
        problem, not the threads (``c:``): a page that shows them says so."""
        items = self.items
        shown = "".join(items[k] for k in sorted(items) if not k.startswith("c:"))
        return digest(shown + repr(self.data.ws.diagnostics))

    def of(self, pages: list[Page], known: Mapping[str, str] | None = None) -> list[str]:
        """One fingerprint per page; ``known``: fingerprints by page path known to be the same
        as last time (``reuse.py``)."""
        known = known or {}
        get, base = self.items.get, self.base
        out = []
        for page in pages:
            found = known.get(page.path)
            if found is not None:
                out.append(found)
                continue
            found_parts = list(map(get, page.deps))  # nearly always each an item's digest
            parts: list[str] = [
                part or self._unlisted(dep)
                for dep, part in zip(page.deps, found_parts, strict=True)
            ]
            out.append(digest(f"{base}|{page.path}|{','.join(parts)}"))
        return out

    def _unlisted(self, dep: str) -> str:
        """The part of a dependency that is no item's digest: the whole workspace, a task's
        history, or the name itself (an item or thread that is not there, yet)."""
        if dep == "*":
            return self.everything
        return self.data.flow.key(dep) if dep.startswith("h:") else dep + "?"
