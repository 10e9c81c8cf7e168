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
from worktext.model.config import DEFAULT_FOLDERS, load_config
from worktext.model.root import CONFIG_NAME

log = logging.getLogger(__name__)

SKIPPED = frozenset({".git", ".worktext", "__pycache__", ".DS_Store"})
KEEP_FILE = ".gitkeep"  # git does not keep empty folders; the loader skips dot files
# What a workspace never commits: the built site and the cache (the starter has the same).
GITIGNORE = (
    "# Built by `worktext build`; published by CI, not committed.\npublic/\n"
    "# worktext's disposable cache.\n.worktext/\n"
)


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
            target / CONFIG_NAME: (bare_config(target.name).encode("utf-8"), None),
            target / ".gitignore": (GITIGNORE.encode("utf-8"), None),
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
        result.git_initialised = _git_init(root, _branch(root))
    return result


def _branch(root: Path) -> str:
    """The main branch that the new ``worktext.yml`` names (its CI runs on it)."""
    try:
        config, _ = load_config(root, use_cache=False)
    except WorktextError as error:  # written a moment ago; should it not read, say so
        log.warning("cannot read the new %s: %s", CONFIG_NAME, error.message)
        return "main"
    return config.branch


def _refuse_existing(root: Path, existing: list[Path]) -> None:
    """Refuse to start a workspace over files that are there already (naming five)."""
    if existing:
        shown = ", ".join(str(p.relative_to(root)) for p in existing[:5])
        more = f" and {len(existing) - 5} more" if len(existing) > 5 else ""
        raise WorktextError(
            f"{root} already has {shown}{more}; nothing was written. "
            "Choose an empty folder, or move those files away."
        )


def _git_init(root: Path, branch: str) -> bool:
    """Make ``root`` a git repository on ``branch`` (whatever git's own default is); False,
    with a warning, when git fails."""
    try:
        run(root, ["init", "--quiet"])
        # Not 'init --initial-branch' (git 2.28+): this works with any git, before a commit.
        run(root, ["symbolic-ref", "HEAD", f"refs/heads/{branch}"])
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
