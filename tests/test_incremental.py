"""Scheduled crawls of a changing demo site, through ``potus-crawler crawl`` as cron runs it.

The site is served on loopback and changed between crawls (three posts published, one
edited, one removed); the server records every path it answers, so what each crawl
fetched is counted on the server's side, not taken from the crawler's word.
"""

from __future__ import annotations

import json
import subprocess
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from benchmarks.incremental import crawl, crawl_command, crawl_killed_after, last_run, stored_rows
from extractors.sites import DEFAULT_PROFILE
from potus_crawler.cli import EXIT_LOCKED, EXIT_OK
from potus_crawler.demo import demo_site
from potus_crawler.storage import ArticleStore

#: The re-check window of these crawls: the three newest demo posts (March 14, 12 and 11, 2025).
SINCE = "2025-03-10"
SEED_PATHS = [urlsplit(line).path for line in DEFAULT_PROFILE.seeds.read_text("utf-8").splitlines()
              if line.startswith("http")]


@dataclass
class Crawl:
    result: subprocess.CompletedProcess
    run: dict
    #: Paths the server answered during this crawl.
    paths: list[str]


def crawl_and_count(site, db: Path, *extra: str) -> Crawl:
    served_before = len(site.paths_served)
    result = crawl(site.base_url, db, SINCE, *extra)
    assert result.returncode == EXIT_OK, result.stderr[-3000:]
    return Crawl(result, last_run(db), site.paths_served[served_before:])


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    """First crawl, a crawl with nothing changed, then one after the site changed."""
    db = tmp_path_factory.mktemp("cron") / "potus.db"
    with demo_site() as site:
        first = crawl_and_count(site, db)
        unchanged = crawl_and_count(site, db)
        before = site.apply_changes(datetime.now(timezone.utc))
        changed = crawl_and_count(site, db)
        store = ArticleStore(db)
        yield site, before, store, (first, unchanged, changed)
        store.close()


def article_paths(site_content, paths: list[str]) -> list[str]:
    articles = {a.path for a in site_content.articles}
    return sorted(path for path in paths if path in articles)


def test_the_first_crawl_walks_every_listing_and_records_where_each_article_was_found(scenario):
    site, before, store, (first, _, _) = scenario
    assert first.run["articles_new"] == len(before.articles)
    assert article_paths(before, first.paths) == sorted(a.path for a in before.articles)
    assert any("/page/3/" in path for path in first.paths)
    found_by = {row["found_by"] for row in store.db.query("select found_by from articles")}
    assert found_by <= {"feed", "sitemap", "listing"} and None not in found_by


def test_a_crawl_with_nothing_changed_fetches_seeds_feeds_sitemaps_and_the_recheck_window_only(scenario):
    site, before, store, (_, unchanged, _) = scenario
    window = [a.path for a in before.articles if a.published >= SINCE]
    assert len(window) == 3
    assert article_paths(before, unchanged.paths) == sorted(window)
    listing_pages = [path for path in unchanged.paths if path.startswith("/category/") and not path.endswith("feed/")]
    # Each listing stops at its first page: the seeds, and the categories of the menu (the same ones).
    assert sorted(listing_pages) == sorted(SEED_PATHS)
    assert "/page/" not in " ".join(unchanged.paths)
    requests = json.loads(unchanged.run["requests_by_kind"])
    assert requests == {"robots": 1, "menu": 1, "feed": 1 + len(SEED_PATHS), "sitemap": 2,
                        "listing": len(SEED_PATHS), "recheck": 3}
    assert unchanged.run["requests"] == len(unchanged.paths) == sum(requests.values())
    # The window's articles answered 304 to conditional requests: nothing re-extracted, nothing rewritten.
    assert json.loads(unchanged.run["http_status_counts"]).get("304") == 3
    assert (unchanged.run["articles_new"], unchanged.run["articles_updated"], unchanged.run["articles_unchanged"]) == (
        0, 0, 3)


