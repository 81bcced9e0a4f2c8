"""A built page without the indentation its theme's templates leave: the same page, lighter.

Material for MkDocs renders the navigation with Jinja loops whose block tags and indentation
stay in the output: on a site of 1,000 hand pages, about a third of each page's bytes are
newlines and spaces between tags (with `navigation.prune`, around the pages of its own
section; without it, around the whole site's). Browsers collapse any run of whitespace
outside preformatted text to one space, so cutting a run that holds a line break down to
that line break changes nothing a reader sees: words stay apart, a line break is still
whitespace, inline elements keep the space between them.

Left exactly as they are: `<pre>` (code blocks), `<textarea>`, `<script>` and `<style>`,
whose whitespace can matter. Non-ASCII spaces (a no-break space) are text and stay too.
"""

from __future__ import annotations

import re

# A line break and the indentation after it (ASCII whitespace only: U+00A0 is content).
_BREAK_AND_INDENT = re.compile(r"\n\s+", re.ASCII)
_KEPT = re.compile(r"<(pre|textarea|script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


def compact_html(html: str) -> str:
    """`html` with each line break's following whitespace removed, outside kept elements."""
    out: list[str] = []
    start = 0
    for kept in _KEPT.finditer(html):
        out.append(_BREAK_AND_INDENT.sub("\n", html[start : kept.start()]))
        out.append(kept.group(0))
        start = kept.end()
    out.append(_BREAK_AND_INDENT.sub("\n", html[start:]))
    return "".join(out)
