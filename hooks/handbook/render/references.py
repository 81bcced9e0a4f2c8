"""How a resolved `[[…]]` reference looks: a link, then its badge or a short note, as HTML.

The output is well-formed XML as well as HTML (every value escaped by markupsafe, numeric
character references only), so the Markdown extension can turn it into elements that MkDocs
and Zensical then treat like any link the author typed (a `.md` target is checked and
rewritten to the page's URL).
"""

from __future__ import annotations

from markupsafe import Markup, escape

from handbook.markdown.references import Resolved
from handbook.render.badges import freshness_summary, status_badge
from handbook.render.templating import safe_url
from handbook.render.trust import BROKEN, SHOWN_ERRORS, error_lines


def reference_html(ref: Resolved) -> Markup:
    """`<a href="…">text</a>` followed by the metric's badge, the source's freshness, or a
    note; a broken look or dashboard then says "Broken in Looker", linked to its entry in the
    catalog, with its first errors.

    Every value goes through `escape` (our own Markup, the badges and error lines, passes
    as it is), and the parts are joined as strings: `Markup.format` parses its format
    string on each call, and a build resolves ~10,000 references."""
    href = ref.href if ref.href.endswith(".md") else safe_url(ref.href)
    parts = [f'<a href="{escape(href)}">{escape(ref.text)}</a>']
    if ref.metric_status is not None:
        parts.append(f" {status_badge(ref.metric_status)}")
    if ref.freshness is not None:
        parts.append(f" {freshness_summary(ref.freshness)}")
    if ref.note:
        parts.append(f' <small class="hb-ref-note">({escape(" · ".join(ref.note))})</small>')
    if ref.broken and ref.entry:
        # Where the item's entry lists every error; here the first few, inline.
        lines = error_lines(ref.broken, SHOWN_ERRORS, wrap=False)
        mark = f'<a class="hb-bad" href="{escape(ref.entry)}">{escape(BROKEN)}</a>'
        parts.append(f" {mark}: {Markup('; ').join(lines)}")
    return Markup("".join(parts))
