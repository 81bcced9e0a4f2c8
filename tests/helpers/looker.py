"""The fake Looker wired to the real looker-sdk: its seed, secret, pull settings, and the
environment a user's `handbook refresh` or live `mkdocs build` would have with it."""

from __future__ import annotations

from fakes.fake_looker import FakeLooker
from handbook.looker.pull import PullSettings

from helpers.handbook import REPO, clean_env

SEED = REPO / "catalog" / "snapshot" / "looker.json"  # the fake's content: the snapshot's
SECRET = "fake-client-secret-do-not-leak"
RENAMED = "Monthly users by instance type, now with trials"  # look 729, renamed in Looker


def settings_for(fake: FakeLooker, **extra: object) -> PullSettings:
    """Pull settings for `fake`, with fast retries (`extra`: page size and the like)."""
    return PullSettings(
        base_url=fake.base_url,
        client_id=fake.client_id,
        client_secret=fake.client_secret,
        retry_base_seconds=0.01,
        **extra,  # type: ignore[arg-type]
    )


def live_env(fake: FakeLooker, *, attempts: int = 2, **extra: str) -> dict[str, str]:
    """A user's environment pointing `handbook` and `mkdocs build` at `fake` (live mode on),
    each request tried `attempts` times with fast retries; `extra` adds settings."""
    env = clean_env(offline=False)
    env.update(
        fake.env(HANDBOOK_RETRY_BASE_SECONDS="0.01", HANDBOOK_RETRY_ATTEMPTS=str(attempts), **extra)
    )
    return env


class Recorder:
    """Collects the progress steps a pull reports, in order."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def step(self, message: str) -> None:
        self.messages.append(message)
