"""A warm ``worktext check`` knows from the folder walks that nothing changed, and prints the
last report without reading a file; any change is checked again."""

from __future__ import annotations

import time

from click.testing import CliRunner

from worktext.check import pipeline
from worktext.cli import cli
from worktext.load import cache
from worktext.model import loader


def test_a_warm_check_reads_no_file_and_an_edit_is_checked(make_workspace, monkeypatch) -> None:
    monkeypatch.setattr(cache, "now_ns", lambda: time.time_ns() + 10 * cache.RACY_NS)
    root = make_workspace(
        {
            "tasks/A-1.md": "---\ntitle: One\nstatus: todo\ndepends_on: [GONE-1]\n---\n",
            "tasks/A-2.md": "---\ntitle: Two\nstatus: todo\n---\n",
        }
    )

    def check() -> tuple[int, str]:
        result = CliRunner().invoke(cli, ["-w", str(root), "check"])
        return result.exit_code, result.stdout

    first = check()
    assert first[0] == 1 and "dangling-reference" in first[1] and "2 files" in first[1]
    real = loader.read_file
    read: list[str] = []

    def counted(path: str, rel: str):  # type: ignore[no-untyped-def]
        read.append(rel)
        return real(path, rel)

    for module in (loader, pipeline):  # every place that reads an item file
        monkeypatch.setattr(module, "read_file", counted)
    monkeypatch.setenv("WORKTEXT_JOBS", "1")  # parse here, where the count is kept
    assert check() == first and read == []
    (root / "tasks/A-1.md").write_text("---\ntitle: One\nstatus: todo\n---\n", encoding="utf-8")
    code, out = check()
    assert code == 0 and "No problems" in out and read
