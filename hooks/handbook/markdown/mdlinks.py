"""Every http(s) link target in a Markdown page, where a CommonMark + GFM renderer finds it.

The stale-link check must see exactly the URLs a reader can follow, so this module follows
GitHub's renderer (cmark-gfm: CommonMark, GFM tables and the GFM autolink extension, raw HTML)
rather than guessing from runs of non-space characters:

- inline links `[text](url "title")`: the destination ends at whitespace or at the `)` that
  balances it, whatever follows (`[text](url):This…`); `<url>` destinations end at `>`;
  empty link text and links touching each other (`[](a)[Looker](b)`) are links like any;
  images (`![alt](src)`) are not links and are skipped;
- reference definitions `[label]: url`, reported once where they are written (the line an
  editor fixes), not at each use;
- autolinks `<https://…>` and raw HTML attributes `href="…"` (inline or in HTML blocks);
- bare URLs, by the GFM autolink rule: a run up to whitespace or `<`, minus trailing
  `?!.,:*_~'"`, an unbalanced `)`, or a trailing entity like `&amp;`; only where the scheme
  is not glued to letters before it, and never inside link text or an open `[`;
- table rows split into cells at unescaped `|` before anything else, cells past the header's
  count dropped, as GFM does.

Code is skipped: fenced and indented code blocks as `markdown.code` defines them (including
MkDocs' indented containers: admonitions, details, tabs, as Python-Markdown reads them) and
code spans, which bind tighter than links. HTML comments are skipped. Line and column are
1-based; the column counts characters in the line as written.

Cost: each block is read left to right once; brackets are matched with a stack as
CommonMark's reference parser does, and the search for a code span's closing backticks is
remembered per run length, so an unclosed backtick or bracket cannot make it quadratic.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from handbook.markdown.code import code_lines, may_contain_code

INLINE, REFERENCE, AUTOLINK, BARE, HTML = "inline", "reference", "autolink", "bare", "html"


@dataclass(frozen=True)
class MdLink:
    """One link target: `offset` into the page text, the URL as written, and its syntax."""

    line: int
    column: int
    url: str
    syntax: str


_QUOTE = re.compile(r"[ \t]{0,3}>[ \t]?")
_NEW_BLOCK = re.compile(
    r"[ \t]*(?:#{1,6}(?:[ \t]|$)|(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)|(?:!!!|\?\?\?\+?|===)[ \t]"
    r"|(?:\*[ \t]*){3,}$|(?:-[ \t]*){3,}$|(?:_[ \t]*){3,}$)"
)
_HEADING = re.compile(r"[ \t]*#{1,6}(?:[ \t]|$)")
_BLOCK_TAGS = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|"
    "details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h1|"
    "h2|h3|h4|h5|h6|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|"
    "noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|"
    "thead|title|tr|track|ul|pre|script|style|textarea"
)
_HTML_BLOCK = re.compile(rf"[ \t]{{0,3}}</?(?:{_BLOCK_TAGS})(?:[\s/>]|$)", re.IGNORECASE)
_ATTR = r"(?:\s++[A-Za-z_:][A-Za-z0-9_.:-]*+(?:\s*+=\s*+(?:[^\s\"'=<>`]++|'[^']*+'|\"[^\"]*+\"))?+)"
_OPEN_TAG = re.compile(rf"<([A-Za-z][A-Za-z0-9-]*+)({_ATTR}*+)\s*+/?>")
_CLOSE_TAG = re.compile(r"</([A-Za-z][A-Za-z0-9-]*+)\s*+>")
_OTHER_HTML = re.compile(r"<\?.*?\?>|<![A-Za-z][^>]*>|<!\[CDATA\[.*?\]\]>", re.DOTALL)
_LONE_TAG = re.compile(rf"[ \t]{{0,3}}(?:{_OPEN_TAG.pattern}|{_CLOSE_TAG.pattern})[ \t]*$")
_HREF = re.compile(r"""\shref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>\x00-\x1f]*)>")
_DEFINITION = re.compile(
    r"[ \t]{0,3}\[((?:[^\[\]\\]|\\.){1,999}+)\]:"
    r"[ \t]*(<[^<>\n]*>|[^\s<>][^\s]*)[ \t]*(?:\"[^\"]*\"|'[^']*'|\([^()]*\))?[ \t]*$"
)
# A definition whose destination is on the next line: `[label]:` alone, then `  url`.
_LABEL_ONLY = re.compile(r"[ \t]{0,3}\[((?:[^\[\]\\]|\\.){1,999})\]:[ \t]*$")
_DEST_ONLY = re.compile(
    r"[ \t]*(<[^<>\n]*>|[^\s<>][^\s]*)[ \t]*(?:\"[^\"]*\"|'[^']*'|\([^()]*\))?[ \t]*$"
)
_DELIMITER_ROW = re.compile(
    r"[ \t]*+\|?[ \t]*+:?-++:?[ \t]*+(?:\|[ \t]*+:?-++:?[ \t]*+)*+\|?[ \t]*+$"
)
_SPECIAL = re.compile(r"[`\\<\[\]:!]")
_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_TRAILING = frozenset("?!.,:*_~'\"")
_ENTITY_END = re.compile(r"&[A-Za-z0-9]+;$")
_WHITESPACE_OR_LT = re.compile(r"[\s<]")
_LETTERS_BEFORE = re.compile(r"[A-Za-z]{1,10}$")
_COMMENT_OPEN = "<!--"
# Bounds that keep hostile input linear: CommonMark's limit on nested parentheses in a
# link destination (cmark's 32), the longest link label (999), and how far a raw HTML tag
# or comment inside a paragraph may reach.
_MAX_PARENS = 32
_MAX_LABEL = 999
_MAX_TAG = 4096


