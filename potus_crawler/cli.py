"""The ``potus-crawler`` command: crawl the site (the cron entry), extract one page, run the demo, and the
analysts' commands that read the database (stats, search, export, serve, report).

The exit codes are listed in ``EXIT_CODES_HELP``, the epilog of ``--help``. An analyst's command
reports bad input (a missing, empty, damaged or foreign database, an output it cannot write) and a
locked database in one line on standard error, prefixed ``potus-crawler COMMAND:``, never a traceback.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import signal
import sqlite3
import sys
import time
from contextlib import ExitStack, closing
from datetime import datetime, timezone
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

# Only what every command needs is imported here; Scrapy, the extractors (trafilatura, lxml, dateparser),
# the demo and the database layer (sqlite-utils, which imports numpy) are imported by the commands
# that use them, so that --help and the analysts' commands start fast.
from potus_crawler import __version__, shutdown
from potus_crawler import settings as project_settings
from potus_crawler.db_errors import DatabaseLocked, DatabaseMissing, OutdatedSchema, UnreadableDatabase, read_error
from potus_crawler.lock import AlreadyRunning, crawl_lock
from potus_crawler.logs import tracebacks_in_one_line
from potus_crawler.output import OutputUnwritable
from potus_crawler.setting_checks import BadSetting, is_web_address
from potus_crawler.shutdown import crawl_escalation, exit_code

if TYPE_CHECKING:
    from scrapy.settings import Settings

    from potus_crawler.storage import ArticleStore

EXIT_OK, EXIT_FAILED, EXIT_NO_ARTICLES, EXIT_UNHEALTHY, EXIT_LOCKED = 0, 1, 3, 4, 75
#: A command given what it cannot use (a bad option or setting, a database or an output it cannot use):
#: the code argparse exits with on a bad option. A locked database is EXIT_LOCKED: a later try may succeed.
EXIT_USAGE = 2
DESCRIPTION = ("Crawl POTUS News into a SQLite database, and read it: counts, full-text search,\n"
               "exports, Datasette, an HTML report.")
EXIT_CODES_HELP = """\
exit codes:
  crawl     0 finished and healthy; 1 ended early or failed; 2 a bad option or setting (nothing
            done); 3 found no article at all (the site is down or changed its layout); 4 a figure
            fell far below the recent runs' (the message names it); 75 another crawl of the
            database is running (try again later); 130, 143 stopped by SIGINT (Ctrl-C), SIGTERM
  reextract 0 done (every selected article with an archived page extracted again); 2 a bad option or
            setting, a database it cannot use; 3 no selected article has an
            archived page; 4 archived records were missing or unreadable (counted, named); 75 a crawl
            of the database is running; 130, 143 stopped by SIGINT (Ctrl-C), SIGTERM
  demo      0 every article stored as expected; 1 not; 2 a bad option or setting; 130, 143 stopped
  stats, search, export, serve, report
            0 done; 1 search found no article; 2 bad input: a bad option, a database that is
            missing, empty, damaged or another program's, an output that cannot be written;
            75 another process holds a lock on the database (try again later)
  archive   0 done (verify: the archive is sound); 1 verify found problems; 2 bad input, as above"""
DEMO_DB = "data/demo.db"
#: Where the commands ``demo --serve`` suggests write: not DEMO_DB, which each demo run clears.
SERVED_DEMO_DB = "data/demo-served.db"
DEMO_PORT = 8765
#: The keys of ``potus_crawler.demo.build.THEMES``, named here: importing the demo takes longer than --help may.
DEMO_THEMES = ("block", "smartmag")
#: ``potus_crawler.export.FORMATS``, named here for the same reason.
EXPORT_FORMATS = ("jsonl", "csv")
#: The demo site is on loopback: no politeness delays, and our own summary instead of Scrapy's log.
DEMO_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "LOG_LEVEL": "WARNING",
}


@dataclass
class CrawlOutcome:
    stats: dict
    #: The first SIGINT or SIGTERM that stopped the crawl, None when it ran to its end.
    signal: int | None

    @property
    def interrupted(self) -> bool:
        return self.signal is not None


def crawl_settings(overrides: dict) -> Settings:
    """The project's settings with the command line's on top, as ``scrapy crawl -s`` would give them."""
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("potus_crawler.settings", priority="project")
    settings.setdict(overrides, priority="cmdline")
    return settings


def run_crawl(settings: Settings) -> CrawlOutcome:
    """Run the ``potus`` spider in this process, stopped as ``potus_crawler.shutdown`` says on a signal."""
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    from potus_crawler import stat_keys
    from potus_crawler.storage import ArticleStore

    process = CrawlerProcess(settings)
    crawler = process.create_crawler("potus")

    def shorten_tracebacks() -> None:
        tracebacks_in_one_line(settings["LOG_LEVEL"])

    # Once the spider opens: Scrapy replaces the root log handler while it starts the crawl.
    crawler.signals.connect(shorten_tracebacks, signal=signals.spider_opened)
    shutdown.STOPPED_AT_ONCE.clear()
    on_signals = crawl_escalation(process)
    # Ours instead of Scrapy's, from before the reactor starts: a signal while it starts stops it too.
    previous_handlers = on_signals.install()
    failures = []
    try:
        # A spider that cannot start (a bad seeds file) fails this Deferred; it is raised once the reactor is down.
        process.crawl(crawler).addErrback(failures.append)
        process.start(install_signal_handlers=False)
    finally:
        # After the crawl a signal ends the command as usual, not a crawl that is over.
        on_signals.uninstall(previous_handlers)
        close_database(crawler)
    for failure in failures:
        failure.raiseException()
    stats = crawler.stats.get_stats()
    if on_signals.interrupted_at_once and stats.get(stat_keys.RUN_ID):
        # Stopped at once: the run recorder never saw the spider close.
        try:
            with closing(ArticleStore(settings["POTUS_DB"])) as store:
                store.finish_run(stats[stat_keys.RUN_ID], "interrupted", finish_reason="stopped at once",
                                 problems=f"stopped at once by a second {signal.Signals(on_signals.first_signal).name}")
        except sqlite3.Error as error:
            # The next crawl marks a run left running as interrupted all the same.
            print(f"potus-crawler: the run could not be marked interrupted now ({error})", file=sys.stderr)
    # A signal that came once the spider had closed on its own interrupted nothing.
    interrupted = on_signals.interrupted_at_once or stats.get("finish_reason") == "shutdown"
    return CrawlOutcome(stats, on_signals.first_signal if interrupted else None)


def close_database(crawler) -> None:
    """Close the crawl's database if the engine never stopped to close it (the spider failed to open)."""
    from potus_crawler.writer import CrawlDatabase

    try:
        database = crawler.get_extension(CrawlDatabase)
    except RuntimeError:  # the crawl ended before its extensions were built
        return
    if database is not None:
        database.close()


