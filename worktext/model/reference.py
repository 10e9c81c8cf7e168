"""The format reference as Markdown, generated from the schema (``schema.py``), so that an
installed worktext can hand it to an agent or an editor without the documentation site."""

from __future__ import annotations

from collections.abc import Mapping

from worktext.model.schema import CONFIG, KIND_FIELDS, Field

INTRO = """\
# worktext file format

A workspace is a folder (usually a git repository) with `worktext.yml` at its root. Every task,
project, workflow, template, person and goal is one Markdown file: a YAML front matter block
between `---` lines, then free Markdown text. The folder decides the kind: `tasks/`,
`projects/`, `workflows/`, `templates/`, `people/`, `goals/` (see `folders:`). A file's id is
its file name without `.md` unless `id:` says otherwise.

Change front matter with the worktext commands (`worktext set`, `move`, `log`, `new`), which
check every value and keep the rest of the file byte for byte; run `worktext check` after any
edit by hand.
"""

_KINDS = {
    "task": "Tasks (`tasks/`)",
    "project": "Projects and ongoing areas (`projects/`)",
    "workflow": "Workflows (`workflows/`)",
    "template": "Process templates (`templates/`)",
    "person": "People (`people/`)",
    "goal": "Goals (`goals/`)",
}


def _type_text(spec: Field) -> str:
    text = spec.type
    if spec.ref:
        text += f" → {spec.ref}"
    if spec.choices:
        text += f" ({' / '.join(spec.choices)})"
    if spec.required:
        text += ", required"
    return text


def _rows(fields: Mapping[str, Field], prefix: str = "") -> list[str]:
    rows = []
    for name, spec in fields.items():
        doc = spec.doc.replace("|", "\\|").replace("\n", " ")
        rows.append(f"| `{prefix}{name}` | {_type_text(spec)} | {doc} |")
        if spec.fields:
            nested = f"{prefix}{name}[]." if spec.type == "records" else f"{prefix}{name}."
            rows.extend(_rows(spec.fields, nested))
    return rows


def _table(title: str, fields: Mapping[str, Field]) -> str:
    head = [f"## {title}", "", "| key | type | meaning |", "| --- | --- | --- |"]
    return "\n".join(head + _rows(fields)) + "\n"


def format_reference(custom: Mapping[str, Field] | None = None) -> str:
    """Every key of every kind of file, with its type and meaning; ``custom``: the task keys
    a workspace declares in ``worktext.yml`` (``fields:``)."""
    parts = [INTRO]
    for kind, title in _KINDS.items():
        fields = dict(KIND_FIELDS[kind])
        if kind == "task" and custom:
            fields.update(custom)
        parts.append(_table(title, fields))
    parts.append(_table("Settings (`worktext.yml`)", CONFIG))
    return "\n".join(parts)
