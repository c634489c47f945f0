"""Extraction in worker processes: every core extracts while the reactor keeps fetching and storing.

Extraction is the crawl's CPU cost and holds the GIL, so in the reactor's process it
would leave one core busy and the other idle. Pages go to a process pool instead; the
spider awaits the result without blocking the reactor. A worker that dies or hangs
costs its page (recorded as a failure by the spider), never the crawl: the pool is
started again.
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

from extractors import ArticleRecord, ExtractionError, extract
from extractors.normalize import site_timezone

logger = logging.getLogger(__name__)

#: Workers are replaced after this many pages each, so memory a page leaves behind does not build up;
#: rarely, as starting one costs a second of imports.
PAGES_PER_WORKER = 2000
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


def exit_with_parent() -> None:
    """Worker initializer: end when the crawler is gone, even SIGKILLed, instead of idling on as an orphan."""
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
            # The pages already given to the old pool finish first (a few, milliseconds each): two pools
            # side by side would double the workers' memory for a while.
            self.executor.shutdown(wait=True)
            self.executor = None
        if self.executor is None:
            # Forked children would inherit the reactor's threads and sockets; spawned ones start clean.
            self.executor = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                                initializer=exit_with_parent)
            self.submitted = 0
        self.submitted += 1
        return self.executor

    async def extract(self, html: str, url: str) -> Extracted:
        if not self.workers:
            return self.task(html, url, self.timezone_name)
        executor = self.current()
        future = executor.submit(self.task, html, url, self.timezone_name)
        try:
            # The time counts from submission: with a page or two queued per worker, that is seconds at most.
            return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
        except asyncio.TimeoutError:
            self.restart(executor, f"extraction of {url} took over {self.timeout:.0f} s")
            raise WorkerFailed(f"extraction took over {self.timeout:.0f} s") from None
        except BrokenProcessPool as broken:
            self.restart(executor, f"a worker died while extracting {url}")
            raise WorkerFailed("the extraction worker died") from broken

    def restart(self, broken: ProcessPoolExecutor, why: str) -> None:
        """Drop a failed pool: its other pages fail too; the next page starts a new pool.

        Only the pool the failing page ran on is dropped: the pages that fail with it must not
        take down the pool that has replaced it meanwhile.
        """
        if broken is not self.executor:
            return
        logger.error("Restarting the extraction pool: %s", why)
        self.executor = None
        # A hung worker would never finish: ProcessPoolExecutor has no public way to stop one.
        for process in list((getattr(broken, "_processes", None) or {}).values()):
            process.kill()
        broken.shutdown(wait=False)

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None
