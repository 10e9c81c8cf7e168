"""The CLI's commands, one module per area; each module lists its commands in ``COMMANDS``."""

from __future__ import annotations

from . import check, edit, history, query, site

ALL_COMMANDS = [
    *check.COMMANDS,
    *query.COMMANDS,
    *edit.COMMANDS,
    *history.COMMANDS,
    *site.COMMANDS,
]
