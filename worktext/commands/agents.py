"""``worktext mcp``: the workspace for coding agents."""

from __future__ import annotations

import click

from worktext.commands.common import Context
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
    Example (an MCP client's configuration):
      {"command": "worktext", "args": ["-w", "/path/to/work", "mcp"]}
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


COMMANDS: list[click.Command] = [mcp]
