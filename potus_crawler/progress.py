"""How far a crawl has come, while it runs: a live line on a terminal, a line a minute in a log.

Setting ``POTUS_PROGRESS``: ``line`` (a live status line, for a terminal), ``log`` (one line
every ``POTUS_PROGRESS_SECONDS`` seconds, for a log file or cron's mail) or ``off``.
``potus-crawler crawl`` picks ``line`` or ``log`` by whether its standard error is a terminal,
and ``off`` with ``--quiet``; ``scrapy crawl`` leaves it off (Scrapy's LogStats says as much).
No total is known before the crawl ends (the listings are walked to find the articles), so
there is no bar and no estimated time left: the line says what is done, and of the listings
found so far, how many were walked.
"""

from __future__ import annotations

import sys
import time
from contextlib import ExitStack

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet.task import LoopingCall

from potus_crawler import stat_keys
from potus_crawler.storage import CHANGED, NEW, UNCHANGED

MODES = ("line", "log", "off")
#: How often the terminal line is redrawn.
LINE_SECONDS = 1.0


def elapsed(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}"


def progress_line(stats: dict, seconds: float) -> str:
    """The figures a person watching a crawl wants, in one line."""
    outcomes = {name: stats.get(stat_keys.ARTICLE_OUTCOMES[outcome], 0)
                for name, outcome in (("new", NEW), ("updated", CHANGED), ("unchanged", UNCHANGED))}
    requests = stats.get("downloader/request_count", 0)
    rate = stats.get("downloader/response_count", 0) / seconds if seconds > 0 else 0.0
    return (f"{elapsed(seconds)}  articles: {outcomes['new']} new, {outcomes['updated']} updated, "
            f"{outcomes['unchanged']} unchanged, {stats.get(stat_keys.FAILURES, 0)} failed  "
            f"requests: {requests} ({rate:.1f} pages/s)  listings walked: "
            f"{stats.get(stat_keys.LISTINGS_DONE, 0)} of {stats.get(stat_keys.LISTINGS_STARTED, 0)}")


class CrawlProgress:
    def __init__(self, crawler, mode: str, interval: float):
        self.crawler, self.mode, self.interval = crawler, mode, interval
        self.started = time.monotonic()
        self.context = ExitStack()
        self.bar = None
        self.ticks = LoopingCall(self.show)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        mode = crawler.settings.get("POTUS_PROGRESS", "off")
        if mode == "off":
            raise NotConfigured  # with no message: Scrapy would warn of it
        interval = LINE_SECONDS if mode == "line" else crawler.settings.getfloat("POTUS_PROGRESS_SECONDS")
        return cls(crawler, mode, interval)

    def spider_opened(self, spider) -> None:
        self.started = time.monotonic()
        if self.mode == "line":
            # Imported here: only a terminal's crawl draws a line.
            from tqdm import tqdm
            from tqdm.contrib.logging import logging_redirect_tqdm

            self.bar = self.context.enter_context(
                tqdm(bar_format="{desc}", file=sys.stderr, leave=False, dynamic_ncols=True))
            # Log lines go above the live line instead of through it.
            self.context.enter_context(logging_redirect_tqdm())
        self.ticks.start(self.interval, now=False)

    def show(self) -> None:
        line = progress_line(self.crawler.stats.get_stats(), time.monotonic() - self.started)
        if self.bar is not None:
            self.bar.set_description_str(line)
        else:
            print(f"potus-crawler: progress: {line}", file=sys.stderr, flush=True)

    def spider_closed(self, spider, reason) -> None:
        if self.ticks.running:
            self.ticks.stop()
        self.context.close()
