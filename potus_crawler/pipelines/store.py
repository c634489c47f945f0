"""Store articles and failures in SQLite (setting ``POTUS_DB``).

Articles are upserted by URL, so crawling twice adds no duplicate. Pages that
gave no article, and records the validator dropped, go to ``failures`` with their reason.
"""

from __future__ import annotations

from scrapy import signals

from extractors import ArticleRecord
from potus_crawler.items import PageFailure
from potus_crawler.storage import ArticleStore

RUN_ID_STAT = "potus/run_id"


class SQLiteStorePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.path = crawler.settings["POTUS_DB"]
        self.store: ArticleStore | None = None
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self):
        self.store = ArticleStore(self.path)

    def close_spider(self):
        self.store.close()

    @property
    def run_id(self) -> int | None:
        return self.stats.get_value(RUN_ID_STAT)

    def process_item(self, item):
        if isinstance(item, ArticleRecord):
            is_new = self.store.upsert_article(item, self.run_id)
            self.stats.inc_value("potus/articles_new" if is_new else "potus/articles_updated")
        elif isinstance(item, PageFailure):
            self.store.record_failure(item.url, item.reason, item.http_status, self.run_id)
            self.stats.inc_value("potus/failures")
        return item

    def item_dropped(self, item, response, exception):
        if isinstance(item, ArticleRecord):
            self.store.record_failure(item.url or response.url, f"dropped: {exception}", response.status, self.run_id)
