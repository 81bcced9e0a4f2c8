"""Hostile text through every field an analyst or Looker controls, opened in Chromium.

One `mkdocs build --strict` of a handbook whose YAML (metrics, sources, reports, their file
names) and Looker snapshot (folder names, titles, descriptions, owners, explore and field
labels) carry the payloads below. Chromium opens every page that shows them and checks what a
reader would: no script ran (no dialog, `window.__pwned` unset), every payload is on the
page as typed, the tab title is the metric's label as typed, and the edit link is one link.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from handbook.snapshot.model import (
    BrokenItem,
    ChangeLog,
    ContentChange,
    ContentError,
    ContentValidation,
    LookerExplore,
    LookerField,
    LookerFolder,
    LookerItem,
    LookerSnapshot,
)
from handbook.snapshot.store import load, save
from helpers.browser import chromium
from helpers.handbook import copy_handbook, run_build
from helpers.serving import QuietHandler, serve_directory

pytestmark = pytest.mark.browser

PWN = "window.__pwned=1"
PAYLOADS = [
    f"<script>{PWN}</script>",
    f"</title><script>{PWN}</script>",
    f"<img src=x onerror={PWN}>",
    f'"><img src=x onerror="{PWN}">',
    f"'><svg onload={PWN}>",
    f'<a href="javascript:{PWN}">click</a>',
    f"[click](javascript:{PWN})",
    f"[click](<javascript:{PWN}>)",
    f'<iframe src="javascript:{PWN}"></iframe>',
    f"<details open ontoggle={PWN}>",
    f"<body onload={PWN}>",
    "</textarea></style></noscript><script>alert(1)</script>",
    f"{{{{ 7*7 }}}} {{% print({PWN!r}) %}}",
    "${7*7} #{7*7} <%= 7*7 %>",
    "| a | b |\n| --- | --- |",
    "a | b || c |",
    "`code` ``more`` ```",
    "**bold** __strong__ _em_ ~~del~~",
    "# heading? 1. list? - item?",
    "[[metric:mau]] [[look:729]]",
    "&lt;b&gt; &amp; &#60;i&#62; &quot;",
    "<!-- comment --> <![CDATA[x]]>",
    f'"}}]}}</script><script>{PWN}</script>',
    "--> ]] ) graph TD; A-->B; click A callback",
    f"<style>@import 'javascript:{PWN}'</style>",
    f"data:text/html,<script>{PWN}</script>",
]
FILE_PAYLOADS = [  # no "/" in a file name
    f'x"><img src=x onerror={PWN}>',
    f"y'><svg onload={PWN}>",
]
N = len(PAYLOADS)


def typed(text: str) -> str:
    """What a reader sees for `text`: whitespace runs (incl. newlines) shown as one space."""
    return " ".join(text.split())


def q(text: str) -> str:
    """`text` as a YAML double-quoted scalar (JSON is valid YAML)."""
    return json.dumps(text)


def metrics_yaml() -> str:
    entries = []
    for i, p in enumerate(PAYLOADS):
        entries.append(
            f"""  - name: hostile_{i}
    label: {q(f"L{i} {p}")}
    description: {q(f"D{i} {p}")}
    owner: {q(f"O{i} {p}")}
    domain: {q(f"Dom{i} {p}")}
    status: draft
    calculation: {q(f"C{i} {p}")}
    grain:
      time: month
      entity: {q(f"E{i} {p}")}
    sources: [hostile_source_{i}]
    looks: [{90_000 + i}]
    synonyms: [{q(f"S{i} {p}")}]
    caveats: [{q(f"K{i} {p}")}]
    tags: [{q(f"T{i} {p}")}]
