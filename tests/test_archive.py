"""The WARC archive: every response a crawl receives is kept, each article points at its page, and the archive
can be verified, counted, pruned and replayed."""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import zlib
from contextlib import closing
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from benchmarks.incremental import crawl_command, crawl_killed_after, stored_rows
from conftest import read_page
from extractors import extract
from faults import Redirect, Status, faulty_site
from potus_crawler.archive import ArchiveFiles, Exchange, WarcPointer, read_response, scan
from potus_crawler.archive_hygiene import verify
from potus_crawler.cli import EXIT_OK, main
from potus_crawler.demo import demo_site
from potus_crawler.demo.content import DemoContent
from potus_crawler.replay import replaying
from potus_crawler.storage import ArticleStore

SINCE = "2025-03-10"
#: One article at a time, so that a kill lands in the middle of the crawl.
SLOW = ("-s", "CONCURRENT_REQUESTS=1", "-s", "DOWNLOAD_DELAY=0.03")
DAY = 86400
CONTENT = DemoContent.load()


def crawl(base_url: str, db: Path, *extra: str) -> subprocess.CompletedProcess:
    result = subprocess.run(crawl_command(base_url, db, SINCE, *extra), capture_output=True, text=True, timeout=600)
    assert result.returncode == EXIT_OK, result.stderr[-3000:]
    return result


def query(db: Path, sql: str, *parameters) -> list[tuple]:
    with closing(sqlite3.connect(db)) as connection:
        return connection.execute(sql, parameters).fetchall()


def pointers(db: Path) -> dict[str, tuple[str, int, int]]:
    return {url: (name, offset, length) for url, name, offset, length in query(
        db, "select url, warc_file, warc_offset, warc_length from articles order by url")}


def run_files(db: Path) -> list[list[str]]:
    return [json.loads(names or "[]") for (names,) in query(db, "select warc_files from crawl_runs order by id")]


def records(path: Path) -> list:
    return list(scan(path))


@pytest.fixture(scope="module")
def recorded(served_site, tmp_path_factory) -> Path:
    """A crawl of the demo site, archived; its database (the archive in ``warc/`` beside it)."""
    db = tmp_path_factory.mktemp("recorded") / "potus.db"
    crawl(served_site.base_url, db)
    return db


def copy_of(recorded: Path, tmp_path: Path) -> Path:
    """The recorded database and its archive in a folder of the test's own, to crawl again."""
    shutil.copytree(recorded.parent, tmp_path / "copy")
    return tmp_path / "copy" / recorded.name


def test_every_article_points_at_its_page_as_served(served_site, recorded):
    stored = pointers(recorded)
    assert sorted(stored) == sorted(served_site.expected_records)
    for url, (name, offset, length) in stored.items():
        page = read_response(recorded.parent, name, offset, length)
        assert (page.url, page.status, page.kind) == (url, 200, "article")
        assert page.body.decode("utf-8") == read_page(served_site, url.removeprefix(served_site.base_url))
        assert page.header("Content-Type").startswith("text/html")
        assert page.fetched.endswith("Z")


def test_warcio_lists_a_response_for_every_article_and_its_request(served_site, recorded):
    (name,) = run_files(recorded)[0]
    listing = subprocess.run([sys.executable, "-m", "warcio.cli", "index", "-f", "warc-type,warc-target-uri",
                              str(recorded.parent / name)], capture_output=True, text=True, check=True).stdout
    entries = [json.loads(line) for line in listing.splitlines()]
    assert entries[0]["warc-type"] == "warcinfo"
    responses = [entry["warc-target-uri"] for entry in entries if entry["warc-type"] == "response"]
    requests = [entry["warc-target-uri"] for entry in entries if entry["warc-type"] == "request"]
    assert set(served_site.expected_records) <= set(responses)
    assert sorted(requests) == sorted(responses)
    # Not only articles: robots.txt, the feeds, sitemaps and listings too.
    kinds = {entry.kind for entry in records(recorded.parent / name) if entry.type == "response"}
    assert {"article", "robots", "feed", "sitemap", "listing"} <= kinds
    checked = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(recorded.parent / name)],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout


def test_the_warcinfo_record_names_the_crawler_and_its_settings(recorded):
    (name,) = run_files(recorded)[0]
    with open(recorded.parent / name, "rb") as archive:
        warcinfo = next(iter(ArchiveIterator(archive)))
        fields = warcinfo.content_stream().read().decode()
    assert warcinfo.rec_headers.get_header("WARC-Type") == "warcinfo"
    assert warcinfo.rec_headers.protocol == "WARC/1.1"
    assert "software: potus-crawler/" in fields and "setting-POTUS_SITE: potusnews" in fields
    assert "setting-ROBOTSTXT_OBEY: True" in fields


