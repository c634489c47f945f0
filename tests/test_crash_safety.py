"""Crashes lose nothing: a crawl killed again and again ends like an uninterrupted one; readers never fail.

The crawls are the cron entry, ``potus-crawler crawl``, killed with SIGKILL (no chance to
clean up) while the loopback server answers.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest

from conftest import env_importing_tests
from faults import Stall, faulty_site
from benchmarks.incremental import crawl, crawl_command, crawl_killed_after, stored_count, stored_rows
from potus_crawler import settings as project_settings
from potus_crawler.cli import EXIT_OK
from potus_crawler.demo.content import DemoContent

CONTENT = DemoContent.load()

SINCE = "2025-03-10"
#: One article at a time, so that each kill lands in the middle of the crawl.
SLOW = ("-s", "CONCURRENT_REQUESTS=1", "-s", "DOWNLOAD_DELAY=0.03")
#: Every page to the worker processes: a slow crawl alone would parse its pages in the crawler's thread.
ON_WORKERS = ("-s", "POTUS_EXTRACTION_BACKLOG=0")


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
            with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)) as connection:
                return connection.execute("select count(*) from crawl_runs").fetchone()[0] > 0
        except sqlite3.OperationalError:
            return False

    def read_continuously() -> None:
        while not stop.wait(0.01) and not (db.exists() and schema_ready()):
            pass
        while not stop.wait(0.01):
            try:
                with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)) as connection:
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


def descendants_of(pid: int) -> list[int]:
    """Children, and theirs: the extraction workers are the fork server's."""
    with open(f"/proc/{pid}/task/{pid}/children") as children:
        found = [int(child) for child in children.read().split()]
    return found + [grandchild for child in found for grandchild in descendants_of(child)]


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_extraction_workers_end_with_a_killed_crawler(served_site, tmp_path):
    """SIGKILL gives the crawler no chance to stop its workers: they must notice and end themselves, and
    the fork server once they have."""
    db = tmp_path / "potus.db"
    crawler = subprocess.Popen(crawl_command(served_site.base_url, db, SINCE, *SLOW, *ON_WORKERS),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while stored_count(db) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = descendants_of(crawler.pid)
    forked = [descendants_of(pid) for pid in workers
              if b"multiprocessing.forkserver" in Path(f"/proc/{pid}/cmdline").read_bytes()]
    crawler.send_signal(signal.SIGKILL)
    crawler.wait()
    assert forked and forked[0], "the crawler had started no worker"
    deadline = time.monotonic() + 10
    while any(map(alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if alive(pid)]


def group_members(pgid: int) -> list[int]:
    """Live processes of a process group (zombies excluded), read from /proc."""
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError):
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                members.append(int(entry.name))
    return members


def interrupted_in_its_group(command: list[str], db: Path, signals: list[signal.Signals],
                             ready=None, temp_dir: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``command`` in a process group of its own, as a terminal runs a foreground job, and send the
    whole group ``signals`` (a terminal's Ctrl-C reaches every process of it), a second apart, once
    ``ready()`` (default: 5 articles are stored). ``temp_dir``: the command's TMPDIR."""
    ready = ready or (lambda: stored_count(db) >= 5)
    env = {**os.environ, "TMPDIR": str(temp_dir)} if temp_dir else None
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True, env=env)
    deadline = time.monotonic() + 120
    while process.poll() is None and not ready() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.poll() is None, "the crawl ended before it could be interrupted"
    for sent in signals:
        os.killpg(process.pid, sent)
        time.sleep(1)
    try:
        stdout, stderr = process.communicate(timeout=30)
    finally:
        # multiprocessing's resource tracker ends once it reads the end of its pipe: a moment after the crawler.
        deadline = time.monotonic() + 10
        while group_members(process.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        leftover = group_members(process.pid)
        for pid in leftover:
            os.kill(pid, signal.SIGKILL)
    assert not leftover, f"processes left behind: {leftover}"
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def last_status(db: Path) -> str:
    with closing(sqlite3.connect(db)) as connection:
        return connection.execute("select status from crawl_runs order by id desc limit 1").fetchone()[0]


@pytest.mark.parametrize(("sent", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_to_the_crawls_group_finishes_what_is_in_flight_and_resuming_ends_like_an_uninterrupted_crawl(
        served_site, uninterrupted, tmp_path, sent, code):
    db = tmp_path / "potus.db"
    result = interrupted_in_its_group(crawl_command(served_site.base_url, db, SINCE, *SLOW, *ON_WORKERS), db, [sent])
    assert result.returncode == code, result.stderr[-3000:]
    assert "Traceback" not in result.stdout + result.stderr
    assert f"{sent.name} received: finishing the pages in flight" in result.stderr
    assert result.stdout.startswith(f"crawl interrupted by {sent.name} after ")
    assert last_status(db) == "interrupted"
    # The pages in flight were stored, none was lost to the workers dying of the signal.
    with closing(sqlite3.connect(db)) as connection:
        assert connection.execute("select count(*) from failures").fetchone()[0] == 0
    assert integrity(db) == "ok"
    finished = crawl(served_site.base_url, db, SINCE)
    assert finished.returncode == EXIT_OK, finished.stderr[-3000:]
    assert stored_rows(db) == uninterrupted


def test_a_second_ctrl_c_stops_at_once_and_leaves_a_consistent_database(served_site, uninterrupted, tmp_path):
    """A page that stalls keeps the graceful stop waiting (up to the download timeout, a minute here):
    the second Ctrl-C ends the crawl without waiting for it, its workers and their fork server too, and
    takes multiprocessing's socket folder with it."""
    db = tmp_path / "potus.db"
    temp_dir = tmp_path / "tmp"
    temp_dir.mkdir()
    stalled = CONTENT.articles[len(CONTENT.articles) // 2].path
    with faulty_site({stalled: Stall()}) as (site, server):
        result = interrupted_in_its_group(
            crawl_command(site.base_url, db, SINCE, *SLOW, *ON_WORKERS, "-s", "DOWNLOAD_TIMEOUT=60",
                          "-s", "RETRY_TIMES=0"), db,
            [signal.SIGINT, signal.SIGINT], ready=lambda: bool(server.arrivals_for(stalled)), temp_dir=temp_dir)
        assert result.returncode == 130, result.stderr[-3000:]
        assert "Traceback" not in result.stdout + result.stderr
        assert "SIGINT received again: stopping at once" in result.stderr
        assert list(temp_dir.iterdir()) == []
        assert last_status(db) == "interrupted"
        assert integrity(db) == "ok"
        # Resumed with the site answering again, it ends with the rows of an uninterrupted crawl.
        server.faults.clear()
        finished = crawl(site.base_url, db, SINCE)
        assert finished.returncode == EXIT_OK, finished.stderr[-3000:]
        rows = json.dumps(stored_rows(db)).replace(site.base_url, served_site.base_url)
    assert json.loads(rows) == uninterrupted


def test_a_ctrl_c_while_the_spider_opens_stops_the_crawl_once_it_runs(served_site, tmp_path):
    """Scrapy's graceful stop, asked before the engine runs, stopped nothing: the crawl ran to its end, then
    waited for ever for the stop its closing asked for."""
    db = tmp_path / "potus.db"
    extensions = {**project_settings.EXTENSIONS, "faults.InterruptedAsTheSpiderOpens": 0}
    command = crawl_command(served_site.base_url, db, SINCE, *SLOW, "-s", f"EXTENSIONS={json.dumps(extensions)}")
    result = subprocess.run(command, capture_output=True, text=True, env=env_importing_tests(), timeout=300)
    assert result.returncode == 130, result.stderr[-3000:]
    assert "Traceback" not in result.stdout + result.stderr
    assert "SIGINT received: finishing the pages in flight" in result.stderr
    assert result.stdout.startswith("crawl interrupted by SIGINT after ")
    assert last_status(db) == "interrupted"
    assert stored_count(db) < len(served_site.expected_records)


def test_ctrl_c_during_the_demo_ends_it_with_the_interrupt_code(tmp_path):
    db = tmp_path / "demo.db"
    command = [sys.executable, "-m", "potus_crawler.cli", "demo", "--db", str(db), *SLOW]
    result = interrupted_in_its_group(command, db, [signal.SIGINT])
    assert result.returncode == 130, result.stderr[-3000:]
    assert "Traceback" not in result.stdout + result.stderr
    assert "Demo interrupted by SIGINT after" in result.stdout and "MISSING" not in result.stderr
    assert last_status(db) == "interrupted"
