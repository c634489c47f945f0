"""Dates: the most trusted source wins, implausible values are passed over, provenance is kept."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from conftest import FIXTURES
from extractors import extract
from extractors.dates import first_plausible, url_date

BODY = " ".join(["The committee met on Tuesday to weigh the proposal and heard from a dozen witnesses."] * 6)


def page(*, jsonld: str | None = None, meta: str | None = None, time: str | None = None,
         modified_meta: str | None = None) -> str:
    head = [f'<script type="application/ld+json">{json.dumps({"@type": "NewsArticle", "headline": "Committee weighs proposal", "datePublished": jsonld})}</script>' if jsonld else "",
            f'<meta property="article:published_time" content="{meta}">' if meta else "",
            f'<meta property="article:modified_time" content="{modified_meta}">' if modified_meta else ""]
    byline = f'<p class="byline">By Ann Lee, <time datetime="{time}">March 3</time></p>' if time else ""
    return (f"<html><head><title>Committee weighs proposal</title>{''.join(head)}</head><body>"
            f"<article><h1>Committee weighs proposal</h1>{byline}<p>{BODY}</p><p>{BODY}</p></article>"
            "<aside><time datetime='2001-01-01T00:00:00Z'>old</time></aside></body></html>")


ALL_SOURCES = dict(jsonld="2025-03-03T10:00:00-05:00", meta="2025-03-03T16:00:00+01:00", time="2025-03-03T15:00:00Z")


@pytest.mark.parametrize("missing, source, value", [
    ((), "json-ld", "2025-03-03T10:00:00-05:00"),
    (("jsonld",), "meta", "2025-03-03T16:00:00+01:00"),
    (("jsonld", "meta"), "time-element", "2025-03-03T15:00:00+00:00"),
])
def test_the_most_trusted_source_wins(missing, source, value):
    record = extract(page(**{k: v for k, v in ALL_SOURCES.items() if k not in missing}), "https://example.com/story/")
    assert (record.published, record.published_source, record.published_precision) == (value, source, "instant")
    assert record.published_raw == ALL_SOURCES[{"json-ld": "jsonld", "time-element": "time"}.get(source, source)]


@pytest.mark.parametrize("impossible", ["1970-01-01T00:00:00Z", "2999-01-01T00:00:00Z"])
def test_impossible_dates_are_passed_over(impossible):
    record = extract(page(jsonld=impossible, meta="2025-03-03T16:00:00+01:00"), "https://example.com/story/")
    assert (record.published, record.published_source) == ("2025-03-03T16:00:00+01:00", "meta")


def test_date_in_the_url_is_the_last_resort():
    record = extract(page(), "https://example.com/2019/11/18/committee-weighs-proposal/")
    assert (record.published, record.published_raw, record.published_source, record.published_precision) == (
        "2019-11-18", "2019-11-18", "url", "date")


def test_dates_without_offset_take_the_site_zone():
    record = extract(page(meta="2025-07-04T09:00:00"), "https://example.com/story/", ZoneInfo("America/New_York"))
    assert (record.published, record.published_precision) == ("2025-07-04T09:00:00-04:00", "local")


def test_modified_is_the_published_date_when_the_page_names_none():
    record = extract(page(meta="2025-03-03T16:00:00+01:00"), "https://example.com/story/")
    assert (record.modified, record.modified_source, record.modified_precision) == (
        "2025-03-03T16:00:00+01:00", "published", "instant")
    updated = extract(page(meta="2025-03-03T16:00:00+01:00", modified_meta="2025-03-05T08:30:00+01:00"),
                      "https://example.com/story/")
    assert (updated.modified, updated.modified_source) == ("2025-03-05T08:30:00+01:00", "meta")


def test_smartmag_byline_date_serves_when_machine_readable_dates_are_gone():
    html = (FIXTURES / "article-updated" / "page.html").read_text("utf-8")
    expected = json.loads((FIXTURES / "article-updated" / "expected.json").read_text("utf-8"))
    html = re.sub(r'<script type="application/ld\+json"[^>]*>.*?</script>', "", html, flags=re.S)
    html = re.sub(r'<meta property="article:(published|modified)_time"[^>]*>', "", html)
    html = re.sub(r'(<time class="post-date") datetime="[^"]*"', r"\1", html)
    record = extract(html, expected["url"])
    day = expected["published"][:10]
    assert (record.published, record.published_source, record.published_precision) == (day, "byline", "date")
    assert (record.modified_source, record.modified_precision) == ("byline", "date")
    assert record.modified[:10] == expected["modified"][:10]


def test_url_dates():
    assert url_date("https://example.com/2019/11/18/story") == "2019-11-18"
    assert url_date("https://example.com/news/2019-11-18-story.html") == "2019-11-18"
    assert url_date("https://example.com/2019/13/18/story") is None
    assert url_date("https://example.com/story-20191118") is None


def test_first_plausible_skips_what_does_not_parse():
    now = datetime(2025, 3, 10, tzinfo=timezone.utc)
    found = first_plausible([("json-ld", None), ("meta", "not a date"), ("byline", "March 4, 2025")], timezone.utc, now)
    assert (found.value, found.source, found.precision) == ("2025-03-04", "byline", "date")
    assert first_plausible([("meta", "March 12, 2025")], timezone.utc, now) is None