def label_key(label: str) -> str:
    """A link label as CommonMark matches it: case-folded, inner whitespace collapsed."""
    return " ".join(label.split()).casefold()


def _strip_quotes(line: str) -> tuple[str, int]:
    """The line with blockquote markers blanked out (columns kept), and the quote depth."""
    depth, pos = 0, 0
    while True:
        m = _QUOTE.match(line, pos)
        if not m:
            break
        depth, pos = depth + 1, m.end()
    return (" " * pos + line[pos:], depth) if depth else (line, 0)


@dataclass
class _Block:
    start: int  # 0-based index of the block's first line
    lines: list[str]


def _blocks(lines: list[str], code: list[bool] | None) -> Iterator[_Block]:
    """Runs of non-code lines that form one paragraph, heading, table or HTML block."""
    current: _Block | None = None
    depth = 0
    in_comment = False
    for n, raw in enumerate(lines):
        line, quote = _strip_quotes(raw.removesuffix("\r"))
        if in_comment:  # an HTML comment may span blank lines; nothing in it is a link
            in_comment = "-->" not in line
            continue
        if (code is not None and code[n]) or not line.strip():
            if current:
                yield current
            current = None
            continue
        starts = (
            current is None
            or quote != depth
            or _NEW_BLOCK.match(line) is not None
            or _HTML_BLOCK.match(line) is not None
            or _HEADING.match(current.lines[-1]) is not None
        )
        if starts and current:
            yield current
            current = None
        if current is None and line.lstrip().startswith(_COMMENT_OPEN):
            in_comment = "-->" not in line[line.index(_COMMENT_OPEN) :]
            continue
        depth = quote
        if current is None:
            current = _Block(n, [line])
        else:
            current.lines.append(line)
    if current:
        yield current


def _definitions(block: _Block) -> Iterator[tuple[int, str, re.Match[str]]]:
    """The reference definitions opening a block: (line index in block, label, match of
    the destination as group 1 or 2), one or two lines each."""
    lines, k = block.lines, 0
    while k < len(lines):
        m = _DEFINITION.match(lines[k])
        if m and _is_label(m[1]):
            yield k, m[1], m
            k += 1
            continue
        label = _LABEL_ONLY.match(lines[k])
        dest = _DEST_ONLY.match(lines[k + 1]) if label and k + 1 < len(lines) else None
        if not (label and dest and _is_label(label[1])):
            return
        yield k + 1, label[1], dest
        k += 2


