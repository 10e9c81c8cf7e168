"""``worktext mcp`` and ``worktext agents``: the workspace for coding agents."""

from __future__ import annotations

from pathlib import Path

import click

from worktext.commands.common import Context, echo
from worktext.edit import agents as agents_file
from worktext.errors import WorktextError


@click.command()
@click.option("--read-only", is_flag=True, help="Offer only the reading tools.")
@click.pass_obj
def mcp(obj: Context, read_only: bool) -> None:
    """Serve the workspace to an AI agent as an MCP server over standard input and output.

    Tools: list_tasks, show_item and check; unless --read-only, also create_task, move_task,
    set_fields, unset_fields and log_time, which write through the same checks as the CLI.
    Resources: the format reference and every workflow's states and moves. Needs the extra
    worktext[mcp].

    \b
    Example:
      worktext -w /path/to/work mcp     what an MCP client runs
      worktext mcp --read-only
    """
    try:
        from worktext.integrations import mcp_server
    except ImportError as exc:
        raise WorktextError(
            f"the MCP server needs the 'mcp' package ({exc.name} is missing): "
            "pip install 'worktext[mcp]'"
        ) from exc
    mcp_server.run(obj.workspace_path, obj.today, obj.use_cache, read_only)


@click.command()
@click.option(
    "--file",
    "file_",
    type=click.Path(dir_okay=False),
    help="The file to write (default: AGENTS.md in the workspace's folder).",
)
@click.pass_obj
def agents(obj: Context, file_: str | None) -> None:
    """Write or update the worktext section of AGENTS.md, which teaches a coding agent to
    find, move, change and log work by id with the CLI, and to run 'worktext check' before
    committing.

    The section sits between <!-- worktext:begin --> and <!-- worktext:end -->; running it
    again replaces only that section, and the rest of the file is kept byte for byte.

    \b
    Example:
      worktext agents
      worktext agents --file ../AGENTS.md     the repository's, when the workspace is a folder
    """
    ws = obj.workspace()
    path = Path(file_) if file_ else ws.config.root / "AGENTS.md"
    result = agents_file.write(ws, path)
    verb = "created" if result.created else "updated" if result.changed else "up to date:"
    echo(f"{verb} {path}")


COMMANDS: list[click.Command] = [mcp, agents]
