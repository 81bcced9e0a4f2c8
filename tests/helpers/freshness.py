"""Curated sources for the freshness checks, and the moment the fake BigQuery calls now.

NOW is when the test data's checks run: the fake BigQuery's `CURRENT_TIMESTAMP()` answers
it, so each table's age is exactly what a test writes.
"""

from __future__ import annotations

from fakes.fake_bigquery import utc
from handbook.curated.sources import Source

NOW = utc(2026, 11, 22, 6, 10)


def source(*tables: dict, **extra: object) -> Source:
    """A Zendesk source with `tables` (and `extra` fields), as catalog/sources/ declares one."""
    return Source.model_validate(
        {
            "name": "zendesk",
            "label": "Zendesk",
            "description": "Support tickets.",
            "owner": "Kelsey Brown",
            "cadence": "every 6 hours",
            "freshness": {"warn_after": {"count": 12, "period": "hour"}},
            "tables": list(tables),
            **extra,
        }
    )
