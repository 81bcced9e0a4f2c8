"""The lineage diagram's two layouts and escaping, as the browser will parse it (XML)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from handbook.render.lineage_svg import (
    LINE_H,
    NARROW_W,
    NODE_W,
    PAD_X,
    PAD_Y,
    Node,
    label_lines,
    lineage_svg,
)
from handbook.render.svg_text import text_width

SVG = "{http://www.w3.org/2000/svg}"
COLUMNS = [
    [Node("Pings", "../s/#pings", "source"), Node("Events", None, "source")],
    [Node("LookML: v.f", None, "field")],
    [Node("MAU", None, "metric")],
    [Node(f"look {n}", f"https://x/looks/{n}") for n in range(3)],
]
LONG = "Server instances dashboard by deployment type and version (weekly, all customers)"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # raises on anything that is not well-formed XML


def node_boxes(svg: ET.Element) -> list[ET.Element]:
    return [r for r in svg.iter(f"{SVG}rect") if "hb-lineage__box" in r.get("class", "")]


def label(text: ET.Element) -> list[str]:
    """The lines a <text> draws: its own text, then one per <tspan>."""
    return [text.text or ""] + [t.text or "" for t in text.iter(f"{SVG}tspan")]


def test_wide_layout_has_columns_left_to_right_with_edges_between_neighbours():
    svg = parse(lineage_svg(COLUMNS, "Lineage of MAU"))
    rects = node_boxes(svg)
    xs = sorted({float(r.get("x")) for r in rects})
    assert len(rects) == 7 and len(xs) == 4  # four columns
    # 2 sources → field, field → metric, metric → 3 looks.
    assert len(svg.findall(f"{SVG}path")) == 2 + 1 + 3
    links = [a.get("href") for a in svg.iter(f"{SVG}a")]
    assert links == ["../s/#pings", "https://x/looks/0", "https://x/looks/1", "https://x/looks/2"]
    height, width = float(svg.get("height")), float(svg.get("width"))
    assert all(float(r.get("y")) + float(r.get("height")) <= height for r in rects)
    assert all(float(r.get("x")) + float(r.get("width")) <= width for r in rects)
    assert svg.get("aria-label") == "Lineage of MAU" and svg.get("role") == "img"
    assert "data-search-exclude" in svg.attrib and svg.get("class") == "hb-lineage"


def test_narrow_layout_stacks_the_steps_in_one_column_a_phone_can_show():
    svg = parse(lineage_svg(COLUMNS, "Lineage of MAU", narrow=True))
    assert svg.get("class") == "hb-lineage hb-lineage--narrow"
    assert float(svg.get("width")) == NARROW_W <= 358  # a 390 px phone's content column
    rects = node_boxes(svg)
    assert len(rects) == 7 and len({r.get("x") for r in rects}) == 1  # one column
    tops = [float(r.get("y")) for r in rects]
    assert tops == sorted(tops)  # sources, field, metric, looks: top to bottom, in order
    texts = ["".join(label(t)) for t in svg.iter(f"{SVG}text")]
    assert texts == ["Pings", "Events", "LookML: v.f", "MAU", "look 0", "look 1", "look 2"]
    # The two steps of several nodes sit in frames; an arrow leads to each next step.
    frames = [r for r in svg.iter(f"{SVG}rect") if r.get("class") == "hb-lineage__frame"]
    assert len(frames) == 2
    assert len([p for p in svg.iter(f"{SVG}path") if p.get("class") == "hb-lineage__arrow"]) == 3
    links = [a.get("href") for a in svg.iter(f"{SVG}a")]
    assert links == ["../s/#pings", "https://x/looks/0", "https://x/looks/1", "https://x/looks/2"]
    assert float(rects[-1].get("y")) + float(rects[-1].get("height")) <= float(svg.get("height"))


@pytest.mark.parametrize("narrow", [False, True], ids=["wide", "narrow"])
def test_empty_columns_are_dropped_and_nothing_gives_no_svg(narrow: bool):
    svg = parse(lineage_svg([[], [Node("MAU", None, "metric")], []], "x", narrow=narrow))
    assert len(node_boxes(svg)) == 1 and not svg.findall(f"{SVG}path")
    assert lineage_svg([[], []], "x", narrow=narrow) == ""


@pytest.mark.parametrize("narrow", [False, True], ids=["wide", "narrow"])
def test_hostile_labels_and_links_stay_text(narrow: bool):
    evil = '</text><script>alert(1)</script><a href="javascript:x">&amp;'
    raw = lineage_svg([[Node(evil, 'x" onload="alert(1)', "source")]], evil, narrow=narrow)
    svg = parse(raw)
    assert not list(svg.iter(f"{SVG}script")) and "<script>" not in raw
    (link,) = svg.iter(f"{SVG}a")
    assert link.get("href") == 'x" onload="alert(1)' and link.get("onload") is None
    if not narrow:  # the hover text (a phone shows none, so the narrow layout has none)
        assert svg.find(f".//{SVG}title").text == evil
    assert "".join(label(svg.find(f".//{SVG}text"))) == evil
    assert svg.get("aria-label") == evil


@pytest.mark.parametrize("narrow", [False, True], ids=["wide", "narrow"])
def test_a_long_label_is_shown_in_full_over_several_lines_inside_its_box(narrow: bool):
    svg = parse(lineage_svg([[Node("MAU", None, "metric")], [Node(LONG)]], "x", narrow=narrow))
    rect = node_boxes(svg)[1]
    text = list(svg.iter(f"{SVG}text"))[1]
    lines = label(text)
    assert len(lines) > 1 and "".join(lines) == LONG and "…" not in "".join(lines)
    width = float(rect.get("width"))
    assert all(text_width(line.rstrip(), 11) <= width - 2 * PAD_X for line in lines)
    assert float(rect.get("height")) == len(lines) * LINE_H + 2 * PAD_Y  # the box grows
    assert [t.get("dy") for t in text.iter(f"{SVG}tspan")] == [str(LINE_H)] * (len(lines) - 1)


def test_a_long_identifier_breaks_after_dots_and_underscores():
    lines = label_lines(Node("product_usage.customer_seats.seat_consumption", kind="field"), NODE_W)
    assert len(lines) > 1 and "".join(lines) == "product_usage.customer_seats.seat_consumption"
    assert all(line[-1] in "._" for line in lines[:-1])
