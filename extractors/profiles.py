"""What the project knows about one site, in one place: a ``SiteProfile``, as fundus's ``Publisher``.

A profile is data: where the site is, its time zone, where a crawl starts (seeds, feeds,
sitemaps), which of its URLs are articles, archives and post sitemaps, the rule sets its
pages may match, and the fill rates a healthy crawl of it reaches. The profiles themselves
live in ``extractors/sites/`` (one module per site); the crawler and the extractors read
them and hold no site knowledge of their own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Only for the annotation: the site modules import this module, and ``extractors.sites`` them.
    from .sites.rules import SiteRules


@dataclass(frozen=True)
class UrlPatterns:
    """Paths (without host and query) of the site's pages, by kind."""

    article: re.Pattern
    #: Category archives; the spider walks them, from the seeds and from the menu.
    category: re.Pattern
    #: The next pages of a listing the spider walks (a category, the home page).
    listing_page: re.Pattern
    #: Sitemaps of posts, the ones a sitemap index lists that the spider reads.
    post_sitemap: re.Pattern
    #: The category base of the permalinks: ``/<category_base>/<slug>/`` is a category's archive.
    category_base: str = "category"


#: Sitemaps of posts as WordPress core writes them (``wp-sitemap.xml`` since WordPress 5.5).
CORE_POST_SITEMAP = r"wp-sitemap-posts-post-\d+"
#: Path prefixes WordPress serves that are no post: archives, feeds, search, its own files.
SYSTEM_BASES = ("page", "feed", "comments", "search", "wp-[a-z-]+")


def wordpress_urls(*, date_permalinks: bool = False, post_sitemaps: tuple[str, ...] = (CORE_POST_SITEMAP,),
                   category_base: str = "category", tag_base: str = "tag", author_base: str = "author") -> UrlPatterns:
    """The URLs of a WordPress site, from its permalink settings (Settings > Permalinks).

    Posts are ``/%postname%/``; with ``date_permalinks``, ``/%year%/%monthnum%/(%day%/)%postname%/``
    too. ``post_sitemaps`` are the file names (regexes, without ``.xml``) of the sitemaps of posts
    that its sitemap plugin writes.
    """
    not_a_post = "|".join(map(re.escape, (category_base, tag_base, author_base))) + "|" + "|".join(SYSTEM_BASES)
    # A day's archive (/2025/03/14/) is no post, though its last segment looks like a slug.
    dated = r"(?:\d{4}/\d{2}/(?:\d{2}/)?(?!\d+/$))?" if date_permalinks else ""
    category = rf"{re.escape(category_base)}/(?:[^/]+/)+"
    return UrlPatterns(
        article=re.compile(rf"^/(?!(?:{not_a_post})/){dated}[^/.]+/$"),
        category=re.compile(rf"^/{category}$"),
        listing_page=re.compile(rf"^/(?:{category})?(?:page/\d+/)?$"),
        post_sitemap=re.compile(rf"^/(?:{'|'.join(post_sitemaps)})\.xml$"),
        category_base=category_base,
    )


@dataclass(frozen=True)
class SiteProfile:
    #: Chooses the profile: setting ``POTUS_SITE``, ``profile=`` of ``extract`` and ``parse_listing``.
    name: str
    #: The site's address (scheme and host); None for a profile of many sites, where the crawl names one.
    base_url: str | None
    #: IANA zone of dates the site gives without an offset.
    timezone: str
    urls: UrlPatterns
    #: Paths of the site's feeds; each seed category's own feed is read too.
    feeds: tuple[str, ...] = ("/feed/",)
    #: Paths of its sitemap indexes, in the order tried: the first one present is read.
    sitemaps: tuple[str, ...] = ("/wp-sitemap.xml",)
    #: File of category start URLs (one a line, ``#`` comments), shipped as package data; None: the menu alone.
    seeds: Path | None = None
    #: Tried in order on each page; the first whose fingerprint matches steers extraction. None: the generic path only.
    rule_sets: tuple[SiteRules, ...] = ()
    #: Whether extension-less paths end in a slash, as WordPress's canonical permalinks do.
    trailing_slash: bool = True
    #: Per field of a record: the share of articles a healthy crawl of the site fills it in. The monitor
    #: (``potus_crawler.monitor``) judges a run against it as against a recent median, history or not.
    expected_fill_rates: Mapping[str, float] = field(default_factory=dict)