def test_after_three_posts_an_edit_and_a_removal_the_next_crawl_stores_exactly_that(scenario):
    site, before, store, (_, _, changed) = scenario
    new_urls = {site.base_url + a.path for a in site.content.articles} - {site.base_url + a.path for a in before.articles}
    assert len(new_urls) == 3
    assert (changed.run["articles_new"], changed.run["articles_updated"], changed.run["articles_gone"]) == (3, 1, 1)
    edited = site.base_url + "/what-past-tariff-wars-reveal-about-todays-fight/"
    assert [r["article_url"] for r in store.db.query("select article_url from article_revisions")] == [edited]
    gone = list(store.db.query("select url, gone_status from articles where gone_since is not null"))
    assert gone == [{"url": site.base_url + "/midwest-soybean-farmers-brace-for-retaliation/", "gone_status": 404}]
    # The removed article is kept; every other one equals the changed site's record, but for the
    # related posts (which shift as posts are published) of those not fetched again.
    assert len(store.article_urls()) == len(site.content.articles) + 1
    fetched = {site.base_url + path for path in changed.paths}
    differing = {url: [field for field, value in record.items() if store.load_record(url)[field] != value]
                 for url, record in site.expected_records.items()}
    assert {url: fields for url, fields in differing.items() if fields and (url in fetched or fields != [
        "related_links"])} == {}


def test_the_edit_outside_the_window_is_found_through_the_sitemap_date(scenario):
    site, before, store, (_, _, changed) = scenario
    edited = "/what-past-tariff-wars-reveal-about-todays-fight/"
    assert next(a for a in before.articles if a.path == edited).published < SINCE
    assert changed.paths.count(edited) == 1
    revision = next(store.db.query("select body from article_revisions"))
    assert "Update:" not in revision["body"] and "Update:" in store.load_record(site.base_url + edited)["body"]


def test_a_crawl_killed_half_way_resumes_without_refetching_and_ends_with_the_same_rows(served_site, tmp_path):
    uninterrupted = tmp_path / "uninterrupted.db"
    crawl(served_site.base_url, uninterrupted, SINCE)
    killed = tmp_path / "killed.db"
    served_before = len(served_site.paths_served)
    stored_when_killed = crawl_killed_after(
        crawl_command(served_site.base_url, killed, SINCE, "-s", "CONCURRENT_REQUESTS=1", "-s", "DOWNLOAD_DELAY=0.05"),
        killed, articles=len(served_site.expected_records) // 2)
    assert 0 < len(stored_when_killed) < len(served_site.expected_records)
    served_by_killed = len(served_site.paths_served)
    resumed = crawl(served_site.base_url, killed, SINCE, "-s", "POTUS_RECHECK_MINUTES=30")
    assert resumed.returncode == EXIT_OK, resumed.stderr[-3000:]
    assert "1 earlier run(s) had died" in resumed.stdout
    refetched = {served_site.base_url + path for path in served_site.paths_served[served_by_killed:]}
    assert not refetched & stored_when_killed
    assert stored_rows(killed) == stored_rows(uninterrupted)
    statuses = [r["status"] for r in ArticleStore(killed).db.query("select status from crawl_runs order by id")]
    assert statuses == ["interrupted", "finished"]
    assert len(served_site.paths_served) > served_before


def test_an_overlapping_run_exits_with_the_lock_code_and_writes_nothing(served_site, tmp_path):
    db = tmp_path / "cron.db"
    first = subprocess.Popen(crawl_command(served_site.base_url, db, SINCE, "-s", "CONCURRENT_REQUESTS=1",
                                           "-s", "DOWNLOAD_DELAY=0.02"),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while not db.exists() and first.poll() is None:
        time.sleep(0.05)
    second = crawl(served_site.base_url, db, SINCE)
    first_out, first_err = first.communicate(timeout=300)
    assert second.returncode == EXIT_LOCKED and "not started: another crawl holds" in second.stderr
    assert first.returncode == EXIT_OK, first_err[-3000:]
    store = ArticleStore(db)
    assert store.db["crawl_runs"].count == 1
    assert store.article_urls() == sorted(served_site.expected_records)
    store.close()
