"""The editing loop under a real `mkdocs serve`: never stuck, catalog edits rebuild.

An analyst keeps `mkdocs serve` running while editing pages and catalog YAML. A mistyped
reference is a warning and plain text, a broken YAML file keeps the last good pages on
screen with the error in a banner, and the next good save recovers, without a restart.
"""

from __future__ import annotations

import pytest
from handbook.project import Project
from helpers.serving import fetch, serving, wait_for

BANNER = "The catalog has errors"


@pytest.mark.parametrize("flags", [(), ("--dirty",)], ids=["serve", "serve-dirty"])
def test_serve_survives_bad_references_and_yaml_and_rebuilds_on_catalog_edits(
    handbook_copy: Project, flags: tuple[str, ...]
):
    metrics = handbook_copy.metrics_dir / "product.yml"
    good_yaml = metrics.read_text(encoding="utf-8")
    assert "    label: Monthly active users\n" in good_yaml
    page = handbook_copy.docs_dir / "team" / "index.md"
    with serving(handbook_copy, *flags) as (base, log):
        wait_for(lambda: "Monthly active users" in fetch(base + "metrics/mau/"), "serve", log)

        # A mistyped reference: a warning naming page and line, plain text on the page.
        page.write_text(page.read_text(encoding="utf-8") + "\nSee [[metric:maus]].\n")
        line = page.read_text(encoding="utf-8").count("\n")
        wait_for(lambda: "See [[metric:maus]]." in fetch(base + "team/"), "plain text", log)
        wait_for(
            lambda: any(f"docs/team/index.md:{line}: reference [[metric:maus]]" in x for x in log),
            "the warning",
            log,
        )

        # Broken YAML: the last good pages stay, with the error on every page.
        metrics.write_text(good_yaml.replace("    label: Monthly", "    lable: Monthly", 1))
        wait_for(lambda: BANNER in fetch(base + "metrics/mau/"), "the error banner", log)
        mau = fetch(base + "metrics/mau/")
        assert "Monthly active users" in mau and "product.yml:" in mau
        assert BANNER in fetch(base)
        assert not any("Traceback" in x for x in log)

        # The next good save recovers, and a catalog edit shows without a restart.
        metrics.write_text(good_yaml.replace("Monthly active users", "Monthly active people", 1))
        wait_for(lambda: "Monthly active people" in fetch(base + "metrics/mau/"), "edit", log)
        assert BANNER not in fetch(base + "metrics/mau/")
        assert BANNER not in fetch(base)


def test_serve_started_on_broken_yaml_shows_the_errors_and_recovers(handbook_copy: Project):
    metrics = handbook_copy.metrics_dir / "product.yml"
    good_yaml = metrics.read_text(encoding="utf-8")
    metrics.write_text(good_yaml.replace("    label: Monthly", "    lable: Monthly", 1))
    with serving(handbook_copy) as (base, log):
        wait_for(lambda: BANNER in fetch(base), "the error banner", log)
        assert "product.yml:" in fetch(base)
        metrics.write_text(good_yaml)
        wait_for(lambda: "Monthly active users" in fetch(base + "metrics/mau/"), "recovery", log)
        assert BANNER not in fetch(base)
