"""A metric's lineage as inline SVG, laid out at build time (no script, no network).

The lineage has four steps: data sources → LookML field → the metric → Looker content. It is
drawn in two layouts, and the stylesheet shows the one that fits the content column:

- `wide`: the steps are columns left to right, every node joined to every node of the next
  column by a curve (a desktop's content column);
- `narrow`: the steps are stacked top to bottom, the nodes of a step one under the other in
  a frame, an arrow between steps (a phone's width, where four columns would need sideways
  scrolling or text too small to read).

Every label is shown in full, wrapped over as many lines as it needs (`svg_text.wrap`): a
phone shows no hover tooltip, so no name may hide in one. Every label and URL is escaped
for XML here, so nothing from YAML or Looker can open an element or an attribute. Each
diagram carries `data-search-exclude` (Material's search skips it) and `role="img"` with an
`aria-label`, so the search index holds no diagram text and screen readers get one
sentence instead of a cloud of labels. Sizes grow linearly with the number of nodes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from xml.sax.saxutils import escape, quoteattr

from handbook.render.svg_text import wrap

FONT = 11  # px: the diagram's font size in handbook.css
LINE_H = 14  # px between two lines of a label
PAD_X = 8  # inside a box, left and right of its text
PAD_Y = 7  # inside a box, above and below its text
MARGIN = 8  # around the drawing
GAP = 10  # between two nodes of a step
# Wide: four columns fit Material's content column at 1280 px (about 690 px).
NODE_W = 150
GAP_X = 30
# Narrow: one column that fits a 390 px phone's content column (about 358 px).
NARROW_W = 340
FRAME_PAD = 6  # inside a step's frame, around its nodes
ARROW = 24  # between two steps


@dataclass(frozen=True)
class Node:
    label: str
    href: str | None = None
    kind: str = "item"  # source | field | metric | item | more: a CSS class suffix
    tooltip: str | None = None  # more than the label says (a kind, an id), on hover


@dataclass(frozen=True)
class _Box:
    """A node placed: its label's lines and the box's top-left corner and size."""

    node: Node
    lines: tuple[str, ...]
    x: float = 0
    y: float = 0
    w: float = 0

    @property
    def h(self) -> float:
        return len(self.lines) * LINE_H + 2 * PAD_Y


def label_lines(node: Node, box_width: float) -> tuple[str, ...]:
    """The node's label as the lines it is drawn in, in a box `box_width` px wide."""
    return _wrapped(node.label, box_width - 2 * PAD_X, node.kind == "metric")


@lru_cache(maxsize=4096)
def _wrapped(label: str, width: float, bold: bool) -> tuple[str, ...]:
    """`wrap`, once per label and width: the most viewed items and the sources are drawn
    on many metric pages, in both layouts."""
    return tuple(wrap(label, width, FONT, bold=bold))


def _box_svg(box: _Box, tooltip: bool = True) -> str:
    """A node: its box, its label (centred by the stylesheet), and a link if it has one.

    Anything the stylesheet can say (colours, text anchor and baseline) stays out of the
    markup: a metric page carries two diagrams of up to 14 nodes each.
    """
    node, cx = box.node, box.x + box.w / 2
    radius = min(box.h / 2, 14) if node.kind == "metric" else 4
    rect = (
        f'<rect class="hb-lineage__box--{node.kind}" x="{box.x:.0f}" y="{box.y:.0f}" '
        f'width="{box.w:.0f}" height="{box.h:.0f}" rx="{radius:.0f}"/>'
    )
    first, *more = [escape(line) for line in box.lines]
    text = (
        f'<text x="{cx:.0f}" y="{box.y + PAD_Y + LINE_H / 2:.0f}">{first}'
        + "".join(f'<tspan x="{cx:.0f}" dy="{LINE_H}">{line}</tspan>' for line in more)
        + "</text>"
    )
    title = f"<title>{escape(node.tooltip or node.label)}</title>" if tooltip else ""
    inner = f"{title}{rect}{text}"
    if node.href:
        return f'<a class="hb-lineage__node" href={quoteattr(node.href)}>{inner}</a>'
    return f'<g class="hb-lineage__node">{inner}</g>'


