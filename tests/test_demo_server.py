"""The demo's loopback server answers as a static WordPress cache behind nginx would."""

from __future__ import annotations

from http.client import HTTPConnection
from urllib.parse import urlsplit


def connection_to(site) -> HTTPConnection:
    parts = urlsplit(site.base_url)
    return HTTPConnection(parts.hostname, parts.port, timeout=10)


def get(connection: HTTPConnection, path: str, **headers: str):
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    return response


def test_one_kept_alive_connection_serves_page_after_page_each_with_its_own_validators(served_site):
    article = served_site.content.articles[0].path
    connection = connection_to(served_site)
    try:
        page = get(connection, article)
        assert page.status == 200 and page.version == 11 and page.getheader("ETag")
        # The same connection, still open: a missing page carries no ETag of the page before.
        missing = get(connection, "/no-such-post/")
        assert missing.status == 404 and missing.getheader("ETag") is None
        again = get(connection, article, **{"If-None-Match": page.getheader("ETag")})
        assert again.status == 304 and again.getheader("ETag") == page.getheader("ETag")
        assert get(connection, "/").getheader("ETag") != page.getheader("ETag")
    finally:
        connection.close()
