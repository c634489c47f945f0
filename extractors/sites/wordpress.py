"""Any WordPress site, known by no rules: what WordPress core itself guarantees, and nothing more.

Extraction takes the generic path (trafilatura and page metadata); listings are read by
core markup (post ``<article>`` elements, ``page-numbers`` pagination, block themes'
query loops, ``menu-item`` menus). The crawl names the site (``-a base_url=URL``).
"""

from ..profiles import SiteProfile, wordpress_urls

WORDPRESS = SiteProfile(
    name="wordpress",
    base_url=None,
    timezone="UTC",
    urls=wordpress_urls(date_permalinks=True),
    feeds=("/feed/",),
    sitemaps=("/wp-sitemap.xml",),
    # Core markup guarantees a title and a date; every other field depends on the theme and plugins.
    expected_fill_rates={"title": 1.0, "published": 0.9},
)
