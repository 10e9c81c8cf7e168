"""Comments: one file per comment, merged by git without conflict; the comment, comments and
show commands; the thread's order."""

from __future__ import annotations

import datetime as dt
import json
import logging
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TODAY
from git_helpers import Repo
from hypothesis import given
from hypothesis import strategies as st

from worktext import parallel
from worktext.check.pipeline import open_workspace
from worktext.cli import cli
from worktext.model import discussion_load
from worktext.model.config import load_config

PEOPLE = {
    "people/ana.md": "---\nname: Ana\nemail: ana@example.com\nteams: [web]\n---\n",
    "people/ben.md": "---\nname: Ben\nemail: ben@example.com\nteams: [web, ops]\n---\n",
    "tasks/WEB-1.md": "---\ntitle: Launch\nassignee: ana\n---\nNotes.\n",
}


def run(root: Path, *args: str) -> str:
    result = CliRunner().invoke(
        cli, ["-w", str(root), "--today", TODAY.isoformat(), *args], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return result.output


def repo(tmp_path: Path) -> Repo:
    repository = Repo(tmp_path / "ws")
    repository.write(PEOPLE)
    repository.commit("Start", "2026-12-01T09:00:00+00:00")
    return repository


def test_two_branches_comment_on_one_task_and_merge_without_conflict(tmp_path: Path) -> None:
    r = repo(tmp_path)
    r.git("checkout", "-q", "-b", "ana-branch")
    run(r.root, "comment", "WEB-1", "Ana's view", "--as", "ana", "--date", "2026-12-01T10:00:00Z")
    r.commit("Ana comments", "2026-12-01T10:00:00+00:00")
    r.git("checkout", "-q", "main")
    run(r.root, "comment", "WEB-1", "Ben's view", "--as", "ben", "--date", "2026-12-01T10:00:00Z")
    r.commit("Ben comments", "2026-12-01T10:05:00+00:00")
    merged = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "merge", "--no-edit", "ana-branch"],
        cwd=r.root,
        capture_output=True,
        text=True,
        env=__import__("git_helpers").git_env("2026-12-01T11:00:00+00:00"),
    )
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert "CONFLICT" not in merged.stdout
    ws = open_workspace(r.root, today=TODAY, use_cache=False)
    thread = ws.discussion.thread("WEB-1")
    assert sorted(c.author for c in thread) == ["ana", "ben"]
    assert {c.body.strip() for c in thread} == {"Ana's view", "Ben's view"}
    assert not [d for d in ws.diagnostics if d.path.startswith("comments/")]


def test_author_defaults_to_the_person_with_gits_email(tmp_path: Path) -> None:
    r = repo(tmp_path)
    r.git("config", "user.email", "BEN@example.com")
    out = run(r.root, "comment", "web-1", "Looks good", "--date", "2026-12-02T08:30:00Z")
    assert "created comments/WEB-1/20261202T083000Z-ben-" in out
    (path,) = (r.root / "comments" / "WEB-1").iterdir()
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\nauthor: ben\ndate: 2026-12-02T08:30:00Z\n---\nLooks good\n")


def test_unknown_email_is_a_clear_error(tmp_path: Path) -> None:
    r = repo(tmp_path)
    r.git("config", "user.email", "nobody@example.com")
    result = CliRunner().invoke(cli, ["-w", str(r.root), "comment", "WEB-1", "hi"])
    assert result.exit_code != 0
    assert "no person file has 'email: nobody@example.com'" in result.output
    assert not (r.root / "comments").exists()


def test_replies_follow_what_they_answer_in_show_and_comments(tmp_path: Path) -> None:
    r = repo(tmp_path)
    run(r.root, "comment", "WEB-1", "First", "--as", "ana", "--date", "2026-12-01T10:00:00Z")
    run(r.root, "comment", "WEB-1", "Second", "--as", "ben", "--date", "2026-12-01T12:00:00Z")
    ws = open_workspace(r.root, today=TODAY, use_cache=False)
    first = ws.discussion.thread("WEB-1")[0]
    run(
        r.root,
        *("comment", "WEB-1", "Answer", "--as", "ben"),
        *("--reply-to", first.hash, "--date", "2026-12-01T13:00:00Z"),
    )
    records = json.loads(run(r.root, "comments", "WEB-1", "--format", "json"))
    assert [(c["body"].strip(), c["depth"]) for c in records] == [
        ("First", 0),
        ("Answer", 1),
        ("Second", 0),
    ]
    assert records[1]["reply_to"] == first.id
    shown = json.loads(run(r.root, "show", "WEB-1", "--format", "json"))
    assert [c["id"] for c in shown["comments"]] == [c["id"] for c in records]
    text = run(r.root, "show", "WEB-1")
    assert "comments (3):" in text
    assert f"replying to {first.hash}" in text
    assert text.index("First") < text.index("Answer") < text.index("Second")


