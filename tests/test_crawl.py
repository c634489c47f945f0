"""End to end: ``scrapy crawl potus`` against the demo site served on loopback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from potus_crawler.storage import ArticleStore

PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: Loopback needs no politeness delay; INFO keeps the log short enough to read on failure.
FAST = ["-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0", "-s", "LOG_LEVEL=INFO"]


def crawl(base_url: str, db: Path, *arguments: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "potus", "-a", f"base_url={base_url}", "-s", f"POTUS_DB={db}",
         *FAST, *arguments],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-4000:]
    return result


@pytest.fixture(scope="module")
def crawled(served_site, tmp_path_factory):
    db = tmp_path_factory.mktemp("crawl") / "potus.db"
    crawl(served_site.base_url, db)
    store = ArticleStore(db)
    yield served_site, store, db
    store.close()


def test_every_article_is_stored_once_and_nothing_else(crawled):
    site, store, _db = crawled
    assert store.article_urls() == sorted(site.expected_records)
    assert len(site.expected_records) >= 40


def test_every_stored_article_equals_its_expected_record(crawled):
    site, store, _db = crawled
    differing = {url: [field for field, value in expected.items() if store.load_record(url)[field] != value]
                 for url, expected in site.expected_records.items()}
    assert {url: fields for url, fields in differing.items() if fields} == {}


def test_the_run_is_recorded_with_its_counts(crawled):
    site, store, _db = crawled
    runs = list(store.db.query("select * from crawl_runs"))
    assert len(runs) == 1
    run = runs[0]
    assert run["status"] == "finished" and run["finish_reason"] == "finished" and run["problems"] is None
    assert run["articles_new"] == len(site.expected_records)
    assert run["failures"] == 0 and run["http_errors"] == 0
    assert store.db["failures"].count == 0


def test_each_article_is_fetched_once(crawled):
    site, store, db = crawled
    # Listing pages link each article many times (featured block, parents' archives); the server counts fetches.
    already_served = len(site.paths_served)
    crawl(site.base_url, db.with_name("again.db"))
    fetched = [site.base_url + path for path in site.paths_served[already_served:]]
    articles = [url for url in fetched if url in site.expected_records]
    assert sorted(articles) == sorted(site.expected_records)
    assert not [url for url in fetched if "utm_" in url or url.rstrip("/") + "/" != url and "." not in url[-6:]]


def test_a_full_crawl_walks_every_page_and_rechecks_every_article_conditionally(crawled):
    site, store, db = crawled
    served_before = len(site.paths_served)
    crawl(site.base_url, db, "-s", "POTUS_FULL=1", "-s", "POTUS_RECHECK_MINUTES=0")
    assert store.article_urls() == sorted(site.expected_records)
    fetched = site.paths_served[served_before:]
    assert any("/page/3/" in path for path in fetched)
    run = next(store.db.query("select * from crawl_runs order by id desc limit 1"))
    assert (run["articles_new"], run["articles_updated"], run["articles_unchanged"]) == (0, 0, len(site.expected_records))
    assert json.loads(run["http_status_counts"])["304"] == len(site.expected_records)
    assert store.db["article_authors"].count == sum(len(r["authors"]) for r in site.expected_records.values())


def test_categories_missing_from_the_seeds_are_found_through_the_menu(served_site, tmp_path):
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("# one category only\nhttps://potusnews.news/category/national-security/\n", encoding="utf-8")
    db = tmp_path / "menu.db"
    crawl(served_site.base_url, db, "-a", f"seeds={seeds}")
    store = ArticleStore(db)
    assert store.article_urls() == sorted(served_site.expected_records)
    store.close()
