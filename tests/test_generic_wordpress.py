"""The generic WordPress path: the demo site in a block theme no site's rules know, and core and plugin
markup of classic themes, extracted without site rules."""

from __future__ import annotations

import pytest

from conftest import chrome_in, read_page
from test_crawl import crawl

from extractors import GENERIC, extract, parse_listing
from potus_crawler.demo import build_site, demo_site
from potus_crawler.storage import ArticleStore


@pytest.fixture(scope="module")
def block_site(tmp_path_factory):
    return build_site(tmp_path_factory.mktemp("block-site"), "https://potusnews.news", theme="block")


def test_block_theme_pages_carry_no_smartmag_markup(block_site):
    page = read_page(block_site, block_site.content.articles[0].path)
    assert "smartmag" not in page.lower() and "smart-head" not in page and "wp-block-post-terms" in page


def test_every_block_theme_article_extracts_to_its_expected_record(block_site):
    for url, expected in block_site.expected_records.items():
        record = extract(read_page(block_site, url.removeprefix(block_site.base_url)), url).as_dict()
        assert record["extracted_with"] == GENERIC
        differing = [field for field in expected if record[field] != expected[field]]
        assert not differing, f"{url}: {differing}"


def test_no_block_theme_body_holds_chrome(block_site):
    for article in block_site.content.articles:
        body = extract(read_page(block_site, article.path), block_site.base_url + article.path).body
        assert chrome_in(body) == [], article.slug
        assert not [other.title for other in article.related if other.title in body], article.slug


def test_without_author_meta_the_byline_block_names_the_author(block_site):
    article = next(a for a in block_site.content.articles if len(a.authors) == 1)
    page = read_page(block_site, article.path).replace('<meta name="author"', '<meta name="byline"')
    assert extract(page, block_site.base_url + article.path).authors == [article.authors[0].name]


def test_block_theme_listing_gives_the_main_query_loop_and_its_next_page(block_site):
    content = block_site.content
    category = content.categories["white-house-news"]
    pages = content.pages(content.in_category(category))
    path, seen = category.path, []
    while path:
        listing = parse_listing(read_page(block_site, path), block_site.base_url + path)
        seen.append(listing.articles)
        path = listing.next_page.removeprefix(block_site.base_url) if listing.next_page else None
    assert seen == [[block_site.base_url + a.path for a in page] for page in pages] and len(pages) >= 3


def test_block_theme_navigation_links_every_category(block_site):
    listing = parse_listing(read_page(block_site, "/"), block_site.base_url + "/")
    assert {block_site.base_url + c.path for c in block_site.content.categories.values()} <= set(listing.menu_links)


def test_a_crawl_of_the_block_theme_site_stores_every_article_from_its_menu_and_listings(tmp_path):
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("https://potusnews.news/category/national-security/\n", encoding="utf-8")
    db = tmp_path / "block.db"
    with demo_site(theme="block") as site:
        crawl(site.base_url, db, "-a", f"seeds={seeds}")
        served = set(site.paths_served)
    store = ArticleStore(db)
    try:
        assert store.article_urls() == sorted(site.expected_records)
        differing = {url: [field for field, value in expected.items() if store.load_record(url)[field] != value]
                     for url, expected in site.expected_records.items()}
        assert {url: fields for url, fields in differing.items() if fields} == {}
    finally:
        store.close()
    # Categories missing from the seeds came from the navigation block, their later pages from the query pagination.
    content = site.content
    for category in content.categories.values():
        last = len(content.pages(content.in_category(category)))
        assert (category.path if last == 1 else f"{category.path}page/{last}/") in served, category.slug


# -- classic themes and plugins, by hand --------------------------------------------------------

