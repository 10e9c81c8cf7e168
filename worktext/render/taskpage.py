"""The content of a task page, written in Python.

A site has one task page per task: 10,000 in a big workspace, most of a build's work. Jinja
spent about 0.2 ms a page calling into the page's data and escaping it piece by piece; this
writes the same HTML (byte for byte: the golden files and the benchmark site are compared) in a
fraction of that. ``task.html`` still provides the page (its frame, and the MkDocs plugin's
layout); its content block is this. Every value from the workspace goes through ``escape``;
what is already ``Markup`` (badges, links, the rendered body, the SVG timeline) is inserted as
it is, exactly as autoescaping does.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from worktext.render.fragments import escape, longdate, person_link, shortdate, spent_meter
from worktext.render.view import SiteView


def task_content(site: SiteView, c: dict[str, Any]) -> Markup:
    """The HTML inside ``<main>`` of a task page, from ``contexts.task_page``'s context."""
    task = c["task"]
    root = escape(site.root)
    out = [
        '<div class="page-head">\n'
        f'  <p class="crumbs"><a href="{root}projects.html">Projects</a> / {c["project_link"]} / '
        f"{escape(task.id)}</p>\n"
        f'  <h1><span class="title-id">{escape(task.id)}</span> {escape(task.title)}</h1>\n'
        f'  <p class="lede">{c["badge"]} {c["prio"]}',
        ' <span class="blocked-flag">Blocked</span>' if c["blocked"] else "",
        ' <span class="due is-overdue">overdue</span>' if c["overdue"] else "",
        "</p>\n</div>\n",
    ]
    diagnostics = c["diagnostics"]
    if diagnostics:
        plural = "s" if len(diagnostics) != 1 else ""
        out.append(
            '<div class="notice notice-warn" role="status"><strong>This file has '
            f"{len(diagnostics)} problem{plural}:</strong>\n<ul>"
        )
        for d in diagnostics:
            hint = f' <span class="muted">({escape(d.hint)})</span>' if d.hint else ""
            out.append(
                f'<li><span class="sev sev-{escape(d.severity)}">{escape(d.severity)}</span> '
                f"line {d.line}: {escape(d.message)}{hint} <code>{escape(d.code)}</code></li>"
            )
        out.append("</ul></div>\n")
    out.append('<div class="detail">\n  <article class="detail-body" aria-label="Description">\n')
    body = c["body"]
    out.append(
        f'<div class="prose">{body}</div>' if body else '<p class="empty">No description.</p>'
    )
    parent, children = c["parent"], c["children"]
    if parent or children:
        out.append(
            '    <section aria-labelledby="h-tree"><h2 id="h-tree">Parent and sub-tasks</h2>\n'
        )
        if parent:
            out.append(
                f'<p>Part of <a href="{root}{escape(site.task_url(parent))}">'
                f"{escape(parent.id)}</a> {escape(parent.title)}</p>"
            )
        if children:
            out.append(site.task_links(children))
        out.append("    </section>\n")
    nothing = '<p class="empty">Nothing.</p>'
    dependencies, dependents = c["dependencies"], c["dependents"]
    out.append(
        '    <section aria-labelledby="h-deps"><h2 id="h-deps">Dependencies</h2>\n'
        "      <h3>Waits for</h3>"
        f"{site.task_links(dependencies) if dependencies else nothing}"
    )
    if c["missing"]:
        unknown = escape(", ".join(str(m) for m in c["missing"]))
        out.append(f'<p class="muted">Unknown ids: {unknown}</p>')
    out.append(
        f"      <h3>Blocks</h3>{site.task_links(dependents) if dependents else nothing}"
        "    </section>\n"
    )
    if task.log:
        out.append(_time_logged(site, task, c["time"]))
    out.append('    <section aria-labelledby="h-history"><h2 id="h-history">History</h2>\n')
    out.append(_history(site, c["history"]))
    out.append("    </section>\n  </article>\n")
    out.append(_fields(site, c))
    return Markup("".join(out))


def _time_logged(site: SiteView, task: Any, time: dict[str, Any]) -> str:
    meter = time["meter"]
    over = ' <span class="due is-overdue">over the estimate</span>' if meter["over"] else ""
    estimated = f" of {escape(site.hours(task.estimate))} estimated{over}" if task.estimate else ""
    rows = "".join(
        f"<tr><td>{escape(shortdate(e.date, site.today))}</td>"
        f"<td>{person_link(site, e.who) if e.who else ''}</td>"
        f'<td class="num">{escape(site.hours(e.hours))}</td><td>{escape(e.note)}</td></tr>'
        for e in time["entries"]
    )
    return (
        '    <section aria-labelledby="h-log"><h2 id="h-log">Time logged</h2>\n'
        f"      <p>{escape(site.hours(task.spent))} logged{estimated}.</p>\n"
        f"      {spent_meter(site, meter, 'Time logged')}\n"
        '      <div class="table-wrap"><table class="tasks"><thead><tr><th scope="col">Date</th>'
        '<th scope="col">Who</th><th scope="col" class="num">Time</th><th scope="col">Note</th>'
        f"</tr></thead><tbody>\n{rows}      </tbody></table></div>\n"
        "    </section>\n"
    )


