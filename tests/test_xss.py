"""XSS: payloads from payloadbox's list (tests/fixtures/xss, MIT) in every place of the site that
shows user text, every page opened in headless Chromium, with the page's Content-Security-Policy
and without it. No dialog may open and no inline code may even be attempted (the CSP would
report it): what a file holds is always shown as text.

The sinks: a task's title, body, labels, priority and status (both echoed by diagnostics), a
custom key, a time log note, start and due (timeline, calendar), a recurring task's title; a
person's name, teams and time away; a project's title, body and milestone; a goal's title and
body; a workflow's title and state titles; the site's title; a commit's author and subject (the
task's history and mentions); the search index, searched in the page. CI places a fixed sample
of payloads; the whole list runs with ``WORKTEXT_XSS_FULL=1``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from worktext.check.pipeline import open_workspace
from worktext.render.build import build_site

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TODAY = dt.date(2026, 11, 23)
PAYLOADS = (Path(__file__).parent / "fixtures" / "xss" / "payloads.txt").read_text("utf-8")
ALL = [line for line in PAYLOADS.splitlines() if line.strip()]
SAMPLE = ALL[:: len(ALL) // 240][:240]  # spread over the list: every kind of payload
BATCH = 120
GROUPS = 12  # people, projects and goals are made for the first few payloads of a batch

pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is not installed (apt-get install chromium)"
)

# Listens before any of the page's own code: a CSP violation means markup of a payload reached
# the DOM as markup (and was only stopped by the policy).
WATCH = """
window.__worktextViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__worktextViolations.push(e.violatedDirective + " " + (e.sample || ""));
});
"""


def q(text: str) -> str:
    """A YAML double-quoted scalar: JSON's string syntax is YAML's."""
    return json.dumps(text, ensure_ascii=False)


def write_workspace(root: Path, payloads: list[str]) -> None:
    groups = payloads[:GROUPS]
    files: dict[str, str] = {
        "worktext.yml": (
            f"name: XSS\nsite:\n  title: {q(payloads[0])}\ndefault_workflow: wf\n"
            "fields:\n  customer:\n    type: string\n"
        ),
        "workflows/wf.md": (
            f"---\ntitle: {q(payloads[1 % len(payloads)])}\nstates:\n"
            f"  - {{id: todo, title: {q(payloads[2 % len(payloads)])}, category: todo}}\n"
            f"  - {{id: doing, title: {q(payloads[3 % len(payloads)])}, category: active}}\n"
            "  - {id: done, category: done}\n---\n"
        ),
    }
    for n, text in enumerate(groups):
        files[f"people/p{n}.md"] = (
            f"---\nname: {q(text)}\nteams: [{q(text)}]\n"
            f"away:\n  - {{from: 2026-11-25, to: 2026-11-26, note: {q(text)}}}\n---\n{text}\n"
        )
        files[f"projects/proj{n}.md"] = (
            f"---\ntitle: {q(text)}\ngoal: g{n}\n"
            f"milestones:\n  - {{id: m1, title: {q(text)}, date: 2026-12-0{n % 9 + 1}}}\n---\n"
            f"{text}\n"
        )
        files[f"goals/g{n}.md"] = f"---\ntitle: {q(text)}\n---\n{text}\n"
    for n, text in enumerate(payloads):
        group = n % len(groups)
        status = "doing" if n % 3 else "todo"
        extra = f"status: {q(text)}\n" if n % 7 == 3 else f"status: {status}\n"
        extra += "repeat: weekly\n" if n % 11 == 5 else ""
        files[f"tasks/P-{n}.md"] = (
            f"---\ntitle: {q(text)}\nproject: proj{group}\nassignee: p{group}\n"
            f"milestone: m1\nlabels: [{q(text)}]\npriority: {q(text)}\ncustomer: {q(text)}\n"
            f"start: 2026-11-2{n % 8}\ndue: 2026-12-{n % 27 + 1:02d}\nestimate: 4h\n{extra}"
            f"log:\n  - {{date: 2026-11-20, duration: 1h, who: p{group}, note: {q(text)}}}\n"
            f"---\n{text}\n\n- [ ] {text}\n"
        )
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def git(root: Path, *args: str, author: str = "A <a@example.com>") -> None:
    name, _, email = author.partition(" <")
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email.rstrip(">"),
        "GIT_COMMITTER_NAME": "worktext tests",
        "GIT_COMMITTER_EMAIL": "tests@example.com",
        "GIT_AUTHOR_DATE": "2026-11-20T10:00:00+00:00",
        "GIT_COMMITTER_DATE": "2026-11-20T10:00:00+00:00",
    }
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def build(root: Path, payloads: list[str], out: Path) -> None:
    write_workspace(root, payloads)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Start")
    for n, text in enumerate(payloads[:GROUPS]):  # history: authors and subjects
        path = root / "tasks" / f"P-{n}.md"
        path.write_text(path.read_text("utf-8").replace("estimate: 4h", "estimate: 5h"), "utf-8")
        author = text.replace("<", "(").replace(">", ")").replace("\n", " ")[:60] or "x"
        git(root, "commit", "-q", "-am", f"{text} P-{(n + 1) % GROUPS}", author=f"{author} <e@x>")
    build_site(open_workspace(root, TODAY, use_cache=False), out, jobs=1)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield chromium
        chromium.close()


def without_csp(site: Path, copy: Path) -> Path:
    """The site with every page's Content-Security-Policy removed: escaping alone must hold."""
    shutil.copytree(site, copy)
    for page in copy.rglob("*.html"):
        text = page.read_text("utf-8")
        start = text.index('<meta http-equiv="Content-Security-Policy"')
        end = text.index(">", start) + 1
        page.write_text(text[:start] + text[end:], "utf-8")
    return copy


def visit(browser: object, site: Path, queries: list[str]) -> list[str]:
    """Open every page, and run the search with each of ``queries``: what went wrong."""
    context = browser.new_context()  # type: ignore[attr-defined]
    context.add_init_script(WATCH)
    page = context.new_page()
    problems: list[str] = []

    def dialog(d: object) -> None:
        problems.append(f"dialog on {page.url}: {d.message}")  # type: ignore[attr-defined]
        d.dismiss()  # type: ignore[attr-defined]

    page.on("dialog", dialog)
    for html in sorted(site.rglob("*.html")):
        page.goto(html.as_uri())
        page.wait_for_load_state("load")
        violations = page.evaluate("window.__worktextViolations")
        problems.extend(f"CSP blocked {v} on {html.relative_to(site)}" for v in violations)
    search = (site / "search.html").as_uri()
    for text in queries:
        page.goto(search)
        page.fill("#q", text[:40])
        page.wait_for_timeout(20)
        violations = page.evaluate("window.__worktextViolations")
        problems.extend(f"CSP blocked {v} searching {text!r}" for v in violations)
    context.close()
    return problems


def batches() -> list[list[str]]:
    chosen = ALL if os.environ.get("WORKTEXT_XSS_FULL") else SAMPLE
    return [chosen[i : i + BATCH] for i in range(0, len(chosen), BATCH)]


@pytest.mark.parametrize("batch", range(len(batches())))
def test_no_payload_runs_anywhere_on_the_site(browser: object, tmp_path: Path, batch: int) -> None:
    payloads = batches()[batch]
    site = tmp_path / "site"
    build(tmp_path / "ws", payloads, site)
    assert len(list(site.rglob("*.html"))) > len(payloads)
    queries = payloads[:GROUPS]
    problems = visit(browser, site, queries)
    problems += visit(browser, without_csp(site, tmp_path / "bare"), queries)
    assert not problems, "\n".join(problems[:20])