def test_each_retry_redirect_hop_and_error_status_is_archived_as_received(tmp_path):
    retried, moved, target, missing = (article.path for article in CONTENT.articles[:4])
    faults = {retried: Status(500, times=1), moved: Redirect(target), missing: Status(404)}
    db = tmp_path / "potus.db"
    with faulty_site(faults) as (site, _server):
        crawl(site.base_url, db)
    (names,) = run_files(db)
    answers = {}
    for entry in records(db.parent / names[0]):
        if entry.type == "response":
            answers.setdefault(entry.url.removeprefix(site.base_url), []).append(
                read_response(db.parent, names[0], entry.offset, entry.length).status)
    assert answers[retried] == [500, 200]
    assert answers[moved] == [301] and 200 in answers[target]
    assert answers[missing] == [404]
    # The article's row points at the answer it was extracted from, after the retry.
    name, offset, length = pointers(db)[site.base_url + retried]
    assert read_response(db.parent, name, offset, length).status == 200


def test_a_recheck_answered_304_is_a_revisit_record_and_the_pointer_stays_on_the_page(served_site, recorded,
                                                                                     tmp_path):
    db = copy_of(recorded, tmp_path)
    before = pointers(db)
    crawl(served_site.base_url, db, "-s", "POTUS_FULL=1")
    (first,), (second,) = run_files(db)
    revisits = [entry for entry in records(db.parent / second) if entry.type == "revisit"]
    assert sorted(entry.url for entry in revisits) == sorted(served_site.expected_records)
    assert {entry.kind for entry in revisits} == {"recheck"}
    # The stored version is still the page the first crawl archived.
    assert pointers(db) == before and {name for name, *_ in before.values()} == {first}
    assert verify(db, io.StringIO()) == 0


def test_files_rotate_by_size_and_every_pointer_resolves(served_site, tmp_path):
    db = tmp_path / "potus.db"
    crawl(served_site.base_url, db, "-s", "POTUS_WARC_MAX_MB=0.1")
    (names,) = run_files(db)
    assert names == [f"warc/potus-1-{serial:05d}.warc.gz" for serial in range(1, len(names) + 1)]
    assert len(names) >= 5
    largest_pair = max(entry.length for name in names for entry in records(db.parent / name)) * 2
    for name in names:
        entries = records(db.parent / name)
        assert entries[0].type == "warcinfo" and [e.type for e in entries[1:]].count("warcinfo") == 0
        assert (db.parent / name).stat().st_size < 0.1 * 1024 * 1024 + largest_pair
    for url, (name, offset, length) in pointers(db).items():
        assert read_response(db.parent, name, offset, length).url == url
    assert verify(db, io.StringIO()) == 0


def test_with_the_archive_off_nothing_is_written(served_site, tmp_path):
    db = tmp_path / "potus.db"
    crawl(served_site.base_url, db, "-s", "POTUS_WARC=0")
    assert not (tmp_path / "warc").exists()
    assert set(pointers(db).values()) == {(None, None, None)}
    assert run_files(db) == [[]]


