"""An article's dates, chosen by source priority, with the source and the raw string kept.

Sources, most trusted first: schema.org JSON-LD, meta tags, the article's ``<time datetime>``,
the date as the byline shows it, the date in the URL. The first candidate that parses to a
plausible moment wins; an implausible one (before 1990, or later than tomorrow: a template
default or a typo) is passed over so that the next source gets its chance.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo

from .normalize import parse_datetime

EARLIEST = datetime(1990, 1, 1, tzinfo=timezone.utc)
#: Sites in zones ahead of ours may stamp today with tomorrow's date.
FUTURE_TOLERANCE = timedelta(days=1)
#: ``/2019/11/18/`` or ``/2019-11-18/`` in a permalink.
URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](0[1-9]|1[0-2])[/-](0[1-9]|[12]\d|3[01])(?:/|[-_]|$)")

JSON_LD, META, TIME_ELEMENT, BYLINE, URL = "json-ld", "meta", "time-element", "byline", "url"


@dataclass(frozen=True)
class FoundDate:
    #: ISO 8601 with offset, seconds precision.
    value: str
    #: The string as the page gave it.
    raw: str
    #: Which kind of source gave it: json-ld, meta, time-element, byline or url.
    source: str


def plausible(moment: datetime, now: datetime) -> bool:
    return EARLIEST <= moment <= now + FUTURE_TOLERANCE


def url_date(url: str) -> str | None:
    """``2019-11-18`` for a permalink that carries its date; None otherwise."""
    match = URL_DATE.search(url)
    return "-".join(match.groups()) if match else None


def first_plausible(candidates: Iterable[tuple[str, object]], default_tz: tzinfo,
                    now: datetime | None = None) -> FoundDate | None:
    """The first (source, raw) candidate that parses to a plausible date."""
    now = now or datetime.now(timezone.utc)
    for source, raw in candidates:
        if not isinstance(raw, str):
            continue
        moment = parse_datetime(raw, default_tz)
        if moment is not None and plausible(moment, now):
            return FoundDate(moment.isoformat(), raw.strip(), source)
    return None
