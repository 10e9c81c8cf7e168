"""``worktext mcp``'s library half: the workspace as a Model Context Protocol server over stdio.

Built on the official ``mcp`` SDK (``MCPServer``, the extra ``worktext[mcp]``). Every tool call
reads the workspace afresh (through the cache), so edits made meanwhile by a person, another
agent or git are seen. Every write goes through ``edit/operations.py``, the same validated,
lossless, atomic edits as the CLI; a refused change becomes a tool error result carrying the
diagnostics (``ToolError``: ``isError`` with the text), and the server goes on serving.
With ``read_only`` only the reading tools are offered.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError

from worktext import __version__
from worktext.check import report
from worktext.check.pipeline import open_workspace, relative_paths
from worktext.edit import comments, operations
from worktext.errors import NotFound, Refused, WorktextError
from worktext.history import metrics
from worktext.history.reconstruct import load_history
from worktext.model import export
from worktext.model.diagnostics import Diagnostic
from worktext.model.items import Workflow
from worktext.model.query import resolve_date, select
from worktext.model.reference import format_reference
from worktext.model.root import find_root
from worktext.model.workspace import Workspace, id_key
from worktext.plan import baseline, forecast_report, targets
from worktext.plan import report as plan_report
from worktext.plan.forecast import TRIALS

log = logging.getLogger(__name__)

READING_TOOLS = ("list_tasks", "show_item", "check", "plan", "forecast")
WRITING_TOOLS = ("create_task", "move_task", "set_fields", "unset_fields", "log_time", "comment")
DEFAULT_FIELDS = ("id", "title", "status", "project", "assignees", "due", "priority")
MAX_LIMIT = 500
FORCEABLE = frozenset({"unknown-key", "dangling-reference"})  # what set_fields' force allows
FORMAT_URI = "worktext://format"
WORKFLOWS_URI = "worktext://workflows"

INSTRUCTIONS = """\
worktext keeps tasks, projects, people and goals as Markdown files with YAML front matter in a
git repository. Find tasks with list_tasks (its query language: status:doing assignee:ana
due:<today+7d is:overdue sort:due; free words search titles and bodies), read one with
show_item, and change them only through the writing tools: they check every value against the
schema and the workflow and keep the rest of each file intact. A refused change says why; fix
the request rather than editing the file by hand. Read worktext://format for every key and
worktext://workflows for the states and the moves each workflow allows."""


class Session:
    """What the tools share: where the workspace is, its date, and one lock, so that the
    SDK's worker threads never plan two writes at once."""

    def __init__(
        self, workspace: str | Path | None, today: dt.date | None, use_cache: bool
    ) -> None:
        self.root = find_root(workspace)
        self.fixed_today = today
        self.use_cache = use_cache
        self.lock = threading.Lock()

    def today(self) -> dt.date:
        return self.fixed_today or dt.date.today()

    def workspace(self) -> Workspace:
        """The workspace as it is on disk now."""
        return open_workspace(self.root, self.today(), self.use_cache)


def diagnostics_text(diagnostics: list[Diagnostic]) -> str:
    """Diagnostics one a line, as ``worktext check`` prints them."""
    return "\n".join(
        f"{d.path}:{d.line}:{d.column}: {d.severity}: {d.message} [{d.code}]"
        + (f" (hint: {d.hint})" if d.hint else "")
        for d in diagnostics
    )


@contextmanager
def _as_tool_errors() -> Iterator[None]:
    """worktext's refusals and usage errors as tool error results: the message, and for a
    refusal the diagnostics, so that the agent can fix its request."""
    try:
        yield
    except Refused as exc:
        log.info("refused: %s", exc.message)
        detail = diagnostics_text(exc.diagnostics) or exc.message
        if any(d.code in FORCEABLE for d in exc.diagnostics):
            detail += "\n(force: true writes unknown keys and references to missing items)"
        raise ToolError(f"refused, nothing was written:\n{detail}") from exc
    except WorktextError as exc:
        log.info("tool error: %s", exc.message)
        raise ToolError(exc.message) from exc


