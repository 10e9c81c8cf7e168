"""Safe YAML with positions: YAML 1.2 core-schema data plus the file span of every key and value.

libyaml's event parser does the scanning; this module builds plain Python data from the events.
It never constructs arbitrary objects, reads no tags, anchors or aliases (they are refused), does
not turn ``yes``/``no``/``on``/``off`` into booleans or ``0755`` into an octal, and leaves dates
as strings: the schema decides where a string must be a date.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import re
from dataclasses import dataclass, field
from typing import Any

Path = tuple[str | int, ...]
Span = tuple[int, int, int, int]  # line, column, end line, end column; 1-based, file-relative

_INT = re.compile(r"[-+]?[0-9]+\Z")
_OCT = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
# Exactly these letter cases: '.iNf' is text in the core schema.
_SPECIAL_FLOATS = {
    **dict.fromkeys([".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"], float("inf")),
    **dict.fromkeys(["-.inf", "-.Inf", "-.INF"], float("-inf")),
    **dict.fromkeys([".nan", ".NaN", ".NAN"], float("nan")),
}
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
# Plain scalars that YAML 1.1 tools (and PyYAML's default loaders) read differently.
_YAML11_BOOLS = frozenset({"yes", "no", "on", "off", "y", "n"})
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?\Z")
_LEADING_ZERO = re.compile(r"[-+]?0[0-9_]+\Z")


@dataclass(frozen=True, slots=True)
class YamlProblem:
    code: str
    message: str
    hint: str
    span: Span
    severity: str = "error"


@dataclass(slots=True)
class YamlDoc:
    """The data of one YAML block, with the span of every key and value by path."""

    data: Any = None
    keys: dict[Path, Span] = field(default_factory=dict)
    values: dict[Path, Span] = field(default_factory=dict)
    problems: list[YamlProblem] = field(default_factory=list)
    ok: bool = True


def resolve_plain(text: str) -> Any:
    """The YAML 1.2 core-schema value of a plain (unquoted) scalar."""
    if text in _NULLS:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    first = text[0]
    if first.isdigit() or first in "+-.":
        if _INT.match(text):
            return int(text)
        if _FLOAT.match(text):
            return float(text)
        if text in _SPECIAL_FLOATS:
            return _SPECIAL_FLOATS[text]
        if _OCT.match(text):
            return int(text[2:], 8)
        if _HEX.match(text):
            return int(text[2:], 16)
    return text


_NUMBER_START = frozenset("0123456789+-")


def ambiguity(text: str) -> str | None:
    """Why a plain scalar would be read differently by a YAML 1.1 tool, or None."""
    if len(text) > 3 and text[0] not in _NUMBER_START:
        return None  # too long for yes/no/on/off, and not a number
    if text.lower() in _YAML11_BOOLS:
        return "YAML 1.1 tools read it as a boolean"
    if _LEADING_ZERO.match(text):
        return "YAML 1.1 tools read it as an octal number"
    if _SEXAGESIMAL.match(text):
        return "YAML 1.1 tools read it as a base-60 number"
    return None


class _Builder:
    """Turns a stream of parser events into data, spans and problems."""

    __slots__ = ("doc", "first_line", "stack")

    def __init__(self, first_line: int) -> None:
        self.doc = YamlDoc()
        self.first_line = first_line
        # Each frame: [container, path, pending key or None, key span, seen keys]
        self.stack: list[list[Any]] = []

    def span(self, event: Any) -> Span:
        start, end = event.start_mark, event.end_mark
        return (
            start.line + self.first_line,
            start.column + 1,
            end.line + self.first_line,
            end.column + 1,
        )

    def problem(self, code: str, message: str, hint: str, span: Span, severity: str = "error"):
        self.doc.problems.append(YamlProblem(code, message, hint, span, severity))

    def refuse_features(self, event: Any, span: Span) -> None:
        if getattr(event, "anchor", None) is not None:
            self.problem(
                "yaml-refused",
                f"YAML anchor '&{event.anchor}' is not allowed",
                "write the value out in full; anchors and aliases are refused",
                span,
            )
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!":
            tag = tag.replace("tag:yaml.org,2002:", "!!")
            self.problem(
                "yaml-refused",
                f"explicit YAML tag '{tag}' is not allowed",
                "remove the tag; quote the value if it must stay a string",
                span,
            )

    def add(self, value: Any, span: Span, text: str | None = None) -> None:
        """Attach a finished value to the container on top of the stack. ``text``: a
        scalar's source text; None for a list or mapping, which cannot be a key."""
        if not self.stack:
            self.doc.data = value
            self.doc.values[()] = span
            return
        frame = self.stack[-1]
        container = frame[0]
        if isinstance(container, list):
            path = (*frame[1], len(container))
            container.append(value)
            self.doc.values[path] = span
            return
        if frame[2] is None:  # this value is a key
            if isinstance(value, str):
                frame[2] = (value, span, False)
                return
            if text is None:
                self.problem(
                    "yaml-complex-key",
                    "a mapping key must be a plain value, not a list or mapping",
                    "use a simple word as the key",
                    span,
                )
            else:
                self.non_string_key(value, text, span)
            frame[2] = ("", span, True)  # reported: the entry is left out
            return
        key, key_span, invalid = frame[2]
        frame[2] = None
        if invalid:
            return
        seen: dict[str, Span] = frame[4]
        if key in seen:
            first = seen[key]
            self.problem(
                "duplicate-key",
                f"duplicate key '{key}' (also on line {first[0]}); only the last one counts",
                "remove one of the two lines",
                key_span,
            )
        seen[key] = key_span
        path = (*frame[1], key)
        container[key] = value
        self.doc.keys[path] = key_span
        self.doc.values[path] = span

    def non_string_key(self, value: Any, text: str, span: Span) -> None:
        """A key that YAML reads as null, a boolean or a number: other tools would key the
        entry by that value, so it is reported rather than turned into text."""
        if not text:
            message, hint = "a key is missing before ':'", "write the key before the ':'"
        else:
            if value is None:
                what = "null"
            elif isinstance(value, bool):
                what = f"the boolean {str(value).lower()}"
            else:
                what = f"the number {value}"
            message = f"the key '{text}' is {what} in YAML, not text"
            hint = f'quote the key if it is meant as text: "{text}":'
        self.problem("non-string-key", message, hint, span)

    def expects_key(self) -> bool:
        """Whether the next value is a key of the mapping being read."""
        if not self.stack:
            return False
        frame = self.stack[-1]
        return isinstance(frame[0], dict) and frame[2] is None

    def current_path(self) -> Path:
        if not self.stack:
            return ()
        frame = self.stack[-1]
        if isinstance(frame[0], list):
            return (*frame[1], len(frame[0]))
        return (*frame[1], frame[2][0]) if frame[2] else frame[1]

    def scalar(self, event: Any) -> None:
        # The hot path of every load: the span is built inline, and the checks for tags and
        # anchors run only when the event has one.
        start, end, first = event.start_mark, event.end_mark, self.first_line
        span = (start.line + first, start.column + 1, end.line + first, end.column + 1)
        tag = event.tag
        if tag is not None or event.anchor is not None:
            self.refuse_features(event, span)
        text = event.value
        if not event.style and (tag is None or tag == "!"):
            value = resolve_plain(text) if tag is None else text
            reason = ambiguity(text) if text and isinstance(value, str | int) else None
            if reason:
                what = "text" if isinstance(value, str) else f"the number {value}"
                self.problem(
                    "yaml-ambiguous",
                    f"'{text}' is read as {what} here, but {reason}",
                    f'quote it: "{text}"',
                    span,
                    "warning",
                )
        else:
            value = text
        self.add(value, span, text)

    def start(self, event: Any, container: Any) -> None:
        span = self.span(event)
        if len(self.stack) >= MAX_DEPTH:
            raise _TooDeep(span)
        self.refuse_features(event, span)
        if self.expects_key():  # a collection used as a mapping key
            self.add(container, span)
            self.stack.append([container, (*self.stack[-1][1], "?"), None, None, {}, span, True])
            return
        path = self.current_path()
        self.stack.append([container, path, None, None, {}, span, False])

    def end(self, event: Any) -> None:
        frame = self.stack.pop()
        start_span = frame[5]
        end = self.span(event)
        span = (start_span[0], start_span[1], end[2], end[3])
        if frame[6]:  # was a complex key: already reported, drop it
            return
        self.add(frame[0], span)

    def alias(self, event: Any) -> None:
        span = self.span(event)
        self.problem(
            "yaml-refused",
            f"YAML alias '*{event.anchor}' is not allowed",
            "write the value out in full; anchors and aliases are refused",
            span,
        )
        if self.expects_key():
            self.stack[-1][2] = ("", span, True)  # refused above: the entry is left out
        else:
            self.add(None, span)


