"""The starter workspace that ``worktext init`` copies and the demo site builds: it must be
clean under ``check --strict`` and show every feature of the format with realistic data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TODAY

from worktext.check.pipeline import open_workspace
from worktext.cli import cli
from worktext.model import schema
from worktext.model.workspace import Workspace


@pytest.fixture(scope="module")
def ws() -> Workspace:
    root = Path(__file__).resolve().parent.parent / "workspace-template"
    return open_workspace(root, today=TODAY, use_cache=False)


def test_template_root_fixture_points_at_the_workspace(template_root: Path) -> None:
    assert (template_root / "worktext.yml").is_file()
    assert (template_root / "README.md").is_file()


def test_has_no_diagnostics_at_all(ws: Workspace) -> None:
    assert [f"{d.path}:{d.line}: {d.severity} {d.code}: {d.message}" for d in ws.diagnostics] == []


def test_settings(ws: Workspace) -> None:
    config = ws.config
    assert config.name == "Northwind Labs"
    assert config.default_workflow == "product"
    assert config.priorities == ("low", "medium", "high", "urgent")
    assert config.units.hours_per_day == 8
    assert config.capacity == 40
    assert config.repo_url == "https://github.com/example/northwind-work"
    assert config.branch == "main"
    assert config.id_scheme == "sequential"
    assert set(config.custom_fields) == {"customer", "severity", "channel"}
    assert config.custom_fields["severity"].choices == ("critical", "major", "minor")
    assert config.site["title"]


def test_people(ws: Workspace) -> None:
    people = list(ws.people)
    assert len(people) >= 6
    assert all(p.email and p.teams for p in people)
    assert any(p.capacity < ws.config.capacity for p in people), "someone works part-time"
    away_months = {(a.start.year, a.start.month) for p in people for a in p.away}
    assert {(2026, 11), (2026, 12), (2027, 1)} <= away_months


def test_projects_areas_and_milestones(ws: Workspace) -> None:
    projects = [p for p in ws.projects if p.kind == "project"]
    areas = [p for p in ws.projects if p.kind == "ongoing"]
    assert len(projects) == 3
    assert len(areas) >= 1
    with_milestones = [p for p in projects if p.milestones]
    assert with_milestones
    for project in with_milestones:
        assert len(project.milestones) >= 3
        assert all(m.date for m in project.milestones)
    for project in with_milestones:
        tasks = ws.tasks_of_project(project)
        assert any(t.depends_on for t in tasks), f"{project.id} has no task dependencies"
        assert any(ws.milestone_of(t) for t in tasks)
    assert any(t.repeat for area in areas for t in ws.tasks_of_project(area))
    assert all(ws.project_of(t).id != ws.default_area.id for t in ws.tasks)


def test_recurrence_forms(ws: Workspace) -> None:
    rules = {t.repeat for t in ws.tasks if t.repeat}
    assert {"weekly", "monthly"} <= rules
    assert any(rule.startswith("FREQ=") for rule in rules)


def test_workflows_templates_goals(ws: Workspace) -> None:
    assert len(ws.workflows) == 2
    assert len(ws.templates) == 1
    assert len(ws.goals) == 2
    assert any(g.parent for g in ws.goals)
    assert any(p.goals for p in ws.projects)
    assert any(t.goals for t in ws.tasks)
    template = ws.templates.get("onboarding")
    assert template is not None
    assert any(p.name == "name" and p.required for p in template.params)
    assert any(p.default for p in template.params)
    assert any(t.depends_on for t in template.tasks)
    assert any(t.assignee and t.assignee.startswith("{") for t in template.tasks)
    for workflow in ws.workflows:
        assert workflow.transitions
        assert any(s.wip for s in workflow.states)
        assert any(s.requires for s in workflow.states)


def test_every_state_of_every_workflow_holds_a_task(ws: Workspace) -> None:
    for workflow in ws.workflows:
        users = [p for p in ws.projects if ws.workflow_of_project(p).id == workflow.id]
        assert users, f"no project uses workflow {workflow.id}"
        used = {ws.status_of(t) for p in users for t in ws.tasks_of_project(p)}
        missing = [s.id for s in workflow.states if s.id not in used]
        assert missing == [], f"workflow {workflow.id}: no task in {missing}"


def test_tasks_show_the_format(ws: Workspace) -> None:
    tasks = list(ws.tasks)
    assert len(tasks) >= 40
    assert any(ws.is_overdue(t) for t in tasks)
    assert any(ws.is_overdue(t) and ws.category(t) == "active" for t in tasks)
    assert any(ws.category(t) == "blocked" for t in tasks)
    assert any(ws.is_blocked(t) and ws.category(t) != "blocked" for t in tasks)
    assert any(len(t.assignees) > 1 for t in tasks)
    assert any(not t.assignees for t in tasks)
    assert any(ws.children(t) for t in tasks)
    assert any(t.log for t in tasks)
    assert any(t.checklist.total and t.checklist.done < t.checklist.total for t in tasks)
    assert {"customer", "severity", "channel"} <= {k for t in tasks for k in t.extra}
    dues = [t.due for t in tasks if t.due and ws.is_open(t)]
    assert any(TODAY <= d <= TODAY.replace(day=29) for d in dues), "something due this week"
    assert any(d.year == 2027 for d in dues), "something due later"


def test_cross_project_dependencies_resolve(ws: Workspace) -> None:
    crossing = [
        (t.id, d.id)
        for t in ws.tasks
        for d in ws.dependencies(t)
        if ws.project_of(d).id != ws.project_of(t).id
    ]
    assert crossing
    assert all(len(ws.dependencies(t)) == len(t.depends_on) for t in ws.tasks)


def test_wip_limits_are_respected(ws: Workspace) -> None:
    for project in ws.projects:
        workflow = ws.workflow_of_project(project)
        tasks = ws.tasks_of_project(project)
        for state in workflow.states:
            if state.wip:
                count = sum(1 for t in tasks if ws.status_of(t) == state.id)
                assert count <= state.wip, f"{project.id}/{state.id}: {count} > {state.wip}"


def test_check_strict_passes_from_the_command_line(template_root: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["-w", str(template_root), "--today", TODAY.isoformat(), "--no-cache", "check", "--strict"],
    )
    assert result.exit_code == 0, result.output
    assert "No problems" in result.output


# The format reference shows these files verbatim and documents every key: it cannot drift.

FORMAT_DOC = Path(__file__).resolve().parent.parent / "site" / "docs" / "format.md"
SECTIONS = {
    "config": "## `worktext.yml`",
    "task": "## Tasks",
    "project": "## Projects and ongoing areas",
    "workflow": "## Workflows",
    "template": "## Templates",
    "person": "## People",
    "goal": "## Goals",
}


def _section(text: str, heading: str) -> str:
    """The part of the page under ``heading``; code blocks hold no headings of the page."""
    text = re.sub(r"^```.*?^```$", "", text, flags=re.M | re.S)
    start = text.index(heading + "\n")
    end = text.find("\n## ", start + len(heading))
    return text[start : end if end != -1 else len(text)]


def test_format_reference_examples_are_the_template_files(template_root: Path) -> None:
    text = FORMAT_DOC.read_text(encoding="utf-8")
    examples = re.findall(r"^`([^`\n]+)`:\n\n```(?:markdown|yaml)\n(.*?)^```$", text, re.M | re.S)
    assert len(examples) >= 8
    for path, shown in examples:
        assert shown == (template_root / path).read_text(encoding="utf-8"), path


def test_format_reference_documents_every_key() -> None:
    text = FORMAT_DOC.read_text(encoding="utf-8")
    kinds = {**schema.KIND_FIELDS, "config": schema.CONFIG}
    for kind, fields in kinds.items():
        section = _section(text, SECTIONS[kind])
        for key, spec in fields.items():
            assert f"| `{key}` |" in section, f"{kind}.{key} is not in the {kind} table"
            nested = dict(spec.fields or {})
            if spec.item is not None and spec.item.fields:
                nested.update(spec.item.fields)
            for sub in nested:
                assert f"`{sub}`" in text, f"{kind}.{key}.{sub} is not documented"
    for type_name in schema.CUSTOM_FIELD_TYPES:
        assert f"`{type_name}`" in _section(text, "## Custom fields")
    for category in schema.STATE_CATEGORIES:
        assert f"| `{category}` |" in _section(text, SECTIONS["workflow"])
