"""Text typed by anyone with Looker access, built to break a page that does not escape it.

Each string tries one way in: HTML and script, a `<title>` break-out, Markdown table pipes,
code spans, Jinja2, links to `javascript:`, emphasis, emoji shortcodes, entities, headings,
`[[…]]` references, comments and placeholders, escapes, quotes, list markers, non-ASCII. A
page must show every one exactly as typed and run, link or format none of it.
"""

from __future__ import annotations

HOSTILE = [
    "<script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "a | b || c |",
    "`code` and ``more`` ```",
    "{{ 7*7 }}",
    "{% if true %}x{% endif %} {# c #}",
    "[x](javascript:alert(1))",
    "**bold** __strong__ _em_ ~~del~~",
    "<img src=x onerror=alert(1)>",
    ":smile: :+1: :fontawesome-brands-github:",
    "&lt;b&gt; &amp; &#60;i&#62;",
    "# not a heading",
    "[[metric:mau]] [[look:729]]",
    "<!-- hidden --> ${x} %(y)s",
    "\\*escaped\\* \\| pipe",
    'Quotes "double" and \'single\' = <a href="javascript:x">y</a>',
    "1. not a list",
    "Emoji 🙂 and ünïcödé",
]
