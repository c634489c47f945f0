"""Links of a site's feeds (RSS 2.0, Atom) and sitemaps (index or URL set): cheap lists of fresh URLs.

Each entry carries the date the document gives for it, when it gives one: an RSS
``pubDate``, an Atom ``updated``, a sitemap ``lastmod``, as ISO 8601.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timezone, tzinfo
from email.utils import parsedate_to_datetime
from functools import partial

import lxml.etree

from .normalize import iso_datetime, joined_url
from .record import ExtractionError

#: Feeds and sitemaps come from the network: no entities, no DTD fetches, and a broken tail still yields its head.
XML_PARSER = lxml.etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)


@dataclass(frozen=True)
class DatedLink:
    url: str
    #: When the document says the target was published or last changed (ISO 8601), if it says.
    updated: str | None = None


@dataclass
class LinkDocument:
    #: ``rss``, ``atom``, ``sitemapindex`` (links are sitemaps) or ``urlset`` (links are pages).
    kind: str
    links: list[DatedLink] = field(default_factory=list)


def local(tag: object) -> str:
    """An element's name without its namespace; '' for comments and processing instructions."""
    return lxml.etree.QName(tag).localname if isinstance(tag, str) else ""


def children(element, name: str) -> list:
    return [child for child in element if local(child.tag) == name]


def child_text(element, name: str) -> str | None:
    found = children(element, name)
    return (found[0].text or "").strip() or None if found else None


def rfc822_date(text: str | None, default_tz: tzinfo = timezone.utc) -> str | None:
    """RSS dates ("Tue, 25 Nov 2026 07:00:00 +0000") as ISO 8601; one without a readable zone in ``default_tz``."""
    if not text:
        return None
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return iso_datetime(text, default_tz)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=default_tz)
    return moment.isoformat()


def parse_link_document(xml: bytes, url: str, default_tz: tzinfo = timezone.utc) -> LinkDocument:
    """The links of a feed or sitemap; raises ExtractionError for anything else."""
    try:
        root = lxml.etree.fromstring(xml, parser=XML_PARSER) if xml and xml.strip() else None
    except lxml.etree.XMLSyntaxError as error:
        raise ExtractionError(f"not parseable as XML: {error}") from error
    if root is None:
        raise ExtractionError("empty or unreadable XML document")
    kind = local(root.tag)
    date = partial(iso_datetime, default_tz=default_tz)
    if kind == "rss":
        items = [item for channel in children(root, "channel") for item in children(channel, "item")]
        links = [DatedLink(target, rfc822_date(child_text(item, "pubDate"), default_tz))
                 for item in items if (link := child_text(item, "link")) and (target := joined_url(url, link))]
    elif kind == "feed":
        kind = "atom"
        links = [DatedLink(target, date(child_text(entry, "updated") or child_text(entry, "published")))
                 for entry in children(root, "entry")
                 for href in [next((link.get("href") for link in children(entry, "link")
                                    if link.get("rel", "alternate") == "alternate"), None)]
                 if href and (target := joined_url(url, href))]
    elif kind in ("sitemapindex", "urlset"):
        entries = children(root, "sitemap" if kind == "sitemapindex" else "url")
        links = [DatedLink(target, date(child_text(entry, "lastmod")))
                 for entry in entries if (location := child_text(entry, "loc")) and (target := joined_url(url, location))]
    else:
        raise ExtractionError(f"neither a feed nor a sitemap: root element <{kind}>")
    first_of_each_url: dict[str, DatedLink] = {}
    for link in links:
        first_of_each_url.setdefault(link.url, link)
    return LinkDocument(kind, list(first_of_each_url.values()))