def checked_settings(overrides: dict) -> Settings:
    """The crawl's settings, every one checked: ``BadSetting`` names the first one not allowed."""
    from potus_crawler.setting_checks import check_settings

    settings = crawl_settings(overrides)
    check_settings(settings)
    return settings


def crawl_counts(stats: dict) -> str:
    """What a crawl did, in the words both the cron and the demo summaries use."""
    from potus_crawler import stat_keys
    from potus_crawler.storage import CHANGED, NEW, UNCHANGED

    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(
        (key.removeprefix(stat_keys.RESPONSES_BY_KIND_PREFIX), n) for key, n in stats.items() if key.startswith(stat_keys.RESPONSES_BY_KIND_PREFIX)))
    return (f"{stats.get('downloader/request_count', 0)} requests ({kinds}); articles: "
            + ", ".join(f"{stats.get(key, 0)} {name}" for name, key in (
                ("new", stat_keys.ARTICLE_OUTCOMES[NEW]), ("updated", stat_keys.ARTICLE_OUTCOMES[CHANGED]),
                ("unchanged", stat_keys.ARTICLE_OUTCOMES[UNCHANGED]), ("gone", stat_keys.ARTICLES_GONE), ("failed", stat_keys.FAILURES))))


def setting_pair(text: str) -> tuple[str, str]:
    name, separator, value = text.partition("=")
    if not separator or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name, value