"""
        )
    return "metrics:\n" + "".join(entries)


def sources_yaml() -> str:
    entries = []
    for i, p in enumerate(PAYLOADS):
        entries.append(
            f"""  - name: hostile_source_{i}
    label: {q(f"SL{i} {p}")}
    description: {q(f"SD{i} {p}")}
    owner: {q(f"SO{i} {p}")}
    cadence: {q(f"SC{i} {p}")}
    pipeline: {q(f"SP{i} {p}")}
    notes: {q(f"SN{i} {p}")}
    freshness:
      warn_after: {{count: 1, period: day}}
    tables:
      - table: hostile-project.dataset_{i}.table_{i}
        description: {q(f"TD{i} {p}")}
"""
        )
    return "sources:\n" + "".join(entries)


def reports_yaml() -> str:
    rows = "".join(
        f"      - look: {90_000 + i}\n        note: {q(f'RN{i} {p}')}\n"
        for i, p in enumerate(PAYLOADS)
    )
    return (
        f"intro: {q('RI ' + PAYLOADS[0])}\nsections:\n"
        f"  - title: {q('RT ' + PAYLOADS[1])}\n    intro: {q('RSI ' + PAYLOADS[2])}\n"
        f"    reports:\n{rows}"
    )


def hostile_looker(project_snapshot: Path) -> None:
    base = load(project_snapshot, LookerSnapshot)
    assert base is not None
    folders = list(base.folders)
    items = list(base.items)
    for i, p in enumerate(PAYLOADS):
        folders.append(LookerFolder(id=str(90_000 + i), name=f"F{i} {p}", parent_id="1"))
        items.append(
            LookerItem(
                kind="look",
                id=str(90_000 + i),
                title=f"LT{i} {p}",
                description=f"LD{i} {p}",
                owner=f"LO{i} {p}",
                folder_id=str(90_000 + i),
                view_count=1_000_000 + i,  # among the most viewed on the index
                updated_at=base.pulled_at,
                last_viewed_at=None,  # never viewed: on the unused page too
            )
        )
    explore = LookerExplore(
        model="hostile",
        name="hostile_explore",
        label=f"XL {PAYLOADS[0]}",
        description=f"XD {PAYLOADS[1]}",
        fields=[
            LookerField(name=f"v.f{i}", label=f"FL{i} {p}", description=f"FD{i} {p}")
            for i, p in enumerate(PAYLOADS)
        ],
    )
    validation = ContentValidation(
        state="ok",
        validated_at=base.pulled_at,
        items=[
            BrokenItem(
                kind="look",
                id=str(90_000 + i),
                errors=[
                    ContentError(
                        message=f"VM{i} {p}",
                        model=f"VX{i} {p}",
                        explore=f"VE{i} {p}",
                        field=f"VF{i} {p}",
                        tile=f"VT{i} {p}",
                    )
                ],
            )
            for i, p in enumerate(PAYLOADS)
        ],
    )
    snap = base.model_copy(
        update={
            "folders": folders,
            "items": items,
            "explores": [*base.explores, explore],
            "content_validation": validation,
        }
    )
    save(project_snapshot, snap)


def hostile_changes(changes_file: Path, pulled: object) -> None:
    """Each hostile look renamed from a hostile title, in the last pull."""
    changes = [
        ContentChange(
            at=pulled,  # type: ignore[arg-type]
            kind="look",
            id=str(90_000 + i),
            change="renamed",
            title=f"LT{i} {p}",
            old_title=f"CO{i} {p}",
            folder_id=str(90_000 + i),
            old_folder_id=str(90_000 + i),
            folders=["1", str(90_000 + i)],
        )
        for i, p in enumerate(PAYLOADS)
    ]
    save(changes_file, ChangeLog(changes=changes))


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_handbook(tmp_path_factory.mktemp("hostile") / "handbook")
    (project.metrics_dir / f"{FILE_PAYLOADS[0]}.yml").write_text(metrics_yaml(), "utf-8")
    (project.sources_dir / f"{FILE_PAYLOADS[1]}.yml").write_text(sources_yaml(), "utf-8")
    project.reports_file.write_text(reports_yaml(), encoding="utf-8")
    hostile_looker(project.looker_snapshot)
    snapshot = load(project.looker_snapshot, LookerSnapshot)
    assert snapshot is not None
    hostile_changes(project.changes_file, snapshot.pulled_at)
    page = project.docs_dir / "tools" / "looker.md"
    refs = "".join(f"\n- [[look:{90_000 + i}]]" for i in range(N))
    page.write_text(page.read_text(encoding="utf-8") + "\n" + refs + "\n", encoding="utf-8")
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    return project.root / "site"


@pytest.fixture(scope="module")  # a Playwright left running would stop later modules starting one
def hostile_browser(hostile_site: Path) -> Iterator[tuple[object, str]]:
    """Chromium, and the hostile site served on 127.0.0.1."""
    with serve_directory(hostile_site, QuietHandler) as url, chromium() as browser:
        yield browser, url


class Visit:
    """Open pages in one tab, remembering every dialog any of them opened."""

    def __init__(self, browser: object, url: str) -> None:
        self.base = url
        self.page = browser.new_page()  # type: ignore[attr-defined]
        self.dialogs: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        # Nothing may leave the local server (a payload could try to load a remote script).
        self.page.route(re.compile(r"^(?!http://127\.0\.0\.1).*"), lambda route: route.abort())

    def open(self, path: str) -> str:
        """The page's visible text, after checking that no script ran."""
        self.page.goto(self.base + path, wait_until="load")
        self.page.wait_for_timeout(50)  # let onerror/onload handlers fire if any would
        assert self.page.evaluate("() => window.__pwned") is None, f"script ran on {path}"
        assert self.dialogs == [], f"dialog opened on {path}: {self.dialogs}"
        return typed(self.page.locator("body").inner_text())


