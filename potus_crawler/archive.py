"""The crawl's web archive: every HTTP exchange kept as WARC 1.1 records (ISO 28500), written and read here.

Layout: the folder of setting ``POTUS_WARC_DIR`` (default ``warc/`` beside the database) holds files
named ``potus-<run id>-<serial, 5 digits>.warc.gz``, each opening with a ``warcinfo`` record (crawler
version, the settings that shaped what was fetched). An exchange is a ``response`` record (a 304 is a
``revisit`` record, profile *server-not-modified*) followed by its ``request`` record. Each record is a
gzip member of its own, so one record is read back with a seek and a read of its length; a pair is
written with one ``write`` and flushed, so a process killed at any moment leaves every record it
completed readable. A file grows past ``max_bytes`` by at most one pair, then the next one is opened.

A pointer into the archive (``WarcPointer``) names the file relative to the database's folder, the
offset of the response record's gzip member and its length; ``read_response`` reads the page back.
The body is archived as the site sent it (its ``Content-Encoding`` kept), only de-chunked, as
Scrapy gives it; a ``Transfer-Encoding`` header is kept as ``X-Crawler-Transfer-Encoding`` so that
readers do not de-chunk a body that is no longer chunked.
"""

from __future__ import annotations

import io
import os
from importlib.metadata import version
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from potus_crawler import __version__

#: The default archive folder, beside the database.
DEFAULT_FOLDER = "warc"
FILE_PATTERN = "potus-*.warc.gz"
WARC_VERSION = "1.1"
SERVER_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
#: Our own WARC field: the crawl's kind of request (article, listing, feed, sitemap, robots, recheck...).
KIND_FIELD = "Potus-Request-Kind"
#: Measured on 48 of the demo's article pages (55 KB of HTML each): level 2 compresses them to 11.0 KB in
#: 0.51 ms a page, level 3 to 10.8 KB in 0.85 ms, level 6 to 9.5 KB in 1.15 ms. Zlib's levels 1 to 3 share one
#: algorithm and differ in how hard they look for matches; past 2 that costs the crawl's cores, which are
#: the extraction workers', far more than it saves on disk.
GZIP_LEVEL = 2
HOP_BY_HOP_RENAMED = {"transfer-encoding": "X-Crawler-Transfer-Encoding"}


class ArchiveUnreadable(Exception):
    """A pointer or a file that gives no record: the message says which and why, in one line."""


@dataclass(frozen=True)
class WarcPointer:
    """Where a response record lives: ``file`` relative to the database's folder, its gzip member's bytes."""

    file: str
    offset: int
    length: int


@dataclass(frozen=True)
class Exchange:
    """One request and the response it got, as the crawler saw them; the body as received."""

    url: str
    kind: str
    method: str
    request_headers: list[tuple[str, str]]
    status: int
    protocol: str
    response_headers: list[tuple[str, str]]
    body: bytes
    fetched: datetime
    ip_address: str | None = None


@dataclass(frozen=True)
class ArchivedPage:
    """A response read back from the archive: its body decoded as a browser would (no content encoding)."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    fetched: str
    kind: str | None

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)


def archive_folder(db_path: str | Path, setting: str | None) -> Path:
    """The archive folder of a database: the setting's (relative to the working folder) or ``warc/`` beside it."""
    return Path(setting) if setting else Path(db_path).parent / DEFAULT_FOLDER


def gzip_member(data: bytes) -> bytes:
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    return compressor.compress(data) + compressor.flush()


def serialized(record: ArcWarcRecord) -> bytes:
    """One record as a gzip member; warcio computes its length and digests."""
    buffer = io.BytesIO()
    WARCWriter(buffer, gzip=False, warc_version=WARC_VERSION).write_record(record)
    return gzip_member(buffer.getvalue())


def status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


