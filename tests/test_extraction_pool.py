"""Extraction in worker processes: the same records as in-process, and a dead or hung worker costs one page."""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from conftest import read_page
from potus_crawler.extraction import ExtractionPool, WorkerFailed, extract_timed

URL_PATH = "/senate-passes-stopgap-bill-averting-government-shutdown/"
POISON = "<!-- kills the worker -->"


def dies_or_hangs_on_poison(html: str, url: str, timezone_name: str):
    """A worker task that misbehaves on chosen pages, as a pathological page could make lxml or trafilatura."""
    if POISON in html:
        if url.endswith("hang/"):
            time.sleep(60)
        os._exit(1)
    return extract_timed(html, url, timezone_name)


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
    in_worker, = run(ExtractionPool(2, "UTC", timeout=60), page)
    assert in_worker.record == in_process.record and in_worker.record.title.startswith("Senate Passes")
    assert in_worker.error is None and in_worker.seconds > 0


def test_an_extraction_error_comes_back_as_a_value():
    result, = run(ExtractionPool(1, "UTC", timeout=60), ("", "https://potusnews.news/empty/"))
    assert result.record is None and "empty document" in str(result.error)


@pytest.mark.parametrize(("ending", "reason"), [("die/", "worker died"), ("hang/", "took over 3 s")])
def test_a_worker_that_dies_or_hangs_costs_its_page_and_the_pool_goes_on(built_site, ending, reason):
    good = (read_page(built_site, URL_PATH), "https://potusnews.news" + URL_PATH)
    poisoned = (good[0] + POISON, "https://potusnews.news/" + ending)
    pool = ExtractionPool(1, "UTC", timeout=3, task=dies_or_hangs_on_poison)
    before, failed, after = run(pool, good, poisoned, good)
    assert isinstance(failed, WorkerFailed) and reason in str(failed)
    assert before.record == after.record is not None


def test_workers_are_replaced_after_their_share_of_pages_while_pages_wait(built_site):
    page = (read_page(built_site, URL_PATH), "https://potusnews.news" + URL_PATH)
    results = run(ExtractionPool(2, "UTC", timeout=30, pages_per_worker=2), *[page] * 14, concurrently=True)
    assert [type(result).__name__ for result in results] == ["Extracted"] * 14
    assert all(result.record is not None for result in results)


def test_a_hung_page_among_many_costs_only_the_pages_of_its_pool(built_site):
    good = (read_page(built_site, URL_PATH), "https://potusnews.news" + URL_PATH)
    hung = (good[0] + POISON, "https://potusnews.news/hang/")
    pages = [good, hung] + [good] * 38
    # The timeout counts from submission: the first pages given to the replacing pool wait for its
    # workers to start and warm up (about a second), well inside 3 s.
    results = run(ExtractionPool(2, "UTC", timeout=3, task=dies_or_hangs_on_poison), *pages, concurrently=True,
                  stagger=0.15)
    failed = [index for index, result in enumerate(results) if isinstance(result, WorkerFailed)]
    assert 1 in failed
    # Pages given to the pool that replaced the hung one are extracted.
    assert all(result.record is not None for result in results[-10:])
