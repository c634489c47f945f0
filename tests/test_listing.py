"""Listing pages: the posts they list, their next page, the menu's categories."""

from __future__ import annotations

from conftest import read_page
from extractors import parse_listing


def test_category_page_lists_its_posts_and_the_featured_block_not_widgets(built_site):
    content = built_site.content
    category = content.categories["white-house-news"]
    listing = parse_listing(read_page(built_site, category.path), built_site.base_url + category.path)
    listed = content.pages(content.in_category(category))[0]
    expected = [built_site.base_url + a.path for a in content.featured + listed]
    assert listing.articles == list(dict.fromkeys(expected))
    sidebar_only = {a.path for a in content.editors_picks} - {a.path for a in content.featured + listed}
    assert sidebar_only and not any(url.endswith(tuple(sidebar_only)) for url in listing.articles)


def test_numbered_pagination_leads_to_the_last_page(built_site):
    path, pages_seen = "/category/white-house-news/", 0
    while path:
        pages_seen += 1
        listing = parse_listing(read_page(built_site, path), built_site.base_url + path)
        path = listing.next_page.removeprefix(built_site.base_url) if listing.next_page else None
    content = built_site.content
    assert pages_seen == len(content.pages(content.in_category(content.categories["white-house-news"]))) >= 3


def test_load_more_link_is_followed_like_a_next_page(built_site):
    path = "/category/innovation/"
    assert "load-button" in read_page(built_site, path)
    listing = parse_listing(read_page(built_site, path), built_site.base_url + path)
    assert listing.next_page == built_site.base_url + "/category/innovation/page/2/"


def test_menu_links_every_category(built_site):
    listing = parse_listing(read_page(built_site, "/"), built_site.base_url + "/")
    for category in built_site.content.categories.values():
        assert built_site.base_url + category.path in listing.menu_links


def test_page_of_unknown_site_gives_empty_listing():
    listing = parse_listing("<html><body><a href='/x/'>x</a></body></html>", "https://example.com/")
    assert listing.articles == [] and listing.next_page is None and listing.menu_links == []
