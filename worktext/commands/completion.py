"""``worktext completion``, and what the other commands complete on Tab.

click's ``shell_completion`` runs the protocol: the shell sets ``_WORKTEXT_COMPLETE`` and the
words typed, and ``worktext`` answers with candidates instead of running the command. The
candidates for ids, states, people, projects and labels come from the completion index
(``model.completion``), never from loading the workspace, so a Tab answers at once at 10,000
tasks; when the index is stale (a file was added, say) the workspace is read once through the
cache, which writes it again.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterable
from pathlib import Path

import click
from click.shell_completion import (
    BashComplete,
    CompletionItem,
    ShellComplete,
    get_completion_class,
    split_arg_string,
)

from worktext.errors import WorktextError
from worktext.model import completion

log = logging.getLogger(__name__)

SHELLS = ("bash", "zsh", "fish")
COMPLETE_VAR = "_WORKTEXT_COMPLETE"

# Bash splits words at a colon (COMP_WORDBREAKS): without this, `status:<Tab>` would be
# completed as three words. The script takes the colon out, as npm's does with `=` and `@`.
BASH_PRELUDE = "COMP_WORDBREAKS=${COMP_WORDBREAKS//:/}\n"


class WorktextBash(BashComplete):
    """Bash, with words split at a colon (by a shell that kept the colon in
    COMP_WORDBREAKS) joined again, and each answer cut to the part after the colon, which
    is the part that shell replaces."""

    def source(self) -> str:
        return BASH_PRELUDE + super().source()

    def get_completion_args(self) -> tuple[list[str], str]:
        words = split_arg_string(os.environ["COMP_WORDS"])
        cword = int(os.environ["COMP_CWORD"])
        incomplete = words[cword] if cword < len(words) else ""
        args = _joined(words[1:cword])
        self._trim = 0  # how much of each answer that shell keeps of the word already
        if incomplete and args and (incomplete.startswith(":") or args[-1].endswith(":")):
            incomplete = args.pop() + incomplete
            self._trim = incomplete.rfind(":") + 1
        return args, incomplete

    def format_completion(self, item: CompletionItem) -> str:
        if self._trim:
            item = CompletionItem(item.value[self._trim :], item.type, help=item.help)
        return super().format_completion(item)


def _joined(words: list[str]) -> list[str]:
    out: list[str] = []
    for word in words:
        if out and (word.startswith(":") or out[-1].endswith(":")):
            out[-1] += word
        else:
            out.append(word)
    return out


@click.command("completion")
@click.argument("shell", type=click.Choice(SHELLS))
@click.pass_context
def completion_command(ctx: click.Context, shell: str) -> None:
    """Print the script that makes Tab complete worktext's commands in SHELL.

    It completes commands and options, task ids, the states a task may move to, people,
    projects, labels and the keys and values of queries (ls status:<Tab>).

    \b
    Example:
      eval "$(worktext completion bash)"          in ~/.bashrc
      eval "$(worktext completion zsh)"           in ~/.zshrc (after compinit)
      worktext completion fish > ~/.config/fish/completions/worktext.fish
    """
    root = ctx.find_root()
    cls: type[ShellComplete] | None = get_completion_class(shell)
    if cls is None:  # click knows every shell of SHELLS
        raise click.UsageError(f"no completion for {shell}")
    script = cls(root.command, {}, "worktext", COMPLETE_VAR).source()
    click.echo(script, nl=False)


COMMANDS = [completion_command]


# -- what each argument completes -------------------------------------------------------------


def _index(ctx: click.Context, fresh: bool = False) -> completion.Index | None:
    """The fresh completion index of the workspace of ``-w`` (or the current folder), or
    None when there is no workspace. ``fresh``: read the workspace again whatever the index
    says (it could not answer)."""
    from worktext.model.root import find_root

    given = ctx.find_root().params.get("workspace") or os.environ.get("WORKTEXT_WORKSPACE")
    try:
        root = find_root(given)
    except WorktextError:
        return None
    found = None if fresh else completion.read(root)
    if found is not None:
        return found
    log.info("completion index of %s: stale or missing; reading the workspace", root)
    try:
        from worktext.check.pipeline import build_workspace
        from worktext.load import cache
        from worktext.model.config import load_config

        started = cache.now_ns()
        config, diagnostics = load_config(root)
        ws = build_workspace(config, dt.date.today(), True, diagnostics)
        completion.write(ws, started)
    except WorktextError as error:
        log.info("no completion: %s", error.message)
        return None
    index = completion.read(root) or _unchecked(root)
    if index is not None:
        index.just_written = True
    return index


def _unchecked(root: Path) -> completion.Index | None:
    """The index just written even though a folder is too new to be trusted later."""
    from worktext.load import cache

    value = cache.Cache(root).get(completion.ENTRY, completion.KEY)
    return completion.Index(value) if isinstance(value, dict) else None


def _items(
    pairs: Iterable[tuple[str, str]], incomplete: str, prefix: str = ""
) -> list[CompletionItem]:
    folded = incomplete.casefold()
    return [
        CompletionItem(prefix + value, help=help_ or None)
        for value, help_ in pairs
        if value.casefold().startswith(folded)
    ]


def task_ids(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    index = _index(ctx)
    if index is None:
        return []
    return _items(((i, row[4]) for i, row in index.tasks.items()), incomplete)


def move_states(
    ctx: click.Context, _param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """The states the task may move to, those its workflow allows from its state first."""
    index = _index(ctx)
    if index is None:
        return []
    task_id = ctx.params.get("item_id")
    if not isinstance(task_id, str):
        return _items(((s, "") for s in index.states()), incomplete)
    try:
        states = index.moves(task_id)
    except completion.Stale as why:
        log.info("completion index: %s; reading the workspace", why)
        index = _index(ctx, fresh=True)
        try:
            states = index.moves(task_id) if index is not None else []
        except completion.Stale:  # the file is gone, or changes as we read it
            states = []
    return _items(((s, "") for s in states), incomplete)


def people(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    index = _index(ctx)
    return _listed(index.people if index else [], incomplete)


def projects(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    index = _index(ctx)
    return _listed(index.projects if index else [], incomplete)


def labels(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    index = _index(ctx)
    return _listed([(label, "") for label in index.labels] if index else [], incomplete)


def _listed(pairs: list[tuple[str, str]], incomplete: str) -> list[CompletionItem]:
    """Values of an option that takes a comma-separated list: the last one is completed."""
    head, _, last = incomplete.rpartition(",")
    return _items(pairs, last, head + "," if head else "")


def query_terms(
    ctx: click.Context, _param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """``key:`` while no colon is typed; then the key's values (after the last comma)."""
    from worktext.model import query_words as query

    negated = "-" if incomplete.startswith("-") else ""
    term = incomplete[len(negated) :]
    if ":" not in term:
        return _items(((f"{key}:", "") for key in query.KEYS), term, negated)
    key, _, values = term.partition(":")
    head, _, last = values.rpartition(",")
    prefix = f"{negated}{key}:{head + ',' if head else ''}"
    return _items(_query_values(ctx, query.ALIASES.get(key, key) or key, query), last, prefix)


def _query_values(ctx: click.Context, key: str, query: object) -> list[tuple[str, str]]:
    fixed = {
        "is": getattr(query, "IS_VALUES", ()),
        "has": getattr(query, "HAS_KEYS", ()),
        "no": getattr(query, "HAS_KEYS", ()),
        "sort": getattr(query, "SORT_KEYS", ()),
        "category": ("backlog", "todo", "active", "blocked", "done", "cancelled"),
        "kind": ("project", "ongoing"),
    }
    if key in fixed:
        return [(value, "") for value in fixed[key]]
    index = _index(ctx)
    if index is None:
        return []
    if key == "status":
        return [(state, "") for state in index.states()]
    if key == "assignee":
        return index.people
    if key == "project":
        return index.projects
    if key == "label":
        return [(label, "") for label in index.labels]
    if key == "priority":
        return [(p, "") for p in index.priorities]
    if key in ("id", "parent"):
        return [(task_id, row[4]) for task_id, row in index.tasks.items()]
    return []
