"""Local HTTP for the tests: a folder served, `mkdocs serve` running, and waiting on either.

Every wait polls until its condition holds, with a limit for a slow, shared machine (not a
target: speed is measured in the benchmarks).
"""

from __future__ import annotations

import functools
import http.server
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from helpers.handbook import Place, clean_env, folder_of


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without logging every request to stderr."""

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve_directory(
    directory: Path, handler: type[SimpleHTTPRequestHandler] = SimpleHTTPRequestHandler
) -> Iterator[str]:
    """`directory` on http://127.0.0.1:<free port>/ for the duration of the block."""
    bound = functools.partial(handler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), bound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str:
    """The body of `url` as text (an error status or no answer raises)."""
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


class ServeLog(list[str]):
    """The lines `mkdocs serve` logged so far; `ended` once its stderr closed (it exited)."""

    ended = False


@contextmanager
def serving(
    place: Place,
    *flags: str,
    env: dict[str, str] | None = None,
    path: str = "data-handbook/",
) -> Iterator[tuple[str, ServeLog]]:
    """`mkdocs serve` in `place`; yields its base URL (the server's root and `path`, where
    this handbook's site_url puts it) and the lines it logs so far."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}", *flags],
        cwd=folder_of(place),
        env=clean_env() if env is None else env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    log = ServeLog()

    def read() -> None:
        log.extend(server.stderr)
        log.ended = True

    threading.Thread(target=read, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{port}/{path}", log
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_for(check: Callable[[], bool], what: str, log: ServeLog, seconds: float = 120) -> None:
    """Poll until `check()` holds (a server that does not answer yet counts as not yet);
    give up when serve has exited, or after `seconds` (a limit for a slow machine, not a
    target), with what serve logged."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ended = log.ended  # read first: a check that fails after the exit is final
        try:
            if check():
                return
        except (urllib.error.URLError, ConnectionError):
            pass
        if ended:
            break
        time.sleep(0.5)
    raise AssertionError(f"gave up waiting for {what}; serve said:\n{''.join(log)}")
