"""Every internal link and anchor on the built site resolves (checked by LinkChecker).

The built site is served over HTTP on 127.0.0.1 rather than read as file:// URLs because
MkDocs writes directory URLs (`../team/#meetings`): LinkChecker's AnchorCheck cannot check an
anchor on a file:// directory (warning `file-anchorcheck-directory`), but over HTTP the
directory serves its index.html and the anchor is looked up in it. External URLs, Looker's
included (they need a login), are not fetched: `--ignore-url` limits checking to the local
server. Every page is a start URL, so pages reachable from no other page are checked too.

Two quirks of LinkChecker 10.6 are handled here, not hidden:

- Run as root it switches to the `nobody` user; when Python lives under /root, `nobody`
  cannot list the plugin folder and LinkChecker silently runs *without* AnchorCheck. As root
  the test runs the same entry point with that one step skipped, and
  `test_the_link_checker_catches_a_broken_anchor` proves the anchor plugin is really active.
- It throttles to 10 requests per second per host unless the server answers with a
  `LinkChecker` header, which the local server does (then `maxrequestspersecond` applies).
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

import pytest
from helpers.handbook import REPO
from helpers.serving import serve_directory

CONFIG = """\
[checking]
maxrequestspersecond=500
threads=8

[filtering]
checkextern=0

[AnchorCheck]
"""


class _Handler(SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        self.send_header("LinkChecker", "unthrottle")  # lifts the 10 requests/s host limit
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass(frozen=True)
class Failure:
    url: str
    page: str
    line: str
    result: str
    warning: str

    def __str__(self) -> str:
        problem = " ".join(x for x in (self.result, self.warning) if x)
        return f"{self.page} (line {self.line}): {self.url}\n    {problem}"


def linkchecker_command() -> list[str]:
    """LinkChecker's CLI, through the wrapper that keeps its plugins loaded under root."""
    return [sys.executable, str(REPO / "scripts" / "linkchecker.py")]


def check_site(site: Path, tmp_path: Path) -> list[Failure]:
    """Run LinkChecker over every page of `site`; the links it found broken or warned about."""
    config = tmp_path / "linkcheckerrc"
    config.write_text(CONFIG, encoding="utf-8")
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    pages = [p for p in pages if p != "404.html"]  # 404.html is written for a web server root
    assert pages, f"no HTML pages in {site}"
    with serve_directory(site, _Handler) as root:
        host = root.removesuffix("/")
        result = subprocess.run(
            [
                *linkchecker_command(),
                "--config",
                str(config),
                "--no-status",
                "--output",
                "csv",
                "--ignore-url",
                "^mailto:",
                "--ignore-url",
                r"\.looker\.com([:/]|$)",
                "--ignore-url",
                f"^(?!{host}/)[a-z][a-z0-9+.-]*:",  # everything not on the local server
                *(root + p.removesuffix("index.html") for p in pages),
            ],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "HOME": str(tmp_path)},  # no user linkcheckerrc leaks in
        )
    assert result.returncode in (0, 1), f"linkchecker failed to run:\n{result.stderr}"
    rows = csv.DictReader(
        io.StringIO("".join(ln for ln in result.stdout.splitlines(True) if not ln.startswith("#"))),
        delimiter=";",
    )
    failures = [
        Failure(
            row["url"].removeprefix(host),
            row["parentname"].removeprefix(host) or "(start)",
            row["line"],
            row["result"],
            row["warningstring"],
        )
        for row in rows
        if row["valid"] != "True" or row["warningstring"]
    ]
    if result.returncode == 1 and not failures:
        pytest.fail(f"linkchecker reported errors it did not list:\n{result.stdout}")
    return failures


def test_the_link_checker_catches_a_broken_anchor_and_a_missing_page(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "team").mkdir(parents=True)
    (site / "index.html").write_text(
        '<h1 id="top">Home</h1><a href="team/#meetings">ok</a> <a href="team/#nope">bad</a>'
        ' <a href="gone/">gone</a> <a href="#top">self</a>'
        ' <a href="https://sourcegraph.looker.com/looks/1">looker</a>'
        ' <a href="https://example.com/">external</a>',
        encoding="utf-8",
    )
    (site / "team" / "index.html").write_text('<h2 id="meetings">M</h2>', encoding="utf-8")
    failures = check_site(site, tmp_path)
    assert sorted((f.url, f.result.split()[0] if f.result else "") for f in failures) == [
        ("/gone/", "404"),
        ("/team/#nope", "200"),
    ]
    assert any("Anchor `nope' (decoded: `nope') not found" in f.warning for f in failures)


@pytest.mark.slow
def test_the_built_site_has_no_broken_internal_links_or_anchors(
    built_site: Path, tmp_path: Path
) -> None:
    failures = check_site(built_site, tmp_path)
    assert not failures, f"{len(failures)} broken link(s) on the built site:\n" + "\n".join(
        str(f) for f in failures
    )
