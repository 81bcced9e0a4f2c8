"""Generated pages are rendered again only when what they show changed.

Each test edits the files an analyst or a refresh would edit (metric YAML, the Looker
snapshot), reloads the catalog as the next `mkdocs serve` rebuild does, and compares what the
cache did with a full render from scratch: the cache must give exactly the same pages, and
re-render only those whose Markdown differs.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

from handbook.catalog import load_catalog
from handbook.project import Project
from handbook.render.cache import RenderCache, write_changed
from handbook.render.pages import all_pages, all_specs

NOW = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)


def _full(project: Project) -> dict[str, str]:
    return {p.path: p.content for p in all_pages(load_catalog(project, now=NOW))}


def _cached(cache: RenderCache, project: Project) -> dict[str, str]:
    return {p.path: p.content for p in cache.render(all_specs(load_catalog(project, now=NOW)))}


def _changed_in_last_build(cache: RenderCache) -> set[str]:
    """Pages whose Markdown changed, appeared or went in the cache's last render."""
    return {*cache.last.changed, *cache.last.removed}


def _differing(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


def test_unchanged_inputs_render_nothing_again(handbook_copy: Project):
    cache = RenderCache()
    first = _cached(cache, handbook_copy)
    assert set(cache.last.rendered) == set(first)  # a cold cache renders every page
    second = _cached(cache, handbook_copy)
    assert cache.last.rendered == []
    assert _changed_in_last_build(cache) == set()
    assert second == first == _full(handbook_copy)


def test_saving_one_metric_re_renders_only_the_pages_that_show_it(handbook_copy: Project):
    cache = RenderCache()
    before = _cached(cache, handbook_copy)
    path = handbook_copy.metrics_dir / "product.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("label: Monthly active users", "label: Monthly active people", 1),
        encoding="utf-8",
    )
    after = _cached(cache, handbook_copy)

    assert after == _full(handbook_copy)
    catalog = load_catalog(handbook_copy, now=NOW)
    replaced = {f"metrics/{m.name}.md" for m in catalog.metrics if m.replaced_by == "mau"}
    expected = {"metrics/mau.md", "metrics/index.md", *replaced}
    assert _differing(before, after) == expected
    assert set(cache.last.rendered) == expected
    assert _changed_in_last_build(cache) == expected
    assert "Monthly active people" in after["metrics/mau.md"]


def test_a_changed_looker_item_re_renders_its_folder_not_every_folder(handbook_copy: Project):
    cache = RenderCache()
    before = _cached(cache, handbook_copy)
    snapshot = json.loads(handbook_copy.looker_snapshot.read_text(encoding="utf-8"))
    item = next(i for i in snapshot["items"] if i["kind"] == "look" and i["id"] == "729")
    item["title"] = "Monthly users by plan"
    handbook_copy.looker_snapshot.write_text(json.dumps(snapshot), encoding="utf-8")
    after = _cached(cache, handbook_copy)

    assert after == _full(handbook_copy)
    changed = _differing(before, after)
    assert _changed_in_last_build(cache) == changed
    # The summary pages share one key (the whole snapshot); folder and owner pages have their
    # own (look 729 is in use: on no owner's page).
    summaries = {"looker/index.md", "looker/boards.md", "looker/explores.md", "looker/unused.md"}
    assert changed <= set(cache.last.rendered) <= changed | summaries
    folders = {p for p in changed if p.startswith("looker/folders/")}
    assert len(folders) == 1
    assert "Monthly users by plan" in after[folders.pop()]
    assert len([p for p in before if p.startswith("looker/folders/")]) > 1


def test_a_session_parses_the_looker_snapshot_again_only_once_it_changed(
    handbook_copy: Project,
):
    """Under serve the catalog is loaded on every save under catalog/: a metric save reuses
    the snapshot's parse (and each item's digest); a pull, or a hand edit, is parsed anew."""
    from handbook.session import BuildSession

    session = BuildSession(live=False)
    cache = RenderCache()
    first = session.load(handbook_copy)
    cache.render(all_specs(first))
    path = handbook_copy.metrics_dir / "product.yml"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    second = session.load(handbook_copy)
    assert second is not first and second.looker.items[0] is first.looker.items[0]
    assert second.item_keys is first.item_keys
    cache.render(all_specs(second))
    assert cache.last.rendered == []

    snapshot = json.loads(handbook_copy.looker_snapshot.read_text(encoding="utf-8"))
    item = next(i for i in snapshot["items"] if i["kind"] == "look" and i["id"] == "729")
    item["title"] = "Monthly users by plan"
    handbook_copy.looker_snapshot.write_text(json.dumps(snapshot), encoding="utf-8")
    third = session.load(handbook_copy)
    assert third.items[("look", "729")].title == "Monthly users by plan"
    assert third.item_keys is not first.item_keys
    pages = {p.path: p.content for p in cache.render(all_specs(third))}
    changed = [p for p in cache.last.changed if p.startswith("looker/folders/")]
    assert len(changed) == 1 and "Monthly users by plan" in pages[changed[0]]


