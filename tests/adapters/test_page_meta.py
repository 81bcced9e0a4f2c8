"""The plugin's additions to `page.meta` (date, secured title) exist only while that page renders.

Every page shows the whole nav, and Material's nav partial looks up four more keys for each
nav entry whose `meta` is not empty. With the date left in every hand page's meta, a
1,000-page site spent ~9 s more in the theme's templates (`scripts/bench_site.py` at target
size). The page being rendered must still carry both, or Material would show no "last
updated" date and would decode the title into `<title>`.
"""

from __future__ import annotations

from typing import Any

from helpers.handbook import commit_all
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.plugins import BasePlugin

DATE = "git_revision_date_localized"


class _Probe(BasePlugin):
    """Registered after `handbook`, so it sees each page's context as the theme will."""

    def __init__(self) -> None:
        self.rendering: dict[str, dict[str, Any]] = {}
        self.others_with_date: list[tuple[str, str]] = []

    def on_page_context(self, context: Any, *, page: Any, config: Any, nav: Any) -> Any:
        self.rendering[page.file.src_uri] = dict(page.meta)
        for other in nav.pages:
            if other is not page and DATE in other.meta:
                self.others_with_date.append((page.file.src_uri, other.file.src_uri))
        return context


def test_only_the_page_being_rendered_carries_the_plugins_meta(handbook_copy, monkeypatch):
    monkeypatch.setenv("HANDBOOK_OFFLINE", "1")
    monkeypatch.chdir(handbook_copy.root)
    commit_all(handbook_copy.root)  # hand pages get a date only from a commit
    config = load_config(str(handbook_copy.root / "mkdocs.yml"))
    probe = _Probe()
    config.plugins["probe"] = probe
    config.plugins.on_startup(command="build", dirty=False)
    build(config)

    hand = probe.rendering["team/capabilities.md"]
    assert "git-revision-date-localized-plugin" in hand.get(DATE, ""), hand  # as it renders
    assert hand.get("title") == "Capabilities"  # secured title for <title>, as it renders
    assert DATE not in probe.rendering["metrics/mau.md"]  # generated pages get no date
    assert probe.others_with_date == []  # no nav entry carries another page's date
