"""MkDocs hooks for worktext's own documentation: pages that are generated from the code at
build time, so they cannot drift from it.

- ``<!-- worktext:cli-reference -->`` becomes the ``--help`` of every command;
- ``<!-- worktext:rule-codes -->`` becomes the table of diagnostic codes.
"""

from __future__ import annotations

from typing import Any

import click

CLI_MARKER = "<!-- worktext:cli-reference -->"
RULES_MARKER = "<!-- worktext:rule-codes -->"


def _commands(group: click.Group, prefix: str) -> list[tuple[str, click.Command]]:
    out: list[tuple[str, click.Command]] = []
    for name in sorted(group.commands):
        command = group.commands[name]
        path = f"{prefix} {name}"
        out.append((path, command))
        if isinstance(command, click.Group):
            out.extend(_commands(command, path))
    return out


def cli_reference() -> str:
    from worktext.cli import cli

    sections = []
    root = click.Context(cli, info_name="worktext", terminal_width=100, max_content_width=100)
    sections.append("## worktext\n\n```text\n" + cli.get_help(root) + "\n```\n")
    for path, command in _commands(cli, "worktext"):
        ctx = click.Context(command, info_name=path, parent=None, max_content_width=100)
        sections.append(f"## {path}\n\n```text\n{command.get_help(ctx)}\n```\n")
    return "\n".join(sections)


def rule_codes() -> str:
    from worktext.model.diagnostics import RULE_DOCS

    rows = ["| code | meaning |", "| --- | --- |"]
    rows += [f'| <a id="{code}"></a>`{code}` | {doc} |' for code, doc in RULE_DOCS.items()]
    return "\n".join(rows)


def on_page_markdown(markdown: str, **_: Any) -> str:
    if CLI_MARKER in markdown:
        markdown = markdown.replace(CLI_MARKER, cli_reference())
    if RULES_MARKER in markdown:
        markdown = markdown.replace(RULES_MARKER, rule_codes())
    return markdown
