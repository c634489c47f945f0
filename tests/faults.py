"""A fault-injecting copy of the demo site's loopback server, for crawls that meet a misbehaving site.

``faulty_site(faults)`` builds the demo site and serves it on 127.0.0.1 like
``potus_crawler.demo.demo_site``, except that a request for a path given a ``Fault``
gets that fault's answer instead: an HTTP error, a stall, a reset, a truncated or
oversized body, a redirect, other bytes, or the page's own file rewritten. A fault
fires the first ``times`` requests for its path (every request when ``times`` is None)
and counts how often it did; later requests are served normally, as a site that
recovers would be.

The server notes every request it receives, with its time and ``Host`` header, before
any fault answers, so tests can tell what a crawl asked for, and when.

``InterruptedAsTheSpiderOpens``, a Scrapy extension, sends the crawler a Ctrl-C of its own while its
spider opens, before the engine runs.

Crawls under test run with ``LoopbackOnlyResolver`` as Scrapy's DNS resolver: a name
other than loopback's is refused and logged, never looked up, so no fault can make a
crawl reach past 127.0.0.1 (not even a redirect to ``http://elsewhere.invalid/``).
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import signal
import socket
import struct
import tempfile
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from pathlib import Path

from scrapy import signals
from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer
from twisted.internet.error import DNSLookupError

from potus_crawler.demo.build import DemoSite, build_site
from potus_crawler.demo.server import LOOPBACK, LoopbackSiteServer, StaticSiteHandler

#: What a stalled request waits at most; the server's shutdown ends the wait sooner.
STALL_SECONDS = 30
#: Generated bodies go out in pieces of this size, so no fault holds a whole one in memory.
CHUNK = 64 * 1024
#: Logged by ``LoopbackOnlyResolver`` for every name it refuses: tests assert it never appears.
REFUSED_LOOKUP = "LoopbackOnlyResolver refused to resolve"
HTML = "text/html; charset=UTF-8"


@dataclass(frozen=True)
class Arrival:
    """A request as the server received it."""

    at: float
    path: str
    host: str


class Fault:
    """An answer given instead of the page, the first ``times`` requests (every one when None)."""

    def __init__(self, times: int | None = None):
        self.times = times
        self.fired = 0
        self._lock = threading.Lock()

    def fires(self) -> bool:
        """True when this request gets the fault; counts it."""
        with self._lock:
            if self.times is not None and self.fired >= self.times:
                return False
            self.fired += 1
            return True

    def answer(self, handler: FaultyHandler) -> None:
        raise NotImplementedError


class Status(Fault):
    """An error page with this HTTP status, and any extra headers (``Retry-After``)."""

    def __init__(self, status: int, times: int | None = None, headers: dict[str, str] | None = None):
        super().__init__(times)
        self.status = status
        self.headers = headers or {}

    def answer(self, handler: FaultyHandler) -> None:
        handler.send_bytes(f"<html><body><h1>{self.status}</h1></body></html>".encode(), HTML,
                           status=self.status, headers=self.headers)


class Redirect(Fault):
    """A 301 to ``location``, a path on the site or an absolute URL."""

    def __init__(self, location: str, times: int | None = None):
        super().__init__(times)
        self.location = location

    def answer(self, handler: FaultyHandler) -> None:
        handler.send_bytes(b"", HTML, status=HTTPStatus.MOVED_PERMANENTLY, headers={"Location": self.location})


class Stall(Fault):
    """Reads the request and answers nothing: only the client's timeout ends the wait."""

    def answer(self, handler: FaultyHandler) -> None:
        handler.server.closing.wait(STALL_SECONDS)
        handler.close_connection = True


class Reset(Fault):
    """Reads the request and resets the connection (TCP RST) before a byte of answer."""

    def answer(self, handler: FaultyHandler) -> None:
        # Lingering zero seconds turns close() into a reset instead of an orderly FIN.
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.connection.close()
        handler.close_connection = True


