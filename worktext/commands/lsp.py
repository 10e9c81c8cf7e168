"""``worktext lsp``."""

from __future__ import annotations

import click

from worktext.commands.common import Context
from worktext.errors import WorktextError


@click.command("lsp")
@click.option(
    "--stdio",
    is_flag=True,
    help="Talk over standard input and output (the default and only way; editors pass it).",
)
@click.pass_obj
def lsp_command(obj: Context, stdio: bool) -> None:
    """Run the language server for item and workflow files, for your editor.

    Diagnostics as you type (the rules of worktext check, across files too), completion of
    states, people, projects, labels, milestones and ids, hover and go to definition on an
    id, and links. The workspace is the one of -w, else of the folder the editor opens.
    It needs the optional extra: pip install 'worktext[lsp]'.

    \b
    Example:
      worktext lsp                 what an editor runs (see the docs' Language server page)
      worktext -w ~/work lsp -v    with a log of what it does on standard error
    """
    del stdio  # stdio is the only transport
    try:
        from worktext.integrations.lsp import serve_stdio
    except ImportError as error:
        raise WorktextError(
            f"the language server needs pygls ({error.name or error}): pip install 'worktext[lsp]'"
        ) from None
    serve_stdio(obj.workspace_path, obj.today, obj.use_cache)


COMMANDS = [lsp_command]
