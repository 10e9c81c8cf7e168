"""What the history says about itself, once: the old file versions it could not read, as one
diagnostic whose severity ``rules:`` in worktext.yml may change or turn off.

A repository with years of history may hold hundreds of versions written before a format was
settled; one line per version buries every other message (524 of them on one real backlog),
so commands and the site show one summary, and ``worktext history --skipped`` (or the history
of one task) lists the versions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from worktext.check.rules import apply_severities
from worktext.history.events import History, Skipped, TaskHistory
from worktext.model.diagnostics import Diagnostic

SKIPPED_CODE = "old-version-unreadable"
WORKSPACE_PATH = "."  # the diagnostic is about the history of the whole workspace


def skipped_diagnostic(skipped: Sequence[Skipped]) -> Diagnostic | None:
    """One warning for every version left out, or None when none was."""
    if not skipped:
        return None
    files = sorted({s.path for s in skipped})
    if len(skipped) == 1:
        only = skipped[0]
        message = (
            f"an old version of {only.path} (at {only.commit.short}) could not be read and is "
            f"left out of the history: {only.reason}"
        )
    else:
        versions = f"{len(skipped)} old versions of "
        versions += files[0] if len(files) == 1 else f"{len(files)} task files"
        message = f"{versions} could not be read and are left out of the history"
    hint = "'worktext history --skipped' lists them"
    return Diagnostic(WORKSPACE_PATH, 0, 0, "warning", SKIPPED_CODE, message, hint)


def history_diagnostics(history: History, rules: Mapping[str, str]) -> list[Diagnostic]:
    """The history's own diagnostics, with ``rules:`` applied."""
    found = skipped_diagnostic(history.skipped)
    return apply_severities([found], dict(rules)) if found is not None else []


def one_line(diagnostic: Diagnostic) -> str:
    """A history diagnostic as one line of text: message, hint and code."""
    hint = f"; {diagnostic.hint}" if diagnostic.hint else ""
    return f"{diagnostic.message}{hint} [{diagnostic.code}]"


def skipped_of(history: History, task: TaskHistory) -> list[Skipped]:
    """The versions left out of one task's history: those of the paths its file had."""
    paths = {e.path for e in task.events} | {e.old_path for e in task.events if e.old_path}
    return [s for s in history.skipped if s.path in paths]
