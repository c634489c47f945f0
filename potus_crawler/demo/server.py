"""Serve a built demo site over HTTP on loopback, the way a static WordPress cache would."""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .build import DemoSite, build_site

LOOPBACK = "127.0.0.1"


class StaticSiteHandler(SimpleHTTPRequestHandler):
    """Static files with the charset declared, directory URLs redirected to their slash form."""

    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".html": "text/html; charset=UTF-8",
        ".txt": "text/plain; charset=UTF-8",
        ".xml": "application/xml; charset=UTF-8",
    }

    def log_message(self, format: str, *args) -> None:
        """Quiet: the crawler's own log says what was fetched."""

    def log_request(self, code="-", size="-") -> None:
        self.server.paths_served.append(self.path)


class LoopbackSiteServer(ThreadingHTTPServer):
    """Remembers every path it answered, in order, so tests can count what a crawl fetched."""

    daemon_threads = True

    def __init__(self, root: Path):
        super().__init__((LOOPBACK, 0), partial(StaticSiteHandler, directory=str(root)))
        self.paths_served: list[str] = []


@contextmanager
def serving(root: Path) -> Iterator[LoopbackSiteServer]:
    """Serve ``root`` on a free loopback port until the block ends."""
    server = LoopbackSiteServer(root)
    thread = threading.Thread(target=server.serve_forever, name="demo-site", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def demo_site() -> Iterator[DemoSite]:
    """Build the demo site in a temporary folder and serve it; yields the built site."""
    with tempfile.TemporaryDirectory(prefix="potus-demo-") as folder:
        root = Path(folder)
        with serving(root) as server:
            site = build_site(root, f"http://{LOOPBACK}:{server.server_port}")
            site.paths_served = server.paths_served
            yield site
