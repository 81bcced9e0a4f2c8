"""`mkdocs serve` previews the handbook, generated pages included, as an editor runs it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from conftest import _clean_env
from handbook.project import Project


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def test_mkdocs_serve_previews_handwritten_and_generated_pages(handbook_copy: Project):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=handbook_copy.root,
        env=_clean_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}/data-handbook/"
    try:
        home = None
        deadline = time.monotonic() + 120  # a poll limit for a slow machine, not a target
        while home is None and time.monotonic() < deadline and server.poll() is None:
            try:
                home = fetch(base)
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
        assert home is not None, server.stderr.read() if server.poll() is not None else "no answer"
        assert "Data &amp; Analytics Handbook" in home
        assert "Monthly users by instance type" in fetch(base + "reports/")
        assert "Data freshness" in fetch(base + "data/freshness/")
    finally:
        server.terminate()
        server.wait(timeout=30)