def test_reply_to_a_missing_comment_is_refused(tmp_path: Path) -> None:
    r = repo(tmp_path)
    result = CliRunner().invoke(
        cli, ["-w", str(r.root), "comment", "WEB-1", "x", "--as", "ana", "--reply-to", "abc"]
    )
    assert result.exit_code != 0
    assert "WEB-1 has no comment 'abc'" in result.output


def test_comment_on_nothing_and_an_unknown_author_are_reported(tmp_path: Path) -> None:
    r = repo(tmp_path)
    r.write(
        {
            "comments/NOPE-1/20261201T100000Z-ana-aaaaaaa.md": (
                "---\nauthor: ana\ndate: 2026-12-01T10:00:00Z\n---\nHi\n"
            ),
            "comments/WEB-1/20261201T100000Z-zed-bbbbbbb.md": (
                "---\nauthor: zed\ndate: 2026-12-01T10:00:00Z\nreply_to: ccc\n---\nHi\n"
            ),
            "comments/WEB-1/20261201T110000Z-ana-ddddddd.md": "---\ndate: yesterday\n---\nHi\n",
        }
    )
    ws = open_workspace(r.root, today=TODAY, use_cache=False)
    got = sorted(
        (d.path.rsplit("/", 1)[-1], d.line, d.code)
        for d in ws.diagnostics
        if d.path.startswith("comments/")
    )
    assert got == [
        ("20261201T100000Z-ana-aaaaaaa.md", 1, "invalid-comment"),
        ("20261201T100000Z-zed-bbbbbbb.md", 1, "invalid-comment"),
        ("20261201T100000Z-zed-bbbbbbb.md", 2, "guest"),
        ("20261201T110000Z-ana-ddddddd.md", 1, "invalid-comment"),
    ]


def test_a_new_comment_changes_the_cached_check(tmp_path: Path) -> None:
    r = repo(tmp_path)
    first = open_workspace(r.root, today=TODAY)
    assert first.discussion.thread("WEB-1") == []
    r.write({"comments/WEB-1/20261201T100000Z-ana-aaaaaaa.md": "---\nauthor: ana\n---\n@zedd\n"})
    second = open_workspace(r.root, today=TODAY)
    assert second.input_key is None  # a comment this new is not trusted from the cache
    assert [c.author for c in second.discussion.thread("WEB-1")] == ["ana"]
    assert [d.code for d in second.diagnostics] == ["unknown-mention"]


def test_check_since_reports_editing_and_deleting_someone_elses_comment(tmp_path: Path) -> None:
    from worktext.history.reconstruct import load_history
    from worktext.history.since import since_diagnostics

    r = repo(tmp_path)
    ana = "comments/WEB-1/20261201T100000Z-ana-aaaaaaa.md"
    ben = "comments/WEB-1/20261201T110000Z-ben-bbbbbbb.md"
    own = "comments/WEB-1/20261201T120000Z-ben-ccccccc.md"
    gone = "comments/WEB-1/20261201T130000Z-ana-ddddddd.md"
    r.write(
        {
            gone: "---\nauthor: ana\n---\nSoon gone\n",
            ana: "---\nauthor: ana\n---\nMine\n",
            ben: "---\nauthor: ben\n---\nBen's\n",
            own: "---\nauthor: ben\n---\nBen's too\n",
        }
    )
    r.commit("Comments", "2026-12-01T12:00:00+00:00")
    r.git("branch", "base")
    ben_is = {"author": "Ben", "email": "ben@example.com"}
    r.write({ana: "---\nauthor: ana\n---\nRewritten by Ben\n", own: "---\nauthor: ben\n---\nFix\n"})
    r.remove(ben, gone)
    r.commit("Tidy the thread @ops @opz", "2026-12-02T12:00:00+00:00", **ben_is)
    ws = open_workspace(r.root, today=TODAY, use_cache=False)
    history = load_history(ws.config, use_cache=False)
    got = [(d.path, d.code, d.message) for d in since_diagnostics(ws.config, ws, "base", history)]
    short = r.head()[:7]
    assert got == [
        (ana, "comment-edited", "ben edited a comment by ana"),
        (gone, "comment-edited", "ben deleted a comment by ana"),
        (
            f"commit {short}",
            "unknown-mention",
            "the commit message's '@opz' is no person and no team",
        ),
    ]


