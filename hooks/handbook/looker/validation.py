"""Looker's content validator: which looks and dashboards are broken, and where.

`GET /content_validation` validates every look and dashboard against the deployed LookML
and answers the errors in one (slow) response: minutes on a large instance, so it gets its
own timeout (`HANDBOOK_CONTENT_VALIDATION_TIMEOUT`, applied to that request alone) and is
asked once, never retried after a timeout. A `fields=` projection keeps only what pages
show: each error's message, model, explore and field, and where it sits (the dashboard
tile's title, a dashboard filter, a schedule).

Which look or dashboard each of the answer's errors belongs to is `rows.broken_items`.

The validator is optional: its faults never cost the rest of the pull (`fetch_validation`
never raises for them). A refusal (403/404: Looker's Content Validator needs the `develop`
permission) makes content validation "unavailable"; a timeout, a 5xx or an unreadable answer
is a fault, and the caller keeps the previous pull's validation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from handbook.errors import PullError
from handbook.looker.client import LookerClient
from handbook.looker.faults import is_refusal, kept_from_earlier
from handbook.looker.rows import VALIDATION_FIELDS, broken_items
from handbook.progress import Progress
from handbook.snapshot.model import (
    BrokenItem,
    ContentValidation,
    LookerSnapshot,
    ValidationState,
)

PATH = "/content_validation"
MISSING_PERMISSION = (
    "the API user needs the develop permission, which Looker's content validator requires"
)


@dataclass(frozen=True)
class ValidationAnswer:
    """The validator's broken items; else `refused` (HTTP status) or `fault` (why not)."""

    items: list[BrokenItem] | None = None
    refused: int | None = None
    fault: str | None = None


def fetch_validation(client: LookerClient, timeout: int) -> ValidationAnswer:
    """Ask the content validator once, with `timeout` seconds for that request alone."""
    try:
        body = client.get(PATH, {"fields": VALIDATION_FIELDS}, timeout=timeout)
        return ValidationAnswer(items=broken_items(body, f"GET {PATH}"))
    except PullError as exc:
        if client.transport.abort.is_set():
            raise
        if is_refusal(exc):
            return ValidationAnswer(refused=exc.status)
        return ValidationAnswer(fault=exc.message)


ValidationMode = Literal["run", "skip", "off"]
# Why a pull did not ask the validator (`mkdocs serve` must not wait minutes for it).
SKIPPED = "mkdocs serve does not wait for Looker's content validator"
OFF = "content_validation: false in catalog/looker.yml"


def validation_part(
    mode: ValidationMode,
    answer: ValidationAnswer | None,
    previous: LookerSnapshot | None,
    pulled_at: datetime,
) -> ContentValidation:
    """The snapshot's content validation: this pull's answer, or why not and what is kept.

    A fault (and a skip) keeps the previous snapshot's errors with their own time, never
    replacing them by nothing; a refusal and "off" have no errors to show.
    """
    if mode == "off":
        return ContentValidation(state="off", reason=OFF)
    if mode == "skip" or answer is None:
        return _kept("skipped", SKIPPED, previous)
    if answer.items is not None:
        return ContentValidation(state="ok", validated_at=pulled_at, items=answer.items)
    if answer.refused is not None:
        reason = f"Looker refused GET {PATH} (HTTP {answer.refused}): {MISSING_PERMISSION}"
        return ContentValidation(state="unavailable", reason=reason)
    return _kept("kept", answer.fault or "no answer", previous)


def _kept(
    state: ValidationState, reason: str, previous: LookerSnapshot | None
) -> ContentValidation:
    earlier = previous.content_validation if previous is not None else None
    if earlier is None or earlier.validated_at is None:
        return ContentValidation(state=state, reason=reason)
    return ContentValidation(
        state=state,
        validated_at=earlier.validated_at,
        reason=reason,
        items=[item.model_copy(deep=True) for item in earlier.items],
    )


def say_validation(validated: ContentValidation, progress: Progress) -> None:
    """One line on what the content validator said in this pull; none when it is off."""
    if validated.state == "unavailable":
        progress.step(f"looker: warning: content validation is unavailable: {validated.reason}")
    elif validated.state in ("kept", "skipped"):
        kept = kept_from_earlier("errors", validated.validated_at, none="validation")
        level = "error: content validation failed" if validated.state == "kept" else "note"
        progress.step(f"looker: {level}: {validated.reason}; {kept}")
    elif validated.state == "ok":
        progress.step(f"looker: content validation: {len(validated.items)} broken item(s)")