def whole_number(low: int, high: int | None = None):
    """An argparse type: a whole number from ``low`` (to ``high``); ``--limit 0`` would look like "no article
    matches", ``--limit -1`` like no limit at all, a port past 65535 like a typo."""
    def parse(text: str) -> int:
        try:
            number = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if number < low:
            raise argparse.ArgumentTypeError(f"at least {low}, got {number}")
        if high is not None and number > high:
            raise argparse.ArgumentTypeError(f"at most {high}, got {number}")
        return number

    return parse


def web_address(text: str) -> str:
    if not is_web_address(text):
        raise argparse.ArgumentTypeError(f"not an http:// or https:// address: {text!r}")
    return text


def file_path(text: str) -> str:
    """``--db``, ``--out``: an empty path names no file (and SQLite would take it for a temporary database)."""
    if not text:
        raise argparse.ArgumentTypeError("an empty path names no file")
    return text


def since_date(text: str) -> str:
    """``--since``: any date dateparser reads ("2025-03-10", "3 days ago"), as ISO 8601 in UTC."""
    from extractors.normalize import parse_datetime

    moment = parse_datetime(text)
    if moment is None:
        raise argparse.ArgumentTypeError(f"not a date: {text!r}")
    return moment.isoformat()


def command_crawl(args: argparse.Namespace) -> int:
    from potus_crawler import stat_keys
    from potus_crawler.storage import ArticleStore

    overrides = {"LOG_LEVEL": "ERROR" if args.quiet else "INFO" if args.verbose else "WARNING",
                 "POTUS_PROGRESS": "off" if args.quiet else "line" if sys.stderr.isatty() else "log",
                 **dict(args.set), "POTUS_DB": args.db}
    if args.base_url:
        overrides["POTUS_BASE_URL"] = args.base_url
    if args.full:
        overrides["POTUS_FULL"] = True
    if args.since:
        overrides["POTUS_RECHECK_SINCE"] = args.since
    settings = checked_settings(overrides)
    started = time.monotonic()
    try:
        with crawl_lock(args.db):
            try:
                store = ArticleStore(args.db)
            except sqlite3.DatabaseError as error:
                raise read_error(args.db, error) from None
            interrupted = store.mark_interrupted_runs()
            store.close()
            if interrupted:
                print(f"potus-crawler crawl: {interrupted} earlier run(s) had died; this one picks up after them")
            outcome = run_crawl(settings)
    except AlreadyRunning as busy:
        print(f"potus-crawler crawl: not started: {busy}", file=sys.stderr)
        return EXIT_LOCKED
    stats = outcome.stats
    ended = (f"interrupted by {signal.Signals(outcome.signal).name}" if outcome.interrupted
             else stats.get("finish_reason"))
    print(f"crawl {ended} after {time.monotonic() - started:.1f} s: {crawl_counts(stats)} "
          f"(run {stats.get(stat_keys.RUN_ID)} in {args.db})")
    if outcome.interrupted:
        return exit_code(outcome.signal)
    for problem in stats.get(stat_keys.PROBLEMS, []):
        print(f"potus-crawler crawl: {problem}", file=sys.stderr)
    if stats.get("finish_reason") != "finished":
        return EXIT_FAILED
    if not stats.get(stat_keys.ARTICLES_FOUND):
        return EXIT_NO_ARTICLES
    return EXIT_UNHEALTHY if stats.get(stat_keys.PROBLEMS) else EXIT_OK


