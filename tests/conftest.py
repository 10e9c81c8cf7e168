"""Shared test helpers: small workspaces written into temporary folders."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

TODAY = dt.date(2026, 11, 23)


def write_workspace(root: Path, files: dict[str, str], config: str = "name: Test\n") -> Path:
    """Write ``worktext.yml`` and the given files (dedented) under ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "worktext.yml").write_text(config, encoding="utf-8")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def make_workspace(tmp_path: Path) -> Callable[..., Path]:
    def make(files: dict[str, str], config: str = "name: Test\n", name: str = "ws") -> Path:
        return write_workspace(tmp_path / name, files, config)

    return make


@pytest.fixture
def template_root() -> Path:
    return Path(__file__).resolve().parent.parent / "workspace-template"


@pytest.fixture
def split_counts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many portions each call of ``parallel.run_split`` is given, in order (the calls
    still run as they would)."""
    from worktext import parallel

    counts: list[int] = []
    real = parallel.run_split

    def counting(portions: Any, accept: Any) -> Any:
        counts.append(len(portions))
        return real(portions, accept)

    monkeypatch.setattr(parallel, "run_split", counting)
    return counts
