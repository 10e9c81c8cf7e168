"""``worktext agents``: a section of ``AGENTS.md`` that teaches a coding agent to work with the
CLI, kept between two markers so that running it again updates the section and leaves every
other byte of the file as it was."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from worktext.edit import atomic
from worktext.errors import WorktextError
from worktext.model.workspace import Workspace

log = logging.getLogger(__name__)

BEGIN = "<!-- worktext:begin -->"
END = "<!-- worktext:end -->"

SECTION = """\
## Work items (worktext)

The tasks, projects, people and goals of this repository are Markdown files with YAML front
matter, managed with [worktext](https://pypi.org/project/worktext/) {where}. Use the CLI to
read and change them: it checks every value against the schema and the
workflow, keeps comments and formatting, and writes each file atomically. (An MCP client can
use `worktext mcp` instead: the same operations as tools.){workspace_option}

- Find work: `worktext ls QUERY`, e.g. `worktext ls is:open assignee:ana sort:due`,
  `worktext ls project:web label:bug`, `worktext ls is:overdue`; `--format json` for data.
- Read one item by its id: `worktext show WEB-12` (`--format json` for data).
- Move a task through its workflow: `worktext move WEB-12 review`. A refused move says which
  states are allowed from the current one; do not force it unless you were asked to.
- Change keys: `worktext set WEB-12 priority=high due=2026-12-01 labels=bug,ui`;
  `worktext unset WEB-12 due`; `worktext assign WEB-12 ana`.
- Log time spent: `worktext log WEB-12 1h30m --who ana --note "what was done"`.
- Discuss an item: `worktext comment WEB-12 "Blocked on the API review @ben"` (one new file
  under `comments/`; `--reply-to ID` answers a comment); read the thread with
  `worktext comments WEB-12`.
- Ask when work will be done: `worktext plan` (the levelled schedule) and
  `worktext forecast web` (Monte Carlo dates from the throughput in git).
- Create items: `worktext new task "Title" --project web --assignee ana` (never invent ids;
  the tool picks the next free one).
- Add `--dry-run` to see the diff first, `--commit` to commit with a descriptive message.
- Let the tool edit front matter. If you must edit a file by hand, change only the Markdown
  body, or run `worktext check` right after.
- Run `worktext check` before every commit and fix what it reports (it prints
  `path:line:column` and a code for each problem); the pre-commit hook runs it too.
{workflows}"""


@dataclass(frozen=True)
class AgentsResult:
    """What ``write`` did: the file, and whether it was created or changed."""

    path: Path
    created: bool
    changed: bool


def section(ws: Workspace, folder: Path) -> str:
    """The section, between its markers, for an ``AGENTS.md`` in ``folder``."""
    where = os.path.relpath(ws.config.root, folder).replace(os.sep, "/")
    option = "" if where == "." else f"\n\nRun the commands in `{where}/`, or add `-w {where}`."
    lines = []
    for workflow in ws.workflows_in_use() or [ws.default_workflow]:
        states = " → ".join(s.id for s in workflow.states)
        lines.append(f"- `{workflow.id}`: {states}")
    workflows = ""
    if lines:
        workflows = (
            "\nThe workflows' states (`worktext show WORKFLOW` lists the allowed moves):\n\n"
            + "\n".join(lines)
            + "\n"
        )
    body = SECTION.format(
        where="in this folder" if where == "." else f"in `{where}/`",
        workspace_option=option,
        workflows=workflows,
    )
    return f"{BEGIN}\n{body}{END}\n"


def updated(text: str, new_section: str) -> str:
    """``text`` with its marked section replaced by ``new_section`` (or the section appended,
    after a blank line, when there is none); every other character is kept. The section is
    written with the file's own line endings."""
    begin, end = _markers(text)
    if begin is not None:  # the section keeps the line endings it was written with
        newline = "\r\n" if text.startswith("\r\n", begin + len(BEGIN)) else "\n"
    else:
        newline = "\r\n" if "\r\n" in text else "\n"
    block = new_section.replace("\n", newline)
    if begin is None or end is None:
        if not text:
            return block
        separator = (
            "" if text.endswith(newline * 2) else newline if text.endswith("\n") else newline * 2
        )
        return text + separator + block
    after = end + len(END)
    if text.startswith(newline, after):
        after += len(newline)
    elif text.startswith("\n", after):
        after += 1
    return text[:begin] + block + text[after:]


def _markers(text: str) -> tuple[int | None, int | None]:
    """The offsets of the one begin marker and the end marker after it; refuses a file with
    several sections, or with one marker and not the other."""
    begins, ends = _all(text, BEGIN), _all(text, END)
    if not begins and not ends:
        return None, None
    if len(begins) != 1 or len(ends) != 1 or ends[0] < begins[0]:
        first = min(begins + ends)
        line = text.count("\n", 0, first) + 1
        raise WorktextError(
            f"line {line}: expected one '{BEGIN}' followed by one '{END}' "
            f"(found {len(begins)} and {len(ends)}); fix the markers and run it again"
        )
    return begins[0], ends[0]


def _all(text: str, marker: str) -> list[int]:
    found, start = [], text.find(marker)
    while start != -1:
        found.append(start)
        start = text.find(marker, start + 1)
    return found


def write(ws: Workspace, path: Path) -> AgentsResult:
    """Create or update the worktext section of the file at ``path`` (atomically)."""
    before = atomic.read(path)
    raw = before.content or b""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise WorktextError(
            f"{path}: not UTF-8 text (byte {exc.start}); nothing was written"
        ) from None
    new = updated(text, section(ws, path.parent.resolve()))
    after = new.encode("utf-8")
    if after == raw and before.exists:
        log.info("%s is up to date", path)
        return AgentsResult(path, created=False, changed=False)
    atomic.write(before, after)
    log.info("%s %s", "created" if not before.exists else "updated", path)
    return AgentsResult(path, created=not before.exists, changed=True)
