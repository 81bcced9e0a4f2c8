"""Line wrapping for text drawn in SVG, which browsers never wrap by themselves.

A label inside an SVG box must fit the box in every reader's font, and the page has no script
to measure it. So widths are estimated from a table of advance widths: for each printable
ASCII character, the larger of DejaVu Sans and Liberation Sans (metric-compatible with Arial
and Helvetica), the widest fonts Material's system font stack ends up with; every other
character gets a generous default. An estimate that errs wide wraps a little early and never
spills out of its box.

Words break between words; a word wider than a whole line (an identifier such as
`project.dataset.table`) breaks after `.`, `_`, `/` or `-`, and only a piece still wider
than a line is cut between two characters.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Advance widths of the characters " " (32) to "~" (126), in hundredths of an em: the larger
# of DejaVu Sans and Liberation Sans, measured in Chromium (canvas `measureText` at 100 px).
_REGULAR = (
    *(32, 40, 46, 84, 64, 95, 78, 27, 39, 39, 50, 84, 32, 36, 32, 34),  # space to /
    *(64,) * 10,  # 0-9
    *(34, 34, 84, 84, 84, 56, 102),  # : to @
    *(68, 69, 72, 77, 67, 61, 78, 75, 29, 50, 67, 56, 86),  # A-M
    *(75, 79, 67, 79, 72, 67, 61, 73, 68, 99, 69, 67, 69),  # N-Z
    *(39, 34, 39, 84, 56, 50),  # [ to `
    *(61, 63, 55, 63, 62, 35, 63, 63, 28, 28, 58, 28, 97),  # a-m
    *(63, 61, 63, 63, 41, 52, 39, 63, 59, 82, 59, 59, 52),  # n-z
    *(64, 34, 64, 84),  # { to ~
)
_BOLD = (
    *(35, 46, 52, 84, 70, 100, 87, 31, 46, 46, 52, 84, 38, 42, 38, 37),
    *(70,) * 10,
    *(40, 40, 84, 84, 84, 61, 100),
    *(77, 76, 73, 83, 68, 68, 82, 84, 37, 56, 77, 64, 100),
    *(84, 85, 73, 85, 77, 72, 68, 81, 77, 110, 77, 72, 73),
    *(46, 37, 46, 84, 56, 50),
    *(67, 72, 59, 72, 68, 44, 72, 71, 34, 34, 67, 34, 104),
    *(71, 69, 72, 72, 49, 60, 48, 71, 65, 92, 65, 65, 58),
    *(71, 37, 71, 84),
)
_OTHER = 0.8  # em: accented Latin, Greek, Cyrillic and the like are narrower than this
_WIDE = 1.25  # em: East Asian wide and full-width characters, emoji
_BREAK_AFTER = re.compile(r"(?<=[._/-])(?=.)")


@lru_cache(maxsize=4096)
def _char_em(char: str, bold: bool) -> float:
    code = ord(char)
    if 32 <= code < 127:
        return (_BOLD if bold else _REGULAR)[code - 32] / 100
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0.0
    return _WIDE if unicodedata.east_asian_width(char) in ("W", "F") else _OTHER


class _Ems(dict[str, float]):
    """Each character's `_char_em`, looked up on first sight: `text_width` maps a dict's
    lookup over the text in C (a metric page's diagram measures ~350 labels and lines)."""

    def __init__(self, bold: bool) -> None:
        super().__init__()
        self.bold = bold

    def __missing__(self, char: str) -> float:
        em = self[char] = _char_em(char, self.bold)
        return em


_EMS = (_Ems(bold=False), _Ems(bold=True))


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The widest `text` is likely to be drawn at `size` px in a sans-serif font."""
    return size * sum(map(_EMS[bold].__getitem__, text))


def _cut(part: str, width: float, size: float, bold: bool) -> list[str]:
    """`part` cut between characters into pieces no wider than `width` (one pass)."""
    pieces, start, used = [], 0, 0.0
    for n, char in enumerate(part):
        advance = size * _char_em(char, bold)
        if used + advance > width and n > start:
            pieces.append(part[start:n])
            start, used = n, 0.0
        used += advance
    pieces.append(part[start:])
    return pieces


def _pieces(word: str, width: float, size: float, bold: bool) -> list[str]:
    """`word` in pieces that each fit a line: after `.`, `_`, `/`, `-`, else anywhere."""
    if text_width(word, size, bold) <= width:
        return [word]
    return [
        piece
        for part in _BREAK_AFTER.split(word)
        for piece in (
            [part] if text_width(part, size, bold) <= width else _cut(part, width, size, bold)
        )
    ]


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """`text` as lines no wider than `width` px at `size` px (whitespace collapsed).

    Lines fill greedily; a word wider than a line is split by `_pieces`, and its pieces
    join the line they land on without a space. A line that ends between two words keeps
    that space at its end, so the lines joined are the text again (for copying, and for
    telling a break between words from one inside an identifier).
    """

    lines: list[str] = []
    line = ""
    for word in text.split():
        for n, piece in enumerate(_pieces(word, width, size, bold)):
            joined = line + (" " if n == 0 and line else "") + piece
            if not line or text_width(joined, size, bold) <= width:
                line = joined
            else:
                lines.append(line + (" " if n == 0 else ""))
                line = piece
    if line:
        lines.append(line)
    return lines or [""]
