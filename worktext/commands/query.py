"""``worktext index``, ``ls``, ``show`` and ``schema``."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
