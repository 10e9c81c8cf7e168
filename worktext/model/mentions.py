"""``@person`` and ``@team`` mentions, and relative links, in Markdown text.

Both are found outside code: fenced blocks and inline code spans are blanked out first (with
their length kept), so positions stay those of the text. A mention is ``@`` not preceded by a
word character, ``@``, ``.`` or ``/`` (so an email address or a path is not one), then a
name of letters, digits, ``_``, ``.`` and ``-`` that does not end with ``.`` or ``-``.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from worktext.model.items import Person
from worktext.model.values import id_key

MENTION = re.compile(r"(?<![\w@./+-])@([A-Za-z0-9_](?:[\w.-]*[\w])?)")
_FENCE = re.compile(r"^[ \t]*(```|~~~)[^\n]*\n.*?(?:^[ \t]*\1[^\n]*$|\Z)", re.M | re.S)
_CODE_SPAN = re.compile(r"(`+)[^`].*?\1|``", re.S)
# [text](target "title") and ![alt](target): the target, without angle brackets. An image is
# a link after "!": the pattern starts at "[", a literal the regex engine skips ahead to (with
# an optional "!" in front of it, finding the links of 10,000 tasks took 9x as long).
LINK = re.compile(
    r"\[(?:[^\]\\\n]|\\.)*\]\(\s*(<[^>\n]*>|[^\s()]+)(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# A "](" that may start a relative target: its first character after the spaces (taken
# whole: the lookahead-and-backreference is an atomic group) starts no scheme and is no "#",
# "/" or "\\". Code only ever blanks what it covers, so a text with none of these has no
# relative link in its prose, and is not blanked to find out (most bodies that link at all
# link to the web).
_MAYBE_RELATIVE = re.compile(r"\]\((?=(\s*))\1(?![#/\\]|[A-Za-z][A-Za-z0-9+.-]*:)")


@dataclass(frozen=True, slots=True)
class Found:
    """A mention or link found in a text: what it says, and where (0-based line and column
    within the text)."""

    text: str
    line: int
    column: int
    image: bool = False


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def prose(text: str) -> str:
    """``text`` with its code (fenced blocks, code spans) replaced by spaces."""
    if "`" not in text and "~~~" not in text:
        return text
    text = _FENCE.sub(_blank, text)
    return _CODE_SPAN.sub(_blank, text) if "`" in text else text


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset)
    start = text.rfind("\n", 0, offset) + 1
    return line, offset - start


def mentions(text: str) -> list[Found]:
    """Every mention in ``text``, in order (``Found.text`` is the name, without ``@``)."""
    if "@" not in text:
        return []
    plain = prose(text)
    out = []
    for match in MENTION.finditer(plain):
        line, column = _position(plain, match.start())
        out.append(Found(match.group(1), line, column))
    return out


def links(text: str) -> list[Found]:
    """Every relative link and image target in ``text`` (not external, not a bare
    ``#fragment``, not rooted at ``/``), in order."""
    if "](" not in text or _MAYBE_RELATIVE.search(text) is None:
        return []
    plain = prose(text)
    out = []
    for match in LINK.finditer(plain):
        target = match.group(1)
        if target.startswith("<"):
            target = target[1:-1]
        if not target or target.startswith(("#", "/", "\\")) or _SCHEME.match(target):
            continue
        line, column = _position(plain, match.start(1))
        image = match.start() > 0 and plain[match.start() - 1] == "!"
        out.append(Found(target, line, column, image=image))
    return out


def link_path(from_path: str, target: str) -> str | None:
    """The workspace-relative path a relative link in file ``from_path`` points at (its
    fragment and query left out); None when it leaves the workspace."""
    parts = urlsplit(target)
    path = unquote(parts.path)
    if not path:
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(from_path), path))
    if joined == ".." or joined.startswith("../"):
        return None
    return joined


class Names:
    """The names a mention may use: every person's id, and every team's name."""

    def __init__(self, people: list[Person]) -> None:
        self.people = {id_key(p.id): p.id for p in people}
        teams: dict[str, list[str]] = {}
        for person in people:
            for team in person.teams:
                teams.setdefault(id_key(team), []).append(person.id)
        self.teams = teams
        self.team_names = {id_key(t): t for p in people for t in p.teams}

    def resolve(self, name: str) -> tuple[str, str, tuple[str, ...]] | None:
        """(``person`` or ``team``, its id or name, the people it reaches), or None."""
        key = id_key(name)
        if key in self.people:
            person = self.people[key]
            return "person", person, (person,)
        if key in self.teams:
            return "team", self.team_names[key], tuple(self.teams[key])
        return None

    def suggestion(self, name: str) -> str | None:
        known = [*self.people.values(), *self.team_names.values()]
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        return close[0] if close else None

    def people_in(self, text: str) -> Iterator[str]:
        """Each person a text mentions (directly or through a team), once."""
        seen: set[str] = set()
        for found in mentions(text):
            resolved = self.resolve(found.text)
            if resolved is None:
                continue
            for person in resolved[2]:
                if person not in seen:
                    seen.add(person)
                    yield person


__all__ = ["Found", "Names", "link_path", "links", "mentions", "prose"]
