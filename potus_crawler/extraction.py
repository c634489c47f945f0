"""Parsing in worker processes: every core extracts while the reactor keeps fetching and storing.

Parsing pages (articles, and the links of listing pages) is the crawl's CPU cost and
holds the GIL, so in the reactor's process it would leave one core busy and the other
idle. Pages go to a process pool instead; the spider awaits the result without blocking
the reactor. A worker that dies or hangs costs its page (recorded as a failure by the
spider), never the crawl: the pool is started again.

Workers ignore SIGINT and SIGTERM: a terminal's Ctrl-C, ``timeout`` and systemd's stop reach the
whole process group, and a worker dying of them would cost the pages in flight that the crawler,
stopping gracefully, still means to finish. The crawler ends them when it closes.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import threading
import time
import weakref
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass

from scrapy import signals

from extractors import ArticleRecord, ExtractionError, Listing, extract, parse_listing
from extractors.normalize import site_timezone
from extractors.sites import DEFAULT_PROFILE, PROFILES

logger = logging.getLogger(__name__)

#: Workers are replaced after this many pages each, so memory a page leaves behind cannot build up
#: without end; rarely, as a new worker costs a second of imports and warm-up. (A worker's RSS
#: measured flat at 194 MiB over 10,000 pages.)
PAGES_PER_WORKER = 20000
#: How often a worker checks that the crawler that started it is still there.
PARENT_CHECK_SECONDS = 1.0
#: Signals meant for the crawler that a worker must outlive (see the module's docstring).
CRAWLER_SIGNALS = (signal.SIGINT, signal.SIGTERM)
#: How long new workers may take to start and warm up before the page waiting for them fails. Generous:
#: on a loaded machine the imports alone take seconds, and no page's own timeout starts before then.
START_TIMEOUT = 300.0


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


@contextmanager
def crawler_signals_blocked() -> Iterator[None]:
    """Block SIGINT and SIGTERM in this thread for the block. A process started meanwhile inherits the
    mask, so a worker cannot die of Ctrl-C while it imports, before its initializer ignores the signals;
    a signal arriving meanwhile is held, then delivered to the crawler."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, CRAWLER_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def start_worker() -> None:
    """Worker initializer: ignore the crawler's signals, end with the crawler, warm up the extractor."""
    for signum in CRAWLER_SIGNALS:
        signal.signal(signum, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, CRAWLER_SIGNALS)
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


def extract_timed(html: str, url: str, timezone_name: str, site: str) -> Extracted:
    """An article page of the site whose profile is named ``site`` (profiles go to workers by name)."""
    started = time.perf_counter()
    try:
        record, error = extract(html, url, site_timezone(timezone_name), profile=PROFILES[site]), None
    except ExtractionError as raised:
        record, error = None, raised
    return Extracted(record, error, time.perf_counter() - started)


def listing_of_site(html: str, url: str, site: str) -> Listing:
    return parse_listing(html, url, profile=PROFILES[site])


