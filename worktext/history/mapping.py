"""Every version in git read as the current files are read: under ``mappings:``.

A Backlog.md file that said ``status: In Progress`` in 2024 is in the state ``in-progress``
then as now, a file in ``backlog/completed`` is done, and with Kanbn the board index of each
commit gives the columns: a task moved between columns in a commit of the index changes state
in that commit. ``VersionMapper`` holds the board as the commits are applied.
"""

from __future__ import annotations

import logging
from typing import Any

from worktext.model import kanbn
from worktext.model.build import mapped_data
from worktext.model.config import Config

log = logging.getLogger(__name__)


class VersionMapper:
    """``fields(rel, blob, data)``: a version's front matter as the loader reads it now."""

    def __init__(self, config: Config, board: dict[str, str] | None = None) -> None:
        self.config = config
        self.mappings = config.mappings
        self.active = not self.mappings.empty
        self.index = self.mappings.kanbn
        self.board: dict[str, str] = dict(board or {})
        self._memo: dict[tuple[str, str, str | None], dict[str, Any]] = {}

    def set_board(self, text: bytes | None) -> dict[str, str | None]:
        """Take the board index's new version (None: deleted); returns the task files whose
        column changed (path → new column, None when no longer on the board)."""
        if text is None:
            columns: dict[str, str] = {}
        else:
            board = kanbn.parse_index(text.decode("utf-8-sig", "replace"), self.index or "")
            columns = board.column_of()
        changed: dict[str, str | None] = {
            rel: columns.get(rel)
            for rel in {*self.board, *columns}
            if self.board.get(rel) != columns.get(rel)
        }
        self.board = columns
        return changed

    def fields(self, rel: str, blob: str, data: dict[str, Any]) -> dict[str, Any]:
        """``data`` (the version's front matter) as the mappings read it, remembered per
        version, path and column so that an unchanged version stays the same object."""
        if not self.active:
            return data
        column = self.board.get(rel) if self.index else None
        key = (blob, rel, column)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self.read(rel, data, column)
        return found

    def read(self, rel: str, data: dict[str, Any], column: str | None) -> dict[str, Any]:
        out = mapped_data(data, self.config)
        mappings = self.mappings
        raw = column if column is not None else out.get("status")
        state = mappings.folder_state(rel)
        if state is None and isinstance(raw, str) and raw:
            state = mappings.status(raw)
        if state is not None:
            out["status"] = state
        return out

    def with_column(self, rel: str, fields: dict[str, Any], column: str | None) -> dict[str, Any]:
        """The fields of a file that did not change when its board column did."""
        if column is None:
            return fields
        state = self.mappings.folder_state(rel) or self.mappings.status(column)
        return {**fields, "status": state}

    def with_board(self, rel: str, fields: dict[str, Any]) -> dict[str, Any]:
        """``fields`` with the status the board gives the file now, if it is on the board."""
        column = self.board.get(rel) if self.index else None
        if column is None:
            return fields
        state = self.mappings.folder_state(rel) or self.mappings.status(column)
        return fields if fields.get("status") == state else {**fields, "status": state}
