"""Every link the catalog puts on another team's site works in both of MkDocs' URL styles.

MkDocs rewrites Markdown links to `page.md` for `use_directory_urls` true (`metrics/mau/`)
and false (`metrics/mau.html`), but never links inside raw HTML or inline SVG (the lineage
diagram). A minimal plugin-only Material site is built both ways, and every internal
`href` and `src` of every page (SVG links included), and every page address in
`catalog.json`, must lead to a file of the built site, with its `#anchor` on that page.
Directory links count as their `index.html` only with directory URLs: with file URLs the
site is meant to be browsed from disk, where a folder is not a page.
"""

from __future__ import annotations

import json
import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from helpers.adopter import METRICS as ADOPTION_METRICS
from helpers.adopter import MKDOCS_YML, make_site
from helpers.handbook import run_build

# The adoption test's metric, with a LookML field (a lineage link), and more after it.
METRICS = (
    ADOPTION_METRICS
    + """\
    lookml_field: product.instance_usage.monthly_usage.mau
  - name: old_orders
    label: Old orders
    description: Orders as counted before the new shop.
    owner: Shop team
    domain: Commerce
    status: deprecated
    replaced_by: orders
    calculation: count(order_id)
    grain: {time: day}
    sources: [shop]
"""
)

REPORTS = """\
sections:
  - title: Shop
    reports:
      - look: 729
      - dashboard: 177
        query: Created+Date=90+day
"""

PAGE = """\
# Notes

The metric [[metric:orders]], its source [[freshness:shop]], a board [[board:12]] and a
dashboard [[dashboard:177]]. Back [home](../index.md).
"""

EXTERNAL = ("http:", "https:", "mailto:", "data:", "javascript:", "//")


class _Links(HTMLParser):
    """Every `href`/`src` (and SVG `xlink:href`) and every `id` of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "src", "xlink:href"):
                self.links.append(value)
            elif name in ("id", "name"):
                self.ids.add(value)


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def broken_links(site: Path, directory_urls: bool) -> list[str]:
    """Internal links of every page that lead to no file of `site`, or to a missing anchor."""
    parsed = {p: _parse(p) for p in site.rglob("*.html")}
    broken = []
    for page, found in parsed.items():
        if page == site / "404.html":  # written for a web server's root: absolute links
            continue
        for link in found.links:
            if link.startswith(EXTERNAL):
                continue
            problem = _resolve(site, page, link, directory_urls, parsed)
            if problem:
                broken.append(f"{page.relative_to(site)}: {link}: {problem}")
    return broken


def _resolve(
    site: Path, page: Path, link: str, directory_urls: bool, parsed: dict[Path, _Links]
) -> str | None:
    parts = urlsplit(link)
    if parts.path:
        rel = posixpath.normpath(
            posixpath.join(page.parent.relative_to(site).as_posix(), unquote(parts.path))
        )
        if rel.startswith(".."):
            return "leaves the site"
        target = site / rel
        if target.is_dir() or parts.path.endswith("/"):
            if not directory_urls:
                return "a folder, not a page (use_directory_urls is false)"
            target = target / "index.html"
        if not target.is_file():
            return "no such file"
    else:
        target = page
    if (
        parts.fragment
        and target.suffix == ".html"
        and unquote(parts.fragment) not in (parsed[target].ids)
    ):
        return f"no #{parts.fragment} on {target.relative_to(site)}"
    return None


def make_url_site(root: Path, directory_urls: bool, pages_dir: str) -> Path:
    make_site(root)
    (root / "catalog" / "metrics" / "shop.yml").write_text(METRICS, encoding="utf-8")
    (root / "catalog" / "reports.yml").write_text(REPORTS, encoding="utf-8")
    (root / "docs" / "notes").mkdir()
    (root / "docs" / "notes" / "index.md").write_text(PAGE, encoding="utf-8")
    home = (root / "docs" / "index.md").read_text(encoding="utf-8")
    for folder in ("metrics", "data") if pages_dir else ():
        home = home.replace(f"]({folder}/", f"]({pages_dir}/{folder}/")
    (root / "docs" / "index.md").write_text(home, encoding="utf-8")
    plugin = f"  - handbook:\n      pages_dir: {pages_dir}\n" if pages_dir else "  - handbook\n"
    config = MKDOCS_YML.replace("  - handbook\n", plugin)
    config += f"use_directory_urls: {str(directory_urls).lower()}\n"
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    return root


@pytest.mark.slow
@pytest.mark.parametrize(
    ("directory_urls", "pages_dir"),
    [(False, ""), (True, ""), (False, "catalog")],
    ids=["file-urls", "directory-urls", "file-urls-pages-dir"],
)
def test_every_internal_link_resolves_in_both_url_styles(
    tmp_path: Path, directory_urls: bool, pages_dir: str
):
    root = make_url_site(tmp_path / "shop", directory_urls, pages_dir)
    result = run_build(root)
    assert result.returncode == 0, result.stderr
    site = root / "site"
    generated = site / pages_dir  # the generated pages' folder
    orders = generated / ("metrics/orders/index.html" if directory_urls else "metrics/orders.html")
    svg_links = [link for link in _parse(orders).links if "freshness" in link or "explores" in link]
    assert len(svg_links) >= 2, svg_links  # the lineage links to the source and the field
    assert (generated / "reports" / "index.html").is_file()  # the notable-reports page, too
    broken = broken_links(site, directory_urls)
    assert broken == [], "\n".join(broken)
    # catalog.json's page addresses, relative to the site root, lead to pages too.
    data = json.loads((site / "catalog.json").read_text(encoding="utf-8"))
    pages = [m["page"] for m in data["metrics"]] + [b["page"] for b in data["looker"]["boards"]]
    assert len(pages) == 5  # two metrics; three boards (no looker.yml here), 20 is trashed
    parsed = {p: _parse(p) for p in site.rglob("*.html")}
    home = site / "index.html"
    assert [p for p in pages if _resolve(site, home, p, directory_urls, parsed)] == []
