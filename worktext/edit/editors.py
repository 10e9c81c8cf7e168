"""``worktext schema --write``: the JSON Schemas of every kind of file, written into a folder,
and the VS Code settings (``yaml.schemas``) that associate each with its files.

The settings are merged into ``.vscode/settings.json``: only the ``yaml.schemas`` entries that
point at worktext's schema files are replaced, every other setting is kept. A settings file
that is not plain JSON (VS Code allows comments) is left alone and the fragment is returned
for the user to paste.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from worktext.edit import atomic
from worktext.model import schema
from worktext.model.config import Config

log = logging.getLogger(__name__)

SETTINGS_KEY = "yaml.schemas"
DEFAULT_FOLDER = ".vscode/schemas"


@dataclass(frozen=True)
class SchemaFiles:
    """What ``write_schemas`` did: the schema files, the settings file, whether it was
    merged (False: it could not be read as JSON), and the settings fragment."""

    schemas: list[Path]
    settings: Path
    merged: bool
    fragment: dict[str, Any]


def documents(config: Config | None) -> dict[str, dict[str, Any]]:
    """Every kind's JSON Schema; a workspace's custom task keys are in the task's."""
    custom = dict(config.custom_fields) if config is not None else {}
    kinds = [*schema.KIND_FIELDS, "config"]
    return {k: schema.json_schema(k, custom if k == "task" else None) for k in kinds}


def _relative(root: Path, path: Path) -> str:
    return os.path.relpath(path, root).replace(os.sep, "/")


def settings_fragment(config: Config, folder: Path) -> dict[str, Any]:
    """``yaml.schemas``: each schema file (relative to the workspace root, as VS Code reads
    it) → the files it describes: ``worktext.yml``, and each kind's Markdown files."""
    associations: dict[str, list[str]] = {
        _relative(config.root, folder / "config.schema.json"): ["worktext.yml"]
    }
    for kind in schema.KIND_FIELDS:
        folders = config.folders.get(kind, ())
        name = _relative(config.root, folder / f"{kind}.schema.json")
        associations[name] = [f"{f.rstrip('/')}/**/*.md" for f in folders]
    return {SETTINGS_KEY: associations}


def merged_settings(
    current: Mapping[str, Any], fragment: Mapping[str, Any], folder_rel: str
) -> dict[str, Any]:
    """``current`` settings with worktext's ``yaml.schemas`` entries replaced (those under
    ``folder_rel``) and every other entry and setting kept in its order."""
    out = dict(current)
    existing = current.get(SETTINGS_KEY)
    schemas = dict(existing) if isinstance(existing, Mapping) else {}
    prefix = folder_rel.rstrip("/") + "/"
    kept = {k: v for k, v in schemas.items() if not k.startswith(prefix)}
    out[SETTINGS_KEY] = {**kept, **fragment[SETTINGS_KEY]}
    return out


def write_schemas(config: Config, folder: Path, settings: Path | None = None) -> SchemaFiles:
    """Write ``<kind>.schema.json`` files into ``folder`` and merge the associations into
    ``settings`` (default: the workspace's ``.vscode/settings.json``), all files or none."""
    settings = settings or config.root / ".vscode" / "settings.json"
    changes = []
    written = []
    for kind, document in documents(config).items():
        path = folder / f"{kind}.schema.json"
        changes.append(atomic.Change(atomic.read(path), _json_bytes(document)))
        written.append(path)
    fragment = settings_fragment(config, folder)
    before = atomic.read(settings)
    current = _read_settings(before)
    if current is not None:
        new = merged_settings(current, fragment, _relative(config.root, folder))
        changes.append(atomic.Change(before, _json_bytes(new)))
    atomic.write_all([c for c in changes if c.after != c.before.content])
    log.info("wrote %d schemas into %s", len(written), folder)
    return SchemaFiles(written, settings, current is not None, fragment)


def _json_bytes(value: Any) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _read_settings(before: atomic.Snapshot) -> dict[str, Any] | None:
    """The settings as data (empty when there is no file), or None when they are not plain
    JSON (comments, trailing commas) and must not be rewritten."""
    if before.content is None or not before.content.strip():
        return {}
    try:
        data = json.loads(before.content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        log.warning("%s is not plain JSON (%s); not changing it", before.path, exc)
        return None
    return data if isinstance(data, dict) else None