class Truncate(Fault):
    """The page's headers, its full ``Content-Length``, half its body, and the connection closed."""

    def answer(self, handler: FaultyHandler) -> None:
        body = handler.page_bytes()
        handler.send_head_only(HTML, length=len(body))
        handler.wfile.write(body[: len(body) // 2])
        handler.close_connection = True


class Content(Fault):
    """Fixed bytes of a given content type: a PDF where an article should be, say."""

    def __init__(self, body: bytes, content_type: str, times: int | None = None):
        super().__init__(times)
        self.body = body
        self.content_type = content_type

    def answer(self, handler: FaultyHandler) -> None:
        handler.send_bytes(self.body, self.content_type)


class Rewrite(Fault):
    """The page's own file, as text, passed through ``transform`` and served with ``content_type``.

    With ``source``, the file of that other path is served instead: a tag archive at an article's URL.
    """

    def __init__(self, transform: Callable[[str], str | bytes] = str, content_type: str = HTML, *,
                 source: str | None = None, times: int | None = None):
        super().__init__(times)
        self.transform = transform
        self.content_type = content_type
        self.source = source

    def answer(self, handler: FaultyHandler) -> None:
        page = self.transform(handler.page_bytes(self.source).decode("utf-8"))
        handler.send_bytes(page.encode("utf-8") if isinstance(page, str) else page, self.content_type)


class Huge(Fault):
    """An HTML page of ``size`` bytes generated while it is sent; ``declare_length`` puts the size in the headers."""

    FILLER = (b"<p>" + b"All work and no play makes a very large page. " * 20 + b"</p>\n") * (CHUNK // 1000)

    def __init__(self, size: int, *, declare_length: bool, times: int | None = None):
        super().__init__(times)
        self.size = size
        self.declare_length = declare_length

    def answer(self, handler: FaultyHandler) -> None:
        handler.send_head_only(HTML, length=self.size if self.declare_length else None)
        sent = 0
        while sent < self.size:
            piece = self.FILLER[: self.size - sent]
            handler.wfile.write(piece)
            sent += len(piece)
        # Without a length, only the closed connection tells the client that the page ended.
        handler.close_connection = True


class GzipBomb(Fault):
    """A small gzip body that inflates to ``inflated_size`` bytes of zeros, compressed piece by piece."""

    def __init__(self, inflated_size: int, times: int | None = None):
        super().__init__(times)
        compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # 16 +: with the gzip wrapper
        zeros = bytes(CHUNK)
        self.body = b"".join(compressor.compress(zeros) for _ in range(inflated_size // CHUNK)) + compressor.flush()

    def answer(self, handler: FaultyHandler) -> None:
        handler.send_bytes(self.body, HTML, headers={"Content-Encoding": "gzip"})


class FaultyHandler(StaticSiteHandler):
    """The demo site's handler; the server's faults answer for their paths."""

    server: FaultySiteServer

    def do_GET(self) -> None:
        self.server.arrivals.append(Arrival(time.monotonic(), self.path, self.headers.get("Host", "")))
        fault = self.server.faults.get(self.path)
        if fault is None or not fault.fires():
            super().do_GET()
            return
        try:
            fault.answer(self)
        except (BrokenPipeError, ConnectionResetError):
            # The crawler hung up first (it refused an oversized body): the fault did its work.
            self.close_connection = True

    def page_bytes(self, path: str | None = None) -> bytes:
        """The built file that answers ``path`` (this request's by default)."""
        return Path(self.translate_path(path or self.path)).read_bytes()

    def send_head_only(self, content_type: str, *, status: int = HTTPStatus.OK, length: int | None = None,
                       headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if length is not None:
            self.send_header("Content-Length", str(length))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()

    def send_bytes(self, body: bytes, content_type: str, *, status: int = HTTPStatus.OK,
                   headers: dict[str, str] | None = None) -> None:
        self.send_head_only(content_type, status=status, length=len(body), headers=headers)
        self.wfile.write(body)


class FaultySiteServer(LoopbackSiteServer):
    """The demo site's loopback server with ``faults`` (request path -> Fault) and every arrival noted."""

    def __init__(self, root: Path, faults: dict[str, Fault]):
        super().__init__(root)
        self.RequestHandlerClass = partial(FaultyHandler, directory=str(root))
        self.faults = faults
        self.arrivals: list[Arrival] = []
        #: Set when the server stops, so that stalled requests end with it.
        self.closing = threading.Event()

    def arrivals_for(self, path: str) -> list[Arrival]:
        return [arrival for arrival in self.arrivals if arrival.path == path]


@contextmanager
def faulty_site(faults: dict[str, Fault]) -> Iterator[tuple[DemoSite, FaultySiteServer]]:
    """Build the demo site and serve it on loopback with ``faults`` until the block ends."""
    with tempfile.TemporaryDirectory(prefix="potus-faulty-") as folder:
        server = FaultySiteServer(Path(folder), faults)
        thread = threading.Thread(target=server.serve_forever, name="faulty-site", daemon=True)
        thread.start()
        try:
            site = build_site(Path(folder), f"http://{LOOPBACK}:{server.server_port}")
            site.paths_served = server.paths_served
            yield site, server
        finally:
            server.closing.set()
            server.shutdown()
            server.server_close()
            thread.join()


# -- rewrites of demo pages (SmartMag markup) ----------------------------------------------------

#: An article's text: the content element, up to its end, where the demo closes it and its wrapper on
#: lines of their own (the text may hold <div>s: Ad Inserter's blocks, a copied author widget).
ARTICLE_CONTENT = re.compile(r'(<div class="post-content cf entry-content[^"]*">)(.*?)(\n</div>\n</div>)', re.S)
OWN_DATES = re.compile(r'(?:"datePublished": "|"dateModified": "|article:(?:published|modified)_time" content=")'
                       r'([^"]+)"')
MALFORMED_DATE = "2025-02-30T25:61:00+00:00"


def cp1252(page: str) -> bytes:
    """The page as Windows-1252 bytes; characters that code page lacks become character references."""
    return page.encode("cp1252", errors="xmlcharrefreplace")


def without_charset(page: str) -> str:
    """The page without its ``<meta charset>``: behind a bare ``text/html`` nothing names its encoding."""
    return page.replace('<meta charset="UTF-8" />', "", 1)


def rewrite_content(page: str, rewrite: Callable[[str], str]) -> str:
    """The page with its article's text (the inside of the content element) rewritten."""
    found = ARTICLE_CONTENT.search(page)
    assert found, "an article's content element is expected"
    return page[: found.start(2)] + rewrite(found[2]) + page[found.end(2):]


def empty_body(page: str) -> str:
    return rewrite_content(page, lambda text: "")


def nested_body(depth: int) -> Callable[[str], str]:
    """The article's text split after its first paragraph by ``depth`` nested <div>s holding the rest."""
    def nest(text: str) -> str:
        first, rest = text.split("</p>", 1)
        return f"{first}</p>{'<div>' * depth}{rest}{'</div>' * depth}"
    return lambda page: rewrite_content(page, nest)


def malformed_dates(page: str) -> str:
    """Every date the page gives for its own article (JSON-LD, meta, the header's <time>) made impossible."""
    for date in set(OWN_DATES.findall(page)):
        page = page.replace(date, MALFORMED_DATE)
    # The header's <time> also states the date in words, which a reader would parse too.
    return re.sub(rf'(<time class="post-date" datetime="{re.escape(MALFORMED_DATE)}">)[^<]*', r"\1Smarch 45th", page)


def with_listing_links(*hrefs: str) -> Callable[[str], str]:
    """A listing page with posts linking ``hrefs`` placed first in its main column."""
    posts = "".join(f'<article class="l-post"><h2 class="is-title post-title"><a href="{href}">{href}</a></h2>'
                    "</article>" for href in hrefs)
    return lambda page: page.replace('<div class="col-8 main-content">', '<div class="col-8 main-content">' + posts, 1)


def other_theme(page: str) -> str:
    """The page without SmartMag's fingerprint (its stylesheet's id, its header's class), as if the site had
    changed its theme but kept the rest of its markup: no site's rules match, the generic path extracts."""
    return page.replace("smartmag-core-css", "theme-core-css").replace("smart-head", "site-head")


def without_tags_block(page: str) -> str:
    """The page with the post's tags block renamed, as a theme update could: its tags are found nowhere else."""
    return page.replace("the-post-tags", "the-post-labels")


def every_page(site: DemoSite, transform: Callable[[str], str]) -> dict[str, Fault]:
    """A rewrite of every HTML page of the built site (articles, listings, home, static pages) by ``transform``."""
    return {"/" + "".join(f"{part}/" for part in page.parent.relative_to(site.root).parts): Rewrite(transform)
            for page in site.root.rglob("index.html")}


# -- the crawl's side ---------------------------------------------------------------------------

class LoopbackOnlyResolver(CachingThreadedResolver):
    """Scrapy's resolver refusing every name but loopback's: set as ``TWISTED_DNS_RESOLVER`` of crawls under test."""

    allowed = frozenset({LOOPBACK, "localhost"})

    def getHostByName(self, name: str, timeout=()):
        if name not in self.allowed:
            logging.getLogger(__name__).error("%s %s", REFUSED_LOOKUP, name)
            return defer.fail(DNSLookupError(name))
        return super().getHostByName(name, timeout)


class InterruptedAsTheSpiderOpens:
    """SIGINT to the crawler from a spider_opened handler that then takes a while (as the extraction pool's,
    starting its workers), so that the signal's graceful stop runs before the engine does."""

    @classmethod
    def from_crawler(cls, crawler) -> InterruptedAsTheSpiderOpens:
        extension = cls()
        crawler.signals.connect(extension.interrupt, signal=signals.spider_opened)
        return extension

    async def interrupt(self) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        await asyncio.sleep(0.5)
