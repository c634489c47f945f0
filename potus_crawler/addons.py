"""Scrapy add-ons: settings derived from other settings, before the crawl freezes them."""

from __future__ import annotations

from extractors.profiles import SiteProfile
from extractors.sites import DEFAULT_PROFILE, PROFILES


def site_settings(profile: SiteProfile) -> dict:
    """The settings whose defaults are the site profile's, with its values."""
    return {"POTUS_BASE_URL": profile.base_url, "POTUS_TIMEZONE": profile.timezone,
            "POTUS_SEEDS": str(profile.seeds) if profile.seeds else None,
            "POTUS_FEEDS": list(profile.feeds), "POTUS_SITEMAPS": list(profile.sitemaps)}


class SiteProfileDefaults:
    """The site settings left at their defaults (``settings.py``: the default profile's values) take
    the values of the profile ``POTUS_SITE`` names; one given on the command line stays as given."""

    def update_settings(self, settings) -> None:
        # Imported here: settings.py imports this module, and the command line reads settings.py for its defaults.
        from scrapy.settings import SETTINGS_PRIORITIES

        # An unknown name is left to check_settings, which names it with the profiles there are.
        chosen = PROFILES.get(str(settings.get("POTUS_SITE")))
        if chosen is None or chosen is DEFAULT_PROFILE:
            return
        defaults = site_settings(DEFAULT_PROFILE)
        for name, value in site_settings(chosen).items():
            if settings.get(name) == defaults[name] and settings.getpriority(name) <= SETTINGS_PRIORITIES["project"]:
                settings.set(name, value, priority="project")


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
