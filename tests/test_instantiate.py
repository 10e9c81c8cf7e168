"""Process templates: plain placeholder substitution, working-day dates, ids and links."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import TODAY

from worktext.check.pipeline import open_workspace
from worktext.edit import templates as instantiate
from worktext.errors import WorktextError

TEMPLATE = """\
---
title: "Launch: {product}"
params:
  - name: product
    required: true
  - name: owner
    default: ana
tasks:
  - key: plan
    title: "Plan {product} ({unknown} stays)"
    assignee: "{owner}"
    offset: 0d
    duration: 2d
    estimate: 4h
    labels: [launch]
  - key: build
    title: "Build {{ product }} {% raw %} {0}"
    assignee: bo
    offset: 2d
    duration: 1w
    depends_on: [plan]
  - key: ship
    title: Ship it
    offset: 1w
    duration: 4h
    depends_on: [plan, build]
---
"""
FILES = {
    "templates/launch.md": TEMPLATE,
    "people/ana.md": "---\nname: Ana\n---\n",
    "people/bo.md": "---\nname: Bo\n---\n",
    "projects/ops.md": "---\ntitle: Ops\nkind: ongoing\n---\n",
    "tasks/ops/OPS-4.md": "---\nproject: ops\n---\n",
}


def test_fill_is_plain_one_pass_substitution() -> None:
    values = {"a": "{b}", "b": "B", "name": "Ana"}
    assert instantiate.fill("{a} and {b}", values) == "{b} and B"
    assert instantiate.fill("{{ name }} {% if x %} {0} {name} {x}", values) == (
        "{{ name }} {% if x %} {0} Ana {x}"
    )
    assert instantiate.fill("{name.__class__}", values) == "{name.__class__}"


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        ("2026-11-23", 0, "2026-11-23"),  # Monday
        ("2026-11-23", 4, "2026-11-27"),
        ("2026-11-23", 5, "2026-11-30"),
        ("2026-11-27", 1, "2026-11-30"),  # Friday + 1 = Monday
        ("2026-11-28", 0, "2026-11-30"),  # Saturday moves to Monday
        ("2026-11-23", 30, "2027-01-04"),
    ],
)
def test_add_workdays(start: str, count: int, expected: str) -> None:
    result = instantiate.add_workdays(dt.date.fromisoformat(start), count)
    assert result == dt.date.fromisoformat(expected)


def test_plan_creates_a_project_with_dated_linked_tasks(
    make_workspace: Callable[..., Path],
) -> None:
    root = make_workspace(FILES)
    ws = open_workspace(root, TODAY, use_cache=False)
    template = ws.templates.get("launch")
    planned = instantiate.plan(ws, template, {"product": "Dispatch"}, dt.date(2026, 12, 5), TODAY)
    project, plan, build, ship = planned
    assert (project.kind, project.item_id) == ("project", "launch-dispatch")
    assert project.path == root / "projects/launch-dispatch.md"
    assert project.data == {
        "title": "Launch: Dispatch",
        "kind": "project",
        "status": "active",
        "start": dt.date(2026, 12, 7),  # the Saturday start moves to Monday
        "deadline": dt.date(2026, 12, 15),
    }
    assert [t.item_id for t in (plan, build, ship)] == ["LAUNCH-1", "LAUNCH-2", "LAUNCH-3"]
    assert plan.data == {
        "title": "Plan Dispatch ({unknown} stays)",
        "project": "launch-dispatch",
        "assignee": "ana",
        "created": TODAY,
        "start": dt.date(2026, 12, 7),
        "due": dt.date(2026, 12, 8),
        "estimate": "4h",
        "labels": ["launch"],
    }
    assert build.data["title"] == "Build {{ product }} {% raw %} {0}"
    assert (build.data["start"], build.data["due"]) == (dt.date(2026, 12, 9), dt.date(2026, 12, 15))
    assert build.data["depends_on"] == ["LAUNCH-1"]
    assert (ship.data["start"], ship.data["due"]) == (dt.date(2026, 12, 14), dt.date(2026, 12, 14))
    assert ship.data["depends_on"] == ["LAUNCH-1", "LAUNCH-2"]
    assert "assignee" not in ship.data


def test_plan_into_an_existing_area_uses_its_ids(make_workspace: Callable[..., Path]) -> None:
    root = make_workspace(FILES)
    ws = open_workspace(root, TODAY, use_cache=False)
    template = ws.templates.get("launch")
    given = {"product": "X", "owner": "bo"}
    planned = instantiate.plan(ws, template, given, dt.date(2026, 11, 23), TODAY, "ops")
    assert [p.kind for p in planned] == ["task", "task", "task"]
    assert [p.item_id for p in planned] == ["OPS-5", "OPS-6", "OPS-7"]
    assert planned[0].path == root / "tasks/ops/OPS-5.md"
    assert planned[0].data["assignee"] == "bo"
    assert planned[0].data["project"] == "ops"


@pytest.mark.parametrize(
    ("given", "project", "message"),
    [
        ({}, None, "needs 'product'"),
        ({"product": "X", "colour": "red"}, None, "no parameter 'colour'"),
        ({"product": "X"}, "nowhere", "no project or area"),
        ({"product": "X", "owner": "{who}"}, None, "parameter 'who', which has no value"),
    ],
)
def test_plan_refuses_bad_parameters(
    make_workspace: Callable[..., Path], given: dict, project: str | None, message: str
) -> None:
    ws = open_workspace(make_workspace(FILES), TODAY, use_cache=False)
    with pytest.raises(WorktextError, match=message):
        instantiate.plan(ws, ws.templates.get("launch"), given, TODAY, TODAY, project)
