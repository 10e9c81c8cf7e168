"""A seeded, deterministic generator of a realistic worktext workspace for benchmarks.

    python benchmarks/generate.py OUT --tasks 10000 --projects 50 --people 40 [--seed 1]

or, from another benchmark (with the repository root on ``sys.path``)::

    from benchmarks.generate import generate
    generate(Path("ws"), tasks=10_000, projects=50, people=40, seed=1)

The result checks with zero errors and zero warnings: every reference resolves, dependencies
and parents point only at lower-numbered tasks of the same project (so there are no cycles),
states that require keys get them, and WIP limits are set above the counts that occur. The
same seed always gives byte-identical files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

EPOCH = dt.date(2025, 1, 1)  # dates spread over two years from here
SPAN_DAYS = 730

# workflow id → [(state id, title, category, requires)]; WIP limits are filled in later.
WORKFLOWS: dict[str, list[tuple[str, str, str, tuple[str, ...]]]] = {
    "default": [
        ("backlog", "Backlog", "backlog", ()),
        ("todo", "To do", "todo", ()),
        ("doing", "Doing", "active", ()),
        ("review", "In review", "active", ("assignee",)),
        ("blocked", "Blocked", "blocked", ()),
        ("done", "Done", "done", ()),
        ("cancelled", "Cancelled", "cancelled", ()),
    ],
    "kanban": [
        ("ideas", "Ideas", "backlog", ()),
        ("ready", "Ready", "todo", ()),
        ("in-progress", "In progress", "active", ("assignee",)),
        ("testing", "Testing", "active", ()),
        ("done", "Done", "done", ()),
        ("wont-do", "Won't do", "cancelled", ()),
    ],
    "support": [
        ("new", "New", "todo", ()),
        ("triaged", "Triaged", "todo", ("priority",)),
        ("working", "Working", "active", ("assignee", "priority")),
        ("waiting", "Waiting on customer", "blocked", ()),
        ("resolved", "Resolved", "done", ()),
        ("closed", "Closed", "cancelled", ()),
    ],
}
WIP_CATEGORIES = ("active",)
# How often each category occurs among tasks: most old work is finished.
CATEGORY_WEIGHTS = {
    "backlog": 14,
    "todo": 16,
    "active": 12,
    "blocked": 4,
    "done": 48,
    "cancelled": 6,
}
PRIORITIES = ("low", "medium", "high", "urgent")
PRIORITY_WEIGHTS = (30, 40, 22, 8)


def _words(text: str, sep: str | None = None) -> list[str]:
    return text.split(sep)


# Vocabulary, as separated strings so the lists stay short on the page.
FIRST_NAMES = _words(
    "ana ben chen dara emil fatima gus hana ivan jules kofi lena mateo nadia omar priya quinn "
    "rosa sven tara umar vera wen xavi yara zoe aiko bruno carla dmitri elif farid greta hugo "
    "ines jonas kai lucia marek nora oskar"
)
SURNAMES = _words(
    "Silva Okafor Nguyen Müller Kowalski Haddad Larsen Rossi Tanaka Costa Novak Singh"
)
PROJECT_WORDS = _words(
    "web api mobile billing search infra data docs security onboarding payments checkout "
    "growth platform analytics design-system support ops identity notifications reporting "
    "integrations marketplace partner-portal compliance observability ml-ranking recommendations "
    "catalog inventory shipping pricing localisation accessibility performance auth-v2 sso "
    "desktop cli sdk webhooks admin audit backups migration cost-control hiring it-helpdesk "
    "legal finance events community"
)
MILESTONES = _words("discovery design alpha beta ga launch hardening retro")
AREAS = _words("frontend backend ux qa research bugs chores tech-debt docs release")
TEAMS = _words("platform product growth core mobile data sre design")
AWAY_NOTES = ["Holiday", "Conference", "Parental leave", "Training", "'Off: family'"]
LABELS = _words(
    "bug feature chore ux performance security tech-debt documentation refactor flaky-test "
    "customer-request regression accessibility i18n good-first-issue needs-design spike"
)
ESTIMATES = ["30m", "1h", "2h", "4h", "6h", "1d", "2d", "3d", "1.5d", "1w", "1w 2d", "90m"]
CUSTOMERS = ["Acme Corp", "Globex", "Initech: EMEA", "Umbrella", "Hooli", "Soylent", "Wayne Ent."]
VERBS = _words(
    "Fix|Add|Remove|Refactor|Document|Investigate|Migrate|Upgrade|Improve|Support|Test|Design|"
    "Speed up|Clean up|Review|Automate|Monitor|Deprecate",
    "|",
)
OBJECTS = _words(
    "login redirect|password reset email|invoice PDF export|search ranking|cache invalidation|"
    "nightly backup job|onboarding checklist|dark mode|CSV import|rate limiter|webhook retries|"
    "error pages|audit log|SSO with Okta|mobile push tokens|flaky payment test|release notes|"
    "dashboard filters|café menu translations|naïve date handling|API pagination|slow queries",
    "|",
)
TOPICS = _words("checkout|admin|reports|the API|billing|settings|signup|iOS|Android|CI", "|")
WORDS = _words(
    "the a we should users report that when after before this change our current flow page "
    "request returns fails slowly because cache is stale and retries are not bounded so it "
    "needs a clear owner plan data model test coverage edge cases rollout behind flag metrics "
    "dashboards show spikes during deploys customers notice latency on large accounts"
)
CODE_SNIPPETS = [
    [
        "```python",
        "def retry(call, attempts=3):",
        "    for _ in range(attempts):",
        "        if call():",
        "            return True",
        "    return False",
        "```",
    ],
    ["```sh", "curl -s https://api.example.com/v1/health | jq .status", "```"],
    ["```yaml", "limits:", "  requests_per_minute: 600", "  burst: 50", "```"],
    ["```sql", "SELECT id, created_at FROM invoices", "WHERE status = 'open'", "LIMIT 50;", "```"],
]
TEMPLATE = """---
title: Release {version}
params:
  - name: version
    required: true
  - name: owner
    default: ana
