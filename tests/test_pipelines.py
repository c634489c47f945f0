"""Pipelines one by one, with a real Scrapy crawler object and an in-memory database."""

from __future__ import annotations

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from potus_crawler.items import PageFailure
from potus_crawler.pipelines.normalize import NormalizePipeline
from potus_crawler.pipelines.store import RUN_ID_STAT, SQLiteStorePipeline
from potus_crawler.pipelines.validate import ValidatePipeline
from potus_crawler.spiders.potus import PotusSpider
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
    pipeline.process_item(item)
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
    NormalizePipeline.from_crawler(crawler).process_item(item)
    assert item == make_record()
    assert not [key for key in crawler.stats.get_stats() if key.startswith("normalize/")]


@pytest.mark.parametrize("field", ["url", "title", "body"])
def test_validate_drops_records_missing_a_required_field(crawler, field):
    with pytest.raises(DropItem, match=field):
        ValidatePipeline.from_crawler(crawler).process_item(make_record(**{field: ""}))
    assert crawler.stats.get_value(f"validate/dropped/missing_{field}") == 1


def test_store_upserts_articles_and_records_failures(crawler):
    pipeline = SQLiteStorePipeline.from_crawler(crawler)
    pipeline.open_spider()
    crawler.stats.set_value(RUN_ID_STAT, pipeline.store.start_run("potus", "https://potusnews.news"))
    pipeline.process_item(make_record())
    pipeline.process_item(make_record())
    pipeline.process_item(PageFailure("https://potusnews.news/broken/", "no article text found", 200))
    db = pipeline.store.db
    assert db["articles"].count == 1
    assert [dict(r) for r in db.query("select url, reason, run_id from failures")] == [
        {"url": "https://potusnews.news/broken/", "reason": "no article text found", "run_id": 1}]
    assert crawler.stats.get_value("potus/articles_new") == 1
    assert crawler.stats.get_value("potus/articles_updated") == 1
    pipeline.close_spider()
