"""Scrapy settings for potus_crawler; the only module that reads the environment.

Project settings (override with ``-s NAME=value``):

- ``POTUS_SITE``: the site profile (``extractors.sites``): ``potusnews`` (default) or ``wordpress``
  (any WordPress site, by the generic path). What the crawl knows of the site is the profile's;
  the settings marked "(profile)" default to its values.
- ``POTUS_BASE_URL`` (profile): the site to crawl (env ``POTUS_BASE_URL``); spider argument ``base_url`` wins.
- ``POTUS_DB``: the SQLite file to write (env ``POTUS_DB``).
- ``POTUS_SEEDS`` (profile): file of category start URLs, one per line, ``#`` comments; spider
  argument ``seeds`` wins. The profile's ships with the package.
- ``POTUS_TIMEZONE`` (profile): the site's zone, for dates a page gives without an offset.
- ``POTUS_CONTACT``: how a site owner reaches whoever runs the crawl; goes in the User-Agent.

Incremental crawls (``potus-crawler crawl --full`` / ``--since`` set the first and second):

- ``POTUS_FULL``: walk every listing page and re-check every stored article (default off).
- ``POTUS_RECHECK_SINCE``: re-check stored articles published since this date (ISO 8601);
  default: the last ``POTUS_RECHECK_DAYS`` days.
- ``POTUS_RECHECK_MINUTES``: an article checked less than this long ago is not checked again.
- ``POTUS_STOP_AFTER_KNOWN_PAGES``: a listing walked to its end once stops after this many
  consecutive pages holding only stored articles; the margin for pages shifting under new posts.
- ``POTUS_FEEDS``, ``POTUS_SITEMAPS`` (profile): paths of the site's feeds (each seed category's feed
  is added) and of its sitemap indexes (the first one present is read).

Extraction (``potus_crawler.extraction``): a thread of the crawler's process parses article and listing
pages while fewer than ``POTUS_EXTRACTION_BACKLOG`` wait for it (0: never; an unthrottled crawl, with
no ``DOWNLOAD_DELAY`` and no AutoThrottle, takes 0 unless the setting is given); beyond that, up to
``POTUS_EXTRACTION_WORKERS`` processes do (default: one per core; 0 parses in the reactor's own thread),
stopped again once idle; a page taking over ``POTUS_EXTRACTION_TIMEOUT`` seconds is given up and
recorded as a failure.

Retries: ``POTUS_RETRY_AFTER_MAX`` is the longest ``Retry-After`` (seconds) a retry waits for;
a page asking for more is given up in this crawl (recorded as a failure) and retried by the next.

Archive (``potus_crawler.capture``, ``potus_crawler.archive``): every response is kept as WARC records.

- ``POTUS_WARC``: 1 (default) archives every response; 0 none.
- ``POTUS_WARC_DIR``: the archive folder (env ``POTUS_WARC_DIR``); default ``warc/`` beside ``POTUS_DB``.
- ``POTUS_WARC_MAX_MB``: a WARC file past this size is closed and the next one begun.
- ``POTUS_WARC_KEEP_DAYS``: when set, a crawl that finishes deletes the archive files older than this
  many days in which no article's latest record lives (``potus-crawler archive prune`` does it on demand);
  unset (default), every file is kept.

Monitoring (``potus_crawler.monitor``): a run whose site rules' share of the articles, any field's
fill rate or median body length falls more than ``POTUS_MONITOR_MAX_DROP`` below the median of the
last ``POTUS_MONITOR_RUNS`` healthy runs is unhealthy; runs extracting fewer than
``POTUS_MONITOR_MIN_ARTICLES`` articles are too small to judge.
"""

import os

from extractors.sites import DEFAULT_PROFILE
from potus_crawler import __version__
from potus_crawler.addons import site_settings

BOT_NAME = "potus_crawler"
SPIDER_MODULES = ["potus_crawler.spiders"]
NEWSPIDER_MODULE = "potus_crawler.spiders"

POTUS_SITE = os.environ.get("POTUS_SITE", DEFAULT_PROFILE.name)
# The default profile's values; the SiteProfileDefaults add-on replaces them with POTUS_SITE's.
_site = site_settings(DEFAULT_PROFILE)
POTUS_BASE_URL = os.environ.get("POTUS_BASE_URL", _site["POTUS_BASE_URL"])
POTUS_DB = os.environ.get("POTUS_DB", "data/potus.db")
POTUS_SEEDS = os.environ.get("POTUS_SEEDS", _site["POTUS_SEEDS"])
POTUS_TIMEZONE = os.environ.get("POTUS_TIMEZONE", _site["POTUS_TIMEZONE"])
#: Warned about on a crawl of anything but loopback: the site's owner should reach whoever runs it.
DEFAULT_CONTACT = "https://github.com/potus-crawler"
POTUS_CONTACT = os.environ.get("POTUS_CONTACT", DEFAULT_CONTACT)

