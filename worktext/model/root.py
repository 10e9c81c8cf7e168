"""Where a workspace is: the nearest folder with a ``worktext.yml``, found the way git finds
its repository. Apart from the configuration's reader so that a Tab's completion, which
needs only the folder, does not import it."""

from __future__ import annotations

import os
from pathlib import Path

from worktext.errors import WorkspaceNotFound

CONFIG_NAME = "worktext.yml"


def find_root(start: str | os.PathLike[str] | None = None) -> Path:
    """The nearest folder at or above ``start`` that holds ``worktext.yml``."""
    here = Path(start or os.getcwd()).resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise WorkspaceNotFound(
        f"no {CONFIG_NAME} found in {here} or any folder above it. "
        "Run 'worktext init' to create a workspace, or pass --workspace PATH."
    )
