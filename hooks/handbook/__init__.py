"""The Data & Analytics handbook: MkDocs site with a live Looker, metric and freshness catalog.

The package holds every piece of logic; the MkDocs hooks in `hooks/*.py` only wire events to
functions here. Modules, one job each:

- `model`: the pulled snapshot as plain data (pydantic).
- `project`: where the handbook's files are (catalog dir, snapshot files, config).
- `snapshot_store`: atomic read/write of snapshot JSON.
- `errors`, `yaml_source`: user-facing errors that name file and line.
- `policy`: which Looker folders may be published (`catalog/looker.yml`).
- `metrics`, `sources`, `reports`: the curated YAML analysts edit.
- `freshness`: dbt's pass / warn / error rules.
- `looker_client` (HTTP, retries, request counting), `looker_pull` (the catalog),
  `looker_activity` (System Activity), `bigquery_freshness`: the only modules that talk to
  the outside.
- `refresh`: a whole pull, written atomically.
- `catalog`: snapshot + policy + curated YAML joined into what the site publishes.
- `render`, `pages`: Jinja2 templates into Markdown pages.
- `references`: `[[metric:…]]`-style references in handbook Markdown.
- `markdown_code`: which lines of a page are code (shared by references and link checks).
- `linkscan`, `linkcheck`: Looker URLs found in Markdown, and their status.
- `validate`, `export`: cross-checks of the catalog, and `catalog.json`.
- `site`, `progress`, `cli`: the build's entry points, progress output, the `handbook` command.
"""

__version__ = "0.1.0"
