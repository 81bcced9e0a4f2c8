"""How a resolved `[[…]]` reference looks: a link, then its badge or a short note, as HTML.

The output is well-formed XML as well as HTML (every value escaped by markupsafe, numeric
character references only), so the Markdown extension can turn it into elements that MkDocs
and Zensical then treat like any link the author typed (a `.md` target is checked and
rewritten to the page's URL).
"""

from __future__ import annotations

from markupsafe import Markup

from handbook.markdown.references import Resolved
from handbook.render.badges import freshness_summary, status_badge
from handbook.render.templating import safe_url
from handbook.render.trust import BROKEN, SHOWN_ERRORS, error_lines


def reference_html(ref: Resolved) -> Markup:
    """`<a href="…">text</a>` followed by the metric's badge, the source's freshness, or a
    note; a broken look or dashboard then says "Broken in Looker", linked to its entry in the
    catalog, with its first errors."""
    href = ref.href if ref.href.endswith(".md") else safe_url(ref.href)
    out = Markup('<a href="{}">{}</a>').format(href, ref.text)
    if ref.metric_status is not None:
        out += Markup(" ") + status_badge(ref.metric_status)
    if ref.freshness is not None:
        out += Markup(" ") + freshness_summary(ref.freshness)
    if ref.note:
        shown = " · ".join(ref.note)
        out += Markup(' <small class="hb-ref-note">({})</small>').format(shown)
    if ref.broken and ref.entry:
        # Where the item's entry lists every error; here the first few, inline.
        lines = error_lines(ref.broken, SHOWN_ERRORS, wrap=False)
        mark = Markup('<a class="hb-bad" href="{}">{}</a>').format(ref.entry, BROKEN)
        out += Markup(" {}: {}").format(mark, Markup("; ").join(lines))
    return out
