"""Every response the crawl receives, archived as WARC records (``potus_crawler.archive``) off the reactor.

Settings: ``POTUS_WARC`` (on by default; 0 archives nothing), ``POTUS_WARC_DIR`` (default ``warc/``
beside the database), ``POTUS_WARC_MAX_MB`` (a file is closed and the next one opened past this size),
``POTUS_WARC_KEEP_DAYS`` (retention, applied when a crawl finishes: see ``potus_crawler.archive_hygiene``).

``ArchiveMiddleware`` sits next to the downloader, so it sees each response as it arrived: every
retry, every hop of a redirect (as its 3xx), error statuses, 304s, robots.txt; the body before
decompression. It hands each exchange to the ``WebArchive`` extension, whose one thread compresses
and writes it, and leaves the write's future in ``request.meta[ARCHIVED]``: the store pipeline awaits
it, so an article's row is written with the pointer to its record (a redirect's next hop replaces
the future with its own). The thread closes its file once the engine has stopped.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timezone
from functools import partial
from pathlib import Path

from scrapy import Request, signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from potus_crawler import stat_keys
from potus_crawler.archive import ArchiveFiles, Exchange, archive_folder, warcinfo_fields
from potus_crawler.archive_hygiene import prune
from potus_crawler.extensions import request_kind
from potus_crawler.storage import ArticleStore
from potus_crawler.thread_names import name_os_thread
from potus_crawler.writer import CrawlDatabase

logger = logging.getLogger(__name__)

#: request.meta key: the future of the response's WarcPointer.
ARCHIVED = "potus_archived"
#: Settings that shape what a crawl fetches, named in each file's warcinfo record.
INFO_SETTINGS = ("POTUS_SITE", "POTUS_BASE_URL", "POTUS_FULL", "POTUS_RECHECK_SINCE", "POTUS_RECHECK_DAYS",
                 "ROBOTSTXT_OBEY", "USER_AGENT", "DOWNLOAD_MAXSIZE", "RETRY_TIMES")


def text_headers(headers) -> list[tuple[str, str]]:
    """Scrapy's headers (bytes, several values a name) as (name, value) text pairs; HTTP headers are Latin-1."""
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, values in headers.items() for value in values]


class WebArchive:
    """The crawl's archive writer: one thread, created with the first response, writing the run's files."""

    def __init__(self, crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.db_folder = Path(settings["POTUS_DB"]).parent
        self.folder = archive_folder(settings["POTUS_DB"], settings.get("POTUS_WARC_DIR"))
        self.max_bytes = int(settings.getfloat("POTUS_WARC_MAX_MB") * 1024 * 1024)
        self.keep_days = settings.get("POTUS_WARC_KEEP_DAYS")
        self.info = {name: settings.get(name) for name in INFO_SETTINGS}
        self.thread = ThreadPoolExecutor(1, thread_name_prefix="warc-writer", initializer=name_os_thread)
        self.files: ArchiveFiles | None = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.close, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler) -> WebArchive:
        if not crawler.settings.getbool("POTUS_WARC"):
            raise NotConfigured("POTUS_WARC is off")
        return cls(crawler)

    @property
    def database(self) -> CrawlDatabase:
        return self.crawler.get_extension(CrawlDatabase)

    def archive(self, exchange: Exchange) -> Future:
        """Write the exchange on the archive's thread; the future of its response record's WarcPointer."""
        if self.files is None:
            run_id = self.crawler.stats.get_value(stat_keys.RUN_ID)
            self.files = ArchiveFiles(self.folder, self.db_folder, run_id, self.max_bytes,
                                      warcinfo_fields({**self.info, "run": run_id}), partial(self.file_opened, run_id))
        written = self.thread.submit(self.files.write, exchange)
        written.add_done_callback(self.count)
        return written

    def file_opened(self, run_id: int | None, name: str) -> None:
        """Noted in the run's row before the file's first record: a killed crawl's files are known too."""
        if run_id is not None:
            self.database.submit(ArticleStore.add_run_warc_file, run_id, name)

    def count(self, written: Future) -> None:
        if written.exception() is not None:
            logger.error("Could not archive a response: %s", written.exception())
            self.crawler.stats.inc_value(stat_keys.ARCHIVE_FAILED)
        else:
            self.crawler.stats.inc_value(stat_keys.ARCHIVED)

    async def spider_closed(self, spider, reason):
        # Every response is in by now. Closing here, not only once the engine stops, lets a file the last
        # writes opened reach the run's row: the database closes when the engine stops.
        self.close()
        run_id = self.crawler.stats.get_value(stat_keys.RUN_ID)
        if reason != "finished" or self.keep_days is None or run_id is None:
            return
        # Once this run's pointers are stored: every write the pipeline awaited came before.
        dropped = await self.database.run(prune, self.db_folder, float(self.keep_days), keep_run=run_id)
        if dropped:
            logger.info("Archive retention (POTUS_WARC_KEEP_DAYS=%s) dropped %d files: %s", self.keep_days,
                        len(dropped), ", ".join(dropped))

    def close(self) -> None:
        """Write what is queued, then close the file; again, nothing."""
        self.thread.shutdown(wait=True)
        if self.files is not None:
            self.files.close()


class ArchiveMiddleware:
    """Hands every response, as the downloader gave it, to the ``WebArchive``; a downloader middleware."""

    def __init__(self, archive: WebArchive):
        self.archive = archive

    @classmethod
    def from_crawler(cls, crawler) -> ArchiveMiddleware:
        archive = crawler.get_extension(WebArchive)
        if archive is None:
            raise NotConfigured("POTUS_WARC is off")
        return cls(archive)

    def process_response(self, request: Request, response: Response) -> Response:
        exchange = Exchange(
            url=response.url, kind=request_kind(request), method=request.method,
            request_headers=text_headers(request.headers), status=response.status,
            protocol=response.protocol or "HTTP/1.1", response_headers=text_headers(response.headers),
            body=response.body, fetched=datetime.now(timezone.utc),
            ip_address=str(response.ip_address) if response.ip_address else None)
        request.meta[ARCHIVED] = self.archive.archive(exchange)
        return response
