"""History from real git repositories: renames, moves, merges, broken files, the working tree,
shallow clones, detached HEAD, the cache, and the history/log commands."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from git_helpers import Repo, task
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from worktext.cli import cli
from worktext.history import gitio
from worktext.history import read as historyread
from worktext.history.read import FrontMatterReader, parse_front_matter
from worktext.history.reconstruct import History, load_history, parse_log
from worktext.model.config import load_config

NOW = dt.datetime(2026, 2, 1, 12, 0, tzinfo=dt.timezone.utc)


def load(repo: Repo, **kw: object) -> History:
    config, _ = load_config(repo.root)
    return load_history(config, now=NOW, **kw)  # type: ignore[arg-type]


def summary(history: History, task_id: str) -> list[tuple]:
    found = history.task(task_id)
    assert found is not None, f"no history for {task_id}"
    return [
        (e.commit.short, e.action, e.path, e.old_path, [(c.field, c.old, c.new) for c in e.changes])
        for e in found.events
    ]


@pytest.fixture
def scripted(tmp_path: Path) -> tuple[Repo, dict[str, str]]:
    """Creation, status moves, a rename, a move between folders, a merge, a broken file."""
    repo = Repo(tmp_path / "repo")
    shas = {}
    repo.write(
        {
            "tasks/WEB-1.md": task(status="todo", assignee="ana"),
            "tasks/WEB-2.md": task(status="todo", due="2026-01-10"),
        }
    )
    shas["create"] = repo.commit("Add the first tasks", "2026-01-01T09:00:00+00:00")
    repo.write({"tasks/WEB-1.md": task(status="doing", assignee="ana")})
    shas["start"] = repo.commit("Start WEB-1", "2026-01-02T09:00:00+00:00")
    # A rename that keeps the id in the front matter, and a move to another folder.
    repo.move("tasks/WEB-2.md", "tasks/web/login-page.md")
    repo.write({"tasks/web/login-page.md": task("WEB-2", status="todo", due="2026-01-17")})
    repo.move("tasks/WEB-1.md", "tasks/web/WEB-1.md")
    shas["move"] = repo.commit("Sort tasks into folders", "2026-01-03T09:00:00+00:00")
    # A feature branch, merged with a merge commit: each change is dated by its own commit.
    repo.git("checkout", "-q", "-b", "feature")
    repo.write({"tasks/web/WEB-1.md": task(status="review", assignee="ana")})
    shas["review"] = repo.commit("Review WEB-1", "2026-01-04T09:00:00+00:00")
    repo.write({"tasks/web/WEB-1.md": task(status="done", assignee=["ana", "bo"])})
    shas["close"] = repo.commit(
        "Closes WEB-1", "2026-01-05T09:00:00+00:00", author="<script>", email="x@y"
    )
    repo.git("checkout", "-q", "main")
    repo.git(
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge feature",
        "feature",
        when="2026-01-06T09:00:00+00:00",
    )
    shas["merge"] = repo.head()
    repo.write({"tasks/web/login-page.md": "---\nid: WEB-2\nstatus: [unclosed\n---\n"})
    shas["broken"] = repo.commit("Break WEB-2 by accident", "2026-01-07T09:00:00+00:00")
    repo.write({"tasks/web/login-page.md": task("WEB-2", status="doing", due="2026-01-17")})
    shas["fix"] = repo.commit("Fix WEB-2's file", "2026-01-08T09:00:00+00:00")
    return repo, {k: v[:7] for k, v in shas.items()}


def test_events_follow_ids_through_renames_moves_and_merges(scripted) -> None:
    repo, s = scripted
    history = load(repo)
    assert summary(history, "WEB-1") == [
        (
            s["create"],
            "created",
            "tasks/WEB-1.md",
            None,
            [("status", None, "todo"), ("assignee", None, "ana")],
        ),
        (s["start"], "changed", "tasks/WEB-1.md", None, [("status", "todo", "doing")]),
        (s["move"], "moved", "tasks/web/WEB-1.md", "tasks/WEB-1.md", []),
        (s["review"], "changed", "tasks/web/WEB-1.md", None, [("status", "doing", "review")]),
        (
            s["close"],
            "changed",
            "tasks/web/WEB-1.md",
            None,
            [("status", "review", "done"), ("assignee", "ana", ["ana", "bo"])],
        ),
    ]
    assert summary(history, "web-2") == [
        (
            s["create"],
            "created",
            "tasks/WEB-2.md",
            None,
            [("status", None, "todo"), ("due", None, "2026-01-10")],
        ),
        (
            s["move"],
            "moved",
            "tasks/web/login-page.md",
            "tasks/WEB-2.md",
            [("due", "2026-01-10", "2026-01-17"), ("id", None, "WEB-2")],
        ),
        (s["fix"], "changed", "tasks/web/login-page.md", None, [("status", "todo", "doing")]),
    ]
    close = history.task("WEB-1").events[-1].commit
    assert close.email == "x@y" and close.subject == "Closes WEB-1"
    assert close.date == dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone.utc)
    assert s["merge"] in {c.short for c in history.commits}  # the merge is there, no event


def test_broken_version_is_skipped_and_named(scripted) -> None:
    repo, s = scripted
    history = load(repo)
    assert [(k.commit.short, k.path) for k in history.skipped] == [
        (s["broken"], "tasks/web/login-page.md")
    ]
    (found,) = history.diagnostics  # one summary, naming the one version
    assert found.code == "old-version-unreadable" and found.severity == "warning"
    assert f"tasks/web/login-page.md (at {s['broken']})" in found.message


def test_commit_messages_link_to_tasks(scripted) -> None:
    repo, _ = scripted
    history = load(repo)
    mentions = [(m.commit.subject, m.closes) for m in history.task("WEB-1").mentions]
    assert mentions == [("Start WEB-1", False), ("Review WEB-1", False), ("Closes WEB-1", True)]
    assert [m.commit.subject for m in history.task("WEB-2").mentions] == [
        "Break WEB-2 by accident",
        "Fix WEB-2's file",
    ]


def test_closing_keywords(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    repo.write({"tasks/APP-7.md": task(status="todo")})
    repo.commit("Add APP-7", "2026-01-01T09:00:00+00:00")
    repo.write({"tasks/APP-7.md": task(status="done")})
    repo.commit("Make it faster\n\nCloses app-7.", "2026-01-02T09:00:00+00:00")
    mentions = load(repo).task("APP-7").mentions
    assert [(m.commit.subject, m.closes) for m in mentions] == [
        ("Add APP-7", False),
        ("Make it faster", True),
    ]


def test_uncommitted_changes_are_a_final_pseudo_commit(scripted) -> None:
    repo, _ = scripted
    repo.write(
        {
            "tasks/web/WEB-1.md": task(status="doing", assignee="ana"),
            "tasks/NEW-1.md": task(status="todo"),
        }
    )
    repo.remove("tasks/web/login-page.md")
    history = load(repo)
    last = history.task("WEB-1").events[-1]
    assert (last.commit.sha, last.action, last.commit.date) == ("uncommitted", "changed", NOW)
    assert [(c.field, c.old, c.new) for c in last.changes] == [
        ("status", "done", "doing"),
        ("assignee", ["ana", "bo"], "ana"),
    ]
    assert history.task("NEW-1").events[0].action == "created"
    assert history.task("WEB-2").events[-1].action == "deleted"
    assert not history.task("WEB-2").exists
    committed = load(repo, uncommitted=False)
    assert committed.task("NEW-1") is None


def test_second_load_is_served_from_the_cache(scripted) -> None:
    repo, _ = scripted
    first = load(repo)
    second = load(repo)
    assert not first.from_cache and second.from_cache

    def everything(history: History) -> list[tuple]:
        return [
            (e.task_id, e.commit, e.action, e.path, e.old_path, e.changes, dict(e.fields))
            for e in history.events()
        ] + [(t.id, t.mentions) for t in history.tasks.values()]

    assert everything(first) == everything(second)
    assert dict(second.task("WEB-1").events[-1].fields) == {
        "status": "done",
        "assignee": ["ana", "bo"],
    }
    assert [(k.commit.sha, k.path) for k in first.skipped] == [
        (k.commit.sha, k.path) for k in second.skipped
    ]
    # Uncommitted changes are replayed on top of the cached state.
    repo.write({"tasks/web/WEB-1.md": task(status="doing")})
    dirty = load(repo)
    assert dirty.from_cache
    last = dirty.task("WEB-1").events[-1]
    assert (last.commit.sha, [(c.field, c.old, c.new) for c in last.changes]) == (
        "uncommitted",
        [("status", "done", "doing"), ("assignee", ["ana", "bo"], None)],
    )
    repo.commit("Reopen", "2026-01-09T09:00:00+00:00")
    third = load(repo)
    assert not third.from_cache and third.task("WEB-1").events[-1].commit.subject == "Reopen"
    # The new commit was added to the cached history; the result is what a full pass gives.
    assert third.extended_from == first.head
    assert everything(third) == everything(load(repo, use_cache=False))
    again = load(repo)  # the extended cache, written partly from events never read
    assert again.from_cache and everything(again) == everything(third)
    # A rewritten branch (the cached commit is no longer an ancestor) is rebuilt from scratch.
    repo.git("reset", "-q", "--hard", "HEAD~2")
    repo.write({"tasks/web/WEB-1.md": task(status="todo")})
    repo.commit("Rewrite", "2026-01-10T09:00:00+00:00")
    fourth = load(repo)
    assert fourth.extended_from is None and not fourth.from_cache
    assert everything(fourth) == everything(load(repo, use_cache=False))
    assert [m.commit.subject for m in fourth.task("WEB-2").mentions] == ["Break WEB-2 by accident"]


def test_not_a_repository_gives_a_warning(make_workspace) -> None:
    root = make_workspace({"tasks/A-1.md": task(status="todo")})
    config, _ = load_config(root)
    history = load_history(config)
    assert not history.available and history.tasks == {}
    assert "not in a git repository" in history.warnings[0]


def test_git_missing_gives_a_warning(make_workspace, monkeypatch) -> None:
    root = make_workspace({"tasks/A-1.md": task(status="todo")})
    config, _ = load_config(root)
    monkeypatch.setenv("PATH", str(root))  # a PATH with no git on it
    history = load_history(config)
    assert not history.available
    assert "git is not installed" in history.warnings[0]


def test_shallow_clone_says_where_history_is_cut(scripted, tmp_path: Path) -> None:
    repo, s = scripted
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "2", f"file://{repo.root}", str(clone)],
        check=True,
        capture_output=True,
    )
    config, _ = load_config(clone)
    history = load_history(config, now=NOW)
    assert any(
        "shallow clone" in w and s["broken"] in w and "git fetch --unshallow" in w
        for w in history.warnings
    )
    events = history.task("WEB-1").events
    assert [(e.commit.short, e.action) for e in events] == [(s["broken"], "present")]


def test_detached_head_follows_its_first_parents(scripted) -> None:
    repo, s = scripted
    repo.git("checkout", "-q", "--detach", s["move"])
    history = load(repo)
    assert any("HEAD is detached at " + s["move"] in w for w in history.warnings)
    assert history.task("WEB-1").events[-1].commit.short == s["move"]


def test_no_commits_yet(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    repo.write({"tasks/A-1.md": task(status="todo")})
    history = load(repo)
    assert "no commits yet" in history.warnings[0]
    assert [e.action for e in history.task("A-1").events] == ["created"]


def test_workspace_in_a_subfolder_of_the_repository(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    (repo.root / "worktext.yml").unlink()
    repo.write(
        {
            "work/worktext.yml": "name: Sub\n",
            "work/tasks/A-1.md": task(status="todo"),
            "src/tasks/X-1.md": task(status="todo"),
        }
    )
    repo.commit("Start", "2026-01-01T09:00:00+00:00")
    config, _ = load_config(repo.root / "work")
    history = load_history(config, now=NOW)
    assert sorted(t.id for t in history.tasks.values()) == ["A-1"]
    assert history.task("A-1").events[0].path == "tasks/A-1.md"


def test_parse_log_reads_messages_that_look_like_raw_lines() -> None:
    raw = (
        b"\x01" + b"a" * 40 + b"\0" + b"c" * 40 + b" " + b"d" * 40 + b"\0Ana\0a@x\0"
        b"2026-01-01T09:00:00+00:00\0:sparkles: new\n\0"
        b"\n:000000 100644 " + b"0" * 40 + b" " + b"b" * 40 + b" A\0tasks/A-1.md\0"
    )
    ((commit, parents, entries),) = list(parse_log(raw))
    assert commit.message == ":sparkles: new" and parents == ["c" * 40, "d" * 40]
    assert entries == [("A", "0" * 40, "b" * 40, "tasks/A-1.md")]


def run_cli(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["-w", str(root), "--today", "2026-02-01", *args])
    return result.exit_code, result.stdout, result.stderr


def test_history_command_text_and_json(scripted) -> None:
    repo, s = scripted
    code, out, _ = run_cli(repo.root, "history", "WEB-1")
    assert code == 0
    assert f"2026-01-04 09:00  {s['review']}     Ana Silva  changed" in out
    assert "    status: doing → review" in out
    assert "    status: review → done" in out
    assert "moved from tasks/WEB-1.md to tasks/web/WEB-1.md" in out
    code, out, _ = run_cli(repo.root, "history", "WEB-1", "--format", "json")
    payload = json.loads(out)
    actions = [e["action"] for e in payload["events"]]
    assert actions == ["created", "changed", "moved", "changed", "changed"]
    assert payload["events"][-1]["changes"][0] == {
        "field": "status",
        "old": "review",
        "new": "done",
    }


def test_history_command_unknown_task(scripted) -> None:
    repo, _ = scripted
    code, _, err = run_cli(repo.root, "history", "NOPE-1")
    assert code == 1 and "no task 'NOPE-1'" in err


def test_log_command_since_date_and_revision(scripted) -> None:
    repo, s = scripted
    code, out, err = run_cli(repo.root, "log", "--since", "2026-01-05")
    assert code == 0
    assert out.index("WEB-2 changed") < out.index("WEB-1 changed")  # newest first
    assert "created" not in out
    assert "login-page.md (at" in err  # the skipped version is named
    code, out, _ = run_cli(repo.root, "log", "--since", s["merge"], "--format", "json")
    events = json.loads(out)["events"]
    assert [(e["task"], e["commit"][:7]) for e in events] == [("WEB-2", s["fix"])]


def test_log_rejects_option_like_revisions(scripted) -> None:
    repo, _ = scripted
    code, _, err = run_cli(repo.root, "log", "--since", "--output=pwned")
    assert code == 2 and "does not know the revision" in err
    assert not (repo.root / "pwned").exists()


def test_log_outside_git_warns_without_traceback(make_workspace) -> None:
    root = make_workspace({"tasks/A-1.md": task(status="todo")})
    code, out, err = run_cli(root, "log")
    assert code == 0 and "No task changes." in out
    assert "warning: " in err and "Traceback" not in err


# -- words for generated front matter ----------------------------------------------------------

VALUE_WORDS = [
    "todo",
    "in-progress",
    "2026-03-01",
    "2026-03-28T10:00",
    "4h",
    "1h 30m",
    "12",
    "-3",
    "0.5",
    "1e3",
    "0x1F",
    "0o17",
    ".inf",
    "yes",
    "no",
    "off",
    "null",
    "Null",
    "~",
    "true",
    "FALSE",
    "0755",
    "1:30",
    "a:b",
    "a: b",
    "a #b",
    "#x",
    "x#",
    "@ana",
    "`x`",
    "*x",
    "&x",
    "!x",
    "%x",
    "a,b",
    "[a]",
    "{a: 1}",
    "'q'",
    '"q"',
    '"a: b"',
    "'it''s'",
    '"esc\\n"',
    "-",
    "- x",
    "?",
    "|",
    ">",
    "ünï",
    "a  b",
    "a\tb",
    "x ",
    "---",
    "...",
    "",
]
KEYS = ["status", "title", "id", "due", "true", "null", "1", "x-y", "_k", "labels", "Key"]
GROUP_KEYS = ["status", "title", "id", "due", "x-y", "_k", "labels", "Key"]
PLAIN_WORDS = ["todo", "in-progress", "2026-03-01", "2026-03-28T10:00", "4h", "1h 30m", "12"]
PLAIN_WORDS += ["-3", "0.5", "1e3", "ünï", "a  b", "a:b", "'q'", '"a: b"', "true", "null"]


def test_hostile_author_names_are_kept_as_data(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    repo.write({"tasks/A-1.md": task(status="todo")})
    name = '<script>alert("x")</script> & Co'
    repo.commit("<img src=x onerror=alert(1)>", at_day(1), author=name, email="s@x")
    stored = repo.git("log", "-1", "--format=%an")  # git itself drops '<' and '>' from names
    assert stored == 'scriptalert("x")/script & Co'
    _, out, _ = run_cli(repo.root, "history", "A-1", "--format", "json")
    event = json.loads(out)["events"][0]
    assert (event["author"], event["email"], event["message"]) == (
        stored,
        "s@x",
        "<img src=x onerror=alert(1)>",
    )


def at_day(day: int) -> str:
    return f"2026-01-{day:02d}T09:00:00+00:00"


# -- reading many versions: the same front matter as one full parse of each -------------------


@st.composite
def key_groups(draw: st.DrawFn) -> str:
    """One top-level key with the lines that belong to it, or a line of another kind."""
    # Mostly what the fast path reads, as most of a real history is; VALUE_WORDS and KEYS
    # hold all the rest.
    key = draw(st.sampled_from(GROUP_KEYS * 4 + KEYS))
    words = draw(st.lists(st.sampled_from(PLAIN_WORDS * 10 + VALUE_WORDS), max_size=3))
    shapes = ["plain", "plain", "plain", "flow", "block", "block", "records", "other"]
    shape = draw(st.sampled_from(shapes))
    if shape == "plain":
        return f"{key}: {words[0] if words else ''}\n"
    if shape == "flow":
        return f"{key}: [{', '.join(words)}]\n"
    if shape == "block":
        indent = draw(st.sampled_from(["", "  "]))
        return f"{key}:\n" + "".join(f"{indent}- {w}\n" for w in words)
    if shape == "records":
        return f"{key}:\n" + "".join(f"  - date: {w}\n    who: ana\n" for w in words)
    others = ["# note\n", "\n", "  \n", "  indented: x\n", "- item\n", "a: &x 1\n", "b: *x\n"]
    others += ["'quoted': key\n", "\tx: 1\n", "y: 1\r\n", "...\n", "1: one\n", "--- \n"]
    others += ["null: x\n", "note: |\n  kept\n", "a: x # c\x85due: 2026-13-45\n"]
    others += ['b: "x\x07"\n', "c: [a, b]\u2028d: 1\n", "\ufeffe: 1\n", "title: a\n  b\n"]
    return draw(st.sampled_from(others))


@st.composite
def file_versions(draw: st.DrawFn) -> list[bytes]:
    """Versions of a few files whose lines recur: each version takes its key groups from a
    small shared pool, as the versions of a file in a history do."""
    pool = draw(st.lists(key_groups(), min_size=1, max_size=8))
    versions = []
    for _ in range(draw(st.integers(1, 8))):
        # Each key once, mostly, as in a real file (a repeated one is the parser's to report).
        key = st.sampled_from([str.strip, lambda group: group.split(":")[0]])
        groups = draw(st.lists(st.sampled_from(pool), max_size=6, unique_by=draw(key)))
        body = draw(st.sampled_from([b"Body\n", b"Body\n", b"", b"Caf\xc3\xa9\n", b"\xff bad\n"]))
        versions.append(("---\n" + "".join(groups) + "---\n").encode() + body)
    return versions


@settings(max_examples=300, deadline=None)
@given(file_versions())
def test_front_matter_reader_agrees_with_a_full_parse_of_every_version(versions) -> None:
    reader = FrontMatterReader()
    for raw in versions + versions:  # the second round comes from what was remembered
        assert reader.read(raw) == parse_front_matter(raw, "tasks/X-1.md")


def test_front_matter_reader_assembles_most_generated_versions_without_a_full_parse(
    monkeypatch,
) -> None:
    """The property above must be about the remembered groups, not only the fallback."""
    counts = {"read": 0, "full": 0}
    full_parse = historyread.parse_front_matter

    def counting(raw: bytes, rel: str) -> tuple:
        counts["full"] += 1
        return full_parse(raw, rel)

    monkeypatch.setattr(historyread, "parse_front_matter", counting)

    @settings(max_examples=300, derandomize=True, database=None, phases=[Phase.generate])
    @given(file_versions())
    def read_all(versions: list[bytes]) -> None:
        reader = FrontMatterReader()
        for raw in versions + versions:
            counts["read"] += 1
            reader.read(raw)

    read_all()
    assert counts["read"] >= 1000
    # A fifth of the generated lines are of shapes the fast path declines (as few real ones
    # are), so about 45% of versions fall back; more than half must be assembled.
    assert counts["full"] <= 0.5 * counts["read"], counts


def test_front_matter_reader_assembles_a_changed_version_from_known_lines(monkeypatch) -> None:
    reader = FrontMatterReader()
    first = b"---\ntitle: Fix it\nstatus: todo\nlabels:\n  - a\n  - b\n---\nBody\n"
    other = b"---\ntitle: Other\nstatus: done\n---\n"
    assert reader.read(first) == ({"title": "Fix it", "status": "todo", "labels": ["a", "b"]}, "")
    assert reader.read(other)[0] == {"title": "Other", "status": "done"}

    def no_parse(*args: object) -> None:
        raise AssertionError("no parse is needed now")

    monkeypatch.setattr(historyread, "parse_front_matter", no_parse)
    monkeypatch.setattr(historyread.fastyaml, "parse_simple", no_parse)
    changed = first.replace(b"status: todo", b"status: done").replace(b"Body", b"New body")
    assert reader.read(changed) == ({"title": "Fix it", "status": "done", "labels": ["a", "b"]}, "")


def test_front_matter_reader_leaves_repeated_keys_and_aliases_to_the_parser() -> None:
    reader = FrontMatterReader()
    assert reader.read(b"---\nstatus: todo\n---\n")[0] == {"status": "todo"}
    repeated = b"---\nstatus: todo\nstatus: todo\n---\n"
    assert reader.read(repeated) == parse_front_matter(repeated, "x.md")
    assert reader.read(repeated) == parse_front_matter(repeated, "x.md")  # remembered: same
    aliased = b"---\na: &x 1\nstatus: todo\nb: *x\n---\n"
    for raw in (aliased, aliased.replace(b"a: &x 1", b"a: &x 2")):
        assert reader.read(raw) == parse_front_matter(raw, "x.md")


def test_front_matter_reader_gives_what_the_loader_gives_for_odd_files() -> None:
    reader = FrontMatterReader()
    odd = [
        b"---\nstatus: todo\n---\n\xff body\n",  # the body is not UTF-8: nothing is read
        b"---\nstatus: todo # x\xc2\x85due: 2026-13-45\n---\n",  # NEL ends the comment
        b'---\nstatus: "a\x07"\n---\n',  # a control character
        b"---\nstatus: todo\n--- \nlabels: [a]\n---\n",  # the block ends at '--- '
        b"---\nnull: x\nstatus: todo\n---\n",  # a key that is not text
    ]
    for raw in odd + odd:
        assert reader.read(raw) == parse_front_matter(raw, "x.md"), raw
    assert reader.read(odd[0])[0] is None
    assert reader.read(odd[1])[0] == {"status": "todo", "due": "2026-13-45"}
    assert reader.read(odd[3])[0] == {"status": "todo"}
    assert reader.read(odd[4])[0] == {"status": "todo"}


RANDOM_VALUES = ["todo", "doing", "done", "2026-01-05", "'q: x'", "[a, b]", "yes", "[bad", ""]


def random_edit(rng: random.Random, text: str) -> str:
    """Change, add, drop or comment a front matter line, or change only the body."""
    head, _, rest = text[4:].partition("---\n")
    lines = head.splitlines()
    choice = rng.randrange(6)
    if choice <= 1 and lines:
        at = rng.randrange(len(lines))
        key = lines[at].split(":", 1)[0] or "status"
        lines[at] = f"{key}: {rng.choice(RANDOM_VALUES)}"
    elif choice == 2:
        lines.insert(
            rng.randrange(len(lines) + 1), f"{rng.choice(KEYS)}: {rng.choice(VALUE_WORDS)}"
        )
    elif choice == 3 and lines:
        del lines[rng.randrange(len(lines))]
    elif choice == 4:
        lines.insert(rng.randrange(len(lines) + 1), rng.choice(["# why", "", "  - x", "labels:"]))
    else:
        rest += f"More notes {rng.random()}.\n"
    return "---\n" + "".join(line + "\n" for line in lines) + "---\n" + rest


@pytest.mark.parametrize("seed", [1, 2])
def test_history_of_random_edits_is_the_history_of_full_parses(tmp_path: Path, seed) -> None:
    """Many versions of few files, with renames and deletions: what the fast reading gives
    (remembered lines, the last commit's files read first) is what parsing every version
    in full, in the log's order, gives."""
    rng = random.Random(seed)
    repo = Repo(tmp_path / "repo")
    texts = {f"tasks/T-{n}.md": task(status="todo", labels=["a", "b"]) for n in range(6)}
    repo.write(texts)
    repo.commit("Start", at_day(1))
    for step in range(30):
        path = rng.choice(sorted(texts))
        if rng.random() < 0.1:
            new_path = f"tasks/{rng.choice(['a', 'b'])}/{path.rsplit('/', 1)[1]}"
            if new_path not in texts:
                repo.move(path, new_path)
                texts[new_path] = texts.pop(path)
                path = new_path
        texts[path] = random_edit(rng, texts[path])
        (repo.root / path).write_text(texts[path], encoding="utf-8")
        repo.commit(f"Edit {path} (step {step})", at_day(2 + step % 20))
    fast = load(repo, use_cache=False)

    def full_parse(self: FrontMatterReader, raw: bytes) -> tuple:
        return parse_front_matter(raw, "tasks/X.md")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(FrontMatterReader, "read", full_parse)
        patch.setattr(historyread, "_tree_blobs", lambda *args: [])
        plain = load(repo, use_cache=False)
    assert fast.commits == plain.commits and fast.warnings == plain.warnings
    assert list(fast.tasks) == list(plain.tasks)
    for key, found in fast.tasks.items():
        assert found.events == plain.tasks[key].events
        assert found.mentions == plain.tasks[key].mentions


# -- git plumbing for a cold reconstruction ---------------------------------------------------


def test_blob_reader_reads_batches_given_later_and_reports_missing(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    texts = {f"tasks/A-{n}.md": task(status="todo", n=n) for n in range(40)}
    repo.write(texts)
    repo.commit("Start", at_day(1))
    listing = repo.git("ls-tree", "-r", "HEAD", "--", "tasks").split("\n")
    blobs = {line.split()[2]: texts[line.split("\t")[1]].encode() for line in listing}
    first, later = sorted(blobs)[:10], sorted(blobs)[10:]
    missing = "0" * 40
    log = gitio.Pending(repo.root, ["log", "--format=%H"])

    def batches():
        yield first  # read while the next batch waits for git log
        log.result()
        yield [*later * 100, missing]

    with log, gitio.BlobReader(repo.root) as reader:
        answers = list(reader.read_batches(batches()))
    assert [sha for sha, _ in answers] == [*first, *later * 100, missing]
    assert all(data == blobs[sha] for sha, data in answers[:-1])
    assert answers[-1] == (missing, None)


def test_blob_reader_raises_what_the_batches_raise_after_the_earlier_answers(
    tmp_path: Path,
) -> None:
    repo = Repo(tmp_path / "repo")
    repo.write({"tasks/A-1.md": task(status="todo")})
    repo.commit("Start", at_day(1))
    blob = repo.git("rev-parse", "HEAD:tasks/A-1.md")
    failing = gitio.Pending(repo.root, ["log", "--end-of-options", "no-such-branch", "--"])

    def batches():
        yield [blob]
        failing.result()
        yield [blob]

    seen = []
    with failing, gitio.BlobReader(repo.root) as reader, pytest.raises(gitio.GitError):
        seen.extend(sha for sha, _ in reader.read_batches(batches()))
    assert seen == [blob]


def test_pending_git_command_reports_its_failure(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    pending = gitio.Pending(repo.root, ["log", "--end-of-options", "nope", "--"])
    with pending, pytest.raises(gitio.GitError, match="does not know that revision"):
        pending.result()


def test_pending_git_command_reads_its_input_and_keeps_its_output_in_a_file(
    tmp_path: Path,
) -> None:
    repo = Repo(tmp_path / "repo")
    texts = {f"tasks/A-{n}.md": task(status="todo", n=n) for n in range(3)}
    repo.write(texts)
    repo.commit("Start", at_day(1))
    blobs = {repo.git("rev-parse", f"HEAD:{path}"): text for path, text in texts.items()}
    missing = "0" * 40
    given = "".join(f"{sha}\n" for sha in [*blobs, missing]).encode()
    with gitio.Pending(repo.root, ["cat-file", "--batch"], given) as reading:
        reading.output()  # git is done: its answers are all in the file
        answers = list(gitio.batch_answers(reading.output().fileno()))
    assert answers == [*((sha, text.encode()) for sha, text in blobs.items()), (missing, None)]


def _requests(patch: pytest.MonkeyPatch) -> list[str]:
    """The blobs a reconstruction asks git cat-file for, as it asks."""
    asked: list[str] = []
    read = historyread._Older.read

    def spy(self: historyread._Older, shas: list[str]) -> None:
        asked.extend(shas)
        read(self, shas)

    patch.setattr(historyread._Older, "read", spy)
    return asked


def test_the_working_tree_s_unchanged_files_stand_in_for_their_blobs(tmp_path: Path) -> None:
    """A cold history reads from the working tree only the files whose bytes are the blob
    git lists for them: an edited, a staged and a deleted file, a FIFO, and a file that git
    writes out differently (line endings) come from git. Either way the history is the one
    read from git alone."""
    repo = Repo(tmp_path / "repo")
    texts = {f"tasks/A-{n}.md": task(status="todo", n=n) for n in range(8)}
    (repo.root / ".gitattributes").write_text("tasks/crlf/*.md text eol=crlf\n")
    texts["tasks/crlf/A-9.md"] = task("A-9", status="todo")
    repo.write(texts)
    repo.commit("Start", at_day(1))
    for n in range(3):
        repo.write({f"tasks/A-{n}.md": task(status="doing", n=n)})
        repo.commit(f"Start A-{n}", at_day(2 + n))
    head_blob = {path: repo.git("rev-parse", f"HEAD:{path}") for path in texts}
    repo.write({"tasks/A-0.md": task(status="done", n=0)})  # edited, not committed
    repo.write({"tasks/A-1.md": task(status="done", n=1)})
    repo.git("add", "tasks/A-1.md")  # staged
    (repo.root / "tasks/A-2.md").unlink()  # deleted
    (repo.root / "tasks/A-3.md").unlink()
    os.mkfifo(repo.root / "tasks/A-3.md")  # not a file: opened without waiting, not read
    (repo.root / "tasks/crlf/A-9.md").unlink()
    repo.git("checkout", "--", "tasks/crlf/A-9.md")  # written out with CRLF line endings
    assert "A-9" not in repo.git("status", "--porcelain")
    assert (repo.root / "tasks/crlf/A-9.md").read_bytes().count(b"\r\n") > 1
    with pytest.MonkeyPatch.context() as patch:
        asked = _requests(patch)
        fast = load(repo, use_cache=False, uncommitted=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(historyread, "_tree_blobs", lambda *args: [])
        plain = load(repo, use_cache=False, uncommitted=False)
    changed = ["tasks/A-0.md", "tasks/A-1.md", "tasks/A-2.md", "tasks/A-3.md", "tasks/crlf/A-9.md"]
    for path in changed:
        assert head_blob[path] in asked, path
    for n in range(4, 8):
        assert head_blob[f"tasks/A-{n}.md"] not in asked
    assert fast.commits == plain.commits
    assert list(fast.tasks) == list(plain.tasks)
    for key, found in fast.tasks.items():
        assert found.events == plain.tasks[key].events


def test_a_sha256_repository_s_files_stand_in_for_their_blobs(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    subprocess.run(["git", "init", "-q", "--object-format=sha256", str(root)], check=True)
    repo = Repo(root)
    texts = {f"tasks/A-{n}.md": task(status="todo", n=n) for n in range(4)}
    repo.write(texts)
    repo.commit("Start", at_day(1))
    repo.write({"tasks/A-0.md": task(status="doing", n=0)})
    first = repo.commit("Start A-0", at_day(2))
    assert len(first) == 64
    with pytest.MonkeyPatch.context() as patch:
        asked = _requests(patch)
        history = load(repo, use_cache=False)
    tip = [repo.git("rev-parse", f"HEAD:{path}") for path in texts]
    assert not set(tip) & set(asked)  # every tip version came from the working tree
    assert [e.action for e in history.task("A-0").events] == ["created", "changed"]
    assert history.task("A-0").events[-1].fields["status"] == "doing"