POTUS_FULL = False
POTUS_RECHECK_SINCE = None
POTUS_RECHECK_DAYS = 3
POTUS_RECHECK_MINUTES = 30
POTUS_STOP_AFTER_KNOWN_PAGES = 1
POTUS_FEEDS = _site["POTUS_FEEDS"]
POTUS_SITEMAPS = _site["POTUS_SITEMAPS"]

POTUS_EXTRACTION_WORKERS = os.cpu_count() or 1
POTUS_EXTRACTION_TIMEOUT = 120
POTUS_EXTRACTION_BACKLOG = 4

POTUS_RETRY_AFTER_MAX = 60

POTUS_WARC = True
POTUS_WARC_DIR = os.environ.get("POTUS_WARC_DIR")
POTUS_WARC_MAX_MB = 100
POTUS_WARC_KEEP_DAYS = None

POTUS_MONITOR_RUNS = 10
POTUS_MONITOR_MAX_DROP = 0.5
POTUS_MONITOR_MIN_ARTICLES = 10

# Politeness: a site we do not own, crawled unattended.
# Filled in with POTUS_CONTACT by the ContactUserAgent add-on, so -s POTUS_CONTACT=... counts too.
POTUS_USER_AGENT = f"potus-crawler/{__version__} (+{{contact}})"
# robots.txt rules are read for this name, the product token of the User-Agent.
ROBOTSTXT_USER_AGENT = "potus-crawler"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_TIMEOUT = 30
# Scrapy starts this many tasks for the output of every callback; our pipelines write one item at a
# time, so the default 100 only costs the reactor (measured: 86 -> 104 articles/s end to end).
CONCURRENT_ITEMS = 8
RETRY_TIMES = 3
# Article pages are 60-120 KB; anything far larger is not one of them.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024

# Development: -s HTTPCACHE_ENABLED=1 replays pages from .scrapy/httpcache. Re-checks bypass it
# (a cached 200 is no answer to "has it changed?"), and a 304 is never cached.
HTTPCACHE_ENABLED = False
HTTPCACHE_IGNORE_HTTP_CODES = [304]
HTTPCACHE_EXPIRATION_SECS = 0
HTTPCACHE_DIR = "httpcache"

# Scrapy's retry and redirect middlewares replaced in their places, and one added, so that what
# Scrapy does quietly is accounted for; its meta refresh one so that not every page is decoded in the
# reactor's thread to look for one (potus_crawler/middlewares.py).
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "potus_crawler.middlewares.RetryAfterMiddleware": 550,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "potus_crawler.middlewares.ReportedRedirectMiddleware": 600,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "potus_crawler.middlewares.CheapMetaRefreshMiddleware": 580,
    "potus_crawler.middlewares.SizeLimitReasonMiddleware": 950,
    # Next to the downloader: each response as it arrived, before retries, redirects and decompression.
    "potus_crawler.capture.ArchiveMiddleware": 960,
}

ITEM_PIPELINES = {
    "potus_crawler.pipelines.normalize.NormalizePipeline": 100,
    "potus_crawler.pipelines.validate.ValidatePipeline": 200,
    "potus_crawler.pipelines.store.SQLiteStorePipeline": 800,
}
ADDONS = {
    "potus_crawler.addons.SiteProfileDefaults": 0,
    "potus_crawler.addons.ContactUserAgent": 0,
    "potus_crawler.addons.StatsDumpAtDebug": 0,
}
EXTENSIONS = {
    "potus_crawler.writer.CrawlDatabase": 300,
    "potus_crawler.capture.WebArchive": 350,
    "potus_crawler.extraction.ExtractionPool": 400,
    "potus_crawler.extensions.CrawlRunRecorder": 500,
    "potus_crawler.progress.CrawlProgress": 510,
}
# potus-crawler crawl sets it by its standard error (potus_crawler/progress.py); scrapy crawl has LogStats.
POTUS_PROGRESS = "off"
POTUS_PROGRESS_SECONDS = 60

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

# Extraction awaits worker processes through asyncio.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

# Unattended runs listen on no port.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
