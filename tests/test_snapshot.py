from __future__ import annotations

import datetime as dt
import marshal

from conftest import TODAY

from worktext import snapshot
from worktext.model import Checklist, Task, TimeEntry
from worktext.pipeline import open_workspace


def _items(ws):
    return {kind: list(registry) for kind, registry in ws.registries()}


def test_template_items_round_trip_through_marshal(template_root) -> None:
    ws = open_workspace(template_root, today=TODAY, use_cache=False)
    items = _items(ws)
    stored = marshal.loads(marshal.dumps(snapshot.encode_items(items)))
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
    stored = marshal.loads(marshal.dumps(snapshot.encode_items({"task": [task]})))
    assert snapshot.decode_items(stored)["task"] == [task]