def test_mentions_and_links_are_reported_at_their_columns() -> None:
    fixture = Path(__file__).parent / "fixtures" / "check" / "discussion"
    ws = open_workspace(fixture, today=TODAY, use_cache=False)
    got = {(d.path, d.line, d.column, d.code, d.hint) for d in ws.diagnostics}
    assert ("tasks/T-1.md", 4, 24, "unknown-mention", "did you mean '@ana'?") in got
    comment = "comments/T-1/20261120T100000Z-ana-aaaaaaa.md"
    assert (comment, 5, 4, "unknown-mention", "did you mean '@web'?") in got  # a team
    broken = sorted((d.path, d.line, d.column) for d in ws.diagnostics if d.code == "broken-link")
    assert broken == [
        (comment, 5, 49),
        ("docs/spec.md", 4, 49),
        ("tasks/T-1.md", 6, 27),
        ("tasks/T-1.md", 6, 46),
    ]


def test_backlog_md_documents_and_decisions_are_documents(make_workspace) -> None:  # type: ignore[no-untyped-def]
    root = make_workspace(
        {
            "backlog/tasks/task-1 - Start.md": "---\nid: task-1\ntitle: Start\n---\n",
            "backlog/docs/doc-1 - Setup.md": (
                "---\nid: doc-1\ntitle: Setup guide\ntype: spec\n---\nSee "
                "[task-1](../tasks/task-1%20-%20Start.md).\n"
            ),
            "backlog/decisions/decision-1 - Use git.md": (
                "---\nid: decision-1\ntitle: Use git\ndate: 2026-11-02\nstatus: accepted\n---\n"
            ),
        },
        config=(
            "name: B\nfolders:\n  tasks: backlog/tasks\n  docs: [backlog/docs, backlog/decisions]\n"
        ),
    )
    ws = open_workspace(root, today=TODAY, use_cache=False)
    docs = {d.id: (d.title, d.type, d.status, d.date) for d in ws.discussion.documents.values()}
    assert docs == {
        "doc-1": ("Setup guide", "spec", None, None),
        "decision-1": ("Use git", "decision", "accepted", dt.date(2026, 11, 2)),
    }
    assert [d.code for d in ws.diagnostics] == []


def test_adopting_backlog_md_reads_its_docs_and_decisions_as_documents(tmp_path: Path) -> None:
    from test_adopt import BACKLOG_MD, adopt, write

    root = write(tmp_path / "repo", BACKLOG_MD)
    result = adopt(root)
    assert result.exit_code == 0, result.output
    assert "backlog/docs, backlog/decisions: documents" in result.output
    assert "  docs: [backlog/docs, backlog/decisions]\n" in (root / "worktext.yml").read_text()
    ws = open_workspace(root, today=TODAY, use_cache=False)
    docs = {d.id: (d.title, d.type) for d in ws.discussion.documents.values()}
    assert docs == {"doc-1": ("Architecture", "note"), "decision-1": ("Use Python", "decision")}
    assert sorted(d.code for d in ws.diagnostics) == ["guest"]  # as before: '@codex'


def test_comments_and_documents_are_never_items_of_a_root_task_folder(make_workspace) -> None:  # type: ignore[no-untyped-def]
    root = make_workspace(
        {
            "fix-login.md": "---\ntitle: Fix login\n---\n",
            "comments/fix-login/20261120T100000Z-ana-aaaaaaa.md": "---\nauthor: ana\n---\nHi\n",
            "docs/plan.md": "# Plan\n",
        },
        config="name: P\nfolders:\n  tasks: ['.']\n",
    )
    ws = open_workspace(root, today=TODAY, use_cache=False)
    assert [t.id for t in ws.tasks] == ["fix-login"]
    assert [c.author for c in ws.discussion.thread("fix-login")] == ["ana"]
    assert list(ws.discussion.documents) == ["plan"]


