"""```mermaid blocks in hand-written pages, kept out of the site search.

pymdownx.superfences' own `fence_code_format` writes `<pre class="mermaid"><code>…`, which
Material's search then indexes as text: readers searching "BigQuery" got `flowchart LR`
and arrows back. This writes the same element (Material's script still finds
`pre.mermaid` and draws it) with `data-search-exclude`, which Material's search skips.
"""

from __future__ import annotations

from typing import Any

from pymdownx.superfences import fence_code_format


def fence_format(source: str, language: str, class_name: str, options: Any, md: Any, **kw) -> str:
    """Superfences custom-fence formatter: the stock one, excluded from the search index."""
    out = fence_code_format(source, language, class_name, options, md, **kw)
    return out.replace("<pre ", "<pre data-search-exclude ", 1)
