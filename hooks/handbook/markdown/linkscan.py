"""Find Looker URLs in handbook Markdown, with the line and column a reader can jump to.

Where a link is and where its URL ends is `mdlinks`' business (CommonMark + GFM, as GitHub
renders the page; code skipped). This module keeps the links on a Looker host and says what
each one points at, one row of this table per URL shape (the editors' guide has it too):

Shapes on the instance or `*.looker.com`, also inside `/embed/…` and `/login/embed/…`:

| Shape | Kind |
| --- | --- |
| `/looks/N` | look |
| `/dashboards/N`, `/dashboards-next/N`, `/dashboards/model::name` | dashboard |
| `/boards/N`, `/browse/boards/N` | board |
| `/folders/N`, `/spaces/N` | folder |
| `/explore/model/explore` (with or without `?qid=…`) | explore (the saved query is not judged) |
| `/x/slug`, `/`, `/browse…`, `/projects/…`, `/merge?mid=…`, other paths | `page` + reason |
| vendor docs: `docs.looker.com`, `cloud.google.com/looker/…` | `page` + reason (not the instance) |

A `page` cannot be judged from the snapshot; it is reported with the reason, never stale.
Links to Looker's documentation are not links to the instance at all (`instance` is False):
`handbook check-links` lists them only when asked (`--all`).

Query strings and fragments (dashboard filters, `toggle=`) never change the target; path
segments are percent-decoded one at a time, so `model%3A%3Aname` is a LookML dashboard and an
encoded `/` cannot split a segment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from handbook.markdown.mdlinks import find_links

# Kinds of Looker content a URL can point at, in Looker's own vocabulary; PAGE is a Looker
# URL that is not one piece of catalog content, so the snapshot cannot judge it.
LOOK, DASHBOARD, EXPLORE, FOLDER, BOARD, PAGE = (
    "look",
    "dashboard",
    "explore",
    "folder",
    "board",
    "page",
)
_DIGITS = re.compile(r"\d+")
_VENDOR_HOSTS = ("docs.looker.com", "help.looker.com", "community.looker.com", "looker.com")

# Why a URL shape cannot be judged from the snapshot, by its first path segment.
REASONS = {
    "": "the instance's home page is not one piece of content",
    "x": "short links (/x/…) resolve only on the Looker server",
    "browse": "a browse page lists content; it is not one piece of content",
    "projects": "LookML project pages are not in the snapshot",
    "merge": "merged results (/merge?mid=…) are not in the snapshot",
    "docs": "vendor documentation, not content on the instance",
}
_OTHER = "not catalog content: the snapshot holds looks, dashboards, boards, folders, explores"


@dataclass(frozen=True)
class FoundLink:
    """One Looker URL in one file. `line` and `column` are 1-based; column counts characters.

    `syntax` is how the link was written (inline, reference, autolink, bare, html); `reason`
    is set for a URL the snapshot cannot judge (kind `page`); `instance` is False for a link
    to Looker's documentation rather than to the instance.
    """

    line: int
    column: int
    url: str
    kind: str
    id: str
    syntax: str = ""
    reason: str | None = None
    instance: bool = True


@dataclass(frozen=True)
class Target:
    """What a Looker URL points at: a kind and the id the snapshot knows it by."""

    kind: str
    id: str
    reason: str | None = None
    instance: bool = True  # False: Looker's documentation, not the instance


class HostMatcher:
    """Which hosts are Looker: the configured instance's, and any `*.looker.com`."""

    def __init__(self, base_url: str | None) -> None:
        host = urlsplit(base_url).hostname if base_url else None
        self.configured = host.lower() if host else None

    def __call__(self, host: str | None) -> bool:
        if not host:
            return False
        host = host.lower()
        return host == self.configured or host.endswith(".looker.com")


def _page(path: str, head: str) -> Target:
    return Target(PAGE, path or "/", REASONS.get(head, _OTHER))


def classify_path(path: str) -> Target:
    """What a path on a Looker instance names: content by kind and id, or a `page`.

    Segments are percent-decoded one at a time, so an encoded LookML dashboard id
    (`model%3A%3Aname`) is recognised and an encoded `/` cannot split a segment.
    """
    parts = [unquote(p) for p in path.split("/") if p]
    head = parts[0].lower() if parts else ""
    if head == "embed" and len(parts) > 1:
        return classify_path("/" + "/".join(parts[1:]))
    if head == "login" and len(parts) > 2 and parts[1].lower() == "embed":
        # Signed embed URLs carry the embedded page as one encoded segment.
        return classify_path(urlsplit(parts[2]).path)
    key = parts[1] if len(parts) > 1 else ""
    numeric = _DIGITS.fullmatch(key) is not None
    if head == "looks" and numeric:
        return Target(LOOK, key)
    if head in ("dashboards", "dashboards-next") and (numeric or "::" in key):
        return Target(DASHBOARD, key)
    if head == "boards" and numeric:
        return Target(BOARD, key)
    if (
        head == "browse"
        and key.lower() == "boards"
        and len(parts) > 2
        and _DIGITS.fullmatch(parts[2])
    ):
        return Target(BOARD, parts[2])
    if head in ("folders", "spaces") and numeric:
        return Target(FOLDER, key)
    if head == "explore" and len(parts) >= 3:
        return Target(EXPLORE, f"{key}/{parts[2]}")
    return _page("/" + "/".join(parts), head)


def classify_url(url: str, is_looker_host: HostMatcher) -> Target | None:
    """The target of an http(s) URL, or None when it is not Looker's at all."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.lower()
    if (host == "cloud.google.com" and parts.path.startswith("/looker")) or (
        host in _VENDOR_HOSTS or host == "www.looker.com"
    ):
        return Target(PAGE, url, REASONS["docs"], instance=False)
    if not is_looker_host(host):
        return None
    return classify_path(parts.path)


def scan_text(text: str, is_looker_host: HostMatcher) -> list[FoundLink]:
    """Every Looker URL in `text` (outside code), in reading order."""
    found: list[FoundLink] = []
    for link in find_links(text):
        target = classify_url(link.url, is_looker_host)
        if target is not None:
            found.append(
                FoundLink(
                    link.line,
                    link.column,
                    link.url,
                    target.kind,
                    target.id,
                    link.syntax,
                    target.reason,
                    target.instance,
                )
            )
    return found
