"""An Atom 1.0 feed (RFC 4287) as text, from plain data.

The document is built as an element tree and serialised by the standard library, so every
title and HTML body is escaped for XML whatever it holds; characters XML 1.0 cannot carry at
all (most control characters, which a Looker title may contain) are dropped first. The caller
supplies absolute IRIs for every id and link: a feed is read away from the site, where
relative links mean nothing.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from datetime import UTC, datetime

ATOM = "http://www.w3.org/2005/Atom"
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True)
class Entry:
    id: str  # an absolute IRI, the same on every build
    title: str
    updated: datetime
    link: str  # absolute
    html: str  # the entry's content, HTML whose text is already escaped


@dataclass(frozen=True)
class Feed:
    id: str  # an absolute IRI, the same on every build
    title: str
    author: str
    updated: datetime
    self_url: str  # where the feed itself is published
    alternate_url: str  # the page it mirrors
    entries: list[Entry] = field(default_factory=list)


def _time(value: datetime) -> str:
    """RFC 3339 in UTC, as Atom's date constructs require."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(parent: etree.Element, tag: str, text: str, **attrs: str) -> etree.Element:
    child = etree.SubElement(parent, tag, attrs)
    child.text = _NOT_XML.sub("", text)
    return child


def atom_xml(feed: Feed) -> str:
    """The feed as an XML document (UTF-8 declared, default namespace Atom's)."""
    root = etree.Element("feed", {"xmlns": ATOM})
    _text(root, "id", feed.id)
    _text(root, "title", feed.title)
    _text(root, "updated", _time(feed.updated))
    author = etree.SubElement(root, "author")
    _text(author, "name", feed.author)
    etree.SubElement(root, "link", {"rel": "self", "href": feed.self_url})
    etree.SubElement(
        root, "link", {"rel": "alternate", "type": "text/html", "href": feed.alternate_url}
    )
    for entry in feed.entries:
        node = etree.SubElement(root, "entry")
        _text(node, "id", entry.id)
        _text(node, "title", entry.title)
        _text(node, "updated", _time(entry.updated))
        etree.SubElement(
            node, "link", {"rel": "alternate", "type": "text/html", "href": entry.link}
        )
        _text(node, "content", entry.html, type="html")
    etree.indent(root)
    body = etree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n{body}\n'