def _applied(
    session: Session, outcome: operations.Outcome, dry_run: bool, commit: bool
) -> dict[str, Any]:
    """Write (or, ``dry_run``, only show) an operation's outcome, and say what happened."""
    root = session.root
    result: dict[str, Any] = {"ids": outcome.item_ids, "message": outcome.message}
    if outcome.note or not outcome.effective:
        result.update(changed=[], note=outcome.note or "nothing to change")
        return result
    if dry_run:
        result["diff"] = "".join(operations.unified_diff(root, c) for c in outcome.effective)
        result["changed"] = []
        return result
    paths = operations.write(root, outcome, commit)
    result["changed"] = [p.relative_to(root).as_posix() for p in paths]
    result["committed"] = commit
    return result


def _selected(record: dict[str, Any], fields: list[str] | None) -> dict[str, Any]:
    wanted = fields or DEFAULT_FIELDS
    unknown = [f for f in wanted if f not in record]
    if unknown:
        known = ", ".join(record)
        raise WorktextError(f"unknown field(s) {', '.join(unknown)}; fields: {known}")
    return {key: record[key] for key in wanted}


def workflow_states(workflow: Workflow) -> dict[str, Any]:
    """A workflow's states (with their category and required keys) and, from each state, the
    states a task may move to."""
    states = [s.id for s in workflow.states]
    moves = {s: [t for t in states if t != s and workflow.allows(s, t)] for s in states}
    return {
        "id": workflow.id,
        "title": workflow.title,
        "states": [
            {"id": s.id, "category": s.category, "requires": list(s.requires)}
            for s in workflow.states
        ],
        "initial": workflow.initial.id,
        "moves": moves,
    }


def _workflows(ws: Workspace) -> list[Workflow]:
    workflows = list(ws.workflows)
    if ws.default_workflow.builtin:  # followed by tasks, declared by no file
        workflows.append(ws.default_workflow)
    return workflows


def build_server(
    workspace: str | Path | None = None,
    today: dt.date | None = None,
    use_cache: bool = True,
    read_only: bool = False,
) -> MCPServer:
    """The MCP server of the workspace at or above ``workspace`` (tools, resources)."""
    session = Session(workspace, today, use_cache)
    server: MCPServer = MCPServer(
        name="worktext", version=__version__, instructions=INSTRUCTIONS, log_level="WARNING"
    )
    _add_reading_tools(server, session)
    _add_planning_tools(server, session)
    if not read_only:
        _add_writing_tools(server, session)
    _add_resources(server, session)
    return server


def run(
    workspace: str | Path | None = None,
    today: dt.date | None = None,
    use_cache: bool = True,
    read_only: bool = False,
) -> None:
    """Serve over standard input and output until the client closes them."""
    server = build_server(workspace, today, use_cache, read_only)
    log.info("serving %s over stdio%s", server.name, " (read-only)" if read_only else "")
    server.run("stdio")


def _add_reading_tools(server: MCPServer, session: Session) -> None:
    @server.tool()
    def list_tasks(
        query: str = "", limit: int = 50, fields: list[str] | None = None
    ) -> dict[str, Any]:
        """Tasks matching a worktext query (as `worktext ls` takes it), e.g.
        "status:doing assignee:ana sort:due", "is:overdue", "project:web label:bug", or words
        of the title. At most `limit` tasks (1-500); `fields` picks the keys of each record
        (default: id, title, status, project, assignees, due, priority; others: path,
        category, workflow, labels, start, estimate_hours, spent_hours, depends_on,
        dependents, parent, children, milestone, goals, is_open, is_overdue, is_blocked, log,
        fields). Returns the total count too."""
        with _as_tool_errors():
            if not 1 <= limit <= MAX_LIMIT:
                raise WorktextError(f"limit must be between 1 and {MAX_LIMIT}")
            ws = session.workspace()
            tasks = select(ws, query)
            records = [_selected(export.task_record(ws, t), fields) for t in tasks[:limit]]
            return {"total": len(tasks), "returned": len(records), "tasks": records}

    @server.tool()
    def show_item(item_id: str, body: bool = True) -> dict[str, Any]:
        """One item (task, project, person, goal, workflow or template) by its id, with its
        relations, its Markdown body (tasks) and the problems `worktext check` finds in it."""
        with _as_tool_errors():
            ws = session.workspace()
            found = ws.find(item_id)
            if found is None:
                raise NotFound(f"no item with id '{item_id}'; list_tasks finds tasks")
            kind, item = found
            record = {"kind": kind, **export.item_record(ws, kind, item)}
            if body and hasattr(item, "body"):
                record["body"] = item.body
            path = getattr(item, "path", None)
            record["diagnostics"] = [
                export.diagnostic_record(d) for d in ws.diagnostics if path and d.path == path
            ]
            return record

    @server.tool()
    def check(path: str | None = None) -> dict[str, Any]:
        """Validate the workspace as `worktext check` does; with `path` (relative to the
        workspace), report only that file's problems (the whole workspace is still read, for
        references). Returns the counts, the diagnostics and their text."""
        with _as_tool_errors():
            ws = session.workspace()
            diagnostics = ws.diagnostics
            files = ws.file_count
            if path:
                if not (ws.config.root / path).is_file():
                    raise NotFound(f"no file '{path}' in the workspace")
                wanted = relative_paths(ws, [str(ws.config.root / path)])
                diagnostics = [d for d in diagnostics if d.path in wanted]
                files = 1
            return {
                "summary": report.summary(diagnostics, files),
                "ok": not any(d.severity == "error" for d in diagnostics),
                "diagnostics": [export.diagnostic_record(d) for d in diagnostics],
                "text": report.format_text(diagnostics, files),
            }


