"""The small pieces of HTML that thousands of pages repeat: a task's state badge, priority and
due date, a person's link and avatar, a task's table row and board card.

They are written here in Python rather than as Jinja macros because a site of 10,000 tasks
makes them hundreds of thousands of times, and a macro call costs several times the string it
makes. Every value is escaped as it is written, exactly as the templates' autoescaping would
(``escape`` below); the results are ``Markup``, so templates insert them as they are.
``SiteView`` exposes them to the templates (``state_badge(t)``, ``site.rows_html(tasks)``...).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import markupsafe
from markupsafe import Markup

from worktext.model.items import Task
from worktext.model.values import as_day

if TYPE_CHECKING:
    from worktext.render.view import SiteView

_NOT_CSS = re.compile(r"[^a-z0-9-]+")


def escape(value: object) -> str:
    """``markupsafe.escape``: the same characters, escaped the same way, but a plain ``str``.
    A fragment joins many values and is made ``Markup`` once, so the ``Markup`` markupsafe
    makes of each value was thrown away at once (a third of a board's time)."""
    if type(value) is str:
        return (
            value.replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace("'", "&#39;")
            .replace('"', "&#34;")
        )
    return str(markupsafe.escape(value))


def longdate(value: dt.date) -> str:
    """Weekday, day, month and year: ``Mon 23 Nov 2026``."""
    day = as_day(value)
    return f"{day:%a} {day.day} {day:%b %Y}"


def shortdate(value: dt.date, today: object) -> str:
    """Day and month; the year too when it is not ``today``'s year."""
    day = as_day(value)
    same_year = isinstance(today, dt.date) and day.year == today.year
    return f"{day.day} {day:%b}" if same_year else f"{day.day} {day:%b %Y}"


def cssname(value: object) -> str:
    """A value as a CSS class name part: ``High!`` → ``high``."""
    return _NOT_CSS.sub("-", str(value).lower()).strip("-") or "none"


def state_badge(site: SiteView, task: Task) -> Markup:
    return Markup(
        f'<span class="state cat-{escape(site.category(task))}">'
        f"{escape(site.state_title(task))}</span>"
    )


def priority(task: Task) -> Markup:
    if not task.priority:
        return Markup("")
    return Markup(
        f'<span class="prio prio-{escape(cssname(task.priority))}">{escape(task.priority)}</span>'
    )


def due(site: SiteView, task: Task) -> Markup:
    if not task.due:
        return Markup("")
    overdue = site.overdue(task)
    kind = " is-overdue" if overdue else (" is-soon" if site.due_soon(task) else "")
    tag = ' <span class="tag-text">overdue</span>' if overdue else ""
    return Markup(
        f'<span class="due{kind}"><time datetime="{escape(task.due.isoformat())}">'
        f"{escape(shortdate(task.due, site.today))}</time>{tag}</span>"
    )


def person_link(site: SiteView, person_id: str) -> Markup:
    person = site.person(person_id)
    if person is None:
        return Markup(f'<span class="person">{escape(person_id)}</span>')
    return Markup(
        f'<a class="person" href="{escape(site.root)}{escape(site.person_url(person))}">'
        f"{escape(person.name)}</a>"
    )


def chip(site: SiteView, person_id: str) -> Markup:
    name = escape(site.name(person_id))
    return Markup(
        f'<span class="avatar" title="{name}" aria-label="{name}">'
        f"{escape(site.initials(person_id))}</span>"
    )


def task_row(site: SiteView, task: Task, show_project: bool) -> Markup:
    root = escape(site.root)
    blocked = site.blocked(task)
    out = [
        '<tr class="is-blocked">' if blocked else "<tr>",
        f'<td><a href="{root}{escape(site.task_url(task))}">{escape(task.id)}</a></td>',
        f"<td>{escape(task.title)}",
        ' <span class="blocked-flag">Blocked</span></td>' if blocked else "</td>",
        f"<td>{state_badge(site, task)}</td>",
    ]
    if show_project:
        project = site.ws.project_of(task)
        out.append(
            f'<td><a href="{root}{escape(site.project_url(project))}">'
            f"{escape(project.title)}</a></td>"
        )
    people = ", ".join(person_link(site, a) for a in task.assignees)
    out.append(
        f"<td>{people}</td><td>{priority(task)}</td><td>{due(site, task)}</td>"
        f'<td class="num">{escape(site.hours(task.estimate))}</td></tr>'
    )
    return Markup("".join(out))


def card(site: SiteView, task: Task) -> Markup:
    root = escape(site.root)
    url = f"{root}{escape(site.task_url(task))}"
    blocked = site.blocked(task)
    classes = (
        "card" + (" is-blocked" if blocked else "") + (" is-late" if site.overdue(task) else "")
    )
    out = [
        f'<li class="{classes}" data-id="{escape(task.id)}" '
        f'data-text="{escape((task.id + " " + task.title).lower())}" '
        f'data-assignees="{escape(" ".join(task.assignees))}" '
        f'data-labels="{escape(" ".join(task.labels))}" '
        f'data-priority="{escape(task.priority or "")}">\n',
        f'  <div class="card-top"><a class="card-id" href="{url}">{escape(task.id)}</a>'
        f"{priority(task)}</div>\n",
        f'  <a class="card-title" href="{url}">{escape(task.title)}</a>',
    ]
    if blocked:
        out.append('<span class="blocked-flag">Blocked</span>')
    if task.labels:
        labels = "".join(f"<li>{escape(label)}</li>" for label in task.labels)
        out.append(f'<ul class="labels" aria-label="Labels">{labels}</ul>')
    out.append(f'  <div class="card-meta">\n    {due(site, task)}')
    if task.checklist.total:
        out.append(
            f'<span class="checks" title="Checklist">☑ {task.checklist.done}/'
            f"{task.checklist.total}</span>"
        )
    if task.estimate:
        out.append(
            f'<span class="estimate" title="Estimate">{escape(site.hours(task.estimate))}</span>'
        )
    if task.assignees:
        chips = "".join(chip(site, a) for a in task.assignees)
        out.append(f'<span class="avatars">{chips}</span>')
    out.append("  </div>\n</li>")
    return Markup("".join(out))


def hours(value: float) -> str:
    """Hours with one decimal; a dash for none."""
    return f"{value:.1f}" if value else "–"


def timesheet_table(
    time: dict[str, Any], caption: str, row_head: str, row_label: Callable[[Any], Markup]
) -> Markup:
    """A timesheet: weeks as columns, one row per person or task, with totals. Its cells are
    most of a busy person's page, so it is written here rather than cell by cell in Jinja."""
    sheet, labels = time["sheet"], time["labels"]
    earlier = bool(sheet.earlier_total)
    out = [
        f'<div class="table-wrap"><table class="timesheet"><caption>{escape(caption)}</caption>\n'
        f'<thead><tr><th scope="col">{escape(row_head)}</th>',
        '<th scope="col" class="num">Earlier</th>' if earlier else "",
        *(f'<th scope="col" class="num">{escape(label)}</th>' for label in labels),
        '<th scope="col" class="num">Total</th></tr></thead>\n<tbody>\n',
    ]
    for row in sheet.rows:
        out.append(f'<tr><th scope="row">{row_label(row)}</th>')
        if earlier:
            out.append(f'<td class="num">{hours(sheet.earlier.get(row, 0))}</td>')
        out.extend(f'<td class="num">{hours(sheet.hours(row, w))}</td>' for w in sheet.weeks)
        out.append(f'<td class="num"><strong>{hours(sheet.row_totals[row])}</strong></td></tr>')
    out.append('</tbody>\n<tfoot><tr><th scope="row">Total</th>')
    if earlier:
        out.append(f'<td class="num">{hours(sheet.earlier_total)}</td>')
    out.extend(f'<td class="num">{hours(sheet.week_totals.get(w, 0))}</td>' for w in sheet.weeks)
    out.append(
        f'<td class="num"><strong>{hours(sheet.total)}</strong></td></tr></tfoot>\n</table></div>'
    )
    return Markup("".join(out))


def person_row_label(site: SiteView, who: str | None) -> Markup:
    """A project timesheet's row: the person, or that the entries name nobody."""
    return person_link(site, who) if who else Markup('<span class="muted">Not named</span>')


def task_row_label(site: SiteView, task: Task) -> Markup:
    """A person timesheet's row: the task."""
    return Markup(
        f'<a href="{escape(site.root)}{escape(site.task_url(task))}">{escape(task.id)}</a> '
        f'<span class="muted">{escape(task.title)}</span>'
    )


def link(href: str, text: str) -> Markup:
    return Markup(f'<a href="{escape(href)}">{escape(text)}</a>')


def people_links(site: SiteView, person_ids: list[str]) -> Markup:
    """Links to the people, comma-separated; that there is nobody when there is nobody."""
    if not person_ids:
        return Markup('<span class="muted">Nobody</span>')
    return Markup(", ".join(person_link(site, p) for p in person_ids))


def task_links(site: SiteView, tasks: list[Task]) -> Markup:
    """A list of related tasks: id (a link), title and state."""
    root = escape(site.root)
    items = "".join(
        f'<li><a href="{root}{escape(site.task_url(t))}">{escape(t.id)}</a> '
        f"{escape(t.title)} {state_badge(site, t)}</li>"
        for t in tasks
    )
    return Markup(f'<ul class="rel-list">{items}</ul>')


def spent_meter(site: SiteView, m: dict[str, Any], label: str) -> Markup:
    """Hours spent against the estimate (``worklog.meter``); the scale stretches when the
    estimate is exceeded."""
    over = " is-over" if m["over"] else ""
    level = escape(m["estimate"] or m["max"])
    spent_text = escape(site.hours(m["spent"]) or "0h")
    of = f" of {escape(site.hours(m['estimate']))} estimated" if m["estimate"] else ""
    percent = f"{m['percent']}%" if m["percent"] is not None else "—"
    return Markup(
        f'<span class="progress-wrap spent{over}"><meter min="0" max="{escape(m["max"])}" '
        f'low="{level}" high="{level}" optimum="0" value="{escape(m["spent"])}" '
        f'aria-label="{escape(label)}: {spent_text}{of}">{escape(m["spent"])}</meter>'
        f'<span class="progress-text">{escape(percent)}</span></span>'
    )
