"""Diagnostics: one problem found in one file, and every code worktext reports with what it
means. Codes are stable: they are used in ``rules:`` settings, SARIF output and the
documentation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in one file. ``line``/``column`` are 1-based; 0 means "whole file"."""

    path: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str
    hint: str = ""
    end_line: int = 0
    end_column: int = 0

    @classmethod
    def at(
        cls,
        path: str,
        span: tuple[int, int, int, int],
        severity: str,
        code: str,
        message: str,
        hint: str = "",
    ) -> Diagnostic:
        """A diagnostic at a span (line, column, end line, end column)."""
        line, column, end_line, end_column = span
        level: Severity = "warning" if severity == "warning" else "error"
        return cls(path, line, column, level, code, message, hint, end_line, end_column)

    def sort_key(self) -> tuple[str, int, int, str, str, str, int, int, str]:
        """Position first; every field after, so that equal positions (two problems of one
        list entry) come out in the same order on every run, whatever the hash seed."""
        return (
            self.path,
            self.line,
            self.column,
            self.code,
            self.message,
            self.severity,
            self.end_line,
            self.end_column,
            self.hint,
        )


RULE_DOCS: dict[str, str] = {
    # reading files
    "file-too-large": "The file is larger than 1 MiB and is not read.",
    "file-unreadable": "The file cannot be opened (its permissions, or a loop of links).",
    "not-a-file": "A FIFO, device or socket named like an item file: only regular files are read.",
    "folder-unreadable": "A folder of items cannot be listed.",
    "folder-named-like-item": "A folder whose name ends in .md: its files are read as items.",
    "encoding": "The file is not valid UTF-8.",
    "symlink-outside": "A symbolic link points outside the workspace or to a folder.",
    "conflict-marker": "A git conflict marker is left in the file.",
    "no-front-matter": "The file does not start with a `---` front matter block.",
    "unclosed-front-matter": "The front matter block has no closing `---` line.",
    "front-matter-not-mapping": "The front matter is not a set of `key: value` lines.",
    # YAML
    "yaml-syntax": "The front matter is not valid YAML.",
    "yaml-refused": "A YAML feature that worktext refuses: tags, anchors, aliases.",
    "yaml-ambiguous": "A plain value that YAML 1.1 tools read differently (yes/no, 0755).",
    "yaml-complex-key": "A list or mapping used as a key.",
    "non-string-key": "A key that YAML reads as null, a boolean or a number (`null:`, `1:`).",
    "duplicate-key": "The same key appears twice.",
    "yaml-too-deep": "Lists or mappings nested more than 64 levels deep.",
    # one file
    "unknown-key": "A key the schema does not know (a typo, or an undeclared custom key).",
    "missing-field": "A required key is missing.",
    "wrong-type": "A value of the wrong type.",
    "invalid-id": "An id that does not match the id pattern.",
    "invalid-value": "A value that is not one of the allowed ones.",
    "invalid-date": "A date that is malformed or does not exist.",
    "invalid-duration": "A duration that is malformed or has no unit.",
    "due-before-start": "An end date before its start date.",
    "unknown-state": "A workflow transition names a state the workflow does not have.",
    # across files
    "duplicate-id": "Two items of one kind share an id (ignoring case).",
    "dangling-reference": "A reference to an item that does not exist.",
    "guest": "Someone named as an assignee, owner or in a time log has no person file.",
    "unknown-status": "A task's status is not a state of its workflow.",
    "missing-required": "A task lacks a field that its state requires.",
    "wip-exceeded": "A state holds more tasks than its WIP limit.",
    "open-dependency": "`move` starts or finishes a task whose dependencies are open.",
    "dependency-cycle": "Tasks that depend on each other in a circle.",
    "invalid-repeat": "A `repeat:` value that is not a recurrence rule.",
    "parent-cycle": "Tasks or goals that are each other's parents in a circle.",
    "invalid-comment": "A comment without an author, on no item, or replying to no comment.",
    "unknown-mention": "An `@name` in a body, comment or document that is no person or team.",
    "broken-link": "A relative link or image whose file is not in the workspace.",
    # configuration
    "config-folder": "A folder setting points outside the workspace.",
    "config-field": "A custom key declared with the name of a built-in task key.",
    "config-not-mapping": "worktext.yml is not a set of settings.",
    "status-source": "The board index named by `mappings.status_source` cannot be read.",
    "holidays": "The ICS file named by `holidays:` cannot be read.",
    # the schedule (worktext plan)
    "plan-cycle": "Tasks that wait for each other in a circle cannot be scheduled.",
    "plan-impossible": "A task that no one can work on: its assignees have no working time.",
    # two revisions (check --since REV)
    "transition-not-allowed": "A status change after REV that the task's workflow does not allow.",
    "deleted-with-dependents": "A task deleted after REV while other tasks depend on it.",
    "id-reused": "A new task takes the id of a task deleted earlier in history.",
    "comment-edited": "A change after REV edits or deletes a comment someone else wrote.",
    # git history (history, log, stats, the site, check --since)
    "old-version-unreadable": "Old versions of task files in git that cannot be read are left "
    "out of the history (one summary; `worktext history --skipped` lists them).",
}