Plan = Callable[[Workspace], operations.Outcome]


def _add_planning_tools(server: MCPServer, session: Session) -> None:
    @server.tool()
    def plan(task_ids: list[str] | None = None) -> dict[str, Any]:
        """The levelled schedule (as `worktext plan -f json`): each open, estimated, assigned
        task's planned_start, planned_finish, slack_days, critical and late, and each
        project's and milestone's projected finish; `task_ids` keeps only those tasks."""
        with _as_tool_errors():
            ws = session.workspace()
            now = baseline.planned(ws, session.today())
            document = plan_report.document(now.schedule, now.projects, now.milestones, None)
            if task_ids:
                wanted = {id_key(t) for t in task_ids}
                document["tasks"] = [t for t in document["tasks"] if id_key(t["id"]) in wanted]
            return document

    @server.tool()
    def forecast(target: str | None = None, by: str | None = None) -> dict[str, Any]:
        """When the open tasks of a project, milestone, goal or query (`target`; default the
        whole workspace) will be done: Monte Carlo dates p50/p85/p95 from git's weekly
        throughput (10,000 seeded trials), and with `by` (YYYY-MM-DD) how many by then."""
        with _as_tool_errors():
            ws = session.workspace()
            today = session.today()
            flows = metrics.task_flows(load_history(ws.config), ws, today)
            chosen = targets.resolve(ws, flows, target)
            day = resolve_date(by, today) if by else None
            done, until = targets.forecast(chosen, today, TRIALS, 1, 0.0, day)
            return forecast_report.document(chosen, done, until)


def _writer(session: Session) -> Callable[[Plan, bool, bool], dict[str, Any]]:
    """Run one planned operation under the session's lock, as a tool result."""

    def write(plan: Plan, dry_run: bool, commit: bool) -> dict[str, Any]:
        with _as_tool_errors(), session.lock:
            outcome = plan(session.workspace())
            return _applied(session, outcome, dry_run, commit)

    return write


