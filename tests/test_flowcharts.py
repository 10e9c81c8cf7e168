"""Flow charts: well-formed, accessible, escaped, static SVG that says its numbers."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from worktext.render import flowcharts as fc

SVG = "{http://www.w3.org/2000/svg}"
DAYS = [dt.date(2026, 1, 1) + dt.timedelta(days=i) for i in range(5)]
HOSTILE = '<script>alert("x")</script>'


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby", "").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}desc").get("id") == desc_id
    for element in root.iter():
        assert element.tag.split("}")[-1] not in ("script", "foreignObject", "a", "image")
        assert not any(name.startswith("on") for name in element.attrib)
    return root


def texts(root: ET.Element) -> list[str]:
    return [e.text or "" for e in root.iter() if e.text]


def test_cumulative_flow() -> None:
    series = {"done": [0, 1, 1, 2, 3], "doing": [1, 1, 2, 1, 0], "todo": [3, 2, 1, 1, 1]}
    svg = fc.cumulative_flow_svg(
        DAYS, series, order=["done", "doing", "todo"], categories={"doing": "active"}
    )
    root = parse(svg)
    assert root.find(f"{SVG}title").text == "Cumulative flow"
    desc = root.find(f"{SVG}desc").text
    assert desc == (
        "Tasks per state from 2026-01-01 to 2026-01-05. On 2026-01-05: done 3, doing 0, todo 1."
    )
    polygons = root.findall(f"{SVG}polygon")
    assert len(polygons) == 3
    assert polygons[0].get("fill") == fc.CATEGORY_COLOURS["done"]
    assert polygons[1].get("fill") == fc.CATEGORY_COLOURS["active"]
    assert svg == fc.cumulative_flow_svg(
        DAYS, series, order=["done", "doing", "todo"], categories={"doing": "active"}
    )


def test_hostile_names_are_escaped() -> None:
    svg = fc.cumulative_flow_svg(DAYS, {HOSTILE: [1] * 5}, title=HOSTILE)
    assert "<script" not in svg and "&lt;script&gt;" in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == HOSTILE  # escaped in the file, intact when read
    timeline = fc.timeline_svg(
        [(dt.datetime(2026, 1, 1), None, HOSTILE, "active")],
        dt.datetime(2026, 1, 5),
        title=HOSTILE,
    )
    assert "<script" not in timeline
    parse(timeline)
    scatter = fc.cycle_time_svg([(DAYS[1], 2.0, HOSTILE)], {50: 2.0})
    assert "<script" not in scatter
    parse(scatter)


def test_burnup_and_burndown() -> None:
    root = parse(fc.burnup_svg(DAYS, [4, 4, 5, 5, 5], [0, 1, 2, 4, 5], "hours", "Burnup: web"))
    assert [p.get("stroke") for p in root.findall(f"{SVG}polyline")] == ["#5b8def", "#3c9d5d"]
    assert "On 2026-01-05: scope 5, done 5" in root.find(f"{SVG}desc").text
    down = parse(fc.burndown_svg(DAYS, [4, 4, 3, 1, 0], target=dt.date(2026, 1, 3)))
    lines = down.findall(f"{SVG}polyline")
    assert len(lines) == 2 and lines[1].get("stroke-dasharray") == "5 4"
    assert "ideal (by 2026-01-03)" in texts(down)


def test_throughput_bars() -> None:
    weeks = [(dt.date(2026, 1, 5), 2), (dt.date(2026, 1, 12), 0), (dt.date(2026, 1, 19), 4)]
    root = parse(fc.throughput_svg(weeks))
    bars = root.findall(f".//{SVG}rect")
    assert [b.find(f"{SVG}title").text for b in bars] == [
        "week of 2026-01-05: 2",
        "week of 2026-01-12: 0",
        "week of 2026-01-19: 4",
    ]
    assert float(bars[1].get("height")) == 0
    assert float(bars[2].get("height")) == 2 * float(bars[0].get("height"))


def test_cycle_time_with_percentile_lines() -> None:
    points = [(DAYS[0], 1.0, "A-1"), (DAYS[2], 3.0, "A-2"), (DAYS[4], 6.0, "A-3")]
    root = parse(fc.cycle_time_svg(points, {50: 3.0, 85: 6.0, 95: 6.0}))
    assert len(root.findall(f".//{SVG}circle")) == 3
    assert {"50%: 3 days", "85%/95%: 6 days"} <= set(texts(root))
    assert "50% within 3 days, 85% within 6 days" in root.find(f"{SVG}desc").text


def test_durations_are_said_as_people_say_them() -> None:
    assert [fc.human_days(d) for d in (0.0417, 0.001, 0.25, 1.0, 1.04, 3.26)] == [
        "1 h",
        "1 min",
        "6 h",
        "1 day",
        "1 day",
        "3.3 days",
    ]
    assert fc.human_days(0.02) == "29 min"
    points = [(DAYS[0], 0.0417, "A-1")]
    root = parse(fc.cycle_time_svg(points, {50: 0.0417, 85: 0.0417, 95: 0.0417}))
    assert root.find(f".//{SVG}circle/{SVG}title").text == f"A-1: 1 h, finished {DAYS[0]}"
    assert "0.0417" not in fc.cycle_time_svg(points, {50: 0.0417})


def test_every_state_has_its_own_colour_in_shades_of_its_category() -> None:
    categories = {"todo": "todo", "doing": "active", "review": "active", "done": "done"}
    colours = fc.state_colours(categories, ["todo", "doing", "review", "done"])
    assert len(set(colours.values())) == 4
    assert colours["todo"] == fc.CATEGORY_COLOURS["todo"]
    assert colours["doing"] != colours["review"]
    flow = {name: [1, 1, 1] for name in categories}
    svg = fc.cumulative_flow_svg(DAYS[:3], flow, ["done", "review", "doing", "todo"], categories)
    fills = {
        p.find(f"{SVG}title").text.split(":")[0]: p.get("fill")
        for p in parse(svg).iter(f"{SVG}polygon")
    }
    assert fills == colours
    segments = [
        (
            dt.datetime(2026, 1, 5, tzinfo=dt.timezone.utc),
            dt.datetime(2026, 1, 6, tzinfo=dt.timezone.utc),
            "doing",
            "active",
        ),
        (dt.datetime(2026, 1, 6, tzinfo=dt.timezone.utc), None, "review", "active"),
    ]
    band = parse(
        fc.timeline_svg(segments, dt.datetime(2026, 1, 8, tzinfo=dt.timezone.utc), colours=colours)
    )
    assert [r.get("fill") for r in band.iter(f"{SVG}rect")][-2:] == [
        colours["doing"],
        colours["review"],
    ]


def test_wip_and_timeline() -> None:
    root = parse(fc.wip_svg(DAYS, [0, 1, 2, 2, 1], limit=2))
    assert len(root.findall(f"{SVG}polyline")) == 2
    segments = [
        (dt.datetime(2026, 1, 1), dt.datetime(2026, 1, 3), "todo", "todo"),
        (dt.datetime(2026, 1, 3), None, "doing", "active"),
    ]
    timeline = parse(fc.timeline_svg(segments, dt.datetime(2026, 1, 5)))
    rects = timeline.findall(f".//{SVG}rect")
    assert [r.get("fill") for r in rects] == [
        fc.CATEGORY_COLOURS["todo"],
        fc.CATEGORY_COLOURS["active"],
    ]
    assert float(rects[0].get("width")) == pytest.approx(float(rects[1].get("width")))
    assert (
        timeline.find(f"{SVG}desc").text
        == "States over time: todo from 2026-01-01; doing from 2026-01-03."
    )


def test_long_legends_wrap_and_the_chart_grows() -> None:
    series = {f"state-number-{i}": [i, i] for i in range(12)}
    root = parse(fc.cumulative_flow_svg(DAYS[:2], series))
    height = int(root.get("height"))
    assert height > fc.HEIGHT
    swatches = root.findall(f".//{SVG}g[@class='legend']/{SVG}rect")
    assert len(swatches) == 12
    assert max(float(r.get("x")) + 10 for r in swatches) <= fc.WIDTH - fc.RIGHT
    assert max(float(r.get("y")) + 10 for r in swatches) <= height


def test_empty_inputs_give_a_readable_chart() -> None:
    for svg in (
        fc.cumulative_flow_svg([], {}),
        fc.throughput_svg([]),
        fc.cycle_time_svg([], {50: None}),
        fc.burnup_svg([], [], []),
        fc.timeline_svg([], dt.datetime(2026, 1, 1)),
    ):
        parse(svg)


def test_ids_differ_between_charts() -> None:
    a = parse(fc.wip_svg(DAYS, [0, 1, 2, 2, 1], title="WIP: web"))
    b = parse(fc.wip_svg(DAYS, [0, 1, 2, 2, 1], title="WIP: app"))
    assert a.get("aria-labelledby") != b.get("aria-labelledby")