def _history(site: SiteView, history: dict[str, Any]) -> str:
    if not history["timeline"]:
        return f'<p class="empty flow-note">{escape(history["note"])}</p>'
    out = [
        f'      <figure class="flow-chart flow-timeline">{history["timeline"]}'
        "<figcaption>States over time</figcaption></figure>\n"
        '      <ol class="changes">\n'
    ]
    for ch in history["changes"]:
        code = f"<code>{escape(ch.short)}</code>"
        commit = (
            f'<a href="{escape(ch.url)}" rel="noopener noreferrer">{code}</a>' if ch.url else code
        )
        author = f' <span class="change-author">{escape(ch.author)}</span>' if ch.author else ""
        out.append(
            f'<li><div class="change-head"><time datetime="{escape(ch.day.isoformat())}">'
            f"{escape(longdate(ch.day))}</time> "
            f'<span class="change-action">{escape(ch.action)}</span> {commit}{author} '
            f'<span class="change-subject">{escape(ch.subject)}</span></div>\n'
        )
        if ch.fields:
            items = "".join(
                f"<li><code>{escape(name)}</code> "
                f"{f'{escape(old)} → ' if old else ''}{escape(new)}</li>"
                for name, old, new in ch.fields
            )
            out.append(f'<ul class="change-fields">{items}</ul>')
        out.append("</li>")
    out.append("      </ol>\n")
    mentions = history["mentions"]
    if mentions:
        out.append('<h3>Mentioned in commits</h3><ul class="rel-list">')
        for m in mentions:
            commit = m["commit"]
            code = f"<code>{escape(commit.short)}</code>"
            link = (
                f'<a href="{escape(m["url"])}" rel="noopener noreferrer">{code}</a>'
                if m["url"]
                else code
            )
            closes = ' <span class="state cat-done">closes</span>' if m["closes"] else ""
            out.append(
                f'<li>{link} {escape(commit.subject)} <span class="muted">'
                f"{escape(commit.author)}, {escape(shortdate(commit.date, site.today))}</span>"
                f"{closes}</li>"
            )
        out.append("</ul>")
    return "".join(out)


def _fields(site: SiteView, c: dict[str, Any]) -> str:
    task = c["task"]
    root = escape(site.root)
    spent = f" · {escape(site.hours(task.spent))} logged" if task.log else ""
    start = escape(longdate(task.start)) if task.start else "—"
    out = [
        '  <aside class="detail-side" aria-label="Fields">\n'
        '    <dl class="fields">\n'
        f"      <dt>Status</dt><dd>{c['badge']}</dd>\n"
        f"      <dt>Project</dt><dd>{c['project_link']}</dd>\n"
        f"      <dt>Assignees</dt><dd>{c['assignee_links']}</dd>\n"
        f"      <dt>Priority</dt><dd>{c['prio'] or '—'}</dd>\n"
        f"      <dt>Start</dt><dd>{start}</dd>\n"
        f"      <dt>Due</dt><dd>{c['due_html'] or '—'}</dd>\n"
        f"      <dt>Estimate</dt><dd>{escape(c['estimate'] or '—')}{spent}</dd>\n"
    ]
    if task.checklist.total:
        out.append(
            f"<dt>Checklist</dt><dd>{task.checklist.done} of {task.checklist.total} done</dd>"
        )
    if task.labels:
        labels = "".join(f"<li>{escape(label)}</li>" for label in task.labels)
        out.append(f'<dt>Labels</dt><dd><ul class="labels">{labels}</ul></dd>')
    milestone = c["milestone"]
    if milestone:
        when = f" · {escape(shortdate(milestone.date, site.today))}" if milestone.date else ""
        name = escape(milestone.title or milestone.id)
        out.append(f"<dt>Milestone</dt><dd>{name}{when}</dd>")
    elif task.milestone:
        out.append(f"<dt>Milestone</dt><dd>{escape(task.milestone)}</dd>")
    goals = c["goals"]
    if goals:
        links = ", ".join(
            f'<a href="{root}{escape(site.goal_url(g))}">{escape(g.title)}</a>' for g in goals
        )
        out.append(f"<dt>Goals</dt><dd>{links}</dd>")
    if task.repeat:
        out.append(f"<dt>Repeats</dt><dd>{escape(task.repeat)}</dd>")
    if task.created:
        out.append(f"<dt>Created</dt><dd>{escape(longdate(task.created))}</dd>")
    for key, value in c["extra"]:
        out.append(f"<dt>{escape(key)}</dt><dd>{escape(value)}</dd>")
    out.append("    </dl>\n")
    source = c["source_url"]
    if source:
        out.append(
            f'<p><a class="button" href="{escape(source)}" rel="noopener noreferrer">'
            "View file in the repository</a></p>"
        )
    out.append(
        f'    <p class="muted small">File: <code>{escape(task.path)}</code></p>\n'
        "  </aside>\n</div>\n"
    )
    return "".join(out)
