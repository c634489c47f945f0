"""Parsing pages off the reactor's thread: in the crawler's own process while pages come slowly, on
every core once they pile up.

Parsing pages (articles, and the links of listing pages) is the crawl's CPU cost and holds the GIL.
A polite crawl (a page a second or so) parses each page long before the next comes: a thread of the
crawler's process does it, and no worker process costs memory. Once ``POTUS_EXTRACTION_BACKLOG`` pages
wait there, the crawl is fetching faster than one core parses: worker processes start and take the
pages from then on; they stop once they have had no page for ``IDLE_SECONDS``. An unthrottled crawl
starts them with the spider (``start_backlog``). The spider awaits each result without blocking the reactor.

Workers are forked from a fork server that imported the extractor and loaded the language model once
(``potus_crawler.fork_server``): a worker starts in milliseconds of CPU instead of a second, and the
workers share the model's memory (once warm, two workers and the server hold 128 MiB between them, shared
pages counted once, where two spawned workers hold 222 MiB). Where the platform has no fork server,
workers are spawned.

A page taking over ``POTUS_EXTRACTION_TIMEOUT`` seconds fails (recorded by the spider), never the crawl.
On a worker, the pool is started again. In the crawler's thread, which nothing can stop, the page goes
on using the thread until the crawl ends (the few pages queued behind it fail with it), and every page
from then on goes to workers.

Workers ignore SIGINT and SIGTERM: a terminal's Ctrl-C, ``timeout`` and systemd's stop reach the
whole process group, and a worker dying of them would cost the pages in flight that the crawler,
stopping gracefully, still means to finish. The crawler ends them when it closes.
"""

from __future__ import annotations

import asyncio
import codecs
import functools
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from queue import SimpleQueue
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import resource_tracker
from types import ModuleType

from extractors import ArticleRecord, ExtractionError, Listing, extract, parse_listing
from extractors.normalize import site_timezone
from extractors.sites import DEFAULT_PROFILE, PROFILES
from potus_crawler.thread_names import name_os_thread

logger = logging.getLogger(__name__)

#: Workers are replaced after this many pages each, so memory a page leaves behind cannot build up
#: without end; rarely, as a spawned worker costs a second of imports and warm-up. (A spawned worker's RSS
#: measured flat at 194 MiB over 10,000 pages.)
PAGES_PER_WORKER = 20000
#: The module the fork server imports before it forks workers (``worker_context``).
FORK_SERVER_PRELOAD = "potus_crawler.fork_server"
#: Signals meant for the crawler that a worker must outlive (see the module's docstring).
CRAWLER_SIGNALS = (signal.SIGINT, signal.SIGTERM)
#: How long new workers may take to start and warm up before the page waiting for them fails. Generous:
#: on a loaded machine the imports alone take seconds, and no page's own timeout starts before then.
START_TIMEOUT = 300.0
#: Pages waiting in the crawler's own thread at which the workers are started (``POTUS_EXTRACTION_BACKLOG``).
#: A polite crawl has one at most; an unthrottled one has a dozen within a second.
START_BACKLOG = 4
#: Workers that have had no page for this long are stopped, so a crawl that slowed down gives their memory back.
IDLE_SECONDS = 30.0


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
def starting_workers() -> Iterator[None]:
    """Around the calls that may start workers (a pool starts them as pages are submitted).

    SIGINT and SIGTERM are blocked in this thread for the block: a process started meanwhile inherits
    the mask, so a worker cannot die of Ctrl-C while it imports, before its initializer ignores the
    signals; a signal arriving meanwhile is held, then delivered to the crawler.

    And the main module is hidden: a spawned process runs its parent's main module again first (for
    what it defines to be unpickled there), and the crawler's is the command line, whose imports
    (Scrapy, Twisted, the demo) would cost each worker 0.8 s of CPU and 80 MiB for nothing: what a
    worker runs is in this module, which imports no Scrapy.

    multiprocessing's resource tracker is started first: starting it unblocks both signals in this thread
    once it has (CPython's ``resource_tracker.ensure_running``), which would lift the block for the rest of
    it, and a fork server started then would die of a Ctrl-C while it imports the extractor.
    """
    resource_tracker.ensure_running()
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, CRAWLER_SIGNALS)
    main = sys.modules["__main__"]
    sys.modules["__main__"] = ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@functools.cache
