"""The warehouse behind the test dbt project (`tests/dbt/project/`), written once for two engines.

Every time value is a `timedelta`: how long before the freshness query runs the row was
loaded. DuckDB gets views computing `now() - INTERVAL …` (the same `now()` dbt's
`collect_freshness` query reads), and the fake BigQuery evaluates them when it answers, so
however slowly dbt or the handbook starts, each table's age at its check is exactly what is
written here, and one second either side of a threshold stays on its side.

Stdlib only: `tests/dbt/make_artifacts.py` loads this file under dbt's own Python, the tests
import it under ours.
"""

from __future__ import annotations

from datetime import timedelta

S = timedelta(seconds=1)
M = timedelta(minutes=1)
H = timedelta(hours=1)
D = timedelta(days=1)

# The DuckDB file is `warehouse.duckdb`, so dbt names every table `warehouse.<schema>.<table>`.
DATABASE = "warehouse"

# (schema, table) -> rows; the comment is what dbt's SLA makes of the newest row.
TABLES: dict[tuple[str, str], list[dict[str, object]]] = {
    # stripe: warn after 6 hours, error after 1 day (source level)
    ("raw_stripe", "charges"): [{"_loaded_at": 6 * H - S}],  # pass
    ("raw_stripe", "invoices"): [{"_loaded_at": 6 * H + S}],  # warn
    ("raw_stripe", "payouts"): [{"_loaded_at": D - S}],  # warn
    ("raw_stripe", "disputes"): [{"_loaded_at": D + S}],  # error
    # table-level error_after 2 days merged with the source's warn_after 6 hours
    ("raw_stripe", "balance_transactions"): [{"_loaded_at": D + S}],  # warn
    ("raw_stripe", "refunds"): [{"_loaded_at": 90 * D}],  # no SLA
    # web_analytics: error after 30 minutes only, filter platform = 'web' (source level)
    ("raw_web", "pageviews"): [
        {"platform": "web", "received_at": 30 * M + S},  # error: the filter keeps this row
        {"platform": "app", "received_at": M},  # (would pass without the filter)
    ],
    ("raw_web", "sessions"): [{"platform": "web", "received_at": 30 * M - S}],  # pass
    # the table's own filter, platform = 'app', replaces the source's
    ("raw_web", "app_events"): [
        {"platform": "app", "received_at": 30 * M + S},  # error
        {"platform": "web", "received_at": 10 * S},
    ],
    # crm: warn after 2 days only (dbt_project.yml); crm.ghost is not in the warehouse
    ("raw_crm", "contacts"): [{"updated_at": 2 * D - S}],  # pass
    ("raw_crm", "companies"): [{"updated_at": 2 * D + S}],  # warn
    ("raw_crm", "deals"): [{"updated_at": 90 * D}],  # warn (never error: no error_after)
    ("raw_legacy", "accounts"): [{"exported_at": 400 * D}],  # no SLA
}


def _literal(value: object) -> str:
    if isinstance(value, timedelta):
        return f"now() - INTERVAL {int(value.total_seconds())} SECOND"
    return "'" + str(value).replace("'", "''") + "'"


def duckdb_sql() -> list[str]:
    """Statements that create the warehouse in DuckDB, one view per table."""
    statements = [f"CREATE SCHEMA IF NOT EXISTS {s}" for s in sorted({s for s, _ in TABLES})]
    for (schema, table), rows in TABLES.items():
        columns = list(rows[0])
        values = ", ".join("(" + ", ".join(_literal(r[c]) for c in columns) + ")" for r in rows)
        statements.append(
            f"CREATE VIEW {schema}.{table} AS SELECT * FROM (VALUES {values}) "
            f"AS t({', '.join(columns)})"
        )
    return statements
