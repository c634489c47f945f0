"""Site profiles: POTUS News's knowledge in its profile, and a second profile (any WordPress site) that uses none of it."""

from __future__ import annotations

import pytest
from scrapy.utils.test import get_crawler

from conftest import read_page
from extractors import extract, parse_listing
from extractors.sites import DEFAULT_PROFILE, PROFILES
from extractors.sites.wordpress import WORDPRESS
from potus_crawler import settings as project_settings
from potus_crawler.monitor import FILL_FIELDS
from potus_crawler.setting_checks import BadSetting
from potus_crawler.spiders.potus import PotusSpider

PROJECT_SETTINGS = {name: value for name, value in vars(project_settings).items() if name.isupper()}
BLOG = "https://blog.example.org"

#: A post of a WordPress site in a classic core theme: date permalinks, core post classes, no site rules.
CORE_POST = """<!DOCTYPE html><html lang="en-US"><head><meta charset="UTF-8">
<title>Council approves the new bridge &#8211; Riverside Blog</title>
<link rel="canonical" href="https://blog.example.org/2025/03/14/council-approves-the-new-bridge/">
<meta property="og:site_name" content="Riverside Blog">
<meta property="article:published_time" content="2025-03-14T09:30:00+00:00">
</head><body class="post-template-default single single-post">
<nav><ul id="menu-main" class="menu"><li class="menu-item"><a href="/category/city/">City</a></li></ul></nav>
<main><article id="post-41" class="post-41 post type-post status-publish category-city">
<header class="entry-header"><h1 class="entry-title">Council approves the new bridge</h1>
<span class="byline">By <a class="url fn n" href="/author/ann/">Ann Lee</a></span></header>
<div class="entry-content">
<p>The city council voted on Thursday evening to build a new bridge across the river, ending a debate
that had lasted for almost a decade and divided the neighbourhoods on either bank.</p>
<p>Construction is to begin next spring; the council expects the bridge to open to traffic in 2028,
with lanes for cyclists and a footpath on both sides of the roadway.</p>
</div></article></main>
<footer><p>Proudly powered by WordPress</p></footer></body></html>"""

#: A category archive in the same theme: core's loop and its pagination.
CORE_ARCHIVE = """<!DOCTYPE html><html lang="en-US"><head><meta charset="UTF-8"><title>City &#8211; Riverside Blog</title></head>
<body class="archive category category-city"><nav><ul id="menu-main" class="menu">
<li class="menu-item"><a href="https://blog.example.org/category/city/">City</a></li>
<li class="menu-item"><a href="https://blog.example.org/category/sport/">Sport</a></li></ul></nav>
<main>
<article id="post-41" class="post-41 post type-post"><h2 class="entry-title">
<a href="https://blog.example.org/2025/03/14/council-approves-the-new-bridge/">Council approves the new bridge</a></h2></article>
<article id="post-40" class="post-40 post type-post"><h2 class="entry-title">
<a href="https://blog.example.org/2025/03/12/library-opens-on-sundays/">Library opens on Sundays</a></h2></article>
<nav class="navigation pagination"><div class="nav-links"><span aria-current="page" class="page-numbers current">1</span>
<a class="page-numbers" href="https://blog.example.org/category/city/page/2/">2</a>
<a class="next page-numbers" href="https://blog.example.org/category/city/page/2/">Next</a></div></nav>
</main></body></html>"""


def test_a_wordpress_post_extracts_by_the_generic_path_with_the_wordpress_profile():
    record = extract(CORE_POST, BLOG + "/2025/03/14/council-approves-the-new-bridge/", profile=WORDPRESS)
    assert record.url == BLOG + "/2025/03/14/council-approves-the-new-bridge/"
    assert record.title == "Council approves the new bridge"
    assert record.published == "2025-03-14T09:30:00+00:00"
    assert record.body.startswith("The city council voted") and record.body.endswith("both sides of the roadway.")
    assert record.extracted_with == "generic"


def test_a_wordpress_archive_lists_its_posts_next_page_and_menu_with_the_wordpress_profile():
    listing = parse_listing(CORE_ARCHIVE, BLOG + "/category/city/", profile=WORDPRESS)
    assert listing.articles == [BLOG + "/2025/03/14/council-approves-the-new-bridge/",
                                BLOG + "/2025/03/12/library-opens-on-sundays/"]
    assert listing.next_page == BLOG + "/category/city/page/2/"
    assert listing.menu_links == [BLOG + "/category/city/", BLOG + "/category/sport/"]
    # Any profile reads a page no rule set of its own matches by WordPress's markup: a changed theme still lists.
    assert parse_listing(CORE_ARCHIVE, BLOG + "/category/city/") == listing


def test_the_wordpress_profile_uses_none_of_the_site_rules_on_a_potus_news_page(built_site):
    article = built_site.content.articles[0]
    page, url = read_page(built_site, article.path), built_site.base_url + article.path
    assert extract(page, url).extracted_with.startswith("smartmag-v10")
    assert extract(page, url, profile=WORDPRESS).extracted_with == "generic"


def test_the_demo_site_fills_every_field_as_potus_news_profile_expects(built_site):
    records = [extract(read_page(built_site, url.removeprefix(built_site.base_url)), url)
               for url in built_site.expected_records]
    expected = DEFAULT_PROFILE.expected_fill_rates
    assert set(expected) <= set(FILL_FIELDS)
    for field, floor in expected.items():
        assert sum(bool(getattr(record, field)) for record in records) / len(records) >= floor, field


def make_spider(base_url: str | None = None, **settings) -> PotusSpider:
    crawler = get_crawler(PotusSpider, {**PROJECT_SETTINGS, "POTUS_EXTRACTION_WORKERS": 0, **settings})
    return PotusSpider.from_crawler(crawler, **({"base_url": base_url} if base_url else {}))


def test_by_default_the_spider_crawls_potus_news_from_its_profile():
    spider = make_spider()
    assert spider.profile is DEFAULT_PROFILE and spider.base_url == DEFAULT_PROFILE.base_url
    assert spider.seeds == str(DEFAULT_PROFILE.seeds) and DEFAULT_PROFILE.seeds.is_file()
    assert spider.settings.getlist("POTUS_SITEMAPS") == list(DEFAULT_PROFILE.sitemaps)


def test_potus_site_picks_the_profile_its_url_patterns_and_its_setting_defaults():
    spider = make_spider(BLOG, POTUS_SITE="wordpress")
    assert spider.profile is PROFILES["wordpress"] and spider.seeds is None
    assert spider.settings.getlist("POTUS_SITEMAPS") == ["/wp-sitemap.xml"]
    assert spider.is_on_site(BLOG + "/2025/03/14/council-approves-the-new-bridge/", spider.profile.urls.article)
    assert not spider.is_on_site(BLOG + "/2025/03/14/", spider.profile.urls.article)


def test_a_profile_that_names_no_site_needs_a_base_url():
    with pytest.raises(BadSetting, match="POTUS_BASE_URL=None .*site wordpress names none"):
        make_spider(POTUS_SITE="wordpress")


def test_a_site_setting_set_apart_from_its_default_outranks_the_profile():
    spider = make_spider(BLOG, POTUS_SITE="wordpress", POTUS_SITEMAPS=["/sitemap_index.xml"])
    assert spider.settings.getlist("POTUS_SITEMAPS") == ["/sitemap_index.xml"]
