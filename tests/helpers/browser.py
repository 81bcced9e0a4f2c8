"""Debian's Chromium through Playwright, for the tests that read pages as a reader does.

Without Chromium a browser test is skipped locally and fails in CI (`.ci/run` installs it,
so missing there is a real failure).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
FLAGS = ("--no-sandbox", "--disable-gpu", "--disable-background-networking")


def require_chromium() -> None:
    """Skip the test (fail it in CI) when Debian's Chromium is not installed."""
    if not Path(CHROMIUM).exists():
        message = "Debian's Chromium is missing: `apt-get install -y chromium`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@contextmanager
def chromium(*flags: str) -> Iterator:
    """A headless Chromium (a Playwright `Browser`) launched with FLAGS and `flags`."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[*FLAGS, *flags])
        try:
            yield browser
        finally:
            browser.close()