class ExtractionPool:
    """``workers`` processes (0: extract in the calling process, for debugging and profiling).

    Workers are replaced by a fresh pool after ``PAGES_PER_WORKER`` pages each. Not with
    ``max_tasks_per_child``: on Python 3.11 a pool that retires a worker while pages wait
    starts no replacement (CPython gh-115634), and the waiting pages hang.

    A page's ``timeout`` counts once its pool's workers are up: starting them is allowed
    ``START_TIMEOUT``, so a loaded machine's slow imports never fail a page.
    """

    def __init__(self, workers: int, timezone_name: str, timeout: float, task=extract_timed,
                 pages_per_worker: int = PAGES_PER_WORKER, site: str = DEFAULT_PROFILE.name):
        self.workers, self.timezone_name, self.timeout = workers, timezone_name, timeout
        #: The name of the crawled site's profile (``POTUS_SITE``).
        self.site = site
        #: What a worker runs for a page: ``task(html, url, timezone_name, site) -> Extracted``.
        self.task = task
        self.pages_per_pool = pages_per_worker * max(workers, 1)
        self.executor: ProcessPoolExecutor | None = None
        #: The current pool's first tasks, done once its workers have started and warmed up.
        self.warm_ups: list[Future] = []
        self.submitted = 0
        LIVE_POOLS.add(self)

    @classmethod
    def from_crawler(cls, crawler) -> ExtractionPool:
        """The crawl's pool, as a Scrapy extension: started when the spider opens (so the workers warm up
        while feeds and sitemaps are read), closed when it closes."""
        settings = crawler.settings
        pool = cls(settings.getint("POTUS_EXTRACTION_WORKERS"), settings["POTUS_TIMEZONE"],
                   settings.getfloat("POTUS_EXTRACTION_TIMEOUT"), site=settings["POTUS_SITE"])
        crawler.signals.connect(pool.start, signal=signals.spider_opened)
        crawler.signals.connect(pool.close, signal=signals.spider_closed)
        return pool

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
            # A spawned pool starts a worker for each task submitted while none is idle.
            with crawler_signals_blocked():
                self.warm_ups = [self.executor.submit(os.getpid) for _ in range(self.workers)]
        return self.executor

    def start(self) -> None:
        """Start every worker now, so they import and warm up while the crawl reads its feeds and sitemaps."""
        if self.workers:
            self.current()

    async def extract(self, html: str, url: str) -> Extracted:
        return await self.run(self.task, html, url, self.timezone_name, self.site)

    async def parse_listing(self, html: str, url: str) -> Listing:
        """The links of a listing page; its ``ExtractionError`` is raised here."""
        return await self.run(listing_of_site, html, url, self.site)

    async def run(self, function, html: str, url: str, *arguments):
        """``function(html, url, *arguments)`` on a worker (in this process without workers)."""
        if not self.workers:
            return function(html, url, *arguments)
        try:
            executor = self.current()
            warm_ups = self.warm_ups
            with crawler_signals_blocked():
                future = executor.submit(function, html, url, *arguments)
            self.submitted += 1
        except BrokenProcessPool as broken:
            # The pool broke before this page reached it (a worker that died with another page).
            self.restart(self.executor, f"the pool was broken when {url} came")
            raise WorkerFailed("the parsing pool had broken") from broken
        except RuntimeError as closed:
            # The crawl is closing, or the interpreter shutting down: no page is parsed any more.
            raise WorkerFailed(f"the parsing pool is closed ({closed})") from None
        try:
            if not all(warm_up.done() for warm_up in warm_ups):
                await self.started(warm_ups, url)
            # The time counts from submission: with a page or two queued per worker, that is seconds at most.
            return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
        except asyncio.TimeoutError:
            self.restart(executor, f"parsing {url} took over {self.timeout:.0f} s")
            raise WorkerFailed(f"parsing took over {self.timeout:.0f} s") from None
        except BrokenProcessPool as broken:
            self.restart(executor, f"a worker died while parsing {url}")
            raise WorkerFailed("the parsing worker died") from broken

    async def started(self, warm_ups: list[Future], url: str) -> None:
        """Wait for a new pool's workers to start; BrokenProcessPool when one died doing so."""
        try:
            await asyncio.wait_for(asyncio.gather(*map(asyncio.wrap_future, warm_ups)), START_TIMEOUT)
        except asyncio.TimeoutError:
            raise BrokenProcessPool(f"the parsing workers did not start within {START_TIMEOUT:.0f} s, "
                                    f"with {url} waiting") from None

    def restart(self, broken: ProcessPoolExecutor | None, why: str) -> None:
        """Drop a failed pool: its other pages fail too; the next page starts a new pool.

        Only the pool the failing page ran on is dropped: the pages that fail with it must not
        take down the pool that has replaced it meanwhile.
        """
        if broken is None:
            return
        if broken is self.executor:
            logger.error("Restarting the extraction pool: %s", why)
            self.executor = None
        # A hung worker would never finish, in the current pool or in one retired to make way for a
        # fresh one: ProcessPoolExecutor has no public way to stop one.
        kill_workers(broken)

    def close(self) -> None:
        """End the workers once they have finished the pages given to them (none is left when a crawl closes)."""
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None

    def terminate(self) -> None:
        """End the workers now, pages in flight or not: a crawl told to stop at once. (A pool retired
        to make way for this one ends by itself within its last pages' timeout.)"""
        if self.executor is not None:
            kill_workers(self.executor)
            self.executor = None


#: Every pool not yet collected, for a crawl that must stop at once without knowing who started them.
LIVE_POOLS: weakref.WeakSet[ExtractionPool] = weakref.WeakSet()


def terminate_all() -> None:
    for pool in list(LIVE_POOLS):
        pool.terminate()


def kill_workers(executor: ProcessPoolExecutor) -> None:
    """Kill a pool's processes and let it go; its pages fail with BrokenProcessPool."""
    for process in list((getattr(executor, "_processes", None) or {}).values()):
        process.kill()
    executor.shutdown(wait=False, cancel_futures=True)