def test_a_crawl_killed_leaves_every_record_it_completed_readable(served_site, tmp_path, capsys):
    db = tmp_path / "potus.db"
    stored = crawl_killed_after(crawl_command(served_site.base_url, db, SINCE, *SLOW), db, 12)
    (names,) = run_files(db)
    path = db.parent / names[0]
    entries = records(path)
    # Every record scanned reads back by its offset, and every stored article's points at its page.
    assert entries[-1].offset + entries[-1].length == path.stat().st_size
    for entry in entries:
        if entry.type == "response":
            assert read_response(db.parent, names[0], entry.offset, entry.length).url == entry.url
    assert len(stored) >= 12 and set(pointers(db)) == stored and all(name for name, *_ in pointers(db).values())
    assert main(["archive", "verify", "--db", str(db)]) == 0
    assert "no problems" in capsys.readouterr().out
    # A write cut short by a crash (a full disk, a power cut) is reported as such, the records before it sound.
    with open(path, "r+b") as archive:
        archive.truncate(path.stat().st_size - 40)
    assert main(["archive", "verify", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert f"{names[0]} at {entries[-1].offset}: truncated" in out
    assert f"({len(entries) - 1} records before it read)" in out


def recompressed_with_a_changed_byte(member: bytes) -> bytes:
    """The gzip member with the last byte of its HTTP body changed: what a damaged disk gives."""
    record = zlib.decompress(member, zlib.MAX_WBITS + 16)
    position = len(record) - len(b"x\r\n\r\n")  # a record ends with two line ends
    changed = record[:position] + bytes([record[position] ^ 0x20]) + record[position + 1:]
    compressor = zlib.compressobj(3, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    return compressor.compress(changed) + compressor.flush()


def test_verify_finds_a_record_whose_digest_does_not_match(recorded, tmp_path, capsys):
    db = copy_of(recorded, tmp_path)
    (name,) = run_files(db)[0]
    path = db.parent / name
    last = [entry for entry in records(path) if entry.type == "response"][-1]
    data = path.read_bytes()
    damaged = recompressed_with_a_changed_byte(data[last.offset:last.offset + last.length])
    path.write_bytes(data[:last.offset] + damaged + data[last.offset + last.length:])
    with closing(sqlite3.connect(db)) as connection, connection:
        connection.execute("update articles set warc_length = ? where warc_file = ? and warc_offset = ?",
                           [len(damaged), name, last.offset])
    assert main(["archive", "verify", "--db", str(db)]) == 1
    out = capsys.readouterr().out
    assert f"{name} at {last.offset}: response record of {last.url}: digest mismatch" in out
    assert "1 problem" in out


def test_verify_finds_an_article_pointing_nowhere_and_bad_input_is_exit_2(recorded, tmp_path, capsys):
    db = copy_of(recorded, tmp_path)
    with closing(sqlite3.connect(db)) as connection, connection:
        connection.execute("update articles set warc_offset = warc_offset + 1 where rowid = 1")
    assert main(["archive", "verify", "--db", str(db)]) == 1
    assert "its pointer gives no record" in capsys.readouterr().out
    assert main(["archive", "verify", "--db", str(tmp_path / "missing.db")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("potus-crawler archive: no database at") and err.count("\n") == 1


def test_stats_count_records_and_bytes_per_type_and_kind(served_site, recorded, capsys):
    assert main(["archive", "stats", "--db", str(recorded)]) == 0
    out = capsys.readouterr().out
    articles = len(served_site.expected_records)
    assert "1 WARC files" in out
    assert f"  {articles:7d}  " in out.split("Responses per kind of request:")[1].split("article")[0]
    assert f"Articles with an archived page: {articles}; archive bytes per article: " in out


def aged(path: Path, days: float) -> None:
    moment = time.time() - days * DAY
    os.utime(path, (moment, moment))


def test_retention_drops_only_old_files_no_article_points_into(served_site, recorded, tmp_path, capsys):
    db = copy_of(recorded, tmp_path)
    crawl(served_site.base_url, db, "-s", "POTUS_FULL=1")  # revisits only: no article points into its file
    (first,), (second,) = run_files(db)
    for name in (first, second):
        aged(db.parent / name, 10)
    crawl(served_site.base_url, db, "-s", "POTUS_FULL=1")
    (third,) = run_files(db)[2]
    assert main(["archive", "prune", "--db", str(db), "--days", "30"]) == 0
    assert all((db.parent / name).exists() for name in (first, second, third))
    assert main(["archive", "prune", "--db", str(db), "--days", "5"]) == 0
    assert f"Dropped 1 archive files older than 5 days that no article points into\n  {second}" in (
        capsys.readouterr().out)
    assert (db.parent / first).exists() and not (db.parent / second).exists() and (db.parent / third).exists()
    assert run_files(db) == [[first], [], [third]]
    assert verify(db, io.StringIO()) == 0


def test_a_finished_crawl_applies_the_retention_setting_sparing_its_own_files(served_site, recorded, tmp_path):
    db = copy_of(recorded, tmp_path)
    crawl(served_site.base_url, db, "-s", "POTUS_FULL=1")
    (first,), (second,) = run_files(db)
    aged(db.parent / second, 3)
    crawl(served_site.base_url, db, "-s", "POTUS_FULL=1", "-s", "POTUS_WARC_KEEP_DAYS=0")
    (third,) = run_files(db)[2]
    assert (db.parent / first).exists() and not (db.parent / second).exists() and (db.parent / third).exists()


def test_a_recorded_crawl_replayed_from_its_archive_stores_the_same_rows(tmp_path):
    recording, replayed = tmp_path / "recording" / "potus.db", tmp_path / "replayed" / "potus.db"
    with demo_site() as site:
        port = int(site.base_url.rsplit(":", 1)[1])
        crawl(site.base_url, recording)
    # The site is gone; its archive answers on its address.
    files = [recording.parent / name for names in run_files(recording) for name in names]
    with replaying(files, port) as replay:
        assert replay.base_url == site.base_url
        crawl(replay.base_url, replayed)
    assert stored_rows(replayed) == stored_rows(recording)
    assert len(stored_rows(replayed)) == len(site.expected_records)


def test_after_the_demo_its_archive_holds_a_response_for_every_article(tmp_path):
    db = tmp_path / "demo.db"
    result = subprocess.run([sys.executable, "-m", "potus_crawler.cli", "demo", "--db", str(db)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    (names,) = run_files(db)
    listing = subprocess.run([sys.executable, "-m", "warcio.cli", "index", str(db.parent / names[0])],
                             capture_output=True, text=True, check=True).stdout
    responses = {entry.get("warc-target-uri") for entry in map(json.loads, listing.splitlines())
                 if entry["warc-type"] == "response"}
    articles = {url for (url,) in query(db, "select url from articles")}
    assert len(articles) == 48 and articles <= responses
    # A second demo clears the first one's archive with its database.
    assert subprocess.run([sys.executable, "-m", "potus_crawler.cli", "demo", "--db", str(db)],
                          capture_output=True, text=True, timeout=600).returncode == 0
    assert sorted((db.parent / "warc").iterdir()) == [db.parent / name for name in run_files(db)[0]]


class DiskFullAfter:
    """An open archive file that takes ``room`` more bytes, then fails as a full disk does, with part of
    the write that failed on disk."""

    def __init__(self, file, room: int):
        self.file, self.room = file, room

    def write(self, data: bytes) -> int:
        if len(data) > self.room:
            self.file.write(data[:self.room])
            self.file.flush()
            self.room = 0
            raise OSError(28, "No space left on device")
        self.room -= len(data)
        return self.file.write(data)

    def __getattr__(self, name: str):
        return getattr(self.file, name)


def test_a_write_the_disk_cut_short_ends_its_file_and_the_next_exchange_starts_a_new_one(tmp_path):
    files = ArchiveFiles(tmp_path, tmp_path, 7, 2**30, {"software": "test"}, lambda name: None)
    page = "<html><body><p>Café society, réunion</p></body></html>".encode() * 200
    exchange = Exchange(url="http://127.0.0.1:9/a/", kind="article", method="GET", request_headers=[],
                        status=200, protocol="HTTP/1.1", response_headers=[("Content-Type", "text/html")],
                        body=page, fetched=datetime.now(timezone.utc))
    first = files.write(exchange)
    files.file = DiskFullAfter(files.file, room=100)
    with pytest.raises(OSError):
        files.write(exchange)
    after = files.write(exchange)
    files.close()
    assert first.file == "potus-7-00001.warc.gz" and after.file == "potus-7-00002.warc.gz"
    for pointer in (first, after):
        assert read_response(tmp_path, pointer.file, pointer.offset, pointer.length).body == page
    # The new file reads whole, in order; the cut one ends in what was written of its last member.
    assert [entry.type for entry in scan(tmp_path / after.file)] == ["warcinfo", "response", "request"]
    assert [entry.type for entry in scan(tmp_path / first.file)] == ["warcinfo", "response", "request", None]


def test_a_fetch_not_archived_keeps_the_pointer_only_while_the_page_still_gives_every_stored_field(built_site,
                                                                                                  tmp_path):
    path = "/senate-passes-stopgap-bill-averting-government-shutdown/"
    record = extract(read_page(built_site, path), "https://potusnews.news" + path)
    pointer = WarcPointer("warc/potus-1-00001.warc.gz", 1200, 9000)
    with closing(ArticleStore(tmp_path / "potus.db")) as store:
        store.save_article(record, archived=pointer)
        store.save_article(record)
        assert warc_columns(store, record.url) == (pointer.file, pointer.offset, pointer.length)
        # Title, body and dates as stored, so no new version; but the old page no longer gives the description.
        store.save_article(replace(record, description="A summary the site rewrote."))
        assert warc_columns(store, record.url) == (None, None, None)


def warc_columns(store: ArticleStore, url: str) -> tuple:
    return store.db.execute("select warc_file, warc_offset, warc_length from articles where url = ?", [url]).fetchone()
