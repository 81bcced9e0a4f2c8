"""Where a generated or hand page is served, and the relative link from one page to another.

MkDocs (and Zensical) rewrite a Markdown link to `page.md` into the page's URL, whichever
URL style the site uses, so Markdown links need nothing from here. Links they never see
are built here instead: `href`s inside raw HTML and inline SVG (the lineage diagram), and
the page addresses in `catalog.json`. Both URL styles of MkDocs' `use_directory_urls`:

- directory URLs (the default): `metrics/mau.md` is served at `metrics/mau/`,
  `metrics/index.md` at `metrics/`;
- file URLs (`use_directory_urls: false`): `metrics/mau.md` at `metrics/mau.html`,
  `metrics/index.md` at `metrics/index.html`.
"""

from __future__ import annotations

import posixpath

from handbook.render.addresses import relative_path


def page_url(page: str, directory_urls: bool = True) -> str:
    """The URL of `page` (a path below docs/) relative to the site root, as MkDocs serves it;
    a file that is not a page (`looker/changes.xml`) is served at its own path."""
    if not page.endswith(".md"):
        return page
    stem = page.removesuffix(".md")
    if not directory_urls:
        return f"{stem}.html"
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")  # "" for the home page, else "folder/"
    return f"{stem}/"


def site_href(from_page: str, to_page: str, fragment: str = "", directory_urls: bool = True) -> str:
    """A relative link from one page to another (both paths below docs/), with `#fragment`.

    Relative, like the links MkDocs writes, so the site works under any base path.
    """
    here, there = page_url(from_page, directory_urls), page_url(to_page, directory_urls)
    # The folder a relative link starts from: the page's own for a directory URL.
    base = here.rstrip("/") if here.endswith("/") else posixpath.dirname(here)
    rel = relative_path(there or ".", base or ".")
    if there.endswith("/") or not there:  # a directory URL keeps its slash
        rel = "./" if rel == "." else f"{rel}/"
    return rel + (f"#{fragment}" if fragment else "")


def absolute_url(site_url: str, page: str, fragment: str = "", directory_urls: bool = True) -> str:
    """`page` (below docs/) as an absolute URL on the site published at `site_url`, for what
    is read away from the site (the Atom feed)."""
    url = site_url.rstrip("/") + "/" + page_url(page, directory_urls)
    return url + (f"#{fragment}" if fragment else "")