class ArchiveFiles:
    """The WARC files of one run, written one exchange at a time: a thread of its own calls ``write``."""

    def __init__(self, folder: Path, db_folder: Path, run_id: int | None, max_bytes: int, info: dict[str, str],
                 on_new_file: Callable[[str], None]):
        self.folder, self.db_folder = folder, db_folder
        self.prefix = f"potus-{run_id if run_id is not None else 0}-"
        self.max_bytes, self.info, self.on_new_file = max_bytes, info, on_new_file
        self.builder = WARCWriter(None, warc_version=WARC_VERSION)
        self.serial = 0
        self.file: io.BufferedWriter | None = None
        self.name = ""
        #: Records written per WARC type, and the files written, for the crawl's stats.
        self.records: dict[str, int] = {}

    def write(self, exchange: Exchange) -> WarcPointer:
        """Write the exchange's response (or revisit) and request records; the response's pointer."""
        if self.file is None or self.file.tell() >= self.max_bytes:
            self.open_next()
        response, request = self.records_of(exchange)
        response_member, request_member = serialized(response), serialized(request)
        offset = self.file.tell()
        try:
            self.file.write(response_member + request_member)
            self.file.flush()
        except OSError:
            # A full disk may have left part of a member: the file ends there, as a killed crawl's does (which
            # verify reports as cut short), and the next exchange goes to a new file, readable in order.
            self.abandon()
            raise
        self.count(response.rec_type, "request")
        return WarcPointer(self.name, offset, len(response_member))

    def abandon(self) -> None:
        try:
            self.close()
        except OSError:  # the buffered rest could not be written either: the file ends where it could
            self.file = None

    def count(self, *types: str) -> None:
        for record_type in types:
            self.records[record_type] = self.records.get(record_type, 0) + 1

    def open_next(self) -> None:
        self.close()
        self.folder.mkdir(parents=True, exist_ok=True)
        while True:
            self.serial += 1
            path = self.folder / f"{self.prefix}{self.serial:05d}.warc.gz"
            try:
                # Never another run's file: two databases may share one folder, and their run ids repeat.
                self.file = open(path, "xb")
                break
            except FileExistsError:
                continue
        self.name = Path(os.path.relpath(path.absolute(), self.db_folder.absolute())).as_posix()
        self.on_new_file(self.name)
        try:
            self.file.write(serialized(self.builder.create_warcinfo_record(path.name, self.info)))
            self.file.flush()
        except OSError:
            self.abandon()
            raise
        self.count("warcinfo")

    def records_of(self, exchange: Exchange) -> tuple[ArcWarcRecord, ArcWarcRecord]:
        date = datetime_to_iso_date(exchange.fetched.astimezone(timezone.utc).replace(tzinfo=None), use_micros=True)
        fields = {"WARC-Date": date, KIND_FIELD: exchange.kind}
        if exchange.ip_address:
            fields["WARC-IP-Address"] = exchange.ip_address
        headers = [(HOP_BY_HOP_RENAMED.get(name.lower(), name), value) for name, value in exchange.response_headers]
        http_response = StatusAndHeaders(status_line(exchange.status), headers, protocol=exchange.protocol)
        if exchange.status == 304:
            response = self.builder.create_warc_record(
                exchange.url, "revisit", http_headers=http_response,
                warc_headers_dict={**fields, "WARC-Profile": SERVER_NOT_MODIFIED,
                                   "WARC-Refers-To-Target-URI": exchange.url})
        else:
            response = self.builder.create_warc_record(exchange.url, "response", payload=io.BytesIO(exchange.body),
                                                       length=len(exchange.body), http_headers=http_response,
                                                       warc_headers_dict=fields)
        host = urlsplit(exchange.url).netloc
        http_request = StatusAndHeaders(f"{exchange.method} {request_target(exchange.url)}",
                                        [("Host", host), *exchange.request_headers], protocol="HTTP/1.1",
                                        is_http_request=True)
        request = self.builder.create_warc_record(
            exchange.url, "request", http_headers=http_request,
            warc_headers_dict={**fields, "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID")})
        return response, request

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None


def warcinfo_fields(settings: dict[str, object]) -> dict[str, str]:
    """The warcinfo record's fields: the software, the format, and the settings given."""
    return {
        "software": f"potus-crawler/{__version__} (warcio/{version('warcio')})",
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        **{f"setting-{name}": str(value) for name, value in settings.items() if value is not None},
    }


# -- reading -----------------------------------------------------------------------


class UndecodableContent(ValueError):
    """A body whose Content-Encoding cannot be undone: unknown, its decoder not installed, or damaged."""


def gunzipped(body: bytes) -> bytes:
    return zlib.decompress(body, zlib.MAX_WBITS + 16)


def inflated(body: bytes) -> bytes:
    # Servers send "deflate" both as the zlib format the standard names and as raw deflate.
    try:
        return zlib.decompress(body)
    except zlib.error:
        return zlib.decompress(body, -zlib.MAX_WBITS)


def unbrotlied(body: bytes) -> bytes:
    import brotli  # Scrapy asks for br only where brotli is installed

    return brotli.decompress(body)


def unzstded(body: bytes) -> bytes:
    import zstandard  # Scrapy asks for zstd only where zstandard is installed

    return zstandard.ZstdDecompressor().decompressobj().decompress(body)