def definition_labels(lines: list[str], code: list[bool] | None) -> set[str]:
    """Labels of every reference definition in the page (a link may come before them)."""
    return {label_key(label) for b in _blocks(lines, code) for _, label, _ in _definitions(b)}


def _is_label(label: str) -> bool:
    return bool(label.strip())


def find_links(text: str) -> list[MdLink]:
    """Every http(s) link target outside code in the page, in reading order."""
    if "://" not in text:
        return []
    lines = text.split("\n")
    code = code_lines(lines) if may_contain_code(text) else None
    labels = definition_labels(lines, code) if "]:" in text else set()
    out: list[MdLink] = []
    for block in _blocks(lines, code):
        if not any("://" in line for line in block.lines):
            continue
        out.extend(_block_links(block, labels))
    return out


def _block_links(block: _Block, labels: set[str]) -> Iterator[MdLink]:
    lines = block.lines
    first = 0
    for k, _, m in _definitions(block):  # reference definitions open a paragraph
        group = m.lastindex or 1
        raw = m[group]
        dest = raw[1:-1] if raw.startswith("<") else raw
        yield MdLink(block.start + k + 1, m.start(group) + 1 + raw.startswith("<"), dest, REFERENCE)
        first = k + 1
    if first == len(lines):
        return
    line0 = lines[first]
    if first == 0 and (_HTML_BLOCK.match(line0) or _LONE_TAG.match(line0)):
        for n, line in enumerate(lines):
            for m in _HREF.finditer(line):
                value = next(g for g in m.groups() if g is not None)
                yield MdLink(block.start + n + 1, m.start(m.lastindex) + 1, value, HTML)
        return
    header = _table_header(lines, first)
    end = len(lines) if header is None else header
    if end > first:
        yield from _text_links("\n".join(lines[first:end]), block.start + first, 0, labels)
    if header is not None:
        yield from _table_links(block, header, labels)


def _table_header(lines: list[str], first: int) -> int | None:
    """Index of a GFM table's header row: a row with `|` above a delimiter row with as many
    cells. A table may interrupt a paragraph; the lines above it stay a paragraph."""
    for k in range(first + 1, len(lines)):
        header, delimiter = lines[k - 1], lines[k]
        if (
            "|" in header
            and _DELIMITER_ROW.match(delimiter)
            and _width(header) == _width(delimiter)
        ):
            return k - 1
    return None


