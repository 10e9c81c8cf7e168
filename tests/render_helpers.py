"""A small fixed workspace for the site's tests: two projects, an ongoing area, three people,
a goal, dependencies, milestones, time away; and a hostile one whose text tries to run script."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from worktext.check.pipeline import open_workspace
from worktext.model.workspace import Workspace

TODAY = dt.date(2026, 11, 23)

CONFIG = """\
name: Acme Team
repo_url: https://git.example.org/acme/work
branch: main
site:
  title: Acme · Work
"""

FILES = {
    "workflows/flow.md": """
        ---
        title: Delivery
        states:
          - {id: todo, title: To do, category: todo}
          - {id: doing, title: Doing, category: active, wip: 1}
          - {id: review, title: Review, category: active}
          - {id: done, title: Done, category: done}
        ---
        """,
    "projects/site.md": """
        ---
        title: New website
        owner: ana
        workflow: flow
        start: 2026-11-02
        deadline: 2026-12-18
        goal: grow
        milestones:
          - {id: beta, title: Beta, date: 2026-12-04}
        ---
        The **new** website. See [the plan](../tasks/S-1.md).
        """,
    "projects/ops.md": """
        ---
        title: Operations
        kind: ongoing
        workflow: flow
        ---
        Keeping the lights on.
        """,
    "people/ana.md": """
        ---
        name: Ana Lima
        email: ana@example.org
        capacity: 40h
        away:
          - {from: 2026-11-26, to: 2026-11-27, note: Holiday}
        ---
        """,
    "people/bo.md": "---\nname: Bo Chen\ncapacity: 32h\n---\n",
    "people/cy.md": "---\nname: Cy Diaz\n---\n",
    "goals/grow.md": "---\ntitle: Grow sign-ups\nowner: ana\ndue: 2027-03-31\n---\nTwice.\n",
    "tasks/S-1.md": """
        ---
        title: Plan the sitemap
        project: site
        status: done
        assignee: ana
        start: 2026-11-02
        due: 2026-11-06
        estimate: 2d
        labels: [plan]
        ---
        # Plan the sitemap

        - [x] list pages
        - [x] agree
        """,
    "tasks/S-2.md": """
        ---
        title: Build the pages
        project: site
        status: doing
        assignee: [ana, bo]
        priority: high
        start: 2026-11-16
        due: 2026-11-27
        estimate: 40h
        depends_on: [S-1]
        milestone: beta
        labels: [web, build]
        log:
          - {date: 2026-11-17, duration: 8h, who: ana}
        ---
        Build them. Links: [spec](https://example.org/spec), [bad](javascript:alert(1)).

        - [x] home
        - [ ] pricing
        - [ ] about
        """,
    "tasks/S-3.md": """
        ---
        title: Launch
        project: site
        status: todo
        assignee: bo
        priority: urgent
        start: 2026-12-07
        estimate: 3d
        depends_on: [S-2]
        ---
        """,
    "tasks/S-4.md": """
        ---
        title: Write the copy
        project: site
        status: review
        assignee: cy
        due: 2026-11-20
        estimate: 6h
        ---
        """,
    "tasks/S-5.md": """
        ---
        title: Pick a font
        project: site
        status: doing
        priority: low
        ---
        """,
    "tasks/O-1.md": """
        ---
        title: Renew the certificate
        project: ops
        status: todo
        assignee: cy
        created: 2026-10-01
        due: 2026-11-25
        estimate: 2h
        repeat: yearly
        ---
        """,
    "tasks/O-2.md": """
        ---
        title: Back up the wiki
        project: ops
        status: todo
        created: 2026-11-20
        ---
        """,
}

HOSTILE = "<script>alert(1)</script>"

HOSTILE_FILES = {
    "people/eve.md": f"---\nname: '{HOSTILE}'\n---\n<img src=x onerror=alert(2)>\n",
    "projects/evil.md": (
        "---\ntitle: '\"><svg onload=alert(3)>'\nmilestones:\n"
        f"  - {{id: m1, title: '{HOSTILE}', date: 2026-11-30}}\n---\n[x](javascript:alert(4))\n"
    ),
    "tasks/X-1.md": (
        f"---\ntitle: '{HOSTILE}'\nproject: evil\nassignee: eve\n"
        "labels: ['<b>bold</b>', '\"quote']\n"
        "due: 2026-11-24\nstart: 2026-11-20\n---\n"
        f'{HOSTILE}\n\n<iframe src="javascript:alert(5)"></iframe>\n\n'
        "[click](javascript:alert(6)) [data](data:text/html;base64,PHNjcmlwdD4=) "
        '![i](javascript:alert(7)) <a href="javascript:alert(8)">a</a>\n\n'
        "</script><script>alert(9)</script> \u2028 {{ 7*7 }}\n"
    ),
    "tasks/X-2.md": (
        "---\ntitle: 'Ok </textarea><style>body{display:none}</style>'\nproject: evil\n---\n"
    ),
}

BROKEN = {"tasks/BAD-1.md": "---\ntitle: [unclosed\n---\nbody\n"}


def write(root: Path, files: dict[str, str], config: str = CONFIG) -> Path:
    import textwrap

    root.mkdir(parents=True, exist_ok=True)
    (root / "worktext.yml").write_text(config, encoding="utf-8")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def fixture_workspace(root: Path, extra: dict[str, str] | None = None) -> Workspace:
    write(root, {**FILES, **(extra or {})})
    return open_workspace(root, TODAY, use_cache=False)
