"""The banner `mkdocs serve` puts on every page while the catalog YAML has errors."""

from __future__ import annotations

import re

_BACKTICKS = re.compile(r"`+")


def error_banner(errors: str, *, last_good: bool = True) -> str:
    """Markdown for a `failure` admonition quoting `errors` literally (file:line: message).

    The quote is a fenced block one backtick longer than any run in the text, so nothing in
    an error message can end it early or be read as Markdown.
    """
    longest = max((len(m) for m in _BACKTICKS.findall(errors)), default=0)
    fence = "`" * max(3, longest + 1)
    body = "\n".join(f"    {line}" for line in errors.splitlines())
    shown = "these pages show the last good version" if last_good else "its pages stay empty"
    return (
        f'!!! failure "The catalog has errors: {shown}"\n\n'
        "    Fix the files below and save; the preview rebuilds by itself.\n\n"
        f"    {fence}text\n{body}\n    {fence}\n\n"
    )
