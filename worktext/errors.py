"""worktext's own failures. Rooted in ``click.ClickException`` (as MkDocs does) so the CLI shows
them as one clear message with exit code 2, and the library can raise them without printing."""

from __future__ import annotations

import click


class WorktextError(click.ClickException):
    """A usage or configuration problem: the command cannot run as asked."""

    exit_code = 2


class WorkspaceNotFound(WorktextError):
    pass


class ConfigError(WorktextError):
    """``worktext.yml`` has errors; ``diagnostics`` says which and where."""

    def __init__(self, message: str, diagnostics: list | None = None) -> None:
        super().__init__(message)
        self.diagnostics = diagnostics or []


class Refused(WorktextError):
    """A change the workspace refuses (an illegal transition, an unknown key, a reference to
    nothing): nothing was written; ``diagnostics`` says what is wrong and where."""

    def __init__(self, message: str, diagnostics: list | None = None) -> None:
        super().__init__(message)
        self.diagnostics = diagnostics or []


class QueryError(WorktextError):
    """A query that does not parse; ``position`` is the 0-based offset in the query text."""

    def __init__(self, message: str, position: int = 0) -> None:
        super().__init__(message)
        self.position = position


class NotFound(WorktextError):
    """An item id that is not in the workspace."""

    exit_code = 1
