"""Items the spider yields: what a fetch found, for the pipelines to normalize and store.

An article is the extractor's ``ArticleRecord`` wrapped with what HTTP said of it, so
the record's schema is defined once, by the extractor. Everything else a fetch can
find is an item too, so no outcome of a crawl goes unrecorded.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass

from extractors import ArticleRecord


@dataclass
class FetchedArticle:
    record: ArticleRecord
    #: Which source found the URL first in this crawl: ``listing``, ``feed``, ``sitemap``, ``retry`` (a page
    #: that had failed) or ``recheck`` (a stored article); the database keeps it for new articles only.
    found_by: str
    #: The response's validators, sent back on the next check as ``If-None-Match`` / ``If-Modified-Since``.
    etag: str | None = None
    http_last_modified: str | None = None
    #: The future of the page's ``WarcPointer`` (``potus_crawler.capture``); None when nothing archives.
    archived: Future | None = None


@dataclass
class ArticleNotModified:
    """A stored article answered 304 to a conditional request."""

    url: str


@dataclass
class ArticleGone:
    """A stored article now answers 404 or 410."""

    url: str
    http_status: int


@dataclass
class ListingWalked:
    """A category's listing was walked to its last page (committed only if the crawl finishes)."""

    url: str


@dataclass
class PageFailure:
    url: str
    #: What went wrong, in words, e.g. "HTTP 500" or "no article text found".
    reason: str
    http_status: int | None = None


__all__ = ["ArticleGone", "ArticleNotModified", "ArticleRecord", "FetchedArticle", "ListingWalked", "PageFailure"]
