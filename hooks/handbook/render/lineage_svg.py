"""A metric's lineage as an inline SVG, laid out at build time (no script, no network).

Columns left to right: data sources → LookML field → the metric → Looker content. Each node
is a box with one line of text; a node with a link is wrapped in `<a href>`. Every label
and URL is escaped for XML here, so nothing from YAML or Looker can open an element or an
attribute. The diagram carries `data-search-exclude` (Material's search skips it) and
`role="img"` with an `aria-label`, so the search index holds no diagram text and screen
readers get one sentence instead of a cloud of labels. The layout is a plain column grid:
heights grow linearly with the longest column, and nothing here depends on fonts.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

# Four columns fit Material's content column (~690 px at 1280 px wide) at about 90 %.
NODE_W = 160
NODE_H = 28
GAP_X = 34
GAP_Y = 10
PAD = 8
CHAR_W = 6.4  # average width of an 11 px sans-serif character, to shorten long labels
MAX_CHARS = int((NODE_W - 12) / CHAR_W)


@dataclass(frozen=True)
class Node:
    label: str
    href: str | None = None
    kind: str = "item"  # source | field | metric | item | more: a CSS class suffix
    tooltip: str | None = None  # the full text, when the label is a short form of it


def shorten(text: str, limit: int = MAX_CHARS) -> str:
    """One line of at most `limit` characters, cut with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _node_svg(node: Node, x: float, y: float) -> str:
    box = (
        f'<rect class="hb-lineage__box hb-lineage__box--{node.kind}" x="{x:.0f}" y="{y:.0f}" '
        f'width="{NODE_W}" height="{NODE_H}" rx="{NODE_H // 2 if node.kind == "metric" else 4}"/>'
    )
    text = (
        f'<text class="hb-lineage__text" x="{x + NODE_W / 2:.0f}" y="{y + NODE_H / 2:.0f}" '
        f'text-anchor="middle" dominant-baseline="central">{escape(shorten(node.label))}</text>'
    )
    inner = f"<title>{escape(node.tooltip or node.label)}</title>{box}{text}"
    if node.href:
        return f'<a class="hb-lineage__node" href={quoteattr(node.href)}>{inner}</a>'
    return f'<g class="hb-lineage__node">{inner}</g>'


def _edge(x1: float, y1: float, x2: float, y2: float, dashed: bool) -> str:
    mid = (x1 + x2) / 2
    dash = ' stroke-dasharray="4 3"' if dashed else ""
    return (
        f'<path class="hb-lineage__edge" d="M{x1:.0f},{y1:.0f} C{mid:.0f},{y1:.0f} '
        f'{mid:.0f},{y2:.0f} {x2:.0f},{y2:.0f}"{dash}/>'
    )


def lineage_svg(columns: list[list[Node]], title: str) -> str:
    """The SVG for `columns` (empty columns are dropped); each column links to the next.

    Every node of a column is joined to every node of the next one, which is what a lineage
    of few sources, one field, one metric and many items needs; `more` nodes get a dashed edge.
    """
    cols = [c for c in columns if c]
    if not cols:
        return ""
    tallest = max(len(c) for c in cols)
    height = PAD * 2 + tallest * NODE_H + (tallest - 1) * GAP_Y
    width = PAD * 2 + len(cols) * NODE_W + (len(cols) - 1) * GAP_X
    places: list[list[tuple[float, float]]] = []
    for n, col in enumerate(cols):
        x = PAD + n * (NODE_W + GAP_X)
        used = len(col) * NODE_H + (len(col) - 1) * GAP_Y
        top = (height - used) / 2
        places.append([(x, top + k * (NODE_H + GAP_Y)) for k in range(len(col))])
    edges = []
    for n in range(len(cols) - 1):
        for x1, y1 in places[n]:
            for node, (x2, y2) in zip(cols[n + 1], places[n + 1], strict=True):
                edges.append(
                    _edge(x1 + NODE_W, y1 + NODE_H / 2, x2, y2 + NODE_H / 2, node.kind == "more")
                )
    nodes = [
        _node_svg(node, x, y)
        for col, spots in zip(cols, places, strict=True)
        for node, (x, y) in zip(col, spots, strict=True)
    ]
    return (
        f'<svg class="hb-lineage" data-search-exclude="" role="img" aria-label={quoteattr(title)} '
        f'xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}">' + "".join(edges) + "".join(nodes) + "</svg>"
    )
