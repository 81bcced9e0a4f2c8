"""Data-source freshness: dbt's warn_after / error_after rules and the BigQuery metadata."""
