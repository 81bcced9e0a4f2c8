"""`compact_html`: a page without its templates' indentation reads exactly the same."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from handbook.render.compact_html import compact_html

PAGE = """<!doctype html>
<html>
  <head>
    <style>
      pre  { tab-size: 4; }
    </style>
    <script>
      var s = `a
          b`;
    </script>
  </head>
  <body>
    <nav>
      <ul>
        <li>
          <a href="x/">
            <span>Handbook
              page</span>
          </a>
        </li>
      </ul>
    </nav>
    <p>Owner <strong>Ann</strong>
       <em>weekly</em>\u00a0\u00a0report,
       updated</p>
    <pre><code>def f():
    return  1
</code></pre>
    <PRE class="x">  upper
        case</PRE>
    <textarea>
  kept
    </textarea>
  </body>
</html>
"""


class VisibleText(HTMLParser):
    """What a browser lays out: text with whitespace collapsed outside preformatted elements,
    and the raw text of <pre>, <textarea>, <script> and <style>."""

    KEPT = frozenset({"pre", "textarea", "script", "style"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.parts.append(f"<{tag}>")
        self.depth += tag in self.KEPT

    def handle_endtag(self, tag: str) -> None:
        self.parts.append(f"</{tag}>")
        self.depth -= tag in self.KEPT

    def handle_data(self, data: str) -> None:
        self.parts.append(data if self.depth else re.sub(r"[ \t\r\n\f]+", " ", data))


def visible(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.parts


def test_the_compacted_page_reads_the_same_in_a_browser():
    compacted = compact_html(PAGE)
    assert visible(compacted) == visible(PAGE)
    assert len(compacted) < len(PAGE) * 0.8


def test_indentation_after_line_breaks_is_gone_outside_kept_elements():
    compacted = compact_html(PAGE)
    outside = re.sub(r"<(pre|textarea|script|style)\b.*?</\1>", "", compacted, flags=re.S | re.I)
    assert not re.search(r"\n[ \t]", outside)
    assert "Owner <strong>Ann</strong>\n<em>weekly</em>" in compacted  # words stay apart


def test_code_blocks_scripts_styles_and_textareas_keep_every_space():
    compacted = compact_html(PAGE)
    for kept in (
        "<pre><code>def f():\n    return  1\n</code></pre>",
        '<PRE class="x">  upper\n        case</PRE>',
        "<textarea>\n  kept\n    </textarea>",
        "var s = `a\n          b`;",
        "pre  { tab-size: 4; }",
    ):
        assert kept in compacted


def test_no_break_spaces_are_text_and_stay():
    assert "\u00a0\u00a0report" in compact_html(PAGE)
    assert compact_html("<p>a\n\u00a0b</p>") == "<p>a\n\u00a0b</p>"