@functools.cache
def _yaml() -> tuple[Any, Any, tuple[type, ...]]:
    """PyYAML, its event parser and the event classes, imported at the first parse: a command
    whose files are all cached, or simple enough for ``fastyaml``, does without (~18 ms)."""
    import yaml
    from yaml import events

    parser: type
    try:  # libyaml, shipped in PyYAML's wheels
        from yaml._yaml import CParser

        parser = CParser
    except ImportError:  # pragma: no cover - pure-Python fallback, same events
        parser = yaml.SafeLoader
    kinds = (
        events.ScalarEvent,
        events.MappingStartEvent,
        events.SequenceStartEvent,
        events.MappingEndEvent,
        events.SequenceEndEvent,
        events.AliasEvent,
        events.StreamEndEvent,
    )
    return yaml, parser, kinds


# No front matter needs more; anything deeper (a hostile file) would exhaust Python's
# recursion in whatever walks the value later.
MAX_DEPTH = 64


class _TooDeep(Exception):
    def __init__(self, span: Span) -> None:
        super().__init__()
        self.span = span


def parse(text: str, first_line: int = 1) -> YamlDoc:
    """Parse one YAML document; ``first_line`` is the file line of the text's first line."""
    yaml, parser_class, kinds = _yaml()
    builder = _Builder(first_line)
    parser = parser_class(text)
    reader_error = None
    try:
        _read_events(parser, builder, kinds)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line if mark else 0) + first_line
        column = (mark.column if mark else 0) + 1
        problem = exc.problem or "invalid YAML"
        context = f" ({exc.context})" if exc.context else ""
        lines = text.split("\n")
        source_line = lines[mark.line] if mark and mark.line < len(lines) else ""
        builder.problem(
            "yaml-syntax",
            f"YAML syntax error: {problem}{context}",
            _syntax_hint(problem, source_line),
            (line, column, line, column),
        )
        builder.doc.ok = False
    except _TooDeep as exc:
        builder.problem(
            "yaml-too-deep",
            f"lists or mappings are nested more than {MAX_DEPTH} levels deep",
            "flatten the value; front matter needs a few levels at most",
            exc.span,
        )
        builder.doc.ok = False
    except yaml.YAMLError as exc:  # a reader error: a character YAML does not allow
        reader_error = exc
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose:
            dispose()
    doc = builder.doc
    if _OTHER_BREAK.search(text):
        _to_file_lines(doc, text, first_line)
    if reader_error is not None:
        doc.problems.append(_reader_problem(reader_error, text, first_line))
        doc.ok = False
    return doc


