"""Store what the crawl found in SQLite (setting ``POTUS_DB``).

Articles are upserted by URL, so crawling twice adds no duplicate; a changed article
keeps its previous version as a revision; a 304 only refreshes when it was checked;
a 404/410 marks a stored article gone. Pages that gave no article, and records the
validator dropped, go to ``failures`` with their reason. Writes run on the crawl's database
thread (``potus_crawler.writer.CrawlDatabase``), committed in groups. Listings walked to their
end are committed only when the crawl finishes, so an interrupted crawl never lets
the next one stop early in a listing whose articles it did not all store. An article's row is written
once its page is archived, with the pointer to its WARC record (``potus_crawler.capture``).
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Future
from functools import partial

from scrapy import signals

from potus_crawler import stat_keys
from potus_crawler.archive import WarcPointer
from potus_crawler.items import ArticleGone, ArticleNotModified, FetchedArticle, ListingWalked, PageFailure
from potus_crawler.storage import UNCHANGED, ArticleStore
from potus_crawler.writer import CrawlDatabase

logger = logging.getLogger(__name__)


class SQLiteStorePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.database: CrawlDatabase = crawler.get_extension(CrawlDatabase)
        self.walked_listings: list[str] = []
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def open_spider(self):
        # A database that cannot be opened stops the crawl before its first request.
        await self.database.opened()

    def close_spider(self):
        self.stats.set_value(stat_keys.STORE_SECONDS, self.database.busy_seconds)

    def spider_closed(self, spider, reason):
        if reason == "finished" and self.walked_listings:
            written = self.database.submit(ArticleStore.mark_listings_walked, self.walked_listings, self.run_id)
            written.add_done_callback(partial(log_failed_write, "the listings walked to their end"))

    @property
    def run_id(self) -> int | None:
        return self.stats.get_value(stat_keys.RUN_ID)

    async def process_item(self, item):
        if isinstance(item, FetchedArticle):
            outcome = await self.database.run(ArticleStore.save_article, item.record, self.run_id,
                                              found_by=item.found_by, etag=item.etag,
                                              http_last_modified=item.http_last_modified,
                                              archived=await archived_pointer(item))
            self.stats.inc_value(stat_keys.ARTICLE_OUTCOMES[outcome])
        elif isinstance(item, ArticleNotModified):
            await self.database.run(ArticleStore.mark_not_modified, item.url, self.run_id)
            self.stats.inc_value(stat_keys.ARTICLE_OUTCOMES[UNCHANGED])
        elif isinstance(item, ArticleGone):
            if await self.database.run(ArticleStore.mark_gone, item.url, item.http_status, self.run_id):
                self.stats.inc_value(stat_keys.ARTICLES_GONE)
        elif isinstance(item, ListingWalked):
            self.walked_listings.append(item.url)
        elif isinstance(item, PageFailure):
            await self.database.run(ArticleStore.record_failure, item.url, item.reason, item.http_status, self.run_id)
            self.stats.inc_value(stat_keys.FAILURES)
        return item

    def item_dropped(self, item, response, exception):
        if isinstance(item, FetchedArticle):
            url = item.record.url or response.url
            written = self.database.submit(ArticleStore.record_failure, url, f"dropped: {exception}", response.status,
                                         self.run_id)
            # Nothing awaits this write: a failure to record it is logged, not lost.
            written.add_done_callback(partial(log_failed_write, f"the dropped article {url}"))


async def archived_pointer(item: FetchedArticle) -> WarcPointer | None:
    """The page's WARC pointer once its record is written; None when nothing archived it, or the write failed
    (``potus_crawler.capture`` logged and counted that): the article is stored all the same."""
    if item.archived is None:
        return None
    try:
        return await asyncio.wrap_future(item.archived)
    except Exception:
        return None


def log_failed_write(what: str, written: Future) -> None:
    if written.exception() is not None:
        logger.error("Could not record %s: %s", what, written.exception())
