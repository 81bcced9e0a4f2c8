"""Hand pages that are not UTF-8 text, caught before MkDocs trips over them."""

from __future__ import annotations

from handbook.markdown.page_check import unreadable_pages
from handbook.project import Project


def test_a_page_saved_as_latin_1_during_a_preview_is_named_until_it_is_fixed(
    handbook_copy: Project,
):
    readable: dict = {}  # what a serve process keeps from one rebuild to the next
    assert unreadable_pages(handbook_copy, readable) == []
    page = handbook_copy.docs_dir / "index.md"
    good = page.read_bytes()
    page.write_bytes(good + "\nCaf\u00e9 au lait\n".encode("latin-1"))
    problems = [str(p) for p in unreadable_pages(handbook_copy, readable)]
    line = good.count(b"\n") + 2
    assert len(problems) == 1 and problems[0].startswith(f"docs/index.md:{line}:")
    assert "not UTF-8 text: byte 0xe9" in problems[0]
    # Still named on the next rebuild, though the file did not change again.
    assert [str(p) for p in unreadable_pages(handbook_copy, readable)] == problems
    page.write_bytes(good)
    assert unreadable_pages(handbook_copy, readable) == []


def test_a_new_page_is_read_though_every_other_page_was_checked_before(handbook_copy: Project):
    readable: dict = {}
    unreadable_pages(handbook_copy, readable)
    new = handbook_copy.docs_dir / "team" / "new-page.md"
    new.parent.mkdir(exist_ok=True)
    new.write_bytes(b"# New\n\n\xff\n")
    problems = [str(p) for p in unreadable_pages(handbook_copy, readable)]
    assert len(problems) == 1 and problems[0].startswith("docs/team/new-page.md:3:")
