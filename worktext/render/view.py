"""One page's view of the build: what its template calls ``site``.

A ``PageView`` is made fresh for each page from the build's shared ``SiteData``, the page's
path and its way back to the site root (``root``: ``""`` or ``"../"``), so nothing shared is set
or changed from page to page. It gives templates the site's links (to which they add
``root``), the HTML pieces of ``html`` with this page's links, and each task's card and row
once per build and root (``Fragments``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from markupsafe import Markup

from worktext.model.items import Goal, Person, Project, Task, Workflow
from worktext.render import html
from worktext.render.data import SiteData
from worktext.render.shares import Shares, ShareStore


class Fragments:
    """The cards and rows of one build, by (kind, task id, root): a task shows on its
    project's, board's, person's and goal's pages. With ``shares`` (the build keeps them for
    the next one) each page's come from a store of its own, holding what that page showed."""

    def __init__(self, shares: Shares | None = None) -> None:
        self._made: dict[tuple[str, str, str], str] = {}
        self._shares = shares
        self._stores: dict[str, ShareStore] = {}

    def get(self, page: str, kind: str, root: str, task_id: str, make: Callable[[], str]) -> str:
        key = (kind, task_id, root)
        memo = self._made

        def made() -> str:
            found = memo.get(key)
            if found is None:
                found = memo[key] = str(make())
            return found

        if self._shares is None:
            return made()
        store = self._stores.get(page)
        if store is None:
            store = self._stores[page] = self._shares.page(page)
        # a card or row shows nothing its task's page does not: kept under its fingerprint
        return store.get(f"{kind}|{root}|{task_id}", made, self._shares.keys.get(task_id))

    def save(self) -> None:
        """Keep the stores of the pages this process rendered, for the next build."""
        for store in self._stores.values():
            store.save()
        self._stores.clear()


class PageView:
    def __init__(
        self, data: SiteData, root: str, path: str, fragments: Fragments | None = None
    ) -> None:
        self.data = data
        self.root = root
        self.path = path
        self._fragments = fragments or Fragments()

    # -- links, relative to the site root ---------------------------------------------------

    def task_url(self, task: Task) -> str:
        return self.data.links.task(task)

    def project_url(self, project: Project) -> str:
        return self.data.links.project(project)

    def board_url(self, project: Project) -> str:
        return self.data.links.board(project)

    def timeline_url(self, project: Project) -> str:
        return self.data.links.timeline(project)

    def workflow_url(self, workflow: Workflow) -> str:
        return self.data.links.workflow(workflow)

    def person_url(self, person: Person) -> str:
        return self.data.links.person(person)

    def person_ics_url(self, person: Person) -> str:
        return self.data.links.person_ics(person)

    def goal_url(self, goal: Goal) -> str:
        return self.data.links.goal(goal)

    # -- text ---------------------------------------------------------------------------------

    def name(self, person_id: str | None) -> str:
        return self.data.name(person_id)

    def initials(self, person_id: str) -> str:
        return self.data.initials(person_id)

    def hours(self, hours: float | None) -> str:
        return self.data.hours(hours)

    def age_days(self, task: Task) -> int | None:
        return self.data.age_days(task)

    # -- HTML pieces ------------------------------------------------------------------------

    def state_badge(self, task: Task) -> Markup:
        return html.state_badge(self.data, task)

    def due(self, task: Task) -> Markup:
        return html.due(self.data, task)

    def person_link(self, person_id: str) -> Markup:
        return html.person_link(self, person_id)

    def chip(self, person_id: str) -> Markup:
        return html.chip(self.data, person_id)

    def spent_meter(self, meter: dict[str, Any], label: str) -> Markup:
        return html.spent_meter(self.data, meter, label)

    def task_links(self, tasks: list[Task]) -> Markup:
        return html.task_links(self, tasks)

    def timesheet(self, time: dict[str, Any], caption: str, row_head: str) -> Markup:
        """A project's timesheet (rows are people) or a person's (rows are task ids)."""
        if "tasks" in time:
            tasks = time["tasks"]
            return html.timesheet_table(
                time, caption, row_head, lambda row: html.task_row_label(self, tasks[row])
            )
        return html.timesheet_table(
            time, caption, row_head, lambda row: html.person_row_label(self, row)
        )

    def cards_html(self, tasks: Iterable[Task]) -> Markup:
        """A board column's cards (one call from the template, not one per card)."""
        get, path, root = self._fragments.get, self.path, self.root
        return Markup(
            "".join([get(path, "card", root, t.id, partial(html.card, self, t)) for t in tasks])
        )

    def rows_html(self, tasks: Iterable[Task], show_project: bool) -> Markup:
        """A task table's rows, each indented as the template's loop indented them."""
        kind = "row+project" if show_project else "row"
        get, path, root = self._fragments.get, self.path, self.root
        return Markup(
            "".join(
                [
                    "    "
                    + get(path, kind, root, t.id, partial(html.task_row, self, t, show_project))
                    for t in tasks
                ]
            )
        )

    def template_globals(self) -> dict[str, Any]:
        """What the templates and their macros call by name on this page."""
        return {
            "site": self,
            "state_badge": self.state_badge,
            "due": self.due,
            "person_link": self.person_link,
            "chip": self.chip,
        }
