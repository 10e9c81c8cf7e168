"""GitHub issues: the JSON of ``gh issue list --state all --json number,title,body,state,
labels,assignees,milestone,createdAt,closedAt,comments`` (camelCase keys, states ``OPEN`` and
``CLOSED``, comments with their text), or the REST API's issues (``gh api --paginate
repos/OWNER/REPO/issues?state=all``: snake_case keys, ``html_url``, and pull requests mixed
in, which are skipped). Which one a file is, is told by its keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from worktext.importers.base import (
    Comment,
    ImportProblem,
    JsonValue,
    Options,
    Record,
    iso_when,
    json_objects,
    need,
    read_text,
    text_of,
    url_for,
)

NAME = "github"
KEYS = ("title", "status", "assignee", "labels", "milestone", "created", "completed")
CLOSED_REASONS = {"not_planned": "cancelled", "completed": "done"}


def read(path: Path, options: Options) -> list[Record]:
    records = []
    for item in json_objects(path, read_text(path)):
        issue = item.value
        if "pull_request" in issue:
            continue  # the REST API lists pull requests as issues too
        records.append(_record(path, item, issue, options))
    return records


def is_rest(issue: dict[str, Any]) -> bool:
    """The REST API's form (``html_url``, ``created_at``), not the gh CLI's (``createdAt``)."""
    return any(key in issue for key in ("html_url", "created_at", "user", "state_reason"))


def _record(path: Path, item: JsonValue, issue: dict[str, Any], options: Options) -> Record:
    rest = is_rest(issue)
    number = need(path, item.line, issue, "number", "an issue")
    what = f"issue #{number}"
    state = text_of(need(path, item.line, issue, "state", what))
    if state.lower() not in ("open", "closed"):
        raise ImportProblem(path, item.line, f"{what} has the state '{state}'", "")
    reason = text_of(issue.get("state_reason" if rest else "stateReason")).lower()
    closed = state.lower() == "closed"
    url = issue.get("html_url" if rest else "url") or url_for(options.base_url, f"issues/{number}")
    created = issue.get("created_at" if rest else "createdAt")
    closed_at = issue.get("closed_at" if rest else "closedAt")
    return Record(
        source=NAME,
        source_id=str(number),
        title=text_of(need(path, item.line, issue, "title", what)),
        line=item.line,
        url=url,
        body=text_of(issue.get("body")),
        status=state,
        closed_as=CLOSED_REASONS.get(reason, "done") if closed else None,
        is_open=not closed,
        labels=tuple(_names(issue.get("labels"), "name")),
        assignees=tuple(_names(issue.get("assignees"), "login")),
        milestone=_milestone(issue.get("milestone")),
        created=iso_when(text_of(created)),
        closed=iso_when(text_of(closed_at)) if closed else None,
        comments=() if rest else tuple(_comments(issue.get("comments"))),
        comments_left_out=_count(issue.get("comments")) if rest else 0,
    )


def _count(value: Any) -> int:
    """The REST API's number of comments (it does not give their text)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _names(values: Any, key: str) -> list[str]:
    """Label names or logins, from objects (``{"name": "bug"}``) or plain strings."""
    out: list[str] = []
    for value in values if isinstance(values, list) else []:
        name = value.get(key) if isinstance(value, dict) else value
        if isinstance(name, str) and name:
            out.append(name)
    return out


def _milestone(value: Any) -> str | None:
    if isinstance(value, dict):
        return text_of(value.get("title")) or None
    return value if isinstance(value, str) and value else None


def _comments(values: Any) -> list[Comment]:
    if not isinstance(values, list):
        return []  # the REST API gives only their number
    out = []
    for value in values:
        if not isinstance(value, dict):
            continue
        author = value.get("author") or {}
        login = author.get("login") if isinstance(author, dict) else author
        out.append(
            Comment(
                text_of(login) or "ghost",
                iso_when(text_of(value.get("createdAt"))) or "",
                text_of(value.get("body")),
            )
        )
    return out