def test_comment_rows_come_from_the_cache_and_one_new_comment_is_parsed_alone(
    tmp_path: Path,
    monkeypatch,
    caplog,  # type: ignore[no-untyped-def]
) -> None:
    import logging

    from worktext.load import cache
    from worktext.model.config import load_config
    from worktext.model.discussion_load import load_discussion

    monkeypatch.setattr(cache, "RACY_NS", 0)  # trust files this new, for the test
    r = repo(tmp_path)
    for n in range(5):
        r.write(
            {f"comments/WEB-1/20261201T10000{n}Z-ana-{n:07d}.md": f"---\nauthor: ana\n---\n{n}\n"}
        )
    config, _ = load_config(r.root)
    logger = logging.getLogger("worktext.model.discussion_load")
    logger.addHandler(caplog.handler)  # the CLI's tests stop worktext's log propagating
    try:
        with caplog.at_level(logging.INFO, logger="worktext.model.discussion_load"):
            first = load_discussion(config)
            new = "comments/WEB-1/20261201T110000Z-ben-bbbbbbb.md"
            r.write({new: "---\nauthor: ben\n---\nNew\n"})
            second = load_discussion(config)
            third = load_discussion(config)
    finally:
        logger.removeHandler(caplog.handler)
    parsed = list(dict.fromkeys(m for m in caplog.messages if "comments and documents" in m))
    assert parsed == [
        "5 comments and documents: 5 parsed",
        "6 comments and documents: 1 parsed",
        "6 comments and documents: 0 parsed",
    ]
    assert len(first.thread("WEB-1")) == 5
    assert [c.body for c in second.thread("WEB-1")] == [c.body for c in third.thread("WEB-1")]
    assert first.fingerprint != second.fingerprint == third.fingerprint


COMMENT = "---\nauthor: ana\ndate: 2026-11-01T10:00:00Z\n---\nLooks good.\n"


def test_the_scan_of_many_comment_folders_is_shared_with_a_fork(
    make_workspace,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    split_counts: list[int],
) -> None:
    """With many items' folders, a fork walks every other one: the same files, the same keys,
    as one process finds, and what is no comment is left out in both."""
    files = {f"comments/T-{n}/20261101T10000{n % 10}Z-ana.md": COMMENT for n in range(30)}
    files["comments/T-3/nested/20261102T100000Z-bo.md"] = COMMENT  # the item 'T-3/nested'
    files["comments/T-4/README.md"] = "# not a comment\n"
    files["comments/loose.md"] = COMMENT  # in no item's folder
    files["comments/_drafts/20261101T100000Z-ana.md"] = COMMENT
    files["comments/.hidden/20261101T100000Z-ana.md"] = COMMENT
    files["docs/spec.md"] = "---\ntitle: Spec\n---\nText.\n"
    root = make_workspace(files)
    (root / "comments" / "T-5" / "linked.md").symlink_to(
        root / "comments/T-6" / next(p.name for p in (root / "comments/T-6").iterdir())
    )
    config, _ = load_config(root)
    monkeypatch.setattr(discussion_load, "PARALLEL_MIN_FOLDERS", 10)
    monkeypatch.setenv(parallel.JOBS_ENV, "1")
    alone = discussion_load.scan_discussion(config)
    assert split_counts == []  # one process: nothing split
    monkeypatch.setenv(parallel.JOBS_ENV, "2")
    with caplog.at_level("WARNING", logger="worktext.parallel"):
        shared = discussion_load.scan_discussion(config)
    assert split_counts == [2] and caplog.records == []  # the fork's share came back
    assert shared.jobs == alone.jobs and list(shared.keys.items()) == list(alone.keys.items())
    rels = [rel for _kind, rel, _key in alone.jobs]
    assert len(rels) == 30 + 1 + 1 + 1  # each item's, the nested one, the link, the document
    assert ("comment", "comments/T-3/nested/20261102T100000Z-bo.md", "T-3/nested") in alone.jobs
    assert "comments/T-5/linked.md" in rels and "docs/spec.md" in rels
    assert not any("README" in r or "loose" in r or "_drafts" in r or ".hidden" in r for r in rels)


