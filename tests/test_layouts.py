"""SmartMag's single-post layouts and theme options: each rule set on the demo pages rendered in its layout."""

from __future__ import annotations

import re

import pytest

from conftest import read_page
from extractors import extract, parse_listing
from extractors.article import ArticlePage, parse_html
from extractors.boilerplate import article_span

LAYOUTS = ("modern", "cover", "classic")
JSON_LD = re.compile(r'<script[^>]*application/ld\+json[^>]*>.*?</script>', re.DOTALL)


def pages_in(site, layout: str, *, with_header: bool = True):
    """(article, parsed page) of every post in the layout; a cover post has a header only with an image."""
    for article in site.content.articles:
        if article.presentation.layout == layout and (layout != "cover" or bool(article.image) == with_header):
            url = site.base_url + article.path
            yield article, ArticlePage(parse_html(read_page(site, article.path)), url)


def test_the_demo_site_shows_every_layout_and_option(built_site):
    shown = {label for article in built_site.content.articles
             for label in article.presentation.variants(article)}
    assert {f"layout {layout} (header)" for layout in LAYOUTS} <= shown
    assert {"layout cover (no header)", "option use-modified-date", "option category-style text",
            "option category-style labels", "option author-off", "option co-authors", "option no-theme-schema",
            "plugin ad-inserter", "plugin wp-automatic", "plugin feed-copy", "plugin inline-related"} <= shown


@pytest.mark.parametrize("layout", LAYOUTS)
def test_each_layout_has_its_rule_set_reading_its_post_header(built_site, layout):
    pages = list(pages_in(built_site, layout))
    assert len(pages) >= 5
    for article, page in pages:
        shown = article.presentation
        assert page.rules.name == f"smartmag-v10/{layout}"
        assert page.texts(page.rules.title) == [article.title]
        assert page.texts(page.rules.authors) == ([a.name for a in article.authors] if shown.author_item else [])
        assert page.texts(page.rules.primary_category) == [article.primary_category.name]
        # "Use Modified Date" shows only the last change, classed as the modified date.
        assert page.texts(page.rules.published) == ([] if shown.modified_date else [article.published])
        modified = [article.last_modified] if shown.modified_date or article.modified else []
        assert page.texts(page.rules.modified) == modified


def test_a_cover_post_without_featured_image_has_no_header_and_the_site_wide_rules(built_site):
    pages = list(pages_in(built_site, "cover", with_header=False))
    assert pages
    for article, page in pages:
        assert page.rules.name == "smartmag-v10"
        assert page.record().title == article.title


@pytest.mark.parametrize("layout", LAYOUTS)
def test_without_json_ld_the_post_header_gives_title_authors_dates_and_category(built_site, layout):
    for article, _ in pages_in(built_site, layout):
        url = built_site.base_url + article.path
        record = extract(JSON_LD.sub("", read_page(built_site, article.path)), url)
        expected = built_site.content.expected_record(article, built_site.base_url)
        for field in ("title", "authors", "published", "modified", "categories", "tags", "body", "source_url"):
            assert getattr(record, field) == expected[field], (article.slug, field)


def articles_with(site, plugin: str):
    found = [a for a in site.content.articles if plugin in a.presentation.plugins]
    assert found, plugin
    return found


@pytest.mark.parametrize("plugin, left_out", [
    ("ad-inserter", "Advertisement"),
    ("feed-copy", "appeared first on"),
    ("feed-copy", "Trusted Editorial content"),
    ("feed-copy", "Editorial Policy"),
    ("feed-copy", "About Author"),
    ("feed-copy", "affiliate links"),
    ("inline-related", "Also Read:"),
])
def test_plugins_text_is_not_body_text(built_site, plugin, left_out):
    seen = False
    for article in articles_with(built_site, plugin):
        html = read_page(built_site, article.path)
        seen = seen or left_out in html
        record = extract(html, built_site.base_url + article.path)
        assert left_out not in record.body, article.slug
        assert record.body == article.body, article.slug
    assert seen, f"no page shows {left_out!r}"


def test_wp_automatic_source_link_with_trailing_space_and_no_target(built_site):
    for article in articles_with(built_site, "wp-automatic"):
        html = read_page(built_site, article.path)
        if article.source_url:
            assert ">Source link </a>" in html
        assert extract(html, built_site.base_url + article.path).source_url == article.source_url


def test_a_line_linking_elsewhere_stays_body_text():
    html = """<html><head><link rel='stylesheet' id='smartmag-core-css' href='/style.css' /></head><body>
<div class="the-post-header s-head-modern"><h1 class="is-title post-title">Title</h1></div>
<article id="post-1" class="post type-post"><div class="post-content entry-content">
<p>First paragraph of the article.</p>
<p>Read more: <a href="https://www.congress.gov/bill/1">the bill's text</a></p>
<p>Also Read: <a href="https://potusnews.news/other-post/">Another post</a></p>
<p>Last paragraph.</p></div></article></body></html>"""
    body = extract(html, "https://potusnews.news/post/").body
    assert body.split("\n\n") == ["First paragraph of the article.", "Read more: the bill's text", "Last paragraph."]


def test_the_body_runs_from_the_first_paragraph_to_the_last():
    blocks = ["Trusted Editorial content, reviewed by leading industry experts. Ad Disclosure",
              "The first paragraph.", "Related: a line between paragraphs is not trimmed here.", "The last paragraph.",
              "Sign up for our newsletter to get the news delivered to your inbox.",
              "The post A Title appeared first on Outlet.", "Jane Roe", "Web 3 Journalist"]
    assert article_span(blocks) == blocks[1:4]


def test_a_load_more_button_loading_by_script_gives_the_numbered_next_page(built_site):
    category = built_site.content.categories[next(iter(built_site.content.script_load_more_categories))]
    for page, following in ((category.path, f"{category.path}page/2/"),
                            (f"{category.path}page/2/", f"{category.path}page/3/")):
        html = read_page(built_site, page)
        assert 'href="#" class="ts-button load-button' in html
        assert parse_listing(html, built_site.base_url + page).next_page == built_site.base_url + following


def test_mega_menu_posts_are_neither_menu_links_nor_listed_articles(built_site):
    html = read_page(built_site, "/category/national-security/")
    assert "item-mega-menu" in html and 'class="mobile-menu"></ul>' in html
    listing = parse_listing(html, built_site.base_url + "/category/national-security/")
    posts = {built_site.base_url + a.path for a in built_site.content.articles}
    category = built_site.content.categories["national-security"]
    listed = {built_site.base_url + a.path for a in built_site.content.in_category(category)}
    featured = {built_site.base_url + a.path for a in built_site.content.featured}
    assert not posts & set(listing.menu_links)
    assert set(listing.articles) == listed | featured
    assert {built_site.base_url + c.path for c in built_site.content.categories.values()} <= set(listing.menu_links)
