"""Inboxes and digests from a real git history: mentions, assignments, comments, status
changes and due dates, each for the right person, since the right moment."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner
from git_helpers import Repo

from worktext.check.pipeline import open_workspace
from worktext.cli import cli
from worktext.history.reconstruct import load_history
from worktext.plan.inbox import digest_markdown, inbox, relative_since

TODAY = dt.date(2026, 12, 3)
ANA = {"author": "Ana", "email": "ana@example.com"}
BEN = {"author": "Ben", "email": "ben@example.com"}


def workspace(tmp_path: Path) -> Repo:
    r = Repo(tmp_path / "ws")
    r.write(
        {
            "people/ana.md": "---\nname: Ana\nemail: ana@example.com\nteams: [web]\n---\n",
            "people/ben.md": "---\nname: Ben\nemail: ben@example.com\nteams: [web]\n---\n",
            "people/cy.md": "---\nname: Cy\nemail: cy@example.com\n---\n",
            "tasks/WEB-1.md": "---\ntitle: Launch\nstatus: todo\nassignee: ana\n---\n",
            "tasks/WEB-2.md": "---\ntitle: Old\ndue: 2026-12-01\nassignee: ben\n---\n",
            "tasks/WEB-3.md": "---\ntitle: Soon\ndue: 2026-12-05\nassignee: ben\n---\n",
        }
    )
    r.commit("Start", "2026-11-20T09:00:00+00:00", **ANA)
    r.write({"tasks/WEB-1.md": "---\ntitle: Launch\nstatus: doing\nassignee: [ana, ben]\n---\n"})
    r.commit("Start WEB-1 with ben", "2026-12-02T09:00:00+00:00", **ANA)
    r.write(
        {
            "comments/WEB-1/20261202T100000Z-cy-aaaaaaa.md": (
                "---\nauthor: cy\ndate: 2026-12-02T10:00:00Z\n---\nQuestion for @web\n"
            ),
            "comments/WEB-1/20261125T100000Z-cy-bbbbbbb.md": (
                "---\nauthor: cy\ndate: 2026-11-25T10:00:00Z\n---\nAn old one\n"
            ),
        }
    )
    r.commit("Cy asks @ana", "2026-12-02T10:00:00+00:00", author="Cy", email="cy@example.com")
    return r


def test_inbox_holds_what_happened_since_for_that_person(tmp_path: Path) -> None:
    r = workspace(tmp_path)
    ws = open_workspace(r.root, today=TODAY, use_cache=False)
    history = load_history(ws.config, use_cache=False)
    since = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
    ben = inbox(ws, ws.people.get("ben"), since, history)
    assert [(e.kind, e.item, e.summary) for e in ben.entries] == [
        ("mention", "WEB-1", "cy mentioned you in a comment: Question for @web"),
        ("assigned", "WEB-1", "ana assigned you WEB-1"),
        ("status", "WEB-1", "ana moved WEB-1 from todo to doing"),
        ("overdue", "WEB-2", "WEB-2 was due 2026-12-01"),
        ("due-soon", "WEB-3", "WEB-3 is due 2026-12-05"),
    ]
    ana = inbox(ws, ws.people.get("ana"), since, history)
    kinds = [(e.kind, e.item) for e in ana.entries]
    # Ana moved WEB-1 herself: no status entry; the commit and the comment mention her.
    assert sorted(kinds) == sorted([("mention", "WEB-1"), ("mention", r.head()[:7])])
    cy = inbox(ws, ws.people.get("cy"), since, history)  # commented on WEB-1: follows it
    assert [(e.kind, e.summary) for e in cy.entries] == [
        ("status", "ana moved WEB-1 from todo to doing")
    ]


def test_relative_since() -> None:
    now = dt.datetime(2026, 12, 3, 12, tzinfo=dt.timezone.utc)
    assert relative_since("1d", now) == dt.datetime(2026, 12, 2, 12, tzinfo=dt.timezone.utc)
    assert relative_since("12h", now) == dt.datetime(2026, 12, 3, 0, tzinfo=dt.timezone.utc)
    assert relative_since("2026-12-01", now) is None


def test_digest_is_markdown_with_escaped_text(tmp_path: Path) -> None:
    r = workspace(tmp_path)
    r.write(
        {"comments/WEB-1/20261202T110000Z-cy-ccccccc.md": "---\nauthor: cy\n---\n<b>[x](y) @ben\n"}
    )
    ws = open_workspace(r.root, today=TODAY, use_cache=False)
    since = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
    text = digest_markdown(inbox(ws, ws.people.get("ben"), since), "https://x.org/s", "p/b.html")
    assert text.startswith("# Ben: since 2026-12-01 00:00 UTC\n\n## Mentions\n")
    assert "cy mentioned you in a comment: \\<b\\>\\[x\\](y) @ben" in text
    assert "## Overdue\n\n- **WEB-2** Old: WEB-2 was due 2026-12-01\n" in text
    assert text.rstrip().endswith("Your inbox on the site: <https://x.org/s/p/b.html>")


def test_inbox_and_digest_commands(tmp_path: Path) -> None:
    r = workspace(tmp_path)
    r.git("config", "user.email", "ben@example.com")
    runner = CliRunner()
    base = ["-w", str(r.root), "--today", TODAY.isoformat()]
    result = runner.invoke(cli, [*base, "inbox", "--since", "2026-12-01", "-f", "json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["person"] == "ben"
    assert [e["kind"] for e in record["entries"]] == [
        "mention",
        "assigned",
        "status",
        "overdue",
        "due-soon",
    ]
    # Since a revision: only what came after it.
    start = r.git("rev-list", "--max-parents=0", "HEAD")
    result = runner.invoke(cli, [*base, "inbox", "ana", "--since", start])
    assert result.exit_code == 0, result.output
    assert "mention" in result.output and "WEB-1" in result.output
    out = tmp_path / "digests"
    result = runner.invoke(cli, [*base, "digest", "--since", "2d", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["ana.md", "ben.md", "cy.md"]
    assert "## Assigned to you" in (out / "ben.md").read_text(encoding="utf-8")


def test_starter_digest_workflow_keeps_secrets_out_of_the_repository(template_root: Path) -> None:
    import yaml

    text = (template_root / ".github/workflows/digest.yml").read_text(encoding="utf-8")
    workflow = yaml.safe_load(text)
    job = workflow["jobs"]["digest"]
    runs = "\n".join(step.get("run", "") for step in job["steps"])
    assert "worktext digest --since 1d --output digests" in runs
    # Credentials come only from GitHub's encrypted secrets, never from a file.
    assert job["env"]["SMTP_PASSWORD"] == "${{ secrets.SMTP_PASSWORD }}"
    assert "password" not in runs.lower().replace("$smtp_password", "")
    assert workflow["permissions"] == {"contents": "read"}


def test_status_changes_of_what_one_commented_on_reach_them(tmp_path: Path) -> None:
    r = workspace(tmp_path)
    r.write({"tasks/WEB-1.md": "---\ntitle: Launch\nstatus: done\nassignee: [ana, ben]\n---\n"})
    r.commit("Finish WEB-1", "2026-12-02T15:00:00+00:00", **ANA)
    ws = open_workspace(r.root, today=TODAY, use_cache=False)
    history = load_history(ws.config, use_cache=False)
    since = dt.datetime(2026, 12, 2, 12, tzinfo=dt.timezone.utc)
    cy = inbox(ws, ws.people.get("cy"), since, history)  # cy only commented on WEB-1
    assert [(e.kind, e.summary) for e in cy.entries] == [
        ("status", "ana moved WEB-1 from doing to done")
    ]