def test_a_first_read_walks_and_reads_in_one_pass_as_a_scan_then_a_parse_does(
    make_workspace,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    split_counts: list[int],
) -> None:
    """With nothing in the cache, the folders are walked and read at once, shared with a fork
    by bucket; the fork keeps its buckets itself. What comes out is what a scan and a parse
    give: the same comments, documents, problems, stat keys and fingerprint; and the next read
    takes every row from the cache."""
    from worktext.load import cache

    monkeypatch.setattr(cache, "RACY_NS", 0)  # trust files this new, for the test
    files = {f"comments/T-{n}/20261101T10000{n % 10}Z-ana.md": COMMENT for n in range(30)}
    files["comments/T-3/nested/20261102T100000Z-bo.md"] = COMMENT
    files["comments/T-4/README.md"] = "# not a comment\n"
    files["comments/T-7/20261103T100000Z-ana.md"] = "---\nauthor: ana\r\n---\r\nCRLF.\r\n"
    files["comments/T-8/20261103T100000Z-bo.md"] = "---\nauthor: [not, a, name]\n---\nBad.\n"
    files["docs/spec.md"] = "---\ntitle: Spec\ntype: memo\n---\nText.\n"
    root = make_workspace(files)
    config, _ = load_config(root)
    monkeypatch.setattr(discussion_load, "PARALLEL_MIN_FOLDERS", 10)
    monkeypatch.setenv(parallel.JOBS_ENV, "2")
    scanned = discussion_load.scan_discussion(config)
    expected = discussion_load.load_discussion(config, use_cache=False, scanned=scanned)
    split_counts.clear()
    logger = logging.getLogger("worktext")
    logger.addHandler(caplog.handler)  # the CLI's tests stop worktext's log propagating
    try:
        with caplog.at_level("INFO", logger="worktext"):
            first = discussion_load.load_discussion(config)
            assert split_counts == [2]  # one pass, shared with a fork
            kept = sorted(p.name for p in cache.cache_dir(root).glob("comments-*.marshal"))
            second = discussion_load.load_discussion(config)
    finally:
        logger.removeHandler(caplog.handler)
    assert "worker" not in caplog.text
    buckets = {discussion_load._bucket(job) for job in scanned.jobs}
    assert kept == sorted(f"comments-{bucket}.marshal" for bucket in buckets)
    for found in (first, second):
        assert found.comments == expected.comments
        assert found.documents == expected.documents
        assert found.diagnostics == expected.diagnostics
        assert found.digests == expected.digests
        assert found.fingerprint == expected.fingerprint
        assert found.fingerprint == discussion_load.discussion_fingerprint(config)
    assert {d.code for d in first.diagnostics} >= {"invalid-comment", "invalid-value"}
    parsed = [m for m in caplog.messages if "comments and documents" in m]
    assert parsed == ["34 comments and documents: 34 parsed", "34 comments and documents: 0 parsed"]


def _reference_depth(comment, comments):  # type: ignore[no-untyped-def]
    """How deep a reply is, found as the thread's first version did: a search per step."""
    from worktext.model.discussion import find_comment

    depth, current, seen = 0, comment, set()
    while current.reply_to and current.id not in seen:
        seen.add(current.id)
        parent = find_comment(comments, current.reply_to)
        if parent is None:
            break
        depth, current = depth + 1, parent
    return depth


@given(
    st.lists(
        st.tuples(st.sampled_from("abcdef"), st.one_of(st.none(), st.sampled_from("abcdefxyz"))),
        max_size=12,
    )
)
def test_depths_are_each_replys_depth_in_the_thread(links: list[tuple[str, str | None]]) -> None:
    """Ids may repeat and replies may come round in a circle or name a hash: each depth is
    the one a search along the thread finds."""
    from worktext.model.discussion import Comment, depths

    comments = [
        Comment(f"20261101T1000{n:02d}Z-ana-{name}", "T-1", f"c/{n}.md", "ana", None, "", reply)
        for n, (name, reply) in enumerate(links)
    ]
    assert depths(comments) == [_reference_depth(c, comments) for c in comments]