def _curve(x1: float, y1: float, x2: float, y2: float, dashed: bool) -> str:
    mid = (x1 + x2) / 2
    dash = ' stroke-dasharray="4 3"' if dashed else ""
    return (
        f'<path class="hb-lineage__edge" d="M{x1:.0f},{y1:.0f} C{mid:.0f},{y1:.0f} '
        f'{mid:.0f},{y2:.0f} {x2:.0f},{y2:.0f}"{dash}/>'
    )


def _wide(cols: list[list[Node]]) -> tuple[float, float, list[str]]:
    """Columns left to right, each centred vertically; curves between neighbours."""
    boxed = [[_Box(n, label_lines(n, NODE_W), w=NODE_W) for n in col] for col in cols]
    heights = [sum(b.h for b in col) + GAP * (len(col) - 1) for col in boxed]
    height = 2 * MARGIN + max(heights)
    width = 2 * MARGIN + len(cols) * NODE_W + (len(cols) - 1) * GAP_X
    placed: list[list[_Box]] = []
    for n, (col, used) in enumerate(zip(boxed, heights, strict=True)):
        x, y = MARGIN + n * (NODE_W + GAP_X), (height - used) / 2
        spots = []
        for box in col:
            spots.append(_Box(box.node, box.lines, x, y, NODE_W))
            y += box.h + GAP
        placed.append(spots)
    edges = [
        _curve(a.x + a.w, a.y + a.h / 2, b.x, b.y + b.h / 2, b.node.kind == "more")
        for left, right in pairwise(placed)
        for a in left
        for b in right
    ]
    return width, height, edges + [_box_svg(b) for col in placed for b in col]


def _narrow(cols: list[list[Node]]) -> tuple[float, float, list[str]]:
    """Steps top to bottom; a step of several nodes in a frame; an arrow between steps."""
    x, w = MARGIN + FRAME_PAD, NARROW_W - 2 * (MARGIN + FRAME_PAD)
    parts: list[str] = []
    y = MARGIN
    for n, col in enumerate(cols):
        if n:
            mid = NARROW_W / 2
            parts.append(
                f'<path class="hb-lineage__edge" d="M{mid:.0f},{y:.0f} V{y + ARROW - 6:.0f}"/>'
                f'<path class="hb-lineage__arrow" d="M{mid - 5:.0f},{y + ARROW - 8:.0f} '
                f'L{mid:.0f},{y + ARROW:.0f} L{mid + 5:.0f},{y + ARROW - 8:.0f} Z"/>'
            )
            y += ARROW
        framed = len(col) > 1
        top = y
        y += FRAME_PAD if framed else 0
        boxes = []
        for node in col:
            box = _Box(node, label_lines(node, w), x, y, w)
            boxes.append(_box_svg(box, tooltip=False))  # a phone shows no hover text
            y += box.h + GAP
        y += (FRAME_PAD if framed else 0) - GAP
        if framed:
            parts.append(
                f'<rect class="hb-lineage__frame" x="{MARGIN}" y="{top:.0f}" '
                f'width="{NARROW_W - 2 * MARGIN}" height="{y - top:.0f}" rx="6"/>'
            )
        parts.extend(boxes)
    return NARROW_W, y + MARGIN, parts


def lineage_svg(columns: list[list[Node]], title: str, *, narrow: bool = False) -> str:
    """The SVG of `columns` (empty ones dropped) in the wide or the narrow layout.

    Each column feeds every node of the next, which is what a lineage of few sources, one
    field, one metric and many items needs; a `more` node gets a dashed curve.
    """
    cols = [c for c in columns if c]
    if not cols:
        return ""
    width, height, parts = (_narrow if narrow else _wide)(cols)
    layout = " hb-lineage--narrow" if narrow else ""
    return (
        f'<svg class="hb-lineage{layout}" data-search-exclude="" role="img" '
        f'aria-label={quoteattr(title)} xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}">'
        + "".join(parts)
        + "</svg>"
    )