def command_extract(args: argparse.Namespace) -> int:
    if args.file is None:
        return extract_archived_page(args)
    from extractors import ExtractionError, extract

    try:
        page = Path(args.file).read_bytes()
    except OSError as error:
        print(f"potus-crawler extract: cannot read {args.file}: {error.strerror}", file=sys.stderr)
        return EXIT_USAGE
    try:
        record = extract(page, args.url)
    except ExtractionError as error:
        print(f"{args.file}: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print(json.dumps(record.as_dict(), ensure_ascii=False, indent=2))
    return 0


def clear_demo_database(path: Path) -> None:
    """Each demo starts empty: its site's URLs carry a new port each time, so old rows would only add up.

    Refuses a database holding anything but loopback URLs: that is somebody's real crawl.
    """
    from potus_crawler.storage import read_only_connection

    if not path.exists():
        return
    # Read-only: opening it as a store would migrate somebody's database before refusing to touch it.
    with closing(read_only_connection(path)) as connection:
        try:
            foreign = connection.execute(
                "select count(*) from articles where url not like 'http://127.0.0.1:%'").fetchone()[0]
        except sqlite3.DatabaseError as error:
            raise SystemExit(f"potus-crawler demo: {path} is no demo database ({error}); give the demo another --db")
    if foreign:
        raise SystemExit(f"potus-crawler demo: {path} holds {foreign} articles of a real site; "
                         "give the demo another --db")
    from potus_crawler.archive_hygiene import delete_listed_files

    delete_listed_files(path)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def command_demo(args: argparse.Namespace) -> int:
    if args.serve:
        return serve_demo(args)
    from potus_crawler import stat_keys
    from potus_crawler.demo import demo_site
    from potus_crawler.monitor import stored_fill_rates
    from potus_crawler.storage import ArticleStore

    settings = checked_settings({**DEMO_SETTINGS, **dict(args.set), "POTUS_DB": args.db})
    clear_demo_database(Path(args.db))
    started = time.monotonic()
    with demo_site(theme=args.theme) as site:
        print(f"Demo site with {len(site.content.articles)} articles served at {site.base_url}")
        settings.set("POTUS_BASE_URL", site.base_url, priority="cmdline")
        outcome = run_crawl(settings)
        expected = site.expected_records
    seconds = time.monotonic() - started
    stats = outcome.stats
    if outcome.interrupted:
        print(f"Demo interrupted by {signal.Signals(outcome.signal).name} after {seconds:.1f} s: "
              f"{crawl_counts(stats)}; what was stored is in {args.db}")
        return exit_code(outcome.signal)

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
    print_fill_rates(stored_fill_rates(store.db))
    for url in missing:
        print(f"MISSING {url}", file=sys.stderr)
    for url in differing:
        fields = sorted(k for k in expected[url] if stored[url].get(k) != expected[url][k])
        print(f"DIFFERS {url}: {', '.join(fields)}", file=sys.stderr)
    store.close()
    return 1 if missing or differing or stats.get(stat_keys.FAILURES) else 0


def installed_command(name: str) -> str:
    """How to run one of this environment's commands from the current folder (``.venv/bin/scrapy``)."""
    path = Path(sys.executable).parent / name
    return str(path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path)


def serve_demo(args: argparse.Namespace) -> int:
    """``demo --serve``: the demo site on loopback until Ctrl-C, for trying crawls by hand."""
    from potus_crawler.demo import demo_site

    with ExitStack() as stack:
        try:
            site = stack.enter_context(demo_site(args.port, theme=args.theme))
        except OSError as error:
            print(f"potus-crawler demo: cannot serve on 127.0.0.1:{args.port}: {error.strerror}", file=sys.stderr)
            return EXIT_USAGE
        fast = "-s AUTOTHROTTLE_ENABLED=0 -s DOWNLOAD_DELAY=0"
        print(f"Demo site with {len(site.content.articles)} articles served at {site.base_url}/\n"
              "Crawl it with either of (scrapy from the project folder, which holds scrapy.cfg):\n"
              f"  {installed_command('potus-crawler')} crawl --base-url {site.base_url} --db {SERVED_DEMO_DB} {fast}\n"
              f"  {installed_command('scrapy')} crawl potus -a base_url={site.base_url} -s POTUS_DB={SERVED_DEMO_DB} {fast}",
              flush=True)
        try:
            if args.changes:
                print("Press Enter to publish the demo's changes (3 new posts, 1 edited, 1 removed), then crawl "
                      "again to see them; Ctrl-C stops.", flush=True)
                if sys.stdin.readline():
                    site.apply_changes(datetime.now(timezone.utc))
                    print("Changes published.", flush=True)
            else:
                print("Ctrl-C stops.", flush=True)
            signal.pause()
        except KeyboardInterrupt:
            print("Demo site stopped.", flush=True)
    return EXIT_OK


def open_existing(path: str) -> ArticleStore:
    """The crawl database at ``path``, read-only; never a new empty one by mistake. One written by an older
    version is upgraded in place first, as the next crawl would: the one time reading writes.

    Raises what ``ArticleStore.for_reading`` raises, a missing database's message saying what to do.
    """
    from potus_crawler.storage import ArticleStore

    try:
        return ArticleStore.for_reading(path)
    except DatabaseMissing as missing:
        # Right after `potus-crawler demo`, the only database there is the demo's.
        hint = (f"give --db {DEMO_DB} for the demo's, or run a crawl first"
                if path == project_settings.POTUS_DB and Path(DEMO_DB).is_file() else "run a crawl first, or give --db")
        raise DatabaseMissing(f"{missing} ({hint})") from None
    except OutdatedSchema:
        try:
            ArticleStore(path).close()
        except sqlite3.DatabaseError as error:
            failure = read_error(path, error)
            if isinstance(failure, DatabaseLocked):
                raise failure from None
            raise UnreadableDatabase(f"{path} was written by an older version and cannot be upgraded here "
                                     f"({error}): the next crawl upgrades it") from None
    return ArticleStore.for_reading(path)


def reads_database(command):
    """An analyst's command reading ``args.db``: a SQLite error met half-way through (a damaged page, a lock)
    is reported as the opener reports one."""
    @functools.wraps(command)
    def run(args: argparse.Namespace) -> int:
        try:
            return command(args)
        except sqlite3.DatabaseError as error:
            raise read_error(args.db, error) from None
    return run


@reads_database
def extract_archived_page(args: argparse.Namespace) -> int:
    """``extract --url URL``: the stored article's archived page extracted with the current extractor."""
    from potus_crawler.archive import ArchiveUnreadable
    from potus_crawler.reextract import NotArchived, archived_extraction

    open_existing(args.db).close()
    try:
        extracted, url = archived_extraction(args.db, args.url, checked_settings(dict(args.set)))
    except (NotArchived, ArchiveUnreadable) as missing:
        print(f"potus-crawler extract: {missing}", file=sys.stderr)
        return EXIT_USAGE
    if extracted.error is not None:
        print(f"{url}: {type(extracted.error).__name__}: {extracted.error}", file=sys.stderr)
        return EXIT_FAILED
    print(json.dumps(extracted.record.as_dict(), ensure_ascii=False, indent=2))
    return EXIT_OK


@reads_database
def command_reextract(args: argparse.Namespace) -> int:
    from potus_crawler.reextract import UNREADABLE, Selection, reextract_database

    settings = checked_settings(dict(args.set))
    open_existing(args.db).close()
    progress = "off" if args.quiet else "line" if sys.stderr.isatty() else "log"
    try:
        outcome = reextract_database(args.db, Selection(args.since, args.only_older), settings, progress)
    except AlreadyRunning as busy:
        print(f"potus-crawler reextract: not started: {busy}", file=sys.stderr)
        return EXIT_LOCKED
    print(f"{outcome.summary()} in {args.db}")
    for line in outcome.unreadable:
        print(f"potus-crawler reextract: unreadable: {line}", file=sys.stderr)
    if outcome.signal is not None:
        return exit_code(outcome.signal)
    if outcome.counts[UNREADABLE]:
        return EXIT_UNHEALTHY
    return EXIT_NO_ARTICLES if outcome.nothing_archived else EXIT_OK


def print_fill_rates(rates: dict[str, float | None]) -> None:
    """The stored articles' fill rates, as ``monitor.stored_fill_rates`` gives them (None: no article yet)."""
    print("Fields filled:")
    for field, rate in rates.items():
        print(f"  {'—' if rate is None else f'{rate:.1%}':>6}  {field}")


@reads_database
def command_stats(args: argparse.Namespace) -> int:
    from potus_crawler import queries

    store = open_existing(args.db)
    print(f"{args.db}:")
    # The report's headline figures, so the two never disagree; fill rates and runs in more detail below.
    figures = queries.headline_figures(store.db)
    counts = {name: value for name, value in figures.items() if name not in ("fill_rates", "last_run")}
    for name, value in {**counts, "failures": store.db["failures"].count}.items():
        print(f"  {name.replace('_', ' '):<16} {value}")
    print_fill_rates(figures["fill_rates"])
    print("Last runs:")
    for run in queries.last_runs(store.db):
        print(f"  #{run['id']:<4} {run['started']}  {run['status']:<11} {run['requests'] or 0:>5} requests  "
              f"{run['articles_new'] or 0} new, {run['articles_updated'] or 0} updated, "
              f"{run['articles_unchanged'] or 0} unchanged, {run['articles_gone'] or 0} gone, "
              f"{run['failures'] or 0} failed" + (f"  ({run['problems']})" if run["problems"] else ""))
    store.close()
    return 0


@reads_database
def command_search(args: argparse.Namespace) -> int:
    """Exit code 0 when articles match, 1 when none does, 2 when the terms hold nothing to search for."""
    from potus_crawler import queries

    store = open_existing(args.db)
    try:
        found = queries.search(store.db, args.terms, args.limit)
    except queries.NoSearchableWord as error:
        print(f"potus-crawler search: {error}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        store.close()
    for rank, hit in enumerate(found, 1):
        print(f"{rank:>3}. {hit['title']}  ({(hit['published'] or '')[:10]})\n     {hit['url']}\n     {hit['snippet']}")
    if not found:
        print(f"no article matches {args.terms!r}", file=sys.stderr)
    return 0 if found else 1


@reads_database
def command_export(args: argparse.Namespace) -> int:
    from potus_crawler import export
    from potus_crawler.output import output_file, standard_output

    # The output is opened first: a path that cannot be written fails before the export reads a row.
    with output_file(args.out, args.db) if args.out else standard_output() as out:
        store = open_existing(args.db)
        try:
            count = export.write(store.db, out, args.format, args.since, args.category)
        finally:
            store.close()
    print(f"{count} articles exported" + (f" to {args.out}" if args.out else ""), file=sys.stderr)
    return 0


@reads_database
def command_serve(args: argparse.Namespace) -> int:
    from potus_crawler import browse

    open_existing(args.db).close()
    print(f"Serving {args.db} at http://{args.host}:{args.port}/ (Ctrl-C stops)")
    browse.serve(Path(args.db), args.host, args.port)
    return 0


@reads_database
def command_report(args: argparse.Namespace) -> int:
    from potus_crawler.report import write_report

    open_existing(args.db).close()
    figures = write_report(args.db, args.out)
    scalars = ", ".join(f"{value} {name}" for name, value in figures.items() if isinstance(value, int))
    print(f"Report of {args.db} written to {args.out}: {scalars}; published {figures['first_published']} "
          f"to {figures['last_published']}")
    return 0


@reads_database
def command_archive(args: argparse.Namespace) -> int:
    from potus_crawler import archive_hygiene

    return archive_hygiene.command_archive(args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="potus-crawler", description=DESCRIPTION, epilog=EXIT_CODES_HELP,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"potus-crawler {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    crawl_parser = commands.add_parser("crawl", help="crawl the site into the database (one run at a time)")
    crawl_parser.add_argument("--db", default=project_settings.POTUS_DB,
                              help=f"SQLite file to write (default: setting POTUS_DB, now {project_settings.POTUS_DB})")
    crawl_parser.add_argument("--base-url", default=None, help=f"site to crawl (default: setting POTUS_BASE_URL, now {project_settings.POTUS_BASE_URL})")
    crawl_parser.add_argument("--full", action="store_true",
                              help="walk every listing page and re-check every stored article (conditionally)")
    crawl_parser.add_argument("--since", metavar="DATE", type=since_date,
                              help="re-check stored articles published since DATE (default: the last "
                                   "POTUS_RECHECK_DAYS days)")
    crawl_parser.add_argument("-s", "--set", type=setting_pair, action="append", default=[], metavar="NAME=VALUE",
                              help="a Scrapy setting, as with scrapy crawl -s (repeatable)")
    loudness = crawl_parser.add_mutually_exclusive_group()
    loudness.add_argument("-q", "--quiet", action="store_true",
                          help="print only the summary and errors (for cron); no progress")
    loudness.add_argument("-v", "--verbose", action="store_true",
                          help="Scrapy's log at INFO: every request's fate, the settings, the middlewares")
    crawl_parser.set_defaults(handler=command_crawl)

    extract_parser = commands.add_parser("extract", help="print the article record of one stored HTML page, or of "
                                                        "an article's archived page, as JSON")
    extract_parser.add_argument("file", nargs="?",
                                help="an HTML file (default: the archived page of the article at --url in --db)")
    extract_parser.add_argument("--url", required=True, type=web_address,
                                help="the http(s) URL the page was fetched from")
    extract_parser.add_argument("--db", default=project_settings.POTUS_DB, type=file_path,
                                help="without a file: the crawl database whose archive to read (default: setting "
                                     "POTUS_DB, now %(default)s)")
    extract_parser.add_argument("-s", "--set", type=setting_pair, action="append", default=[], metavar="NAME=VALUE",
                                help="without a file: a setting, as with crawl -s (repeatable)")
    extract_parser.set_defaults(handler=command_extract)

    reextract_parser = commands.add_parser(
        "reextract", help="extract the stored articles again from their archived pages, without a request")
    reextract_parser.add_argument("--db", default=project_settings.POTUS_DB, type=file_path,
                                  help="the crawl database (default: setting POTUS_DB, now %(default)s)")
    reextract_parser.add_argument("--since", metavar="DATE", type=since_date,
                                  help="only articles published since DATE (default: every date)")
    reextract_parser.add_argument("--only-older", action="store_true",
                                  help="only articles an older extractor made (extractor_version other than the "
                                       "current one's for their rule set)")
    reextract_parser.add_argument("-s", "--set", type=setting_pair, action="append", default=[], metavar="NAME=VALUE",
                                  help="a setting, as with crawl -s, e.g. POTUS_EXTRACTION_WORKERS=0 (repeatable)")
    reextract_parser.add_argument("-q", "--quiet", action="store_true", help="print only the summary and errors")
    reextract_parser.set_defaults(handler=command_reextract)

    demo_parser = commands.add_parser("demo", help="serve the offline demo site on loopback and crawl it")
    demo_parser.add_argument("--db", default=DEMO_DB, help=f"SQLite file to write (default {DEMO_DB})")
    demo_parser.add_argument("-s", "--set", type=setting_pair, action="append", default=[], metavar="NAME=VALUE",
                             help="a Scrapy setting for the demo's crawl, as with crawl -s (repeatable)")
    demo_parser.add_argument("--theme", choices=DEMO_THEMES, default="smartmag",
                             help="the theme the demo site is rendered in: smartmag (the site's own, read by its "
                                  "rules) or block (a WordPress block theme, read by the generic path)")
    demo_parser.add_argument("--serve", action="store_true",
                             help="only serve the demo site on 127.0.0.1 until Ctrl-C, for crawling it by hand")
    demo_parser.add_argument("--port", type=whole_number(1, 65535), default=DEMO_PORT,
                             help=f"with --serve: the port (default {DEMO_PORT}; the same port keeps the URLs)")
    demo_parser.add_argument("--changes", action="store_true",
                             help="with --serve: publish the demo's changes (new posts, an edit, a removal) "
                                  "when Enter is pressed, to try incremental crawls")
    demo_parser.set_defaults(handler=command_demo)

    default_db = {"default": project_settings.POTUS_DB, "type": file_path,
                  "help": "the crawl database (default: setting POTUS_DB, now %(default)s)"}
    stats_parser = commands.add_parser("stats", help="counts, fill rates and the last crawl runs")
    stats_parser.add_argument("--db", **default_db)
    stats_parser.set_defaults(handler=command_stats)

    search_parser = commands.add_parser("search", help="full-text search of titles and bodies, best match first")
    search_parser.add_argument("terms", help='words, "a phrase", prefix*, AND / OR / NOT, (groups), title:word')
    search_parser.add_argument("--limit", type=whole_number(1), default=10, help="hits to print at most (default 10)")
    search_parser.add_argument("--db", **default_db)
    search_parser.set_defaults(handler=command_search)

    export_parser = commands.add_parser("export", help="write articles as JSON lines or CSV, streamed")
    export_parser.add_argument("--format", choices=EXPORT_FORMATS, default="jsonl",
                               help="JSON lines, one article a line, or CSV with a header (default: %(default)s)")
    export_parser.add_argument("--since", type=since_date, metavar="DATE",
                               help='only articles published since DATE, e.g. 2025-03-01 or "3 days ago" '
                                    "(default: every date)")
    export_parser.add_argument("--category", metavar="NAME",
                               help="only articles filed under this category, primary or not (default: all)")
    export_parser.add_argument("--out", metavar="FILE", type=file_path,
                               help="file to write, replaced only once complete (default: standard output)")
    export_parser.add_argument("--db", **default_db)
    export_parser.set_defaults(handler=command_export)

    serve_parser = commands.add_parser("serve", help="browse and query the database in Datasette")
    serve_parser.add_argument("--db", **default_db)
    serve_parser.add_argument("--host", default="127.0.0.1",
                              help="address to listen on (default: %(default)s, this machine only)")
    serve_parser.add_argument("--port", type=whole_number(1, 65535), default=8001,
                              help="TCP port, 1 to 65535 (default: %(default)s)")
    serve_parser.set_defaults(handler=command_serve)

    report_parser = commands.add_parser("report", help="one self-contained HTML page of figures and charts")
    report_parser.add_argument("--out", metavar="FILE", type=file_path, required=True,
                               help="the HTML file to write, replaced only once complete (required: no default)")
    report_parser.add_argument("--db", **default_db)
    report_parser.set_defaults(handler=command_report)

    archive_parser = commands.add_parser("archive", help="check, count or prune the WARC archive of fetched pages")
    archive_commands = archive_parser.add_subparsers(dest="archive_command", required=True)
    archive_help = {"verify": "check every file, digest and article pointer (exit 1 when something is wrong)",
                    "stats": "files, records and bytes per record type and per kind of request",
                    "prune": "delete files older than --days in which no article's latest record lives"}
    for name, text in archive_help.items():
        archive_command = archive_commands.add_parser(name, help=text)
        archive_command.add_argument("--db", **default_db)
        archive_command.set_defaults(handler=command_archive, warc_dir=project_settings.POTUS_WARC_DIR)
        if name == "prune":
            archive_command.add_argument("--days", type=whole_number(0), default=project_settings.POTUS_WARC_KEEP_DAYS,
                                         required=project_settings.POTUS_WARC_KEEP_DAYS is None,
                                         help="age in days past which a file may go (default: setting "
                                              "POTUS_WARC_KEEP_DAYS, now %(default)s)")

    args = parser.parse_args(argv)
    # SIGTERM ends a command as Ctrl-C does; a crawl installs its own graceful handlers. SIGINT too is set
    # here: a shell starts a background job with it ignored, and `demo --serve` would then never stop.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.default_int_handler)
    try:
        code = args.handler(args)
        if shutdown.STOPPED_AT_ONCE.is_set():
            shutdown.exit_now(code)
        return code
    except KeyboardInterrupt:
        print(f"potus-crawler {args.command}: interrupted", file=sys.stderr)
        return exit_code(signal.SIGINT)
    except BrokenPipeError:
        # The reader stopped early (``export | head``): no error of ours, and no traceback at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except DatabaseLocked as locked:
        print(f"potus-crawler {args.command}: {locked}", file=sys.stderr)
        return EXIT_LOCKED
    except (UnreadableDatabase, OutputUnwritable, BadSetting) as bad_input:
        print(f"potus-crawler {args.command}: {bad_input}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