def _read_events(parser: Any, builder: _Builder, kinds: tuple[type, ...]) -> None:
    (
        ScalarEvent,
        MappingStartEvent,
        SequenceStartEvent,
        MappingEndEvent,
        SequenceEndEvent,
        AliasEvent,
        StreamEndEvent,
    ) = kinds
    while True:
        event = parser.get_event()
        cls = event.__class__
        if cls is ScalarEvent:
            builder.scalar(event)
        elif cls is MappingStartEvent:
            builder.start(event, {})
        elif cls is SequenceStartEvent:
            builder.start(event, [])
        elif cls is MappingEndEvent or cls is SequenceEndEvent:
            builder.end(event)
        elif cls is AliasEvent:
            builder.alias(event)
        elif cls is StreamEndEvent:
            return
        elif cls.__name__ == "DocumentStartEvent" and builder.doc.values:
            mark = event.start_mark
            line = mark.line + builder.first_line
            builder.problem(
                "yaml-syntax",
                "more than one YAML document",
                "keep a single block of keys (in an item file, between the two '---' lines)",
                (line, mark.column + 1, line, mark.column + 1),
            )
            builder.doc.ok = False
            return


# libyaml also ends a line at a lone CR, NEL, LS and PS; a file's lines end at LF only (an
# editor shows them so, and edits count them so).
_OTHER_BREAK = re.compile("[\r\x85\u2028\u2029]")
_YAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _to_file_lines(doc: YamlDoc, text: str, first_line: int) -> None:
    """Move every span from libyaml's lines to the file's."""
    yaml_starts = [0, *(m.end() for m in _YAML_BREAK.finditer(text))]
    file_starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def place(line: int, column: int) -> tuple[int, int]:
        row = line - first_line
        if row >= len(yaml_starts):  # the end of a text without a final line break
            return len(file_starts) + first_line, 1
        index = yaml_starts[row] + column - 1
        file_row = bisect.bisect_right(file_starts, index) - 1
        return file_row + first_line, index - file_starts[file_row] + 1

    def move(span: Span) -> Span:
        return (*place(span[0], span[1]), *place(span[2], span[3]))

    doc.keys = {path: move(span) for path, span in doc.keys.items()}
    doc.values = {path: move(span) for path, span in doc.values.items()}
    doc.problems = [dataclasses.replace(p, span=move(p.span)) for p in doc.problems]


def _reader_problem(exc: Any, text: str, first_line: int) -> YamlProblem:
    """A character libyaml's reader refuses (a control character, say), at its file line.
    The reader stops at the first one, so the first occurrence of that character is it."""
    character = getattr(exc, "character", None)
    if isinstance(character, int):
        character = chr(character)
    index = text.find(character) if isinstance(character, str) and character else -1
    if index < 0:
        line, column = first_line, 1
    else:
        line = text.count("\n", 0, index) + first_line
        column = index - (text.rfind("\n", 0, index) + 1) + 1
    if isinstance(character, str) and character:
        name, escape = f"U+{ord(character):04X}", f'"\\u{ord(character):04x}"'
    else:
        name, escape = "a character", "an escape"
    reason = getattr(exc, "reason", None) or "it is not allowed"
    return YamlProblem(
        "yaml-syntax",
        f"YAML error: {name} is not allowed here ({reason})",
        f"remove the character; to keep it in a value, write it as {escape} in double quotes",
        (line, column, line, column + 1),
    )


def _syntax_hint(problem: str, line: str) -> str:
    if "tab" in problem or "\t" in line[: len(line) - len(line.lstrip())]:
        return "indent with spaces, not tabs"
    if "mapping values are not allowed" in problem:
        return "quote a value that contains ': ' (for example title: \"Fix: login\")"
    if "found character '@'" in problem or "found character '`'" in problem:
        return "quote a value that starts with @ or `"
    if "could not find expected ':'" in problem:
        return "each line of front matter is 'key: value'; check the line above too"
    return "check indentation and quoting near this line"
