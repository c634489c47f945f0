"""What opening or reading a crawl database can fail with, each error one line for the command line.

Kept apart from storage.py, which needs sqlite-utils (and sqlite-utils imports numpy): the command
line names these errors for every command, and most commands never open a database.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

#: How long a connection waits for another one's lock before giving up with SQLITE_BUSY.
BUSY_TIMEOUT_SECONDS = 5


class OutdatedSchema(Exception):
    """A database opened for reading lacks migrations this version has: writing to it applies them."""


class UnreadableDatabase(Exception):
    """The file at a path cannot be read as a crawl database; the message says why, in one line."""


class DatabaseMissing(UnreadableDatabase):
    """No file at the path."""


class NotACrawlDatabase(UnreadableDatabase):
    """An empty file, a file that is no SQLite database, or another program's SQLite database: never upgraded,
    since giving it our schema would write into a file its owner never meant for a crawl."""


class DatabaseLocked(Exception):
    """Another process held a lock on the database for longer than ``BUSY_TIMEOUT_SECONDS``: try again later."""


def read_error(path: str | Path, error: sqlite3.DatabaseError) -> UnreadableDatabase | DatabaseLocked:
    """What a SQLite error met while reading the database at ``path`` means for whoever reads it."""
    # Extended result codes (SQLITE_BUSY_SNAPSHOT, SQLITE_CORRUPT_INDEX, ...) keep the primary one in the low byte.
    code = (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return DatabaseLocked(f"{path} is locked by another process (waited {BUSY_TIMEOUT_SECONDS} s): try again later")
    if code == sqlite3.SQLITE_NOTADB:
        return NotACrawlDatabase(f"{path} is no potus-crawler database ({error})")
    return UnreadableDatabase(f"cannot read {path}: {error}")
