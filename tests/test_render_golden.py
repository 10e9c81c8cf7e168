"""Golden files: representative pages of the fixture workspace, normalised (one tag per line).

After an intended change of the site, regenerate them with
``WORKTEXT_UPDATE_GOLDEN=1 python -m pytest tests/test_render_golden.py`` and review the diff.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from render_helpers import fixture_workspace

from worktext.render.build import build_site

GOLDEN = Path(__file__).parent / "golden"
PAGES = [
    "index.html",
    "tasks/S-2.html",
    "boards/site.html",
    "timelines/site.html",
    "workload.html",
    "projects/ops.html",
    "people/ana.html",
    "calendar/2026-11.html",
    "calendar.ics",
]


def normalise(text: str) -> str:
    text = text.replace("\r\n", "\n")
    text = re.sub(r">\s*<", ">\n<", text)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip()) + "\n"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("golden")
    build_site(fixture_workspace(root / "ws"), root / "out", jobs=1)
    return root / "out"


@pytest.mark.parametrize("page", PAGES)
def test_page_matches_its_golden_file(site: Path, page: str) -> None:
    actual = normalise((site / page).read_text("utf-8"))
    golden = GOLDEN / page.replace("/", "__")
    if os.environ.get("WORKTEXT_UPDATE_GOLDEN"):
        golden.write_text(actual, "utf-8")
    assert golden.is_file(), f"no golden file {golden.name}; run with WORKTEXT_UPDATE_GOLDEN=1"
    assert actual == golden.read_text("utf-8")