def warm_up() -> None:
    """Take this process's extractor through its first-use costs, once: in a worker, the fork server that
    forks workers, or the crawler's parsing thread."""
    try:
        extract(WARM_UP_PAGE, "http://localhost/warm-up/")
    except Exception:
        # A worker that raised here would break every pool; let the pages show what is wrong instead.
        logger.exception("The extractor's warm-up failed")


def ignore_crawler_signals() -> None:
    for signum in CRAWLER_SIGNALS:
        signal.signal(signum, signal.SIG_IGN)


def start_worker() -> None:
    """Worker initializer: ignore the crawler's signals, end with the crawler, warm up the extractor (done
    already in a worker forked from the fork server)."""
    ignore_crawler_signals()
    signal.pthread_sigmask(signal.SIG_UNBLOCK, CRAWLER_SIGNALS)
    exit_with_parent()
    warm_up()


def exit_with_parent() -> None:
    """End when the crawler that started this worker is gone, even SIGKILLed, instead of idling on as an
    orphan. The crawler, not the parent the kernel names: a worker forked by the fork server holds the
    server's pipe open, so the server outlives the crawler for as long as its workers do."""
    crawler = multiprocessing.parent_process()
    if crawler is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([crawler.sentinel])
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def worker_context() -> multiprocessing.context.BaseContext:
    """How workers start: forked from a fork server that has imported and warmed up the extractor once
    (``potus_crawler.fork_server``) on Linux, so a worker costs milliseconds of CPU instead of a second
    and shares the language model's memory with its siblings; else, or where the server cannot start,
    spawned, each importing on its own (macOS lists a fork server, but forking a process that loaded its
    system libraries is unsafe there). Never forked from the crawler itself: its children would inherit
    the reactor's threads and sockets. Call it within ``starting_workers``: it may start the server."""
    if sys.platform != "linux" or fork_server_failure() is not None:
        return multiprocessing.get_context("spawn")
    return multiprocessing.get_context("forkserver")


@functools.cache
def fork_server_failure() -> OSError | None:
    """Why this process's fork server cannot start (a socket path over the kernel's 108 bytes, from a long
    ``TMPDIR``), found once; None when it runs. Once it has run, multiprocessing starts it again as needed."""
    from multiprocessing import forkserver  # POSIX only

    forkserver.set_forkserver_preload([FORK_SERVER_PRELOAD])
    try:
        forkserver.ensure_running()
    except OSError as error:
        logger.warning("No fork server for the extraction workers (%s): each worker is spawned and loads the "
                       "extractor on its own", error)
        return error
    return None


def stop_fork_server(executor: ProcessPoolExecutor, still_idle: Callable[[], bool]) -> None:
    """Once an idle pool's workers have ended, end the fork server, so that a crawl whose workers stopped
    holds no extractor in memory; the next pool starts another. Not if a new pool has started meanwhile
    (``still_idle``, asked under the server's lock, which every new worker takes): the server would wait
    for that pool's workers, holding the lock the pool's next worker needs.

    On a thread of its own: the server ends only once the workers holding its pipe have, and the reactor
    must not wait for that. CPython has no public way: where its private one is missing, the server
    lives on until the crawler ends."""
    server = getattr(sys.modules.get("multiprocessing.forkserver"), "_forkserver", None)
    lock, stop = getattr(server, "_lock", None), getattr(server, "_stop_unlocked", None)

    def stop_once_idle() -> None:
        executor.shutdown(wait=True)
        if lock is None or stop is None:
            return
        with lock:
            if still_idle():
                stop()

    threading.Thread(target=stop_once_idle, name="fork-server-stop", daemon=True).start()


CP1252_FALLBACK = "potus-cp1252-fallback"


def read_as_cp1252(error: UnicodeDecodeError) -> tuple[str, int]:
    """A byte sequence that is no UTF-8, read as Windows-1252 (the usual culprit) instead of U+FFFD."""
    return error.object[error.start:error.end].decode("cp1252", errors="replace"), error.end


codecs.register_error(CP1252_FALLBACK, read_as_cp1252)


def page_html(page: str | bytes) -> str:
    """A page as text: text as it is, the bytes of a UTF-8 page decoded. Bytes that break the UTF-8 a page
    declares (text pasted from a Windows editor into a UTF-8 site) are read as Windows-1252, so they stay
    the characters they were."""
    if isinstance(page, str):
        return page
    return page.decode("utf-8-sig", errors=CP1252_FALLBACK)


