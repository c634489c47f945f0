"""POTUS News (potusnews.news): a news aggregator on WordPress with ThemeSphere's SmartMag v10.

Its posts are ``/%postname%/`` permalinks; WordPress core and Yoast both write its sitemaps.
Its pages give dates with an offset; the zone is for the few that do not.
"""

from pathlib import Path

from ..profiles import CORE_POST_SITEMAP, SiteProfile, wordpress_urls
from .smartmag import SMARTMAG_V10, SMARTMAG_V10_LAYOUTS

POTUS_NEWS = SiteProfile(
    name="potusnews",
    base_url="https://potusnews.news",
    timezone="UTC",
    # Yoast's and Rank Math's post sitemaps besides core's: the plugin in use has changed before.
    urls=wordpress_urls(post_sitemaps=(CORE_POST_SITEMAP, r"post-sitemap\d*")),
    feeds=("/feed/",),
    sitemaps=("/wp-sitemap.xml", "/sitemap_index.xml"),
    seeds=Path(__file__).parent / "seeds" / "potusnews.txt",
    # A theme's layouts before its site-wide rules, which match every page of the theme.
    rule_sets=(*SMARTMAG_V10_LAYOUTS, SMARTMAG_V10),
    # Every post has a byline, dates, a category, tags, related posts and, as an aggregated post,
    # its "Source link"; some lack a featured image. Margins below the demo's figures for the
    # few posts the live site publishes without one of them.
    expected_fill_rates={
        "title": 1.0, "authors": 0.95, "published": 1.0, "modified": 0.95, "categories": 0.95, "tags": 0.8,
        "related_links": 0.9, "source_url": 0.9, "image_url": 0.7, "description": 0.9,
    },
)
