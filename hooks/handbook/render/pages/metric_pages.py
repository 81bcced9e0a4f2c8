"""The metric glossary (`metrics/index.md`) and one page per metric (`metrics/<name>.md`).

A reader lands here from search or from a `[[metric:…]]` reference and needs, on one page:
what the number means, who owns it, whether it is safe to quote (status), how it is
computed, where it comes from (sources, LookML field) and where to see it (Looker content).
The glossary lists every metric three ways (A–Z, by domain, by status) with its synonyms in
the text, so the site search finds "active users" even though the metric is called `mau`.

Everything a template shows is escaped by `render`'s finalize; the two pieces of
Markdown built here are kept literal on purpose: the calculation goes into a fenced block
whose fence is longer than any backtick run in it (so no text can close it early), and the
lineage diagram is Mermaid with every label reduced to a safe character set.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from markupsafe import Markup

from handbook.catalog import Catalog
from handbook.curated.metrics import Metric, status_badge
from handbook.freshness.rules import source_summary
from handbook.render.cache import PageSpec, digest
from handbook.render.pages import Page
from handbook.render.templating import md_text, render
from handbook.snapshot.model import LookerItem

STATUSES = ("certified", "draft", "deprecated")
# Items beyond this many make the lineage diagram unreadable; the table below lists all.
LINEAGE_ITEMS = 12

_BACKTICKS = re.compile(r"`+")
_SENTENCE = re.compile(r"(?<=[.!?])\s")
# Mermaid treats quotes, brackets, braces, pipes, semicolons, `#` and `<>` as syntax.
_MERMAID_UNSAFE = re.compile(r"[^\w .,:/+'·-]+")


def metric_page(name: str) -> str:
    """The page of a metric, relative to docs/ (also what references link to)."""
    return f"metrics/{name}.md"


def code_block(text: str, language: str = "sql") -> Markup:
    """`text` as a fenced code block that nothing inside it can close.

    CommonMark closes a backtick fence only with a run at least as long as the opening,
    so a fence one longer than the longest run in the text keeps the text literal.
    """
    longest = max((len(m) for m in _BACKTICKS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    body = text.rstrip("\n")
    return Markup(f"{fence}{language}\n{body}\n{fence}")


def mermaid_label(text: str) -> str:
    """A label Mermaid draws as text: unsafe characters become spaces, then quoted."""
    cleaned = " ".join(_MERMAID_UNSAFE.sub(" ", text).split())[:80]
    return f'"{cleaned or "?"}"'


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


def _items_for(metric: Metric, catalog: Catalog) -> tuple[list[LookerItem], set]:
    """Content the YAML names first, then everything else querying its LookML field."""
    curated_keys = [("look", i) for i in metric.looks] + [
        ("dashboard", i) for i in metric.dashboards
    ]
    items: dict[tuple[str, str], LookerItem] = {}
    for key in curated_keys:
        item = catalog.items.get(key)
        if item is not None:  # validate reports the rest with file and line
            items[key] = item
    users = catalog.items_by_field.get(metric.lookml_field or "", [])
    for item in sorted(users, key=lambda i: (-i.view_count, i.title)):
        items.setdefault((item.kind, item.id), item)
    return list(items.values()), set(items) & set(curated_keys)


def _view(metric: Metric, catalog: Catalog) -> MetricView:
    link = Markup(f"[{md_text(metric.label)}]({metric.name}.md)")
    items, curated = _items_for(metric, catalog)
    return MetricView(
        metric,
        link,
        status_badge(metric.status),
        first_sentence(metric.description),
        items,
        curated,
    )


def lineage(metric: Metric, catalog: Catalog, items: list[LookerItem]) -> Markup:
    """Mermaid flowchart: sources → LookML field → metric → Looker content."""
    lines = ["```mermaid", "flowchart LR"]
    metric_node = "metric"
    lines.append(f"  {metric_node}{{{{{mermaid_label(metric.label)}}}}}")
    upstream = [metric_node]
    if metric.lookml_field:
        lines.append(f"  field[{mermaid_label('LookML: ' + metric.lookml_field)}]")
        lines.append(f"  field --> {metric_node}")
        upstream = ["field"]
    for n, name in enumerate(metric.sources):
        source = catalog.sources_by_name.get(name)
        label = source.label if source else name
        lines.append(f"  source{n}[({mermaid_label(label)})]")
        for target in upstream:
            lines.append(f"  source{n} --> {target}")
    for n, item in enumerate(items[:LINEAGE_ITEMS]):
        lines.append(f"  item{n}[{mermaid_label(f'{item.kind} {item.id}: {item.title}')}]")
        lines.append(f"  {metric_node} --> item{n}")
    if len(items) > LINEAGE_ITEMS:
        more = len(items) - LINEAGE_ITEMS
        lines.append(f"  more[{mermaid_label(f'and {more} more, listed below')}]")
        lines.append(f"  {metric_node} -.-> more")
    lines.append("```")
    return Markup("\n".join(lines))


def _freshness(metric: Metric, catalog: Catalog) -> list[tuple[str, Markup]]:
    """(source label, freshness summary) for each of the metric's known sources."""
    rows = []
    for name in metric.sources:
        source = catalog.sources_by_name.get(name)
        if source is not None:  # an unknown source fails validation before pages render
            rows.append((source.label, source_summary(catalog, name)))
    return rows


