"""Every setting a crawl reads, checked before its first request: a bad value is one clear line, not a
traceback an hour into a cron job, nor a run that quietly ignores it.

``check_settings`` raises ``BadSetting`` naming the setting, the value given and what is allowed.
The rules are data: one entry per setting, the project's own and the Scrapy settings people
change on the command line. A ``POTUS_`` name that is no setting of ours (a typo) is refused too.
"""

from __future__ import annotations

import difflib
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from extractors.sites import PROFILES

if TYPE_CHECKING:
    # The command line imports this module for every command: Scrapy is imported only by the ones that crawl.
    from scrapy.settings import BaseSettings


class BadSetting(ValueError):
    def __init__(self, name: str, value, allowed: str):
        super().__init__(f"setting {name}={value!r} is not allowed: {allowed}")
        self.name = name


#: A check takes the settings and a name, and returns what is allowed when the value is not, else None.
Check = Callable[["BaseSettings", str], "str | None"]


def whole(minimum: int, maximum: int | None = None) -> Check:
    allowed = f"a whole number from {minimum}" + (f" to {maximum}" if maximum is not None else " up")

    def check(settings: BaseSettings, name: str) -> str | None:
        try:
            value = settings.getint(name)
        except (TypeError, ValueError):
            return allowed
        # getint reads "2.5" as 2: a fraction is a mistake worth naming too.
        if str(settings.get(name)).strip() not in (str(value), f"{value}.0") or value < minimum or (
                maximum is not None and value > maximum):
            return allowed
        return None

    return check


def number(minimum: float, *, above: bool = False, maximum: float | None = None) -> Check:
    allowed = (f"a number {'above' if above else 'from'} {minimum:g}"
               + (f" to {maximum:g}" if maximum is not None else (" up" if not above else "")))

    def check(settings: BaseSettings, name: str) -> str | None:
        try:
            value = settings.getfloat(name)
        except (TypeError, ValueError):
            return allowed
        if value != value or value < minimum or (above and value == minimum) or (
                maximum is not None and value > maximum):
            return allowed
        return None

    return check


def flag(settings: BaseSettings, name: str) -> str | None:
    try:
        settings.getbool(name)
    except (TypeError, ValueError):
        return "1/0, true/false"
    return None


def one_of(*choices: str) -> Check:
    """Exactly one of ``choices``: the code that reads the setting compares it as written."""
    def check(settings: BaseSettings, name: str) -> str | None:
        return None if str(settings.get(name)) in choices else "one of " + ", ".join(choices)

    return check


def log_level(settings: BaseSettings, name: str) -> str | None:
    """What Python's logging takes: a level's name (upper case) or its number."""
    value = str(settings.get(name)).strip()
    if value.isdigit() or value in logging.getLevelNamesMapping():
        return None
    return "one of CRITICAL, ERROR, WARNING, INFO, DEBUG (upper case), or a level's number"


def time_zone(settings: BaseSettings, name: str) -> str | None:
    try:
        ZoneInfo(str(settings.get(name)))
    except (ZoneInfoNotFoundError, ValueError):
        suggestions = difflib.get_close_matches(str(settings.get(name)), available_timezones(), n=3)
        return "an IANA time zone such as UTC or America/New_York" + (
            f" (did you mean {', '.join(suggestions)}?)" if suggestions else "")
    return None


def is_web_address(text: str) -> bool:
    """An http:// or https:// URL naming a host: what a crawl can start from, or a page came from."""
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def web_address(settings: BaseSettings, name: str) -> str | None:
    return None if is_web_address(str(settings.get(name) or "")) else "an http:// or https:// address"


def text(settings: BaseSettings, name: str) -> str | None:
    return None if str(settings.get(name) or "").strip() else "a non-empty text"


def date_or_nothing(settings: BaseSettings, name: str) -> str | None:
    from extractors.normalize import parse_datetime  # dateparser's import takes a quarter of a second

    value = settings.get(name)
    return None if not value or parse_datetime(str(value)) else 'a date such as 2025-03-10 or "3 days ago"'


def site_paths(settings: BaseSettings, name: str) -> str | None:
    paths = settings.getlist(name)
    return None if all(path.startswith("/") for path in paths) else "a list of paths on the site, each starting with /"


def writable_database(settings: BaseSettings, name: str) -> str | None:
    """The file a crawl writes: a SQLite file (or an empty or missing one) in a folder it may write to."""
    path = Path(str(settings.get(name) or ""))
    if not str(settings.get(name) or "").strip():
        return "the path of a SQLite file"
    if path.is_dir():
        return "a file, not a folder"
    if path.exists():
        with open(path, "rb") as handle:
            header = handle.read(16)
        if header and header != b"SQLite format 3\x00":
            return "a SQLite file (this one is something else)"
        if not os.access(path, os.W_OK):
            return "a file this user may write (this one is read-only)"
    blocking = unwritable(path.absolute().parent)
    return f"a path in a folder this user may write ({blocking} is not)" if blocking else None