def test_a_page_no_longer_generated_is_reported_removed(handbook_copy: Project):
    cache = RenderCache()
    _cached(cache, handbook_copy)
    path = handbook_copy.metrics_dir / "product.yml"
    text = path.read_text(encoding="utf-8")
    cut = text.index("  - name: dau_mau")
    end = text.index("  - name:", cut + 1)
    path.write_text(text[:cut] + text[end:], encoding="utf-8")
    # Other metrics may name dau_mau; this test only needs the page gone, so skip validation.
    after = _cached(cache, handbook_copy)

    assert "metrics/dau_mau.md" not in after
    assert "metrics/dau_mau.md" in cache.last.removed
    assert "metrics/dau_mau.md" in _changed_in_last_build(cache)


def _edit_item(project: Project, kind: str, id: str, **values) -> None:
    snapshot = json.loads(project.looker_snapshot.read_text(encoding="utf-8"))
    item = next(i for i in snapshot["items"] if i["kind"] == kind and i["id"] == id)
    item.update(values)
    project.looker_snapshot.write_text(json.dumps(snapshot), encoding="utf-8")


def test_a_changed_unused_item_re_renders_its_owners_page_not_the_other_owners(
    handbook_copy: Project,
):
    cache = RenderCache()
    before = _cached(cache, handbook_copy)
    owners = {p for p in before if p.startswith("looker/unused/")}
    assert len(owners) > 1
    _edit_item(handbook_copy, "look", "932", title="Code monitoring, old")  # Eric's, unused
    after = _cached(cache, handbook_copy)

    assert after == _full(handbook_copy)
    rendered = {p for p in cache.last.rendered if p.startswith("looker/unused/")}
    assert rendered == {"looker/unused/eric-brody-moore-66a491fe.md"}
    assert "Code monitoring, old" in after["looker/unused/eric-brody-moore-66a491fe.md"]


def test_an_owner_whose_content_is_viewed_again_loses_their_page(handbook_copy: Project):
    cache = RenderCache()
    before = _cached(cache, handbook_copy)
    andy = "looker/unused/andy-schumeister-829499e2.md"
    assert andy in before
    _edit_item(handbook_copy, "dashboard", "310", last_viewed_at="2026-11-21T06:00:00Z")
    after = _cached(cache, handbook_copy)

    assert andy not in after and andy in cache.last.removed
    assert "Andy Schumeister" not in after["looker/unused.md"]
    assert after == _full(handbook_copy)


def test_writing_pages_leaves_unchanged_files_untouched(handbook_copy: Project, tmp_path):
    out = tmp_path / "generated"
    pages = list(all_pages(load_catalog(handbook_copy, now=NOW)))
    assert write_changed(pages, out) == {p.path for p in pages}
    (out / "metrics/retired.md").write_text("# Gone\n", encoding="utf-8")
    mtimes = {p.path: (out / p.path).stat().st_mtime_ns for p in pages}

    edited = [p if p.path != "metrics/mau.md" else replace(p, content="# MAU\n") for p in pages]
    assert write_changed(edited, out) == {"metrics/mau.md", "metrics/retired.md"}

    assert not (out / "metrics/retired.md").exists()
    assert (out / "metrics/mau.md").read_text(encoding="utf-8") == "# MAU\n"
    for page in pages:
        if page.path != "metrics/mau.md":
            assert (out / page.path).stat().st_mtime_ns == mtimes[page.path], page.path


def test_pages_written_again_by_one_process_show_a_file_another_program_changed(
    handbook_copy: Project, tmp_path
):
    """Under serve `write_changed` skips reading a file it wrote while the page's text and
    the file are as they were; a file changed or deleted meanwhile is written again."""
    out, written = tmp_path / "generated", {}
    pages = list(all_pages(load_catalog(handbook_copy, now=NOW)))
    assert write_changed(pages, out, written) == {p.path for p in pages}
    assert write_changed(pages, out, written) == set()
    (out / "metrics/mau.md").write_text("# Edited by hand\n", encoding="utf-8")
    (out / "metrics/nps.md").unlink()
    assert write_changed(pages, out, written) == {"metrics/mau.md", "metrics/nps.md"}
    for page in pages:
        assert (out / page.path).read_text(encoding="utf-8") == page.content, page.path