def _letter(label: str) -> str:
    first = label[:1].upper()
    return first if "A" <= first <= "Z" else "#"


def _link_view(metric: Metric) -> MetricView:
    """A metric as lists show it (no Looker content): link, badge, one-line summary."""
    link = Markup(f"[{md_text(metric.label)}]({metric.name}.md)")
    return MetricView(metric, link, status_badge(metric.status), first_sentence(metric.description))


def _glossary(catalog: Catalog) -> Page:
    views = [_link_view(m) for m in sorted(catalog.metrics, key=lambda m: m.label.casefold())]
    letters: dict[str, list[MetricView]] = {}
    domains: dict[str, list[MetricView]] = {}
    statuses: dict[str, list[MetricView]] = {s: [] for s in STATUSES}
    for view in views:
        letters.setdefault(_letter(view.metric.label), []).append(view)
        domains.setdefault(view.metric.domain, []).append(view)
        statuses[view.metric.status].append(view)
    content = render(
        "metric_index.md.j2",
        catalog=catalog,
        notice_source="looker",
        views=views,
        letters=sorted(letters.items()),
        domains=sorted(domains.items(), key=lambda kv: kv[0].casefold()),
        statuses=[(s, statuses[s], status_badge(s)) for s in STATUSES],
    )
    edit = catalog.metrics[0].file if catalog.metrics else "catalog/metrics"
    return Page("metrics/index.md", content, edit_path=edit)


def _metric(metric: Metric, catalog: Catalog) -> Page:
    view = _view(metric, catalog)
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
        lineage=lineage(metric, catalog, view.items),
        freshness=_freshness(metric, catalog),
        explore_url=catalog.explore_url(explore) if explore else None,
        replacement=_link_view(replacement) if replacement else None,
    )
    return Page(metric_page(metric.name), content, edit_path=metric.file or None)


def _metric_key(metric: Metric, catalog: Catalog, notices: str, dumps: dict[int, str]) -> str:
    """Every input `_metric` shows: the metric, its content, sources, field, replacement.

    `dumps` memoises each item's JSON for this build: popular fields are shown on many pages.
    """
    items, _ = _items_for(metric, catalog)
    found = catalog.fields.get(metric.lookml_field or "")
    for item in items:
        if id(item) not in dumps:
            dumps[id(item)] = item.model_dump_json()
    return digest(
        notices,
        catalog.base_url,
        metric,
        metric.file,
        [dumps[id(i)] for i in items],
        [catalog.sources_by_name.get(name) for name in metric.sources],
        [str(source_summary(catalog, n)) for n in metric.sources if n in catalog.sources_by_name],
        found[0].model_dump_json(exclude={"fields"}) if found else None,
        catalog.metrics_by_name.get(metric.replaced_by or ""),
    )


def specs(catalog: Catalog) -> Iterable[PageSpec]:
    """The glossary and one page per metric, each keyed by what it shows."""
    notices = render("_notices.md.j2", catalog=catalog, notice_source="looker")
    edit = catalog.metrics[0].file if catalog.metrics else ""
    yield PageSpec(
        "metrics/index.md",
        lambda: digest(notices, edit, catalog.metrics),
        lambda: _glossary(catalog),
    )
    dumps: dict[int, str] = {}
    for metric in catalog.metrics:
        yield PageSpec(
            metric_page(metric.name),
            lambda metric=metric: _metric_key(metric, catalog, notices, dumps),
            lambda metric=metric: _metric(metric, catalog),
        )


def pages(catalog: Catalog) -> Iterable[Page]:
    for spec in specs(catalog):
        yield spec.render()