tasks:
  - key: freeze
    title: Code freeze for {version}
    assignee: "{owner}"
    duration: 1d
  - key: notes
    title: Write release notes for {version}
    offset: 1d
    duration: 2d
    estimate: 4h
    depends_on: [freeze]
    labels: [documentation]
  - key: ship
    title: Ship {version}
    offset: 3d
    duration: 1d
    depends_on: [freeze, notes]
---

# Release checklist

Creates the tasks of one release.
"""


def quote_if_needed(text: str, rng: random.Random) -> str:
    """Quote values YAML would misread, and a few others, the way people do."""
    if ": " in text or " #" in text or text[0] in "'\"[{&*!|>%@`" or rng.random() < 0.05:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if rng.random() < 0.03:
        return "'" + text.replace("'", "''") + "'"
    return text


class Text:
    """Plausible titles and Markdown bodies from a seeded random source."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def title(self) -> str:
        rng = self.rng
        title = f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}"
        if rng.random() < 0.25:
            title = f"{rng.choice(TOPICS).capitalize()}: {title[0].lower()}{title[1:]}"
        elif rng.random() < 0.2:
            title += f" in {rng.choice(TOPICS)}"
        return title

    def sentence(self) -> str:
        words = self.rng.choices(WORDS, k=self.rng.randint(6, 16))
        return " ".join(words).capitalize() + "."

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(1, 3)))

    def body(self, lines: int) -> str:
        """About ``lines`` lines of Markdown: paragraphs, lists, checklists, code, links."""
        rng = self.rng
        out: list[str] = []
        while len(out) < lines:
            roll = rng.random()
            if roll < 0.4:
                out += [self.sentence() for _ in range(rng.randint(1, 3))]
            elif roll < 0.6:
                out += [f"- {self.sentence()}" for _ in range(rng.randint(2, 5))]
            elif roll < 0.75:
                out += ["## Checklist", ""]
                out += [
                    f"- [{rng.choice(' xx')}] {rng.choice(VERBS).lower()} {rng.choice(OBJECTS)}"
                    for _ in range(rng.randint(2, 6))
                ]
            elif roll < 0.85:
                out += rng.choice(CODE_SNIPPETS)
            elif roll < 0.93:
                n = rng.randint(100, 9999)
                out.append(
                    f"See [the design doc](https://docs.example.com/d/{n}) and "
                    f"<https://tracker.example.com/issues/{n}>."
                )
            else:
                out += [f"{i}. {self.sentence()}" for i in range(1, rng.randint(3, 5))]
            out.append("")
        return "\n".join(out).rstrip("\n")


