"""The metric glossary (`metrics/index.md`) and one page per metric (`metrics/<name>.md`).

A reader lands here from search or from a `[[metric:…]]` reference and needs, on one page:
what the number means, who owns it, whether it is safe to quote (status), how it is
computed, where it comes from (sources, LookML field) and where to see it (Looker content).
The glossary is one A–Z table (a script adds status and domain filters) with each metric's
synonyms in the text, so the site search finds "active users" though the metric is `mau`.

Everything a template shows is escaped by `render`'s finalize; the two pieces of
Markdown built here are kept literal on purpose: the calculation goes into a fenced block
whose fence is longer than any backtick run in it (so no text can close it early), and the
lineage diagram is an inline SVG drawn by `render.lineage_svg`, which escapes every label.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from markupsafe import Markup

from handbook.catalog import Catalog
from handbook.curated.metrics import METRIC_STATUSES, Metric
from handbook.render.addresses import (
    CATALOG_EXPORT,
    FRESHNESS_BOARD,
    LOOKER_EXPLORES,
    METRICS_INDEX,
    explore_anchor,
    item_entry,
    metric_page,
    relative_to,
)
from handbook.render.badges import freshness_summary, status_badge
from handbook.render.cache import digest
from handbook.render.lineage_svg import Node, lineage_svg
from handbook.render.page import Page, PageSpec
from handbook.render.site_urls import site_href
from handbook.render.templating import anchor, format_date, link, md_text, number, render
from handbook.render.trust import broken_flag, validation_caveat
from handbook.snapshot.model import LookerItem

# Items beyond this many make the lineage diagram unreadable; the table below lists more.
LINEAGE_ITEMS = 12
# The "In Looker" table lists the content the metric's owner recommends, then at most this
# many of the most viewed items querying its field. A field behind a popular explore is
# queried by hundreds of items at a big company (200 each at 20,000 items, 600 at 60,000):
# listed in full, 500 metric pages held most of the site's Markdown and most of its build
# time, and a reader choosing what to rely on reads the top of the list. `catalog.json`
# lists every item with the fields it queries.
FIELD_ITEMS = 20

_BACKTICKS = re.compile(r"`+")
_SENTENCE = re.compile(r"(?<=[.!?])\s")


def code_block(text: str, language: str = "sql") -> Markup:
    """`text` as a fenced code block that nothing inside it can close.

    CommonMark closes a backtick fence only with a run at least as long as the opening,
    so a fence one longer than the longest run in the text keeps the text literal.
    """
    longest = max((len(m) for m in _BACKTICKS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    body = text.rstrip("\n")
    return Markup(f"{fence}{language}\n{body}\n{fence}")


def first_sentence(text: str) -> str:
    """The opening sentence of a description, for tables that need one line."""
    return _SENTENCE.split(" ".join(text.split()), maxsplit=1)[0]


@dataclass
class MetricView:
    """What the templates need about one metric, with links and badges already built."""

    metric: Metric
    link: Markup  # to the metric's page, relative to metrics/
    badge: Markup
    summary: str
    items: list[LookerItem] = field(default_factory=list)  # Looker content that shows it
    curated: set[tuple[str, str]] = field(default_factory=set)  # listed in the YAML
    rows: list[tuple[Markup, bool, Markup]] = field(default_factory=list)  # see `_item_cells`
    more: int = 0  # items querying the field that the table leaves out

    @property
    def field_shown(self) -> int:
        """How many of the listed items are there because they query the field."""
        return len(self.rows) - len(self.curated)


def _most_viewed(item: LookerItem) -> tuple[int, int, str]:
    """Most viewed first: in the last 90 days (what is in use now), then lifetime."""
    return (-(item.recent_views or 0), -item.view_count, item.title)


def _items_for(metric: Metric, catalog: Catalog) -> tuple[list[LookerItem], set, int]:
    """Content the YAML names first, then the `FIELD_ITEMS` most viewed of the rest querying
    its LookML field; and how many of those the list leaves out."""
    curated_keys = [("look", i) for i in metric.looks] + [
        ("dashboard", i) for i in metric.dashboards
    ]
    items: dict[tuple[str, str], LookerItem] = {}
    for key in curated_keys:
        item = catalog.items.get(key)
        if item is not None:  # validate reports the rest with file and line
            items[key] = item
    users = [
        item
        for item in catalog.items_by_field.get(metric.lookml_field or "", [])
        if (item.kind, item.id) not in items
    ]
    for item in heapq.nsmallest(FIELD_ITEMS, users, key=_most_viewed):
        items[(item.kind, item.id)] = item
    return list(items.values()), set(items) & set(curated_keys), max(0, len(users) - FIELD_ITEMS)


def _item_cells(item: LookerItem, catalog: Catalog) -> tuple[Markup, Markup]:
    """An item's row in a metric's "In Looker" table: its linked title, and what follows it:
    the rest of the title cell (a "Broken in Looker" flag with its errors, or nothing), then
    the other cells.

    Escaped as the template's `{{ … }}` would. An item querying a popular field is listed
    on many metric pages (at 20,000 items, 100,000 rows for 20,000 items), so `specs` makes
    each item's cells once per build instead of once per row.
    """
    flag = Markup("")
    errors = catalog.validation_errors(item.kind, item.id)
    if errors:  # every metric page is in metrics/, as the glossary: one link serves them all
        entry = relative_to(METRICS_INDEX, item_entry(catalog, item))
        flag = Markup("<br>") + broken_flag(errors, entry)
    cells = (
        f"{flag} | {md_text(item.kind)} | {md_text(catalog.folder_title(item.folder_id))} | "
        f"{md_text(item.owner or '—')} | {number(item.recent_views)} | "
        f"{number(item.view_count)} | {format_date(item.updated_at)} |"
    )
    return link(item.title, catalog.item_url(item)), Markup(cells)


def _view(
    metric: Metric, catalog: Catalog, cells: dict[int, tuple[Markup, Markup]] | None = None
) -> MetricView:
    """`cells` memoises `_item_cells` by item across the metric pages of one build."""
    cells = {} if cells is None else cells
    items, curated, more = _items_for(metric, catalog)
    rows = []
    for item in items:
        if id(item) not in cells:
            cells[id(item)] = _item_cells(item, catalog)
        title, rest = cells[id(item)]
        rows.append((title, (item.kind, item.id) in curated, rest))
    return MetricView(
        metric,
        Markup(f"[{md_text(metric.label)}]({metric.name}.md)"),
        status_badge(metric.status),
        first_sentence(metric.description),
        items,
        curated,
        rows,
        more,
    )


def lineage(metric: Metric, catalog: Catalog, items: list[LookerItem], more: int = 0) -> Markup:
    """Inline SVG: sources → LookML field → metric → Looker content, drawn at build time.

    MkDocs does not rewrite links inside raw HTML, so the links to our pages are built for
    the site's URL style (`project.directory_urls`). `more` counts the items the page's
    table leaves out, so the diagram's count is of all the content that shows the metric.
    """
    here, dirs = metric_page(metric.name), catalog.project.directory_urls
    sources = []
    for name in metric.sources:
        source = catalog.sources_by_name.get(name)
        href = site_href(here, FRESHNESS_BOARD, str(anchor(name)), dirs) if source else None
        sources.append(Node(source.label if source else name, href, "source"))
    fields = []
    if metric.lookml_field:
        found = catalog.fields.get(metric.lookml_field)
        explore = explore_anchor(found[0]) if found else ""
        href = site_href(here, LOOKER_EXPLORES, explore, dirs) if found else None
        tooltip = f"LookML field {metric.lookml_field}"
        fields.append(Node(metric.lookml_field, href, "field", tooltip))
    shown = [
        Node(item.title, catalog.item_url(item), "item", f"{item.kind} {item.id}: {item.title}")
        for item in items[:LINEAGE_ITEMS]
    ]
    hidden = len(items) + more - len(shown)
    if hidden:
        shown.append(Node(f"and {hidden:,} more", None, "more"))
    columns = [sources, fields, [Node(metric.label, None, "metric")], shown]
    total = len(items) + more
    title = f"Lineage of {metric.label}: {len(sources)} sources, {total:,} Looker items"
    # Both layouts; the stylesheet shows the one that fits the content column.
    svgs = lineage_svg(columns, title) + lineage_svg(columns, title, narrow=True)
    return Markup(f'<div class="hb-lineage-wrap" data-search-exclude>{svgs}</div>')


def _freshness(metric: Metric, catalog: Catalog, summary: Summaries) -> list[tuple[str, Markup]]:
    """(source label, freshness summary) for each of the metric's known sources."""
    rows = []
    for name in metric.sources:
        source = catalog.sources_by_name.get(name)
        if source is not None:  # an unknown source fails validation before pages render
            rows.append((source.label, summary(name)))
    return rows


