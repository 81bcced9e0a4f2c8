"""The Data & Analytics handbook: MkDocs site with a live Looker, metric and freshness catalog.

The package holds every piece of logic; engine adapters only wire events to functions here.
Subpackages, one concern each:

- `snapshot`: the pulled snapshot as plain data (`model`) and its atomic JSON `store`.
- `looker`: the only code that talks to Looker: `client` (HTTP, retries, request counting),
  `pull` (folders, dashboards, looks, explores), `boards` (boards, one request), `activity`
  (System Activity usage).
- `freshness`: dbt's pass / warn / error `rules`, and the `bigquery` metadata they judge.
- `curated`: the YAML analysts edit: `metrics`, `sources`, `reports`, `policy` (which Looker
  folders and boards may be published, and the one rule for published / excluded / trashed /
  missing), read by `yaml_source` with file and line.
- `markdown`: which parts of a page are `code`, `[[…]]` `references`, where links are as
  GitHub's renderer finds them (`mdlinks`), which of them are Looker URLs (`linkscan`).
- `links`: Looker links judged against the snapshot (`check`), the nightly issue's body
  (`issue_report`).
- `render`: Jinja2 `templating` with Markdown-safe escaping, and the generated `pages`.
- `adapters`: the MkDocs build glue (`mkdocs_build`) and the `handbook` command (`cli`).

Core modules: `project` (where a handbook's files are), `errors` (user-facing problems with file
and line), `catalog` (snapshot + policy + curated YAML joined into what the site publishes),
`refresh` (a whole pull, written atomically), `validate`, `export` (`catalog.json`), `progress`.
"""

__version__ = "0.1.0"
