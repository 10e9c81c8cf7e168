"""Naming new items: their ids and the files they go in.

Two id schemes (``ids.scheme`` in worktext.yml):

- ``sequential``: ``PREFIX-<n>``, n one more than the highest number ever used with that prefix
  in the workspace, counting files deleted in the git history too, so a number is never reused.
  Two branches that both create tasks can pick the same number; ``check`` reports the duplicate.
- ``random``: ``PREFIX-<6 base32 characters>`` from ``os.urandom`` (30 bits): branches that
  create tasks at the same time cannot realistically collide, and no counter is shared.

The prefix is ``ids.prefix`` when set; otherwise the prefix most tasks of the project already
use (``WEB`` for ``WEB-12``), else the first word of the project's id in capitals (at most
ten letters), else ``T``.
"""

from __future__ import annotations

import logging
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from worktext.history.gitio import GitError, run
from worktext.model.items import Project
from worktext.model.workspace import Workspace, id_key

BASE32 = "abcdefghijklmnopqrstuvwxyz234567"
RANDOM_LENGTH = 6
_NUMBERED = re.compile(r"(.+)-(\d+)\Z")


log = logging.getLogger(__name__)


def sequential_id(prefix: str, used: Iterable[str]) -> str:
    """``PREFIX-n`` with n after the highest number already used with this prefix."""
    wanted = id_key(prefix)
    highest = 0
    for item_id in used:
        match = _NUMBERED.match(item_id)
        if match and id_key(match.group(1)) == wanted:
            highest = max(highest, int(match.group(2)))
    return f"{prefix}-{highest + 1}"


def random_id(
    prefix: str, used: Iterable[str], random_bytes: Callable[[int], bytes] = os.urandom
) -> str:
    taken = {id_key(item_id) for item_id in used}
    while True:
        number = int.from_bytes(random_bytes(4), "big")
        suffix = "".join(BASE32[(number >> (5 * i)) & 31] for i in range(RANDOM_LENGTH))
        candidate = f"{prefix}-{suffix}"
        if id_key(candidate) not in taken:
            return candidate


def new_ids(ws: Workspace, count: int, project: Project | None = None) -> list[str]:
    """``count`` fresh task ids for tasks of ``project`` (the default area when None)."""
    used = set(used_ids(ws))
    prefix = task_prefix(ws, project)
    if ws.config.id_scheme != "random":
        # The numbers after the highest one used: found once, not once per id (an import
        # makes thousands).
        first = int(sequential_id(prefix, used).rsplit("-", 1)[1])
        return [f"{prefix}-{first + n}" for n in range(count)]
    out = []
    for _ in range(count):
        item_id = random_id(prefix, used)
        used.add(item_id)
        out.append(item_id)
    return out


def task_prefix(ws: Workspace, project: Project | None) -> str:
    if ws.config.id_prefix:
        return ws.config.id_prefix
    project = project or ws.default_area
    prefixes = Counter(
        match.group(1)
        for task in ws.tasks_of_project(project)
        if (match := _NUMBERED.match(task.id)) or (match := _random_form(task.id))
    )
    if prefixes:
        return prefixes.most_common(1)[0][0]
    first_word = re.split(r"[^A-Za-z0-9]+", project.id)[0]
    return first_word.upper()[:10] or "T"


def _random_form(item_id: str) -> re.Match[str] | None:
    return re.match(rf"(.+)-[{BASE32}]{{{RANDOM_LENGTH}}}\Z", item_id)


def used_ids(ws: Workspace) -> set[str]:
    """Every id in the workspace, every task file's name, and the names of task files that
    were deleted in git history."""
    used = {item.id for _kind, item in ws.items()}
    for folder in ws.config.item_folders("task"):
        if folder.is_dir():
            used.update(path.stem for path in folder.rglob("*.md"))
        used.update(deleted_ids(ws.config.root, folder))
    return used


def deleted_ids(root: Path, folder: Path) -> set[str]:
    """File names (without ``.md``) of files deleted under ``folder`` in git history."""
    try:
        result = run(
            root,
            ["log", "--diff-filter=D", "--name-only", "--format=", "--", str(folder)],
            check=False,
        )
    except GitError as error:
        log.info("no git history to find deleted ids in: %s", error.message)
        return set()
    if result.returncode != 0:
        log.info("git log of deleted files failed; ids of deleted tasks are not known")
        return set()
    names = result.stdout.decode("utf-8", "surrogateescape").splitlines()
    return {Path(name).stem for name in names if name.endswith(".md")}


def slug(title: str, limit: int = 40) -> str:
    """An id made from a title: ``Launch the new website!`` → ``launch-the-new-website``."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return words[:limit].rstrip("-") or "item"


def unique_slug(registry_ids: Iterable[str], title: str) -> str:
    taken = {id_key(item_id) for item_id in registry_ids}
    base = slug(title)
    candidate, n = base, 2
    while id_key(candidate) in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def item_path(ws: Workspace, kind: str, item_id: str, project: str | None = None) -> Path:
    """Where a new item's file goes: ``<folder>/<id>.md``. A task goes beside most of its
    project's tasks; the first task of a project goes into a folder named after the project
    when there is one, or when most tasks of the workspace live in such folders."""
    folder = ws.config.folder(kind)
    if kind == "task":
        owner = ws.projects.get(project) if project else ws.default_area
        if owner is not None:
            homes = Counter(Path(task.path).parent for task in ws.tasks_of_project(owner))
            if homes:
                return ws.config.root / homes.most_common(1)[0][0] / f"{item_id}.md"
        if project and ((folder / project).is_dir() or _tasks_live_in_folders(ws)):
            return folder / project / f"{item_id}.md"
    return folder / f"{item_id}.md"


def _tasks_live_in_folders(ws: Workspace) -> bool:
    top = Path(ws.config.folders["task"][0])
    nested = sum(1 for task in ws.tasks if Path(task.path).parent != top)
    return nested * 2 > len(ws.tasks)
