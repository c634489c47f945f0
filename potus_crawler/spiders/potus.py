"""The POTUS News spider: category archives, followed to their last page, lead to every article once.

Arguments: ``-a base_url=URL`` (default setting ``POTUS_BASE_URL``), ``-a seeds=FILE``
(default setting ``POTUS_SEEDS``). Start URLs are the seed categories plus every
category linked from the site's menu, so a category added to the site is not missed.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from extractors import ExtractionError, Listing, NotAnArticle, extract, parse_listing
from extractors.normalize import canonical_url, site_timezone
from potus_crawler.items import PageFailure


class PotusSpider(scrapy.Spider):
    name = "potus"
    #: WordPress "/%postname%/" permalinks: one path segment that is no archive or system path.
    article_path = re.compile(r"^/(?!(?:category|tag|author|page|feed|comments|search|wp-[a-z-]+)/)[^/.]+/$")
    category_path = re.compile(r"^/category/(?:[^/]+/)+$")
    #: Next pages of a category or of the home page.
    listing_page_path = re.compile(r"^/(?:category/(?:[^/]+/)+)?(?:page/\d+/)?$")

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.base_url = (getattr(spider, "base_url", None) or settings["POTUS_BASE_URL"]).rstrip("/")
        spider.seeds = getattr(spider, "seeds", None) or settings["POTUS_SEEDS"]
        spider.allowed_domains = [urlsplit(spider.base_url).hostname]
        spider.site_timezone = site_timezone(settings["POTUS_TIMEZONE"])
        return spider

    async def start(self):
        yield scrapy.Request(self.base_url + "/", callback=self.parse_menu, errback=self.failed)
        for url in self.seed_urls():
            yield scrapy.Request(url, callback=self.parse_listing, errback=self.failed)

    def seed_urls(self) -> list[str]:
        """Seed categories moved onto ``base_url``, so one seeds file serves the site and its copies."""
        path = Path(self.seeds)
        if not path.is_file():
            self.logger.warning("Seeds file %s not found: starting from the menu alone", path)
            return []
        lines = (line.split("#", 1)[0].strip() for line in path.read_text("utf-8").splitlines())
        return [self.on_site(line) for line in lines if line]

    def on_site(self, url: str) -> str:
        base, target = urlsplit(self.base_url), urlsplit(url)
        return canonical_url(urlunsplit((base.scheme, base.netloc, target.path, target.query, "")))

    def is_on_site(self, url: str, pattern: re.Pattern) -> bool:
        parts = urlsplit(url)
        return parts.hostname == self.allowed_domains[0] and bool(pattern.match(parts.path))

    def parse_menu(self, response: Response):
        yield from self.follow_categories(parse_listing(response.text, response.url))

    def parse_listing(self, response: Response):
        listing = parse_listing(response.text, response.url)
        yield from self.follow_categories(listing)
        for link in map(canonical_url, listing.articles):
            if self.is_on_site(link, self.article_path):
                yield scrapy.Request(link, callback=self.parse_article, errback=self.failed)
            else:
                self.crawler.stats.inc_value("potus/listing_links_skipped")
        if listing.next_page and self.is_on_site(listing.next_page, self.listing_page_path):
            yield scrapy.Request(canonical_url(listing.next_page), callback=self.parse_listing, errback=self.failed)

    def follow_categories(self, listing: Listing):
        """Every category in the menu; the dupefilter keeps each to one visit."""
        for link in map(canonical_url, listing.menu_links):
            if self.is_on_site(link, self.category_path):
                yield scrapy.Request(link, callback=self.parse_listing, errback=self.failed)

    def parse_article(self, response: Response):
        if not isinstance(response, TextResponse):
            yield PageFailure(response.url, "not an HTML page", response.status)
            return
        try:
            yield extract(response.text, response.url, self.site_timezone)
        except NotAnArticle as reason:
            self.crawler.stats.inc_value("potus/not_article")
            self.logger.info("Not an article: %s (%s)", response.url, reason)
        except ExtractionError as error:
            yield PageFailure(response.url, str(error), response.status)

    def failed(self, failure: Failure):
        response = getattr(failure.value, "response", None)
        status = response.status if response is not None else None
        reason = f"HTTP {status}" if status else f"{failure.type.__name__}: {failure.getErrorMessage()}"
        yield PageFailure(failure.request.url, reason, status)
