"""Crashes lose nothing: a crawl killed again and again ends like an uninterrupted one; readers never fail.

The crawls are the cron entry, ``potus-crawler crawl``, killed with SIGKILL (no chance to
clean up) while the loopback server answers.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest

from benchmarks.incremental import crawl, crawl_command, crawl_killed_after, stored_count, stored_rows
from potus_crawler.cli import EXIT_OK

SINCE = "2025-03-10"
#: One article at a time, so that each kill lands in the middle of the crawl.
SLOW = ("-s", "CONCURRENT_REQUESTS=1", "-s", "DOWNLOAD_DELAY=0.03")


def integrity(db: Path) -> str:
    with closing(sqlite3.connect(db)) as connection:
        return connection.execute("pragma integrity_check").fetchone()[0]


@pytest.fixture(scope="module")
def uninterrupted(served_site, tmp_path_factory) -> dict:
    db = tmp_path_factory.mktemp("whole") / "potus.db"
    assert crawl(served_site.base_url, db, SINCE).returncode == EXIT_OK
    return stored_rows(db)


def test_a_crawl_killed_at_several_points_ends_with_the_rows_of_an_uninterrupted_one(
        served_site, uninterrupted, tmp_path):
    db = tmp_path / "potus.db"
    stored_at_kills = []
    for articles in (5, 20, 35):
        stored_at_kills.append(len(crawl_killed_after(crawl_command(served_site.base_url, db, SINCE, *SLOW), db,
                                                      articles)))
        assert integrity(db) == "ok"
    # Each restart went on from where the previous one died.
    assert stored_at_kills == sorted(stored_at_kills) and stored_at_kills[-1] < len(uninterrupted)
    finished = crawl(served_site.base_url, db, SINCE)
    assert finished.returncode == EXIT_OK, finished.stderr[-3000:]
    assert stored_rows(db) == uninterrupted
    assert integrity(db) == "ok"
    with closing(sqlite3.connect(db)) as connection:
        statuses = [row[0] for row in connection.execute("select status from crawl_runs order by id")]
        search_rows = connection.execute("select count(*) from articles_fts").fetchone()[0]
    assert statuses == ["interrupted"] * 3 + ["finished"]
    # The search index holds each article once: no half-written or duplicated rows behind the kills.
    assert search_rows == len(uninterrupted)


def test_readers_never_fail_while_a_crawl_writes(served_site, tmp_path):
    db = tmp_path / "potus.db"
    errors: list[str] = []
    counts: list[int] = []
    stop = threading.Event()

    def schema_ready() -> bool:
        """The crawl records its run only once every migration is applied: analysts read a database that
        exists. While a migration creates the schema (a first crawl, an upgrade) a reader may fail."""
        try:
            with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)) as connection:
                return connection.execute("select count(*) from crawl_runs").fetchone()[0] > 0
        except sqlite3.OperationalError:
            return False

    def read_continuously() -> None:
        while not stop.wait(0.01) and not (db.exists() and schema_ready()):
            pass
        while not stop.wait(0.01):
            try:
                with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)) as connection:
                    counts.append(connection.execute("select count(*) from articles").fetchone()[0])
                    connection.execute("select * from latest_articles limit 5").fetchall()
                    connection.execute("select count(*) from articles_fts where articles_fts match 'senate'").fetchone()
            except sqlite3.OperationalError as error:
                errors.append(str(error))

    reader = threading.Thread(target=read_continuously)
    reader.start()
    try:
        result = crawl(served_site.base_url, db, SINCE, *SLOW)
    finally:
        stop.set()
        reader.join()
    assert result.returncode == EXIT_OK, result.stderr[-3000:]
    assert errors == []
    assert len(counts) > 20 and counts == sorted(counts) and counts[-1] == len(served_site.expected_records)


def children_of(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as children:
        return [int(child) for child in children.read().split()]


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_extraction_workers_end_with_a_killed_crawler(served_site, tmp_path):
    """SIGKILL gives the crawler no chance to stop its workers: they must notice and end themselves."""
    db = tmp_path / "potus.db"
    crawler = subprocess.Popen(crawl_command(served_site.base_url, db, SINCE, *SLOW),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while stored_count(db) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = children_of(crawler.pid)
    crawler.send_signal(signal.SIGKILL)
    crawler.wait()
    assert workers, "the crawler had started no worker"
    deadline = time.monotonic() + 10
    while any(map(alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if alive(pid)]
