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
- `looker_pull`, `bigquery_freshness`: the only modules that talk to the outside.
- `refresh`: a whole pull, written atomically.
- `catalog`: snapshot + policy + curated YAML joined into what the site publishes.
- `render`, `pages`: Jinja2 templates into Markdown pages.
- `references`: `[[metric:…]]`-style references in handbook Markdown.
- `linkcheck`: stale Looker URLs in Markdown.
- `cli`: the `handbook` command.
"""

__version__ = "0.1.0"