def _add_writing_tools(server: MCPServer, session: Session) -> None:
    write = _writer(session)

    @server.tool()
    def create_task(
        title: str = "",
        project: str | None = None,
        assignees: list[str] | None = None,
        due: str | None = None,
        start: str | None = None,
        estimate: str | None = None,
        labels: list[str] | None = None,
        priority: str | None = None,
        parent: str | None = None,
        depends_on: list[str] | None = None,
        status: str | None = None,
        template: str | None = None,
        params: dict[str, str] | None = None,
        dry_run: bool = False,
        commit: bool = False,
    ) -> dict[str, Any]:
        """Create a task file with a new id (dates YYYY-MM-DD, today or tomorrow; estimate
        such as 4h or 2d; status a state of the project's workflow). Or, with `template`,
        instantiate a process template (its `params`, `start`, and `project` to add its
        tasks to an existing project). `dry_run` returns the diff and writes nothing;
        `commit` commits the new files to git."""
        today = session.today()

        def plan(ws: Workspace) -> operations.Outcome:
            if template:
                return operations.from_template(ws, template, today, params, start, project)
            if not title:
                raise WorktextError("give a title (or a template)")
            return operations.create_task(
                ws,
                title,
                today,
                project=project,
                assignees=assignees or (),
                due=due,
                start=start,
                estimate=estimate,
                labels=labels or (),
                priority=priority,
                parent=parent,
                depends_on=depends_on or (),
                status=status,
            )

        return write(plan, dry_run, commit)

    @server.tool()
    def move_task(
        item_id: str, state: str, force: bool = False, dry_run: bool = False, commit: bool = False
    ) -> dict[str, Any]:
        """Move task `item_id` to `state`. Refused when its workflow has no such state, does
        not allow the move from the current state, or the state requires keys the task does
        not set (worktext://workflows lists the moves); `force` skips the workflow's checks."""
        return write(lambda ws: operations.move_task(ws, item_id, state, force), dry_run, commit)

    @server.tool()
    def set_fields(
        item_id: str,
        fields: dict[str, Any],
        force: bool = False,
        dry_run: bool = False,
        commit: bool = False,
    ) -> dict[str, Any]:
        """Set keys of item `item_id`, e.g. {"priority": "high", "due": "2026-12-01",
        "labels": ["bug", "ui"]}. Values are checked against the schema (worktext://format)
        and references must name existing items; `force` writes unknown keys and missing
        references. Text is read as the CLI reads it (a,b is a list; today, tomorrow)."""
        today = session.today()
        pairs = list(fields.items())
        return write(
            lambda ws: operations.set_fields(ws, item_id, pairs, today, force), dry_run, commit
        )

    @server.tool()
    def unset_fields(
        item_id: str, keys: list[str], dry_run: bool = False, commit: bool = False
    ) -> dict[str, Any]:
        """Remove keys from item `item_id`."""
        return write(lambda ws: operations.unset_fields(ws, item_id, keys), dry_run, commit)

    @server.tool()
    def log_time(
        item_id: str,
        duration: str,
        date: str | None = None,
        who: str | None = None,
        note: str | None = None,
        dry_run: bool = False,
        commit: bool = False,
    ) -> dict[str, Any]:
        """Record time spent on task `item_id`: `duration` such as 1h30m, `date` (today),
        `who` a person id, `note` what was done."""
        today = session.today()
        return write(
            lambda ws: operations.log_time(ws, item_id, duration, today, date, who, note),
            dry_run,
            commit,
        )

    @server.tool()
    def comment(
        item_id: str,
        text: str,
        author: str | None = None,
        reply_to: str | None = None,
        dry_run: bool = False,
        commit: bool = False,
    ) -> dict[str, Any]:
        """Comment on item `item_id` (a task, project, goal or document): `text` in Markdown,
        `author` a person id (default: the person whose email is git's user.email),
        `reply_to` the id of the comment answered. One new file; nothing else changes."""

        def planned(ws: Workspace) -> operations.Outcome:
            who = author or comments.default_author(ws)
            now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
            change = comments.plan_comment(ws, item_id, text, who, now, reply_to)
            return operations.Outcome([change], f"{item_id}: comment by {who}", [item_id])

        return write(planned, dry_run, commit)


def _add_resources(server: MCPServer, session: Session) -> None:
    @server.resource(FORMAT_URI, name="format", mime_type="text/markdown")
    def format_resource() -> str:
        """The worktext file format: every key of every kind of file, with its type and
        meaning, including the custom task keys of this workspace."""
        return format_reference(dict(session.workspace().config.custom_fields))

    @server.resource(WORKFLOWS_URI, name="workflows", mime_type="application/json")
    def workflows_resource() -> str:
        """Every workflow: its states, and from each state the states a task may move to."""
        ws = session.workspace()
        return json.dumps([workflow_states(w) for w in _workflows(ws)], indent=2)

    @server.resource(
        WORKFLOWS_URI + "/{workflow_id}", name="workflow", mime_type="application/json"
    )
    def workflow_resource(workflow_id: str) -> str:
        """One workflow's states and moves."""
        ws = session.workspace()
        found = next((w for w in _workflows(ws) if w.id == workflow_id), None)
        if found is None:
            raise ResourceError(f"no workflow '{workflow_id}'")
        return json.dumps(workflow_states(found), indent=2)
