"""Precision and recall of `handbook check-links` on the link corpus.

    python scripts/linkcheck_accuracy.py [--verbose]

The corpus (`tests/data/linkcorpus/*.md`) links to ids that are live, trashed, missing and
excluded in the repository's seed snapshot and policy (`catalog/`). The truth is built
without the checker's own code:

- *which links exist* is what GitHub's renderer, cmark-gfm, renders as an `href` (MkDocs
  containers unwrapped as Python-Markdown reads them; see tests/markdown_oracle.py);
- *what each link points at* comes from the small URL patterns below, and *its status* from
  the table `TRUTH`, written by hand from `catalog/snapshot/looker.json` (look 1290 in the
  trash, look 1500 in the excluded Finance folder, board 30 in `exclude_boards`, ...).

A true positive is a stale link reported with its exact href and status (a deleted link
called missing counts as both a false positive and a false negative). Prints the counts and
precision and recall; exit 1 unless both are 1.0.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "hooks"))

from handbook.links.check import check_links  # noqa: E402
from handbook.project import Project  # noqa: E402
from markdown_oracle import cmark_hrefs, rendered_href  # noqa: E402

CORPUS = REPO / "tests" / "data" / "linkcorpus"
STALE = ("deleted", "missing", "excluded")

# By hand, from catalog/snapshot/looker.json and catalog/looker.yml.
TRUTH = {
    ("look", "729"): "ok",
    ("look", "1290"): "deleted",  # in the trash
    ("look", "1500"): "excluded",  # Finance (restricted) folder 150
    ("look", "1600"): "excluded",  # a personal folder
    ("look", "99999"): "missing",
    ("dashboard", "177"): "ok",
    ("dashboard", "101"): "deleted",
    ("dashboard", "product::executive_summary"): "ok",
    ("dashboard", "4242"): "missing",
    ("board", "12"): "ok",
    ("board", "20"): "deleted",  # deleted_at set
    ("board", "30"): "excluded",  # exclude_boards
    ("board", "3"): "missing",
    ("folder", "120"): "ok",
    ("folder", "151"): "excluded",  # below folder 150
    ("folder", "4242"): "missing",
    ("explore", "product/instances"): "ok",
    ("explore", "product/nope"): "missing",
}
PATTERNS = [
    (re.compile(r"/(?:embed/)?looks/(\d+)$"), "look"),
    (re.compile(r"/(?:embed/)?dashboards(?:-next)?/(\d+|[^/]+::[^/]+)$"), "dashboard"),
    (re.compile(r"/(?:embed/)?(?:browse/)?boards/(\d+)$"), "board"),
    (re.compile(r"/(?:folders|spaces)/(\d+)$"), "folder"),
    (re.compile(r"/(?:embed/)?explore/([^/]+/[^/]+)$"), "explore"),
]


def true_status(href: str) -> str:
    """What a person reading the snapshot by hand would call this link."""
    parts = urlsplit(href)
    host = (parts.hostname or "").lower()
    if not host.endswith(".looker.com") or host == "docs.looker.com":
        return "cannot judge"
    path = unquote(parts.path)
    if path.startswith("/login/embed/"):
        path = urlsplit(path.removeprefix("/login/embed")).path
    for pattern, kind in PATTERNS:
        m = pattern.match(path.rstrip("/"))
        if m:
            return TRUTH.get((kind, m[1]), "not in the truth table")
    return "cannot judge"


def handbook_with_corpus(root: Path) -> Project:
    """A handbook holding the repository's catalog and the corpus as its docs/."""
    shutil.copytree(REPO / "catalog", root / "catalog")
    shutil.copytree(CORPUS, root / "docs")
    return Project(root)


def measure(verbose: bool) -> tuple[float, float, Counter[str]]:
    truth: Counter[tuple[str, str]] = Counter()
    statuses: Counter[str] = Counter()
    for path in sorted(CORPUS.glob("*.md")):
        for href, _ in cmark_hrefs(path.read_text(encoding="utf-8")):
            status = true_status(href)
            statuses[status] += 1
            if status in STALE:
                truth[(href, status)] += 1
    with tempfile.TemporaryDirectory() as tmp:
        report = check_links(handbook_with_corpus(Path(tmp)))
    reported = Counter((rendered_href(r.url, r.syntax), r.status) for r in report.stale)
    hits = sum((truth & reported).values())
    if verbose:
        for (href, status), n in sorted((reported - truth).items()):
            print(f"false positive x{n}: {status} {href}")
        for (href, status), n in sorted((truth - reported).items()):
            print(f"false negative x{n}: {status} {href}")
    precision = hits / sum(reported.values()) if reported else 1.0
    recall = hits / sum(truth.values()) if truth else 1.0
    print(f"corpus: {sum(statuses.values())} rendered Looker links; truth: {dict(statuses)}")
    print(f"check-links: {report.summary()}")
    true_n, reported_n = sum(truth.values()), sum(reported.values())
    print(f"stale links: {true_n} true, {reported_n} reported, {hits} both")
    return precision, recall, statuses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verbose", action="store_true", help="list every mismatch")
    args = parser.parse_args()
    precision, recall, statuses = measure(args.verbose)
    print(f"precision {precision:.3f}  recall {recall:.3f}")
    kinds_present = all(statuses[s] for s in ("ok", *STALE, "cannot judge"))
    return 0 if precision == recall == 1.0 and kinds_present else 1


if __name__ == "__main__":
    sys.exit(main())
