"""The POTUS News spider: finds what is new or changed on the site and fetches only that.

Arguments: ``-a base_url=URL`` (default setting ``POTUS_BASE_URL``), ``-a seeds=FILE``
(default setting ``POTUS_SEEDS``). What it knows of the site (which URLs are articles,
categories, listing pages, post sitemaps) is the site profile's, chosen by ``POTUS_SITE``
(``extractors.sites``); so are the defaults of the settings named above.

Sources of article URLs, cheapest first: the site's RSS feeds, its post sitemaps, and
the category listings (the seed categories plus every category in the site's menu, so
a category added to the site is not missed), each followed page by page. A listing
already walked to its end once is left as soon as ``POTUS_STOP_AFTER_KNOWN_PAGES``
pages in a row hold only stored articles. Stored articles are fetched again only to be
re-checked, with conditional requests: those published inside the re-check window,
those a sitemap says changed since they were last checked, and, with ``POTUS_FULL``,
all of them. Those decisions are the frontier's (``potus_crawler.frontier``): the spider
discovers links and schedules requests. Articles are extracted in worker processes
(``potus_crawler.extraction``); everything else about storing is the pipelines' job.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import scrapy
from scrapy.http import HtmlResponse, Response
from twisted.python.failure import Failure

from extractors import ExtractionError, Listing, NotAnArticle
from extractors.feeds import parse_link_document
from extractors.normalize import canonical_url, site_timezone
from extractors.sites import PROFILES
from potus_crawler import stat_keys
from potus_crawler.capture import ARCHIVED
from potus_crawler.extraction import ExtractionPool, WorkerFailed
from potus_crawler.frontier import Frontier, WalkStep, next_sitemap, recheck_window_start
from potus_crawler.items import ArticleGone, ArticleNotModified, FetchedArticle, ListingWalked, PageFailure
from potus_crawler.setting_checks import BadSetting, check_settings
from potus_crawler.settings import DEFAULT_CONTACT
from potus_crawler.storage import ArticleStore
from potus_crawler.writer import CrawlDatabase

#: Answers to a re-check that the callback handles itself instead of the error path.
RECHECK_STATUSES = [304, 404, 410]
GONE_STATUSES = (404, 410)
#: Feeds and sitemaps go first, so an article is found by the cheapest source. Listing pages come
#: next, ahead of articles, yet a walk never runs ahead of them: it has one page pending at a time,
#: and each page waits for the one before to be parsed on the workers, behind the articles queued
#: there. So walks and articles advance together and the workers are never left idle while walks go
#: on (as they were when listings were parsed in the reactor's thread, ahead of every article).
DISCOVERY_PRIORITY = 10
LISTING_PRIORITY = 1


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def header(response: Response, name: str) -> str | None:
    """A response header as text (HTTP headers are Latin-1), None when absent or empty."""
    return response.headers.get(name, b"").decode("latin-1") or None


def page_source(response: HtmlResponse) -> str | bytes:
    """The page for the extractor (``extraction.page_html``): a UTF-8 page's bytes, decoded once where it is
    parsed (a worker: bytes cross to it without being encoded again), any other as Scrapy decodes it."""
    if response.encoding != "utf-8":
        return response.text
    return response.body


class PotusSpider(scrapy.Spider):
    name = "potus"

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        # Before the first request: a bad value is one clear error, not a failure mid-crawl.
        check_settings(settings)
        spider.profile = PROFILES[settings["POTUS_SITE"]]
        base_url = getattr(spider, "base_url", None) or settings["POTUS_BASE_URL"]
        if not base_url:
            raise BadSetting("POTUS_BASE_URL", base_url, f"an http:// or https:// address (site {spider.profile.name} "
                                                         "names none: give -a base_url=URL)")
        spider.base_url = base_url.rstrip("/")
        spider.seeds = getattr(spider, "seeds", None) or settings["POTUS_SEEDS"]
        # Read before the crawl starts: an unreadable file is a bad setting, not a traceback mid-start.
        spider.seed_list = spider.seed_urls()
        spider.allowed_domains = [urlsplit(spider.base_url).hostname]
        spider.site_timezone = site_timezone(settings["POTUS_TIMEZONE"])
        spider.frontier = Frontier(
            spider.site_timezone,
            recheck_window_start(settings.get("POTUS_RECHECK_SINCE"), settings.getfloat("POTUS_RECHECK_DAYS"),
                                 spider.site_timezone, datetime.now(timezone.utc)),
            full=settings.getbool("POTUS_FULL"), stop_after_known_pages=settings.getint("POTUS_STOP_AFTER_KNOWN_PAGES"),
            recheck_minutes=settings.getfloat("POTUS_RECHECK_MINUTES"))
        if settings["POTUS_CONTACT"] == DEFAULT_CONTACT and not is_loopback(spider.base_url):
            spider.logger.warning("POTUS_CONTACT is left at its default: set it (-s POTUS_CONTACT=mailto:you@example.org) "
                                  "so that the site's owner can reach whoever runs this crawl")
        #: Articles found and scheduled in this crawl.
        spider.found: set[str] = set()
        spider.scheduled: set[str] = set()
        #: Categories whose walk was scheduled: every listing page repeats the menu, and a request made for
        #: each of its links only for the duplicate filter to drop it cost more than the page's own parse.
        spider.walks_scheduled: set[str] = set()
        return spider

    @property
    def extraction(self) -> ExtractionPool:
        """The crawl's extraction pool, a Scrapy extension started and closed with the spider."""
        return self.crawler.get_extension(ExtractionPool)

    async def start(self):
        frontier = self.frontier
        state = await self.crawler.get_extension(CrawlDatabase).run(
            ArticleStore.crawl_state, *frontier.recheck_bounds(datetime.now(timezone.utc)), frontier.retry_failed_since)
        frontier.known, frontier.walked_listings = state.known, state.walked_listings
        frontier.last_crawl_started = state.last_finished_run_started
        due, retries = state.due_for_recheck, state.failed_urls_to_retry
        self.logger.info("%d articles stored, %d due for a re-check, %d failed pages to retry",
                         len(frontier.known), len(due), len(retries))

        seeds = self.seed_list
        yield self.discovery_request(self.base_url + "/", self.parse_listing, "menu")
        for url in [self.on_site(path) for path in self.settings.getlist("POTUS_FEEDS")] + [s + "feed/" for s in seeds]:
            yield self.discovery_request(url, self.parse_feed, "feed", errback=self.source_missing)
        for request in self.sitemap_requests([self.on_site(path) for path in self.settings.getlist("POTUS_SITEMAPS")]):
            yield request
        for url in seeds:
            for request in self.walk_request(url):
                yield request
        # An async generator cannot delegate with "yield from".
        for article in due:
            for request in self.schedule_article(article.url, "recheck"):
                yield request
        for url in retries:
            if self.is_on_site(url, self.profile.urls.article):
                for request in self.schedule_article(url, "retry"):
                    yield request

    def seed_urls(self) -> list[str]:
        """Seed categories moved onto ``base_url``, so one seeds file serves the site and its copies."""
        if not self.seeds:
            self.logger.info("Site %s has no seeds: starting from the menu alone", self.profile.name)
            return []
        path = Path(self.seeds)
        if not path.is_file():
            self.logger.warning("Seeds file %s not found: starting from the menu alone", path)
            return []
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) else "it is not UTF-8 text"
            raise BadSetting("POTUS_SEEDS", str(path), f"a readable UTF-8 file of start URLs ({reason})") from None
        lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
        return [self.on_site(line) for line in lines if line]

    def on_site(self, url: str) -> str:
        base, target = urlsplit(self.base_url), urlsplit(url)
        return self.canonical(urlunsplit((base.scheme, base.netloc, target.path, target.query, "")))

    def canonical(self, url: str) -> str:
        return canonical_url(url, trailing_slash=self.profile.trailing_slash)

    def is_on_site(self, url: str, pattern: re.Pattern) -> bool:
        parts = urlsplit(url)
        return parts.hostname == self.allowed_domains[0] and bool(pattern.match(parts.path))

    # -- requests ----------------------------------------------------------------------

    def discovery_request(self, url: str, callback, kind: str, *, errback=None, priority: int = DISCOVERY_PRIORITY,
                          **meta) -> scrapy.Request:
        return scrapy.Request(url, callback=callback, errback=errback or self.failed, priority=priority,
                              meta={"kind": kind, **meta})

    def walk_request(self, category: str):
        """The first page of a category's walk, once per crawl."""
        if category not in self.walks_scheduled:
            self.walks_scheduled.add(category)
            yield self.listing_request(category, walk=category)

    def listing_request(self, url: str, *, walk: str, known_pages: int = 0) -> scrapy.Request:
        return self.discovery_request(url, self.parse_listing, "listing", priority=LISTING_PRIORITY, walk=walk,
                                      known_pages=known_pages)

    def sitemap_request(self, url: str, fallbacks: list[str] = ()) -> scrapy.Request:
        return self.discovery_request(url, self.parse_sitemap, "sitemap", errback=self.source_missing,
                                      fallbacks=list(fallbacks))

    def sitemap_requests(self, candidates: list[str]):
        """The first of the sitemap candidates, carrying the others to fall back to; none when none is left."""
        chosen = next_sitemap(candidates)
        if chosen is not None:
            url, fallbacks = chosen
            yield self.sitemap_request(url, fallbacks=fallbacks)

    def schedule_article(self, url: str, found_by: str):
        """One request per article per crawl: conditional for a stored one, plain for a new one."""
        if url in self.scheduled:
            return
        self.scheduled.add(url)
        stored = self.frontier.known.get(url)
        if stored is None:
            yield scrapy.Request(url, callback=self.parse_article, errback=self.failed,
                                 meta={"kind": "article", "found_by": found_by})
            return
        validators = {"If-None-Match": stored.etag, "If-Modified-Since": stored.http_last_modified}
        yield scrapy.Request(url, callback=self.parse_article, errback=self.failed,
                             headers={name: value for name, value in validators.items() if value},
                             meta={"kind": "recheck", "found_by": found_by, "dont_cache": True,
                                   "handle_httpstatus_list": RECHECK_STATUSES})

    def article_found(self, url: str, source: str, updated: str | None = None):
        """An article link from a listing, feed or sitemap: fetched when new, changed, gone or with --full."""
        if url not in self.found:
            self.found.add(url)
            self.crawler.stats.inc_value(stat_keys.ARTICLES_FOUND)
        if self.frontier.should_fetch(url, updated):
            yield from self.schedule_article(url, source)

    def post_sitemap_may_be_new(self, updated: str | None) -> bool:
        """Whether a post sitemap an index lists is fetched (the frontier's word); each one left is counted."""
        if self.frontier.sitemap_may_be_new(updated):
            return True
        self.crawler.stats.inc_value(stat_keys.SITEMAPS_UNCHANGED)
        return False

    # -- callbacks ---------------------------------------------------------------------

    def follow_categories(self, listing: Listing):
        """Every category in the menu, each walked once."""
        for link in map(self.canonical, listing.menu_links):
            if self.is_on_site(link, self.profile.urls.category):
                yield from self.walk_request(link)

    async def parse_listing(self, response: Response):
        """A category page or the home page (kind "menu", read for its menu only), parsed on a worker."""
        try:
            listing = await self.extraction.parse_listing(response.text, response.url)
        except (WorkerFailed, ExtractionError) as failure:
            yield PageFailure(response.url, f"{response.meta['kind']}: {failure}", response.status)
            return
        if response.meta["kind"] == "menu":
            results = self.follow_categories(listing)
        else:
            results = self.follow_listing(response, listing)
        for result in results:
            yield result

    def follow_listing(self, response: Response, listing: Listing):
        """The articles a listing page links to, and its next page unless the walk is over."""
        yield from self.follow_categories(listing)
        walk = response.meta["walk"]
        if not self.frontier.walk_under_way(walk):
            self.crawler.stats.inc_value(stat_keys.LISTINGS_STARTED)
        links = []
        for link in map(self.canonical, listing.articles):
            if self.is_on_site(link, self.profile.urls.article):
                links.append(link)
            else:
                self.crawler.stats.inc_value(stat_keys.LISTING_LINKS_SKIPPED)
        known_pages = self.frontier.known_pages(walk, links, response.meta["known_pages"])
        for link in links:
            yield from self.article_found(link, "listing")
        if listing.cut_short:
            # Its articles are followed; the frontier does not take the walk as complete, so later crawls walk it again.
            yield PageFailure(response.url, "listing cut short: the HTML parser stopped part-way", response.status)
        has_next = bool(listing.next_page and self.is_on_site(listing.next_page, self.profile.urls.listing_page))
        step = self.frontier.after_page(walk, known_pages, has_next=has_next, cut_short=listing.cut_short)
        if step is WalkStep.NEXT_PAGE:
            yield self.listing_request(self.canonical(listing.next_page), walk=walk, known_pages=known_pages)
        elif step is WalkStep.WALKED:
            self.crawler.stats.inc_value(stat_keys.LISTINGS_DONE)
            yield ListingWalked(walk)
        elif step is WalkStep.LEFT_EARLY:
            self.crawler.stats.inc_value(stat_keys.LISTINGS_LEFT_EARLY)
            self.crawler.stats.inc_value(stat_keys.LISTINGS_DONE)

    def parse_feed(self, response: Response):
        yield from self.links_of_document(response, "feed")

    def parse_sitemap(self, response: Response):
        yield from self.links_of_document(response, "sitemap")

    def links_of_document(self, response: Response, source: str):
        try:
            document = parse_link_document(response.body, response.url, self.site_timezone)
        except ExtractionError as error:
            yield PageFailure(response.url, f"{source}: {error}", response.status)
            # A soft 404 (an HTML page answering 200) is no sitemap either: try the next candidate.
            yield from self.sitemap_requests(response.meta.get("fallbacks") or [])
            return
        for link in document.links:
            url = self.canonical(link.url)
            if document.kind == "sitemapindex":
                if self.is_on_site(url, self.profile.urls.post_sitemap) and self.post_sitemap_may_be_new(link.updated):
                    yield self.sitemap_request(url)
            elif self.is_on_site(url, self.profile.urls.article):
                yield from self.article_found(url, source, link.updated)

    async def parse_article(self, response: Response):
        # Outcomes belong to the URL the crawl asked for, which is how it knows the article.
        requested = response.meta.get("redirect_urls", [response.url])[0]
        if response.status == 304:
            yield ArticleNotModified(requested)
            return
        if response.status in GONE_STATUSES:
            yield ArticleGone(requested, response.status)
            return
        if not isinstance(response, HtmlResponse):
            # Scrapy makes a text response of any body that looks like text, whatever its content type.
            content_type = header(response, "Content-Type") or "no content type"
            yield PageFailure(requested, f"not an HTML page ({content_type})", response.status)
            return
        try:
            extracted = await self.extraction.extract(page_source(response), response.url)
        except WorkerFailed as failure:
            yield PageFailure(requested, str(failure), response.status)
            return
        self.crawler.stats.inc_value(stat_keys.EXTRACT_SECONDS, extracted.seconds)
        if isinstance(extracted.error, NotAnArticle):
            self.crawler.stats.inc_value(stat_keys.NOT_ARTICLES)
            self.logger.info("Not an article: %s (%s)", response.url, extracted.error)
            return
        if extracted.error is not None:
            yield PageFailure(requested, str(extracted.error), response.status)
            return
        yield FetchedArticle(extracted.record, found_by=response.meta["found_by"],
                             etag=header(response, "ETag"), http_last_modified=header(response, "Last-Modified"),
                             archived=response.meta.get(ARCHIVED))
        if requested != extracted.record.url and requested in self.frontier.known:
            # A stored article that now redirects (a changed slug) lives on under its new URL only.
            yield ArticleGone(requested, response.meta.get("redirect_reasons", [301])[0])

    # -- errors ------------------------------------------------------------------------

    def source_missing(self, failure: Failure):
        """A feed or sitemap the site does not have is no failure: try the next candidate, if any."""
        response = getattr(failure.value, "response", None)
        if response is None or response.status not in GONE_STATUSES:
            yield from self.failed(failure)
            return
        self.logger.info("No %s at %s", failure.request.meta["kind"], failure.request.url)
        yield from self.sitemap_requests(failure.request.meta.get("fallbacks") or [])

    def failed(self, failure: Failure):
        response = getattr(failure.value, "response", None)
        status = response.status if response is not None else None
        # Some of Scrapy's download errors carry no message (ResponseDataLossError): their doc line says what they are.
        message = failure.getErrorMessage() or (failure.type.__doc__ or "").strip().split("\n")[0]
        reason = f"HTTP {status}" if status else f"{failure.type.__name__}: {message}"
        # After redirects, the URL asked for, not the hop that failed: the next crawl retries that one.
        yield PageFailure(failure.request.meta.get("redirect_urls", [failure.request.url])[0], reason, status)
