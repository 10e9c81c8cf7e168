"""All the HTML the site writes in Python rather than in a template: the pieces thousands of
pages repeat (a task's state badge, priority and due date, a person's link and avatar, a task's
table row and board card, timesheets) and the content of the task pages, one per task.

Jinja spends several times the string it makes on each macro call, and a site of 10,000 tasks
makes these hundreds of thousands of times. So they are written with ``Html`` templates, which
fill their slots as ``markupsafe.Markup.format`` does: every value is escaped by markupsafe,
except ``Markup`` (made here, by the Markdown renderer or by the charts), which goes in as it
is. No other module writes HTML in Python; templates insert what these return as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import markupsafe
from markupsafe import Markup

from worktext.model.items import Task
from worktext.render.formats import cssname, hours, longdate, shortdate

if TYPE_CHECKING:
    from worktext.render.data import SiteData
    from worktext.render.view import PageView


# markupsafe's own escape of a str, to a str: ``markupsafe.escape`` is this wrapped in a new
# Markup per value, which was half of a cold build's time in these pieces (2 million values).
_escape_text: Callable[[str], str] = getattr(
    markupsafe, "_escape_inner", lambda text: str(markupsafe.escape(text))
)


def escape(value: object) -> str:
    """``markupsafe.escape(value)`` as a plain ``str``: Markup as it is, anything else
    escaped."""
    if isinstance(value, Markup):
        return value  # a str, as it is
    if type(value) is str:
        return _escape_text(value)
    html = getattr(value, "__html__", None)
    if html is not None:
        return str(html())
    return _escape_text(str(value))


class Html:
    """HTML with ``{}`` slots: ``Html(t)(*values) == Markup(t).format(*values)`` (a test holds
    them equal), each value escaped once by ``escape`` and the template filled by ``str.format``
    (``Markup.format`` runs a formatter written in Python: three times the cost, on a board of
    thousands of cards). The template may hold no other braces."""

    __slots__ = ("_slots", "_template")

    def __init__(self, template: str) -> None:
        if template.replace("{}", "").count("{") or template.replace("{}", "").count("}"):
            raise ValueError(f"only {{}} slots are allowed in an Html template: {template!r}")
        self._template = template
        self._slots = template.count("{}")

    def __call__(self, *values: object) -> Markup:
        if len(values) != self._slots:
            raise TypeError(f"{self._slots} values expected, {len(values)} given")
        return Markup(self._template.format(*[escape(value) for value in values]))


def join(pieces: Iterable[Markup], separator: str = "") -> Markup:
    """Pieces joined as ``Markup(separator).join`` does: anything that is not Markup is
    escaped."""
    return Markup(separator.join([escape(piece) for piece in pieces]))


EMPTY = Markup("")

# -- the small pieces --------------------------------------------------------------------------

_BADGE = Html('<span class="state cat-{}">{}</span>')
_PRIORITY = Html('<span class="prio prio-{}">{}</span>')
_DUE = Html('<span class="due{}"><time datetime="{}">{}</time>{}</span>')
_OVERDUE_TAG = Markup(' <span class="tag-text">overdue</span>')
_NOBODY_LINK = Html('<span class="person">{}</span>')
_PERSON_LINK = Html('<a class="person" href="{}{}">{}</a>')
_CHIP = Html('<span class="avatar" title="{}" aria-label="{}">{}</span>')
_LINK = Html('<a href="{}">{}</a>')


def state_badge(data: SiteData, task: Task) -> Markup:
    return _BADGE(data.category(task), data.state_title(task))


def priority(task: Task) -> Markup:
    if not task.priority:
        return EMPTY
    return _PRIORITY(cssname(task.priority), task.priority)


def due(data: SiteData, task: Task) -> Markup:
    if not task.due:
        return EMPTY
    overdue = data.overdue(task)
    kind = " is-overdue" if overdue else (" is-soon" if data.due_soon(task) else "")
    tag = _OVERDUE_TAG if overdue else EMPTY
    return _DUE(kind, task.due.isoformat(), shortdate(task.due, data.today), tag)


def person_link(view: PageView, person_id: str) -> Markup:
    person = view.data.person(person_id)
    if person is None:
        return _NOBODY_LINK(person_id)
    return _PERSON_LINK(view.root, view.data.links.person(person), person.name)


def chip(data: SiteData, person_id: str) -> Markup:
    name = data.name(person_id)
    return _CHIP(name, name, data.initials(person_id))


def link(href: str, text: str) -> Markup:
    return _LINK(href, text)


def people_links(view: PageView, person_ids: Iterable[str]) -> Markup:
    """Links to the people, comma-separated; that there is nobody when there is nobody."""
    links = [person_link(view, p) for p in person_ids]
    return join(links, ", ") if links else _NOBODY


_NOBODY = Markup('<span class="muted">Nobody</span>')
_REL_ITEM = Html('<li><a href="{}{}">{}</a> {} {}</li>')
_REL_LIST = Html('<ul class="rel-list">{}</ul>')


def task_links(view: PageView, tasks: Iterable[Task]) -> Markup:
    """A list of related tasks: id (a link), title and state."""
    data = view.data
    items = [
        _REL_ITEM(view.root, data.links.task(t), t.id, t.title, state_badge(data, t)) for t in tasks
    ]
    return _REL_LIST(join(items))


# -- rows and cards ------------------------------------------------------------------------------

_TR, _TR_BLOCKED, _TD_END = Markup("<tr>"), Markup('<tr class="is-blocked">'), Markup("</td>")
_ROW_HEAD = Html('<td><a href="{}{}">{}</a></td><td>{}')
_BLOCKED_CELL = Markup(' <span class="blocked-flag">Blocked</span></td>')
_ROW_STATE = Html("<td>{}</td>")
_ROW_PROJECT = Html('<td><a href="{}{}">{}</a></td>')
_ROW_TAIL = Html('<td>{}</td><td>{}</td><td>{}</td><td class="num">{}</td></tr>')


def task_row(view: PageView, task: Task, show_project: bool) -> Markup:
    data = view.data
    blocked = data.blocked(task)
    out = [
        _TR_BLOCKED if blocked else _TR,
        _ROW_HEAD(view.root, data.links.task(task), task.id, task.title),
        _BLOCKED_CELL if blocked else _TD_END,
        _ROW_STATE(state_badge(data, task)),
    ]
    if show_project:
        project = data.ws.project_of(task)
        out.append(_ROW_PROJECT(view.root, data.links.project(project), project.title))
    people = join([person_link(view, a) for a in task.assignees], ", ")
    out.append(_ROW_TAIL(people, priority(task), due(data, task), data.hours(task.estimate)))
    return join(out)


_CARD_OPEN = Html(
    '<li class="{}" data-id="{}" data-text="{}" data-assignees="{}" data-labels="{}" '
    'data-priority="{}">\n'
    '  <div class="card-top"><a class="card-id" href="{}">{}</a>{}</div>\n'
    '  <a class="card-title" href="{}">{}</a>'
)
_LABEL = Html("<li>{}</li>")
_BLOCKED_FLAG = Markup('<span class="blocked-flag">Blocked</span>')
_CARD_LABELS = Html('<ul class="labels" aria-label="Labels">{}</ul>')
_CARD_META = Html('  <div class="card-meta">\n    {}')
_CARD_AVATARS = Html('<span class="avatars">{}</span>')
_CARD_END = Markup("  </div>\n</li>")
_CARD_CHECKS = Html('<span class="checks" title="Checklist">☑ {}/{}</span>')
_CARD_ESTIMATE = Html('<span class="estimate" title="Estimate">{}</span>')


def card(view: PageView, task: Task) -> Markup:
    data = view.data
    url = view.root + data.links.task(task)
    blocked = data.blocked(task)
    classes = (
        "card" + (" is-blocked" if blocked else "") + (" is-late" if data.overdue(task) else "")
    )
    text = (task.id + " " + task.title).lower()
    out = [
        _CARD_OPEN(
            classes,
            task.id,
            text,
            " ".join(task.assignees),
            " ".join(task.labels),
            task.priority or "",
            url,
            task.id,
            priority(task),
            url,
            task.title,
        )
    ]
    if blocked:
        out.append(_BLOCKED_FLAG)
    if task.labels:
        labels = join([_LABEL(label) for label in task.labels])
        out.append(_CARD_LABELS(labels))
    out.append(_card_meta(data, task))
    return join(out)


def _card_meta(data: SiteData, task: Task) -> Markup:
    """A card's last line: due date, checklist, estimate and the assignees' avatars."""
    out = [_CARD_META(due(data, task))]
    if task.checklist.total:
        out.append(_CARD_CHECKS(task.checklist.done, task.checklist.total))
    if task.estimate:
        out.append(_CARD_ESTIMATE(data.hours(task.estimate)))
    if task.assignees:
        out.append(_CARD_AVATARS(join([chip(data, a) for a in task.assignees])))
    out.append(_CARD_END)
    return join(out)


# -- timesheets and meters -----------------------------------------------------------------------

_SHEET_HEAD = Html(
    '<div class="table-wrap"><table class="timesheet"><caption>{}</caption>\n'
    '<thead><tr><th scope="col">{}</th>'
)
_COL = Html('<th scope="col" class="num">{}</th>')
_CELL = Html('<td class="num">{}</td>')
_ROW_LABEL = Html('<tr><th scope="row">{}</th>')
_TOTAL_CELL = Html('<td class="num"><strong>{}</strong></td></tr>')


def timesheet_table(
    time: dict[str, Any], caption: str, row_head: str, row_label: Callable[[Any], Markup]
) -> Markup:
    """A timesheet: weeks as columns, one row per person or task, with totals. Its cells are
    most of a busy person's page."""
    sheet, labels = time["sheet"], time["labels"]
    earlier = bool(sheet.earlier_total)
    out = [_SHEET_HEAD(caption, row_head)]
    if earlier:
        out.append(Markup('<th scope="col" class="num">Earlier</th>'))
    out.extend(_COL(label) for label in labels)
    out.append(Markup('<th scope="col" class="num">Total</th></tr></thead>\n<tbody>\n'))
    for row in sheet.rows:
        out.append(_ROW_LABEL(row_label(row)))
        if earlier:
            out.append(_CELL(hours(sheet.earlier.get(row, 0))))
        out.extend(_CELL(hours(sheet.hours(row, w))) for w in sheet.weeks)
        out.append(_TOTAL_CELL(hours(sheet.row_totals[row])))
    out.append(Markup('</tbody>\n<tfoot><tr><th scope="row">Total</th>'))
    if earlier:
        out.append(_CELL(hours(sheet.earlier_total)))
    out.extend(_CELL(hours(sheet.week_totals.get(w, 0))) for w in sheet.weeks)
    out.append(_TOTAL_CELL(hours(sheet.total)))
    out.append(Markup("</tfoot>\n</table></div>"))
    return join(out)


