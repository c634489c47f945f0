"""Record each crawl in the ``crawl_runs`` table: a row when it starts, its counts when it ends.

A row left with status ``running`` after the process is gone marks a crawl that died.
"""

from __future__ import annotations

from scrapy import signals

from potus_crawler.pipelines.store import RUN_ID_STAT
from potus_crawler.storage import ArticleStore

#: crawl_runs column -> Scrapy stats key it is read from.
RUN_COUNTS = {
    "pages_fetched": "downloader/response_count",
    "articles_new": "potus/articles_new",
    "articles_updated": "potus/articles_updated",
    "failures": "potus/failures",
    "dropped": "item_dropped_count",
    "not_articles": "potus/not_article",
}


class CrawlRunRecorder:
    def __init__(self, crawler):
        self.crawler = crawler
        self.store: ArticleStore | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_opened(self, spider):
        self.store = ArticleStore(self.crawler.settings["POTUS_DB"])
        run_id = self.store.start_run(spider.name, getattr(spider, "base_url", ""))
        self.crawler.stats.set_value(RUN_ID_STAT, run_id)

    def spider_closed(self, spider, reason):
        stats = self.crawler.stats.get_stats()
        counts = {column: stats.get(key, 0) for column, key in RUN_COUNTS.items()}
        counts["http_errors"] = sum(value for key, value in stats.items()
                                    if key.startswith("downloader/response_status_count/")
                                    and key.rsplit("/", 1)[-1][:1] in "45")
        status = "finished" if reason == "finished" else "failed"
        self.store.finish_run(stats[RUN_ID_STAT], status, finish_reason=reason, **counts)
        self.store.close()
