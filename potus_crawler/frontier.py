"""What a crawl fetches again, decided from what the store knows of earlier crawls.

The spider discovers links and schedules requests; every incremental decision is asked of a
``Frontier``: which stored articles are due for a re-check, whether a found article is fetched,
whether a post sitemap may hold news, when a listing walk ends, which sitemap candidate comes
next. Plain Python without Scrapy, so each rule is tested on its own (``tests/test_frontier.py``);
what the spider counts of these decisions stays in the spider's stats.

Settings it follows (read by the spider): ``POTUS_FULL``, ``POTUS_RECHECK_SINCE``,
``POTUS_RECHECK_DAYS``, ``POTUS_RECHECK_MINUTES``, ``POTUS_STOP_AFTER_KNOWN_PAGES``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

from extractors.normalize import parse_datetime
from potus_crawler.storage import KnownArticle


class WalkStep(enum.Enum):
    """What follows a page of a listing walk."""

    #: The next page is fetched.
    NEXT_PAGE = "next page"
    #: The last page: the listing is recorded as walked to its end, so later crawls may leave it early.
    WALKED = "walked to its end"
    #: The last page the parser read, cut short before its pagination: the walk ends, not taken as complete.
    BROKEN_OFF = "broken off"
    #: A listing walked to its end before gave only known articles for enough pages in a row: the rest is known.
    LEFT_EARLY = "left early"


def recheck_window_start(since: str | None, days: float, site_timezone: tzinfo, now: datetime) -> str:
    """ISO start of the re-check window: ``since`` (a date in the site's zone), else ``days`` before ``now``."""
    if since:
        return parse_datetime(since, site_timezone).isoformat()
    return (now - timedelta(days=days)).isoformat()


def next_sitemap(candidates: Sequence[str]) -> tuple[str, list[str]] | None:
    """The sitemap candidate to ask for and those left to fall back to if it is missing; None when none is left.

    A site has one of WordPress core's, Yoast's or Rank Math's index: the first that answers is read.
    """
    if not candidates:
        return None
    return candidates[0], list(candidates[1:])


@dataclass
class Frontier:
    """This crawl's settings and what the store says of earlier crawls, with the decisions they make."""

    site_timezone: tzinfo
    #: ISO start of the re-check window: stored articles published since are checked again, failures since retried.
    window_start: str
    #: Every stored article fetched again, every listing walked to its end, every post sitemap read.
    full: bool = False
    #: Pages in a row holding only known articles after which a listing walked to its end before is left.
    stop_after_known_pages: int = 1
    #: An article checked less than this long ago is not checked again (a crawl resumed after one that died).
    recheck_minutes: float = 0
    #: Stored articles, read when the crawl starts.
    known: dict[str, KnownArticle] = field(default_factory=dict)
    #: Listings (their first pages) an earlier crawl walked to their end.
    walked_listings: set[str] = field(default_factory=set)
    #: When the last crawl that ran to its end started.
    last_crawl_started: str | None = None
    #: Walks under way in this crawl: first page -> the article links its pages gave so far.
    walks: dict[str, set[str]] = field(default_factory=dict)

    # -- re-checks and retries ---------------------------------------------------------

    def recheck_bounds(self, now: datetime) -> tuple[str | None, str]:
        """Stored articles due for a re-check are those published since the first bound (None: all of them,
        with ``full``) and checked before the second."""
        checked_before = (now - timedelta(minutes=self.recheck_minutes)).isoformat()
        return (None if self.full else self.window_start), checked_before

    @property
    def retry_failed_since(self) -> str:
        """Pages that failed since then and were never stored are tried again."""
        return self.window_start

    # -- articles and sitemaps ---------------------------------------------------------

    def should_fetch(self, url: str, updated: str | None = None) -> bool:
        """Whether an article link (dated ``updated`` by a sitemap) is fetched: when new, gone, changed or ``full``."""
        stored = self.known.get(url)
        return (stored is None or self.full or bool(stored.gone_since)
                or self.changed_since_checked(stored, updated))

    def changed_since_checked(self, stored: KnownArticle, updated: str | None) -> bool:
        changed, checked = parse_datetime(updated, self.site_timezone), parse_datetime(stored.last_checked)
        if changed is None:
            return False
        if checked is None:
            return True
        if changed.time() == datetime.min.time():
            # A date without a time ("2025-03-10") covers the whole day: an edit after our check that
            # day shows no later date, so the day of the check itself counts as changed.
            return changed.date() >= checked.astimezone(changed.tzinfo).date()
        # Equal counts as changed: an edit in the second of our last check may have come after it.
        return changed >= checked

    def sitemap_may_be_new(self, updated: str | None) -> bool:
        """A post sitemap the index dates before the last full run started was read by that run (or
        dated so by the one before): on a site with dozens of them, only the changed few are fetched."""
        if self.full or not updated or not self.last_crawl_started:
            return True
        return parse_datetime(updated, self.site_timezone) >= parse_datetime(self.last_crawl_started)

    # -- listing walks -----------------------------------------------------------------

    def walk_under_way(self, walk: str) -> bool:
        """Whether a page of the walk was read before in this crawl."""
        return walk in self.walks

    def known_pages(self, walk: str, links: Iterable[str], known_before: int) -> int:
        """Pages in a row of the walk, ending with this one, that linked only to stored articles and to
        those its earlier pages gave (the featured block repeats on each page: no news)."""
        linked_before = self.walks.setdefault(walk, set())
        only_known = True
        for link in links:
            only_known = only_known and (link in self.known or link in linked_before)
            linked_before.add(link)
        return known_before + 1 if only_known else 0

    def after_page(self, walk: str, known_pages: int, *, has_next: bool, cut_short: bool) -> WalkStep:
        """What follows a page of the walk, given ``known_pages`` from ``known_pages()``, whether it links
        to a next page, and whether the parser stopped part-way through it."""
        if not has_next:
            return WalkStep.BROKEN_OFF if cut_short else WalkStep.WALKED
        if not self.full and walk in self.walked_listings and known_pages >= self.stop_after_known_pages:
            return WalkStep.LEFT_EARLY
        return WalkStep.NEXT_PAGE