# Elements no payload may create: anything that runs, loads or acts.
CREATED = (
    "article script, article img, article iframe, article object, article embed, "
    "article style, article [onerror], article [onload], article [ontoggle], "
    "article a[href^='javascript' i], article a[href^='data:' i], "
    "article svg:not(.hb-lineage):not(.md-content__button svg)"  # the theme's edit icon
)


def created(visit: Visit) -> list[str]:
    """Elements in the page's article that only markup from the data could have made."""
    return visit.page.eval_on_selector_all(CREATED, "els => els.map(e => e.outerHTML.slice(0, 80))")


@pytest.fixture(scope="module")
def visit(hostile_browser) -> Iterator[Visit]:
    browser, url = hostile_browser
    v = Visit(browser, url)
    yield v
    v.page.close()


def test_metric_pages_show_every_field_as_typed_and_run_nothing(visit: Visit):
    for i, p in enumerate(PAYLOADS):
        text = visit.open(f"metrics/hostile_{i}/")
        for mark in ("L", "D", "O", "Dom", "C", "E", "S", "K", "T", "SL"):
            assert typed(f"{mark}{i} {p}") in text, (i, mark, p)
        assert visit.page.title() == typed(f"L{i} {p}") + " - Data & Analytics Handbook"
        edit = visit.page.locator("a[rel=edit]")
        assert edit.count() == 1
        href = edit.get_attribute("href") or ""
        assert href.startswith("https://") and "catalog/metrics/x%22%3E%3Cimg" in href


def test_glossary_freshness_reports_and_looker_pages_show_every_payload(visit: Visit):
    glossary = visit.open("metrics/")
    freshness = visit.open("data/freshness/")
    reports = visit.open("reports/")
    looker = visit.open("looker/") + visit.open("looker/unused/")
    explores = visit.open("looker/explores/")
    assert typed(f"RI {PAYLOADS[0]}") in reports and typed(f"RT {PAYLOADS[1]}") in reports
    assert typed(f"XL {PAYLOADS[0]}") in explores
    for i, p in enumerate(PAYLOADS):
        assert typed(f"L{i} {p}") in glossary and typed(f"S{i} {p}") in glossary, i
        for mark in ("SL", "SD", "SO", "SC", "SP", "SN"):
            assert typed(f"{mark}{i} {p}") in freshness, (i, mark)
        assert typed(f"RN{i} {p}") in reports and typed(f"LT{i} {p}") in reports, i
        # The owner's row on the unused summary; titles: folder and owner pages' tests.
        assert typed(f"LO{i} {p}") in looker, i
        assert typed(f"FL{i} {p}") in explores, i


