"""Which lines of a handbook page are code, the one rule the link check and references share.

Both `[[…]]` references and the stale-link check leave code alone: the editors' guide shows
the reference syntax in code, and a Looker URL in code is an example of a URL shape, not a
link a reader follows. They must agree on what "code" is, or a page could pass one check
and fail the other, so the rule lives here once.

Code is fenced blocks (``` and ~~~, including fences indented inside lists and admonitions)
and indented code blocks. Indented code is told apart from MkDocs' indented *content*
(admonition bodies, `???` details, `===` tabs, list continuations) by keeping a stack of the
containers open above the line, as Python-Markdown and CommonMark do. Blockquote markers are
looked through. Inline code spans are `mdlinks.code_spans`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_LIST_ITEM = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)")
# MkDocs containers whose body is indented by four spaces: admonitions, collapsible
# details (pymdownx.details) and content tabs (pymdownx.tabbed).
_INDENTED_CONTAINERS = ("!!!", "???", "===")


def indent_width(line: str) -> int:
    """Leading whitespace width, a tab counting to the next multiple of four (CommonMark)."""
    width = 0
    for ch in line:
        if ch == " ":
            width += 1
        elif ch == "\t":
            width += 4 - width % 4
        else:
            break
    return width


def may_contain_code(text: str) -> bool:
    """False when `text` certainly has no code block: no fence, no indented line.

    A few substring searches in C, so callers can skip the per-line pass for the many pages
    that are plain prose.
    """
    return (
        "```" in text
        or "~~~" in text
        or "\n    " in text
        or "\n\t" in text
        or text.startswith(("    ", "\t"))
    )


def code_lines(lines: Sequence[str]) -> list[bool]:
    """For each line (with or without its line ending), whether it is inside code.

    One forward pass, constant work per line. Blank lines inside a fence count as code;
    other blank lines hold nothing either caller looks at, so they count as prose.
    """
    mask = [False] * len(lines)
    containers: list[int] = []  # content indents of the open list items / admonitions
    fence: tuple[str, int] | None = None  # (fence character, length) while inside one
    blank_before = True
    in_indented_code = False
    for i, raw in enumerate(lines):
        line = raw.rstrip("\r\n")
        stripped = line.lstrip(" \t")
        while stripped.startswith(">"):  # blockquotes: look through the markers
            stripped = stripped[1:].lstrip(" \t")
        if fence is not None:
            mask[i] = True
            char, length = fence
            if stripped.startswith(char * length) and not stripped.strip(char).strip():
                fence = None
            continue
        if not stripped:
            blank_before = True
            continue
        indent = indent_width(line)
        if blank_before:
            while containers and indent < containers[-1]:
                containers.pop()
        base = containers[-1] if containers else 0
        if indent >= base + 4 and (blank_before or in_indented_code):
            mask[i] = in_indented_code = True
            blank_before = False
            continue
        in_indented_code = False
        blank_before = False
        if stripped.startswith(("```", "~~~")):
            char = stripped[0]
            length = len(stripped) - len(stripped.lstrip(char))
            # A backtick fence's info string may not contain backticks (CommonMark).
            if char == "~" or "`" not in stripped[length:]:
                fence = (char, length)
                mask[i] = True
                continue
        item = _LIST_ITEM.match(stripped)
        if item:
            containers.append(indent + max(item.end(), 2))
        elif stripped.startswith(_INDENTED_CONTAINERS):
            containers.append(indent + 4)
    return mask
