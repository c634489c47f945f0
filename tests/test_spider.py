"""The spider's decisions on single responses, without a crawl: what it schedules and what it yields."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from conftest import callback_outputs, read_page
from potus_crawler import settings as project_settings
from potus_crawler.extraction import WorkerFailed
from potus_crawler.items import ArticleGone, FetchedArticle, ListingWalked, PageFailure
from potus_crawler.spiders.potus import PotusSpider
from potus_crawler.storage import KnownArticle

BASE = "https://potusnews.news"
PROJECT_SETTINGS = {name: value for name, value in vars(project_settings).items() if name.isupper()}


def make_spider(**settings) -> PotusSpider:
    crawler = get_crawler(PotusSpider, {**PROJECT_SETTINGS, "POTUS_EXTRACTION_WORKERS": 0, **settings})
    return PotusSpider.from_crawler(crawler, base_url=BASE)


def known(url: str, last_checked: str) -> KnownArticle:
    return KnownArticle(url, "2025-03-01T00:00:00+00:00", last_checked, None, None, None)


def outputs(spider: PotusSpider, response, callback: str = "parse_article") -> list:
    return callback_outputs(spider, callback, response)


def test_a_stored_article_that_redirects_to_a_new_slug_is_stored_anew_and_the_old_url_marked_moved(built_site):
    spider = make_spider()
    article = built_site.content.articles[0]
    old, new = BASE + "/old-slug/", BASE + article.path
    spider.frontier.known = {old: known(old, "2026-01-01T00:00:00+00:00")}
    request = Request(new, meta={"redirect_urls": [old], "redirect_reasons": [301], "found_by": "recheck"})
    response = HtmlResponse(new, body=read_page(built_site, article.path).encode(), encoding="utf-8", request=request)
    fetched, moved = outputs(spider, response)
    assert isinstance(fetched, FetchedArticle) and fetched.record.url == new
    assert moved == ArticleGone(old, 301)


def test_an_article_that_does_not_move_yields_its_record_only(built_site):
    spider = make_spider()
    article = built_site.content.articles[0]
    url = BASE + article.path
    spider.frontier.known = {url: known(url, "2026-01-01T00:00:00+00:00")}
    response = HtmlResponse(url, body=read_page(built_site, article.path).encode(), encoding="utf-8",
                            request=Request(url, meta={"found_by": "recheck"}))
    assert [type(output) for output in outputs(spider, response)] == [FetchedArticle]


def test_a_listing_margin_below_one_page_is_refused():
    with pytest.raises(ValueError, match="POTUS_STOP_AFTER_KNOWN_PAGES"):
        make_spider(POTUS_STOP_AFTER_KNOWN_PAGES=0)


def test_a_sitemap_answering_with_an_html_page_is_recorded_and_the_next_candidate_tried():
    spider = make_spider()
    url = BASE + "/wp-sitemap.xml"
    soft_404 = HtmlResponse(url, body=b"<html><body><h1>Page not found</h1></body></html>", encoding="utf-8",
                            request=Request(url, meta={"kind": "sitemap", "fallbacks": [BASE + "/sitemap_index.xml"]}))
    failure, fallback = spider.parse_sitemap(soft_404)
    assert failure.url == url and "neither a feed nor a sitemap" in failure.reason
    assert isinstance(fallback, Request) and fallback.url == BASE + "/sitemap_index.xml"
    assert fallback.meta["fallbacks"] == []


def test_a_sitemap_the_site_does_not_have_is_no_failure_and_the_next_candidate_is_tried():
    spider = make_spider()
    url = BASE + "/wp-sitemap.xml"
    request = Request(url, meta={"kind": "sitemap", "fallbacks": [BASE + "/sitemap_index.xml", BASE + "/sitemap.xml"]})
    failure = Failure(HttpError(Response(url, status=404, request=request)))
    failure.request = request
    fallback, = spider.source_missing(failure)
    assert isinstance(fallback, Request) and fallback.url == BASE + "/sitemap_index.xml"
    assert fallback.meta["fallbacks"] == [BASE + "/sitemap.xml"]


def test_a_listing_the_parser_gave_up_on_is_followed_but_never_taken_as_walked_to_its_end():
    spider = make_spider()
    url = BASE + "/category/white-house-news/"
    page = (Path(__file__).parent / "fixtures" / "not-article-category" / "page.html").read_text("utf-8")
    # Nesting past libxml2's limit before the pagination: the parser stops there, the next-page link unread.
    cut = page.replace('<nav class="main-pagination', "<div>" * 300 + '<nav class="main-pagination', 1)
    assert cut != page
    response = HtmlResponse(url, body=cut.encode(), encoding="utf-8",
                            request=Request(url, meta={"kind": "listing", "walk": url, "known_pages": 0}))
    results = outputs(spider, response, "parse_listing")
    failures = [result for result in results if isinstance(result, PageFailure)]
    assert [failure.reason for failure in failures] == ["listing cut short: the HTML parser stopped part-way"]
    assert not [result for result in results if isinstance(result, ListingWalked)]
    assert [result for result in results if isinstance(result, Request) and result.meta.get("kind") == "article"]


def test_a_recheck_date_that_is_no_date_stops_the_spider_before_it_fetches():
    with pytest.raises(ValueError, match="POTUS_RECHECK_SINCE=.next blursday. is not allowed: a date"):
        make_spider(POTUS_RECHECK_SINCE="next blursday")


def test_post_sitemaps_dated_before_the_last_finished_crawl_are_not_fetched_again():
    spider = make_spider()
    spider.frontier.last_crawl_started = "2026-11-25T06:00:00+00:00"
    index = (b"<?xml version='1.0'?><sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
             b"<sitemap><loc>https://potusnews.news/post-sitemap.xml</loc><lastmod>2026-11-25T07:10:00+00:00</lastmod>"
             b"</sitemap><sitemap><loc>https://potusnews.news/post-sitemap2.xml</loc>"
             b"<lastmod>2026-10-01T09:00:00+00:00</lastmod></sitemap>"
             b"<sitemap><loc>https://potusnews.news/post-sitemap3.xml</loc></sitemap>"
             b"<sitemap><loc>https://potusnews.news/page-sitemap.xml</loc></sitemap></sitemapindex>")
    url = BASE + "/sitemap_index.xml"
    response = TextResponse(url, body=index, request=Request(url, meta={"kind": "sitemap"}))
    fetched = [request.url for request in spider.parse_sitemap(response)]
    # Changed since, and undated (no date, no knowing); never the pages' sitemap.
    assert fetched == [BASE + "/post-sitemap.xml", BASE + "/post-sitemap3.xml"]
    spider.frontier.full = True
    assert len(list(spider.parse_sitemap(response))) == 3


def test_a_listing_whose_worker_failed_is_recorded_and_its_walk_not_taken_as_ended(built_site, monkeypatch):
    spider = make_spider()
    url = BASE + "/category/white-house-news/"
    page = (Path(__file__).parent / "fixtures" / "not-article-category" / "page.html").read_text("utf-8")

    async def worker_died(html, url):
        raise WorkerFailed("the parsing worker died")

    monkeypatch.setattr(spider.extraction, "parse_listing", worker_died)
    response = HtmlResponse(url, body=page.encode(), encoding="utf-8",
                            request=Request(url, meta={"kind": "listing", "walk": url, "known_pages": 0}))
    assert outputs(spider, response, "parse_listing") == [
        PageFailure(url, "listing: the parsing worker died", 200)]


def test_a_listing_that_is_no_page_is_recorded_and_its_walk_not_taken_as_ended():
    spider = make_spider()
    url = BASE + "/category/white-house-news/page/2/"
    response = HtmlResponse(url, body=b"", encoding="utf-8",
                            request=Request(url, meta={"kind": "listing", "walk": url, "known_pages": 0}))
    failure, = outputs(spider, response, "parse_listing")
    assert isinstance(failure, PageFailure) and failure.url == url and failure.reason.startswith("listing: ")


def test_the_home_page_is_read_for_its_menu_only(built_site):
    spider = make_spider()
    url = BASE + "/"
    response = HtmlResponse(url, body=read_page(built_site, "/").encode(), encoding="utf-8",
                            request=Request(url, meta={"kind": "menu"}))
    results = outputs(spider, response, "parse_listing")
    assert results and all(isinstance(result, Request) and result.meta["kind"] == "listing"
                           and result.url.startswith(BASE + "/category/") for result in results)
    assert not spider.found


def test_each_menu_category_is_walked_once_however_many_pages_repeat_the_menu(built_site):
    spider = make_spider()
    home = BASE + "/"
    response = HtmlResponse(home, body=read_page(built_site, "/").encode(), encoding="utf-8",
                            request=Request(home, meta={"kind": "menu"}))
    first = [result.url for result in outputs(spider, response, "parse_listing")]
    again = outputs(spider, response, "parse_listing")
    assert len(first) == len(set(first)) > 3
    assert again == []
