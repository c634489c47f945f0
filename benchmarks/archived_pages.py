"""Archived pages for the tests and the benchmark of ``reextract``: pages written by the crawl's own archive
writer and each article row pointed at its record, faster than a crawl could fetch them (the benchmark's
10,000 articles) or encoded as no demo server sends them."""

from __future__ import annotations

import gzip
import sqlite3
import zlib
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

import brotli

from potus_crawler.archive import DEFAULT_FOLDER, ArchiveFiles, Exchange

#: How a server encodes a body, for the codings archived as sent.
ENCODERS = {"gzip": gzip.compress, "deflate": zlib.compress, "br": brotli.compress}


def archive_pages(db: Path, pages: dict[str, bytes] | Iterable[tuple[str, bytes]], *,
                  encoded: dict[str, str] | None = None) -> None:
    """Archive each URL's page as a crawl archives a 200 response, in the archive folder beside ``db``, and
    point its article row at the record; a URL in ``encoded`` is archived as received with that
    Content-Encoding (``gzip``, ``deflate``, ``br``; any other name is written as the page itself, under
    that name)."""
    files = ArchiveFiles(db.parent / DEFAULT_FOLDER, db.parent, None, 2**40,
                         {"software": "benchmarks.archived_pages"}, lambda name: None)
    pointers = []
    try:
        for url, body in pages.items() if isinstance(pages, dict) else pages:
            headers = [("Content-Type", "text/html; charset=UTF-8")]
            coding = (encoded or {}).get(url)
            if coding:
                body = ENCODERS.get(coding, bytes)(body)
                headers.append(("Content-Encoding", coding))
            pointer = files.write(Exchange(url=url, kind="article", method="GET", request_headers=[], status=200,
                                           protocol="HTTP/1.1", response_headers=headers, body=body,
                                           fetched=datetime.now(timezone.utc)))
            pointers.append((pointer.file, pointer.offset, pointer.length, url))
    finally:
        files.close()
    with sqlite3.connect(db) as connection:
        connection.executemany("update articles set warc_file = ?, warc_offset = ?, warc_length = ? where url = ?",
                               pointers)
    connection.close()


def site_pages(site) -> dict[str, bytes]:
    """The demo site's article pages as its server sends them, by canonical URL."""
    return {url: (site.root / url.removeprefix(site.base_url).strip("/") / "index.html").read_bytes()
            for url in site.expected_records}
