"""`mkdocs serve --dirty` at editing speed: a save re-renders what it changed, nothing else.

The plugin keeps the generated pages in `.cache/handbook/pages/` and rewrites a file only
when its text changed, so MkDocs' `--dirty` (which rebuilds a page when its source is newer
than its HTML) skips the rest. Each rebuild logs how many generated pages it rendered and
rewrote; the files' modification times show which ones.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from handbook.catalog import load_catalog
from handbook.export import export
from handbook.project import Project
from helpers.serving import ServeLog, fetch, serving, wait_for

REPORT = re.compile(r"handbook: (\d+) generated pages, (\d+) rendered, (\d+) files rewritten")


def _reports(log: list[str]) -> list[tuple[int, int, int]]:
    found = [REPORT.search(line) for line in log]
    return [(int(m[1]), int(m[2]), int(m[3])) for m in found if m]


def _mtimes(project: Project) -> dict[str, int]:
    folder = project.generated_dir  # the generated pages, and the Atom feed
    files = [p for p in folder.rglob("*") if p.is_file()]
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in files}


def _exported_label(base: str, metric: str) -> str:
    """The label `catalog.json`, as served, gives the metric."""
    exported = json.loads(fetch(base + "catalog.json"))
    return next(m["label"] for m in exported["metrics"] if m["name"] == metric)


def _next_report(log: ServeLog, seen: int) -> tuple[int, int, int]:
    wait_for(lambda: len(_reports(log)) > seen, "the next rebuild's report", log)
    return _reports(log)[seen]


def _pulled_just_now(project: Project) -> None:
    """The Looker snapshot as right after a pull: `pulled_at` is now. Pages must not show
    its age relative to the build ("39 minutes before this build" changed every page on
    every rebuild), or every save would render and rewrite every generated page."""
    snapshot = json.loads(project.looker_snapshot.read_text(encoding="utf-8"))
    snapshot["pulled_at"] = datetime.now(UTC).replace(microsecond=0).isoformat()
    project.looker_snapshot.write_text(json.dumps(snapshot), encoding="utf-8")


def test_dirty_serve_re_renders_only_what_a_save_changed(handbook_copy: Project):
    _pulled_just_now(handbook_copy)
    hand = handbook_copy.docs_dir / "team" / "index.md"
    referencing = handbook_copy.docs_dir / "working-with-us" / "project-intake.md"
    assert "[[metric:mau]]" in referencing.read_text(encoding="utf-8")
    metrics = handbook_copy.metrics_dir / "product.yml"
    with serving(handbook_copy, "--dirty") as (base, log):
        wait_for(lambda: "Monthly active users" in fetch(base + "metrics/mau/"), "serve", log)
        total, rendered, _ = _reports(log)[0]
        assert total > 10 and rendered == total  # the first build renders every page
        before = _mtimes(handbook_copy)
        assert len(before) == total

        # Saving a hand page: the new text shows, no generated page is rendered or written.
        hand.write_text(hand.read_text(encoding="utf-8") + "\nA freshly saved sentence.\n")
        wait_for(lambda: "A freshly saved sentence." in fetch(base + "team/"), "the edit", log)
        assert _next_report(log, 1) == (total, 0, 0)
        assert _mtimes(handbook_copy) == before
        assert _exported_label(base, "mau") == "Monthly active users"  # kept as it was

        # Saving one metric's YAML: only the pages that show it are rendered and rewritten,
        # and a hand page referencing it shows the new label.
        seen = len(_reports(log))
        text = metrics.read_text(encoding="utf-8")
        metrics.write_text(text.replace("label: Monthly active users", "label: Monthly actives", 1))
        page = base + "working-with-us/project-intake/"
        wait_for(lambda: "Monthly actives" in fetch(base + "metrics/mau/"), "metric page", log)
        wait_for(lambda: "Monthly actives" in fetch(page), "the referencing hand page", log)
        catalog = load_catalog(handbook_copy)
        replaced = {f"metrics/{m.name}.md" for m in catalog.metrics if m.replaced_by == "mau"}
        expected = {"metrics/mau.md", "metrics/index.md", *replaced}
        assert _next_report(log, seen) == (total, len(expected), len(expected))
        after = _mtimes(handbook_copy)
        assert {p for p in after if after[p] != before[p]} == expected
        assert "Monthly active users" not in fetch(page)
        assert _exported_label(base, "mau") == "Monthly actives"  # written again
        # Its Looker part, copied from the file written before, is what the catalog says.
        assert json.loads(fetch(base + "catalog.json"))["looker"] == export(catalog)["looker"]
        # Of the hand pages with references, only the one that references `mau` outside
        # code is rebuilt (docs/editing/ shows `[[metric:mau]]` in a code block).
        with_references = [
            p for p in handbook_copy.docs_dir.rglob("*.md") if "[[" in p.read_text("utf-8")
        ]
        assert len(with_references) > 2
        rebuilt = [line for line in log if "the changed catalog" in line]
        assert rebuilt, log
        assert (
            rebuilt[-1]
            .rstrip()
            .endswith(
                "handbook: 1 hand page shows the changed catalog: working-with-us/project-intake.md"
            )
        ), rebuilt
