"""One crawl per database at a time: an exclusive, non-blocking lock on ``<db>.lock``.

An flock dies with its process, so a crawl killed by cron, the OOM killer or SIGKILL
never leaves a stale lock behind for the next run to trip over.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path


class AlreadyRunning(RuntimeError):
    """Another process holds the database's crawl lock; the message names it."""


@contextmanager
def crawl_lock(db_path: str | Path) -> Iterator[None]:
    """Hold the crawl lock of ``db_path`` for the block; raises AlreadyRunning at once if taken."""
    path = Path(f"{db_path}.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            raise AlreadyRunning(f"another crawl holds {path} ({handle.read().strip() or 'holder unknown'})") from None
        handle.truncate(0)
        handle.write(f"pid {os.getpid()}, since {datetime.now(timezone.utc).replace(microsecond=0).isoformat()}\n")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
