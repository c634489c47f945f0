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


def run(pool: ExtractionPool, *pages: tuple[str, str]) -> list:
    async def extract_all():
        results = []
        for html, url in pages:
            try:
                results.append(await pool.extract(html, url))
            except WorkerFailed as failure:
                results.append(failure)
        return results

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
