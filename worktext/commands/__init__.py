"""The CLI's commands, one module per area; each module lists its commands in ``COMMANDS``.

Modules are imported only when one of their commands runs (or for ``--help``), so that
``worktext check`` does not pay for the site renderer's or the editor's imports.
"""

from __future__ import annotations

import importlib

import click

# command name → module under worktext.commands; a test keeps this in step with COMMANDS.
COMMAND_MODULES: dict[str, str] = {
    "adopt": "adopt",
    "check": "check",
    "index": "query",
    "ls": "query",
    "show": "query",
    "people": "query",
    "schema": "query",
    "init": "new",
    "new": "new",
    "move": "edit",
    "set": "edit",
    "unset": "edit",
    "assign": "edit",
    "label": "edit",
    "due": "edit",
    "recur": "new",
    "history": "history",
    "log": "log",
    "stats": "history",
    "diff": "history",
    "build": "site",
    "serve": "serve",
    "mcp": "agents",
    "agents": "agents",
    "import": "importing",
    "lsp": "lsp",
    "completion": "completion",
    "comment": "collab",
    "comments": "collab",
    "inbox": "collab",
    "digest": "collab",
    "plan": "plan",
    "forecast": "plan",
}
MODULES = (
    "adopt",
    "check",
    "query",
    "edit",
    "new",
    "log",
    "history",
    "site",
    "serve",
    "agents",
    "importing",
    "lsp",
    "completion",
    "collab",
    "plan",
)


def load_command(name: str) -> click.Command | None:
    module_name = COMMAND_MODULES.get(name)
    if module_name is None:
        return None
    module = importlib.import_module(f"{__name__}.{module_name}")
    return next((c for c in module.COMMANDS if c.name == name), None)


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMAND_MODULES, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = self.commands.get(cmd_name)
        if command is None:
            command = load_command(cmd_name)
            if command is not None:
                self.commands[cmd_name] = command
        return command
