"""Can I trust this report? The few words that answer it for one look or dashboard.

The trust line is one compact line under each look and dashboard on its folder page and
under each notable report: the freshness of the data sources behind it, whether Looker's
content validator found it broken, whether its owner is still active, and its views in the
last 90 days, e.g. `sources fresh · no content errors · owner active · 521 views in 90 days`.
What is wrong is in bold (`<strong class="hb-bad">`), so a reader scanning a folder sees it.

Parts that say nothing are left out rather than guessed: "sources" when no metric is defined
on the item's explore (most items at 20,000; "sources unknown" on each would cost bytes and
tell nothing), and "content errors" when there is no content validation to go by (off,
unavailable, never run; the pages that list broken content say that once,
`validation_caveat`).

The line is plain inline HTML and escaped text, so it is the same in a Markdown paragraph,
a table cell and a `[[look:…]]` reference (HTML parsed as XML: no `<br>`, no `<wbr>`).
Each error of a broken item reads the same everywhere too (`error_text`).
"""

from __future__ import annotations

from markupsafe import Markup

from handbook.catalog import Catalog
from handbook.render.templating import format_time, ident, md_text
from handbook.snapshot.model import RECENT_DAYS, ContentError, LookerItem

BROKEN = "Broken in Looker"
OWNER_LEFT = "Owner deactivated"
# Errors shown where a broken item is mentioned in passing (a table row, a reference); its
# entry on its folder page and the broken-content page list them all.
SHOWN_ERRORS = 3
_STALE = ("warn", "error")


def bad(text: str) -> Markup:
    """Words that say something is wrong, in bold and the warning colour."""
    return Markup('<strong class="hb-bad">{}</strong>').format(text)


def error_text(error: ContentError, wrap: bool = True) -> Markup:
    """One validator error: its message, then where it is, e.g. `Unknown field (field
    users.count, explore product/users, tile “Signups”)`. Every part is Looker's text,
    escaped. `wrap` lets identifiers break after `.` and `_` (`<wbr>`; not in references)."""
    name = ident if wrap else md_text
    where = []
    if error.field:
        where.append(Markup("field ") + name(error.field))
    explore = "/".join(part for part in (error.model, error.explore) if part)
    if explore:
        where.append(Markup("explore ") + name(explore))
    for label, value in (
        ("tile", error.tile),
        ("filter", error.filter),
        ("schedule", error.schedule),
    ):
        if value:
            where.append(Markup("{} “{}”").format(label, md_text(value)))
    message = md_text(error.message) or Markup("(no message)")
    return message + (Markup(" (") + Markup(", ").join(where) + Markup(")") if where else "")


def error_lines(
    errors: list[ContentError], limit: int | None = None, wrap: bool = True
) -> list[Markup]:
    """Each error's text; with `limit`, the first `limit` and "and N more errors"."""
    shown = errors if limit is None else errors[:limit]
    lines = [error_text(e, wrap) for e in shown]
    if len(errors) > len(shown):
        more = len(errors) - len(shown)
        lines.append(Markup(f"and {more:,} more error{'s' if more != 1 else ''}"))
    return lines


def validated(catalog: Catalog) -> bool:
    """Whether a content validation is there to show (this pull's or a kept earlier one);
    not when it is off, unavailable, or has never run."""
    validation = catalog.validation
    return validation is not None and validation.validated_at is not None


def validation_caveat(catalog: Catalog) -> str | None:
    """How current the broken-content list is, for the pages that show it; None when it is
    this pull's, or when every Looker page already carries it as a notice (state "kept")."""
    validation = catalog.validation
    if validation is not None and validation.state == "kept":
        return None
    return catalog.validation_note


def sources_part(catalog: Catalog, item: LookerItem) -> Markup | None:
    """How fresh the sources behind the item are, or None when none is known (the same
    for every item on one explore): stale (a
    table past warn_after or error_after, naming the sources), unchecked (a check failed or
    is missing), not checked since <time> (a pass too old to stand), or fresh."""
    sources = catalog.sources_behind(item)
    if not sources:
        return None
    states = [catalog.source_statuses[s.name] for s in sources]
    stale = [s.source.label for s in states if any(t.status in _STALE for t in s.tables)]
    if stale:
        return bad("sources stale") + Markup(": {}").format(", ".join(stale))
    unchecked = [s.source.label for s in states if s.status in ("runtime error", "not checked")]
    if unchecked:
        return Markup("sources unchecked: {}").format(", ".join(unchecked))
    since = [s.as_of for s in states if s.status == "not checked since" and s.as_of]
    if since:
        return Markup("sources not checked since {}").format(format_time(min(since)))
    return Markup("sources fresh")


def trust_line(catalog: Catalog, item: LookerItem) -> Markup:
    """Sources · broken or not · owner · views in the last 90 days, as one line of HTML."""
    return _line(catalog, item, sources_part(catalog, item))


class TrustLines:
    """The trust lines of many items of one catalog (a folder page's, or every one's).

    The sources part depends on an item's explore alone, so it is worked out once per
    explore here (100 explores, 20,000 items), not once per item; the line is
    `trust_line`'s.
    """

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.by_explore: dict[tuple[str, str], Markup | None] = {}

    def sources(self, item: LookerItem) -> Markup | None:
        """`sources_part` of `item`, from the first item on the same explore."""
        explore = (item.model or "", item.explore or "")
        if explore not in self.by_explore:
            self.by_explore[explore] = sources_part(self.catalog, item)
        return self.by_explore[explore]

    def __call__(self, item: LookerItem) -> Markup:
        return _line(self.catalog, item, self.sources(item))


_BROKEN_MARK = bad(BROKEN)
_OWNER_LEFT_MARK = bad(OWNER_LEFT)


def _line(catalog: Catalog, item: LookerItem, sources: Markup | None) -> Markup:
    # Every part is HTML already (our words, or `sources_part`'s escaped text): joined as
    # strings, one Markup at the end (20,000 lines on the folder pages).
    parts: list[str] = [] if sources is None else [sources]
    if catalog.validation_errors(item.kind, item.id):
        parts.append(_BROKEN_MARK)
    elif validated(catalog):
        parts.append("no content errors")
    if item.owner_disabled:
        parts.append(_OWNER_LEFT_MARK)
    else:
        parts.append("owner active" if item.owner else "no owner")
    if item.recent_views is None:
        parts.append(f"{RECENT_DAYS}-day views not read")
    else:
        noun = "view" if item.recent_views == 1 else "views"
        parts.append(f"{item.recent_views:,} {noun} in {RECENT_DAYS} days")
    return Markup(" · ".join(parts))


def broken_flag(errors: list[ContentError], entry: str, limit: int | None = SHOWN_ERRORS) -> Markup:
    """For a table cell on a page: "⚠ Broken in Looker", linked to the item's entry on its
    folder page (`entry`, a Markdown link target built from slugs), then its errors."""
    lines = [Markup("⚠ [{}]({})").format(BROKEN, Markup(entry)), *error_lines(errors, limit)]
    return Markup('<span class="hb-flag">{}</span>').format(Markup("<br>").join(lines))
