"""Pipelines one by one, with a real Scrapy crawler object and an in-memory database."""

from __future__ import annotations

import asyncio

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from potus_crawler.items import ArticleGone, ArticleNotModified, FetchedArticle, ListingWalked, PageFailure
from potus_crawler.pipelines.normalize import NormalizePipeline
from potus_crawler.pipelines.store import SQLiteStorePipeline
from potus_crawler.stat_keys import RUN_ID
from potus_crawler.pipelines.validate import ValidatePipeline
from potus_crawler.spiders.potus import PotusSpider
from potus_crawler.storage import ArticleStore
from test_storage import make_record


@pytest.fixture
def crawler():
    crawler = get_crawler(PotusSpider, {"POTUS_DB": ":memory:", "POTUS_TIMEZONE": "America/New_York"})
    crawler.stats.open_spider()
    return crawler


def test_normalize_fixes_and_counts_each_field(crawler):
    pipeline = NormalizePipeline.from_crawler(crawler)
    item = make_record(url="https://potusnews.news/tusk-wins-vote?utm_source=x", title="  Tusk\u00a0wins ",
                       published="June 11, 2025 8:00 am", tags=["NATO", " NATO", ""], word_count=0)
    pipeline.process_item(FetchedArticle(item, "listing"))
    assert item.url == "https://potusnews.news/tusk-wins-vote/"
    assert item.title == "Tusk wins"
    assert item.published == "2025-06-11T08:00:00-04:00"
    assert item.tags == ["NATO"]
    assert item.word_count == 11
    stats = crawler.stats.get_stats()
    assert {key: stats[key] for key in stats if key.startswith("normalize/")} == {
        "normalize/changed/url": 1, "normalize/changed/title": 1, "normalize/changed/published": 1,
        "normalize/changed/tags": 1, "normalize/changed/word_count": 1}


def test_normalize_leaves_a_normalized_record_alone(crawler):
    item = make_record()
    NormalizePipeline.from_crawler(crawler).process_item(FetchedArticle(item, "listing"))
    assert item == make_record()
    assert not [key for key in crawler.stats.get_stats() if key.startswith("normalize/")]


@pytest.mark.parametrize("field", ["url", "title", "body"])
def test_validate_drops_records_missing_a_required_field(crawler, field):
    with pytest.raises(DropItem, match=field):
        ValidatePipeline.from_crawler(crawler).process_item(FetchedArticle(make_record(**{field: ""}), "listing"))
    assert crawler.stats.get_value(f"validate/dropped/missing_{field}") == 1


@pytest.fixture
def store_pipeline(tmp_path):
    crawler = get_crawler(PotusSpider, {"POTUS_DB": str(tmp_path / "potus.db"),
                                        "EXTENSIONS": {"potus_crawler.writer.CrawlDatabase": 300}})
    crawler.stats.open_spider()
    pipeline = SQLiteStorePipeline.from_crawler(crawler)
    asyncio.run(pipeline.open_spider())
    store = ArticleStore(tmp_path / "potus.db")
    crawler.stats.set_value(RUN_ID, store.start_run("potus", "https://potusnews.news"))
    yield pipeline
    store.close()


def end_crawl(pipeline: SQLiteStorePipeline, reason: str) -> None:
    """What the end of a crawl does: the pipeline's last writes, then the database closed once the engine stops."""
    pipeline.spider_closed(None, reason)
    pipeline.database.close()


def process(pipeline: SQLiteStorePipeline, *items) -> None:
    async def one_by_one():
        for item in items:
            await pipeline.process_item(item)

    asyncio.run(one_by_one())


def test_store_counts_each_outcome_and_records_failures(store_pipeline):
    url = make_record().url
    process(store_pipeline, FetchedArticle(make_record(), "feed", etag='"v1"'), FetchedArticle(make_record(), "recheck"),
            FetchedArticle(make_record(body="Corrected text."), "recheck"), ArticleNotModified(url),
            ArticleGone(url, 410), ArticleGone(url, 410),
            PageFailure("https://potusnews.news/broken/", "no article text found", 200))
    store_pipeline.close_spider()
    end_crawl(store_pipeline, "finished")
    db = ArticleStore(store_pipeline.crawler.settings["POTUS_DB"]).db
    assert db["articles"].count == 1 and db["article_revisions"].count == 1
    assert db["articles"].get(url)["gone_status"] == 410
    assert [dict(r) for r in db.query("select url, reason, run_id from failures")] == [
        {"url": "https://potusnews.news/broken/", "reason": "no article text found", "run_id": 1}]
    stats = store_pipeline.crawler.stats.get_stats()
    assert {key: stats.get(key) for key in ("potus/articles_new", "potus/articles_updated",
                                            "potus/articles_unchanged", "potus/articles_gone", "potus/failures")} == {
        "potus/articles_new": 1, "potus/articles_updated": 1, "potus/articles_unchanged": 2,
        "potus/articles_gone": 1, "potus/failures": 1}
    assert stats["potus/time/store_s"] > 0
    db.close()


@pytest.mark.parametrize(("reason", "committed"), [("finished", ["https://potusnews.news/category/a/"]),
                                                   ("shutdown", [])])
def test_walked_listings_are_committed_only_by_a_finished_crawl(store_pipeline, reason, committed):
    process(store_pipeline, ListingWalked("https://potusnews.news/category/a/"))
    store_pipeline.close_spider()
    end_crawl(store_pipeline, reason)
    store = ArticleStore(store_pipeline.crawler.settings["POTUS_DB"])
    assert sorted(store.walked_listings()) == committed
    store.close()
