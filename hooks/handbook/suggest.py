"""The one "did you mean …?" rule, for every message about a misspelt name.

Names in the catalog (metrics, sources, LookML fields) are typed by hand in YAML and
Markdown; a near miss is the usual mistake, so every check that reports an unknown name
offers the closest known ones, worded the same way everywhere.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: str, known: Iterable[str], *, cutoff: float = 0.6) -> str:
    """`"did you mean 'a' or 'b'? "` for up to three close matches, or `""` for none.

    `cutoff` is difflib's similarity ratio; names sharing long prefixes (LookML fields)
    pass a higher one so only near-identical names are offered.
    """
    close = difflib.get_close_matches(word, list(known), n=3, cutoff=cutoff)
    return f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
