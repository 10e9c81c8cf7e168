"""Flow metrics from git on the site: the charts of project, workflow and home pages and each
task's history, read from one ``load_history`` per build.

``FlowView`` loads the history the first time a page (or a fingerprint) asks for it, with
``now`` at the end of the build's ``today``, so the same workspace, ``--today`` and HEAD give
the same bytes. Outside a git repository every chart is left out with a note; nothing fails.
Fingerprint keys: ``h`` (HEAD, for pages that show many tasks' history) and ``h:<task id>``
(one task's events and mentions, so moving HEAD re-renders only the tasks it touched).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, replace
from typing import Any

from markupsafe import Markup

from worktext.errors import WorktextError
from worktext.history import metrics, notices
from worktext.history.reconstruct import UNCOMMITTED, History, TaskHistory, load_history
from worktext.model.config import Config
from worktext.model.items import Project, Task, Workflow
from worktext.model.values import as_day
from worktext.model.workspace import Workspace, id_key
from worktext.render import flowcharts

log = logging.getLogger(__name__)

MAX_DAYS = 365  # the daily charts show at most the last year of activity
MAX_WEEKS = 26  # the overview's throughput: at most the last six months of activity
MAX_POINTS = 120  # ... drawn with at most this many days (about 5 px apart)
VALUE_CHARS = 80


@dataclass(frozen=True)
class Chart:
    name: str  # a short heading
    svg: Markup  # flowcharts' output: every text in it is escaped there


@dataclass(frozen=True)
class Change:
    """One commit's change to a task, for the task page's list."""

    day: dt.date
    sha: str
    short: str
    author: str
    subject: str
    action: str
    fields: list[tuple[str, str, str]]  # (field, old, new) as short text
    url: str | None


class FlowView:
    def __init__(
        self,
        ws: Workspace,
        repo_url: str | None = None,
        use_cache: bool = True,
        history: History | None = None,
    ) -> None:
        self.ws = ws
        self.today = ws.today
        self.repo_url = repo_url
        self.use_cache = use_cache
        self._history = history  # None: loaded when first asked
        self._flows: list[metrics.TaskFlow] | None = None
        self._groups: dict[str, dict[str, list[metrics.TaskFlow]]] = {}
        self._resolver: metrics.Resolver | None = None
        self._by_id: dict[str, metrics.TaskFlow] = {}

    # -- loading, once ---------------------------------------------------------------------

    @property
    def history(self) -> History:
        if self._history is None:
            self._history = load_flow_history(self.ws.config, self.today, self.use_cache)
        return self._history

    @property
    def available(self) -> bool:
        return self.history.available

    @property
    def note(self) -> str:
        """Why there are no charts, shown instead of them (without the build's local paths:
        the site may be published)."""
        return (
            "No history to show: the workspace is not in a git repository (or git is not "
            "installed). Commit it to git to see flow charts and each task's changes."
        )

    def warm(self) -> None:
        """Compute what pages share before the build forks its workers."""
        if self.available:
            self.flows()

    def flows(self) -> list[metrics.TaskFlow]:
        if self._flows is None:
            self._flows = metrics.task_flows(self.history, self.ws, self.today)
            self._by_id = {id_key(f.id): f for f in self._flows}
        return self._flows

    def task_dates(self, task_id: str) -> tuple[dt.date | None, dt.date | None]:
        """When git first saw the task, and when it was last finished (None where unknown
        or outside a git repository)."""
        if not self.available:
            return None, None
        self.flows()
        found = self._by_id.get(id_key(task_id))
        if found is None:
            return None, None
        created = found.created.date() if found.created else None
        return created, found.finished.date() if found.finished else None

    def _group(self, attribute: str, key: str) -> list[metrics.TaskFlow]:
        if attribute not in self._groups:
            self._groups[attribute] = metrics.group(self.flows(), attribute)
        return self._groups[attribute].get(id_key(key), [])

    # -- fingerprints ------------------------------------------------------------------------

    def key(self, dep: str) -> str:
        """The fingerprint of an ``h`` or ``h:<task id>`` dependency."""
        history = self.history
        if not history.available:
            return "no-history"
        if dep == "h":
            return history_key(history)
        return _task_key(history, history.task(dep[2:]))

    # -- pages ---------------------------------------------------------------------------------

    def _days(self, flows: list[metrics.TaskFlow]) -> list[dt.date]:
        """The days the charts cover: the data's active range, at most its last year."""
        return metrics.active_range(flows, self.today, MAX_DAYS)

    def project_charts(self, project: Project) -> dict[str, Any]:
        if not self.available:
            return {"available": False, "note": self.note, "charts": [], "milestones": []}
        flows = self._group("project", project.id)
        if not flows:
            return {
                "available": True,
                "note": "No history for this project's tasks yet.",
                "charts": [],
                "milestones": [],
            }
        workflow = self.ws.workflow_of_project(project)
        days = self._days(flows)
        summary = _thin_summary(
            metrics.summarize(project.title, flows, self.today, project=project.id, days=days)
        )
        target = as_day(project.deadline) if project.deadline else None
        made = flowcharts.summary_charts(
            summary, *_states(workflow), target, metrics.cycle_points(flows)
        )
        burn = summary.burn
        charts = [
            _chart("Cumulative flow", made["flow"]),
            _chart("Burnup", made["burnup"]),
            _chart("Burndown", made["burndown"]),
        ]
        if any(burn.scope_hours):
            title = f"Burndown by estimate: {project.title}"
            down = flowcharts.burndown_svg(burn.days, burn.remaining_hours, target, "hours", title)
            charts += [
                _chart("Burnup by estimate", made["burnup_hours"]),
                _chart("Burndown by estimate", down),
            ]
        charts += [_chart("Throughput", made["throughput"]), _chart("Cycle time", made["cycle"])]
        ages = [(a.id, a.status, a.category, a.days) for a in metrics.ageing(flows, self.today)]
        states = [s.id for s in workflow.states if s.category in metrics.WIP_CATEGORIES]
        title = f"Ageing work in progress: {project.title}"
        charts.append(
            _chart(
                "Ageing work in progress", flowcharts.ageing_svg(ages, states, summary.cycle, title)
            )
        )
        return {
            "available": True,
            "note": "",
            "charts": charts,
            "milestones": self._milestone_charts(project, flows, days),
            "cycle": summary.cycle,
            "finished": summary.finished,
        }

    def _milestone_charts(
        self, project: Project, flows: list[metrics.TaskFlow], days: list[dt.date]
    ) -> list[dict[str, Any]]:
        out = []
        for milestone in project.milestones:
            burn = _thin_burn(metrics.burn(flows, days, project.id, milestone.id))
            if not any(burn.scope):
                continue
            drawn = burn.days
            name = milestone.title or milestone.id
            target = as_day(milestone.date) if milestone.date else None
            up = flowcharts.burnup_svg(drawn, burn.scope, burn.done, "tasks", f"Burnup: {name}")
            down = flowcharts.burndown_svg(
                drawn, burn.remaining, target, "tasks", f"Burndown: {name}"
            )
            charts = [_chart("Burnup", up), _chart("Burndown", down)]
            if any(burn.scope_hours):
                title = f"Burndown by estimate: {name}"
                hours = flowcharts.burndown_svg(drawn, burn.remaining_hours, target, "hours", title)
                charts.append(_chart("Burndown by estimate", hours))
            out.append({"milestone": milestone, "charts": charts})
        return out

    def workflow_charts(self, workflow: Workflow) -> dict[str, Any]:
        if not self.available:
            return {"available": False, "note": self.note, "charts": []}
        flows = self._group("workflow", workflow.id)
        if not flows:
            return {"available": True, "note": "No history for these tasks yet.", "charts": []}
        days = self._days(flows)
        categories, order = _states(workflow)
        keep = _sample(len(days))
        series = {k: _pick(v, keep) for k, v in metrics.cumulative_flow(flows, days).items()}
        wip = _pick(metrics.wip(flows, days), keep)
        days = _pick(days, keep)
        limits = [s.wip for s in workflow.states if s.category in metrics.WIP_CATEGORIES]
        numbers = [n for n in limits if n is not None]
        limit = sum(numbers) if limits and len(numbers) == len(limits) else None
        name = workflow.title
        points, percentiles = metrics.cycle_points(flows), metrics.cycle_percentiles(flows)
        wip_title = "Work in progress: "
        cumulative = flowcharts.cumulative_flow_svg(
            days, series, order, categories, f"Cumulative flow: {name}"
        )
        charts = [
            _chart("Cumulative flow", cumulative),
            _chart("Work in progress", flowcharts.wip_svg(days, wip, limit, f"{wip_title}{name}")),
            _chart(
                "Cycle time", flowcharts.cycle_time_svg(points, percentiles, f"Cycle time: {name}")
            ),
        ]
        return {"available": True, "note": "", "charts": charts}

    def home_charts(self) -> dict[str, Any]:
        if not self.available:
            return {"available": False, "note": self.note, "charts": [], "warnings": []}
        flows = self.flows()
        days = self._days(flows)
        weeks = metrics.throughput(flows, days[-1], days[0])
        points, percentiles = metrics.cycle_points(flows), metrics.cycle_percentiles(flows)
        charts = [
            _chart(
                "Throughput", flowcharts.throughput_svg(weeks[-MAX_WEEKS:], "Throughput per week")
            ),
            _chart("Cycle time", flowcharts.cycle_time_svg(points, percentiles, "Cycle time")),
        ]
        # A shallow clone or a detached HEAD changes what the charts mean: say so once, here.
        return {"available": True, "note": "", "charts": charts, "warnings": self.warnings()}

    def warnings(self) -> list[str]:
        """What the history says about itself, each once: its state (shallow, detached) and
        one line for the old versions left out (as ``rules:`` sets it)."""
        history = self.history
        found = history.warnings + [notices.one_line(d) for d in history.diagnostics]
        return found[:3] + ([f"and {len(found) - 3} more"] if len(found) > 3 else [])

    def _state_colours(self, task: Task) -> dict[str, str]:
        """The colours of the states of the task's workflow, as its board's charts use."""
        categories, order = _states(self.ws.workflow_of(task))
        return flowcharts.state_colours(categories, list(reversed(order)))

    def task_history(self, task: Task) -> dict[str, Any]:
        if not self.available:
            return {"available": False, "note": self.note, "timeline": None, "changes": []}
        found = self.history.task(task.id)
        if found is None or not found.events:
            return {
                "available": True,
                "note": "No committed history yet.",
                "timeline": None,
                "changes": [],
                "mentions": [],
            }
        flow = self._flow_of(task, found)
        changes = [self._change(e) for e in reversed(found.events)]
        listed = {c.sha for c in changes}
        mentions = [  # commits that name the task without changing its file
            {"commit": m.commit, "closes": m.closes, "url": self._commit_url(m.commit.sha)}
            for m in reversed(found.mentions)
            if m.commit.sha not in listed
        ]
        return {
            "available": True,
            "note": "",
            "timeline": Markup(
                flowcharts.flow_timeline_svg(
                    flow, self.today, f"History of {task.id}", self._state_colours(task)
                )
            ),
            "flow": flow,
            "changes": changes,
            "mentions": mentions,
        }

    def _flow_of(self, task: Task, found: TaskHistory) -> metrics.TaskFlow:
        """The task's flow: from the flows of all tasks when they were worked out, else on
        its own (the pages of this build, or this process, did not need them all)."""
        flow = self._by_id.get(id_key(task.id)) if self._flows is not None else None
        if flow is None:
            if self._resolver is None:
                self._resolver = metrics.Resolver(self.ws)
            flow = metrics.task_flow(task.id, found.events, self._resolver, self.today)
        return flow

    def _change(self, event: Any) -> Change:
        commit = event.commit
        changes = event.changes
        if event.action in ("created", "present", "restored"):
            # Every key is new here: the state it started in says enough.
            fields = [(c.field, "", _show(c.new)) for c in changes if c.field == "status"]
        else:
            fields = [(c.field, _show(c.old), _show(c.new)) for c in changes]
        if event.action == "moved" and event.old_path:
            fields.insert(0, ("file", event.old_path, event.path))
        return Change(
            commit.date.date(),
            commit.sha,
            commit.short,
            commit.author,
            commit.subject,
            event.action,
            fields,
            self._commit_url(commit.sha),
        )

    def _commit_url(self, sha: str) -> str | None:
        if not self.repo_url or sha == UNCOMMITTED:
            return None
        return f"{self.repo_url.rstrip('/')}/commit/{sha}"


