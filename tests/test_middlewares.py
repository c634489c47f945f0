"""The ``Retry-After`` reading of potus_crawler/middlewares.py, in the forms a crawl of the fault server does not send."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from potus_crawler.middlewares import retry_after_seconds


@pytest.mark.parametrize(("header", "seconds"), [(b"120", 120.0), (b" 0 ", 0.0), (None, None), (b"", None),
                                                 (b"soon", None), (b"-5", None)])
def test_retry_after_in_seconds(header, seconds):
    assert retry_after_seconds(header) == seconds


def test_retry_after_as_an_http_date_is_the_time_until_then():
    in_90_seconds = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=90), usegmt=True)
    assert 85 <= retry_after_seconds(in_90_seconds.encode()) <= 90


def test_retry_after_a_date_already_past_is_no_wait():
    assert retry_after_seconds(b"Wed, 21 Oct 2015 07:28:00 GMT") == 0
