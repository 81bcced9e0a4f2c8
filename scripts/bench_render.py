"""Does build-time work grow linearly with the catalog? Measured, not asserted.

    python scripts/bench_render.py

The design target is 20,000 Looker items, 1,000 handbook pages and 500 metrics on a 2-core
machine, with no per-item work that grows worse than linearly. For each piece of build work
this times a small and a 10x larger input in the same run and reports

    growth = (time large / time small) / (size large / size small)

which is 1.0 for linear work and 10 for quadratic work. Target: growth <= 1.5 for every row.
Each timing is the best of 3 runs, so a busy machine inflates both sizes alike.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "hooks"))

import markdown  # noqa: E402
from handbook.catalog import Catalog, load_catalog  # noqa: E402
from handbook.curated.metrics import Metric  # noqa: E402
from handbook.curated.policy import apply_policy  # noqa: E402
from handbook.markdown.linkscan import HostMatcher, scan_text  # noqa: E402
from handbook.markdown.page_check import DEFAULT_EXTENSIONS  # noqa: E402
from handbook.markdown.refs_extension import RefsExtension  # noqa: E402
from handbook.project import Project  # noqa: E402
from handbook.render.pages import looker_pages, metric_pages  # noqa: E402
from handbook.snapshot.model import LookerFolder, LookerItem, LookerSnapshot  # noqa: E402
from handbook.validate import validate_catalog  # noqa: E402

TARGET = 1.5
NOW = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)
PATHOLOGICAL = "https://x.looker.com/looks/1"  # followed by a long run of unmatched closers


def expand_page(text: str, page: str, catalog: Catalog) -> str:
    """The page rendered by Python-Markdown with the `handbook.refs` extension, as a build does."""
    refs = RefsExtension()
    refs.catalog, refs.page = catalog, page
    return markdown.markdown(text, extensions=[*DEFAULT_EXTENSIONS, refs])


def best_of(fn: Callable[[], object], runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def with_items(base: Catalog, n_items: int) -> Catalog:
    """The repository's catalog with a synthetic Looker snapshot of `n_items` items."""
    n_folders = max(1, n_items // 10)

    def parent(i: int) -> str:
        return "1" if i < 20 else str(100 + i % 20)  # two levels deep

    folders = [LookerFolder(id="1", name="Shared")] + [
        LookerFolder(id=str(100 + i), name=f"Team {i}", parent_id=parent(i))
        for i in range(n_folders)
    ]
    items = [
        LookerItem(
            kind="look" if i % 2 else "dashboard",
            id=str(10_000 + i),
            title=f"Report {i} | usage <by> `team`",
            description="Synthetic item for the render benchmark.",
            folder_id=str(100 + i % n_folders),
            owner=f"Owner {i % 50}",
            updated_at=NOW - timedelta(days=i % 400),
            last_viewed_at=NOW - timedelta(days=i % 200),
            view_count=i * 7 % 5000,
            favorite_count=i % 30,
            model="product",
            explore="instance_usage",
            fields=["monthly_usage.mau"],
        )
        for i in range(n_items)
    ]
    snapshot = LookerSnapshot(
        pulled_at=NOW, base_url="https://example.looker.com", folders=folders, items=items
    )
    return replace(base, view=apply_policy(snapshot, base.policy))


def with_metrics(base: Catalog, n: int) -> Catalog:
    template = base.metrics_by_name["mau"]
    metrics = [
        template.model_copy(update={"name": f"metric_{i}", "label": f"Metric {i}"})
        for i in range(n)
    ]
    return replace(base, metrics=metrics)


def page_text(n_paragraphs: int) -> str:
    paragraph = (
        "See [[metric:mau]], [[look:729]] and [[freshness:hubspot]]; "
        "`[[look:1]]` is code. https://sourcegraph.looker.com/dashboards/177?x=1.\n\n"
    )
    return paragraph * n_paragraphs


def row(name: str, small: int, large: int, measure: Callable[[int], float]) -> bool:
    t_small, t_large = measure(small), measure(large)
    growth = (t_large / t_small) / (large / small)
    ok = growth <= TARGET
    print(
        f"{name:<38} {small:>7,} → {large:>7,}   "
        f"{t_small * 1000:8.1f} ms → {t_large * 1000:8.1f} ms   "
        f"growth {growth:4.2f} {'ok' if ok else 'OVER TARGET'}"
    )
    return ok


def main() -> int:
    base = load_catalog(Project(REPO), now=NOW)
    assert isinstance(base.metrics[0], Metric)
    matcher = HostMatcher("https://sourcegraph.looker.com")
    print(f"{'work':<38} {'size':>17}   {'time':>24}   growth (1.0 = linear; target ≤ {TARGET})")
    results = [
        row(
            "Looker catalog pages (items)",
            2_000,
            20_000,
            lambda n: best_of(lambda: list(looker_pages.pages(with_items(base, n)))),
        ),
        row(
            "metric pages + glossary (metrics)",
            50,
            500,
            lambda n: best_of(lambda: list(metric_pages.pages(with_metrics(base, n)))),
        ),
        row(
            "validate_catalog (metrics)",
            50,
            500,
            lambda n: best_of(lambda: validate_catalog(with_metrics(base, n))),
        ),
        row(
            "Markdown + [[…]] (paragraphs per page)",
            200,
            2_000,
            lambda n: best_of(lambda: expand_page(page_text(n), "team/x.md", base)),
        ),
        row(
            "Looker URL scan (paragraphs per page)",
            200,
            2_000,
            lambda n: best_of(lambda: scan_text(page_text(n), matcher)),
        ),
        row(
            "URL scan, pathological closers (chars)",
            20_000,
            200_000,
            lambda n: best_of(lambda: scan_text(PATHOLOGICAL + ")" * n + "`" * (n // 4), matcher)),
        ),
    ]
    print("all linear" if all(results) else "some work grows faster than linearly")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
