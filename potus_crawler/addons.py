"""Scrapy add-ons: settings derived from other settings, before the crawl freezes them."""

from __future__ import annotations


class ContactUserAgent:
    """The User-Agent names ``POTUS_CONTACT`` as given for this crawl (``-s`` included), not as at import.

    A ``USER_AGENT`` given explicitly (``-s USER_AGENT=...``) outranks the add-on and stays.
    """

    def update_settings(self, settings) -> None:
        settings.set("USER_AGENT", settings["POTUS_USER_AGENT"].format(contact=settings["POTUS_CONTACT"]),
                     priority="addon")


class StatsDumpAtDebug:
    """Scrapy's dump of every stat (some 50 lines at the end of each crawl) only when debugging:
    ``crawl_runs`` keeps the figures that matter, and the command prints its summary. An explicit
    ``-s STATS_DUMP=1`` outranks the add-on."""

    def update_settings(self, settings) -> None:
        if str(settings.get("LOG_LEVEL")).upper() != "DEBUG":
            settings.set("STATS_DUMP", False, priority="addon")
