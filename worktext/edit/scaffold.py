"""``worktext init``: a new workspace, from the starter template or bare.

The starter template is ``worktext/_template/`` when worktext is installed from a package, or
the repository's ``workspace-template/`` beside the package in a source checkout. Nothing that
exists is ever overwritten: if any file to be created is already there, nothing is written.
"""

from __future__ import annotations

import logging
import stat
from dataclasses import dataclass, field
from pathlib import Path

from worktext.edit import atomic
from worktext.errors import WorktextError
from worktext.history.gitio import GitError, run
from worktext.model.config import CONFIG_NAME, DEFAULT_FOLDERS

log = logging.getLogger(__name__)

SKIPPED = frozenset({".git", ".worktext", "__pycache__", ".DS_Store"})
KEEP_FILE = ".gitkeep"  # git does not keep empty folders; the loader skips dot files


@dataclass
class InitResult:
    root: Path
    created: list[Path] = field(default_factory=list)
    git_initialised: bool = False


def template_dir() -> Path:
    package = Path(__file__).resolve().parent.parent  # worktext/
    for candidate in (package / "_template", package.parent / "workspace-template"):
        if (candidate / CONFIG_NAME).is_file():
            return candidate
    raise WorktextError(
        "the starter workspace is missing from this installation; "
        "use 'worktext init --bare' for an empty workspace"
    )


def plan(target: Path, bare: bool) -> dict[Path, tuple[bytes, int | None]]:
    """Every file to create under ``target``: content and mode (None: the default mode)."""
    if bare:
        files: dict[Path, tuple[bytes, int | None]] = {
            target / CONFIG_NAME: (bare_config(target.name).encode("utf-8"), None)
        }
        for folder in DEFAULT_FOLDERS.values():
            files[target / folder / KEEP_FILE] = (b"", None)
        return files
    source = template_dir()
    files = {}
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if any(part in SKIPPED for part in relative.parts) or not path.is_file():
            continue
        if path.is_symlink():
            continue
        mode = stat.S_IMODE(path.stat().st_mode)
        files[target / relative] = (path.read_bytes(), mode)
    return files


def bare_config(name: str) -> str:
    return (
        f"# Settings of this workspace; see the worktext format reference.\nname: {name}\n"
        if name.replace("-", "").replace("_", "").isalnum()
        else f'# Settings of this workspace; see the worktext format reference.\nname: "{name}"\n'
    )


def init(target: str | Path, bare: bool = False, git: bool = True) -> InitResult:
    """Create the workspace; raises WorktextError, writing nothing, if any file exists."""
    root = Path(target).resolve()
    if root.exists() and not root.is_dir():
        raise WorktextError(f"{root} exists and is not a folder")
    files = plan(root, bare)
    _refuse_existing(root, [path for path in files if path.exists() or path.is_symlink()])
    changes = [
        atomic.Change(atomic.Snapshot(path, None, atomic.ABSENT, mode), content)
        for path, (content, mode) in files.items()
    ]
    atomic.write_all(changes)
    result = InitResult(root, sorted(files))
    if git and not in_repository(root):
        result.git_initialised = _git_init(root)
    return result


def _refuse_existing(root: Path, existing: list[Path]) -> None:
    """Refuse to start a workspace over files that are there already (naming five)."""
    if existing:
        shown = ", ".join(str(p.relative_to(root)) for p in existing[:5])
        more = f" and {len(existing) - 5} more" if len(existing) > 5 else ""
        raise WorktextError(
            f"{root} already has {shown}{more}; nothing was written. "
            "Choose an empty folder, or move those files away."
        )


def _git_init(root: Path) -> bool:
    """Make ``root`` a git repository; False, with a warning, when git fails."""
    try:
        run(root, ["init", "--quiet"])
    except GitError as error:  # the workspace works without git; history needs it
        log.warning("no git repository made: %s", error.message)
        return False
    return True


def in_repository(folder: Path) -> bool:
    try:
        return run(folder, ["rev-parse", "--is-inside-work-tree"], check=False).returncode == 0
    except GitError as error:
        log.debug("git cannot tell whether %s is a repository: %s", folder, error.message)
        return False
