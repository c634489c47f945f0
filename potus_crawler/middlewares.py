"""Downloader middlewares: Scrapy's own, made to account for what they do quietly, or to cost less."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from weakref import WeakKeyDictionary

from scrapy import Request, signals
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater

logger = logging.getLogger(__name__)


def retry_after_seconds(value: bytes | None) -> float | None:
    """A ``Retry-After`` header in seconds (it gives seconds or an HTTP date); None when absent or unreadable."""
    text = (value or b"").decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return max(0.0, (moment - datetime.now(timezone.utc)).total_seconds())


async def sleep(seconds: float) -> None:
    # The reactor Scrapy installed, imported late: importing it at module level could install another.
    from twisted.internet import reactor

    await maybe_deferred_to_future(deferLater(reactor, seconds))


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy retries a 429 or 503 at once, whatever its ``Retry-After`` says; this one waits as asked first.

    A wait longer than ``POTUS_RETRY_AFTER_MAX`` seconds is not sat out within the crawl: the
    page is given up at once (its failure recorded with the status) and the next crawl tries it again.
    """

    def __init__(self, settings):
        super().__init__(settings)
        self.max_wait = settings.getfloat("POTUS_RETRY_AFTER_MAX")

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        retries_left = (request.meta.get("retry_times", 0) < request.meta.get("max_retry_times", self.max_retry_times)
                        and not request.meta.get("dont_retry", False))
        if wait and response.status in self.retry_http_codes and retries_left:
            if wait > self.max_wait:
                logger.info("Not retrying %s: it asks for a wait of %.0f s, more than POTUS_RETRY_AFTER_MAX (%.0f s)",
                            request, wait, self.max_wait)
                return response
            # The request keeps its download slot while it waits: when every slot waits, the crawl pauses,
            # which is what a site answering Retry-After asks for.
            await sleep(wait)
        return super().process_response(request, response)


class ReportedRedirectMiddleware(RedirectMiddleware):
    """Scrapy's redirects, but none dropped in silence.

    Scrapy schedules a redirect like any request: one back to a URL of its own chain is
    dropped by the duplicate filter, one to another site by the offsite filter, both without
    a word and without the request's errback. This one raises ``IgnoreRequest`` with the
    reason instead, so the page is recorded as a failure; and it lets a redirect to a page
    already fetched in this crawl through, so the URL that redirects gets its outcome.
    """

    def process_response(self, request: Request, response: Response) -> Request | Response:
        redirected = super().process_response(request, response)
        if not isinstance(redirected, Request):
            return redirected
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if redirected.url in chain:
            raise IgnoreRequest(f"redirect loop: {' -> '.join([*chain, redirected.url])}")
        offsite = self.crawler.get_downloader_middleware(OffsiteMiddleware)
        if offsite is not None and not offsite.should_follow(redirected, self.crawler.spider):
            raise IgnoreRequest(f"redirect off the site to {redirected.url}")
        # An old slug redirecting to a page this crawl already fetched must still be answered (the old
        # URL is then marked moved); loops are caught above, so the duplicate filter may be bypassed.
        redirected.dont_filter = True
        return redirected


#: The word every meta refresh names (``http-equiv="refresh"``), as the bytes of an ASCII-compatible encoding.
REFRESH = re.compile(rb"refresh", re.IGNORECASE)
#: Scrapy looks for a meta refresh in the first 4,096 characters only: at most 4 bytes each, in UTF-8.
REFRESH_SPAN_BYTES = 4 * 4096


def writes_ascii_as_is(encoding: str) -> bool:
    try:
        return "refresh".encode(encoding) == b"refresh"
    except (LookupError, UnicodeError):
        return False


class CheapMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's meta refresh redirects, without decoding every page to look for one.

    Scrapy decodes the whole body (``response.text``) to read its first 4,096 characters: a 60 KB
    article page costs the reactor's thread that decoding, though only its worker needs the text. A
    page whose bytes never spell "refresh", in an encoding that writes ASCII as ASCII, has no meta
    refresh where Scrapy would find one (its first 4,096 characters); any other page goes to Scrapy's own
    check. (A "refresh" later in the page, in an ad script, no longer sends it there.)
    """

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if (isinstance(response, HtmlResponse) and writes_ascii_as_is(response.encoding)
                and REFRESH.search(response.body, 0, REFRESH_SPAN_BYTES) is None):
            return response
        return super().process_response(request, response)


class SizeLimitReasonMiddleware:
    """Scrapy cancels a body growing past ``DOWNLOAD_MAXSIZE`` with a ``DownloadCancelledError`` that
    has no message (only its log says why); this one counts what each request received and gives
    the error its reason."""

    def __init__(self, crawler):
        self.max_size = crawler.settings.getint("DOWNLOAD_MAXSIZE")
        #: Bytes received per request; a retry is a new request, counted afresh.
        self.received: WeakKeyDictionary[Request, int] = WeakKeyDictionary()
        crawler.signals.connect(self.bytes_received, signal=signals.bytes_received)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def bytes_received(self, data: bytes, request: Request, spider) -> None:
        self.received[request] = self.received.get(request, 0) + len(data)

    def process_exception(self, request: Request, exception: Exception) -> None:
        received, limit = self.received.get(request, 0), request.meta.get("download_maxsize", self.max_size)
        if isinstance(exception, DownloadCancelledError) and not str(exception) and limit and received > limit:
            raise DownloadCancelledError(f"Received {received} bytes, more than the download max size "
                                         f"(DOWNLOAD_MAXSIZE, {limit} bytes)") from exception
