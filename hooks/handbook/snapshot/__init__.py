"""The snapshot: plain data pulled from Looker and BigQuery, and its atomic JSON store."""
