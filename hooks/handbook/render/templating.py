"""Jinja2 rendering of Markdown pages, escaped by default.

Everything from Looker and BigQuery is untrusted text that lands in Markdown, which
Python-Markdown then turns into HTML. HTML escaping alone is not enough there: a `|` splits
a table cell, a backtick opens code, `*`/`_` start emphasis, `[`/`]` start links. So every
`{{ value }}` in a template passes through `finalize`, which turns each character Markdown
or HTML treats specially into a numeric character reference. Markdown leaves references
alone and the browser shows the original character, so the text renders inert and intact.
Only values already wrapped in `Markup` (made by our own filters, like `link`) pass as is.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from functools import cache, lru_cache
from typing import Any
from urllib.parse import quote, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from handbook.render.addresses import slug
from handbook.timefmt import utc_minute

# Characters with meaning to Markdown (incl. pymdownx extensions), HTML, or Jinja-like
# template engines downstream. Letters, digits, spaces and common punctuation stay readable
# in the Markdown source.
_SPECIAL = "\\`*_{}[]()#+!|<>&\"'~=:^$%@-"
# Each special's numeric reference, put in by one C-level regex pass over the text that calls
# back only at a special (a translation table looked up every character of the text: on
# 200,000 values a build, more than twice as slow).
_REFERENCES = {c: f"&#{ord(c)};" for c in _SPECIAL}
_SPECIALS = re.compile("[" + re.escape(_SPECIAL) + "]")
_LIST_NUMBER = re.compile(r"^(\d+)\.")
_WEB = ("https:", "http:")  # as `urlsplit` reads them: the scheme, then its colon


def _reference(special: re.Match[str]) -> str:
    return _REFERENCES[special[0]]


def _escape_specials(text: str) -> str:
    return _SPECIALS.sub(_reference, text)


def md_text(value: Any) -> Markup:
    """Untrusted text as inert Markdown inline content (one line, every special escaped)."""
    if value is None:
        return Markup("")
    if isinstance(value, Markup):
        return value
    text = _escape_specials(" ".join(str(value).split()))
    # "1. x" at the start of a block would become an ordered list.
    if text[:1].isdigit():
        text = _LIST_NUMBER.sub(r"\1&#46;", text, count=1)
    return Markup(text)


_IDENT_BREAK = re.compile(r"(?<=[._])(?=.)")


def ident(value: Any) -> Markup:
    """An identifier (`project.dataset.table`, `view.field`) as inert Markdown that may wrap.

    A `<wbr>` after each `.` and `_` lets a narrow table cell break it between its parts;
    the stylesheet keeps code from breaking anywhere else (inside a word).
    """
    if value is None:
        return Markup("")
    # Whitespace is collapsed once, for the whole value: a part must keep its spaces.
    first, *rest = _IDENT_BREAK.split(" ".join(str(value).split()))
    return Markup("<wbr>").join([md_text(first), *(Markup(_escape_specials(p)) for p in rest)])


def _finalize(value: Any) -> Any:
    if isinstance(value, Markup):
        return value
    if isinstance(value, datetime):
        return Markup(format_time(value))
    return md_text(value)


@lru_cache(maxsize=4096)  # the most viewed items are linked from several pages; not all
def safe_url(url: str) -> str:
    """An http(s) URL fit for a Markdown link target, or '#' for anything else."""
    # Most URLs are ours, `base_url` + a path: their scheme is plain to see without
    # `urlsplit` (which strips and lowercases, so anything else is asked of it).
    if not url.startswith(_WEB) and urlsplit(url).scheme not in ("http", "https"):
        return "#"
    # Percent-encode what could end the link target or break out of an attribute.
    return quote(url, safe=":/?#[]@!$&'*+,;=%-._~")


def link(text: Any, url: str | None) -> Markup:
    """`[text](url)` with the text escaped and the URL made safe; plain text without a URL."""
    if not url:
        return md_text(text)
    return Markup(f"[{md_text(text)}](<{safe_url(url)}>)")


def format_time(value: datetime | None) -> str:
    """The one way pages and messages show a time: `2026-11-22 06:00 UTC`.

    Always absolute: a page's text must not change with the clock (a page saying "39 minutes
    before this build" differs on every rebuild, so every page is rendered and rewritten
    again). How long ago that was is worked out in the reader's browser (`time_tag`).
    """
    if value is None:
        return "never"
    return utc_minute(value)


def time_tag(value: datetime | None) -> Markup:
    """`format_time` in a `<time>` element that the shipped script (`assets/filters.js`)
    follows with "(3 hours ago)" as the reader's clock has it. Without scripts, and in the
    page's source, the absolute time alone."""
    if value is None:
        return Markup("never")
    iso = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return Markup(f'<time class="hb-time" datetime="{iso}">{format_time(value)}</time>')


def format_date(value: datetime | None) -> Markup:
    return Markup("—") if value is None else _day(value.astimezone(UTC).date())


@lru_cache(maxsize=4096)  # made once per day: tables and entries show 60,000 dates a build
def _day(day: date) -> Markup:
    return Markup(day.strftime("%Y-%m-%d"))


def humanize_age(delta: timedelta | None) -> Markup:
    """An age as people say it: '3 hours', '8 days'."""
    if delta is None:
        return Markup("unknown")
    seconds = int(delta.total_seconds())
    if seconds < 0:
        return Markup("in the future")
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = seconds // size
            return Markup(f"{n} {unit}{'s' if n != 1 else ''}")
    return Markup("just now")


def anchor(value: Any) -> Markup:
    """A stable, URL-safe slug for ids and anchors built from untrusted text."""
    return Markup(slug(value))


@lru_cache(maxsize=4096, typed=True)  # view counts repeat: 100,000 numbers a build
def number(value: int | None) -> Markup:
    return Markup("—" if value is None else f"{value:,}")


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("handbook.render", "templates"),
        autoescape=False,  # Markdown output: `finalize` escapes for Markdown *and* HTML
        finalize=_finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        text=md_text,
        ident=ident,
        link=link,
        url=safe_url,
        date=format_date,
        time=lambda v: Markup(format_time(v)),
        time_tag=time_tag,
        age=humanize_age,
        anchor=anchor,
        number=number,
    )
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)
