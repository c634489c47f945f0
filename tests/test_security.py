"""What the crawler never does: leave the site, fetch what a page links to elsewhere, ignore robots.txt,
resolve XML entities, or let page text reach SQL as anything but a value."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from benchmarks.incremental import crawl, last_run
from conftest import callback_outputs
from extractors import ExtractionError
from extractors.feeds import parse_link_document
from potus_crawler import __version__
from potus_crawler import settings as project_settings
from potus_crawler.demo import build_site
from potus_crawler.demo.server import serving
from potus_crawler.queries import search
from potus_crawler.spiders.potus import PotusSpider
from potus_crawler.storage import ArticleStore
from test_storage import make_record

SINCE = "2025-03-10"


def test_every_request_of_a_crawl_goes_to_the_site_itself(served_site, tmp_path):
    """Source links, related outlets, share buttons, images: none is fetched; the server saw every request."""
    db = tmp_path / "potus.db"
    served_before = len(served_site.paths_served)
    assert crawl(served_site.base_url, db, SINCE).returncode == 0
    run = last_run(db)
    assert run["requests"] == len(served_site.paths_served) - served_before
    store = ArticleStore(db)
    source_urls = {row["source_url"] for row in store.db.query("select source_url from articles")}
    store.close()
    assert len(source_urls) > 40


def test_the_spider_schedules_no_link_off_the_site():
    settings = {name: value for name, value in vars(project_settings).items() if name.isupper()}
    crawler = get_crawler(PotusSpider, {**settings, "POTUS_EXTRACTION_WORKERS": 0})
    spider = PotusSpider.from_crawler(crawler, base_url="https://potusnews.news")
    page = Path(__file__).parent / "fixtures" / "not-article-category" / "page.html"
    html = page.read_text("utf-8").replace(
        'href="https://potusnews.news/category/white-house-news/page/2/"',
        'href="https://elsewhere.example/category/white-house-news/page/2/"')
    assert "elsewhere.example" in html
    url = "https://potusnews.news/category/white-house-news/"
    response = HtmlResponse(url, body=html.encode(), encoding="utf-8",
                            request=Request(url, meta={"kind": "listing", "walk": url, "known_pages": 0}))
    requested = [output.url for output in callback_outputs(spider, "parse_listing", response)
                 if isinstance(output, Request)]
    assert requested and all(link.startswith("https://potusnews.news/") for link in requested)


def test_robots_txt_is_obeyed(tmp_path):
    """An article robots.txt disallows is never fetched, and the crawl says why it is missing."""
    site_root, db = tmp_path / "site", tmp_path / "potus.db"
    with serving(site_root) as server:
        site = build_site(site_root, f"http://127.0.0.1:{server.server_port}")
        forbidden = site.content.articles[4].path
        robots = site_root / "robots.txt"
        robots.write_text(robots.read_text("utf-8").replace("Disallow: /wp-admin/",
                                                            f"Disallow: /wp-admin/\nDisallow: {forbidden}"))
        result = crawl(site.base_url, db, SINCE)
        served = list(server.paths_served)
    assert result.returncode == 0, result.stderr[-3000:]
    assert forbidden not in served and "/robots.txt" in served
    store = ArticleStore(db)
    assert len(store.article_urls()) == len(site.content.articles) - 1
    reasons = [row["reason"] for row in store.db.query("select reason from failures where url = ?",
                                                       [site.base_url + forbidden])]
    store.close()
    assert reasons and "robots.txt" in reasons[0]


def test_feeds_never_resolve_external_entities(tmp_path):
    """Neither a local file nor a URL named in a DTD is read: the server the entity points at sees nothing."""
    (tmp_path / "leak").write_text("leaked", encoding="utf-8")
    with serving(tmp_path) as server:
        feed = (f"<?xml version='1.0'?><!DOCTYPE rss [<!ENTITY file SYSTEM 'file:///etc/passwd'>"
                f"<!ENTITY web SYSTEM 'http://127.0.0.1:{server.server_port}/leak'>]>"
                "<rss version='2.0'><channel><item><link>https://potusnews.news/a/&file;&web;</link></item>"
                "</channel></rss>")
        try:
            links = parse_link_document(feed.encode(), "https://potusnews.news/feed/").links
        except ExtractionError:
            links = []
        served = list(server.paths_served)
    assert served == []
    assert all("root:" not in link.url and "leaked" not in link.url for link in links)


def test_page_text_reaches_sql_only_as_values(tmp_path):
    store = ArticleStore(tmp_path / "potus.db")
    hostile = "Robert'); DROP TABLE articles; --"
    record = make_record(url="https://potusnews.news/x'--/", title=hostile, tags=[hostile, "a]b"],
                         authors=['"; delete from authors; --'], body=f"{hostile}\n\nSenate vote.")
    store.save_article(record)
    assert store.load_record(record.url) == record.as_dict()
    assert search(store.db, hostile)[0]["title"] == hostile
    assert {"articles", "authors", "tags"} <= set(store.db.table_names())
    store.close()


@pytest.mark.parametrize(("overrides", "expected"), [
    ({"POTUS_CONTACT": "mailto:ops@example.org"}, f"potus-crawler/{__version__} (+mailto:ops@example.org)"),
    ({"POTUS_CONTACT": "mailto:ops@example.org", "USER_AGENT": "custom/1"}, "custom/1"),
])
def test_the_user_agent_names_the_contact_given_for_the_crawl(overrides, expected):
    settings = {name: value for name, value in vars(project_settings).items() if name.isupper()}
    crawler = get_crawler(PotusSpider, {**settings, **overrides})
    assert crawler.settings["USER_AGENT"] == expected
    assert crawler.settings["ROBOTSTXT_USER_AGENT"] == "potus-crawler"
