"""Silence the end-of-life banners Material for MkDocs and ProperDocs print on every run.

Both packages print ~30 lines before MkDocs' own output unless an environment variable is
set (`material/templates/__init__.py` reads `NO_MKDOCS_2_WARNING`; `properdocs`, pulled in
by mkdocs-gen-files, reads `DISABLE_MKDOCS_2_WARNING=true`). Both print while MkDocs
validates the config (the theme import, the plugin import), which is after the YAML is read
but before any hook runs, so `mkdocs.yml` names this module with a `!!python/name:` tag
(under `extra:`): PyYAML imports it while reading the file, and a plain `mkdocs build` or
`mkdocs serve` gets the quiet output with no wrapper or shell setup. A variable the user set
is left as it is (`settings.silence_banners`; only `settings` touches the environment).
"""

from __future__ import annotations

from handbook.settings import silence_banners

silence_banners()

# What `mkdocs.yml` refers to; any value would do, the import is the point.
SILENCED = True
