"""Record each crawl in the ``crawl_runs`` table: a row when it starts, its figures and health when it ends.

Each article stored is counted by ``potus_crawler.monitor``, which also judges the run's health
(settings ``POTUS_MONITOR_RUNS``, ``POTUS_MONITOR_MAX_DROP``, ``POTUS_MONITOR_MIN_ARTICLES``).

A crawl stopped by a signal ends ``interrupted``; a row left ``running`` after the process
is gone marks a crawl that died (SIGKILL, a power cut), which the next ``potus-crawler
crawl`` marks ``interrupted`` too.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

from scrapy import signals

from extractors.sites import PROFILES
from potus_crawler import stat_keys
from potus_crawler.items import FetchedArticle
from potus_crawler.monitor import RunObserver, run_problems
from potus_crawler.storage import CHANGED, NEW, UNCHANGED, ArticleStore
from potus_crawler.writer import CrawlDatabase

#: crawl_runs column -> Scrapy stats key it is read from.
RUN_COUNTS = {
    "requests": "downloader/request_count",
    "pages_fetched": "downloader/response_count",
    "articles_found": stat_keys.ARTICLES_FOUND,
    "articles_extracted": stat_keys.EXTRACTED,
    "articles_new": stat_keys.ARTICLE_OUTCOMES[NEW],
    "articles_updated": stat_keys.ARTICLE_OUTCOMES[CHANGED],
    "articles_unchanged": stat_keys.ARTICLE_OUTCOMES[UNCHANGED],
    "articles_gone": stat_keys.ARTICLES_GONE,
    "failures": stat_keys.FAILURES,
    "dropped": "item_dropped_count",
    "not_articles": stat_keys.NOT_ARTICLES,
    "extract_seconds": stat_keys.EXTRACT_SECONDS,
    "store_seconds": stat_keys.STORE_SECONDS,
}
STATUS_STATS_PREFIX = "downloader/response_status_count/"


def request_kind(request) -> str:
    """The spider's kind of request (``request.meta["kind"]``); the robots.txt middleware's own requests carry
    no meta of ours."""
    return request.meta.get("kind") or ("robots" if urlsplit(request.url).path == "/robots.txt" else "other")


class CrawlRunRecorder:
    def __init__(self, crawler):
        self.crawler = crawler
        self.database: CrawlDatabase | None = None
        self.observer = RunObserver(crawler.stats)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.response_received, signal=signals.response_received)
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def spider_opened(self, spider):
        self.database = self.crawler.get_extension(CrawlDatabase)
        run_id = await self.database.run(ArticleStore.start_run, spider.name, getattr(spider, "base_url", ""))
        self.crawler.stats.set_value(stat_keys.RUN_ID, run_id)

    def response_received(self, response, request, spider):
        self.crawler.stats.inc_value(stat_keys.RESPONSES_BY_KIND_PREFIX + request_kind(request))

    def item_scraped(self, item):
        # Articles the pipelines passed and stored: dropped records are failures, not extractions.
        if isinstance(item, FetchedArticle):
            self.observer.observe(item.record)

    async def spider_closed(self, spider, reason):
        settings, stats = self.crawler.settings, self.crawler.stats.get_stats()
        run_id = stats.get(stat_keys.RUN_ID)
        if run_id is None:
            # The spider never opened (its database could not be opened, say): there is no run to record.
            return
        figures = {column: stats.get(key, 0) for column, key in RUN_COUNTS.items()}
        status_counts = Counter({key.removeprefix(STATUS_STATS_PREFIX): value for key, value in stats.items()
                                 if key.startswith(STATUS_STATS_PREFIX)})
        figures["http_errors"] = sum(n for status, n in status_counts.items() if status[:1] in "45")
        figures["http_status_counts"] = dict(status_counts)
        figures["requests_by_kind"] = {key.removeprefix(stat_keys.RESPONSES_BY_KIND_PREFIX): value for key, value in stats.items()
                                       if key.startswith(stat_keys.RESPONSES_BY_KIND_PREFIX)}
        figures.update(self.observer.figures())

        if reason == "shutdown":
            # Stopped by a signal (Ctrl-C, SIGTERM): the next crawl picks up what this one did not do.
            status, problems = "interrupted", []
        elif reason != "finished":
            status, problems = "failed", [f"the crawl ended early: {reason}"]
        else:
            min_articles = settings.getint("POTUS_MONITOR_MIN_ARTICLES")
            history = await self.database.run(ArticleStore.recent_runs, settings.getint("POTUS_MONITOR_RUNS"), run_id,
                                              min_articles)
            problems = run_problems(figures, history, max_drop=settings.getfloat("POTUS_MONITOR_MAX_DROP"),
                                    min_articles=min_articles,
                                    expected_fill_rates=PROFILES[settings["POTUS_SITE"]].expected_fill_rates)
            status = "unhealthy" if problems else "finished"
        self.crawler.stats.set_value(stat_keys.PROBLEMS, problems)
        await self.database.run(ArticleStore.finish_run, run_id, status, finish_reason=reason,
                                problems="\n".join(problems) or None, **figures)
