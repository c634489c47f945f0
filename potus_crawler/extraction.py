"""Parsing in worker processes: every core extracts while the reactor keeps fetching and storing.

Parsing pages (articles, and the links of listing pages) is the crawl's CPU cost and
holds the GIL, so in the reactor's process it would leave one core busy and the other
idle. Pages go to a process pool instead; the spider awaits the result without blocking
the reactor. A worker that dies or hangs costs its page (recorded as a failure by the
spider), never the crawl: the pool is started again.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from extractors import ArticleRecord, ExtractionError, Listing, extract, parse_listing
from extractors.normalize import site_timezone

logger = logging.getLogger(__name__)

#: Workers are replaced after this many pages each, so memory a page leaves behind cannot build up
#: without end; rarely, as a new worker costs a second of imports and warm-up. (A worker's RSS
#: measured flat at 194 MiB over 10,000 pages.)
PAGES_PER_WORKER = 20000
#: How often a worker checks that the crawler that started it is still there.
PARENT_CHECK_SECONDS = 1.0


class WorkerFailed(Exception):
    """The worker extracting a page died or hung; the page is lost to this crawl, the pool restarted."""


@dataclass
class Extracted:
    """What a worker sends back: a record or the extractor's error, and the seconds it took."""

    record: ArticleRecord | None
    error: ExtractionError | None
    seconds: float


#: A page that takes the extractor through its first-use costs (dateparser's language data, lazy
#: imports): half a second a worker pays before the crawl needs it rather than on its first article.
WARM_UP_PAGE = (
    '<html lang="en"><head><title>Warm-up</title>'
    '<meta property="article:published_time" content="2025-03-14T10:00:00"></head>'
    '<body><article><h1>Warm-up</h1><p>By Jane Doe, March 14, 2025</p>'
    f'<p>{"A sentence of article text. " * 30}</p></article></body></html>'
)


def start_worker() -> None:
    """Worker initializer: end with the crawler, then warm up the extractor."""
    exit_with_parent()
    try:
        extract(WARM_UP_PAGE, "http://localhost/warm-up/")
    except Exception:
        # A worker that raised here would break every pool; let the pages show what is wrong instead.
        logger.exception("The extraction worker's warm-up failed")


def exit_with_parent() -> None:
    """End when the crawler is gone, even SIGKILLed, instead of idling on as an orphan."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def extract_timed(html: str, url: str, timezone_name: str) -> Extracted:
    started = time.perf_counter()
    try:
        record, error = extract(html, url, site_timezone(timezone_name)), None
    except ExtractionError as raised:
        record, error = None, raised
    return Extracted(record, error, time.perf_counter() - started)


class ExtractionPool:
    """``workers`` processes (0: extract in the calling process, for debugging and profiling).

    Workers are replaced by a fresh pool after ``PAGES_PER_WORKER`` pages each. Not with
    ``max_tasks_per_child``: on Python 3.11 a pool that retires a worker while pages wait
    starts no replacement (CPython gh-115634), and the waiting pages hang.
    """

    def __init__(self, workers: int, timezone_name: str, timeout: float, task=extract_timed,
                 pages_per_worker: int = PAGES_PER_WORKER):
        self.workers, self.timezone_name, self.timeout = workers, timezone_name, timeout
        #: What a worker runs for a page: ``task(html, url, timezone_name) -> Extracted``.
        self.task = task
        self.pages_per_pool = pages_per_worker * max(workers, 1)
        self.executor: ProcessPoolExecutor | None = None
        self.submitted = 0

    def current(self) -> ProcessPoolExecutor:
        """The pool to give the next page to: a new one when there is none or the current one has done its share."""
        if self.executor is not None and self.submitted >= self.pages_per_pool:
            # The old pool ends once it has extracted the pages it was given; waiting for that here would
            # block the reactor, and forever with a hung worker, whose timeout the reactor has to run.
            # Meanwhile both pools are up: the workers' memory doubles for a fraction of a second.
            self.executor.shutdown(wait=False)
            self.executor = None
        if self.executor is None:
            # Forked children would inherit the reactor's threads and sockets; spawned ones start clean.
            self.executor = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                                initializer=start_worker)
            self.submitted = 0
        self.submitted += 1
        return self.executor

    def start(self) -> None:
        """Start every worker now, so they import and warm up while the crawl reads its feeds and sitemaps."""
        if self.workers:
            executor = self.current()
            # A spawned pool starts a worker for each task submitted while none is idle.
            for _ in range(self.workers):
                executor.submit(os.getpid)

    async def extract(self, html: str, url: str) -> Extracted:
        return await self.run(self.task, html, url, self.timezone_name)

    async def parse_listing(self, html: str, url: str) -> Listing:
        """The links of a listing page; its ``ExtractionError`` is raised here."""
        return await self.run(parse_listing, html, url)

    async def run(self, function, html: str, url: str, *arguments):
        """``function(html, url, *arguments)`` on a worker (in this process without workers)."""
        if not self.workers:
            return function(html, url, *arguments)
        executor = self.current()
        future = executor.submit(function, html, url, *arguments)
        try:
            # The time counts from submission: with a page or two queued per worker, that is seconds at most.
            return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
        except asyncio.TimeoutError:
            self.restart(executor, f"parsing {url} took over {self.timeout:.0f} s")
            raise WorkerFailed(f"parsing took over {self.timeout:.0f} s") from None
        except BrokenProcessPool as broken:
            self.restart(executor, f"a worker died while parsing {url}")
            raise WorkerFailed("the parsing worker died") from broken

    def restart(self, broken: ProcessPoolExecutor, why: str) -> None:
        """Drop a failed pool: its other pages fail too; the next page starts a new pool.

        Only the pool the failing page ran on is dropped: the pages that fail with it must not
        take down the pool that has replaced it meanwhile.
        """
        if broken is self.executor:
            logger.error("Restarting the extraction pool: %s", why)
            self.executor = None
        # A hung worker would never finish, in the current pool or in one retired to make way for a
        # fresh one: ProcessPoolExecutor has no public way to stop one.
        for process in list((getattr(broken, "_processes", None) or {}).values()):
            process.kill()
        broken.shutdown(wait=False)

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None
