"""What MkDocs and the theme put into a page's <head> and buttons, made safe for it.

Two values reach Material's templates unescaped:

- the page title: `<title>{{ page.title | striptags }}</title>`. Jinja's `striptags` also
  *decodes* character references, so a heading our escaping made inert (`&#60;/title&#62;`)
  comes back as a real `</title><script>…`. Setting `page.meta["title"]` makes the theme print
  it as is, so we give it the rendered title with tags removed and references kept.
- the edit link: `<a href="{{ page.edit_url }}">`. The URL is built from file names (a YAML
  file called `x"><img onerror=….yml`), so it is percent-encoded here.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

_TAG = re.compile(r"<[^>]*>")
_WHITESPACE = re.compile(r"\s+")


def html_title(title: str | None) -> str | None:
    """The rendered title as text for `<title>`: tags dropped, character references kept."""
    if title is None:
        return None
    text = _WHITESPACE.sub(" ", _TAG.sub("", title)).strip()
    # A `<` or `&` left over (a title set in front matter, not rendered) is escaped too.
    text = text.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return re.sub(r"&(?!#\d+;|#x[0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)", "&amp;", text)


def safe_href(url: str | None) -> str | None:
    """An http(s) URL percent-encoded for a double- or single-quoted attribute; else None."""
    if not url:
        return url
    if urlsplit(url).scheme not in ("http", "https"):
        return None
    return quote(url, safe=":/?#[]@!$&()*+,;=%-._~")


def secure_page(page: object) -> None:
    """Make `page`'s title and edit link safe for the theme (call before it renders)."""
    meta = getattr(page, "meta", None)
    # The home page's <title> is the site name, unless its front matter sets one.
    if isinstance(meta, dict) and (meta.get("title") or not getattr(page, "is_homepage", False)):
        meta["title"] = html_title(meta.get("title") or getattr(page, "title", None))
    if getattr(page, "edit_url", None):
        page.edit_url = safe_href(page.edit_url)  # type: ignore[attr-defined]
