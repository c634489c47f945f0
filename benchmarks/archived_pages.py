"""Archived pages for the tests and the benchmark of ``reextract``: pages written as WARC response records with
warcio, and each article row pointed at its record, as the crawl's archive does, written faster than a crawl
could archive them (the benchmark's 10,000 articles) or as no demo server serves them (gzip-encoded)."""

from __future__ import annotations

import gzip
import io
import sqlite3
import zlib
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

import brotli
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

#: How a server encodes a body, for the codings archived as sent.
ENCODERS = {"gzip": gzip.compress, "deflate": zlib.compress, "br": brotli.compress}
#: Where the tests' archive lives, relative to the folder holding the database.
WARC_FILE = "warc/potus-test-00001.warc.gz"


def archive_pages(db: Path, pages: dict[str, bytes] | Iterable[tuple[str, bytes]], *,
                  encoded: dict[str, str] | None = None) -> Path:
    """Write each URL's page as a request/response pair (gzip per record) and point its article row at the
    response record; a URL in ``encoded`` is archived as received with that Content-Encoding (``gzip``,
    ``deflate``, ``br``; any other name is written as the page itself, under that name)."""
    path = db.parent / WARC_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    pointers = []
    with open(path, "wb") as archive:
        writer = WARCWriter(archive, gzip=True, warc_version="1.1")
        for url, body in pages.items() if isinstance(pages, dict) else pages:
            headers = [("Content-Type", "text/html; charset=UTF-8")]
            coding = (encoded or {}).get(url)
            if coding:
                body = ENCODERS.get(coding, bytes)(body)
                headers.append(("Content-Encoding", coding))
            response = writer.create_warc_record(
                url, "response", payload=io.BytesIO(body),
                http_headers=StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1"))
            parts = urlsplit(url)
            request = writer.create_warc_record(
                url, "request", payload=io.BytesIO(b""),
                http_headers=StatusAndHeaders(f"GET {parts.path} HTTP/1.1", [("Host", parts.netloc)],
                                              is_http_request=True))
            offset = archive.tell()
            writer.write_record(response)
            pointers.append((WARC_FILE, offset, archive.tell() - offset, url))
            writer.write_record(request)
    with sqlite3.connect(db) as connection:
        connection.executemany("update articles set warc_file = ?, warc_offset = ?, warc_length = ? where url = ?",
                               pointers)
    connection.close()
    return path


def site_pages(site) -> dict[str, bytes]:
    """The demo site's article pages as its server sends them, by canonical URL."""
    return {url: (site.root / url.removeprefix(site.base_url).strip("/") / "index.html").read_bytes()
            for url in site.expected_records}
