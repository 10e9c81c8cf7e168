from __future__ import annotations

import datetime as dt
import marshal
import shutil

from conftest import TODAY

from worktext.check.pipeline import open_workspace
from worktext.model import codec as snapshot
from worktext.model.items import Checklist, Task, TimeEntry


def _items(ws):
    return {kind: list(registry) for kind, registry in ws.registries()}


def test_template_items_round_trip_through_marshal(template_root) -> None:
    ws = open_workspace(template_root, today=TODAY, use_cache=False)
    items = _items(ws)
    stored = marshal.loads(
        marshal.dumps({k: [snapshot.encode_item(k, i) for i in g] for k, g in items.items()})
    )
    assert snapshot.decode_items(stored) == items
    rows = marshal.loads(marshal.dumps(snapshot.encode_diagnostics(ws.diagnostics)))
    assert snapshot.decode_diagnostics(rows) == ws.diagnostics


def test_awkward_values_round_trip() -> None:
    task = Task(
        id="T-1",
        path="tasks/T-1.md",
        title="x",
        created=dt.datetime(2026, 1, 2, 9, 30, tzinfo=dt.timezone.utc),
        due=dt.date(2026, 2, 3),
        log=(TimeEntry(dt.date(2026, 1, 5), 1.5, "ana", "n"),),
        checklist=Checklist(1, 2),
        extra={"tags": ("\x00d", "looks like a tag"), "when": dt.date(2026, 3, 1), "n": [1, {}]},
    )
    stored = marshal.loads(marshal.dumps({"task": [snapshot.encode_item("task", task)]}))
    assert snapshot.decode_items(stored)["task"] == [task]


def test_item_digests_agree_however_the_workspace_was_read(template_root, tmp_path) -> None:
    """A site page's fingerprint uses ``Workspace.item_digest``: an item parsed afresh, read
    from the per-file cache and read from the snapshot must give the same digest, or every
    rebuild would render every page again."""
    root = tmp_path / "ws"
    shutil.copytree(template_root, root)
    fresh = open_workspace(root, today=TODAY, use_cache=False)
    first = open_workspace(root, today=TODAY)  # parses, stores the cache and the snapshot
    again = open_workspace(root, today=TODAY)  # from the snapshot
    digests = [
        {item.path: ws.item_digest(item) for _kind, item in ws.items()}
        for ws in (fresh, first, again)
    ]
    assert all(ws.row_digests for ws in (fresh, first, again))
    assert len(digests[0]) > 20 and digests[0] == digests[1] == digests[2]
    edited = next(p for p in (root / "tasks").rglob("*.md"))
    edited.write_text(edited.read_text("utf-8").replace("title:", "title: Edited", 1), "utf-8")
    after = open_workspace(root, today=TODAY, use_cache=False)
    changed = {
        item.path
        for _kind, item in after.items()
        if after.item_digest(item) != digests[0][item.path]
    }
    assert changed == {edited.relative_to(root).as_posix()}