def extract_timed(page: str | bytes, url: str, timezone_name: str, site: str) -> Extracted:
    """An article page (``page_html``'s text or UTF-8 bytes) of the site whose profile is named ``site``
    (profiles go to workers by name)."""
    html = page_html(page)
    started = time.perf_counter()
    try:
        record, error = extract(html, url, site_timezone(timezone_name), profile=PROFILES[site]), None
    except ExtractionError as raised:
        record, error = None, raised
    return Extracted(record, error, time.perf_counter() - started)


def listing_of_site(html: str, url: str, site: str) -> Listing:
    return parse_listing(html, url, profile=PROFILES[site])


class ParsingThread:
    """One daemon thread of the crawler's process running the tasks given to it, one at a time, in order.

    A daemon, unlike ``ThreadPoolExecutor``'s, whose threads the interpreter joins at exit: a page that
    hangs the thread must not keep the crawler from ending.
    """

    def __init__(self):
        self.tasks: SimpleQueue = SimpleQueue()
        threading.Thread(target=self.serve, name="extraction", daemon=True).start()

    def submit(self, function, *arguments) -> Future:
        future: Future = Future()
        self.tasks.put((future, function, arguments))
        return future

    def close(self) -> None:
        """End the thread once the tasks queued are done."""
        self.tasks.put(None)

    def serve(self) -> None:
        name_os_thread()
        while (task := self.tasks.get()) is not None:
            future, function, arguments = task
            # A page whose awaiting task gave up (its timeout, the crawl closing) is not parsed.
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(function(*arguments))
            except BaseException as error:
                future.set_exception(error)


def start_backlog(settings) -> int:
    """``POTUS_EXTRACTION_BACKLOG``, unless the crawl is unthrottled (no ``DOWNLOAD_DELAY``, no AutoThrottle)
    and the setting was not given: such a crawl fetches faster than one core parses from its first
    second, so its workers start with the spider, and the crawler's process neither loads the language
    model nor parses a page (about half a second of the crawler's CPU saved, measured on a 20-article crawl)."""
    from scrapy.settings import SETTINGS_PRIORITIES

    given = (settings.getpriority("POTUS_EXTRACTION_BACKLOG") or 0) > SETTINGS_PRIORITIES["project"]
    if not given and not settings.getbool("AUTOTHROTTLE_ENABLED") and settings.getfloat("DOWNLOAD_DELAY") == 0:
        return 0
    return settings.getint("POTUS_EXTRACTION_BACKLOG")


