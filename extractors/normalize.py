"""Normalizers shared by the extractors and the crawler's normalize pipeline.

Each is idempotent: normalizing a normalized value returns it unchanged, so the
pipeline can count what it really changed.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone, tzinfo
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import dateparser

#: Query parameters that identify a campaign or a click, never a page.
TRACKING_PARAMETERS = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|_ga|_gl|ref|ref_src|cmpid|smid|amp)$"
)
#: No date is written in more characters ("Tuesday, February 25, 2025 at 10:41 a.m. Eastern Standard Time").
MAX_DATE_CHARS = 100
#: "18:11", "6.11 p.m.", "18h11", or an ISO time: a date string that holds none names a day only.
TIME_OF_DAY = re.compile(r"\d{1,2}\s*(?::|h|\.(?=\d{2}\s*[ap]\.?m))\s*\d{2}|T\d{2}", re.IGNORECASE)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
#: URLs remembered by the URL normalizers: a site's pages link to the same menu, categories and related
#: articles again and again, and each is parsed and rebuilt in about 10 µs. Bounded, so memory stays flat.
URL_CACHE_SIZE = 4096


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


@lru_cache(maxsize=URL_CACHE_SIZE)
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


@lru_cache(maxsize=URL_CACHE_SIZE)
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


def parse_moment(raw: str | None) -> datetime | None:
    """A datetime (seconds precision) from an ISO string or a human date, aware where the text gives a zone
    or offset ("18:11 CEST", "+02:00"), naive where it gives none; None if unparseable."""
    text = clean_text(raw)
    # dateparser's time grows with the text's length: minutes for a megabyte of junk in a date field.
    if not text or len(text) > MAX_DATE_CHARS:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = dateparser.parse(text, settings={"PREFER_DAY_OF_MONTH": "first"})
        if moment is None:
            return None
    return moment.replace(microsecond=0)


def parse_datetime(raw: str | None, default_tz: tzinfo = timezone.utc) -> datetime | None:
    """An aware datetime (seconds precision) from an ISO string or a human date; None if unparseable.

    A date given without an offset is taken in ``default_tz`` (the site's zone).
    """
    moment = parse_moment(raw)
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=default_tz)
    return moment


def is_date_only(raw: str) -> bool:
    """True for a date that names no time of day ("2024-08-22", "22. August 2024")."""
    return not TIME_OF_DAY.search(raw)


def iso_datetime(raw: str | None, default_tz: tzinfo = timezone.utc) -> str | None:
    """ISO 8601 with offset (seconds precision) of ``parse_datetime``; None rather than a guess.

    An ISO date without a time stays one: a midnight stamped on it would be invented.
    """
    if raw and ISO_DATE.fullmatch(clean_text(raw)):
        return clean_text(raw)
    moment = parse_datetime(raw, default_tz)
    return moment.isoformat() if moment else None
