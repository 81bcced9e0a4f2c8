"""The one way a time is written for people: `2024-05-01 14:03 UTC`.

Every time the handbook records is UTC (`snapshot.model.UtcDatetime` gives a zone to any
time read without one), and readers compare times across pages, logs and CLI messages, so
all of them say a time the same way: to the minute, in UTC, with the zone spelled out.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utc_minute(value: datetime) -> str:
    """`value` as `YYYY-MM-DD HH:MM UTC`, converted to UTC first (a zone-aware time)."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
