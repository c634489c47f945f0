"""Keeping the WARC archive sound and small: ``potus-crawler archive verify | stats | prune``.

The files checked are the ones the database's runs list (``crawl_runs.warc_files``, relative to the
database's folder), so two databases sharing an archive folder each answer for their own.

- ``verify``: every file reads to its end, every digest matches, every article's pointer names a
  response record. A file ending inside a record (a write cut short by a crash or a full disk) is
  reported as truncated: the records before it are sound and nothing stored points past them, so it
  is no problem by itself. Exit 0 sound, 1 problems found, 2 bad input.
- ``stats``: files, records and bytes per record type, responses and bytes per request kind, and the
  archive's bytes per stored article.
- ``prune`` (and a crawl that finishes, with ``POTUS_WARC_KEEP_DAYS`` set): deletes whole files last
  written more than N days ago in which no article's latest record lives; their names leave the runs'
  lists. The running crawl's own files are never touched.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
import zlib
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from warcio.exceptions import ArchiveLoadFailed

from potus_crawler.archive import (FILE_PATTERN, ArchiveUnreadable, RecordEntry, archive_folder, read_response,
                                   scan)
from potus_crawler.storage import ArticleStore, OutdatedSchema, read_only_connection

SECONDS_PER_DAY = 86400


@dataclass
class FileScan:
    """What a scan of one file found."""

    name: str
    records: list[RecordEntry] = field(default_factory=list)
    size: int = 0
    #: Where the file stops being readable, and why; None when it reads to its end.
    broken_at: int | None = None
    broken: str | None = None
    #: The file ends inside a record (its gzip member cut short), the one fault a killed write can leave.
    truncated: bool = False


def scan_file(db_folder: Path, name: str) -> FileScan:
    path = db_folder / name
    found = FileScan(name)
    try:
        found.size = path.stat().st_size
        for entry in scan(path):
            found.records.append(entry)
    except FileNotFoundError:
        found.broken = "missing"
        return found
    except (ArchiveLoadFailed, EOFError, zlib.error, ValueError, OSError) as error:
        found.broken_at = found.records[-1].offset + found.records[-1].length if found.records else 0
        found.broken = f"unreadable: {error}"
    check_the_end(path, found)
    return found


def check_the_end(path: Path, found: FileScan) -> None:
    """warcio reads a gzip member cut short as a shorter record: the last one's member must be whole, and last."""
    start = found.records[-1].offset if found.records else 0
    with open(path, "rb") as archive:
        archive.seek(start)
        tail = archive.read()
    if not tail:
        return
    decompressor = zlib.decompressobj(zlib.MAX_WBITS + 16)
    try:
        decompressor.decompress(tail)
    except zlib.error as error:
        found.broken_at, found.broken = start, found.broken or f"unreadable: {error}"
        return
    if not decompressor.eof:
        found.records = found.records[:-1]
        found.broken_at, found.truncated = start, True
        found.broken = f"truncated: the last {len(tail)} bytes are a record cut short"
    elif decompressor.unused_data and not found.broken:
        found.broken_at = found.size - len(decompressor.unused_data)
        found.broken = "unreadable: bytes that are no WARC record"


def listed_files(store: ArticleStore) -> list[str]:
    """The files the database's runs wrote and keep, each once, in the order written."""
    return list(dict.fromkeys(name for names in store.warc_files_by_run().values() for name in names))


def verify(db_path: Path, out=None) -> int:
    """Print what is wrong with the database's archive (to standard output unless told); the problems found."""
    out = out or sys.stdout
    db_folder = db_path.parent
    with closing(ArticleStore.for_reading(db_path)) as store:
        names = listed_files(store)
        pointers = store.warc_pointers()
    problems = 0
    responses: set[tuple[str, int, int]] = set()
    records = 0
    for name in names:
        found = scan_file(db_folder, name)
        records += len(found.records)
        responses.update((name, entry.offset, entry.length) for entry in found.records if entry.type == "response")
        for entry in found.records:
            if entry.digest_ok is False:
                problems += 1
                print(f"{name} at {entry.offset}: {entry.type} record of {entry.url}: digest mismatch "
                      f"({'; '.join(entry.problems)})", file=out)
        if found.broken:
            problems += not found.truncated
            where = f" at {found.broken_at}" if found.broken_at is not None else ""
            print(f"{name}{where}: {found.broken}" + (f" ({len(found.records)} records before it read)"
                                                     if found.truncated else ""), file=out)
    for url, name, offset, length in pointers:
        if (name, offset, length) in responses:
            continue
        try:
            read_response(db_folder, name, offset, length)
        except ArchiveUnreadable as error:
            problems += 1
            print(f"article {url}: its pointer gives no record: {error}", file=out)
    print(f"{len(names)} files, {records} records, {len(pointers)} article pointers checked: "
          f"{problems or 'no'} problem{'s' * (problems != 1)}", file=out)
    return problems