_TASK_LABEL = Html('<a href="{}{}">{}</a> <span class="muted">{}</span>')


def person_row_label(view: PageView, who: str | None) -> Markup:
    """A project timesheet's row: the person, or that the entries name nobody."""
    return person_link(view, who) if who else Markup('<span class="muted">Not named</span>')


def task_row_label(view: PageView, task: Task) -> Markup:
    """A person timesheet's row: the task."""
    return _TASK_LABEL(view.root, view.data.links.task(task), task.id, task.title)


_METER = Html(
    '<span class="progress-wrap spent{}"><meter min="0" max="{}" low="{}" high="{}" '
    'optimum="0" value="{}" aria-label="{}: {}{}">{}</meter>'
    '<span class="progress-text">{}</span></span>'
)


def spent_meter(data: SiteData, m: dict[str, Any], label: str) -> Markup:
    """Hours spent against the estimate (``worklog.meter``); the scale stretches when the
    estimate is exceeded."""
    level = m["estimate"] or m["max"]
    spent_text = data.hours(m["spent"]) or "0h"
    of = f" of {data.hours(m['estimate'])} estimated" if m["estimate"] else ""
    percent = f"{m['percent']}%" if m["percent"] is not None else "—"
    over = " is-over" if m["over"] else ""
    return _METER(
        over, m["max"], level, level, m["spent"], label, spent_text, of, m["spent"], percent
    )


