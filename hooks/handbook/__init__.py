"""The Data & Analytics handbook: a live Looker, metric and freshness catalog for a docs site.

The package holds every piece of logic, with no MkDocs import outside `adapters`: the same
core serves the MkDocs plugin and, through `handbook generate` and the `handbook.refs`
Markdown extension, Zensical or any engine that runs Python-Markdown.
Subpackages, one concern each:

- `snapshot`: the pulled snapshot as plain data (`model`), its atomic JSON `store`, and
  `changes` (what changed between two Looker pulls, for `changes.json`).
- `looker`: the only code that talks to Looker.
  - `pull`: one whole catalog pull: which requests, in what order, one snapshot or none.
  - `pull_settings`: `PullSettings`, where Looker is and how hard a pull tries.
  - `client`: `LookerClient`: log in, GET parsed JSON, run inline queries, count requests.
  - `sdk`: looker-sdk subclassed: `ConfiguredApiSettings` and `RetryingTransport`.
  - `paging`: long answers page by page, each row once (offset searches, id-keyed queries).
  - `pool`: the pull's threads, side by side; the first failure stops them all.
  - `rows`: Looker's JSON rows as the snapshot's models, with their `fields=` projections.
  - `faults`: how the pull words failures, refusals and parts kept from an earlier pull.
  - `lookml`: explores fetched again only for projects whose deployed commit changed.
  - `boards`: every board in one request.
  - `activity`: System Activity's explore and fields per item, kept when it fails.
  - `recent_views`: System Activity's views of each item in the last 90 days.
  - `validation`: the content validator's broken content, kept when it fails.
  - `verify`: which look, dashboard and board ids Looker knows now (`check-links --live`).
- `freshness`: dbt's pass / warn / error `rules` (and how a verdict ages: "not checked
  since"), and the `bigquery` metadata they judge.
- `dbt`: dbt as the source of truth for sources: `config` (`catalog/dbt.yml`), `artifacts`
  (`manifest.json` and `sources.json`, read cheaply), `loader` (read once per change and
  checked against each other), `sources` (dbt's tables as handbook sources, plus the notes a
  hand-written file may add), `exposures` (a dbt `exposures:` file for the notable reports).
- `curated`: the YAML analysts edit: `metrics`, `sources`, `reports`, `policy` (which Looker
  folders and boards may be published, and the one rule for published / excluded / trashed /
  missing), read by `yaml_source` with file and line.
- `markdown`: which parts of a page are `code`, `[[…]]` `references` (parsing and lookup) and
  `refs_extension` (the `handbook.refs` Python-Markdown extension), what it can learn about
  a Zensical run and how it stops a strict one (`zensical_run`), where links are as
  GitHub's renderer finds them (`mdlinks`), which of them are Looker URLs (`linkscan`).
  - `page_check`: every page checked before a build (references that do not resolve, pages
    that are not UTF-8), and before a Zensical build the generated pages too, once.
  - `shown_references`: what references show: their HTML under a catalog, and what each
    page showed (for `serve --dirty`).
  - `catalog_cache`: each handbook's catalog for an engine without our plugin, loaded once
    per process and again after a catalog file changes.
- `generate`: `handbook generate`, the pages as files for engines without plugins: one run
  (`run`), writing beside the user's files without touching them (`install`, `files`), the
  `record` of what was written and from what `inputs`, keeping it out of git (`gitignore`),
  whether the pages on disk are current (`state`), and `--watch` (`watch`).
- `links`: Looker links judged against the snapshot (`check`), the lines a change added
  (`changed_lines`, for `--changed-since`), the `handbook check-links` command (`cli`), the
  nightly issue's body (`issue_report`).
- `render`: Jinja2 `templating` with Markdown-safe escaping, the generated `pages` (reports,
  Looker catalog, broken content, what changed, metrics, freshness), `badges` (statuses as
  aged to the build), each look and dashboard's `trust` line and content errors, how a
  resolved reference looks (`references`), the metric lineage diagram (`lineage_svg`, its
  labels wrapped by `svg_text`), the `atom` feed of Looker changes, page URLs in either
  `use_directory_urls` style for links no engine rewrites and absolute ones for the feed
  (`site_urls`), the serve error `banner`, a built page without its templates' indentation
  (`compact_html`), and the stylesheet, table script (filters, card
  labels) and templates the package ships (`assets/`, `templates/`).
- `adapters`: the MkDocs plugin `handbook` (`mkdocs_plugin`), the `handbook` command (`cli`)
  and what `handbook generate` reads from mkdocs.yml (`site_config`: the site's address).
  - `serve_state`: what the plugin keeps from one `mkdocs serve` rebuild to the next, and
    which built pages a catalog change makes stale under `--dirty`.

Core modules: `project` (where a handbook's files are), `errors` (user-facing problems with file
and line), `catalog` (snapshot + policy + curated YAML joined into what the site publishes),
`refresh` (a whole pull, written atomically), `pull_marker` (a pull in progress, or killed),
`pull_lock` (one pull of a source at a time), `settings` (every environment setting, checked),
`validate`, `export` (`catalog.json`), `progress`, `timefmt` (the one way a time is written),
`session` (one build's catalog: live pull with reuse, load, cross-check, last good),
`suggest` (the one did-you-mean), `site_size` (a built site against GitHub Pages' 1 GB).
"""

__version__ = "0.1.0"