def unwritable(folder: Path) -> Path | None:
    """None when the folder can be written in, or made (its nearest existing parent may be written in);
    else the folder or parent in the way."""
    existing = next((parent for parent in [folder, *folder.parents] if parent.exists()), None)
    if existing is None or not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        return existing or folder
    return None


def writable_folder(settings: BaseSettings, name: str) -> str | None:
    """A folder this user may create files in, or one that can be made inside such a folder."""
    path = Path(str(settings.get(name) or ""))
    if not str(settings.get(name) or "").strip():
        return "the path of a folder"
    if path.exists() and not path.is_dir():
        return "a folder, not a file"
    blocking = unwritable(path.absolute())
    return f"a folder this user may write in ({blocking} is not)" if blocking else None


RULES: dict[str, Check] = {
    "POTUS_SITE": one_of(*PROFILES),
    "POTUS_BASE_URL": web_address,
    "POTUS_DB": writable_database,
    "POTUS_TIMEZONE": time_zone,
    "POTUS_CONTACT": text,
    "POTUS_FULL": flag,
    "POTUS_RECHECK_SINCE": date_or_nothing,
    "POTUS_RECHECK_DAYS": number(0),
    "POTUS_RECHECK_MINUTES": number(0),
    "POTUS_STOP_AFTER_KNOWN_PAGES": whole(1),
    "POTUS_FEEDS": site_paths,
    "POTUS_SITEMAPS": site_paths,
    "POTUS_EXTRACTION_WORKERS": whole(0, 64),
    "POTUS_EXTRACTION_TIMEOUT": number(0, above=True),
    "POTUS_EXTRACTION_BACKLOG": whole(0),
    "POTUS_RETRY_AFTER_MAX": number(0),
    "POTUS_WARC": flag,
    "POTUS_WARC_DIR": writable_folder,
    "POTUS_WARC_MAX_MB": number(0, above=True),
    "POTUS_WARC_KEEP_DAYS": number(0),
    "POTUS_MONITOR_RUNS": whole(1),
    "POTUS_MONITOR_MAX_DROP": number(0, above=True, maximum=1),
    "POTUS_MONITOR_MIN_ARTICLES": whole(0),
    "POTUS_PROGRESS": one_of("line", "log", "off"),
    "POTUS_PROGRESS_SECONDS": number(0, above=True),
    "CONCURRENT_REQUESTS": whole(1),
    "CONCURRENT_REQUESTS_PER_DOMAIN": whole(1),
    "CONCURRENT_ITEMS": whole(1),
    "DOWNLOAD_DELAY": number(0),
    "DOWNLOAD_TIMEOUT": number(0, above=True),
    "DOWNLOAD_MAXSIZE": whole(0),
    "DOWNLOAD_WARNSIZE": whole(0),
    "RETRY_TIMES": whole(0),
    "AUTOTHROTTLE_ENABLED": flag,
    "AUTOTHROTTLE_START_DELAY": number(0),
    "AUTOTHROTTLE_MAX_DELAY": number(0),
    "AUTOTHROTTLE_TARGET_CONCURRENCY": number(0, above=True),
    "ROBOTSTXT_OBEY": flag,
    "HTTPCACHE_ENABLED": flag,
    "HTTPCACHE_EXPIRATION_SECS": number(0),
    "CLOSESPIDER_TIMEOUT": number(0),
    "CLOSESPIDER_ITEMCOUNT": whole(0),
    "CLOSESPIDER_PAGECOUNT": whole(0),
    "CLOSESPIDER_ERRORCOUNT": whole(0),
    "LOG_LEVEL": log_level,
    "STATS_DUMP": flag,
}
#: Project settings that need no check: paths and templates a developer sets in settings.py.
UNCHECKED = {"POTUS_SEEDS", "POTUS_USER_AGENT"}


def check_settings(settings: BaseSettings) -> None:
    """Raise BadSetting for the first setting whose value is not allowed, or an unknown POTUS_ name."""
    for name in settings:
        if name.startswith("POTUS_") and name not in RULES and name not in UNCHECKED:
            known = difflib.get_close_matches(name, [*RULES, *UNCHECKED], n=1)
            raise BadSetting(name, settings.get(name), "no such setting" + (f" (did you mean {known[0]}?)" if known
                                                                            else ""))
    for name, check in RULES.items():
        if settings.get(name) is None:
            continue
        allowed = check(settings, name)
        if allowed:
            raise BadSetting(name, settings.get(name), allowed)
