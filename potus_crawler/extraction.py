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

#: A worker is replaced after this many pages, so memory a page leaves behind does not build up.
PAGES_PER_WORKER = 500
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
    """``workers`` processes (0: extract in the calling process, for debugging and profiling)."""

    def __init__(self, workers: int, timezone_name: str, timeout: float, task=extract_timed):
        self.workers, self.timezone_name, self.timeout = workers, timezone_name, timeout
        #: What a worker runs for a page: ``task(html, url, timezone_name) -> Extracted``.
        self.task = task
        self.executor: ProcessPoolExecutor | None = None

    def start(self) -> ProcessPoolExecutor:
        if self.executor is None:
            # Forked children would inherit the reactor's threads and sockets; spawned ones start clean.
            self.executor = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                                initializer=exit_with_parent, max_tasks_per_child=PAGES_PER_WORKER)
        return self.executor

    async def extract(self, html: str, url: str) -> Extracted:
        if not self.workers:
            return self.task(html, url, self.timezone_name)
        future = self.start().submit(self.task, html, url, self.timezone_name)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
        except asyncio.TimeoutError:
            self.restart(f"extraction of {url} took over {self.timeout:.0f} s")
            raise WorkerFailed(f"extraction took over {self.timeout:.0f} s") from None
        except BrokenProcessPool as broken:
            self.restart(f"a worker died while extracting {url}")
            raise WorkerFailed("the extraction worker died") from broken

    def restart(self, why: str) -> None:
        """Drop the pool (its pages in flight fail); the next page starts a new one."""
        logger.error("Restarting the extraction pool: %s", why)
        executor, self.executor = self.executor, None
        if executor is not None:
            # A hung worker would never finish: ProcessPoolExecutor has no public way to stop one.
            for process in list(getattr(executor, "_processes", {}).values()):
                process.kill()
            executor.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None
