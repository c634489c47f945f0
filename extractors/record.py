"""The article record every extractor returns: one field per SQLite column or child table."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field


#: ``extracted_with`` of a page no site's rules matched.
GENERIC = "generic"


class ExtractionError(ValueError):
    """The page cannot give an article record; the message says why."""


class NotAnArticle(ExtractionError):
    """The page is a listing, a tag or author archive, a static page: not an article."""


@dataclass
class RelatedLink:
    url: str
    title: str
    #: ISO 8601 with offset, or None when the block shows no date.
    published: str | None = None


@dataclass
class ArticleRecord:
    #: Canonical URL: the page's own canonical link when it points to the same
    #: site, otherwise the fetched URL, normalized (see ``normalize.canonical_url``).
    url: str
    title: str
    #: Plain text. Blocks (paragraphs, headings, list items, quotes) are separated
    #: by a blank line; list items are one block each. No captions, no chrome.
    body: str
    #: Display names in byline order, never "By …" nor the site's name.
    authors: list[str] = field(default_factory=list)
    #: ISO 8601 with offset, e.g. ``2025-02-25T14:03:27+00:00``; a bare date (``2025-02-25``) where the page
    #: names no time of day.
    published: str | None = None
    #: The date string exactly as the page gave it, before normalization.
    published_raw: str | None = None
    #: Where ``published`` came from: ``json-ld``, ``meta``, ``time-element``, ``byline`` or ``url``.
    published_source: str | None = None
    #: How exact ``published`` is: ``instant`` (a moment, its offset stated on the page), ``local`` (a
    #: wall-clock time the page names no zone for, taken in the site's profile zone) or ``date`` (a bare date:
    #: the page names no time of day, and none is invented). None with ``published``.
    published_precision: str | None = None
    #: ISO 8601 with offset; equal to ``published`` when the page was never updated.
    modified: str | None = None
    modified_raw: str | None = None
    #: As ``published_source``, or ``published`` when the page gives no separate modified date.
    modified_source: str | None = None
    #: As ``published_precision``, of ``modified``.
    modified_precision: str | None = None
    #: Category names (the site's sections), the primary (the one the theme labels) first.
    categories: list[str] = field(default_factory=list)
    #: The page's own keywords or tags, never its sections; one per name whatever its case.
    tags: list[str] = field(default_factory=list)
    #: ISO 639-1 code identified from the body text.
    language: str | None = None
    #: The "Related Posts" block, in page order.
    related_links: list[RelatedLink] = field(default_factory=list)
    #: Where the aggregated article was first published (the "Source link" target).
    source_url: str | None = None
    image_url: str | None = None
    description: str | None = None
    word_count: int = 0
    #: The rule set that extracted the page: a site rule set's name (``smartmag-v10``), or ``generic``
    #: (``GENERIC``) where no site's fingerprint matched and trafilatura and page metadata did all the work.
    #: None for a record no extractor made.
    extracted_with: str | None = None

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ArticleRecord:
        values = dict(data)
        values["related_links"] = [RelatedLink(**link) for link in values.get("related_links", [])]
        return cls(**values)


FIELD_NAMES = tuple(f.name for f in dataclasses.fields(ArticleRecord))