def checkbox(checked: bool) -> Markup:
    """A checklist item's read-only box (in rendered bodies)."""
    return Markup('<input type="checkbox" class="task-check" disabled') + Markup(
        ' checked aria-label="done"> ' if checked else ' aria-label="not done"> '
    )


# -- the task page -------------------------------------------------------------------------------

_TASK_HEAD = Html(
    '<div class="page-head">\n'
    '  <p class="crumbs"><a href="{}projects.html">Projects</a> / {} / {}</p>\n'
    '  <h1><span class="title-id">{}</span> {}</h1>\n'
    '  <p class="lede">{} {}'
)
_PROBLEMS = Html(
    '<div class="notice notice-warn" role="status"><strong>This file has {} problem{}:</strong>\n'
    "<ul>"
)
_PROBLEM = Html('<li><span class="sev sev-{}">{}</span> line {}: {}{} <code>{}</code></li>')
_HINT = Html(' <span class="muted">({})</span>')
_PARENT = Html('<p>Part of <a href="{}{}">{}</a> {}</p>')
_NOTHING = Markup('<p class="empty">Nothing.</p>')
_PROSE = Html('<div class="prose">{}</div>')
_CHANGE_FIELDS = Html('<ul class="change-fields">{}</ul>')
_LABELS = Html('<ul class="labels">{}</ul>')
_WAITS = Html(
    '    <section aria-labelledby="h-deps"><h2 id="h-deps">Dependencies</h2>\n'
    "      <h3>Waits for</h3>{}"
)
_BLOCKS = Html("      <h3>Blocks</h3>{}    </section>\n")
_UNKNOWN_IDS = Html('<p class="muted">Unknown ids: {}</p>')


