"""How a crawl run from the command line ends on SIGINT (Ctrl-C) or SIGTERM (``timeout``, systemd, kill).

The first signal stops the crawl gracefully: nothing new is scheduled, the pages in flight
are extracted and stored, and the run is recorded as ``interrupted``. A second one stops at
once: the extraction workers are killed and the reactor stopped; SQLite's transactions keep
the database consistent, and the command records the run as interrupted itself. A third
one exits on the spot, should anything still hold the process. Scrapy's own handlers do the
first two steps too, but do not say which signal came, which the exit code must tell.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

SIGNALS = (signal.SIGINT, signal.SIGTERM)
#: Set by a second signal. The command then leaves with ``exit_now``: the interpreter's own exit would join
#: what the crawl left running mid-way (the extraction pool's manager thread, the writer thread), whose
#: callbacks into the stopped event loop can print tracebacks or wait.
STOPPED_AT_ONCE = threading.Event()


def exit_now(code: int) -> None:
    """Leave the process at once, what it printed flushed; the database needs nothing more (SQLite)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def exit_code(signum: int) -> int:
    """The shell's convention for a process ended by a signal: 130 for SIGINT, 143 for SIGTERM."""
    return 128 + signum


class ShutdownOnSignals:
    """Installed for the life of one ``CrawlerProcess``; ``received`` holds the signals that came."""

    def __init__(self, process):
        self.process = process
        self.received: list[int] = []

    def install(self) -> dict:
        """Take over the signals; returns the handlers they had, for ``uninstall``."""
        previous = {signum: signal.getsignal(signum) for signum in SIGNALS}
        for signum in SIGNALS:
            signal.signal(signum, self.on_signal)
        return previous

    def uninstall(self, previous: dict) -> None:
        for signum, handler in previous.items():
            signal.signal(signum, handler)

    @property
    def first_signal(self) -> int | None:
        return self.received[0] if self.received else None

    @property
    def interrupted_at_once(self) -> bool:
        return len(self.received) > 1

    def on_signal(self, signum: int, _frame) -> None:
        from twisted.internet import reactor

        self.received.append(signum)
        if len(self.received) == 1:
            reactor.callFromThread(self.stop_gracefully, signum)
        elif len(self.received) == 2:
            reactor.callFromThread(self.stop_now, signum)
        else:
            os._exit(exit_code(self.received[0]))

    def stop_gracefully(self, signum: int) -> None:
        # Printed here, on the reactor's thread: a signal handler may interrupt a write to the same stream.
        say(f"{signal.Signals(signum).name} received: finishing the pages in flight "
            "(send it again to stop at once)")
        self.process.stop()

    def stop_now(self, signum: int) -> None:
        from twisted.internet import reactor

        from potus_crawler import extraction

        say(f"{signal.Signals(signum).name} received again: stopping at once")
        STOPPED_AT_ONCE.set()
        extraction.terminate_all()
        if reactor.running:
            reactor.stop()


def say(line: str) -> None:
    print(f"potus-crawler: {line}", file=sys.stderr, flush=True)