def history_key(history: History) -> str:
    """The fingerprint of the whole git history a site shows."""
    if not history.available:
        return "no-history"
    last = history.commits[-1].sha if history.commits else ""
    return f"{history.head}|{len(history.commits)}|{last}"


def load_flow_history(config: Config, today: dt.date, use_cache: bool = True) -> History:
    """The history the site's charts read; unavailable (with a warning) when git fails."""
    try:
        return load_history(config, now=metrics.end_of(today), use_cache=use_cache)
    except WorktextError as exc:  # git failed half-way: the site goes on without it
        log.warning("the site shows no history: %s", exc.message)
        return History(available=False, warnings=[str(exc.message)])


def _sample(count: int) -> list[int]:
    """Indexes of the days a chart draws: all of them, or evenly spaced ones ending on the
    last (a year of days drawn one by one costs more than it shows)."""
    step = max(1, -(-count // MAX_POINTS))
    return list(range(count - 1, -1, -step))[::-1]


def _pick(values: list[Any], keep: list[int]) -> list[Any]:
    return values if len(keep) == len(values) else [values[i] for i in keep]


def _thin_burn(burn: metrics.Burn) -> metrics.Burn:
    keep = _sample(len(burn.days))
    return metrics.Burn(
        *(
            _pick(v, keep)
            for v in (burn.days, burn.scope, burn.done, burn.scope_hours, burn.done_hours)
        )
    )


def _thin_summary(summary: metrics.Summary) -> metrics.Summary:
    keep = _sample(len(summary.days))
    return replace(
        summary,
        days=_pick(summary.days, keep),
        wip=_pick(summary.wip, keep),
        flow={k: _pick(v, keep) for k, v in summary.flow.items()},
        burn=_thin_burn(summary.burn),
    )


def _chart(name: str, svg: str) -> Chart:
    return Chart(name, Markup(svg))  # flowcharts escape every text they draw


def _states(workflow: Workflow) -> tuple[dict[str, str], list[str]]:
    """Colours by category, and the stack order of the cumulative flow (done at the bottom)."""
    return {s.id: s.category for s in workflow.states}, [s.id for s in reversed(workflow.states)]


def _show(value: Any) -> str:
    """A front matter value as short text (the template escapes it)."""
    text = _text(value)
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "…"


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    if not isinstance(value, list | tuple):
        return str(value)
    if value and all(isinstance(v, dict) for v in value):
        return f"{len(value)} entr{'y' if len(value) == 1 else 'ies'}"
    return ", ".join(str(v) for v in value)


def _task_key(history: History, found: TaskHistory | None) -> str:
    """What one task's history page shows, in a few values: how many events, and the commit of
    the last one (a commit id covers every commit before it, so a rewritten history changes it
    too); the same for its mentions. Read from the task's rows, so no event is built for
    it. Uncommitted changes are covered by the task's own ``t:`` key."""
    if found is None:
        return "none"
    rows = found.rows()
    count, last = len(rows), history.commits[rows[-1][0]].sha if rows else ""
    mentions = found.mentions
    return f"{count}:{last}:{len(mentions)}:{mentions[-1].commit.sha if mentions else ''}"
