"""The ``potus-crawler`` command: crawl the site (the cron entry), extract one page, or run the demo.

Exit codes of ``crawl``: 0 the crawl finished, 1 it ended early or failed, 3 it finished but found
no article at all (the site is down or changed its layout), 75 another crawl of the same database
is running (EX_TEMPFAIL: cron may simply try again next time).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from extractors import ExtractionError, extract
from potus_crawler import settings as project_settings

EXIT_OK, EXIT_FAILED, EXIT_NO_ARTICLES, EXIT_LOCKED = 0, 1, 3, 75
DEMO_DB = "data/demo.db"
#: The demo site is on loopback: no politeness delays, and our own summary instead of Scrapy's log.
DEMO_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "LOG_LEVEL": "WARNING",
}


def run_crawl(base_url: str, db_path: str, settings: dict | None = None) -> dict:
    """Run the ``potus`` spider in this process; returns its Scrapy stats."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    crawl_settings = Settings()
    crawl_settings.setmodule("potus_crawler.settings", priority="project")
    crawl_settings.setdict({**(settings or {}), "POTUS_DB": db_path}, priority="cmdline")
    process = CrawlerProcess(crawl_settings)
    crawler = process.create_crawler("potus")
    process.crawl(crawler, base_url=base_url)
    process.start()
    return crawler.stats.get_stats()


def crawl_counts(stats: dict) -> str:
    """What a crawl did, in the words both the cron and the demo summaries use."""
    return (f"{stats.get('downloader/response_count', 0)} pages fetched, {stats.get('potus/articles_new', 0)} "
            f"articles new, {stats.get('potus/articles_updated', 0)} updated, {stats.get('potus/failures', 0)} failures")


def setting_pair(text: str) -> tuple[str, str]:
    name, separator, value = text.partition("=")
    if not separator or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name, value


def command_crawl(args: argparse.Namespace) -> int:
    from potus_crawler.lock import AlreadyRunning, crawl_lock

    started = time.monotonic()
    try:
        with crawl_lock(args.db):
            stats = run_crawl(args.base_url, args.db, dict(args.set))
    except AlreadyRunning as busy:
        print(f"potus-crawler crawl: not started: {busy}", file=sys.stderr)
        return EXIT_LOCKED
    reason = stats.get("finish_reason")
    print(f"crawl {reason} in {time.monotonic() - started:.1f} s: {crawl_counts(stats)} "
          f"(run {stats.get('potus/run_id')} in {args.db})")
    if reason != "finished":
        return EXIT_FAILED
    if not stats.get("potus/articles_new", 0) + stats.get("potus/articles_updated", 0):
        print("potus-crawler crawl: no article found: is the site down, or has its layout changed?", file=sys.stderr)
        return EXIT_NO_ARTICLES
    return EXIT_OK


def command_extract(args: argparse.Namespace) -> int:
    try:
        record = extract(Path(args.file).read_bytes(), args.url)
    except ExtractionError as error:
        print(f"{args.file}: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print(json.dumps(record.as_dict(), ensure_ascii=False, indent=2))
    return 0


def command_demo(args: argparse.Namespace) -> int:
    from potus_crawler.demo import demo_site
    from potus_crawler.storage import ArticleStore

    started = time.monotonic()
    with demo_site() as site:
        print(f"Demo site with {len(site.content.articles)} articles served at {site.base_url}")
        stats = run_crawl(site.base_url, args.db, DEMO_SETTINGS)
        expected = site.expected_records
    seconds = time.monotonic() - started

    store = ArticleStore(args.db)
    stored = {url: store.load_record(url) for url in expected}
    missing = [url for url, record in stored.items() if record is None]
    differing = [url for url, record in stored.items() if record is not None and record != expected[url]]
    print(f"Crawled into {args.db} in {seconds:.1f} s: {crawl_counts(stats)}")
    print(f"Articles stored: {len(store.article_urls())} "
          f"({len(expected) - len(missing) - len(differing)}/{len(expected)} equal to their expected record)")
    print("Per primary category:")
    for category, count in store.articles_per_category():
        print(f"  {count:4d}  {category}")
    print("Fields filled:")
    for field, rate in store.fill_rates().items():
        print(f"  {rate:6.1%}  {field}")
    for url in missing:
        print(f"MISSING {url}", file=sys.stderr)
    for url in differing:
        fields = sorted(k for k in expected[url] if stored[url].get(k) != expected[url][k])
        print(f"DIFFERS {url}: {', '.join(fields)}", file=sys.stderr)
    store.close()
    return 1 if missing or differing or stats.get("potus/failures") else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="potus-crawler", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    crawl_parser = commands.add_parser("crawl", help="crawl the site into the database (one run at a time)")
    crawl_parser.add_argument("--db", default=project_settings.POTUS_DB,
                              help=f"SQLite file to write (default: setting POTUS_DB, now {project_settings.POTUS_DB})")
    crawl_parser.add_argument("--base-url", default=None, help="site to crawl (default: setting POTUS_BASE_URL)")
    crawl_parser.add_argument("-s", "--set", type=setting_pair, action="append", default=[], metavar="NAME=VALUE",
                              help="a Scrapy setting, as with scrapy crawl -s (repeatable)")
    crawl_parser.set_defaults(handler=command_crawl)

    extract_parser = commands.add_parser("extract", help="print the article record of one stored HTML page as JSON")
    extract_parser.add_argument("file", help="an HTML file")
    extract_parser.add_argument("--url", required=True, help="the URL the page was fetched from")
    extract_parser.set_defaults(handler=command_extract)

    demo_parser = commands.add_parser("demo", help="serve the offline demo site on loopback and crawl it")
    demo_parser.add_argument("--db", default=DEMO_DB, help=f"SQLite file to write (default {DEMO_DB})")
    demo_parser.set_defaults(handler=command_demo)

    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
