"""Normalizers: idempotent, and equal inputs in different dress come out equal."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from extractors.normalize import canonical_url, clean_body, clean_text, clean_url, iso_datetime


@pytest.mark.parametrize("url", [
    "https://potusnews.news/some-post",
    "https://potusnews.news/some-post/",
    "https://POTUSNEWS.news/some-post/?utm_source=x&utm_medium=y",
    "https://potusnews.news:443/some-post/#comments",
    "https://potusnews.news/some-post?fbclid=abc",
])
def test_one_article_one_canonical_url(url):
    assert canonical_url(url) == "https://potusnews.news/some-post/"


def test_canonical_url_keeps_meaningful_parameters_and_files():
    assert canonical_url("https://potusnews.news/?s=tariffs&p=12") == "https://potusnews.news/?p=12&s=tariffs"
    assert canonical_url("https://potusnews.news/wp-content/a.jpg") == "https://potusnews.news/wp-content/a.jpg"


def test_other_sites_urls_keep_their_path():
    assert clean_url("https://apnews.com/article/abc-123?utm_source=x") == "https://apnews.com/article/abc-123"


@pytest.mark.parametrize("raw, expected", [
    ("2025-02-25T14:03:27+00:00", "2025-02-25T14:03:27+00:00"),
    ("2025-02-25T14:03:27Z", "2025-02-25T14:03:27+00:00"),
    ("2025-02-25T14:03:27.123456-05:00", "2025-02-25T14:03:27-05:00"),
    ("February 25, 2025", "2025-02-25T00:00:00+00:00"),
    ("  25 de febrero de 2025 ", "2025-02-25T00:00:00+00:00"),
    ("not a date", None),
    ("", None),
])
def test_iso_datetime(raw, expected):
    assert iso_datetime(raw) == expected


def test_dates_without_offset_take_the_site_zone():
    assert iso_datetime("2025-07-04T09:00:00", ZoneInfo("America/New_York")) == "2025-07-04T09:00:00-04:00"


def test_text_cleaning_folds_every_kind_of_space():
    assert clean_text("  5\u00a0percent\u200b of\n\tvoters ") == "5 percent of voters"
    assert clean_body("First  para.\n\n\n  \n\nSecond\u00a0para.\n") == "First para.\n\nSecond para."
    assert clean_body(clean_body("a\n\nb")) == "a\n\nb"
