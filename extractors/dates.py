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

from .normalize import is_date_only, parse_moment

EARLIEST = datetime(1990, 1, 1, tzinfo=timezone.utc)
#: Sites in zones ahead of ours may stamp today with tomorrow's date.
FUTURE_TOLERANCE = timedelta(days=1)
#: ``/2019/11/18/`` or ``/2019-11-18/`` in a permalink.
URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](0[1-9]|1[0-2])[/-](0[1-9]|[12]\d|3[01])(?:/|[-_]|$)")

JSON_LD, META, TIME_ELEMENT, BYLINE, URL = "json-ld", "meta", "time-element", "byline", "url"


#: How exact a found date is: a moment whose offset the page states (on the date itself or on its other dates),
#: a wall-clock time the page gives no zone for (taken in the site's profile zone), or a day with no time.
INSTANT, LOCAL, DATE = "instant", "local", "date"


@dataclass(frozen=True)
class FoundDate:
    #: ISO 8601 with offset, seconds precision; a bare ISO date (``2024-08-22``) where the page names no time.
    value: str
    #: The string as the page gave it.
    raw: str
    #: Which kind of source gave it: json-ld, meta, time-element, byline or url.
    source: str
    #: ``INSTANT``, ``LOCAL`` or ``DATE``.
    precision: str


def plausible(moment: datetime, now: datetime) -> bool:
    return EARLIEST <= moment <= now + FUTURE_TOLERANCE


def url_date(url: str) -> str | None:
    """``2019-11-18`` for a permalink that carries its date; None otherwise."""
    match = URL_DATE.search(url)
    return "-".join(match.groups()) if match else None


def page_zone(raws: Iterable[object]) -> tzinfo | None:
    """The offset of the first of the page's dates that states one: a page gives all its times in one zone."""
    for raw in raws:
        moment = parse_moment(raw) if isinstance(raw, str) else None
        if moment is not None and moment.tzinfo is not None:
            return moment.tzinfo
    return None


def first_plausible(candidates: Iterable[tuple[str, object]], default_tz: tzinfo,
                    now: datetime | None = None, page_tz: tzinfo | None = None) -> FoundDate | None:
    """The first (source, raw) candidate that parses to a plausible date.

    A time without a zone is taken in the zone of the page's other dates (``page_tz``), else in
    ``default_tz`` (the site's profile zone); a date without a time stays a date.
    """
    now = now or datetime.now(timezone.utc)
    for source, raw in candidates:
        if not isinstance(raw, str):
            continue
        moment = parse_moment(raw)
        if moment is None:
            continue
        if is_date_only(raw):
            if plausible(moment.replace(tzinfo=moment.tzinfo or default_tz), now):
                return FoundDate(moment.date().isoformat(), raw.strip(), source, DATE)
            continue
        precision = INSTANT
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=page_tz or default_tz)
            precision = INSTANT if page_tz else LOCAL
        if plausible(moment, now):
            return FoundDate(moment.isoformat(), raw.strip(), source, precision)
    return None
