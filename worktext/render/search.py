"""The prebuilt search index: every item's id, title and text, as a script the search page
loads (a JSON file could not be fetched from file://). The JSON is escaped so no text in it can
end the script or start markup."""

from __future__ import annotations

import json

from worktext.model.discussion import Comment
from worktext.model.items import Task
from worktext.model.values import id_key
from worktext.model.workspace import Workspace
from worktext.render.discussion import document_page
from worktext.render.shares import ShareStore
from worktext.render.urls import UrlMap

BODY_CHARS = 400
_MARKUP = str.maketrans({c: " " for c in "#*_`>[]()|~-"})


def _text(body: str) -> str:
    # Cut before cleaning: only the start is indexed, and bodies can be long.
    return " ".join(body[: BODY_CHARS * 2].translate(_MARKUP).split())[:BODY_CHARS]


FIELDS = ["kind", "id", "title", "url", "text", "detail"]


def task_entry(ws: Workspace, urls: UrlMap, task: Task) -> list[str]:
    detail = f"{ws.project_of(task).title} · {ws.status_of(task)}"
    return ["task", task.id, task.title, urls.item("task", task.id), _text(task.body), detail]


def other_entries(ws: Workspace, urls: UrlMap) -> list[list[str]]:
    """The rows of projects, areas, people and goals."""
    rows = []
    for project in ws.all_projects():
        kind = "area" if project.is_ongoing else "project"
        rows.append(
            [
                kind,
                project.id,
                project.title,
                urls.item("project", project.id),
                _text(project.body),
                project.status,
            ]
        )
    for person in ws.people:
        rows.append(
            [
                "person",
                person.id,
                person.name,
                urls.item("person", person.id),
                _text(person.body),
                ", ".join(person.teams),
            ]
        )
    for goal in ws.goals:
        rows.append(
            ["goal", goal.id, goal.title, urls.item("goal", goal.id), _text(goal.body), goal.status]
        )
    rows.extend(discussion_entries(ws, urls))
    return rows


COMMENT_CHARS = 200  # a comment's text in the index: 50,000 of them must stay a small script


def discussion_entries(ws: Workspace, urls: UrlMap) -> list[list[str]]:
    """The rows of documents and of the comments on anything but a task (a comment's URL is
    its place on its item's page)."""
    discussion = ws.discussion
    rows = []
    for doc in sorted(discussion.documents.values(), key=lambda d: d.id):
        detail = " · ".join(x for x in (doc.type, doc.status) if x)
        rows.append(["document", doc.id, doc.title, document_page(doc), _text(doc.body), detail])
    page_of: dict[str, str | None] = {}
    for comment in discussion.all_comments():
        if comment.item not in page_of:
            page_of[comment.item] = _page_of(ws, urls, comment.item)
        page = page_of[comment.item]
        if page is not None:
            rows.append(comment_entry(comment, page))
    return rows


def comment_entry(comment: Comment, page: str) -> list[str]:
    date = comment.date
    if date is None:
        when = ""
    elif date.year >= 1000:  # "%Y-%m-%d" is the start of isoformat's, at a third of the cost
        when = date.isoformat()[:10]
    else:
        when = f"{date:%Y-%m-%d}"
    return [
        "comment",
        comment.item,
        f"Comment by {comment.author} on {comment.item}",
        f"{page}#c-{comment.hash}",
        _text(comment.body)[:COMMENT_CHARS],
        when,
    ]


def _page_of(ws: Workspace, urls: UrlMap, item_id: str) -> str | None:
    """The page of a comment's item, but a task's (a task's comments are in its share)."""
    found = ws.find(item_id)
    if found is not None and found[0] == "task":
        return None
    if found is not None and found[0] in ("project", "person", "goal"):
        return urls.item(found[0], found[1].id)
    doc = ws.discussion.document(item_id)
    return document_page(doc) if doc is not None else None


def safe_json(data: object) -> str:
    """JSON that is also safe inside HTML and a script: no '<', '>', '&' or line separators."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def search_script(ws: Workspace, urls: UrlMap, pieces: ShareStore | None = None) -> bytes:
    """The index as a script. Each task's row comes from ``pieces`` when it has it: the JSON
    of a list is its items' JSON joined by commas, so the rows are joined as text."""

    def row(task_id: str) -> bytes:
        # A task's share is its row and its comments' rows: the task page's fingerprint,
        # which the share is kept under, changes with its thread.
        # One JSON text of the rows, without its brackets: the rows' JSON joined by commas.
        task = ws.tasks.get(task_id)
        own = [task_entry(ws, urls, task)]
        thread = ws.discussion.comments.get(id_key(task.id))
        if thread:
            page = urls.item("task", task.id)
            own.extend(comment_entry(comment, page) for comment in thread)
        return safe_json(own)[1:-1].encode()

    ids = [t.id for t in ws.tasks]
    rows = pieces.many(ids, row) if pieces is not None else [row(task_id) for task_id in ids]
    rows += [safe_json(entry).encode() for entry in other_entries(ws, urls)]
    if pieces is not None:
        pieces.save()
    head = f'window.WORKTEXT_SEARCH = {{"fields":{safe_json(FIELDS)},"rows":['.encode()
    return b"".join([head, b",".join(rows), b"]};\n"])
