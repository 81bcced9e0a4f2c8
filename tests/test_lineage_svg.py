"""The lineage diagram's layout and escaping, as the browser will parse it (XML)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from handbook.render.lineage_svg import MAX_CHARS, NODE_H, Node, lineage_svg, shorten

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # raises on anything that is not well-formed XML


def test_columns_left_to_right_with_edges_between_neighbours():
    svg = parse(
        lineage_svg(
            [
                [Node("Pings", "../s/#pings", "source"), Node("Events", None, "source")],
                [Node("LookML: v.f", None, "field")],
                [Node("MAU", None, "metric")],
                [Node(f"look {n}", f"https://x/looks/{n}") for n in range(3)],
            ],
            "Lineage of MAU",
        )
    )
    rects = svg.findall(f".//{SVG}rect")
    xs = sorted({float(r.get("x")) for r in rects})
    assert len(rects) == 7 and len(xs) == 4  # four columns
    # 2 sources → field, field → metric, metric → 3 looks.
    assert len(svg.findall(f"{SVG}path")) == 2 + 1 + 3
    links = [a.get("href") for a in svg.iter(f"{SVG}a")]
    assert links == ["../s/#pings", "https://x/looks/0", "https://x/looks/1", "https://x/looks/2"]
    height = float(svg.get("height"))
    assert height >= 3 * NODE_H and all(float(r.get("y")) + NODE_H <= height for r in rects)
    assert svg.get("aria-label") == "Lineage of MAU" and svg.get("role") == "img"
    assert "data-search-exclude" in svg.attrib


def test_empty_columns_are_dropped_and_nothing_gives_no_svg():
    svg = parse(lineage_svg([[], [Node("MAU", None, "metric")], []], "x"))
    assert len(svg.findall(f".//{SVG}rect")) == 1 and not svg.findall(f"{SVG}path")
    assert lineage_svg([[], []], "x") == ""


def test_hostile_labels_and_links_stay_text():
    evil = '</text><script>alert(1)</script><a href="javascript:x">&amp;'
    raw = lineage_svg([[Node(evil, 'x" onload="alert(1)', "source")]], evil)
    svg = parse(raw)
    assert not list(svg.iter(f"{SVG}script")) and "<script>" not in raw
    (link,) = svg.iter(f"{SVG}a")
    assert link.get("href") == 'x" onload="alert(1)' and link.get("onload") is None
    assert svg.find(f".//{SVG}title").text == evil  # the full text, intact, as text
    assert svg.get("aria-label") == evil


def test_long_labels_are_cut_to_one_line():
    assert shorten("a  b\nc") == "a b c"
    cut = shorten("x" * 100)
    assert len(cut) == MAX_CHARS and cut.endswith("…")