class Summaries:
    """Each source's `freshness_summary` in one build, made once: a source is behind many
    metrics (100 sources, 500 metric pages and their keys)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.made: dict[str, Markup] = {}

    def __call__(self, name: str) -> Markup:
        if name not in self.made:
            self.made[name] = freshness_summary(self.catalog.source_statuses[name])
        return self.made[name]


def _link_view(metric: Metric) -> MetricView:
    """A metric as lists show it (no Looker content): link, badge, one-line summary."""
    link = Markup(f"[{md_text(metric.label)}]({metric.name}.md)")
    return MetricView(metric, link, status_badge(metric.status), first_sentence(metric.description))


def _glossary(catalog: Catalog) -> Page:
    views = [_link_view(m) for m in sorted(catalog.metrics, key=lambda m: m.label.casefold())]
    statuses: dict[str, list[MetricView]] = {s: [] for s in METRIC_STATUSES}
    for view in views:
        statuses[view.metric.status].append(view)
    content = render(
        "metric_index.md.j2",
        catalog=catalog,
        notice_source="looker",
        views=views,
        statuses=[(s, statuses[s], status_badge(s)) for s in METRIC_STATUSES],
    )
    edit = catalog.metrics[0].file if catalog.metrics else "docs/editing/catalog.md"
    return Page(METRICS_INDEX, content, edit_path=edit)


def _metric(
    metric: Metric,
    catalog: Catalog,
    cells: dict[int, tuple[Markup, Markup]] | None = None,
    summary: Summaries | None = None,
) -> Page:
    view = _view(metric, catalog, cells)
    explore = None
    if metric.lookml_field:
        found = catalog.fields.get(metric.lookml_field)
        explore = found[0] if found else None
    replacement = catalog.metrics_by_name.get(metric.replaced_by or "")
    content = render(
        "metric_page.md.j2",
        catalog=catalog,
        view=view,
        metric=metric,
        calculation=code_block(metric.calculation),
        lineage=lineage(metric, catalog, view.items, view.more),
        export_href=site_href(
            metric_page(metric.name), CATALOG_EXPORT, directory_urls=catalog.project.directory_urls
        ),
        freshness=_freshness(metric, catalog, summary or Summaries(catalog)),
        explore_url=catalog.explore_url(explore) if explore else None,
        replacement=_link_view(replacement) if replacement else None,
        caveat=_caveat(view.items, catalog),
    )
    return Page(metric_page(metric.name), content, edit_path=metric.file or None)


def _caveat(items: list[LookerItem], catalog: Catalog) -> str | None:
    """How current the validation is, when the page shows a broken item."""
    if not any(catalog.validation_errors(i.kind, i.id) for i in items):
        return None
    return validation_caveat(catalog)


def _metric_key(metric: Metric, catalog: Catalog, notices: str, summary: Summaries) -> str:
    """Every input `_metric` shows: the metric, its content, sources, field, replacement."""
    items, _, more = _items_for(metric, catalog)
    found = catalog.fields.get(metric.lookml_field or "")
    return digest(
        notices,
        catalog.base_url,
        catalog.project.directory_urls,  # the lineage diagram's links depend on it
        metric,
        metric.file,
        [catalog.item_key(i) for i in items],
        more,
        [catalog.validation_errors(i.kind, i.id) for i in items],
        _caveat(items, catalog),
        [catalog.sources_by_name.get(name) for name in metric.sources],
        [str(summary(n)) for n in metric.sources if n in catalog.sources_by_name],
        found[0].model_dump_json(exclude={"fields"}) if found else None,
        catalog.metrics_by_name.get(metric.replaced_by or ""),
    )


def specs(catalog: Catalog) -> Iterable[PageSpec]:
    """The glossary and one page per metric, each keyed by what it shows."""
    notices = render("_notices.md.j2", catalog=catalog, notice_source="looker")
    edit = catalog.metrics[0].file if catalog.metrics else ""
    yield PageSpec(
        METRICS_INDEX,
        lambda: digest(notices, edit, catalog.metrics),
        lambda: _glossary(catalog),
    )
    summary = Summaries(catalog)
    cells: dict[int, tuple[Markup, Markup]] = {}
    for metric in catalog.metrics:
        yield PageSpec(
            metric_page(metric.name),
            lambda metric=metric: _metric_key(metric, catalog, notices, summary),
            lambda metric=metric: _metric(metric, catalog, cells, summary),
        )


def pages(catalog: Catalog) -> Iterable[Page]:
    for spec in specs(catalog):
        yield spec.render()