#: Each Content-Encoding Scrapy may ask for, undone. Done here rather than by warcio, whose brotli
#: decoding fails on brotli 1.2 and which returns bodies of other encodings still encoded.
CONTENT_DECODERS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": gunzipped, "x-gzip": gunzipped, "deflate": inflated, "br": unbrotlied, "zstd": unzstded, "identity": bytes}


def decoded_content(body: bytes, content_encoding: str | None) -> bytes:
    """The body as the site meant it: each of its Content-Encodings undone, the last applied first."""
    for coding in reversed([coding.strip().lower() for coding in (content_encoding or "").split(",") if coding.strip()]):
        decode = CONTENT_DECODERS.get(coding)
        if decode is None:
            raise UndecodableContent(f"its Content-Encoding {coding!r} is none this crawler can undo")
        try:
            body = decode(body)
        except Exception as error:  # zlib, brotli and zstandard each raise their own
            raise UndecodableContent(f"its {coding} content cannot be decoded ({type(error).__name__})") from None
    return body


def page_of(record: ArcWarcRecord, *, decoded: bool) -> ArchivedPage:
    http = record.http_headers
    body = record.raw_stream.read() if record.rec_type == "response" else b""
    if decoded and http:
        body = decoded_content(body, http.get_header("Content-Encoding"))
    return ArchivedPage(
        url=record.rec_headers.get_header("WARC-Target-URI"),
        status=int(http.get_statuscode()) if http else 0,
        headers=list(http.headers) if http else [],
        body=body,
        fetched=record.rec_headers.get_header("WARC-Date"),
        kind=record.rec_headers.get_header(KIND_FIELD))


def read_response(db_folder: str | Path, warc_file: str, offset: int, length: int) -> ArchivedPage:
    """The page an article's pointer names (its ``warc_file``, ``warc_offset``, ``warc_length``), read
    without scanning the file; ``db_folder`` is the folder holding the database.

    Raises ArchiveUnreadable when the file is missing or the bytes there are no complete response record.
    """
    return read_page(Path(db_folder) / warc_file, offset, length, decoded=True)


def read_page(path: Path, offset: int, length: int, *, decoded: bool) -> ArchivedPage:
    """The response record at ``offset``; its body decoded (no content encoding) or as the site sent it."""
    try:
        with open(path, "rb") as archive:
            archive.seek(offset)
            data = archive.read(length)
    except OSError as error:
        raise ArchiveUnreadable(f"cannot read {path}: {error.strerror}") from None
    if len(data) < length:
        raise ArchiveUnreadable(f"{path} ends before {offset} + {length}: the record is cut short")
    try:
        record = next(iter(ArchiveIterator(io.BytesIO(data))), None)
        # Bytes that are no record's can still parse as a record of sorts: one without a target or a status.
        if (record is None or record.rec_type != "response" or record.http_headers is None
                or not record.rec_headers.get_header("WARC-Target-URI")):
            raise ArchiveUnreadable(f"{path} at {offset}: no response record there")
        return page_of(record, decoded=decoded)
    except UndecodableContent as error:
        raise ArchiveUnreadable(f"{path} at {offset}: the page is archived, but {error}") from None
    except ArchiveUnreadable:
        raise
    except Exception as error:
        # Damaged bytes fail in warcio in many ways (a bad gzip member, a cut header, a bad status line), and
        # its messages quote the bytes it could not read: the kind of failure is the one line to print.
        raise ArchiveUnreadable(f"{path} at {offset}: no WARC record there ({type(error).__name__})") from None


@dataclass(frozen=True)
class RecordEntry:
    """One record of a file as a scan finds it."""

    offset: int
    length: int
    type: str
    url: str | None
    kind: str | None
    #: False when a digest the record carries does not match its content; None when it has none to check.
    digest_ok: bool | None
    problems: tuple[str, ...]


def scan(path: Path, *, check_digests: bool = True) -> Iterator[RecordEntry]:
    """Every record of a WARC file in order, its digests checked unless told not to; raises ArchiveLoadFailed,
    EOFError or zlib.error where the file stops being readable."""
    with open(path, "rb") as archive:
        records = ArchiveIterator(archive, check_digests=check_digests)
        for record in records:
            records.read_to_end()
            checker = record.digest_checker
            fields = record.rec_headers
            yield RecordEntry(records.get_record_offset(), records.get_record_length(), record.rec_type,
                              fields.get_header("WARC-Target-URI"), fields.get_header(KIND_FIELD),
                              checker.passed, tuple(checker.problems))