@dataclass
class ProjectSpec:
    id: str
    prefix: str
    kind: str
    workflow: str
    owner: str
    milestones: list[str] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    count: int = 0


def _date(offset: int) -> dt.date:
    return EPOCH + dt.timedelta(days=max(0, min(SPAN_DAYS + 120, offset)))


def _ids(words: list[str], count: int) -> list[str]:
    """``count`` distinct ids from ``words``, numbered once the words run out."""
    out = []
    for index in range(count):
        word = words[index % len(words)]
        out.append(word if index < len(words) else f"{word}{index // len(words) + 1}")
    return out


class Generator:
    def __init__(self, out: Path, tasks: int, projects: int, people: int, seed: int) -> None:
        self.out = out
        self.n_tasks = tasks
        self.rng = random.Random(seed)
        self.text = Text(self.rng)
        self.people = _ids(FIRST_NAMES, max(1, people))
        self.goals = ["grow-revenue", "reliability", "faster-delivery", "customer-love"]
        self.goals += ["reliability-uptime", "faster-ci", "self-serve"]
        self.projects = self._plan_projects(max(1, projects))
        self.files: dict[str, str] = {}

    # -- planning --------------------------------------------------------------------------

    def _plan_projects(self, count: int) -> list[ProjectSpec]:
        rng = self.rng
        specs = []
        for index, pid in enumerate(_ids(PROJECT_WORDS, count)):
            ongoing = index % 10 in (3, 7, 9)
            if ongoing:
                workflow = "support" if index % 2 else "kanban"
            else:
                workflow = rng.choice(["default", "default", "default", "kanban"])
            milestones = []
            if not ongoing:
                names = rng.sample(MILESTONES, rng.randint(2, 5))
                milestones = sorted(names, key=MILESTONES.index)
            goals = rng.sample(self.goals, rng.choice([0, 1, 1, 2]))
            areas = rng.sample(AREAS, rng.randint(2, 5))
            prefix = pid.upper().replace("-", "")
            owner = rng.choice(self.people)
            specs.append(
                ProjectSpec(
                    pid,
                    prefix,
                    "ongoing" if ongoing else "project",
                    workflow,
                    owner,
                    milestones,
                    goals,
                    areas,
                )
            )
        weights = [rng.uniform(0.3, 2.0) for _ in specs]
        general = max(0, self.n_tasks // 50)  # tasks without a project: the default area
        remaining = self.n_tasks - general
        total = sum(weights)
        for spec, weight in zip(specs, weights, strict=True):
            spec.count = int(remaining * weight / total)
        specs[0].count += remaining - sum(s.count for s in specs)
        default_area = ProjectSpec("", "GEN", "ongoing", "default", self.people[0])
        default_area.areas = ["misc"]
        default_area.count = general
        return [*specs, default_area]

    # -- writing ---------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        self.files["worktext.yml"] = self._config()
        for person in self.people:
            self.files[f"people/{person}.md"] = self._person(person)
        for goal in self.goals:
            self.files[f"goals/{goal}.md"] = self._goal(goal)
        self.files["templates/release.md"] = TEMPLATE
        self.files["templates/README.md"] = "# Templates\n\nReusable sets of tasks.\n"
        wip: Counter[tuple[str, str]] = Counter()
        for spec in self.projects:
            if spec.id:
                self.files[f"projects/{spec.id}.md"] = self._project(spec)
            for number in range(1, spec.count + 1):
                path, text, status = self._task(spec, number)
                self.files[path] = text
                wip[(spec.id, status)] += 1
        for workflow in WORKFLOWS:
            self.files[f"workflows/{workflow}.md"] = self._workflow(workflow, wip)
        self.out.mkdir(parents=True, exist_ok=True)
        for rel in sorted(self.files):
            path = self.out / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(self.files[rel].encode("utf-8"))
        kinds = Counter(rel.split("/")[0] for rel in self.files)
        return dict(sorted(kinds.items()))

    def _config(self) -> str:
        return (
            "# Generated by benchmarks/generate.py\n"
            "name: Benchmark Corp\n"
            "default_workflow: default\n"
            "hours_per_day: 8\n"
            "capacity: 40h\n"
            "repo_url: https://git.example.com/acme/work\n"
            "ids:\n  scheme: sequential\n"
            "fields:\n"
            "  customer:\n    type: string\n    doc: The customer who asked for it.\n"
            "  severity:\n    type: enum\n    values: [s1, s2, s3, s4]\n"
        )

    def _person(self, person: str) -> str:
        rng = self.rng
        name = f"{person.capitalize()} {rng.choice(SURNAMES)}"
        lines = ["---", f"name: {name}", f"email: {person}@example.com"]
        lines.append(f"capacity: {rng.choice(['40h', '40h', '32h', '24h', '4d'])}")
        teams = rng.sample(TEAMS, rng.randint(1, 2))
        lines.append(f"teams: [{', '.join(teams)}]")
        if rng.random() < 0.6:
            lines.append("away:")
            for _ in range(rng.randint(1, 3)):
                start = _date(rng.randrange(SPAN_DAYS))
                end = start + dt.timedelta(days=rng.randint(0, 14))
                lines.append(f"  - from: {start}\n    to: {end}")
                if rng.random() < 0.5:
                    lines.append(f"    note: {rng.choice(AWAY_NOTES)}")
        lines += ["---", "", f"# {name}", "", self.text.paragraph(), ""]
        return "\n".join(lines)

    def _goal(self, goal: str) -> str:
        rng = self.rng
        lines = ["---", f"title: {goal.replace('-', ' ').capitalize()}"]
        lines.append(f"owner: {rng.choice(self.people)}")
        lines.append(f"due: {_date(rng.randrange(300, SPAN_DAYS))}")
        lines.append(f"status: {rng.choice(['active', 'active', 'at-risk', 'proposed'])}")
        parent = next((g for g in self.goals if goal.startswith(g + "-")), None)
        if parent:
            lines.append(f"parent: {parent}")
        lines += ["---", "", self.text.paragraph(), ""]
        return "\n".join(lines)

    def _project(self, spec: ProjectSpec) -> str:
        rng = self.rng
        title = self.text.title().replace(":", " -")
        lines = ["---", f"title: {spec.id.replace('-', ' ').title()} — {title}"]
        lines.append(f"kind: {spec.kind}")
        lines.append(f"status: {rng.choice(['active'] * 6 + ['paused', 'proposed', 'done'])}")
        lines.append(f"owner: {spec.owner}")
        if spec.workflow != "default" or rng.random() < 0.5:
            lines.append(f"workflow: {spec.workflow}")
        start = rng.randrange(0, 400)
        lines.append(f"start: {_date(start)}")
        if spec.kind == "project":
            deadline = start + rng.randint(120, 500)
            lines.append(f"deadline: {_date(deadline)}")
            lines.append("milestones:")
            for position, mid in enumerate(spec.milestones, 1):
                when = _date(start + (deadline - start) * position // (len(spec.milestones) + 1))
                lines.append(f"  - id: {mid}\n    title: {mid.replace('-', ' ').capitalize()}")
                lines.append(f"    date: {when}")
            lines.append(f"budget: {rng.choice(['40d', '60d', '120d', '12w', '200d'])}")
        if spec.goals:
            goals = spec.goals[0] if len(spec.goals) == 1 else f"[{', '.join(spec.goals)}]"
            lines.append(f"goal: {goals}")
        lines += ["---", "", self.text.body(rng.randint(5, 20)), ""]
        return "\n".join(lines)

    def _workflow(self, workflow: str, counts: Counter[tuple[str, str]]) -> str:
        projects = [s.id for s in self.projects if s.workflow == workflow]
        lines = ["---", f"title: {workflow.capitalize()} workflow", "states:"]
        states = WORKFLOWS[workflow]
        for sid, title, category, requires in states:
            lines.append(f"  - id: {sid}\n    title: {title}\n    category: {category}")
            if category in WIP_CATEGORIES:
                most = max((counts[(p, sid)] for p in projects), default=0)
                lines.append(f"    wip: {max(5, (most * 5 + 3) // 4 + 1)}")
            if requires:
                lines.append(f"    requires: [{', '.join(requires)}]")
        lines.append("transitions:")
        ids = [s[0] for s in states]
        for position, sid in enumerate(ids[:-2]):
            targets = [*ids[position + 1 : position + 3], ids[-1]]
            if position:
                targets.insert(0, ids[position - 1])
            lines.append(f"  {sid}: [{', '.join(dict.fromkeys(targets))}]")
        lines += ["---", "", f"# {workflow.capitalize()} workflow", "", self.text.paragraph(), ""]
        return "\n".join(lines)

    # -- tasks -----------------------------------------------------------------------------

    def _task(self, spec: ProjectSpec, number: int) -> tuple[str, str, str]:
        rng = self.rng
        task_id = f"{spec.prefix}-{number}"
        states = WORKFLOWS[spec.workflow]
        created = rng.randrange(SPAN_DAYS)
        categories = [c for c in CATEGORY_WEIGHTS if any(s[2] == c for s in states)]
        weights = [
            CATEGORY_WEIGHTS[c] * (1 + (c == "done") * (1 - created / SPAN_DAYS))
            for c in categories
        ]
        category = rng.choices(categories, weights)[0]
        state = rng.choice([s for s in states if s[2] == category])
        status, requires = state[0], state[3]
        text = self.text
        lines = ["---"]
        title = text.title()
        heading = rng.random() < 0.15  # the title comes from the body's first heading
        if not heading:
            lines.append(f"title: {quote_if_needed(title, rng)}")
        if status != states[0][0] or rng.random() < 0.7:
            lines.append(f"status: {status}")
        if spec.id and rng.random() < 0.04:
            lines.append("# moved here from another project during planning")
        if spec.id:
            lines.append(f"project: {spec.id}")
        roll = rng.random()
        if roll < 0.65 or "assignee" in requires:
            lines.append(f"assignee: {rng.choice(self.people)}")
        elif roll < 0.82:
            pair = rng.sample(self.people, min(2, len(self.people)))
            if rng.random() < 0.5:
                lines.append(f"assignee: [{', '.join(pair)}]")
            else:
                lines.append("assignee:\n" + "\n".join(f"  - {p}" for p in pair))
        if rng.random() < 0.75 or "priority" in requires:
            priority = rng.choices(PRIORITIES, PRIORITY_WEIGHTS)[0]
            comment = "  # raised after the incident review" if rng.random() < 0.03 else ""
            lines.append(f"priority: {priority}{comment}")
        if rng.random() < 0.7:
            labels = rng.sample(LABELS, rng.randint(1, 4))
            if rng.random() < 0.6:
                lines.append(f"labels: [{', '.join(labels)}]")
            else:
                lines.append("labels:\n" + "\n".join(f"  - {label}" for label in labels))
        created_day = _date(created)
        if rng.random() < 0.9:
            if rng.random() < 0.1:
                stamp = f"{created_day}T{rng.randint(8, 18):02d}:{rng.choice(['00', '15', '30'])}"
                lines.append(f"created: {stamp}")
            else:
                lines.append(f"created: {created_day}")
        start = created + rng.randint(0, 30)
        if rng.random() < 0.45:
            lines.append(f"start: {_date(start)}")
        if rng.random() < 0.55:
            lines.append(f"due: {_date(start + rng.randint(1, 90))}")
        if rng.random() < 0.6:
            lines.append(f"estimate: {rng.choice(ESTIMATES)}")
        if number > 1 and rng.random() < 0.3:
            deps = sorted(
                rng.sample(range(max(1, number - 40), number), min(number - 1, rng.randint(1, 2)))
            )
            deps = list(dict.fromkeys(deps))
            if len(deps) == 1 and rng.random() < 0.5:
                lines.append(f"depends_on: {spec.prefix}-{deps[0]}")
            else:
                lines.append(f"depends_on: [{', '.join(f'{spec.prefix}-{d}' for d in deps)}]")
        if number > 3 and rng.random() < 0.12:
            lines.append(f"parent: {spec.prefix}-{rng.randrange(max(1, number - 60), number)}")
        if spec.milestones and rng.random() < 0.4:
            lines.append(f"milestone: {rng.choice(spec.milestones)}")
        if rng.random() < 0.08:
            lines.append(f"goal: {rng.choice(self.goals)}")
        if rng.random() < 0.02:
            lines.append(f"repeat: {rng.choice(['weekly', 'monthly', 'FREQ=WEEKLY;BYDAY=MO'])}")
        if spec.workflow == "support":
            if rng.random() < 0.6:
                lines.append(f"customer: {quote_if_needed(rng.choice(CUSTOMERS), rng)}")
            if rng.random() < 0.5:
                lines.append(f"severity: {rng.choice(['s1', 's2', 's3', 's4'])}")
        if rng.random() < 0.15:
            lines.extend(self._log(created))
        lines.append("---")
        lines.append("")
        if heading:
            lines += [f"# {title}", ""]
        lines.append(text.body(rng.randint(5, 40)))
        area = rng.choice(spec.areas)
        year = created_day.year
        folder = spec.id or "general"
        if rng.random() < 0.5:
            path = f"tasks/{folder}/{year}/{area}/{task_id}.md"
        else:
            path = f"tasks/{folder}/{area}/{task_id}.md"
        return path, "\n".join(lines) + "\n", status

    def _log(self, created: int) -> Iterator[str]:
        rng = self.rng
        yield "log:"
        day = created
        for _ in range(rng.randint(1, 4)):
            day += rng.randint(0, 10)
            who = rng.choice(self.people)
            duration = rng.choice(["30m", "1h", "2h", "3h", "1h 30m", "4h", "1d"])
            if rng.random() < 0.5:
                yield f"  - {{date: {_date(day)}, duration: {duration}, who: {who}}}"
            else:
                yield f"  - date: {_date(day)}\n    duration: {duration}\n    who: {who}"
                if rng.random() < 0.6:
                    yield f"    note: {quote_if_needed(self.text.sentence(), rng)}"


def generate(
    out: Path, tasks: int = 10_000, projects: int = 50, people: int = 40, seed: int = 1
) -> dict[str, int]:
    """Write the workspace into ``out``; returns the number of files per top-level folder."""
    return Generator(Path(out), tasks, projects, people, seed).run()


def bench_main(
    description: str, bench: Callable[[Path, int], None], argv: list[str] | None = None
) -> int:
    """The command line of a benchmark that times one workspace: ``--workspace DIR`` (else a
    generated one of ``--tasks`` tasks, deleted after) and ``--repeat``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--workspace", type=Path, help="Use this workspace (else one is made).")
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    if args.workspace:
        bench(args.workspace.resolve(), args.repeat)
        return 0
    with tempfile.TemporaryDirectory() as folder:
        workspace = Path(folder) / "ws"
        generate(workspace, tasks=args.tasks, projects=50, people=40, seed=1)
        bench(workspace, args.repeat)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write (created; files overwritten)")
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--projects", type=int, default=50)
    parser.add_argument("--people", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    counts = generate(args.out, args.tasks, args.projects, args.people, args.seed)
    print(f"wrote {sum(counts.values())} files to {args.out}: {counts}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
