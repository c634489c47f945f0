"""The ``Retry-After`` reading of potus_crawler/middlewares.py, in the forms a crawl of the fault server does not send,
and its meta refresh check."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from potus_crawler.middlewares import CheapMetaRefreshMiddleware, retry_after_seconds


@pytest.mark.parametrize(("header", "seconds"), [(b"120", 120.0), (b" 0 ", 0.0), (None, None), (b"", None),
                                                 (b"soon", None), (b"-5", None)])
def test_retry_after_in_seconds(header, seconds):
    assert retry_after_seconds(header) == seconds


def test_retry_after_as_an_http_date_is_the_time_until_then():
    in_90_seconds = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=90), usegmt=True)
    assert 85 <= retry_after_seconds(in_90_seconds.encode()) <= 90


def test_retry_after_a_date_already_past_is_no_wait():
    assert retry_after_seconds(b"Wed, 21 Oct 2015 07:28:00 GMT") == 0


class TextCounted(HtmlResponse):
    """A page that counts how often it is decoded to text."""

    decoded = 0

    @property
    def text(self) -> str:
        TextCounted.decoded += 1
        return super().text


def page(head: str, encoding: str = "utf-8", response_class: type[HtmlResponse] = HtmlResponse) -> HtmlResponse:
    html = (f'<!DOCTYPE html><html lang="de"><head><meta charset="{encoding}">{head}<title>Grüße aus Köln</title></head>'
            '<body><nav><a href="/politik/">Politik</a></nav><article><h1>Grüße aus Köln</h1>'
            '<p>Der Bürgermeister eröffnete die Brücke.</p></article></body></html>')
    return response_class("https://example.org/2025/03/gruesse/", body=html.encode(encoding),
                          headers={"Content-Type": f"text/html; charset={encoding}"})


@pytest.fixture
def meta_refresh():
    return CheapMetaRefreshMiddleware.from_crawler(get_crawler())


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_a_meta_refresh_is_followed_in_any_encoding(meta_refresh, encoding):
    response = page('<META HTTP-EQUIV="Refresh" content="0; url=/2025/03/neu/">', encoding)
    redirected = meta_refresh.process_response(Request(response.url), response)
    assert isinstance(redirected, Request) and redirected.url == "https://example.org/2025/03/neu/"


@pytest.mark.parametrize("late_refresh", ["", "<script>" + " " * 20000 + "googletag.pubads().refresh();</script>"])
def test_a_page_without_meta_refresh_is_not_decoded_to_look_for_one(meta_refresh, late_refresh):
    """Nor one whose "refresh" comes past where Scrapy would look for a meta refresh (an ad script's)."""
    response = page('<meta http-equiv="content-language" content="de">' + late_refresh, response_class=TextCounted)
    TextCounted.decoded = 0
    assert meta_refresh.process_response(Request(response.url), response) is response
    assert TextCounted.decoded == 0