def test_looker_folder_pages_show_names_titles_and_owners_as_typed(
    visit: Visit, hostile_site: Path
):
    folders = sorted((hostile_site / "looker" / "folders").glob("9*"))
    assert len(folders) == N
    for folder in folders:
        i = int(folder.name.split("-", 1)[0]) - 90_000
        text = visit.open(f"looker/folders/{folder.name}/")
        for mark in ("F", "LT", "LD", "LO"):
            assert typed(f"{mark}{i} {PAYLOADS[i]}") in text, (i, mark)
        assert visit.page.title().startswith(typed(f"F{i} {PAYLOADS[i]}"))


def test_unused_owner_pages_show_the_owner_and_titles_as_typed(visit: Visit):
    """Each hostile owner's row on the unused summary links to their page: the owner in the
    heading and the tab's title, the look's title, no markup made from either."""
    visit.open("looker/unused/")
    links = visit.page.eval_on_selector_all(
        "article table a", "els => els.map(e => [e.innerText, e.getAttribute('href')])"
    )
    by_owner = {typed(text): href for text, href in links}
    for i, p in enumerate(PAYLOADS):
        owner = typed(f"LO{i} {p}")
        assert owner in by_owner, (i, owner)
        text = visit.open(posixpath.normpath(f"looker/unused/{by_owner[owner]}") + "/")
        assert typed(f"Unused content: {owner}") in text and typed(f"LT{i} {p}") in text, i
        assert visit.page.title().startswith(typed(f"Unused content: {owner}")), i
        assert created(visit) == [], (i, created(visit))


def test_catalog_json_and_search_index_keep_the_text_as_data(hostile_site: Path):
    catalog = json.loads((hostile_site / "catalog.json").read_text(encoding="utf-8"))
    labels = {m["label"] for m in catalog["metrics"]}
    assert {f"L{i} {p}" for i, p in enumerate(PAYLOADS)} <= labels
    index = (hostile_site / "search" / "search_index.json").read_text(encoding="utf-8")
    json.loads(index)  # still valid JSON, whatever the titles held


def test_looker_error_messages_show_as_typed_wherever_broken_content_is_shown(
    visit: Visit, hostile_site: Path
):
    """Message, field, explore and tile title of each hostile look's content error: at its
    entry, on the broken-content page, the reports page, its metric page and a reference."""
    broken = visit.open("looker/broken/")
    assert not created(visit)
    reports = visit.open("reports/")
    assert not created(visit)
    refs = visit.open("tools/looker/")
    assert not created(visit)
    for i, p in enumerate(PAYLOADS):
        error = typed(f"VM{i} {p} (field VF{i} {p}, explore VX{i} {p}/VE{i} {p}, tile “VT{i} {p}”)")
        folder = next((hostile_site / "looker" / "folders").glob(f"{90_000 + i}-*")).name
        entry = visit.open(f"looker/folders/{folder}/")
        assert not created(visit), i
        metric = visit.open(f"metrics/hostile_{i}/")
        assert not created(visit), i
        for where, text in (
            ("entry", entry),
            ("broken", broken),
            ("reports", reports),
            ("metric", metric),
            ("reference", refs),
        ):
            assert error in text, (i, where)


def test_change_titles_show_as_typed_on_the_changes_page(visit: Visit):
    text = visit.open("looker/changes/")
    assert not created(visit)
    for i, p in enumerate(PAYLOADS):
        assert typed(f"LT{i} {p}") in text and typed(f"was “CO{i} {p}”") in text, i
