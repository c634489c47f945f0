"""Extraction in worker processes: the same records as in-process, and a dead or hung worker costs one page."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import pytest

from conftest import read_page
from potus_crawler.extraction import (ExtractionPool, WorkerFailed, extract_timed, start_backlog, start_worker,
                                      starting_workers, stop_fork_server, worker_context)

URL_PATH = "/senate-passes-stopgap-bill-averting-government-shutdown/"
POISON = "<!-- kills the worker -->"


def dies_or_hangs_on_poison(html: str, url: str, timezone_name: str, site: str):
    """A worker task that misbehaves on chosen pages, as a pathological page could make lxml or trafilatura."""
    if POISON in html:
        if url.endswith("hang/"):
            time.sleep(60)
            # Given up long before: a worker has been killed by then, and the crawler's own parsing thread
            # (the test's process) must live on, not end the process.
            raise TimeoutError("the page hung its parser")
        os._exit(1)
    return extract_timed(html, url, timezone_name, site)


def run(pool: ExtractionPool, *pages: tuple[str, str], concurrently: bool = False, stagger: float = 0.0) -> list:
    """Each page's Extracted or WorkerFailed: one after the other, or all at once (``stagger`` seconds
    apart) as a crawl with many responses in flight gives them."""
    async def one(index: int, html: str, url: str):
        await asyncio.sleep(index * stagger)
        try:
            return await pool.extract(html, url)
        except WorkerFailed as failure:
            return failure

    async def extract_all():
        if concurrently:
            return await asyncio.gather(*(one(index, html, url) for index, (html, url) in enumerate(pages)))
        return [await one(0, html, url) for html, url in pages]

    try:
        return asyncio.run(extract_all())
    finally:
        pool.close()


def test_workers_return_the_record_extraction_in_process_returns(built_site):
    page = (read_page(built_site, URL_PATH), "https://potusnews.news" + URL_PATH)
    in_process, = run(ExtractionPool(0, "UTC", timeout=60), page)
    in_worker, = run(ExtractionPool(2, "UTC", timeout=60, backlog=0), page)
    assert in_worker.record == in_process.record and in_worker.record.title.startswith("Senate Passes")
    assert in_worker.error is None and in_worker.seconds > 0


def test_an_extraction_error_comes_back_as_a_value():
    result, = run(ExtractionPool(1, "UTC", timeout=60, backlog=0), ("", "https://potusnews.news/empty/"))
    assert result.record is None and "empty document" in str(result.error)


@pytest.mark.parametrize(("ending", "reason"), [("die/", "worker died"), ("hang/", "took over 5 s")])
def test_a_worker_that_dies_or_hangs_costs_its_page_and_the_pool_goes_on(built_site, ending, reason):
    good = (read_page(built_site, URL_PATH), "https://potusnews.news" + URL_PATH)
    poisoned = (good[0] + POISON, "https://potusnews.news/" + ending)
    # The timeout counts once a pool's workers are up, so a loaded machine's slow start fails no page.
    pool = ExtractionPool(1, "UTC", timeout=5, backlog=0, task=dies_or_hangs_on_poison)
    before, failed, after = run(pool, good, poisoned, good)
    assert isinstance(failed, WorkerFailed) and reason in str(failed)
    assert before.record == after.record is not None


def test_workers_are_replaced_after_their_share_of_pages_while_pages_wait(built_site):
    page = (read_page(built_site, URL_PATH), "https://potusnews.news" + URL_PATH)
    results = run(ExtractionPool(2, "UTC", timeout=30, backlog=0, pages_per_worker=2), *[page] * 14,
                  concurrently=True)
    assert [type(result).__name__ for result in results] == ["Extracted"] * 14
    assert all(result.record is not None for result in results)


def test_a_hung_page_among_many_costs_only_the_pages_of_its_pool(built_site):
    good = (read_page(built_site, URL_PATH), "https://potusnews.news" + URL_PATH)
    hung = (good[0] + POISON, "https://potusnews.news/hang/")
    pages = [good, hung] + [good] * 38
    # The pages given to the replacing pool wait for its workers to start and warm up before their timeout runs.
    results = run(ExtractionPool(2, "UTC", timeout=5, backlog=0, task=dies_or_hangs_on_poison), *pages,
                  concurrently=True, stagger=0.15)
    failed = [index for index, result in enumerate(results) if isinstance(result, WorkerFailed)]
    assert 1 in failed
    # Pages given to the pool that replaced the hung one are extracted.
    assert all(result.record is not None for result in results[-10:])


def signals_in_mask(pid: int, mask_name: str) -> set[int]:
    """The signals of one mask of /proc/PID/status: SigIgn (ignored) or SigBlk (blocked)."""
    mask = next(int(line.split()[1], 16) for line in open(f"/proc/{pid}/status") if line.startswith(mask_name + ":"))
    return {number for number in range(1, 65) if mask & (1 << (number - 1))}


def test_workers_outlive_the_signals_a_terminal_or_systemd_sends_the_whole_group(built_site):
    page = (read_page(built_site, URL_PATH), "https://potusnews.news" + URL_PATH)
    pool = ExtractionPool(2, "UTC", timeout=60, backlog=0)

    async def signal_the_workers_then_extract():
        first = await pool.extract(*page)
        workers = [child.pid for child in multiprocessing.active_children() if "Process" in type(child).__name__]
        assert workers
        for pid in workers:
            # A worker still starting has them blocked (held, then dropped once its initializer ignores them).
            assert {signal.SIGINT, signal.SIGTERM} <= signals_in_mask(pid, "SigIgn") | signals_in_mask(pid, "SigBlk")
            os.kill(pid, signal.SIGINT)
            os.kill(pid, signal.SIGTERM)
        return first, [await pool.extract(*page) for _ in range(4)]

    try:
        first, after = asyncio.run(signal_the_workers_then_extract())
    finally:
        pool.close()
    assert all(result.record == first.record for result in after)


def test_a_pool_found_broken_when_a_page_comes_fails_that_page_only(built_site):
    """A worker that died between pages breaks the pool; the next submit raises, which must cost one page."""
    page = (read_page(built_site, URL_PATH), "https://potusnews.news" + URL_PATH)
    pool = ExtractionPool(1, "UTC", timeout=60, backlog=0)

    async def kill_the_idle_worker_then_extract():
        await pool.extract(*page)
        executor = pool.executor
        for process in list(executor._processes.values()):
            process.kill()
        deadline = time.monotonic() + 60
        while not executor._broken and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        results = []
        for _ in range(2):
            try:
                results.append(await pool.extract(*page))
            except WorkerFailed as failure:
                results.append(failure)
        return results

    try:
        failed, extracted = asyncio.run(kill_the_idle_worker_then_extract())
    finally:
        pool.close()
    assert isinstance(failed, WorkerFailed) and "broken" in str(failed)
    assert extracted.record is not None


def worker_processes() -> list:
    return [child for child in multiprocessing.active_children() if "Process" in type(child).__name__]


def test_pages_that_come_one_at_a_time_are_parsed_in_the_crawlers_process_without_workers(built_site):
    page = (read_page(built_site, URL_PATH), "https://potusnews.news" + URL_PATH)
    in_process, = run(ExtractionPool(0, "UTC", timeout=60), page)
    pool = ExtractionPool(2, "UTC", timeout=60)

    async def one_at_a_time():
        pool.start()
        results = [await pool.extract(*page) for _ in range(5)]
        return results, worker_processes()

    try:
        results, workers = asyncio.run(one_at_a_time())
    finally:
        pool.close()
    assert workers == [] and pool.executor is None
    assert all(result.record == in_process.record for result in results)


def test_pages_piling_up_start_the_workers_and_idle_workers_stop(built_site):
    page = (read_page(built_site, URL_PATH), "https://potusnews.news" + URL_PATH)
    in_process, = run(ExtractionPool(0, "UTC", timeout=60), page)
    pool = ExtractionPool(2, "UTC", timeout=60, backlog=2, idle_seconds=1)

    async def burst_then_idle_then_burst():
        first = await asyncio.gather(*(pool.extract(*page) for _ in range(12)))
        started = pool.executor is not None and len(worker_processes()) == 2
        deadline = time.monotonic() + 60
        while (pool.executor is not None or worker_processes()) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        stopped = pool.executor is None and worker_processes() == []
        second = await asyncio.gather(*(pool.extract(*page) for _ in range(12)))
        return first + second, started, stopped, pool.executor is not None

    try:
        results, started, stopped, started_again = asyncio.run(burst_then_idle_then_burst())
    finally:
        pool.close()
    assert started and stopped and started_again
    assert [result.record == in_process.record for result in results] == [True] * 24


def test_a_page_hanging_the_crawlers_thread_fails_alone_and_the_pages_after_it_go_to_workers(built_site):
    good = (read_page(built_site, URL_PATH), "https://potusnews.news" + URL_PATH)
    hung = (good[0] + POISON, "https://potusnews.news/hang/")
    pool = ExtractionPool(1, "UTC", timeout=3, task=dies_or_hangs_on_poison)
    before, failed, after = run(pool, good, hung, good)
    assert isinstance(failed, WorkerFailed) and "took over 3 s" in str(failed)
    assert pool.thread_hung and before.record == after.record is not None


@pytest.mark.parametrize("overrides, backlog", [
    ({}, 4),  # the polite defaults: the crawler's thread first
    ({"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0}, 0),  # unthrottled: workers from the start
    ({"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0.25}, 4),  # a fixed delay is throttled
    ({"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "POTUS_EXTRACTION_BACKLOG": 6}, 6),  # given: kept
])
def test_an_unthrottled_crawl_starts_its_workers_with_the_spider_unless_told_otherwise(overrides, backlog):
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("potus_crawler.settings", priority="project")
    settings.setdict(overrides, priority="cmdline")
    assert start_backlog(settings) == backlog


def where_it_runs(html: str, url: str, timezone_name: str, site: str) -> tuple[int, bool]:
    """A worker task: the worker's parent, and whether the fork server's warm-up came with the worker."""
    return os.getppid(), "potus_crawler.fork_server" in sys.modules


LINUX_ONLY = pytest.mark.skipif(sys.platform != "linux", reason="workers are forked from a fork server on Linux only")
TINY_PAGE = ("<html><body><p>text</p></body></html>", "https://potusnews.news/x/")


@LINUX_ONLY
def test_workers_are_forked_warm_from_a_fork_server_that_outlives_the_crawlers_signals_until_idle():
    (server, warm), = run(ExtractionPool(1, "UTC", timeout=60, backlog=0, task=where_it_runs), TINY_PAGE)
    assert server != os.getpid() and warm
    # Ctrl-C and systemd's stop reach the whole process group: the server ignores both (not merely holds
    # them blocked, as it starts: a mask a later fork could clear).
    assert {signal.SIGINT, signal.SIGTERM} <= signals_in_mask(server, "SigIgn")
    os.kill(server, signal.SIGINT)
    os.kill(server, signal.SIGTERM)
    (again, _), = run(ExtractionPool(1, "UTC", timeout=60, backlog=0, task=where_it_runs), TINY_PAGE)
    assert again == server
    # Workers stopped idle take the server with them; the next pool starts another.
    idle = ExtractionPool(1, "UTC", timeout=60, backlog=0, task=where_it_runs, idle_seconds=0.5)

    async def until_the_server_ends() -> int:
        server_now, _ = await idle.extract(*TINY_PAGE)
        deadline = time.monotonic() + 60
        while exists(server_now) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        return server_now

    try:
        assert asyncio.run(until_the_server_ends()) == server and not exists(server)
    finally:
        idle.close()
    (new_server, warm), = run(ExtractionPool(1, "UTC", timeout=60, backlog=0, task=where_it_runs), TINY_PAGE)
    assert new_server not in (server, os.getpid()) and warm


@LINUX_ONLY
def test_an_idle_pools_fork_server_is_kept_when_a_new_pool_started_before_the_servers_lock_was_taken():
    """The idleness is asked under the lock every new worker takes: asked before it, a pool starting in
    between would fork its first worker from the server being stopped, which waits for that worker."""
    from multiprocessing import forkserver

    with starting_workers():
        executor = ProcessPoolExecutor(1, mp_context=worker_context(), initializer=start_worker)
        server = executor.submit(os.getppid).result(timeout=120)
    asked_under_the_lock = []

    def a_new_pool_has_started() -> bool:
        asked_under_the_lock.append(forkserver._forkserver._lock.locked())
        return False

    stop_fork_server(executor, still_idle=a_new_pool_has_started)
    deadline = time.monotonic() + 60
    while not asked_under_the_lock and time.monotonic() < deadline:
        time.sleep(0.05)
    assert asked_under_the_lock == [True] and exists(server)
    (again, _), = run(ExtractionPool(1, "UTC", timeout=60, backlog=0, task=where_it_runs), TINY_PAGE)
    assert again == server


@LINUX_ONLY
def test_a_fork_server_started_first_in_a_process_holds_the_crawlers_signals_until_it_ignores_them():
    """In a process whose resource tracker is not running yet, as a crawler's at its first pool: starting
    the tracker unblocks SIGINT and SIGTERM, and a server started after that died of a Ctrl-C while it
    imported the extractor."""
    fresh_process = ("from multiprocessing import forkserver\n"
                     "from potus_crawler.extraction import starting_workers, worker_context\n"
                     "with starting_workers():\n"
                     "    worker_context()\n"
                     "print(forkserver._forkserver._forkserver_pid)\n"
                     "import sys; sys.stdout.flush(); sys.stdin.read()\n")
    crawler_like = subprocess.Popen([sys.executable, "-c", fresh_process], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, text=True)
    try:
        server = int(crawler_like.stdout.readline())
        assert {signal.SIGINT, signal.SIGTERM} <= signals_in_mask(server, "SigBlk")
    finally:
        crawler_like.communicate(timeout=120)


@LINUX_ONLY
def test_workers_are_spawned_where_the_fork_server_cannot_start(built_site, tmp_path):
    """A TMPDIR too long for the fork server's socket (108 bytes at most) costs memory, not pages."""
    long_temp = tmp_path / ("t" * 120)
    long_temp.mkdir()
    page = read_page(built_site, URL_PATH)
    extract_one = ("import asyncio, sys\n"
                   "from potus_crawler.extraction import ExtractionPool, worker_context\n"
                   "pool = ExtractionPool(1, 'UTC', timeout=60, backlog=0)\n"
                   f"extracted = asyncio.run(pool.extract(sys.stdin.read(), 'https://potusnews.news{URL_PATH}'))\n"
                   "pool.close()\n"
                   "print(worker_context().get_start_method(), extracted.record.title)\n")
    done = subprocess.run([sys.executable, "-c", extract_one], input=page, capture_output=True, text=True,
                          env={**os.environ, "TMPDIR": str(long_temp)}, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("spawn Senate Passes")
    assert "No fork server for the extraction workers" in done.stderr and "Traceback" not in done.stderr


def exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
