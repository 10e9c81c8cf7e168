"""Diagnostics as text (grouped by file), JSON (a versioned envelope), GitHub workflow
annotations and SARIF 2.1.0. Pure functions from diagnostics to a string."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from itertools import groupby

from worktext import __version__
from worktext.model.diagnostics import RULE_DOCS, Diagnostic
from worktext.terminal import visible

JSON_VERSION = 1
FORMATS = ("text", "json", "github", "sarif")

Styler = Callable[..., str]


def _plain(text: str, **_: object) -> str:
    return visible(text)


def summary(diagnostics: Iterable[Diagnostic], files_checked: int) -> dict[str, int]:
    counts = Counter(d.severity for d in diagnostics)
    return {
        "errors": counts.get("error", 0),
        "warnings": counts.get("warning", 0),
        "files": files_checked,
    }


def summary_line(counts: dict[str, int]) -> str:
    errors, warnings = counts["errors"], counts["warnings"]
    files = f"{counts['files']} file{'s' * (counts['files'] != 1)} checked"
    if not errors and not warnings:
        return f"No problems: {files}."
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' * (errors != 1)}")
    if warnings:
        parts.append(f"{warnings} warning{'s' * (warnings != 1)}")
    return f"{' and '.join(parts)} in {files}."


def format_text(diagnostics: list[Diagnostic], files_checked: int, style: Styler = _plain) -> str:
    """The diagnostics for a terminal: user text has its control characters made visible
    (``style`` must do the same with what it is given: ``commands.common.styler`` does)."""
    lines: list[str] = []
    for path, group in groupby(diagnostics, key=lambda d: d.path):
        lines.append(style(path, bold=True, underline=True))
        for d in group:
            where = visible(f"{path}:{d.line}:{d.column}" if d.line else path)
            colour = "red" if d.severity == "error" else "yellow"
            lines.append(
                f"  {where}: {style(d.severity, fg=colour, bold=True)} "
                f"{visible(d.message)} {style(f'[{d.code}]', dim=True)}"
            )
            if d.hint:
                lines.append(f"    {style('hint:', fg='cyan')} {visible(d.hint)}")
        lines.append("")
    counts = summary(diagnostics, files_checked)
    colour = "red" if counts["errors"] else "yellow" if counts["warnings"] else "green"
    lines.append(style(summary_line(counts), fg=colour, bold=True))
    return "\n".join(lines)


def format_json(diagnostics: list[Diagnostic], files_checked: int) -> str:
    envelope = {
        "version": JSON_VERSION,
        "tool": {"name": "worktext", "version": __version__},
        "summary": summary(diagnostics, files_checked),
        "diagnostics": [
            {
                "path": d.path,
                "line": d.line,
                "column": d.column,
                "end_line": d.end_line or d.line,
                "end_column": d.end_column or d.column,
                "severity": d.severity,
                "code": d.code,
                "message": d.message,
                "hint": d.hint,
            }
            for d in diagnostics
        ],
    }
    return json.dumps(envelope, indent=2, ensure_ascii=False)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(d: Diagnostic) -> str:
    """One diagnostic as a GitHub Actions workflow command (an annotation at its file)."""
    props = [f"file={_escape_property(d.path)}"]
    if d.line:
        props += [f"line={d.line}", f"col={d.column}"]
        if d.end_line:
            props += [f"endLine={d.end_line}", f"endColumn={d.end_column}"]
    props.append(f"title={_escape_property(f'worktext {d.code}')}")
    message = d.message + (f"\n{d.hint}" if d.hint else "")
    return f"::{d.severity} {','.join(props)}::{_escape_data(message)}"


def format_github(diagnostics: list[Diagnostic], files_checked: int) -> str:
    """GitHub Actions workflow commands: one annotation per diagnostic."""
    lines = [github_annotation(d) for d in diagnostics]
    lines.append(summary_line(summary(diagnostics, files_checked)))
    return "\n".join(lines)


def format_sarif(diagnostics: list[Diagnostic], files_checked: int) -> str:
    codes = sorted({d.code for d in diagnostics} | set(RULE_DOCS))
    rules = [
        {
            "id": code,
            "name": code,
            "shortDescription": {"text": RULE_DOCS.get(code, code)},
            "helpUri": f"https://worktext.dev/checks/#{code}",
        }
        for code in codes
    ]
    results = [_sarif_result(d, codes.index(d.code)) for d in diagnostics]
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "worktext",
                        "version": __version__,
                        "informationUri": "https://worktext.dev",
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False)


def _sarif_result(d: Diagnostic, rule_index: int) -> dict[str, object]:
    text = d.message + (f" ({d.hint})" if d.hint else "")
    return {
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": d.severity,
        "message": {"text": text},
        "locations": [{"physicalLocation": _sarif_location(d)}],
    }


def _sarif_location(d: Diagnostic) -> dict[str, object]:
    """The file, and the region in it when the diagnostic has a line."""
    location: dict[str, object] = {"artifactLocation": {"uri": d.path}}
    if d.line:
        location["region"] = {
            "startLine": d.line,
            "startColumn": d.column or 1,
            "endLine": d.end_line or d.line,
            "endColumn": d.end_column or d.column or 1,
        }
    return location


def render(
    fmt: str, diagnostics: list[Diagnostic], files_checked: int, style: Styler = _plain
) -> str:
    if fmt == "text":
        return format_text(diagnostics, files_checked, style)
    return {"json": format_json, "github": format_github, "sarif": format_sarif}[fmt](
        diagnostics, files_checked
    )
