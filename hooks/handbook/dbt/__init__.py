"""dbt as the source of truth for data sources: `catalog/dbt.yml` and dbt's JSON artifacts.

`config` reads `catalog/dbt.yml`; `artifacts` reads `manifest.json` and `sources.json` (only
their sources, metadata and results, cheaply); `sources` turns dbt's resolved source tables
into handbook sources, checks the artifacts against each other and merges the notes of a
hand-written source of the same name; `exposures` writes the other direction, a dbt
`exposures:` file for the notable Looker reports.
"""
