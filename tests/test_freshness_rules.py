"""dbt's freshness rules at their exact boundaries, and the statuses that must never pass."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from handbook.curated.sources import FreshnessRule, Source
from handbook.freshness.rules import badge, evaluate, rule_status, table_status, worst
from handbook.snapshot.model import FreshnessSnapshot, TableFreshness

CHECKED = datetime(2026, 11, 22, 6, 10, tzinfo=UTC)
S = timedelta(seconds=1)


def rule(warn: tuple[int, str] | None, error: tuple[int, str] | None) -> FreshnessRule:
    data = {}
    if warn:
        data["warn_after"] = {"count": warn[0], "period": warn[1]}
    if error:
        data["error_after"] = {"count": error[0], "period": error[1]}
    return FreshnessRule.model_validate(data)


@pytest.mark.parametrize(
    ("period", "unit"),
    [("minute", timedelta(minutes=1)), ("hour", timedelta(hours=1)), ("day", timedelta(days=1))],
)
def test_exact_boundaries_follow_dbt(period: str, unit: timedelta) -> None:
    r = rule((2, period), (7, period))
    assert rule_status(r, timedelta(0)) == "pass"
    assert rule_status(r, 2 * unit) == "pass"  # equal to warn_after: still a pass
    assert rule_status(r, 2 * unit + S) == "warn"
    assert rule_status(r, 7 * unit) == "warn"  # equal to error_after: still a warn
    assert rule_status(r, 7 * unit + S) == "error"


def test_one_threshold_only() -> None:
    assert rule_status(rule(None, (1, "hour")), timedelta(days=30)) == "error"
    assert rule_status(rule(None, (1, "hour")), timedelta(minutes=59)) == "pass"
    assert rule_status(rule((1, "day"), None), timedelta(days=300)) == "warn"


def test_error_checked_before_warn_like_dbt() -> None:
    # error_after shorter than warn_after is legal in dbt (error wins) but refused in our
    # YAML, where it is always a mistake; the rule still checks error first, as dbt does.
    with pytest.raises(ValueError, match="warn_after \\(7 days\\) is longer than error_after"):
        rule((7, "day"), (1, "day"))
    odd = FreshnessRule.model_construct(
        warn_after=rule((7, "day"), None).warn_after, error_after=rule(None, (1, "day")).error_after
    )
    assert rule_status(odd, timedelta(days=2)) == "error"


def _source(**extra: object) -> Source:
    data = {
        "name": "hubspot",
        "label": "HubSpot",
        "description": "d",
        "owner": "Eric Brody-Moore",
        "cadence": "weekly",
        "freshness": {"warn_after": {"count": 8, "period": "day"}},
        "tables": [{"table": "sourcegraph-dw.hubspot.contacts"}],
    }
    data.update(extra)
    return Source.model_validate(data)


def test_failed_or_missing_checks_never_pass() -> None:
    source = _source(
        tables=[
            {"table": "sourcegraph-dw.hubspot.a"},
            {"table": "sourcegraph-dw.hubspot.b"},
            {"table": "sourcegraph-dw.hubspot.c"},
        ]
    )
    a, b, c = source.tables
    failed = TableFreshness(
        table=a.table, loaded_at=CHECKED, error="Not found: Table sourcegraph-dw:hubspot.a"
    )
    assert table_status(source, a, failed, CHECKED).status == "runtime error"
    assert table_status(source, b, None, CHECKED).status == "not checked"
    empty = TableFreshness(table=c.table, loaded_at=None, method="max_field")
    assert table_status(source, c, empty, CHECKED).status == "runtime error"
    assert table_status(source, a, failed, None).status == "not checked"


def test_source_status_is_its_worst_table() -> None:
    source = _source(
        tables=[{"table": "sourcegraph-dw.hubspot.a"}, {"table": "sourcegraph-dw.hubspot.b"}]
    )
    fresh = TableFreshness(table="sourcegraph-dw.hubspot.a", loaded_at=CHECKED - timedelta(days=1))
    snapshot = FreshnessSnapshot(checked_at=CHECKED, tables=[fresh])
    (state,) = evaluate([source], snapshot)
    assert [t.status for t in state.tables] == ["pass", "not checked"]
    assert state.status == "not checked"
    assert evaluate([source], None)[0].status == "not checked"
    assert worst(["pass", "warn", "runtime error", "error"]) == "error"
    assert worst(["pass", "warn", "runtime error"]) == "runtime error"
    assert worst([]) == "not checked"


def test_table_freshness_overrides_source_and_null_disables() -> None:
    source = _source(
        tables=[
            {
                "table": "sourcegraph-dw.hubspot.a",
                "freshness": {"error_after": {"count": 1, "period": "hour"}},
            },
            {"table": "sourcegraph-dw.hubspot.b", "freshness": None},
        ]
    )
    a, b = source.tables
    old = CHECKED - timedelta(hours=2)
    assert table_status(
        source, a, TableFreshness(table=a.table, loaded_at=old), CHECKED
    ).status == ("error")  # the table's rule replaces the source's 8-day warn
    no_sla = table_status(source, b, TableFreshness(table=b.table, loaded_at=old), CHECKED)
    assert (no_sla.status, no_sla.reason) == ("not checked", "no freshness SLA")


def test_badge_markup() -> None:
    assert str(badge("warn")) == (
        '<span class="hb-badge hb-badge--warn" title="older than its warn_after threshold">'
        "warn</span>"
    )
    assert 'hb-badge--runtime-error"' in badge("runtime error")
    hostile = str(badge('<script>"x"</script>'))
    assert "<script>" not in hostile and "hb-badge--unknown" in hostile
