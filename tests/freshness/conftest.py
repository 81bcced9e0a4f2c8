"""Fixtures of the freshness tests: the fake BigQuery the real client talks to."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fakes.fake_bigquery import FakeBigQuery
from helpers.freshness import NOW


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeBigQuery]:
    with FakeBigQuery() as bq:
        monkeypatch.setenv("HANDBOOK_BIGQUERY_ENDPOINT", bq.endpoint)
        monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "sourcegraph-dw")
        monkeypatch.setenv("HANDBOOK_BIGQUERY_TIMEOUT", "0.5")
        bq.clock = lambda: NOW  # the test data's "now": CURRENT_TIMESTAMP() answers it
        yield bq
