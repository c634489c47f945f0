"""Normalizers shared by the extractors and the crawler's normalize pipeline.

Each is idempotent: normalizing a normalized value returns it unchanged, so the
pipeline can count what it really changed.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone, tzinfo
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import dateparser

#: Query parameters that identify a campaign or a click, never a page.
TRACKING_PARAMETERS = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|_ga|_gl|ref|ref_src|cmpid|smid|amp)$"
)
#: No date is written in more characters ("Tuesday, February 25, 2025 at 10:41 a.m. Eastern Standard Time").
MAX_DATE_CHARS = 100
ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def clean_text(text: str | None) -> str:
    """One line of text: every run of white space (NBSP included) becomes one space."""
    if not text:
        return ""
    return " ".join(ZERO_WIDTH.sub("", text).split())


def clean_body(text: str | None) -> str:
    """Blocks of clean text separated by one blank line; empty blocks dropped."""
    if not text:
        return ""
    blocks = (clean_text(block) for block in re.split(r"\n\s*\n", text))
    return "\n\n".join(block for block in blocks if block)


def clean_url(url: str) -> str:
    """A URL without fragment and tracking parameters, remaining parameters sorted, host lower-case."""
    parts = urlsplit(url.strip())
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                   if not TRACKING_PARAMETERS.match(k))
    netloc = parts.netloc.lower()
    if parts.scheme == "http" and netloc.endswith(":80") or parts.scheme == "https" and netloc.endswith(":443"):
        netloc = netloc.rsplit(":", 1)[0]
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", urlencode(query), ""))


def joined_url(base: str, link: str) -> str | None:
    """``link`` made absolute against ``base``; None for a link no URL parser takes ("//[x")."""
    try:
        joined = urljoin(base, link.strip())
        urlsplit(joined)
    except ValueError:
        return None
    return joined


def canonical_url(url: str, *, trailing_slash: bool = True) -> str:
    """The form under which a page of the crawled site is stored and deduplicated.

    ``clean_url`` plus, with ``trailing_slash`` (the site profile's; WordPress's canonical
    form), a trailing slash on extension-less paths: ``/post``, ``/post/`` and
    ``/post/?utm_source=x`` are one article. Only for URLs of the crawled site; other
    sites' URLs get ``clean_url``.
    """
    cleaned = urlsplit(clean_url(url))
    last_segment = cleaned.path.rsplit("/", 1)[-1]
    if trailing_slash and last_segment and "." not in last_segment:
        cleaned = cleaned._replace(path=cleaned.path + "/")
    return urlunsplit(cleaned)


def site_timezone(name: str) -> tzinfo:
    return timezone.utc if name.upper() in ("UTC", "Z") else ZoneInfo(name)


def parse_datetime(raw: str | None, default_tz: tzinfo = timezone.utc) -> datetime | None:
    """An aware datetime (seconds precision) from an ISO string or a human date; None if unparseable.

    A date given without an offset is taken in ``default_tz`` (the site's zone).
    """
    text = clean_text(raw)
    # dateparser's time grows with the text's length: minutes for a megabyte of junk in a date field.
    if not text or len(text) > MAX_DATE_CHARS:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = dateparser.parse(text, settings={"PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False})
        if moment is None:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=default_tz)
    return moment.replace(microsecond=0)


def iso_datetime(raw: str | None, default_tz: tzinfo = timezone.utc) -> str | None:
    """ISO 8601 with offset (seconds precision) of ``parse_datetime``; None rather than a guess."""
    moment = parse_datetime(raw, default_tz)
    return moment.isoformat() if moment else None
