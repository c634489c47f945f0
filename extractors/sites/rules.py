"""The shape of a site's rules: XPath expressions, each optional but ``fingerprint``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SiteRules:
    #: Names the rule set in logs and records, e.g. ``smartmag-v10/cover``: the theme and its layout.
    name: str
    #: Matches anywhere on any page of the site, article or not.
    fingerprint: str
    #: Matches only on article pages; a page of the site without it is not an article.
    article: str
    #: The element holding the article's text.
    content: str
    #: Relative to ``content``: elements that are never article text (share bars, captions, ads).
    content_boilerplate: tuple[str, ...] = ()
    #: Relative to ``content``: the link to the original publication.
    source_link: str | None = None
    title: str | None = None
    authors: str | None = None
    #: The machine-readable dates of the post header (``time/@datetime``).
    published: str | None = None
    modified: str | None = None
    #: The same dates as the byline shows them to readers ("February 25, 2025").
    published_text: str | None = None
    modified_text: str | None = None
    #: The category the theme labels on the article: the primary one.
    primary_category: str | None = None
    #: The ``class`` attribute listing every ``category-<slug>`` of the post.
    post_classes: str | None = None
    tags: str | None = None
    #: Each item of the related-posts block; the next three are relative to an item.
    related_item: str | None = None
    related_link: str | None = None
    related_published: str | None = None
    #: Listing pages (archives, home): links to the posts listed, not to widgets' posts.
    listing_articles: str | None = None
    #: Listing pages: the link to the next page, numbered or "load more".
    next_page: str | None = None
    #: Page N of a listing, relative to its first page (``{number}`` stands for N): the next page
    #: where ``next_page`` links to the page itself, a button that loads the next page by script.
    numbered_page: str | None = None
    #: Any page: links to category archives in the site's menus.
    category_links: str | None = None
    #: Matches only on pages in this rule set's layout (the post header its field rules read);
    #: None for a rule set that reads no layout's header.
    layout: str | None = None
    #: Counts corrections made to this rule set in place (a selector fixed): part of ``extractor_version``, so
    #: ``reextract --only-older`` takes up the articles it extracted before. A new layout is a new rule set.
    revision: int = 1

    def matches(self, present: Callable[[str], bool]) -> bool:
        """Whether a page is of this rule set, ``present(xpath)`` telling whether an expression finds anything on it."""
        return present(self.fingerprint) and (self.layout is None or present(self.layout))
