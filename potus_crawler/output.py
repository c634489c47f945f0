"""The files the analysts' commands write (``export --out``, ``report --out``): whole or not at all.

A regular file is written to a temporary file beside it and renamed over it only once
complete, so an export that fails half-way (a full disk, a damaged database) neither leaves
a truncated file nor destroys the previous good one. Anything else (``/dev/stdout``, a FIFO,
``/dev/full``) cannot be renamed over and is written directly. Every OSError of the output
becomes ``OutputUnwritable``, whose message is one line: ``cannot write PATH: reason``.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


class OutputUnwritable(Exception):
    """The output cannot be written; nothing was left at its path."""

    def __init__(self, path: str | Path, reason: str | OSError):
        if isinstance(reason, OSError):
            reason = reason.strerror or str(reason)
        super().__init__(f"cannot write {path}: {reason}")


@contextmanager
def output_file(path: str | Path, database: str | Path) -> Iterator[TextIO]:
    """``path`` opened for UTF-8 text (newlines as written), put in place when the block ends without error.

    The file is opened on entering, so a path that cannot be written fails before the block does any work;
    so does ``path`` naming the ``database`` the block reads, which the output would destroy. An OSError
    raised inside the block is taken for one of the output: the block writes nothing else.
    """
    if Path(path).exists() and Path(database).exists() and os.path.samefile(path, database):
        raise OutputUnwritable(path, "it is the database this command reads")
    direct = Path(path).exists() and not Path(path).is_file()  # a device or a FIFO; a folder fails to open below
    # A regular file's stand-in goes beside the real file, so that the rename replaces it rather than a link to it.
    target = Path(path) if direct else Path(os.path.realpath(path))
    partial = target if direct else target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    try:
        stream = open(partial, "w" if direct else "x", encoding="utf-8", newline="")
    except OSError as error:
        raise OutputUnwritable(path, error) from None
    try:
        with stream:
            yield stream
            if not direct:
                stream.flush()
                # On disk before the rename: a crash right after it must not leave an empty file in place.
                os.fsync(stream.fileno())
        if not direct:
            if target.exists():
                shutil.copymode(target, partial)  # a file kept private stays private when replaced
            os.replace(partial, target)
    except OSError as error:
        raise OutputUnwritable(path, error) from None
    finally:
        if not direct:
            partial.unlink(missing_ok=True)


@contextmanager
def standard_output() -> Iterator[TextIO]:
    """Standard output, flushed when the block ends, so that a full disk behind it is an OutputUnwritable
    here rather than a traceback at exit. A reader that stops early (``| head``) is left to the caller."""
    try:
        yield sys.stdout
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        raise OutputUnwritable("standard output", error) from None
