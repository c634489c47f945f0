"""Writes to the database on a thread of their own, committed in groups.

The reactor's thread fetches, schedules and feeds the extraction workers; a write made
there would stall all of that for as long as SQLite takes (the search index, the WAL, a
checkpoint's disk writes). One thread owns the connection instead, and the pipeline
awaits each write's outcome. Writes that queue up while a group commits go in together
in one transaction (group commit), each in a savepoint of its own, so a failing write
rolls back alone; a group holds at most ``GROUP_LIMIT`` writes, so transactions stay short.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from functools import partial
from typing import Any

from scrapy import signals

from potus_crawler.storage import ArticleStore
from potus_crawler.thread_names import name_os_thread

logger = logging.getLogger(__name__)

#: The most writes one transaction holds, so it stays short. A killed crawl loses the open group and
#: the writes queued behind it; none was reported stored, and the next crawl fetches them again.
GROUP_LIMIT = 64


class TransactionLost(Exception):
    """SQLite ended the group's transaction itself (disk full, I/O error): none of the group is stored."""


class StoreWriter:
    """Runs ``write(store, *args)`` on the writer thread; ``submit`` returns the write's future."""

    def __init__(self, open_store: Callable[[], ArticleStore]):
        self.jobs: queue.SimpleQueue = queue.SimpleQueue()
        #: Done once the store is open (its migrations applied), or failed with the reason it could not be.
        self.opened: Future = Future()
        #: Seconds the thread spent writing and committing, and the transactions it committed.
        self.busy_seconds = 0.0
        self.commits = 0
        self.thread = threading.Thread(target=self.serve, args=(open_store,), name="sqlite-writer", daemon=True)
        self.thread.start()

    def submit(self, write: Callable[..., Any], *args, **kwargs) -> Future:
        future: Future = Future()
        self.jobs.put((future, write, args, kwargs))
        return future

    def close(self) -> None:
        """Write what is queued, close the store and end the thread."""
        self.jobs.put(None)
        self.thread.join()

    def serve(self, open_store: Callable[[], ArticleStore]) -> None:
        name_os_thread()
        try:
            store = open_store()
        except BaseException as error:
            # Every write fails with the reason, at once, rather than waiting on a store that never opened.
            self.opened.set_exception(error)
            self.fail_all(error)
            return
        self.opened.set_result(None)
        group: list = []
        try:
            while True:
                group, closing = self.next_group()
                # A write whose awaiting task was cancelled (the crawl shutting down) is not made.
                group = [job for job in group if job[0].set_running_or_notify_cancel()]
                if group:
                    started = time.perf_counter()
                    outcomes = self.commit(store, group)
                    self.busy_seconds += time.perf_counter() - started
                    self.commits += 1
                    for future, result, error in outcomes:
                        if error is None:
                            future.set_result(result)
                        else:
                            future.set_exception(error)
                if closing:
                    return
        except BaseException as error:
            # Never a dead thread with writes still awaited: the crawl would wait for them forever.
            logger.exception("The writer thread failed; writes from now on fail")
            for future, *_ in group:
                fail(future, error)
            self.fail_all(error)
        finally:
            store.close()

    def fail_all(self, error: BaseException) -> None:
        while True:
            group, closing = self.next_group()
            for future, *_ in group:
                fail(future, error)
            if closing:
                return

    def next_group(self) -> tuple[list, bool]:
        """The writes waiting now (one, at least, waited for), and whether close() came after them."""
        group = []
        job = self.jobs.get()
        while job is not None:
            group.append(job)
            if len(group) == GROUP_LIMIT:
                return group, False
            try:
                job = self.jobs.get_nowait()
            except queue.Empty:
                return group, False
        return group, True

    @staticmethod
    def commit(store: ArticleStore, group: list) -> list[tuple[Future, Any, BaseException | None]]:
        """The group in one transaction: (future, result, error) for each write."""
        outcomes = []
        try:
            with store.transaction():
                for future, write, args, kwargs in group:
                    try:
                        with store.transaction():  # a savepoint: a write that fails part-way leaves nothing behind
                            outcomes.append((future, write(store, *args, **kwargs), None))
                    except Exception as error:
                        if not store.db.conn.in_transaction:
                            raise TransactionLost(error) from error
                        outcomes.append((future, None, error))
        except Exception as error:
            # The commit failed (disk full, a lock held past the busy timeout), or SQLite rolled the whole
            # transaction back itself: none of the group is stored, the writes that had run included.
            logger.error("A group of %d writes was not committed: %s", len(group), error)
            outcomes = [(future, None, error) for future, *_ in group]
        return outcomes


def fail(future: Future, error: BaseException) -> None:
    """Fail a write not yet done; one whose awaiting task was cancelled is left cancelled."""
    if not future.done() and (future.running() or future.set_running_or_notify_cancel()):
        future.set_exception(error)


class CrawlDatabase:
    """The crawl's one connection to its database (setting ``POTUS_DB``), owned by a writer thread: a
    Scrapy extension. The spider's reads when it starts, the pipeline's writes and the run's record
    all go through it, in the order they are submitted.

    It opens when the crawler is built and closes once the engine has stopped, that is after every
    ``spider_closed`` handler has submitted its last writes, whatever order Scrapy built the
    components in.
    """

    def __init__(self, path: str):
        self.writer = StoreWriter(partial(ArticleStore, path))

    @classmethod
    def from_crawler(cls, crawler) -> CrawlDatabase:
        database = cls(crawler.settings["POTUS_DB"])
        crawler.signals.connect(database.close, signal=signals.engine_stopped)
        return database

    async def opened(self) -> None:
        """Done once the store is open (its migrations applied); raises why it could not be."""
        await asyncio.wrap_future(self.writer.opened)

    def run(self, method: Callable[..., Any], *args, **kwargs) -> asyncio.Future:
        """``method(store, *args, **kwargs)`` on the writer thread, awaited without blocking the reactor."""
        return asyncio.wrap_future(self.writer.submit(method, *args, **kwargs))

    def submit(self, method: Callable[..., Any], *args, **kwargs) -> Future:
        """The same, for a write nothing awaits."""
        return self.writer.submit(method, *args, **kwargs)

    @property
    def busy_seconds(self) -> float:
        return self.writer.busy_seconds

    def close(self) -> None:
        """Idempotent: the engine's stop closes it, and a crawl whose spider never opened closes it after."""
        if self.writer.thread.is_alive():
            self.writer.close()