CLASSIC_POST = """<!DOCTYPE html><html lang="en-US"><head><meta charset="UTF-8">
<title>Senate passes stopgap bill - Example Blog</title>
<meta property="og:site_name" content="Example Blog">
<meta name="author" content="Jane Roe">
<meta property="article:published_time" content="2025-03-14T22:05:00+00:00">
</head><body class="post-template-default single single-post">
<main id="main"><article id="post-77" class="post-77 post type-post status-publish category-congress category-budget tag-senate tag-shutdown">
<header class="entry-header"><h1 class="entry-title">Senate passes stopgap bill</h1>
<span class="cat-links"><a href="https://blog.example/category/congress/" rel="category tag">Congress</a></span></header>
<div class="entry-content">
<p>The Senate on Friday approved a stopgap spending bill that keeps federal agencies funded through the end of
September, sending the measure to the president hours before a midnight deadline.</p>
<p>The vote was 54 to 46. Several Democrats joined Republicans in supporting the bill, arguing that a shutdown
would hurt federal workers and the economy more than the cuts it contains.</p>
<p><a href="https://blog.example/an-earlier-post/">Source link</a> to our own post is no source.</p>
<p><a href="https://www.politico.com/news/2025/03/14/stopgap">Source link </a></p>
{related}
</div>
<footer class="entry-footer"><span class="tags-links"><a href="https://blog.example/tag/senate/" rel="tag">Senate</a></span></footer>
</article></main>
<aside><article id="post-12" class="post-12 post category-sports"><a href="/category/sports/" rel="category tag">Sports</a></article></aside>
</body></html>"""
JETPACK_RELATED = """<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline"><em>Related</em></h3>
<div class="jp-relatedposts-items jp-relatedposts-items-visual">
<div class="jp-relatedposts-post jp-relatedposts-post0" data-post-id="70"><a class="jp-relatedposts-post-a" href="https://blog.example/house-vote/"><img src="/a.jpg" alt=""></a>
<h4 class="jp-relatedposts-post-title"><a class="jp-relatedposts-post-a" href="https://blog.example/house-vote/">House vote</a></h4>
<p class="jp-relatedposts-post-date">March 12, 2025</p></div></div></div>"""
YARPP_RELATED = """<div class="yarpp yarpp-related yarpp-template-list"><h3>Related posts:</h3>
<ol><li><a href="https://blog.example/house-vote/" rel="bookmark" title="House vote">House vote</a></li>
<li><a href="https://blog.example/budget-talks/" rel="bookmark" title="Budget talks">Budget talks</a></li></ol></div>"""
POST_URL = "https://blog.example/senate-stopgap/"


def test_classic_theme_categories_come_from_category_links_of_the_post_only():
    assert extract(CLASSIC_POST.format(related=""), POST_URL).categories == ["Congress"]


def test_post_classes_name_the_categories_when_no_link_does():
    page = CLASSIC_POST.format(related="").replace(' rel="category tag"', "")
    # "budget" is linked nowhere: its name comes from its slug.
    assert extract(page, POST_URL).categories == ["Congress", "Budget"]


def test_classic_theme_tags_come_from_the_posts_tag_links_else_its_classes():
    assert extract(CLASSIC_POST.format(related=""), POST_URL).tags == ["Senate"]
    page = CLASSIC_POST.format(related="").replace(' rel="tag"', "")
    assert extract(page, POST_URL).tags == ["Senate", "Shutdown"]


def test_classic_theme_byline_link_names_the_author_without_author_meta():
    page = CLASSIC_POST.format(related="").replace('<meta name="author" content="Jane Roe">', "").replace(
        '<span class="cat-links">', '<span class="byline"><a href="https://blog.example/author/jroe/" rel="author">Jane Roe</a></span><span class="cat-links">')
    assert extract(page, POST_URL).authors == ["Jane Roe"]


def test_source_link_is_the_last_one_to_another_site_with_or_without_a_trailing_space():
    record = extract(CLASSIC_POST.format(related=""), POST_URL)
    assert record.source_url == "https://www.politico.com/news/2025/03/14/stopgap"
    assert record.extracted_with == GENERIC


@pytest.mark.parametrize(("block", "expected"), [
    (JETPACK_RELATED, [("https://blog.example/house-vote/", "House vote")]),
    (YARPP_RELATED, [("https://blog.example/house-vote/", "House vote"),
                     ("https://blog.example/budget-talks/", "Budget talks")]),
])
def test_related_posts_of_common_plugins(block, expected):
    related = extract(CLASSIC_POST.format(related=block), POST_URL).related_links
    assert [(link.url, link.title) for link in related] == expected
    assert all(link.published is None for link in related)
