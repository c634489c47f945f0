"""What a listing page (category, tag, author archive, home) links to, by the site's rules."""

from __future__ import annotations

from dataclasses import dataclass, field

from .article import matching_rules, parse_html
from .normalize import joined_url


@dataclass
class Listing:
    #: Posts listed on the page, in page order, absolute and deduplicated.
    articles: list[str] = field(default_factory=list)
    #: The next page of the same listing, if any.
    next_page: str | None = None
    #: Archive pages linked from the site's menus.
    menu_links: list[str] = field(default_factory=list)


def parse_listing(html: str | bytes, url: str) -> Listing:
    """Links of a listing page; an empty Listing for a page of no known site."""
    tree = parse_html(html)
    rules = matching_rules(tree)
    if rules is None:
        return Listing()

    def links(xpath: str | None) -> list[str]:
        found = tree.xpath(xpath) if xpath else []
        joined = (joined_url(url, str(href)) for href in found if str(href).strip())
        return list(dict.fromkeys(link for link in joined if link))

    next_pages = links(rules.next_page)
    return Listing(articles=links(rules.listing_articles), next_page=next_pages[0] if next_pages else None,
                   menu_links=links(rules.category_links))
