"""The small status badges pages show, as HTML: metric statuses and freshness verdicts.

Presentation only: the data modules decide *what* a status is (`curated.metrics` for a
metric's status, `freshness.rules` for dbt's verdicts); this module decides how it looks.
Every badge names its status in text (readable without colour and by screen readers); the
class only adds colour, from the stylesheet the package ships (`render/assets/handbook.css`).
The output is well-formed XML as well as HTML, so the Markdown extension can parse it into
elements.
"""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup, escape

from handbook.freshness.rules import FRESHNESS_STATUSES, SourceStatus, TableStatus
from handbook.render.templating import format_time, humanize_age, md_text

_FRESHNESS_HELP: dict[str, str] = {
    "pass": "loaded within its SLA",
    "warn": "older than its warn_after threshold",
    "error": "older than its error_after threshold",
    "runtime error": "the freshness check failed",
    "not checked": "no freshness result",
    "not checked since": "the last check is older than the table's threshold, so its result "
    "no longer stands",
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


def verdict(state: SourceStatus | TableStatus) -> Markup:
    """A status as it reads at this build: the badge, and when the check behind it is
    older than its threshold, when that was ("not checked since <time> (last result:
    pass)", "warn as of <time>"). The same words on the board, metric pages and references;
    the time never breaks over two lines (`hb-when`), the badge stays short."""
    if isinstance(state, SourceStatus):
        since, last = state.as_of, state.last_result
    else:
        since, last = (state.checked_at, state.last_result) if state.outdated else (None, None)
    badge = freshness_badge(state.status)
    if since is None or last is None:
        return badge
    when = Markup('<span class="hb-when">{}</span>').format(format_time(since))
    if state.status == "not checked since":
        return badge + Markup(" {} (last result: {})").format(when, last)
    return badge + Markup(" as of {}").format(when)


@lru_cache(maxsize=64)  # three statuses: one badge each, for ~3,000 references a build
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
    """Status as it reads at this build, age of the oldest table at the check, SLA and
    check time, on one line."""
    parts = [verdict(state)]
    age = state.oldest_age
    if state.checked_at is None:
        parts.append(Markup("never checked"))
    else:
        # An outdated status already says when its check was.
        when = (
            Markup("that check") if state.as_of else f"the check at {format_time(state.checked_at)}"
        )
        if age is not None:
            parts.append(Markup("loaded {} before {}").format(humanize_age(age), when))
        else:
            parts.append(Markup("no load time at {}").format(when))
    parts.append(Markup("SLA: {}").format(state.source.sla))
    return Markup(" · ").join(parts)
