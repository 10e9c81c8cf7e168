"""Trello: a board's JSON (board menu → More → Print, export and share → Export as JSON).

Read: the open and archived ``cards`` (``id``, ``name``, ``desc``, ``idList``, ``idMembers``,
``labels``, ``due``, ``url``), the ``lists`` (a card's list is its status), the ``members``
(a card's members are its assignees, by username), the ``checklists`` (task lists in the
body) and the ``actions``: ``commentCard`` (the
comments), ``createCard`` (when a card was made; else the time in its id) and ``updateCard``
moves between lists (when a card came into the list it is in)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from worktext.importers.base import (
    Comment,
    ImportProblem,
    Options,
    Record,
    iso_when,
    json_values,
    line_at,
    need,
    read_text,
    text_of,
)

NAME = "trello"
KEYS = ("title", "status", "assignee", "labels", "created", "due", "completed")


def read(path: Path, options: Options) -> list[Record]:
    text = read_text(path)
    board = json_values(path, text)[0].value
    if not isinstance(board, dict) or not isinstance(board.get("cards"), list):
        raise ImportProblem(
            path, 1, "not a Trello board export: it has no 'cards' list", "export the board as JSON"
        )
    lists = {x.get("id"): text_of(x.get("name")) for x in _objects(board, "lists")}
    members = {
        m.get("id"): text_of(m.get("username") or m.get("fullName"))
        for m in _objects(board, "members")
    }
    actions = _actions(board)
    checklists = _checklists(board)
    return [
        _record(
            path, text, card, lists, members, actions, checklists.get(text_of(card.get("id")), "")
        )
        for card in _objects(board, "cards")
    ]


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _objects(board: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return [value for value in _list(board.get(key)) if isinstance(value, dict)]


def _actions(board: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Each card's actions, oldest first."""
    by_card: dict[str, list[dict[str, Any]]] = {}
    for action in _objects(board, "actions"):
        card = (action.get("data") or {}).get("card") or {}
        if isinstance(card, dict) and card.get("id"):
            by_card.setdefault(card["id"], []).append(action)
    for actions in by_card.values():
        actions.sort(key=lambda a: text_of(a.get("date")))
    return by_card


def _record(
    path: Path,
    text: str,
    card: dict[str, Any],
    lists: dict[Any, str],
    members: dict[Any, str],
    actions: dict[str, list[dict[str, Any]]],
    checklist: str,
) -> Record:
    card_id = text_of(card.get("id"))
    at = text.find(f'"{card_id}"') if card_id else -1
    line = line_at(text, at) if at >= 0 else 1
    need(path, line, card, "id", "a card")
    what = f"card {card_id}"
    list_id = need(path, line, card, "idList", what)
    if list_id not in lists:
        raise ImportProblem(path, line, f"{what} is in the list {list_id}, which is not in 'lists'")
    own = actions.get(card_id, [])
    return Record(
        source=NAME,
        source_id=card_id,
        title=text_of(need(path, line, card, "name", what)),
        line=line,
        url=text_of(card.get("url") or card.get("shortUrl")) or None,
        body="\n\n".join(part for part in (text_of(card.get("desc")).rstrip(), checklist) if part),
        status=lists[list_id],
        labels=tuple(_labels(card)),
        assignees=tuple(members[m] for m in _list(card.get("idMembers")) if m in members),
        created=_created(card_id, own),
        closed=_entered_list(list_id, own),
        due=iso_when(text_of(card.get("due"))),
        comments=tuple(_comments(own)),
    )


def _checklists(board: dict[str, Any]) -> dict[str, str]:
    """Each card's checklists as Markdown task lists (worktext counts their boxes)."""
    by_card: dict[str, list[str]] = {}
    for checklist in _objects(board, "checklists"):
        lines = [f"**{text_of(checklist.get('name')) or 'Checklist'}**", ""]
        items = [i for i in _list(checklist.get("checkItems")) if isinstance(i, dict)]
        for item in sorted(items, key=lambda i: i.get("pos") or 0):
            box = "x" if item.get("state") == "complete" else " "
            lines.append(f"- [{box}] {text_of(item.get('name'))}")
        by_card.setdefault(text_of(checklist.get("idCard")), []).append("\n".join(lines))
    return {card: "\n\n".join(blocks) for card, blocks in by_card.items()}


def _labels(card: dict[str, Any]) -> list[str]:
    out = []
    for label in _list(card.get("labels")):
        if isinstance(label, dict):
            name = text_of(label.get("name")) or text_of(label.get("color"))
            if name:
                out.append(name)
    return out


def _created(card_id: str, actions: list[dict[str, Any]]) -> str | None:
    """The date of its ``createCard`` action, else the time in its id (the first eight hex
    digits of a Trello id are its creation's Unix time)."""
    for action in actions:
        if action.get("type") == "createCard":
            return iso_when(text_of(action.get("date")))
    try:
        seconds = int(card_id[:8], 16)
    except ValueError:
        return None
    when = dt.datetime.fromtimestamp(seconds, dt.timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _entered_list(list_id: str, actions: list[dict[str, Any]]) -> str | None:
    """When the card was last moved into the list it is in."""
    moves = [
        a
        for a in actions
        if a.get("type") == "updateCard"
        and ((a.get("data") or {}).get("listAfter") or {}).get("id") == list_id
    ]
    return iso_when(text_of(moves[-1].get("date"))) if moves else None


def _comments(actions: list[dict[str, Any]]) -> list[Comment]:
    out = []
    for action in actions:
        if action.get("type") != "commentCard":
            continue
        creator = action.get("memberCreator") or {}
        author = text_of(creator.get("username") or creator.get("fullName")) or "unknown"
        body = text_of((action.get("data") or {}).get("text"))
        out.append(Comment(author, iso_when(text_of(action.get("date"))) or "", body))
    return out
