"""The extractor on the demo site's pages and on hand-made edge cases."""

from __future__ import annotations

import pytest

from conftest import chrome_in, read_page
from extractors import ExtractionError, NotAnArticle, extract, extract_body


def test_every_demo_article_extracts_to_its_expected_record(built_site):
    for url, expected in built_site.expected_records.items():
        record = extract(read_page(built_site, url.removeprefix(built_site.base_url)), url).as_dict()
        differing = [field for field in expected if record[field] != expected[field]]
        assert not differing, f"{url}: {differing}"


def test_no_body_holds_chrome_or_captions(built_site):
    captions = [block["caption"] for article in built_site.content.articles
                for block in article.blocks if block["type"] == "figure"]
    assert captions, "the demo site must have figures with captions"
    for article in built_site.content.articles:
        body = extract(read_page(built_site, article.path), built_site.base_url + article.path).body
        assert chrome_in(body) == [], article.slug
        assert not [caption for caption in captions if caption in body], article.slug


@pytest.mark.parametrize("path", ["/", "/page/2/", "/category/innovation/", "/category/innovation/page/2/",
                                  "/about-us/"])
def test_pages_that_are_not_articles_are_refused(built_site, path):
    with pytest.raises(NotAnArticle):
        extract(read_page(built_site, path), built_site.base_url + path)


def test_tag_and_author_archives_are_not_articles(built_site):
    tag, author = built_site.content.tags[0], built_site.content.authors[0]
    for path in (tag.path, author.path):
        with pytest.raises(NotAnArticle):
            extract(read_page(built_site, path), built_site.base_url + path)


def test_fetched_url_variants_give_the_canonical_url(built_site):
    article = built_site.content.articles[0]
    html = read_page(built_site, article.path)
    canonical = built_site.base_url + article.path
    for fetched in (canonical.rstrip("/"), canonical + "?utm_source=twitter&utm_medium=social", canonical + "#respond"):
        assert extract(html, fetched).url == canonical


@pytest.mark.parametrize("html", ["", "   ", b"\x00\x01\x02", "<?xml version='1.0'?><rss></rss>"])
def test_input_that_is_no_page_raises_extraction_error(html):
    with pytest.raises(ExtractionError):
        extract(html, "https://potusnews.news/x/")


def test_a_case_the_extractor_does_not_handle_is_an_extraction_error_naming_it(built_site, monkeypatch):
    """So a crawl records the page as failed, with the reason, instead of losing it in a traceback."""
    from extractors import article as article_module

    def unhandled(_page):
        raise KeyError("og:title")

    monkeypatch.setattr(article_module.ArticlePage, "record", unhandled)
    page = built_site.content.articles[0].path
    with pytest.raises(ExtractionError, match=r"^the extractor failed: KeyError: 'og:title'$"):
        extract(read_page(built_site, page), built_site.base_url + page)


def test_article_markup_without_text_raises_extraction_error(built_site):
    article = built_site.content.articles[0]
    html = read_page(built_site, article.path)
    start = html.index('<div class="post-content')
    end = html.index("</div>", html.index("Source link"))
    emptied = html[:start] + '<div class="post-content cf entry-content"></div>' + html[end + len("</div>"):]
    with pytest.raises(ExtractionError, match="no article text"):
        extract(emptied, built_site.base_url + article.path)


GENERIC_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Senate passes stopgap bill to avert shutdown | Example Times</title>
<meta property="og:site_name" content="Example Times">
<meta property="og:title" content="Senate passes stopgap bill to avert shutdown | Example Times">
<meta name="author" content="By Jane Roe and Admin">
<meta property="article:published_time" content="2025-03-14T22:05:00Z">
<meta name="description" content="The measure keeps agencies open through September.">
</head><body>
<header><nav><a href="/">Home</a> <a href="/politics">Politics</a> <a href="/world">World</a></nav></header>
<main><article><h1>Senate passes stopgap bill to avert shutdown</h1>
<p>The Senate on Friday approved a stopgap spending bill that keeps federal agencies funded through the end of
September, sending the measure to the president hours before a midnight deadline.</p>
<p>The vote was 54 to 46. Several Democrats joined Republicans in supporting the bill, arguing that a shutdown
would hurt federal workers and the economy more than the cuts it contains.</p>
<p>“Nobody got everything they wanted,” the majority leader said on the floor, “but the government stays open.”</p>
</article>
<aside><h3>Most read</h3><ul><li><a href="/a">Markets slide as tariffs loom</a></li></ul></aside></main>
<footer><p>© 2025 Example Times. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
</body></html>"""


def test_generic_news_page_uses_trafilatura_and_metadata_fallbacks():
    record = extract(GENERIC_PAGE, "https://example.com/politics/stopgap-bill?utm_campaign=x")
    assert record.url == "https://example.com/politics/stopgap-bill/"
    assert record.title == "Senate passes stopgap bill to avert shutdown"
    assert record.authors == ["Jane Roe"]
    assert record.published == "2025-03-14T22:05:00+00:00"
    assert record.published_raw == "2025-03-14T22:05:00Z"
    assert record.language == "en"
    assert record.body.startswith("The Senate on Friday approved")
    assert record.body.endswith("“but the government stays open.”")
    assert "Most read" not in record.body and "All rights reserved" not in record.body
    assert record.body.count("\n\n") == 2
    assert record.related_links == [] and record.source_url is None
    assert record.extracted_with == "generic"


def test_extract_body_works_on_any_news_page():
    assert extract_body(GENERIC_PAGE).startswith("The Senate on Friday approved")


def test_author_candidates_that_are_not_people_are_dropped():
    html = GENERIC_PAGE.replace(
        '<meta name="author" content="By Jane Roe and Admin">',
        '<meta name="author" content="By Jane Roe, Example Times, jroe@example.com, https://example.com/staff/jroe,'
        ' Senior Correspondent covering the White House for the paper, example.com, Max Mustermann">')
    assert extract(html, "https://www.example.com/politics/stopgap-bill").authors == ["Jane Roe", "Max Mustermann"]