def task_content(view: PageView, c: dict[str, Any]) -> Markup:
    """The HTML inside ``<main>`` of a task page, from ``contexts.task_page``'s context."""
    task = c["task"]
    out = [
        _TASK_HEAD(
            view.root, c["project_link"], task.id, task.id, task.title, c["badge"], c["prio"]
        ),
        Markup(' <span class="blocked-flag">Blocked</span>') if c["blocked"] else EMPTY,
        Markup(' <span class="due is-overdue">overdue</span>') if c["overdue"] else EMPTY,
        Markup("</p>\n</div>\n"),
    ]
    diagnostics = c["diagnostics"]
    if diagnostics:
        out.append(_PROBLEMS(len(diagnostics), "s" if len(diagnostics) != 1 else ""))
        for d in diagnostics:
            hint = _HINT(d.hint) if d.hint else EMPTY
            out.append(_PROBLEM(d.severity, d.severity, d.line, d.message, hint, d.code))
        out.append(Markup("</ul></div>\n"))
    out.append(
        Markup('<div class="detail">\n  <article class="detail-body" aria-label="Description">\n')
    )
    body = c["body"]
    if body:
        out.append(_PROSE(body))
    else:
        out.append(Markup('<p class="empty">No description.</p>'))
    out.append(_relations(view, c))
    if task.log:
        out.append(_time_logged(view, task, c["time"]))
    out.append(Markup('    <section aria-labelledby="h-history"><h2 id="h-history">History</h2>\n'))
    out.append(_history(view, c["history"]))
    out.append(Markup("    </section>\n  </article>\n"))
    out.append(_fields(view, c))
    return join(out)


