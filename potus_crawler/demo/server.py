"""Serve a built demo site over HTTP on loopback, the way a static WordPress cache would.

Like nginx in front of such a cache, it answers conditional requests: ``ETag`` from the
file's modification time and size, ``Last-Modified`` from its modification time, and
304 Not Modified when the client's copy is current.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http import HTTPStatus
from http.server import HTTPServer, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .build import DemoSite, build_site

LOOPBACK = "127.0.0.1"


class StaticSiteHandler(SimpleHTTPRequestHandler):
    """Static files with the charset declared, directory URLs redirected to their slash form.

    A folder's ``index.xml`` answers for it when it has no ``index.html``: that is how
    ``/feed/`` and ``/category/<slug>/feed/`` are stored.
    """

    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".html": "text/html; charset=UTF-8",
        ".txt": "text/plain; charset=UTF-8",
        ".xml": "application/xml; charset=UTF-8",
    }

    etag: str | None = None
    #: Keep-alive, as nginx and every WordPress host speak: a connection per request would cost both
    #: sides a TCP handshake and teardown per page, which no real crawl pays.
    protocol_version = "HTTP/1.1"

    def translate_path(self, path: str) -> str:
        """A folder URL (slash form) as its index file, so it gets validators like any file."""
        translated = super().translate_path(path)
        if os.path.isdir(translated) and path.split("?", 1)[0].endswith("/"):
            for index in ("index.html", "index.xml"):
                if os.path.isfile(os.path.join(translated, index)):
                    return os.path.join(translated, index)
        return translated

    def handle_one_request(self) -> None:
        # A kept-alive connection serves many requests: the last one's ETag must not answer for the next.
        self.etag = None
        super().handle_one_request()

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isfile(path):
            stat = os.stat(path)
            self.etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
            if self.etag in (tag.strip() for tag in self.headers.get("If-None-Match", "").split(",")):
                self.send_response(HTTPStatus.NOT_MODIFIED)
                self.end_headers()
                return None
        return super().send_head()

    def end_headers(self) -> None:
        if self.etag:
            self.send_header("ETag", self.etag)
        super().end_headers()

    def log_message(self, format: str, *args) -> None:
        """Quiet: the crawler's own log says what was fetched."""

    def log_request(self, code="-", size="-") -> None:
        self.server.paths_served.append(self.path)


class LoopbackSiteServer(ThreadingHTTPServer):
    """Remembers every path it answered, in order, so tests can count what a crawl fetched."""

    daemon_threads = True

    def __init__(self, root: Path, port: int = 0):
        super().__init__((LOOPBACK, port), partial(StaticSiteHandler, directory=str(root)))
        self.paths_served: list[str] = []

    def handle_error(self, request, client_address) -> None:
        # A client that hangs up mid-answer (a crawl stopped, a reader gone) is no fault of the site's.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serving(root: Path, port: int = 0) -> Iterator[LoopbackSiteServer]:
    """Serve ``root`` on a loopback port (0: a free one) until the block ends."""
    with running(LoopbackSiteServer(root, port), "demo-site") as server:
        yield server


@contextmanager
def running(server: HTTPServer, name: str) -> Iterator[HTTPServer]:
    """``server`` answering on a thread of its own until the block ends, then closed."""
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def demo_site(port: int = 0, theme: str = "smartmag") -> Iterator[DemoSite]:
    """Build the demo site in ``theme`` in a temporary folder and serve it (port 0: a free one); yields the built site."""
    with tempfile.TemporaryDirectory(prefix="potus-demo-") as folder:
        root = Path(folder)
        with serving(root, port) as server:
            site = build_site(root, f"http://{LOOPBACK}:{server.server_port}", theme=theme)
            site.paths_served = server.paths_served
            yield site
