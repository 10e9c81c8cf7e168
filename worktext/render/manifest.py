"""What a build into a folder was made from, kept for the next build (``.worktext/``): each
page's fingerprint (a digest of the code, settings, day and the items it shows) and bytes, and a
digest of all the inputs. The builder compares them to render only what changed, or nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import marshal
import os
from pathlib import Path
from typing import Any

from worktext import __version__
from worktext.history.reconstruct import History
from worktext.load.cache import cache_dir, stat_key, write_value
from worktext.model.config import Config
from worktext.model.loader import files_under
from worktext.render import environment
from worktext.render.flow import history_key
from worktext.render.pages import Page
from worktext.render.view import SiteView

MANIFEST_FORMAT = 3


def fingerprints(
    site: SiteView,
    pages: list[Page],
    items: dict[str, str] | None = None,
    known: dict[str, str] | None = None,
) -> list[str]:
    """One digest per page from the code, the settings, today and the items it depends on;
    ``h`` deps are the git history the page shows (see flow.py). ``items``: ``item_digests``
    when taken already; ``known``: fingerprints by page path that are known to be the same as
    last time (``reuse.py``)."""
    ws = site.ws
    items = items if items is not None else item_digests(site)
    known = known or {}
    base = base_key(ws.config, ws.today)
    get = items.get
    out = []
    for page in pages:
        found = known.get(page.path)
        if found is not None:
            out.append(found)
            continue
        if page.deps == ("*",):
            key = _everything(items, ws.diagnostics)
        else:
            parts = list(map(get, page.deps))  # nearly always every one an item's digest
            if None in parts:
                parts = [
                    found or (site.flow.key(dep) if dep.startswith("h:") else dep + "?")
                    for dep, found in zip(page.deps, parts, strict=True)
                ]
            key = ",".join(parts)
        out.append(digest(f"{base}|{page.path}|{key}"))
    return out


def _everything(items: dict[str, str], diagnostics: list[Any]) -> str:
    """The key of the pages that show the whole workspace: every item and every problem.
    A build asks three times with the same ``items`` (and sorting 10,000 keys is not free):
    the last one made is kept while they are the very same objects."""
    if _EVERYTHING and _EVERYTHING[0] is items and _EVERYTHING[1] is diagnostics:
        return _EVERYTHING[2]
    key = digest("".join(items[k] for k in sorted(items)) + repr(diagnostics))
    _EVERYTHING[:] = [items, diagnostics, key]
    return key


_EVERYTHING: list[Any] = []  # [items, diagnostics, key] of the last _everything


def item_digests(site: SiteView) -> dict[str, str]:
    """A digest of each item (with its file's diagnostics) by dependency name (``t:<id>``...),
    and of the history as a whole (``h``)."""
    ws = site.ws
    by_path: dict[str, list[str]] = {}
    for d in ws.diagnostics:
        by_path.setdefault(d.path, []).append(repr(d))
    items: dict[str, str] = {}
    for kind, prefix in (
        ("task", "t"),
        ("project", "p"),
        ("workflow", "w"),
        ("person", "u"),
        ("goal", "g"),
    ):
        registry = dict(ws.registries())[kind]
        for item in registry:
            found = by_path.get(item.path)
            own = ws.item_digest(item)
            items[f"{prefix}:{item.id}"] = digest(own + "".join(found)) if found else own
    items[f"p:{ws.default_area.id}"] = items.get(
        f"p:{ws.default_area.id}", digest(repr(ws.default_area))
    )
    items[f"w:{ws.default_workflow.id}"] = items.get(
        f"w:{ws.default_workflow.id}", digest(repr(ws.default_workflow))
    )
    items["h"] = digest(site.flow.key("h"))
    return items


def base_key(config: Config, today: dt.date) -> str:
    """What every page depends on besides the items: code, settings, today, where."""
    return "|".join(
        [
            __version__,
            environment.code_version(),
            config.fingerprint,
            today.isoformat(),
            str(config.root),
        ]
    )


def inputs_key(config: Config, today: dt.date, input_key: str, history: History) -> str:
    """Every input of the whole site in one digest: the workspace's files (``input_key``,
    the loader's digest of them), the code, settings, day and git history."""
    return digest(f"{base_key(config, today)}|{input_key}|{history_key(history)}")


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def piece_path(config: Config, out: Path, kind: str) -> Path:
    return cache_dir(config.root) / f"site-{digest(str(out))}-{kind}.marshal"


def manifest_path(config: Config, out: Path) -> Path:
    return cache_dir(config.root) / f"site-{digest(str(out))}.marshal"


Manifest = tuple[dict[str, tuple[str, str]], str | None, dict[str, Any]]


def read_manifest(path: Path) -> Manifest:
    """The last build's pages (fingerprint, digest), the key of all its inputs and what it
    reported (files left out, the workspace's problems). The last one read is kept while its
    file is unchanged: ``worktext build`` asks whether anything is new, then builds, and
    each reads it (the caller does not change what it gets)."""
    try:
        with open(path, "rb") as handle:
            key = stat_key(os.fstat(handle.fileno()))
            if _READ and _READ[0] == (str(path), key):
                return _READ[1]
            raw = handle.read()
        data = marshal.loads(raw)
    except (OSError, EOFError, ValueError, TypeError):
        _READ.clear()
        return {}, None, {}
    result = _decode_manifest(data)
    _READ[:] = [(str(path), key), result]
    return result


_READ: list[Any] = []  # [(path, stat key), manifest] of the last read


def _decode_manifest(data: Any) -> Manifest:
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        return {}, None, {}
    pages = {k: (v[0], v[1]) for k, v in data.get("pages", {}).items()}
    inputs = data.get("inputs")
    report = data.get("report")
    return (
        pages,
        inputs if isinstance(inputs, str) else None,
        report if isinstance(report, dict) else {},
    )


def write_manifest(
    path: Path, manifest: dict[str, tuple[str, str]], inputs: str | None, report: dict[str, Any]
) -> None:
    value = {"format": MANIFEST_FORMAT, "inputs": inputs, "report": report, "pages": manifest}
    _READ.clear()
    with contextlib.suppress(OSError, ValueError):  # it only saves time: a read-only
        write_value(path, value)  # workspace still builds


def existing_files(out: Path) -> set[str]:
    """The files in the output folder, by path relative to it."""
    return files_under(out)


def remove_stale(out: Path, previous: dict[str, tuple[str, str]], current: dict[str, Any]) -> int:
    """Delete files an earlier build wrote that this one does not (a deleted task's page)."""
    removed = 0
    for path in sorted(set(previous) - set(current)):
        target = (out / path).resolve()
        if out in target.parents and target.is_file():
            target.unlink()
            removed += 1
    return removed