def _relations(view: PageView, c: dict[str, Any]) -> Markup:
    """The parent and sub-tasks, and the dependencies both ways."""
    out = []
    parent, children = c["parent"], c["children"]
    if parent or children:
        out.append(
            Markup(
                '    <section aria-labelledby="h-tree"><h2 id="h-tree">Parent and sub-tasks</h2>\n'
            )
        )
        if parent:
            out.append(_PARENT(view.root, view.data.links.task(parent), parent.id, parent.title))
        if children:
            out.append(task_links(view, children))
        out.append(Markup("    </section>\n"))
    dependencies, dependents = c["dependencies"], c["dependents"]
    out.append(_WAITS(task_links(view, dependencies) if dependencies else _NOTHING))
    if c["missing"]:
        out.append(_UNKNOWN_IDS(", ".join(str(m) for m in c["missing"])))
    out.append(_BLOCKS(task_links(view, dependents) if dependents else _NOTHING))
    return join(out)


_LOGGED = Html(
    '    <section aria-labelledby="h-log"><h2 id="h-log">Time logged</h2>\n'
    "      <p>{} logged{}.</p>\n"
    "      {}\n"
    '      <div class="table-wrap"><table class="tasks"><thead><tr><th scope="col">Date</th>'
    '<th scope="col">Who</th><th scope="col" class="num">Time</th><th scope="col">Note</th>'
    "</tr></thead><tbody>\n{}      </tbody></table></div>\n"
    "    </section>\n"
)
_ESTIMATED = Html(" of {} estimated{}")
_LOG_ROW = Html('<tr><td>{}</td><td>{}</td><td class="num">{}</td><td>{}</td></tr>')


def _time_logged(view: PageView, task: Task, time: dict[str, Any]) -> Markup:
    data = view.data
    meter = time["meter"]
    over = (
        Markup(' <span class="due is-overdue">over the estimate</span>') if meter["over"] else EMPTY
    )
    estimated = _ESTIMATED(data.hours(task.estimate), over) if task.estimate else EMPTY
    rows = join(
        [
            _LOG_ROW(
                shortdate(e.date, data.today),
                person_link(view, e.who) if e.who else EMPTY,
                data.hours(e.hours),
                e.note,
            )
            for e in time["entries"]
        ]
    )
    return _LOGGED(data.hours(task.spent), estimated, spent_meter(data, meter, "Time logged"), rows)


_TIMELINE = Html(
    '      <figure class="flow-chart flow-timeline">{}'
    "<figcaption>States over time</figcaption></figure>\n"
    '      <ol class="changes">\n'
)
_NO_HISTORY = Html('<p class="empty flow-note">{}</p>')
_COMMIT_LINK = Html('<a href="{}" rel="noopener noreferrer">{}</a>')
_CODE = Html("<code>{}</code>")
_CHANGE_HEAD = Html(
    '<li><div class="change-head"><time datetime="{}">{}</time> '
    '<span class="change-action">{}</span> {}{} '
    '<span class="change-subject">{}</span></div>\n'
)
_AUTHOR = Html(' <span class="change-author">{}</span>')
_FIELD = Html("<li><code>{}</code> {}{}</li>")
_MENTION = Html('<li>{} {} <span class="muted">{}, {}</span>{}</li>')


def _history(view: PageView, history: dict[str, Any]) -> Markup:
    if not history["timeline"]:
        return _NO_HISTORY(history["note"])
    out = [_TIMELINE(history["timeline"])]
    out.extend(_change(ch) for ch in history["changes"])
    out.append(Markup("      </ol>\n"))
    mentions = history["mentions"]
    if mentions:
        out.append(Markup('<h3>Mentioned in commits</h3><ul class="rel-list">'))
        out.extend(_mention(view, m) for m in mentions)
        out.append(Markup("</ul>"))
    return join(out)


def _commit(sha: str, url: str | None) -> Markup:
    code = _CODE(sha)
    return _COMMIT_LINK(url, code) if url else code


def _change(ch: Any) -> Markup:
    """One commit's change to the task (``flow.Change``)."""
    author = _AUTHOR(ch.author) if ch.author else EMPTY
    head = _CHANGE_HEAD(
        ch.day.isoformat(),
        longdate(ch.day),
        ch.action,
        _commit(ch.short, ch.url),
        author,
        ch.subject,
    )
    fields = EMPTY
    if ch.fields:
        items = [_FIELD(name, f"{old} → " if old else "", new) for name, old, new in ch.fields]
        fields = _CHANGE_FIELDS(join(items))
    return head + fields + Markup("</li>")


