"""The query defects a new user hit in the first hour (issue 16): negated terms without
``--``, one date vocabulary, unknown values as usage errors, ``goal:`` through projects."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from click.testing import CliRunner
from conftest import TODAY
from hypothesis import given
from hypothesis import strategies as st

from worktext.check.pipeline import open_workspace
from worktext.cli import cli
from worktext.edit.changes import date_text
from worktext.errors import QueryError
from worktext.model.query import select
from worktext.model.values import ValueError_, parse_day

FILES = {
    "people/ana.md": "---\nname: Ana\n---\n",
    "goals/growth.md": "---\ntitle: Growth\n---\n",
    "goals/signups.md": "---\ntitle: More signups\nparent: growth\n---\n",
    "projects/web.md": "---\ntitle: Web\ngoal: signups\nmilestones:\n"
    "  - {id: beta, title: Beta}\n---\n",
    "projects/ops.md": "---\ntitle: Ops\nkind: ongoing\n---\n",
    "tasks/WEB-1.md": "---\ntitle: Login\nstatus: doing\nproject: web\nassignee: ana\n"
    "due: 2026-11-24\nlabels: [ui]\npriority: high\n---\n",
    "tasks/WEB-2.md": "---\ntitle: Signup\nproject: web\ndue: 2026-11-30\nmilestone: beta\n---\n",
    "tasks/WEB-3.md": "---\ntitle: Launch\nstatus: done\nproject: web\n---\n",
    "tasks/OPS-1.md": "---\ntitle: Backups\nproject: ops\nlabels: [ops]\ngoal: growth\n---\n",
    "tasks/OPS-2.md": "---\ntitle: Patch\nproject: ops\nlabels: [ops]\nstatus: done\n---\n",
}


@pytest.fixture
def root(make_workspace):
    return make_workspace(FILES)


def ids(root, query: str) -> list[str]:
    ws = open_workspace(root, today=TODAY, use_cache=False)
    return [t.id for t in select(ws, query)]


def run(root, *args: str):
    return CliRunner().invoke(cli, ["-w", str(root), "--today", TODAY.isoformat(), *args])


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["label:ops", "-status:done", "-f", "ids"], "OPS-1\n"),
        (["is:open", "-sort:due", "-f", "ids"], "WEB-2\nWEB-1\nOPS-1\n"),
        (["-f", "ids", "-label:ops", "-n", "2"], "WEB-1\nWEB-2\n"),
        (["-label:ops", "-project:web", "-f", "ids"], ""),
        (["-f", "ids", "--", "-Login", "project:web"], "WEB-2\nWEB-3\n"),
        (["-Login", "project:web", "-fids"], "WEB-2\nWEB-3\n"),
    ],
)
def test_a_leading_dash_is_a_negated_term_without_double_dash(root, args, expected) -> None:
    result = run(root, "ls", *args)
    assert result.exit_code == 0, result.output
    assert result.output == expected


def test_real_options_still_work_beside_negated_terms(root) -> None:
    result = run(root, "ls", "-status:done", "--format", "csv", "-q")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("id,title,status")
    assert run(root, "ls", "--frobnicate").exit_code == 2


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("today", TODAY),
        ("tomorrow", TODAY + dt.timedelta(days=1)),
        ("yesterday", TODAY - dt.timedelta(days=1)),
        ("today+7d", TODAY + dt.timedelta(days=7)),
        ("today-2w", TODAY - dt.timedelta(days=14)),
        ("tomorrow+1w", TODAY + dt.timedelta(days=8)),
        ("+3d", TODAY + dt.timedelta(days=3)),
        ("monday", dt.date(2026, 11, 30)),  # TODAY is a Monday: the next one
        ("Fri", dt.date(2026, 11, 27)),
        ("2026-12-01", dt.date(2026, 12, 1)),
    ],
)
def test_one_date_vocabulary(text: str, day: dt.date) -> None:
    assert TODAY.weekday() == 0
    assert parse_day(text, TODAY) == day
    assert date_text(text, TODAY) == (text if text[0].isdigit() else day.isoformat())


@given(st.integers(min_value=0, max_value=400), st.sampled_from(["d", "w"]))
def test_relative_days_add_up(amount: int, unit: str) -> None:
    days = amount * (7 if unit == "w" else 1)
    assert parse_day(f"today+{amount}{unit}", TODAY) == TODAY + dt.timedelta(days=days)
    assert parse_day(f"today-{amount}{unit}", TODAY) == TODAY - dt.timedelta(days=days)


def test_a_word_that_is_no_date_says_what_is(root) -> None:
    with pytest.raises(ValueError_, match="tomorrow"):
        parse_day("soon", TODAY)
    result = run(root, "ls", "due:<soon")
    assert result.exit_code == 2 and "today+7d" in result.output


def test_queries_take_the_words_set_takes(root) -> None:
    assert ids(root, "due:<tomorrow") == []
    assert ids(root, "due:<=tomorrow") == ["WEB-1"]
    assert ids(root, "due:<friday") == ["WEB-1"]
    assert run(root, "set", "WEB-2", "due=tomorrow").exit_code == 0
    assert ids(root, "due:tomorrow") == ["WEB-1", "WEB-2"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("kind:nonsense", "unknown kind:nonsense; kind values: project, ongoing"),
        ("category:doing", "'doing' is a state, not a category: use status:doing, or"),
        ("category:dnoe", "did you mean 'category:done'?"),
        ("status:dnoe", "did you mean 'status:done'?"),
        ("project:wbe", "did you mean 'project:web'?"),
        ("goal:grwth", "did you mean 'goal:growth'?"),
        ("milestone:bta", "did you mean 'milestone:beta'?"),
        ("assignee:anna", "did you mean 'assignee:ana'?"),
        ("is:opne", "did you mean 'is:open'?"),
        ("-category:doingg", "unknown category:doingg"),
    ],
)
def test_unknown_values_are_usage_errors(root, query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message.replace("?", r"\?")):
        ids(root, query)
    result = run(root, "ls", query)
    assert result.exit_code == 2
    assert message in result.output


def test_known_values_still_match(root) -> None:
    assert ids(root, "kind:ongoing category:done") == ["OPS-2"]
    assert ids(root, "status:DOING") == ["WEB-1"]
    assert ids(root, "label:anything-at-all") == []  # labels are open-ended


def test_goal_follows_projects_and_sub_goals_as_the_goal_page_does(root) -> None:
    ws = open_workspace(root, today=TODAY, use_cache=False)
    assert ids(root, "goal:signups") == ["WEB-1", "WEB-2", "WEB-3"]
    assert ids(root, "goal:growth") == ["OPS-1", "WEB-1", "WEB-2", "WEB-3"]
    assert ws.goal_progress(ws.goals.get("growth")) == (1, 4)
    assert ids(root, "-goal:growth") == ["OPS-2"]


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_BARE_REDIRECT = re.compile(r"[^\s<>][<>]")  # a < or > stuck to a word: the shell's, not ours
_PLACEHOLDER = re.compile(r"<[A-Za-z][\w-]*>")  # <Tab>, <kind>: a key or a name, not a redirect


def shell_mistakes(line: str) -> list[str]:
    """The ``<``/``>`` in a command line that the shell would take as a redirection although
    they belong to a word (``due:<today``): outside quotes and stuck to the word before."""
    line = _PLACEHOLDER.sub("", line)
    return _BARE_REDIRECT.findall(_QUOTED.sub("''", line))


def test_the_checker_sees_what_the_shell_does() -> None:
    assert shell_mistakes("worktext ls due:<today+7d") == [":<"]
    assert shell_mistakes("worktext ls 'due:<today+7d' > out.csv") == []
    assert shell_mistakes("completion of queries (ls status:<Tab>)") == []


def _help_texts() -> list[tuple[str, str]]:
    from worktext.commands import COMMAND_MODULES

    texts = [("worktext", CliRunner().invoke(cli, ["--help"]).output)]
    for name in COMMAND_MODULES:
        texts.append((name, CliRunner().invoke(cli, [name, "--help"]).output))
    return texts


def test_every_help_example_quotes_its_angle_brackets() -> None:
    found = []
    for name, text in _help_texts():
        assert "Usage:" in text, name
        for line in text.splitlines():
            if line.strip().startswith("worktext ") or re.search(r"\b\w+:[<>]", line):
                found += [f"{name}: {line.strip()}" for _ in shell_mistakes(line)]
    assert found == []
    assert "'due:<today+7d'" in dict(_help_texts())["ls"]


def test_people_lists_people_and_guests_and_errors_point_to_it(root) -> None:
    (root / "tasks/WEB-4.md").write_text("---\ntitle: Help\nassignee: zed\n---\n")
    result = run(root, "people")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["ID", "NAME", "OPEN", "CAPACITY", "TEAMS", "EMAIL"]
    assert lines[1].split() == ["ana", "Ana", "1", "40h/week"]
    assert lines[2].startswith("zed") and "guest" in lines[2]
    assert lines[-1] == "2 people"
    assert run(root, "people", "-f", "ids").output == "ana\nzed\n"
    refused = run(root, "log", "WEB-1", "1h", "--who", "bob")
    assert refused.exit_code == 2
    assert "'worktext people' lists them" in refused.output
    missing = run(root, "assign", "NOPE-1", "ana")
    assert missing.exit_code == 1 and "'worktext ls' lists them" in missing.output


def test_a_goal_without_a_file_still_finds_its_tasks(root) -> None:
    (root / "tasks/OPS-3.md").write_text("---\ntitle: Orphan\nproject: ops\ngoal: lost\n---\n")
    assert ids(root, "goal:lost") == ["OPS-3"]
