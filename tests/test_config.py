from __future__ import annotations

import pytest
from conftest import TODAY

from worktext.check.pipeline import open_workspace
from worktext.errors import ConfigError, WorkspaceNotFound
from worktext.model.config import load_config
from worktext.model.root import find_root


def test_defaults(make_workspace) -> None:
    config, diagnostics = load_config(make_workspace({}))
    assert diagnostics == []
    assert config.priorities == ("low", "medium", "high", "urgent")
    assert config.capacity == 40
    assert config.folders["task"] == ("tasks",)


def test_settings_are_read(make_workspace) -> None:
    root = make_workspace(
        {},
        config="name: Acme\nhours_per_day: 7.5\ncapacity: 4d\npriorities: [p3, p2, p1]\n"
        'folders: {tasks: work}\nrules: {unknown-key: "off"}\n',
    )
    config, _ = load_config(root)
    assert config.name == "Acme"
    assert config.capacity == 30
    assert config.priorities == ("p3", "p2", "p1")
    assert config.folder("task") == root / "work"


def test_errors_raise_with_positions(make_workspace) -> None:
    root = make_workspace({}, config="name: A\nhours_per_day: lots\nfolders: {tasks: ../x}\n")
    with pytest.raises(ConfigError) as info:
        load_config(root)
    assert info.value.exit_code == 2
    lines = sorted((d.line, d.code) for d in info.value.diagnostics)
    assert lines == [(2, "wrong-type"), (3, "config-folder")]


def test_broken_yaml_is_a_config_error(make_workspace) -> None:
    with pytest.raises(ConfigError, match=r"worktext\.yml:2"):
        load_config(make_workspace({}, config="name: A\n  bad: [\n"))


def test_find_root_walks_up(make_workspace, tmp_path) -> None:
    root = make_workspace({"tasks/deep/er/T-1.md": "---\ntitle: x\n---\n"})
    assert find_root(root / "tasks" / "deep" / "er") == root.resolve()
    with pytest.raises(WorkspaceNotFound, match="worktext init"):
        find_root(tmp_path)


def test_rules_change_severity(make_workspace) -> None:
    files = {"tasks/T-1.md": "---\ntitle: x\ncolour: red\nstatus: nope\n---\n"}
    root = make_workspace(files, config='rules: {unknown-key: "off", unknown-status: warning}\n')
    ws = open_workspace(root, today=TODAY, use_cache=False)
    assert [(d.code, d.severity) for d in ws.diagnostics] == [("unknown-status", "warning")]


def test_custom_field_cannot_shadow_a_builtin_key(make_workspace) -> None:
    files = {"tasks/T-1.md": "---\ntitle: x\nstart: 2026-01-01\ndue: 2026-02-01\n---\n"}
    root = make_workspace(files, config="fields:\n  due: {type: string}\n")
    with pytest.raises(ConfigError) as info:
        open_workspace(root, today=TODAY, use_cache=False)
    assert [(d.line, d.code) for d in info.value.diagnostics] == [(2, "config-field")]


def test_default_workflow_is_found_ignoring_case(make_workspace) -> None:
    files = {
        "workflows/flow.md": "---\nstates:\n  - {id: open, category: todo}\n"
        "  - {id: shut, category: done}\n---\n",
        "tasks/T-1.md": "---\ntitle: x\nstatus: open\n---\n",
    }
    ws = open_workspace(
        make_workspace(files, config="default_workflow: Flow\n"), today=TODAY, use_cache=False
    )
    assert ws.diagnostics == []
    assert ws.default_workflow.id == "flow"


def test_unknown_key_hint_outside_tasks(make_workspace) -> None:
    root = make_workspace({"people/ana.md": "---\nname: Ana\nshoe_size: 38\n---\n"})
    ws = open_workspace(root, today=TODAY, use_cache=False)
    assert "fields:" not in ws.diagnostics[0].hint


CACHED_CONFIG = (
    "name: Acme\nhours_per_day: 7.5\ncapacity: 4d\npriorities: [p3, p2, p1]\n"
    "site: {title: Status}\nrules: {unknown-key: warning}\nmystery: yes\n"
)


def test_a_parsed_config_is_kept_and_read_back_the_same(make_workspace) -> None:
    """worktext.yml's parse is cached under its digest: the second read gives the same
    settings and the same diagnostics (positions included), without PyYAML."""
    root = make_workspace({}, config=CACHED_CONFIG)
    first = load_config(root)
    assert list((root / ".worktext").glob("config.marshal"))
    assert any(d.code == "yaml-ambiguous" for d in first[1])  # 'yes': a problem kept too
    second = load_config(root)
    assert second == first
    (root / "worktext.yml").write_text(CACHED_CONFIG.replace("Acme", "Beta"), "utf-8")
    assert load_config(root)[0].name == "Beta"  # another digest: parsed again


def test_a_damaged_config_cache_is_parsed_again(make_workspace) -> None:
    root = make_workspace({}, config=CACHED_CONFIG)
    first = load_config(root)
    (root / ".worktext" / "config.marshal").write_bytes(b"damaged")
    assert load_config(root) == first
