"""The pull's threads: independent requests side by side, the first failure stops them all.

A pull is bound by round trips, so its independent requests (searches, System Activity,
explores, boards) run on a few threads (`PullSettings.max_workers`). When one fails, the
pull is over: `Pool.fail` sets the transport's `abort` (requests in flight stop between
attempts and during backoff) and cancels what has not started, and the failure is raised
as a `PullError`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from typing import Any

from handbook.errors import PullError
from handbook.looker.client import LookerClient
from handbook.looker.faults import SOURCE


class Pool:
    """A thread pool where the first failure stops everything and is re-raised."""

    def __init__(self, client: LookerClient, workers: int) -> None:
        self.client = client
        self.executor = ThreadPoolExecutor(max_workers=max(1, workers))
        self.futures: list[Future[Any]] = []

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        """`fn(*args)` on a pool thread."""
        fut = self.executor.submit(fn, *args)
        self.futures.append(fut)
        return fut

    def submit_detached(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        """`fn` on a daemon thread of its own, for a request that may take minutes (the
        content validator): when the pull fails meanwhile, the process can still exit at
        once instead of waiting for that answer, as it must for the pool's threads."""
        fut: Future[Any] = Future()

        def run() -> None:
            try:
                fut.set_result(fn(*args))
            except BaseException as exc:  # handed to whoever waits, as the pool does
                fut.set_exception(exc)

        threading.Thread(target=run, name="looker-slow-request", daemon=True).start()
        self.futures.append(fut)
        return fut

    def wait_all(self, futures: Iterable[Future[Any]]) -> None:
        """Wait for `futures`; on the first failure, stop everything and raise it."""
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_EXCEPTION)
            for fut in done:
                if fut.exception() is not None:
                    self.fail()
                    exc = fut.exception()
                    if isinstance(exc, PullError):
                        raise exc
                    raise PullError(SOURCE, f"unexpected {type(exc).__name__}: {exc}") from exc

    def fail(self) -> None:
        """Stop every request of the pull: in flight (`abort`) and not yet started."""
        self.client.transport.abort.set()
        self.executor.shutdown(wait=False, cancel_futures=True)
