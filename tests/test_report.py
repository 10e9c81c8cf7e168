from __future__ import annotations

import json

from worktext.check import report
from worktext.model.diagnostics import Diagnostic

DIAGNOSTICS = [
    Diagnostic("tasks/a,b.md", 3, 5, "error", "invalid-date", "bad: 50%\nnext", "fix it", 3, 9),
    Diagnostic("tasks/b.md", 0, 0, "warning", "symlink-outside", "link", "copy it"),
]


def test_text_groups_by_file_and_summarises() -> None:
    text = report.format_text(DIAGNOSTICS, 7)
    assert text.splitlines()[0] == "tasks/a,b.md"
    assert "tasks/a,b.md:3:5: error bad: 50%" in text
    assert "hint: fix it" in text
    assert text.endswith("1 error and 1 warning in 7 files checked.")
    assert report.format_text([], 1).endswith("No problems: 1 file checked.")


def test_json_envelope() -> None:
    data = json.loads(report.format_json(DIAGNOSTICS, 7))
    assert data["version"] == 1
    assert data["summary"] == {"errors": 1, "warnings": 1, "files": 7}
    first = data["diagnostics"][0]
    assert first == {
        "path": "tasks/a,b.md",
        "line": 3,
        "column": 5,
        "end_line": 3,
        "end_column": 9,
        "severity": "error",
        "code": "invalid-date",
        "message": "bad: 50%\nnext",
        "hint": "fix it",
    }


def test_github_annotations_escape_properties_and_data() -> None:
    lines = report.format_github(DIAGNOSTICS, 7).splitlines()
    assert lines[0] == (
        "::error file=tasks/a%2Cb.md,line=3,col=5,endLine=3,endColumn=9,"
        "title=worktext invalid-date::bad: 50%25%0Anext%0Afix it"
    )
    assert lines[1].startswith("::warning file=tasks/b.md,title=worktext symlink-outside::")


def test_sarif_2_1_0() -> None:
    log = json.loads(report.format_sarif(DIAGNOSTICS, 7))
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    result = run["results"][0]
    assert rules[result["ruleIndex"]] == "invalid-date"
    assert result["level"] == "error"
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 3, "startColumn": 5, "endLine": 3, "endColumn": 9}
    assert "region" not in run["results"][1]["locations"][0]["physicalLocation"]