class ExtractionPool:
    """Up to ``workers`` processes (0: extract in the calling process itself, for debugging and profiling),
    started once ``backlog`` pages wait in the crawler's parsing thread (0: from the start, for every page).

    Workers are replaced by a fresh pool after ``PAGES_PER_WORKER`` pages each. Not with
    ``max_tasks_per_child``: on Python 3.11 a pool that retires a worker while pages wait
    starts no replacement (CPython gh-115634), and the waiting pages hang.

    A page's ``timeout`` counts once its pool's workers are up: starting them is allowed
    ``START_TIMEOUT``, so a loaded machine's slow imports never fail a page.
    """

    def __init__(self, workers: int, timezone_name: str, timeout: float, task=extract_timed,
                 pages_per_worker: int = PAGES_PER_WORKER, site: str = DEFAULT_PROFILE.name,
                 backlog: int = START_BACKLOG, idle_seconds: float = IDLE_SECONDS):
        self.workers, self.timezone_name, self.timeout = workers, timezone_name, timeout
        self.backlog, self.idle_seconds = backlog, idle_seconds
        #: The name of the crawled site's profile (``POTUS_SITE``).
        self.site = site
        #: What a worker runs for a page: ``task(page, url, timezone_name, site) -> Extracted`` (``page`` as ``extract`` takes it).
        self.task = task
        self.pages_per_pool = pages_per_worker * max(workers, 1)
        self.executor: ProcessPoolExecutor | None = None
        #: The current pool's first tasks, done once its workers have started and warmed up.
        self.warm_ups: list[Future] = []
        self.submitted = 0
        #: The crawler's own parsing thread (started on first use), the pages waiting in it, and whether a
        #: page hung it (then every page goes to workers).
        self.thread: ParsingThread | None = None
        self.waiting_in_thread = 0
        self.thread_hung = False
        #: Pages given to the workers and not yet back, and when the last one came back (for the idle stop).
        self.on_workers = 0
        self.last_on_workers = 0.0
        LIVE_POOLS.add(self)

    @classmethod
    def from_crawler(cls, crawler) -> ExtractionPool:
        """The crawl's pool, as a Scrapy extension: started when the spider opens (so the workers warm up
        while feeds and sitemaps are read), closed when it closes."""
        # Imported here: workers import this module for their tasks, and need no Scrapy.
        from scrapy import signals

        settings = crawler.settings
        pool = cls(settings.getint("POTUS_EXTRACTION_WORKERS"), settings["POTUS_TIMEZONE"],
                   settings.getfloat("POTUS_EXTRACTION_TIMEOUT"), site=settings["POTUS_SITE"],
                   backlog=start_backlog(settings))
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
            self.submitted = 0
            with starting_workers():
                self.executor = ProcessPoolExecutor(self.workers, mp_context=worker_context(),
                                                    initializer=start_worker)
                # The pool starts a worker for each task submitted while none is idle.
                self.warm_ups = [self.executor.submit(os.getpid) for _ in range(self.workers)]
            self.last_on_workers = time.monotonic()
            asyncio.get_running_loop().call_later(self.idle_seconds, self.stop_if_idle, self.executor)
        return self.executor

    def start(self) -> None:
        """Warm the extractor up now, where the first pages will go, while the crawl reads its feeds and
        sitemaps: every worker when they take every page, else the crawler's parsing thread."""
        if not self.workers:
            return
        if self.backlog:
            self.parsing_thread().submit(warm_up)
        else:
            self.current()

    def parsing_thread(self) -> ParsingThread:
        if self.thread is None:
            self.thread = ParsingThread()
        return self.thread

    def in_thread(self) -> bool:
        """Whether the next page is parsed in the crawler's thread: while few wait there, and no worker is
        ready for it (while new workers start, the thread goes on)."""
        if not self.backlog or self.thread_hung or self.waiting_in_thread >= self.backlog:
            return False
        return self.executor is None or not all(warm_up.done() for warm_up in self.warm_ups)

    def stop_if_idle(self, executor: ProcessPoolExecutor) -> None:
        """End the workers once they have had no page for ``idle_seconds``; else look again when they might."""
        if executor is not self.executor:
            return
        idle_for = time.monotonic() - self.last_on_workers
        if self.on_workers or idle_for < self.idle_seconds:
            look_again = self.idle_seconds if self.on_workers else self.idle_seconds - idle_for
            asyncio.get_running_loop().call_later(look_again, self.stop_if_idle, executor)
            return
        logger.info("Stopping the extraction workers: no page for them in %.0f s", idle_for)
        self.executor = None
        stop_fork_server(executor, still_idle=lambda: self.executor is None)

    async def extract(self, page: str | bytes, url: str) -> Extracted:
        """An article page, as text or as the bytes of a UTF-8 page (``page_html``)."""
        return await self.run(self.task, page, url, self.timezone_name, self.site)

    async def parse_listing(self, html: str, url: str) -> Listing:
        """The links of a listing page; its ``ExtractionError`` is raised here."""
        return await self.run(listing_of_site, html, url, self.site)

    async def run(self, function, page: str | bytes, url: str, *arguments):
        """``function(page, url, *arguments)`` on a worker or the crawler's parsing thread (in the calling
        thread itself without workers)."""
        if not self.workers:
            return function(page, url, *arguments)
        if self.in_thread():
            return await self.run_in_thread(function, page, url, *arguments)
        self.on_workers += 1
        try:
            return await self.run_on_worker(function, page, url, *arguments)
        finally:
            self.on_workers -= 1
            self.last_on_workers = time.monotonic()

    async def run_in_thread(self, function, page: str | bytes, url: str, *arguments):
        self.waiting_in_thread += 1
        try:
            return await asyncio.wait_for(asyncio.wrap_future(self.parsing_thread().submit(function, page, url,
                                                                                           *arguments)), self.timeout)
        except asyncio.TimeoutError:
            if not self.thread_hung:
                logger.error("Parsing %s in the crawler's process took over %.0f s: the pages from now on go to "
                             "workers", url, self.timeout)
                self.thread_hung = True
            raise WorkerFailed(f"parsing took over {self.timeout:.0f} s") from None
        finally:
            self.waiting_in_thread -= 1

    async def run_on_worker(self, function, page: str | bytes, url: str, *arguments):
        try:
            executor = self.current()
            warm_ups = self.warm_ups
            with starting_workers():
                future = executor.submit(function, page, url, *arguments)
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
        """End the workers and the parsing thread once they have finished the pages given to them (none is left
        when a crawl closes; a hung thread is left to end with the process)."""
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None
        if self.thread is not None:
            self.thread.close()
            self.thread = None

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