def _cells(line: str) -> Iterator[tuple[int, str]]:
    """A table row's cells as (column offset, text); `\\|` does not split."""
    start, i, n = 0, 0, len(line)
    stripped = line.strip()
    if stripped.startswith("|"):
        start = i = line.index("|") + 1
    while i < n:
        ch = line[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "|":
            yield start, line[start:i]
            start = i + 1
        i += 1
    if line[start:].strip():
        yield start, line[start:]


def _width(row: str) -> int:
    return sum(1 for _ in _cells(row))


def _table_links(block: _Block, first: int, labels: set[str]) -> Iterator[MdLink]:
    width = _width(block.lines[first])
    for n, line in enumerate(block.lines[first:], start=first):
        if n == first + 1:
            continue  # the delimiter row
        for count, (offset, cell) in enumerate(_cells(line)):
            if count >= width:
                break  # GFM drops cells past the header's count
            if "://" in cell:
                yield from _text_links(cell, block.start + n, offset, labels)


def _text_links(text: str, first_line: int, first_col: int, labels: set[str]) -> Iterator[MdLink]:
    """Links in one paragraph's (or table cell's) inline text."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def where(offset: int) -> tuple[int, int]:
        row = bisect_right(starts, offset) - 1
        col = offset - starts[row] + (first_col if row == 0 else 0)
        return first_line + row + 1, col + 1

    for offset, url, syntax in _Inline(text, labels).run():
        line, column = where(offset)
        yield MdLink(line, column, url, syntax)


class _Inline:
    """CommonMark's inline pass over one paragraph, reduced to what finds link targets."""

    def __init__(self, text: str, labels: set[str]) -> None:
        self.s = text
        self.labels = labels
        self.openers: list[list] = []  # [position, is_image, active]
        self.found: list[tuple[int, str, str]] = []
        self.no_closer: set[int] = set()  # backtick run lengths with no closer ahead
        self.no_title_end: set[str] = set()  # title closers with none ahead
        self.comment_end = -1  # the next `-->` at or after the last comment opened

    def run(self) -> list[tuple[int, str, str]]:
        s, i, n = self.s, 0, len(self.s)
        while i < n:
            m = _SPECIAL.search(s, i)
            if m is None:
                break
            i = m.start()
            ch = s[i]
            if ch == "\\":
                i += 2 if i + 1 < n and s[i + 1] in _PUNCT else 1
            elif ch == "`":
                i = self.code_span(i)
            elif ch == "<":
                i = self.angle(i)
            elif ch == "!":
                if i + 1 < n and s[i + 1] == "[":
                    self.openers.append([i + 1, True, True])
                    i += 2
                else:
                    i += 1
            elif ch == "[":
                self.openers.append([i, False, True])
                i += 1
            elif ch == "]":
                i = self.close_bracket(i)
            else:
                i = self.bare(i)
        return sorted(self.found)

    def code_span(self, i: int) -> int:
        s = self.s
        j = i
        while j < len(s) and s[j] == "`":
            j += 1
        ticks = j - i
        if ticks not in self.no_closer:
            close = _closer(ticks).search(s, j)
            if close:
                return close.end()
            self.no_closer.add(ticks)
        return j

    def angle(self, i: int) -> int:
        s = self.s
        if s.startswith(_COMMENT_OPEN, i):
            return self.comment(i)
        window = min(len(s), i + _MAX_TAG)
        m = _AUTOLINK.match(s, i)
        if m:
            if m[1].lower().startswith(("http://", "https://")):
                self.found.append((i + 1, m[1], AUTOLINK))
            return m.end()
        m = _OPEN_TAG.match(s, i, window)
        if m:
            for h in _HREF.finditer(m[2]):
                value = next(g for g in h.groups() if g is not None)
                self.found.append((m.start(2) + h.start(h.lastindex), value, HTML))
            return m.end()
        m = _CLOSE_TAG.match(s, i, window) or _OTHER_HTML.match(s, i, window)
        return m.end() if m else i + 1

    def comment(self, i: int) -> int:
        """Past an HTML comment `<!-- … -->`, or past `<` when none closes (remembered)."""
        if self.comment_end < i + 4 and self.comment_end != len(self.s):
            found = self.s.find("-->", i + 4)
            self.comment_end = len(self.s) if found == -1 else found
        return i + 1 if self.comment_end == len(self.s) else self.comment_end + 3

    def close_bracket(self, i: int) -> int:
        if not self.openers:
            return i + 1
        start, image, active = self.openers.pop()
        if not active:
            return i + 1
        s = self.s
        end = None
        if i + 1 < len(s) and s[i + 1] == "(":
            dest = _destination(s, i + 2, self.no_title_end)
            if dest is not None:
                d_start, d_end, end = dest
                if not image and s[d_start:d_end].lower().startswith(("http://", "https://")):
                    self.found.append((d_start, s[d_start:d_end], INLINE))
        if end is None:
            end = self.reference_end(start, i)
        if end is None:
            return i + 1
        if not image:  # no links inside links: earlier openers cannot form one any more
            for opener in self.openers:
                if not opener[1]:
                    opener[2] = False
        return end

    def reference_end(self, start: int, i: int) -> int | None:
        """Where `[text][label]`, `[text][]` or `[label]` ends, when the label is defined."""
        s = self.s
        if i - start > _MAX_LABEL + 1:
            return None
        if i + 1 < len(s) and s[i + 1] == "[":
            close = s.find("]", i + 2, i + 3 + _MAX_LABEL)
            if close != -1 and "[" not in s[i + 2 : close]:
                label = s[i + 2 : close] or s[start + 1 : i]
                return close + 1 if label_key(label) in self.labels else None
        return i + 1 if label_key(s[start + 1 : i]) in self.labels else None

    def bare(self, i: int) -> int:
        """A GFM extended autolink at the `:` of `http://` or `https://`."""
        s = self.s
        if not s.startswith("://", i) or self.openers:
            return i + 1
        letters = _LETTERS_BEFORE.search(s, max(0, i - 10), i)
        scheme = letters[0].lower() if letters else ""
        if scheme not in ("http", "https"):
            return i + 1
        begin = i - len(scheme)
        stop = _WHITESPACE_OR_LT.search(s, i)
        end = _gfm_trim(s, begin, stop.start() if stop else len(s))
        if end > i + 3:
            self.found.append((begin, s[begin:end], BARE))
            return end
        return i + 1


@cache
def _closer(ticks: int) -> re.Pattern[str]:
    return re.compile(rf"(?<!`)`{{{ticks}}}(?!`)")


def _gfm_trim(s: str, begin: int, end: int) -> int:
    """cmark-gfm's `autolink_delim`: drop trailing punctuation, unbalanced `)`, entities."""
    opened = s.count("(", begin, end)
    closed = s.count(")", begin, end)
    while end > begin:
        ch = s[end - 1]
        if ch in _TRAILING:
            end -= 1
        elif ch == ")" and closed > opened:
            closed -= 1
            end -= 1
        elif ch == ";":
            entity = _ENTITY_END.search(s, begin, end)
            end = entity.start() if entity else end - 1
        else:
            break
    return end


def _destination(s: str, i: int, no_title_end: set[str]) -> tuple[int, int, int] | None:
    """(start, end, after `)`) of an inline link's destination at `s[i:]`, or None.

    `no_title_end` remembers title closers already searched for in vain, so a page of
    unclosed titles is not searched to its end once per link.
    """
    n = len(s)
    i = _skip_space(s, i)
    if i < n and s[i] == "<":
        close = i + 1
        while close < n and s[close] not in "<>\n":
            close += 2 if s[close] == "\\" else 1
        if close >= n or s[close] != ">":
            return None
        start, end, j = i + 1, close, close + 1
    else:
        start, depth, j = i, 0, i
        while j < n:
            ch = s[j]
            if ch == "\\" and j + 1 < n and s[j + 1] in _PUNCT:
                j += 2
                continue
            if ch.isspace() or ord(ch) < 0x20:
                break
            if ch == "(":
                depth += 1
                if depth > _MAX_PARENS:
                    return None
            elif ch == ")":
                if depth == 0:
                    break
                depth -= 1
            j += 1
        if depth:
            return None
        end = j
    k = _skip_space(s, j)
    if k < n and s[k] in "\"'(" and k > j:
        closer = ")" if s[k] == "(" else s[k]
        if closer in no_title_end:
            return None
        k = s.find(closer, k + 1)
        if k == -1:
            no_title_end.add(closer)
            return None
        k = _skip_space(s, k + 1)
    if k < n and s[k] == ")":
        return start, end, k + 1
    return None


def _skip_space(s: str, i: int) -> int:
    """Spaces, tabs and at most one line ending, as around a link destination."""
    newline = False
    while i < len(s) and s[i] in " \t\n":
        if s[i] == "\n":
            if newline:
                break
            newline = True
        i += 1
    return i


def code_spans(text: str) -> list[tuple[int, int]]:
    """Start and end offsets of the inline code spans in `text`, by the link scan's rule.

    For callers that need to skip code in a line of raw Markdown (the reference extension,
    when it looks for the line of a reference the Markdown parser reported), so the project
    has one inline-code rule outside the parser: this one.
    """
    inline = _Inline(text, set())
    spans: list[tuple[int, int]] = []
    i = text.find("`")
    while i >= 0:
        run_end = i
        while run_end < len(text) and text[run_end] == "`":
            run_end += 1
        end = inline.code_span(i)
        if end > run_end:
            spans.append((i, end))
        i = text.find("`", max(end, run_end))
    return spans
