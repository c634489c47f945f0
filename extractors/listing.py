"""What a listing page (category, tag, author archive, home) links to, by the site's rules,
or by WordPress's core blocks where no site's rules match."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from . import selectors
from .article import matching_rules, parse_html
from .normalize import canonical_url, joined_url
from .profiles import SiteProfile
from .record import ExtractionError
from .sites import DEFAULT_PROFILE


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


def parse_listing(html: str | bytes, url: str, *, profile: SiteProfile = DEFAULT_PROFILE) -> Listing:
    """Links of a listing page of ``profile``'s site: by the rule set that matches it, else by WordPress's
    own markup (an empty Listing for a page without it)."""
    try:
        tree, cut_short = parse_html(html, whole=True), False
    except ExtractionError:
        # Not an HTML page at all raises again here; a page read part-way gives what it has.
        tree, cut_short = parse_html(html), True
    rules = matching_rules(tree, profile)
    if rules is not None:
        articles, next_page, menu, numbered_page = (rules.listing_articles, rules.next_page, rules.category_links,
                                                    rules.numbered_page)
    else:
        # No rules of the site's match (another theme, or a site with none): what WordPress itself prints,
        # which gives nothing on a page without it.
        articles, next_page, menu, numbered_page = (selectors.WP_LISTING_ARTICLES, selectors.WP_NEXT_PAGE,
                                                    selectors.WP_MENU_LINKS, None)

    def links(xpath: str | None) -> list[str]:
        found = tree.xpath(xpath) if xpath else []
        joined = (joined_url(url, str(href)) for href in found if str(href).strip())
        return list(dict.fromkeys(link for link in joined if link))

    next_pages = links(next_page)
    return Listing(articles=links(articles),
                   next_page=following_page(numbered_page, url, next_pages[0], profile) if next_pages else None,
                   menu_links=links(menu), cut_short=cut_short)


def following_page(numbered_page: str | None, url: str, next_link: str, profile: SiteProfile) -> str:
    """The next page's URL: the link, unless it leads back to this page (``href="#"`` of a button
    that loads the next page by script), where it is the page numbered one more than this one."""
    def canonical(link: str) -> str:
        return canonical_url(link, trailing_slash=profile.trailing_slash)

    if canonical(next_link) != canonical(url) or numbered_page is None:
        return next_link
    page = urlsplit(canonical(url))
    numbered = re.escape(numbered_page).replace(re.escape("{number}"), r"(\d+)")
    current = re.search(numbered + "$", page.path)
    first_page_path = page.path[:current.start()] if current else page.path
    number = int(current.group(1)) + 1 if current else 2
    path = first_page_path + numbered_page.format(number=number)
    return urlunsplit((page.scheme, page.netloc, path, "", ""))
