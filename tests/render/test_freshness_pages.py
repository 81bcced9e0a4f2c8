"""The freshness board and the inline summary other pages embed."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import markdown
from handbook.catalog import load_catalog
from handbook.project import Project
from handbook.render.badges import freshness_summary
from handbook.render.pages.freshness_pages import pages
from handbook.snapshot.model import FreshnessSnapshot, TableFreshness
from handbook.snapshot.store import save
from helpers.handbook import REPO

BUILT = datetime(2026, 11, 23, 6, 10, tzinfo=UTC)
HOSTILE = "<script>alert(1)</script> | `code` {{ config }} {% raw %} [x](javascript:alert(1)) *em*"


def _html(text: str) -> str:
    return markdown.markdown(
        text,
        extensions=["tables", "admonition", "attr_list", "md_in_html", "pymdownx.details"],
    )


def test_board_from_the_committed_snapshot() -> None:
    catalog = load_catalog(Project(REPO), now=BUILT)
    (page,) = pages(catalog)
    # The edit link opens a file (the first source's), not a folder.
    assert (page.path, page.edit_path) == ("data/freshness.md", catalog.sources[0].file)
    assert (REPO / page.edit_path).is_file()
    text = page.content
    assert (
        'BigQuery freshness data pulled at <time class="hb-time" datetime="2026-11-22T06:10:00Z">'
        "2026-11-22 06:10 UTC</time>." in text
    )
    assert (
        '| [HubSpot](#hubspot) | <span class="hb-badge hb-badge--warn" '
        'title="older than its warn_after threshold">warn</span> |'
    ) in text
    assert "## HubSpot { #hubspot }" in text
    assert "warn after 8 days, error after 15 days" in text
    assert '<span class="hb-badge hb-badge--runtime-error"' in text
    assert (
        "!!! failure" in text and "apollo.sequence&#95;events was not found in location US" in text
    )
    assert "!!! warning" not in text  # no failed pull recorded
    html = _html(text)
    assert 'id="hubspot"' in html and 'id="apollo"' in html
    assert html.count("hb-badge--pass") >= 8
    assert "<pre>" not in html  # every details block rendered as a table, not code
    # Opened: HubSpot (warn), Apollo (runtime error), and the six sources whose pass is
    # older than their warn_after a day after the check (not checked since).
    assert html.count("<details") == 10 and html.count('open="open"') == 8


def test_summary_for_other_pages() -> None:
    catalog = load_catalog(Project(REPO), now=BUILT)
    assert str(freshness_summary(catalog.source_statuses["hubspot"])) == (
        '<span class="hb-badge hb-badge--warn" title="older than its warn_after threshold">'
        "warn</span> · loaded 12 days before the check at 2026-11-22 06:10 UTC · "
        "SLA: warn after 8 days, error after 15 days"
    )
    assert "hb-badge--runtime-error" in freshness_summary(catalog.source_statuses["apollo"])


def test_failed_check_notice_and_hostile_text(handbook_copy: Project) -> None:
    for path in handbook_copy.sources_dir.glob("*.yml"):
        path.unlink()
    quoted = json.dumps(HOSTILE)
    (handbook_copy.sources_dir / "evil.yml").write_text(
        "sources:\n"
        "  - name: evil\n"
        f"    label: {quoted}\n"
        f"    description: {quoted}\n"
        f"    owner: {quoted}\n"
        f"    cadence: {quoted}\n"
        f"    notes: {quoted}\n"
        "    freshness: {error_after: {count: 1, period: minute}}\n"
        "    tables:\n"
        "      - table: sourcegraph-dw.evil.t1\n"
        f"        description: {quoted}\n"
        "      - table: sourcegraph-dw.evil.t2\n"
        "      - table: sourcegraph-dw.evil.t3\n",
        encoding="utf-8",
    )
    checked = datetime(2026, 11, 22, 6, 10, tzinfo=UTC)
    save(
        handbook_copy.freshness_snapshot,
        FreshnessSnapshot(
            checked_at=checked,
            tables=[
                TableFreshness(table="sourcegraph-dw.evil.t1", loaded_at=checked),
                TableFreshness(table="sourcegraph-dw.evil.t2", error=HOSTILE),
            ],
        ),
    )
    handbook_copy.attempt_file("bigquery").write_text(
        json.dumps(
            {
                "source": "bigquery",
                "attempted_at": "2026-11-23T01:00:00+00:00",
                "error": "BigQuery did not answer for any table (cannot connect to BigQuery)",
            }
        ),
        encoding="utf-8",
    )
    catalog = load_catalog(handbook_copy, now=BUILT)
    (page,) = pages(catalog)
    text = page.content
    assert '!!! warning "Pull failed"' in text
    assert "from 2026&#45;11&#45;22 06&#58;10 UTC" in text
    for raw in ("<script>", "{{", "{%", "`code`", "](javascript", "| `"):
        assert raw not in text, raw
    assert "&#60;script&#62;alert&#40;1&#41;&#60;/script&#62; &#124; &#96;code&#96;" in text
    # t1 passes, t2's check failed, t3 is not in the snapshot: the source is not a pass.
    assert "hb-badge--runtime-error" in text and "hb-badge--not-checked" in text
    html = _html(text)
    assert "<script>" not in html and "javascript:" not in html
    assert "&#60;script&#62;alert&#40;1&#41;&#60;/script&#62; &#124; &#96;code&#96;" in html
    assert html.count('<details class="note hb-stack" open="open">') == 1  # opened: not a pass
    # Every overview row still has exactly six cells: no `|` escaped the escaping.
    row = next(line for line in text.splitlines() if line.startswith("| [&#60;script"))
    assert row.count(" | ") == 5