def _mention(view: PageView, m: dict[str, Any]) -> Markup:
    """A commit that names the task without changing its file."""
    commit = m["commit"]
    closes = Markup(' <span class="state cat-done">closes</span>') if m["closes"] else EMPTY
    when = shortdate(commit.date, view.data.today)
    return _MENTION(_commit(commit.short, m["url"]), commit.subject, commit.author, when, closes)


_FIELDS = Html(
    '  <aside class="detail-side" aria-label="Fields">\n'
    '    <dl class="fields">\n'
    "      <dt>Status</dt><dd>{}</dd>\n"
    "      <dt>Project</dt><dd>{}</dd>\n"
    "      <dt>Assignees</dt><dd>{}</dd>\n"
    "      <dt>Priority</dt><dd>{}</dd>\n"
    "      <dt>Start</dt><dd>{}</dd>\n"
    "      <dt>Due</dt><dd>{}</dd>\n"
    "      <dt>Estimate</dt><dd>{}{}</dd>\n"
)
_FIELD_ROW = Html("<dt>{}</dt><dd>{}</dd>")
_GOAL_LINK = Html('<a href="{}{}">{}</a>')
_SOURCE = Html(
    '<p class="actions"><a class="button" href="{}" rel="noopener noreferrer">Edit the file</a> '
    '<a class="button button-quiet" href="{}" rel="noopener noreferrer">'
    "View file in the repository</a></p>"
)
_FILE = Html('    <p class="muted small">File: <code>{}</code></p>\n  </aside>\n</div>\n')


def _fields(view: PageView, c: dict[str, Any]) -> Markup:
    task, data = c["task"], view.data
    spent = f" · {data.hours(task.spent)} logged" if task.log else ""
    start = longdate(task.start) if task.start else "—"
    out = [
        _FIELDS(
            c["badge"],
            c["project_link"],
            c["assignee_links"],
            c["prio"] or "—",
            start,
            c["due_html"] or "—",
            c["estimate"] or "—",
            spent,
        )
    ]
    out.extend(_FIELD_ROW(name, value) for name, value in _more_fields(view, c))
    out.append(Markup("    </dl>\n"))
    if c["source_url"]:
        out.append(_SOURCE(c["edit_url"] or c["source_url"], c["source_url"]))
    out.append(_FILE(task.path))
    return join(out)


def _more_fields(view: PageView, c: dict[str, Any]) -> list[tuple[str, object]]:
    """The fields a task page lists when the task has them: checklist, labels, milestone,
    goals, recurrence, creation date and its custom keys."""
    task, data = c["task"], view.data
    rows: list[tuple[str, object]] = []
    if task.checklist.total:
        rows.append(("Checklist", f"{task.checklist.done} of {task.checklist.total} done"))
    if task.labels:
        rows.append(("Labels", _LABELS(join([_LABEL(label) for label in task.labels]))))
    milestone = _milestone_field(data, task, c["milestone"])
    if milestone:
        rows.append(("Milestone", milestone))
    if c["goals"]:
        goals = [_GOAL_LINK(view.root, data.links.goal(g), g.title) for g in c["goals"]]
        rows.append(("Goals", join(goals, ", ")))
    if task.repeat:
        following = data.next_occurrence(task)
        after = f" · next {longdate(following)}" if following else ""
        rows.append(("Repeats", data.repeat_words(task) + after))
    created = data.created_on(task)
    if created:
        rows.append(("Created", longdate(created)))
    completed = data.completed_on(task)
    if completed:
        rows.append(("Completed", longdate(completed)))
    rows.extend(c["extra"])
    return rows


def _milestone_field(data: SiteData, task: Task, milestone: Any) -> str:
    """The task's milestone, with its date; its id alone when the project has no such one."""
    if milestone:
        when = f" · {shortdate(milestone.date, data.today)}" if milestone.date else ""
        return f"{milestone.title or milestone.id}{when}"
    return task.milestone or ""
