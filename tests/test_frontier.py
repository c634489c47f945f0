"""The frontier's decisions one by one, without Scrapy: what is fetched again, when a walk ends, which sitemap next."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from potus_crawler.frontier import Frontier, WalkStep, next_sitemap, recheck_window_start
from potus_crawler.storage import KnownArticle

BASE = "https://potusnews.news"
NEW_YORK = ZoneInfo("America/New_York")
WINDOW_START = "2025-03-10T00:00:00-04:00"
WALK = BASE + "/category/white-house-news/"


def known(url: str, last_checked: str | None = "2025-03-10T08:00:00+00:00", gone_since: str | None = None
          ) -> KnownArticle:
    return KnownArticle(url, "2025-03-01T00:00:00+00:00", last_checked, None, None, gone_since)


def frontier(*stored: KnownArticle, **fields) -> Frontier:
    return Frontier(NEW_YORK, WINDOW_START, known={article.url: article for article in stored}, **fields)


def test_the_frontier_runs_without_scrapy():
    program = "import sys, potus_crawler.frontier; print('scrapy' in sys.modules)"
    imported = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert imported.stdout.strip() == "False"


# -- re-checks and retries ---------------------------------------------------------


def test_the_recheck_window_starts_at_the_date_given_in_the_site_zone():
    now = datetime(2025, 3, 14, 12, tzinfo=timezone.utc)
    assert recheck_window_start("2025-03-10", 3, NEW_YORK, now) == "2025-03-10T00:00:00-04:00"


def test_without_a_date_the_recheck_window_starts_its_days_ago():
    now = datetime(2025, 3, 14, 12, tzinfo=timezone.utc)
    assert recheck_window_start(None, 3, NEW_YORK, now) == "2025-03-11T12:00:00+00:00"


def test_articles_published_in_the_window_and_not_checked_for_its_minutes_are_due():
    now = datetime(2025, 3, 14, 12, tzinfo=timezone.utc)
    assert frontier(recheck_minutes=30).recheck_bounds(now) == (WINDOW_START, "2025-03-14T11:30:00+00:00")


def test_with_full_every_stored_article_is_due_whenever_published():
    now = datetime(2025, 3, 14, 12, tzinfo=timezone.utc)
    assert frontier(full=True, recheck_minutes=30).recheck_bounds(now) == (None, "2025-03-14T11:30:00+00:00")


def test_pages_that_failed_since_the_window_start_are_retried():
    assert frontier().retry_failed_since == WINDOW_START


# -- articles ----------------------------------------------------------------------


@pytest.mark.parametrize(("lastmod", "last_checked", "changed"), [
    ("2025-03-10T12:00:00+00:00", "2025-03-10T08:00:00+00:00", True),
    ("2025-03-10T07:00:00+00:00", "2025-03-10T08:00:00+00:00", False),
    # A date alone may hide an edit later that day: the day of the check counts as changed, earlier days not.
    ("2025-03-10", "2025-03-10T08:00:00+00:00", True),
    ("2025-03-09", "2025-03-10T08:00:00+00:00", False),
    # Offsets are compared as instants: 01:00 in New York is 06:00 UTC, after a 05:00 UTC check.
    ("2025-03-10T01:00:00-05:00", "2025-03-10T05:00:00+00:00", True),
    (None, "2025-03-10T08:00:00+00:00", False),
])
def test_a_sitemap_date_says_whether_a_stored_article_changed_since_its_check(lastmod, last_checked, changed):
    assert frontier().changed_since_checked(known(BASE + "/a/", last_checked), lastmod) is changed


def test_a_date_without_a_time_is_a_day_of_the_site_zone():
    # Checked at 02:00 UTC on March 11, which is still March 10 in New York: a March 10 edit may follow it.
    assert frontier().changed_since_checked(known(BASE + "/a/", "2025-03-11T02:00:00+00:00"), "2025-03-10")


def test_a_sitemap_date_equal_to_the_check_counts_as_changed():
    assert frontier().changed_since_checked(known(BASE + "/a/", "2025-03-10T08:00:00+00:00"),
                                            "2025-03-10T08:00:00+00:00")


def test_a_stored_article_never_checked_counts_as_changed_when_dated():
    assert frontier().changed_since_checked(known(BASE + "/a/", None), "2025-03-01")


def test_a_new_article_is_fetched():
    assert frontier().should_fetch(BASE + "/new/")


def test_a_stored_article_unchanged_since_its_check_is_not_fetched():
    url = BASE + "/a/"
    assert not frontier(known(url)).should_fetch(url, "2025-03-09T08:00:00+00:00")
    assert not frontier(known(url)).should_fetch(url)


def test_a_stored_article_a_sitemap_dates_after_its_check_is_fetched():
    url = BASE + "/a/"
    assert frontier(known(url)).should_fetch(url, "2025-03-10T09:00:00+00:00")


def test_a_gone_article_found_again_is_fetched_again():
    url = BASE + "/a/"
    assert frontier(known(url, gone_since="2025-03-11T08:00:00+00:00")).should_fetch(url)


def test_with_full_every_stored_article_is_fetched():
    url = BASE + "/a/"
    assert frontier(known(url), full=True).should_fetch(url)


# -- sitemaps ----------------------------------------------------------------------


@pytest.mark.parametrize(("updated", "may_be_new"), [
    ("2026-11-25T07:10:00+00:00", True),
    # Equal may be new: the sitemap may have changed in the second the last crawl started.
    ("2026-11-25T06:00:00+00:00", True),
    ("2026-10-01T09:00:00+00:00", False),
    # A date without an offset is the site's: 01:30 in New York is 06:30 UTC, after the start.
    ("2026-11-25T01:30:00", True),
    # Undated: no knowing.
    (None, True),
])
def test_a_post_sitemap_dated_before_the_last_finished_crawl_started_is_not_new(updated, may_be_new):
    assert frontier(last_crawl_started="2026-11-25T06:00:00+00:00").sitemap_may_be_new(updated) is may_be_new


def test_every_post_sitemap_may_be_new_before_any_crawl_finished_and_with_full():
    assert frontier().sitemap_may_be_new("2026-10-01T09:00:00+00:00")
    assert frontier(last_crawl_started="2026-11-25T06:00:00+00:00", full=True).sitemap_may_be_new(
        "2026-10-01T09:00:00+00:00")


def test_sitemap_candidates_are_tried_in_order_until_none_is_left():
    candidates = [BASE + "/wp-sitemap.xml", BASE + "/sitemap_index.xml", BASE + "/sitemap.xml"]
    tried = []
    while (chosen := next_sitemap(candidates)) is not None:
        url, candidates = chosen
        tried.append(url)
    assert tried == [BASE + "/wp-sitemap.xml", BASE + "/sitemap_index.xml", BASE + "/sitemap.xml"]


# -- listing walks -----------------------------------------------------------------


def test_a_walk_is_under_way_from_its_first_page_read():
    walks = frontier()
    assert not walks.walk_under_way(WALK)
    walks.known_pages(WALK, [], 0)
    assert walks.walk_under_way(WALK)


def test_a_page_with_a_new_article_starts_the_count_of_known_pages_again():
    walks = frontier(known(BASE + "/a/"))
    assert walks.known_pages(WALK, [BASE + "/a/", BASE + "/new/"], 3) == 0


def test_a_page_of_stored_articles_and_of_links_earlier_pages_gave_counts_as_known():
    walks = frontier(known(BASE + "/a/"))
    assert walks.known_pages(WALK, [BASE + "/featured/", BASE + "/b/"], 0) == 0
    # The featured block repeats on every page: no news, though not stored yet.
    assert walks.known_pages(WALK, [BASE + "/featured/", BASE + "/a/"], 0) == 1
    assert walks.known_pages(WALK, [BASE + "/featured/", BASE + "/b/"], 1) == 2
    # Another walk has its own links: what this one gave is news there.
    assert walks.known_pages(BASE + "/category/innovation/", [BASE + "/featured/"], 0) == 0


def test_a_walk_walked_to_its_end_before_is_left_after_enough_known_pages():
    walks = frontier(walked_listings={WALK}, stop_after_known_pages=2)
    assert walks.after_page(WALK, 1, has_next=True, cut_short=False) is WalkStep.NEXT_PAGE
    assert walks.after_page(WALK, 2, has_next=True, cut_short=False) is WalkStep.LEFT_EARLY


def test_a_walk_never_walked_to_its_end_goes_on_however_many_known_pages():
    walks = frontier(stop_after_known_pages=1)
    assert walks.after_page(WALK, 5, has_next=True, cut_short=False) is WalkStep.NEXT_PAGE


def test_with_full_every_walk_goes_to_its_end():
    walks = frontier(walked_listings={WALK}, full=True)
    assert walks.after_page(WALK, 5, has_next=True, cut_short=False) is WalkStep.NEXT_PAGE


def test_a_last_page_ends_the_walk_as_walked_unless_the_parser_cut_it_short():
    walks = frontier()
    assert walks.after_page(WALK, 0, has_next=False, cut_short=False) is WalkStep.WALKED
    assert walks.after_page(WALK, 0, has_next=False, cut_short=True) is WalkStep.BROKEN_OFF


def test_a_page_cut_short_after_its_next_page_link_is_followed():
    walks = frontier()
    assert walks.after_page(WALK, 0, has_next=True, cut_short=True) is WalkStep.NEXT_PAGE
