"""A crawl's archive served back over loopback, so that a recorded crawl is a fixture.

``replaying(files, port)`` indexes the WARC files (path and query of each response record's
URL, the last one written winning) and serves each archived response as it was received: its
status, its headers, its body as the site sent it. Anything not archived is a 404. Bind it to the
recorded site's port and a crawl of it finds the URLs the recording stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from potus_crawler.archive import HOP_BY_HOP_RENAMED, read_page, request_target, scan
from potus_crawler.demo.server import running

#: Headers the server writes itself for the body it sends, or that describe the recorded transfer only.
NOT_REPLAYED = {"content-length", "connection", "keep-alive", *(name.lower() for name in HOP_BY_HOP_RENAMED.values())}


def archive_index(files: list[Path]) -> dict[str, tuple[Path, int, int]]:
    """Request target (path and query) -> (file, offset, length) of its last response record."""
    index = {}
    for path in files:
        for entry in scan(path, check_digests=False):
            if entry.type == "response":
                index[request_target(entry.url)] = (path, entry.offset, entry.length)
    return index


class ReplayHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: ReplayServer

    def do_GET(self) -> None:
        found = self.server.index.get(self.path)
        if found is None:
            self.send_error(404, "not in the archive")
            return
        page = read_page(*found, decoded=False)
        self.send_response(page.status)
        for name, value in page.headers:
            if name.lower() not in NOT_REPLAYED:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(page.body)))
        self.end_headers()
        self.wfile.write(page.body)

    def log_message(self, format: str, *args) -> None:
        """Quiet: a test's output is its assertions."""


class ReplayServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, files: list[Path], port: int = 0):
        self.index = archive_index(files)
        super().__init__(("127.0.0.1", port), ReplayHandler)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@contextmanager
def replaying(files: list[Path], port: int = 0) -> Iterator[ReplayServer]:
    """The archive served on 127.0.0.1 (a free port unless given) for the block."""
    with running(ReplayServer(files, port), "warc-replay") as server:
        yield server
