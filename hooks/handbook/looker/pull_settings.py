"""Where Looker is and how hard a pull tries: `PullSettings`, read by `from_env()`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PullSettings:
    """Where Looker is and how hard to try; `from_env()` reads what a user configures.

    Credentials left as None come from the looker-sdk's own configuration (LOOKERSDK_* or
    looker.ini), so the SDK's documented setup keeps working; tests pass them explicitly.
    """

    base_url: str | None = None
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    verify_ssl: bool | None = None
    timeout: int | None = None
    config_file: str = "looker.ini"
    # Rows per search page. The spec gives `limit` no maximum, and Looker's paging notes
    # (sdk-codegen docs/paging.md) advise a large limit, a quarter or half of the total,
    # because deep offsets cost the server more than long pages: 20,000 items take two
    # pages per kind instead of ten.
    page_size: int = 5000
    max_workers: int = 6
    retry_attempts: int = 5
    retry_base_seconds: float = 1.0
    retry_max_delay: float = 30.0
    retry_budget_seconds: float = 300.0
    id_batch: int = 100
    # Seconds for the content validator's one request (HANDBOOK_CONTENT_VALIDATION_TIMEOUT).
    content_validation_timeout: int = 900

    @classmethod
    def from_env(cls, **overrides: Any) -> PullSettings:
        """What the user configured (`handbook.settings`: LOOKERSDK_*, looker.ini, the
        HANDBOOK_RETRY_* knobs and HANDBOOK_CONTENT_VALIDATION_TIMEOUT, checked there),
        with `overrides` on top."""
        from handbook.settings import load_settings

        env = load_settings()
        values: dict[str, Any] = {
            "base_url": env.looker_base_url,
            "client_id": env.looker_client_id and env.looker_client_id.get_secret_value(),
            "client_secret": env.looker_client_secret
            and env.looker_client_secret.get_secret_value(),
            "verify_ssl": env.looker_verify_ssl,
            "timeout": env.looker_timeout,
            "config_file": str(env.looker_ini),
            "retry_attempts": env.retry_attempts,
            "retry_base_seconds": env.retry_base_seconds,
            "retry_budget_seconds": env.retry_budget_seconds,
            "content_validation_timeout": env.content_validation_timeout,
        }
        values.update(overrides)
        return cls(**values)
