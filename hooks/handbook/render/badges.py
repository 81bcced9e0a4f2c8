"""The small status badges pages show, as HTML: metric statuses and freshness verdicts.

Presentation only: the data modules decide *what* a status is (`curated.metrics` for a
metric's status, `freshness.rules` for dbt's verdicts); this module decides how it looks.
Every badge names its status in text (readable without colour and by screen readers); the
class only adds colour, from the stylesheet the package ships (`render/assets/handbook.css`).
The output is well-formed XML as well as HTML, so the Markdown extension can parse it into
elements.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from handbook.freshness.rules import FRESHNESS_STATUSES, SourceStatus
from handbook.render.templating import format_time, humanize_age, md_text

_FRESHNESS_HELP: dict[str, str] = {
    "pass": "loaded within its SLA",
    "warn": "older than its warn_after threshold",
    "error": "older than its error_after threshold",
    "runtime error": "the freshness check failed",
    "not checked": "no freshness result",
}

_METRIC_HELP = {
    "certified": "Certified: reviewed by the Data & Analytics team; safe to quote.",
    "draft": "Draft: the definition is still being agreed; check with the owner before quoting.",
    "deprecated": "Deprecated: do not use for new work.",
}


def freshness_badge(status: str) -> Markup:
    """An inline badge, e.g. `<span class="hb-badge hb-badge--warn" title="…">warn</span>`."""
    slug = status.replace(" ", "-") if status in FRESHNESS_STATUSES else "unknown"
    title = _FRESHNESS_HELP.get(status, "unknown status")
    return Markup('<span class="hb-badge hb-badge--{}" title="{}">{}</span>').format(
        slug, title, escape(status)
    )


def status_badge(status: str) -> Markup:
    """A metric's status badge, with a tooltip saying what the status promises.

    The same badge wherever a metric is mentioned (references, glossary, metric pages).
    `status` is validated against `MetricStatus`; anything else is shown as escaped text.
    """
    if status not in _METRIC_HELP:
        return md_text(status)
    return Markup('<span class="hb-badge hb-badge--{}" title="{}">{}</span>').format(
        status, _METRIC_HELP[status], status
    )


def freshness_summary(state: SourceStatus) -> Markup:
    """Badge, age of the oldest table at the check, SLA and check time, on one line."""
    parts = [freshness_badge(state.status)]
    age = state.oldest_age
    if state.checked_at is None:
        parts.append(Markup("never checked"))
    else:
        when = format_time(state.checked_at)
        if age is not None:
            parts.append(Markup("loaded {} before the check at {}").format(humanize_age(age), when))
        else:
            parts.append(Markup("no load time at the check at {}").format(when))
    parts.append(Markup("SLA: {}").format(state.source.sla))
    return Markup(" · ").join(parts)
