"""Find Looker URLs in handbook Markdown, with the line and column a reader can jump to.

The scan is one forward pass over each file's lines. Markdown syntax matters only in two
ways here: where code is (skipped, see below) and where a URL ends. Every link syntax an
analyst writes (inline `[t](url)`, reference definitions `[id]: url`, autolinks `<url>`,
bare URLs, `href="url"` in HTML, any of them inside a table cell) contains the URL as one
run of URL characters, so a single regular expression with one character class and no
nesting finds them all in linear time; the syntax around the run only decides how the run
is trimmed (trailing punctuation, a closing parenthesis that belongs to the Markdown link).

Code is skipped: fenced blocks (``` and ~~~, including the indented fences inside lists and
admonitions), indented code blocks, and inline `code` spans. A Looker URL in code is almost
always an example of a URL shape ("https://<instance>.looker.com/looks/123"), not a link a
reader follows, and reporting those would teach people to ignore the check. Indented code
is told apart from MkDocs' indented *content* (admonition bodies, list continuations) by
remembering which containers are open; inline code spans are matched within one line only.

Only Looker *content* paths are reported (looks, dashboards, explores, folders, boards,
embeds, short links). Other pages on a Looker host (`/browse`, `/admin`, docs.looker.com)
are not content a snapshot can vouch for, so they are not links this check is about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from handbook.markdown.code import code_lines, code_spans, may_contain_code

# Kinds of Looker content a URL can point at, in Looker's own vocabulary.
LOOK, DASHBOARD, EXPLORE, FOLDER, BOARD, SHORT_LINK = (
    "look",
    "dashboard",
    "explore",
    "folder",
    "board",
    "short_link",
)

# A run of characters that can be part of a URL as people write them in Markdown. Excluded:
# whitespace, the delimiters around URLs in Markdown/HTML (<>"'`), and `|`, which ends a
# table cell. One character class, one quantifier: no backtracking beyond the run itself.
# The authority (group 1) is matched separately so a non-Looker URL is dropped before any
# further work: most URLs in a handbook are not Looker's.
_URL = re.compile(r"https?://([^\s<>\"'`|/?#]*)[^\s<>\"'`|]*", re.IGNORECASE)
# Characters GitHub's autolinker (and every reader) treats as sentence punctuation, not URL.
_TRAILING = ".,;:!?*_~'\""
_CLOSERS = {")": "(", "]": "["}
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class FoundLink:
    """One Looker URL in one file. `line` and `column` are 1-based; column counts characters."""

    line: int
    column: int
    url: str
    kind: str
    id: str


@dataclass(frozen=True)
class Target:
    """What a Looker URL points at: a kind and the id the snapshot knows it by."""

    kind: str
    id: str


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


def trim_url(raw: str) -> str:
    """The URL without the punctuation and closing brackets that belong to the prose around it.

    Mirrors GitHub's autolink rule: trailing sentence punctuation is dropped, and a closing
    `)` (or `]`) is dropped only while the URL has more closers than openers, so that
    `(see https://x/looks/1).` yields `/looks/1` while a balanced `...(a)` keeps its paren.
    """
    end = len(raw)
    # Counted at most once and updated as closers are dropped, so a hostile run of ")))"
    # stays linear.
    unmatched: dict[str, int] | None = None
    while end:
        last = raw[end - 1]
        if last in _TRAILING:
            end -= 1
            continue
        if last not in _CLOSERS:
            break
        if unmatched is None:
            unmatched = {c: raw.count(c) - raw.count(o) for c, o in _CLOSERS.items()}
        if unmatched[last] <= 0:
            break
        unmatched[last] -= 1
        end -= 1
    return raw[:end]


def classify_path(path: str) -> Target | None:
    """The Looker content a URL path names, or None when the path is not content.

    Segments are percent-decoded one at a time, so an encoded LookML dashboard id
    (`model%3A%3Aname`) is recognised and an encoded `/` cannot split a segment.
    """
    parts = [unquote(p) for p in path.split("/") if p]
    if not parts:
        return None
    head = parts[0].lower()
    if head == "embed" and len(parts) > 1:
        return classify_path("/" + "/".join(parts[1:]))
    if head == "login" and len(parts) > 2 and parts[1].lower() == "embed":
        # Signed embed URLs carry the embedded page as one encoded segment.
        return classify_path(urlsplit(parts[2]).path)
    if len(parts) < 2:
        return None
    key = parts[1]
    if head == "looks" and _DIGITS.fullmatch(key):
        return Target(LOOK, key)
    if head in ("dashboards", "dashboards-next") and (_DIGITS.fullmatch(key) or "::" in key):
        return Target(DASHBOARD, key)
    if head == "explore" and len(parts) >= 3:
        return Target(EXPLORE, f"{key}/{parts[2]}")
    if head in ("folders", "spaces"):
        return Target(FOLDER, key)
    if head == "boards":
        return Target(BOARD, key)
    if head == "browse" and key.lower() == "boards" and len(parts) >= 3:
        return Target(BOARD, parts[2])
    if head == "x":
        return Target(SHORT_LINK, key)
    return None


def scan_text(text: str, is_looker_host: HostMatcher) -> list[FoundLink]:
    """Every Looker content URL in `text`, in reading order."""
    found: list[FoundLink] = []
    if "://" not in text:
        return found
    lines = text.split("\n")
    # The code pass is only needed when the file has something that could open code.
    code = code_lines(lines) if may_contain_code(text) else None
    for number, line in enumerate(lines, 1):
        if "://" not in line or (code is not None and code[number - 1]):
            continue
        line = line.removesuffix("\r")
        spans = code_spans(line) if "`" in line else []
        for match in _URL.finditer(line):
            start = match.start()
            if any(a <= start < b for a, b in spans):
                continue
            authority = match.group(1)
            host = authority.rpartition("@")[2].rstrip(_TRAILING + ")]").partition(":")[0]
            if not is_looker_host(host):
                continue
            url = trim_url(match.group())
            path = url[match.end(1) - start :].partition("?")[0].partition("#")[0]
            target = classify_path(path)
            if target is not None:
                found.append(FoundLink(number, start + 1, url, target.kind, target.id))
    return found
