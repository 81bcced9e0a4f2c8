"""The Data & Analytics handbook: a live Looker, metric and freshness catalog for a docs site.

The package holds every piece of logic, with no MkDocs import outside `adapters`: the same
core serves the MkDocs plugin and, through `handbook generate` and the `handbook.refs`
Markdown extension, Zensical or any engine that runs Python-Markdown.

The package map: every module, one line each, grouped as the folders are
(`tests/test_architecture.py` fails when a module is missing here).

Core modules (this folder):
- `__main__`: `python -m handbook`, the same command as the console script.
- `catalog`: snapshot + publishing policy + curated YAML joined into what the site publishes.
- `errors`: `PullError` and the user-facing problems with file and line (from `problems`).
- `export`: `catalog.json`, the published catalog as data, streamed.
- `fingerprint`: one rule for "did anything under this folder change since last time?".
- `gc_pause`: the cyclic garbage collector paused while a catalog is built from files.
- `gitdates`: when each hand page last changed, from one pass over the git history.
- `problems`: `Problem` and `CatalogError`, plain data every module may import.
- `progress`: progress of long pulls on stderr; `Silent` in builds and tests.
- `project`: where a handbook's files are.
- `pull_lock`: one pull of a source at a time (an OS lock beside the snapshot).
- `pull_marker`: a mark that a pull started, so one killed midway shows afterwards.
- `redact`: the one filter every message passes before a log, a file or a page.
- `refresh`: one `handbook refresh`: pull what is configured, replace snapshots atomically.
- `session`: one MkDocs build's catalog: live pull with reuse, load, cross-check, last good.
- `settings`: every environment setting, declared, typed and checked.
- `site_size`: a built site against GitHub Pages' 1 GB (`handbook site-size`).
- `suggest`: the one did-you-mean.
- `textfile`: a user's text file read, or exactly where it is not UTF-8.
- `timefmt`: the one way a time is written for people.
- `validate`: cross-checks between the curated YAML, the snapshot and the pages.

`adapters`: the engines' glue, thin over the core.
- `cli`: the `handbook` command: every subcommand declared in one shape, with its handler.
- `mkdocs_plugin`: the MkDocs plugin `handbook`.
- `quiet_banners`: the end-of-life banners of Material and ProperDocs silenced.
- `serve_state`: what the plugin keeps between `mkdocs serve` rebuilds, and what is stale.
- `site_config`: what `handbook generate` reads from mkdocs.yml (the site's address).
- `site_publish`: the built site published atomically (the last good `site/` stays).

`curated`: the YAML analysts edit under `catalog/`.
- `metrics`: metric definitions.
- `policy`: which Looker folders and boards may be published; published / excluded / trashed.
- `reports`: the notable reports the team vouches for.
- `schemas`: JSON Schemas of the YAML files, from the models that read them (`handbook schemas`).
- `sources`: hand-written data sources and their freshness SLAs.
- `yaml_source`: YAML that remembers the file and line of each value.

`dbt`: dbt as the source of truth for sources.
- `artifacts`: `manifest.json` and `sources.json`, read for sources and freshness only.
- `config`: `catalog/dbt.yml`, where the artifacts are and which sources to show.
- `exposures`: a dbt `exposures:` file for the notable reports.
- `loader`: the artifacts read once per change and checked against each other.
- `sources`: dbt's tables as handbook sources, plus the notes a hand-written file adds.

`freshness`: data-source freshness.
- `bigquery`: when each source table was last loaded, from BigQuery.
- `rules`: dbt's pass / warn / error rules, and how a verdict ages ("not checked since").

`generate`: `handbook generate`, the pages as files for engines without plugins.
- `files`: whole-file writes that never land half a file or on a user's file.
- `gitignore`: what it writes kept out of `git status`, no user file touched.
- `inputs`: digests of what the pages were made from.
- `install`: generated files put in place beside the user's, refusing a clash.
- `record`: `.handbook/generated.json`, what was written and from what.
- `run`: one run: load, validate, write, as a plain or strict build would.
- `state`: whether the pages on disk are the ones the catalog makes now.
- `watch`: `--watch`, generating again after each change under `catalog/`.

`links`: Looker links in Markdown judged against the snapshot.
- `changed_lines`: the lines a change added (`--changed-since`).
- `check`: each link judged: ok, deleted, missing, excluded or unverifiable.
- `cli`: a `handbook check-links` run: its report and exit code.
- `issue_report`: the body of the nightly stale-links issue.

`looker`: the only code that talks to Looker.
- `activity`: System Activity's explore and fields per item, kept when it fails.
- `boards`: every board in one request.
- `client`: `LookerClient`: log in, GET parsed JSON, run inline queries, count requests.
- `faults`: how the pull words failures, refusals and parts kept from an earlier pull.
- `lookml`: explores fetched again only for projects whose deployed commit changed.
- `paging`: long answers page by page, each row once.
- `pool`: the pull's threads, side by side; the first failure stops them all.
- `pull`: one whole catalog pull: which requests, in what order, one snapshot or none.
- `pull_settings`: `PullSettings`, where Looker is and how hard a pull tries.
- `recent_views`: System Activity's views of each item in the last 90 days.
- `rows`: Looker's JSON rows as the snapshot's models, with their `fields=` projections.
- `sdk`: looker-sdk subclassed: `ConfiguredApiSettings` and `RetryingTransport`.
- `validation`: the content validator's broken content, kept when it fails.
- `verify`: which look, dashboard and board ids Looker knows now (`check-links --live`).

`markdown`: Markdown read as a renderer reads it.
- `catalog_cache`: each handbook's catalog for an engine without our plugin, loaded once.
- `code`: which lines of a page are code.
- `linkscan`: Looker URLs in a page, with line and column.
- `mdlinks`: every link target, where a CommonMark + GFM renderer finds it.
- `mermaid_fence`: ```` ```mermaid ```` blocks kept out of the site search.
- `page_check`: every page checked before a build, and the generated pages before Zensical's.
- `references`: `[[…]]` references parsed and looked up in the catalog.
- `refs_extension`: `handbook.refs`, the Python-Markdown extension for references.
- `shown_references`: what references show, and what each page showed (`serve --dirty`).
- `zensical_run`: what an extension can learn about a Zensical run, and how it stops one.

`render`: everything a reader sees, from plain data.
- `addresses`: where each generated page is, and the anchors on it.
- `atom`: an Atom 1.0 feed as text.
- `badges`: metric statuses and freshness verdicts as small badges.
- `banner`: the `mkdocs serve` banner while the catalog YAML has errors.
- `cache`: generated pages kept between builds, keyed by what they show.
- `compact_html`: a built page without its templates' indentation.
- `lineage_svg`: a metric's lineage as inline SVG.
- `page`: `Page` and `PageSpec`, a generated page rendered or not yet.
- `page_safety`: what MkDocs and the theme put in a page's head, made safe.
- `references`: how a resolved `[[…]]` reference looks.
- `search_index`: Material's search index config: no unused `tags` field; the items' pattern.
- `search_worker`: our search worker in place of Material's, which scores Looker items without lunr.
- `shipped`: the stylesheet and table script the package ships.
- `site_urls`: where a page is served, and links no engine rewrites.
- `svg_text`: line wrapping for text drawn in SVG.
- `templating`: Jinja2 with Markdown-safe escaping, and its filters.
- `trust`: each look and dashboard's trust line and content errors.

`render.pages`: the generated pages, one module per part of the catalog.
- `broken_pages`: `looker/broken.md`, content the validator found broken.
- `change_pages`: `looker/changes.md` and its Atom feed.
- `freshness_pages`: `data/freshness.md`, every source's freshness.
- `looker_pages`: the Looker catalog: index, folders, boards, explores, unused content (a
  summary by owner and a page per owner).
- `metric_pages`: the metric glossary and one page per metric.
- `report_pages`: the notable reports.

`snapshot`: the pulled snapshot as plain data.
- `changes`: what changed between two Looker pulls, for `changes.json`.
- `model`: the snapshot's models.
- `store`: snapshot files read and written atomically.
"""

__version__ = "0.1.0"