def stats(db_path: Path, out=None) -> None:
    out = out or sys.stdout
    db_folder = db_path.parent
    with closing(ArticleStore.for_reading(db_path)) as store:
        names = listed_files(store)
        articles = len(store.warc_pointers())
    by_type, bytes_by_type, by_kind, bytes_by_kind = Counter(), Counter(), Counter(), Counter()
    total = 0
    for name in names:
        found = scan_file(db_folder, name)
        total += found.size
        for entry in found.records:
            by_type[entry.type] += 1
            bytes_by_type[entry.type] += entry.length
            if entry.type in ("response", "revisit"):
                by_kind[entry.kind or "unknown"] += 1
                bytes_by_kind[entry.kind or "unknown"] += entry.length
    print(f"{db_path}: {len(names)} WARC files, {total:,} bytes, {sum(by_type.values())} records", file=out)
    print("Records per type:", file=out)
    for record_type, count in by_type.most_common():
        print(f"  {count:7d}  {bytes_by_type[record_type]:>13,} bytes  {record_type}", file=out)
    print("Responses per kind of request:", file=out)
    for kind, count in by_kind.most_common():
        print(f"  {count:7d}  {bytes_by_kind[kind]:>13,} bytes  {kind}", file=out)
    if articles:
        print(f"Articles with an archived page: {articles}; archive bytes per article: {total / articles:,.0f}",
              file=out)


def unlisted_files(db_path: Path, folder_setting: str | None) -> list[Path]:
    """Archive files in the database's archive folder that none of its runs lists (another database's)."""
    with closing(ArticleStore.for_reading(db_path)) as store:
        listed = {(db_path.parent / name).resolve() for name in listed_files(store)}
    folder = archive_folder(db_path, folder_setting)
    return sorted(path for path in folder.glob(FILE_PATTERN) if path.resolve() not in listed)


def prune(store: ArticleStore, db_folder: Path, keep_days: float, keep_run: int | None = None) -> list[str]:
    """Delete the files older than ``keep_days`` that no article points into (``keep_run``'s never): their names."""
    referenced = {name for _url, name, _offset, _length in store.warc_pointers()}
    oldest_kept = time.time() - keep_days * SECONDS_PER_DAY
    dropped = []
    for run_id, names in store.warc_files_by_run().items():
        for name in names:
            path = db_folder / name
            if run_id == keep_run or name in referenced or not path.exists() or path.stat().st_mtime >= oldest_kept:
                continue
            path.unlink()
            dropped.append(name)
    store.forget_warc_files(dropped)
    return dropped


def delete_listed_files(db_path: Path) -> None:
    """Delete the archive files the database's runs list (the demo clears its database so)."""
    with closing(read_only_connection(db_path)) as connection:
        try:
            lists = [row[0] for row in connection.execute("select warc_files from crawl_runs where warc_files "
                                                          "is not null")]
        except sqlite3.OperationalError:  # a database from before the archive
            return
    for names in lists:
        for name in json.loads(names):
            (db_path.parent / name).unlink(missing_ok=True)


def writable_store(db_path: Path) -> ArticleStore:
    """The existing crawl database at ``db_path`` opened for writing (upgraded if older); never a new one."""
    try:
        ArticleStore.for_reading(db_path).close()
    except OutdatedSchema:
        pass
    return ArticleStore(db_path)


def command_archive(args) -> int:
    """``potus-crawler archive verify | stats | prune``; bad input raises what the CLI reports in one line."""
    db_path = Path(args.db)
    if args.archive_command == "verify":
        problems = verify(db_path)
        unlisted = unlisted_files(db_path, args.warc_dir)
        if unlisted:
            print(f"({len(unlisted)} files in {unlisted[0].parent} belong to no run of this database: not checked)")
        return 1 if problems else 0
    if args.archive_command == "stats":
        stats(db_path)
        return 0
    with closing(writable_store(db_path)) as store:
        with store.transaction():
            dropped = prune(store, db_path.parent, args.days)
    print(f"Dropped {len(dropped)} archive files older than {args.days:g} days that no article points into"
          + "".join(f"\n  {name}" for name in dropped))
    return 0
