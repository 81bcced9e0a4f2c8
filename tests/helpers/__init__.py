"""What the tests share, one module per concern, imported as `from helpers.handbook import …`.

pytest puts `tests/` on the import path (`pythonpath = ["tests"]` in pyproject.toml), so
`helpers` and `fakes` import by name from any test folder; test modules never import one
another (`tests/test_architecture.py` checks it).

- `handbook`: where the repository is, a throwaway copy of its handbook, git commits, and
  the commands a user runs in it (`mkdocs build`, `handbook …`, `zensical build`).
- `serving`: local HTTP: a free port, a fetch, a folder served, `mkdocs serve`, waiting.
- `browser`: Debian's Chromium through Playwright.
- `pages`: reading pages, built HTML or generated Markdown (text, tables, headings, links).
- `catalogs`: small in-memory Looker snapshots and catalogs, and the Looker pages made of them.
- `hostile`: untrusted text every page must show inert and intact.
- `looker`: the fake Looker wired to the real client: seed, secrets, settings, environments.
- `freshness`: curated sources and the time the fake BigQuery answers with.
- `adopter`: another team's small Material site that adds `- handbook` under plugins.
- `dbt_handbooks`, `dbt_venv`, `dbt_warehouse`: handbooks with dbt's artifacts, the real dbt
  in its own virtualenv, and the warehouse behind the test dbt project.
"""
