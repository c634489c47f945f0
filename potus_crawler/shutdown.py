"""How a crawl run from the command line ends on SIGINT (Ctrl-C) or SIGTERM (``timeout``, systemd, kill).

The first signal stops the crawl gracefully: nothing new is scheduled, the pages in flight
are extracted and stored, and the run is recorded as ``interrupted``. A second one stops at
once: the extraction workers are killed and the reactor stopped; SQLite's transactions keep
the database consistent, and the command records the run as interrupted itself. A third
one exits on the spot, should anything still hold the process. Scrapy's own handlers do the
first two steps too, but do not say which signal came, which the exit code must tell.

``reextract`` takes the same three steps on its asyncio loop (``SignalEscalation`` serves both): the
articles in flight are finished, then the workers killed, then the process ends.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import threading
from collections.abc import Callable

SIGNALS = (signal.SIGINT, signal.SIGTERM)
#: Set by a second signal. The command then leaves with ``exit_now``: the interpreter's own exit would join
#: what the crawl left running mid-way (the extraction pool's manager thread, the writer thread), whose
#: callbacks into the stopped event loop can print tracebacks or wait.
STOPPED_AT_ONCE = threading.Event()
#: How often a graceful stop that came while a crawler starts looks whether its engine runs yet.
STARTING_RECHECK_SECONDS = 0.1


def exit_now(code: int) -> None:
    """Leave the process at once, what it printed flushed; the database needs nothing more (SQLite). The
    folder multiprocessing keeps the fork server's socket in is removed, as the interpreter's exit would."""
    sys.stdout.flush()
    sys.stderr.flush()
    multiprocessing_process = sys.modules.get("multiprocessing.process")
    # multiprocessing's own record of the folder: its get_temp_dir() would make one where there is none.
    temp_dir = multiprocessing_process and multiprocessing_process.current_process()._config.get("tempdir")
    if temp_dir:
        shutil.rmtree(temp_dir, ignore_errors=True)
    os._exit(code)


def exit_code(signum: int) -> int:
    """The shell's convention for a process ended by a signal: 130 for SIGINT, 143 for SIGTERM."""
    return 128 + signum


class SignalEscalation:
    """The three steps of every long command on SIGINT or SIGTERM; ``received`` holds the signals that came.

    The first signal calls ``stop_gracefully``, the second ``stop_at_once`` (each with the signal's number, after
    saying so on stderr), and a third exits on the spot. ``call_soon`` runs a step on the command's event-loop
    thread: a signal handler may interrupt the loop mid-way, even a write to the same stream. A handler the loop
    calls itself (asyncio's ``add_signal_handler``) needs no ``call_soon``.
    """

    def __init__(self, in_flight: str, stop_gracefully: Callable[[int], None], stop_at_once: Callable[[int], None],
                 call_soon: Callable[..., object] | None = None):
        self.in_flight = in_flight
        self.stop_gracefully, self.stop_at_once = stop_gracefully, stop_at_once
        self.call_soon = call_soon or (lambda step, *args: step(*args))
        self.received: list[int] = []

    def install(self) -> dict:
        """Take over the signals; returns the handlers they had, for ``uninstall``."""
        previous = {signum: signal.getsignal(signum) for signum in SIGNALS}
        for signum in SIGNALS:
            signal.signal(signum, self.on_signal)
        return previous

    @staticmethod
    def uninstall(previous: dict) -> None:
        for signum, handler in previous.items():
            signal.signal(signum, handler)

    @property
    def first_signal(self) -> int | None:
        return self.received[0] if self.received else None

    @property
    def interrupted_at_once(self) -> bool:
        return len(self.received) > 1

    def on_signal(self, signum: int, _frame=None) -> None:
        self.received.append(signum)
        if len(self.received) == 1:
            self.call_soon(self.graceful_step, signum)
        elif len(self.received) == 2:
            self.call_soon(self.at_once_step, signum)
        else:
            exit_now(exit_code(self.received[0]))

    def graceful_step(self, signum: int) -> None:
        say(f"{signal.Signals(signum).name} received: finishing {self.in_flight} (send it again to stop at once)")
        self.stop_gracefully(signum)

    def at_once_step(self, signum: int) -> None:
        say(f"{signal.Signals(signum).name} received again: stopping at once")
        self.stop_at_once(signum)


def crawl_escalation(process) -> SignalEscalation:
    """The escalation for one ``CrawlerProcess``, to install before its reactor starts."""

    # The reactor is imported when a signal comes, not before: the crawler installs the one its settings name.
    def on_reactor_thread(step, *args) -> None:
        from twisted.internet import reactor

        reactor.callFromThread(step, *args)

    def stop_now(_signum: int) -> None:
        from twisted.internet import reactor

        from potus_crawler import extraction

        STOPPED_AT_ONCE.set()
        extraction.terminate_all()
        if reactor.running:
            reactor.stop()

    def stop_once_the_engines_run(signum: int) -> None:
        """``process.stop()``, once no crawler is still starting. Scrapy's graceful stop stops only a running
        engine, yet marks a starting crawler stopped: that crawler would then crawl to its end and wait
        for ever for the stop its closing asks for (a signal while the spider opens, as the extraction
        pool starts its workers)."""
        from twisted.internet import reactor

        if any(crawler.crawling and not (crawler.engine and crawler.engine.running) for crawler in process.crawlers):
            reactor.callLater(STARTING_RECHECK_SECONDS, stop_once_the_engines_run, signum)
        else:
            process.stop()

    return SignalEscalation("the pages in flight", stop_once_the_engines_run, stop_now, call_soon=on_reactor_thread)


def say(line: str) -> None:
    print(f"potus-crawler: {line}", file=sys.stderr, flush=True)
