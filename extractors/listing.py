"""What a listing page (category, tag, author archive, home) links to, by the site's rules,
or by WordPress's core blocks where no site's rules match."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from . import selectors
from .article import matching_rules, parse_html
from .normalize import canonical_url, joined_url
from .record import ExtractionError
from .sites import SiteRules


@dataclass
class Listing:
    #: Posts listed on the page, in page order, absolute and deduplicated.
    articles: list[str] = field(default_factory=list)
    #: The next page of the same listing, if any.
    next_page: str | None = None
    #: Archive pages linked from the site's menus.
    menu_links: list[str] = field(default_factory=list)
    #: The parser stopped part-way (nesting past its limit): links past that point, the next page's
    #: among them, are missing, so a missing next page says nothing about the listing's end.
    cut_short: bool = False


def parse_listing(html: str | bytes, url: str) -> Listing:
    """Links of a listing page; an empty Listing for a page of no known site that has no WordPress blocks."""
    try:
        tree, cut_short = parse_html(html, whole=True), False
    except ExtractionError:
        # Not an HTML page at all raises again here; a page read part-way gives what it has.
        tree, cut_short = parse_html(html), True
    rules = matching_rules(tree)
    if rules is None:
        # No known site: what WordPress's core blocks print, which gives nothing on a page without them.
        articles, next_page, menu = selectors.WP_LISTING_ARTICLES, selectors.WP_NEXT_PAGE, selectors.WP_MENU_LINKS
    else:
        articles, next_page, menu = rules.listing_articles, rules.next_page, rules.category_links

    def links(xpath: str | None) -> list[str]:
        found = tree.xpath(xpath) if xpath else []
        joined = (joined_url(url, str(href)) for href in found if str(href).strip())
        return list(dict.fromkeys(link for link in joined if link))

    next_pages = links(next_page)
    return Listing(articles=links(articles),
                   next_page=following_page(rules, url, next_pages[0]) if next_pages else None,
                   menu_links=links(menu), cut_short=cut_short)


def following_page(rules: SiteRules | None, url: str, next_link: str) -> str:
    """The next page's URL: the link, unless it leads back to this page (``href="#"`` of a button
    that loads the next page by script), where it is the page numbered one more than this one."""
    if canonical_url(next_link) != canonical_url(url) or rules is None or rules.numbered_page is None:
        return next_link
    page = urlsplit(canonical_url(url))
    numbered = re.escape(rules.numbered_page).replace(re.escape("{number}"), r"(\d+)")
    current = re.search(numbered + "$", page.path)
    first_page_path = page.path[:current.start()] if current else page.path
    number = int(current.group(1)) + 1 if current else 2
    path = first_page_path + rules.numbered_page.format(number=number)
    return urlunsplit((page.scheme, page.netloc, path, "", ""))
