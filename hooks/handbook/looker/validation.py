"""Looker's content validator: which looks and dashboards are broken, and where.

`GET /content_validation` validates every look and dashboard against the deployed LookML
and answers the errors in one (slow) response: minutes on a large instance, so it gets its
own timeout (`HANDBOOK_CONTENT_VALIDATION_TIMEOUT`, applied to that request alone) and is
asked once, never retried after a timeout. A `fields=` projection keeps only what pages
show: each error's message, model, explore and field, and where it sits (the dashboard
tile's title, a dashboard filter, a schedule).

Each `ContentValidatorError` of the answer names the content it is about: a dashboard (with
the tile, `dashboard_element`, or the filter), a LookML dashboard (with its tile), or a look;
a schedule of a look names the look. Its `errors` are attributed to that one look or
dashboard; an entry that names none (an alert on nothing we know) is left out.

The validator is optional: its faults never cost the rest of the pull (`fetch_validation`
never raises for them). A refusal (403/404: Looker's Content Validator needs the `develop`
permission) makes content validation "unavailable"; a timeout, a 5xx or an unreadable answer
is a fault, and the caller keeps the previous pull's validation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from handbook.errors import PullError
from handbook.looker.client import SOURCE, LookerClient, MalformedAnswer, id_sort_key
from handbook.looker.lookml import text_or_none, validated
from handbook.snapshot.model import (
    BrokenItem,
    ContentError,
    ContentValidation,
    LookerSnapshot,
    ValidationState,
)

PATH = "/content_validation"
VALIDATION_FIELDS = (
    "content_with_errors("
    "look(id),dashboard(id),dashboard_element(id,look_id,title),dashboard_filter(id,title),"
    "scheduled_plan(id,name,look_id),lookml_dashboard(id),"
    "lookml_dashboard_element(lookml_link_id,title),"
    "errors(message,field_name,model_name,explore_name))"
)
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
        return ValidationAnswer(items=broken_items(body))
    except PullError as exc:
        if client.transport.abort.is_set():
            raise
        if exc.status in (403, 404):
            return ValidationAnswer(refused=exc.status)
        return ValidationAnswer(fault=exc.message)


def broken_items(body: object) -> list[BrokenItem]:
    """Errors per look and dashboard from a `ContentValidation` answer; MalformedAnswer if
    it is not one."""
    if not isinstance(body, dict):
        raise MalformedAnswer(SOURCE, f"Looker answered GET {PATH} with something not an object")
    entries = body.get("content_with_errors") or []
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise MalformedAnswer(SOURCE, f"Looker answered GET {PATH} with unreadable errors")
    found: dict[tuple[str, str], list[ContentError]] = {}
    for entry in entries:
        target = _target(entry)
        if target is None:
            continue
        errors = found.setdefault(target, [])
        for error in _errors(entry):
            if error not in errors:
                errors.append(error)
    return [
        BrokenItem(kind=kind, id=item_id, errors=errors)  # type: ignore[arg-type]
        for (kind, item_id), errors in sorted(found.items(), key=_item_order)
        if errors
    ]


def _item_order(pair: tuple[tuple[str, str], Any]) -> tuple[str, tuple[int, int, str]]:
    (kind, item_id), _ = pair
    return kind, id_sort_key(item_id)


def _id(entry: dict[str, Any], key: str, field: str = "id") -> str | None:
    part = entry.get(key)
    value = part.get(field) if isinstance(part, dict) else None
    return None if value in (None, "") else str(value)


def _target(entry: dict[str, Any]) -> tuple[str, str] | None:
    """The look or dashboard one validator entry is about, or None."""
    dashboard = _id(entry, "dashboard") or _id(entry, "lookml_dashboard")
    if dashboard is not None:
        return "dashboard", dashboard
    look = _id(entry, "look") or _id(entry, "scheduled_plan", "look_id")
    return ("look", look) if look is not None else None


def _errors(entry: dict[str, Any]) -> list[ContentError]:
    """The entry's errors, each with where on the look or dashboard it is."""
    tile = entry.get("dashboard_element") or entry.get("lookml_dashboard_element")
    tile = tile if isinstance(tile, dict) else {}
    where = {
        "tile": text_or_none(tile.get("title")),
        "tile_look": _id(entry, "dashboard_element", "look_id"),
        "filter": _text_of(entry, "dashboard_filter", "title"),
        "schedule": _text_of(entry, "scheduled_plan", "name"),
    }
    errors = entry.get("errors") or []
    if not isinstance(errors, list):
        raise MalformedAnswer(SOURCE, f"Looker answered GET {PATH} with unreadable errors")
    out = []
    for error in errors:
        if not isinstance(error, dict):
            raise MalformedAnswer(SOURCE, f"Looker answered GET {PATH} with unreadable errors")
        data = {
            "message": text_or_none(error.get("message")) or "",
            "model": text_or_none(error.get("model_name")),
            "explore": text_or_none(error.get("explore_name")),
            "field": text_or_none(error.get("field_name")),
            **where,
        }
        out.append(validated(ContentError, data, "content validation error"))
    return out


def _text_of(entry: dict[str, Any], key: str, field: str) -> str | None:
    part = entry.get(key)
    return text_or_none(part.get(field)) if isinstance(part, dict) else None


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
