"""A crawl of the demo site served with faults (``tests/faults.py``): what the crawler makes of each one.

One crawl, through ``potus-crawler crawl`` as cron runs it, meets every fault at once,
each on its own article (or listing page); the other articles are served as built.
Each test then reads the database and the server's log for one fault. The outcome a
fault must have is one of:

- retried within the crawl and stored, equal to the article's expected record;
- recorded in ``failures`` (URL, reason, HTTP status when there was one, run) while the
  crawl goes on, with nothing of the page stored;
- for a page that is no article at all, neither: counted in ``crawl_runs.not_articles``.

Whatever the faults, the crawl ends in bounded time and memory with a sound database,
and never reaches past 127.0.0.1.
"""

from __future__ import annotations

import re
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import env_importing_tests
from faults import (REFUSED_LOOKUP, Content, Fault, FaultySiteServer, GzipBomb, Huge, Redirect, Reset, Rewrite, Stall,
                    Status, Truncate, cp1252, empty_body, faulty_site, malformed_dates, nested_body, with_listing_links,
                    without_charset)

from potus_crawler.cli import EXIT_OK
from potus_crawler.demo.build import DemoSite
from potus_crawler.demo.content import DemoContent
from potus_crawler.storage import ArticleStore

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RETRIES = 2
#: Long enough for the 20 MB pages to stream past the size limit on a loaded machine (at 3 s, one timed out
#: there and was retried), short enough to keep each stalled request to seconds.
DOWNLOAD_TIMEOUT = 6
#: Loopback needs no politeness delay. The
#: resolver (tests/faults.py, importable by the crawl through PYTHONPATH) lets no name but loopback's resolve.
CRAWL_SETTINGS = {"AUTOTHROTTLE_ENABLED": 0, "DOWNLOAD_DELAY": 0, "DOWNLOAD_TIMEOUT": DOWNLOAD_TIMEOUT,
                  "RETRY_TIMES": RETRIES, "TWISTED_DNS_RESOLVER": "faults.LoopbackOnlyResolver", "LOG_LEVEL": "INFO"}
#: The crawl of 48 pages takes seconds; the faults may add a few timeouts, never minutes.
MAX_CRAWL_SECONDS = 60
#: Peak memory of the crawl process: Scrapy and trafilatura take ~150 MB; one 16 MB body buffered is fine.
MAX_CRAWL_RSS_MB = 500
BIG_PAGE = 20 * 1024 * 1024
BOMB_INFLATED = 64 * 1024 * 1024
#: A PDF without binary bytes, which Scrapy, sniffing the body, makes a text response of.
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
OFFSITE = "http://elsewhere.invalid"

#: Every fault put on an article, by name; each is built for the path it is put on.
ARTICLE_FAULTS: dict[str, Callable[[str], Fault]] = {
    "500 burst": lambda _: Status(500, times=RETRIES),
    "502 burst": lambda _: Status(502, times=RETRIES),
    "503 burst": lambda _: Status(503, times=RETRIES),
    "503 for good": lambda _: Status(503),
    "429 with Retry-After": lambda _: Status(429, times=1, headers={"Retry-After": "1"}),
    "429 asking for an hour": lambda _: Status(429, headers={"Retry-After": "3600"}),
    "read timeout once": lambda _: Stall(times=1),
    "read timeout for good": lambda _: Stall(),
    "connection reset burst": lambda _: Reset(times=RETRIES),
    "connection reset for good": lambda _: Reset(),
    "truncated once": lambda _: Truncate(times=1),
    "truncated for good": lambda _: Truncate(),
    "cp1252 declared utf-8": lambda _: Rewrite(cp1252),
    "utf-8 without charset": lambda _: Rewrite(without_charset, "text/html"),
    "cp1252 without charset": lambda _: Rewrite(lambda page: cp1252(without_charset(page)), "text/html"),
    "gzip bomb": lambda _: GzipBomb(BOMB_INFLATED),
    "20 MB page": lambda _: Huge(BIG_PAGE, declare_length=True),
    "20 MB page without length": lambda _: Huge(BIG_PAGE, declare_length=False),
    "redirect to itself": lambda path: Redirect(path),
    # The server sends the slashless URL of a folder back to its slash form: a two-step loop.
    "redirect loop through the slashless URL": lambda path: Redirect(path.rstrip("/")),
    "redirect to another domain": lambda path: Redirect(OFFSITE + path),
    "404": lambda _: Status(404),
    "410": lambda _: Status(410),
    "PDF": lambda _: Content(PDF, "application/pdf"),
    "malformed dates": lambda _: Rewrite(malformed_dates),
    "empty body": lambda _: Rewrite(empty_body),
    "nested 100 deep": lambda _: Rewrite(nested_body(100)),
    # libxml2 stops parsing past 256 levels: the rest of the page would be lost.
    "nested 300 deep": lambda _: Rewrite(nested_body(300)),
}
#: The faults whose page must end in ``failures``.
RECORDED = ["503 for good", "429 asking for an hour", "read timeout for good", "connection reset for good",
            "truncated for good", "gzip bomb", "20 MB page", "20 MB page without length", "redirect to itself",
            "redirect loop through the slashless URL", "redirect to another domain", "404", "410", "PDF",
            "empty body", "nested 300 deep"]
CONTENT = DemoContent.load()
#: Each fault on its own article, in the demo's order; the remaining articles are served as built.
FAULTED = dict(zip(ARTICLE_FAULTS, (article.path for article in CONTENT.articles), strict=False))
assert len(FAULTED) == len(ARTICLE_FAULTS) < len(CONTENT.articles)
#: A listing that links a tag archive as if it were a post, once at its /tag/ URL and once at an
#: article-shaped URL that serves the tag archive (WordPress without a tag base).
LISTING = "/category/national-security/"
TAG = CONTENT.tags[0].path
TAG_AT_ARTICLE_URL = "/" + TAG.removeprefix("/tag/")


def all_faults() -> dict[str, Fault]:
    faults = {FAULTED[name]: make(FAULTED[name]) for name, make in ARTICLE_FAULTS.items()}
    faults[LISTING] = Rewrite(with_listing_links(TAG, TAG_AT_ARTICLE_URL))
    faults[TAG_AT_ARTICLE_URL] = Rewrite(source=TAG)
    return faults


@dataclass
class FaultyCrawl:
    site: DemoSite
    server: FaultySiteServer
    store: ArticleStore
    result: subprocess.CompletedProcess
    seconds: float
    peak_rss_mb: float

    def url(self, fault: str) -> str:
        return self.site.base_url + FAULTED[fault]

    def fault(self, name: str) -> Fault:
        return self.server.faults[FAULTED[name]]

    def requests(self, name: str) -> int:
        return len(self.server.arrivals_for(FAULTED[name]))

    def record(self, name: str) -> dict | None:
        return self.store.load_record(self.url(name))

    def expected(self, name: str) -> dict:
        return self.site.expected_records[self.url(name)]

    def failures(self, name: str) -> list[dict]:
        return list(self.store.db.query("select * from failures where url = ?", [self.url(name)]))

    @property
    def run(self) -> dict:
        return next(self.store.db.query("select * from crawl_runs order by id desc limit 1"))


def crawl_command(base_url: str, db: Path, settings: dict) -> list[str]:
    return [sys.executable, "-m", "potus_crawler.cli", "crawl", "--db", str(db), "--base-url", base_url,
            *(argument for name, value in settings.items() for argument in ("-s", f"{name}={value}"))]


def run_crawl(base_url: str, db: Path, *arguments: str) -> subprocess.CompletedProcess:
    """``potus-crawler crawl`` of the site at ``base_url`` with CRAWL_SETTINGS, as cron runs it."""
    # The crawl imports the loopback-only resolver from tests/faults.py.
    return subprocess.run([*crawl_command(base_url, db, CRAWL_SETTINGS), *arguments], cwd=PROJECT_ROOT,
                          env=env_importing_tests(), capture_output=True, text=True, timeout=2 * MAX_CRAWL_SECONDS)


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    db = tmp_path_factory.mktemp("faults") / "potus.db"
    with faulty_site(all_faults()) as (site, server):
        started = time.monotonic()
        result = run_crawl(site.base_url, db)
        seconds = time.monotonic() - started
        # Linux reports kilobytes: the largest resident set of any crawl this test process waited for.
        peak_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        store = ArticleStore(db)
        yield FaultyCrawl(site, server, store, result, seconds, peak_rss_mb)
        store.close()


def assert_stored_as_expected(crawl: FaultyCrawl, name: str) -> None:
    assert crawl.record(name) == crawl.expected(name)
    assert crawl.failures(name) == []


def assert_recorded(crawl: FaultyCrawl, name: str, reason: str, status: int | None) -> dict:
    """One failure row for the fault's URL, of this run, with a reason matching ``reason``; nothing stored."""
    [failure] = crawl.failures(name)
    assert re.search(reason, failure["reason"]), failure["reason"]
    assert (failure["http_status"], failure["run_id"]) == (status, crawl.run["id"])
    assert crawl.record(name) is None
    return failure


# -- the crawl as a whole --------------------------------------------------------------------


def test_the_crawl_finishes_healthy_in_bounded_time_and_memory(crawl):
    """Faults on over half the articles: the crawl still finishes, exit 0, run 'finished', within bounds."""
    assert crawl.result.returncode == EXIT_OK, crawl.result.stderr[-4000:]
    assert (crawl.run["status"], crawl.run["finish_reason"]) == ("finished", "finished")
    assert crawl.seconds < MAX_CRAWL_SECONDS
    assert crawl.peak_rss_mb < MAX_CRAWL_RSS_MB


def test_every_article_without_a_fault_is_stored_equal_to_its_record(crawl):
    untouched = {crawl.site.base_url + article.path for article in CONTENT.articles} - {
        crawl.site.base_url + path for path in FAULTED.values()}
    assert len(untouched) >= 20
    assert {url: crawl.store.load_record(url) for url in untouched} == {
        url: crawl.site.expected_records[url] for url in untouched}


def test_the_failures_table_holds_exactly_the_pages_that_could_not_be_stored(crawl):
    rows = list(crawl.store.db.query("select url, reason from failures"))
    assert sorted(row["url"] for row in rows) == sorted(crawl.url(name) for name in RECORDED)
    assert crawl.run["failures"] == len(rows)
    # Every reason says something beyond an exception's name.
    assert [row["reason"] for row in rows if row["reason"].rstrip().endswith(":")] == []


def test_nothing_is_half_written_and_the_database_is_sound(crawl):
    db = crawl.store.db
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    stored = set(crawl.store.article_urls())
    assert stored == {crawl.site.base_url + a.path for a in CONTENT.articles} - {crawl.url(n) for n in RECORDED}
    for table in ("article_authors", "article_categories", "article_tags", "related_links"):
        assert {row["article_url"] for row in db.query(f"select distinct article_url from {table}")} <= stored


def test_nothing_past_loopback_is_looked_up_or_asked_for(crawl):
    assert REFUSED_LOOKUP not in crawl.result.stderr
    assert {arrival.host for arrival in crawl.server.arrivals} == {crawl.site.base_url.removeprefix("http://")}


# -- faults that a retry gets past ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["500 burst", "502 burst", "503 burst"])
def test_a_burst_of_server_errors_is_retried_and_the_article_stored(crawl, name):
    """Two 5xx answers, then the page: the third attempt stores it; no failure is recorded."""
    assert crawl.fault(name).fired == RETRIES
    assert crawl.requests(name) == RETRIES + 1
    assert_stored_as_expected(crawl, name)


def test_429_with_retry_after_is_retried_after_the_wait_and_stored(crawl):
    """429 with ``Retry-After: 1``: asked again no sooner than a second later, then stored."""
    first, retry = crawl.server.arrivals_for(FAULTED["429 with Retry-After"])
    assert retry.at - first.at >= 1
    assert_stored_as_expected(crawl, "429 with Retry-After")


@pytest.mark.parametrize("name", ["read timeout once", "connection reset burst", "truncated once"])
def test_a_passing_network_fault_is_retried_and_the_article_stored(crawl, name):
    """A read timeout, two resets, a body cut short: retried, stored whole, no failure recorded."""
    assert crawl.fault(name).fired == crawl.requests(name) - 1 >= 1
    assert_stored_as_expected(crawl, name)


# -- faults recorded as failures -------------------------------------------------------------------


def test_a_server_error_outlasting_the_retries_is_recorded_with_its_status(crawl):
    """503 on every attempt: asked 1 + RETRIES times, then recorded as 'HTTP 503', status 503."""
    assert crawl.requests("503 for good") == RETRIES + 1
    assert_recorded(crawl, "503 for good", r"^HTTP 503$", 503)


def test_429_asking_for_a_longer_wait_than_allowed_is_recorded_at_once(crawl):
    """``Retry-After: 3600`` exceeds POTUS_RETRY_AFTER_MAX: no hour-long wait, no hammering; the
    page is recorded with status 429, and the next crawl retries it."""
    assert crawl.requests("429 asking for an hour") == 1
    assert_recorded(crawl, "429 asking for an hour", r"^HTTP 429$", 429)


#: Network faults on every attempt, with the reason each must be recorded with.
LASTING_NETWORK_FAULTS = {
    "read timeout for good": rf"^DownloadTimeoutError: .* took longer than {DOWNLOAD_TIMEOUT}",
    "connection reset for good": r"^DownloadFailedError: .*ConnectionLost",
    "truncated for good": r"^ResponseDataLossError: .*complete response",
}


@pytest.mark.parametrize("name", LASTING_NETWORK_FAULTS)
def test_a_lasting_network_fault_is_recorded_after_the_retries_and_nothing_half_written(crawl, name):
    """Every attempt fails: asked 1 + RETRIES times, recorded with the error's name and words, no partial article."""
    attempts = RETRIES + 1
    if name == "connection reset for good":
        # A kept-alive connection reset before any answer: the HTTP client (Twisted) sends the GET once more
        # on a new connection, as RFC 9110 allows for an idempotent request, so an attempt arrives once or twice.
        assert attempts <= crawl.requests(name) <= 2 * attempts
    else:
        assert crawl.requests(name) == attempts
    assert_recorded(crawl, name, LASTING_NETWORK_FAULTS[name], None)


@pytest.mark.parametrize("name", ["gzip bomb", "20 MB page", "20 MB page without length"])
def test_an_oversized_answer_is_refused_at_the_size_limit_and_recorded(crawl, name):
    """Past DOWNLOAD_MAXSIZE (16 MB) once inflated, or announced or streamed: refused, not retried,
    recorded with a reason naming the size limit; the crawl's memory stays bounded."""
    assert crawl.requests(name) == 1
    assert_recorded(crawl, name, r"(?i)max(imum)? ?size|DOWNLOAD_MAXSIZE", None)
    assert crawl.peak_rss_mb < MAX_CRAWL_RSS_MB


@pytest.mark.parametrize("name", ["redirect to itself", "redirect loop through the slashless URL"])
def test_a_redirect_loop_is_recorded_as_such(crawl, name):
    """A redirect back to a URL of its own chain: recorded as a redirect loop (not silently dropped as
    a duplicate request), after one pass around the loop."""
    assert crawl.requests(name) == 1
    assert_recorded(crawl, name, r"^IgnoreRequest: redirect loop: ", None)


def test_a_redirect_to_another_domain_is_recorded_and_never_followed(crawl):
    """301 to http://elsewhere.invalid/…: recorded as a redirect off the site (not silently dropped);
    the name is never looked up and nothing is asked of any host but the site's."""
    failure = assert_recorded(crawl, "redirect to another domain", r"^IgnoreRequest: redirect off the site to ", None)
    assert OFFSITE + FAULTED["redirect to another domain"] in failure["reason"]
    assert REFUSED_LOOKUP not in crawl.result.stderr
    assert not [a for a in crawl.server.arrivals if "elsewhere" in a.host + a.path]


@pytest.mark.parametrize("status", [404, 410])
def test_a_missing_article_is_recorded_with_its_status_and_the_crawl_goes_on(crawl, status):
    """A new article answering 404 or 410 is not retried: recorded as 'HTTP 404' / 'HTTP 410' with the status."""
    assert crawl.requests(str(status)) == 1
    assert_recorded(crawl, str(status), rf"^HTTP {status}$", status)


def test_a_pdf_at_an_article_url_is_recorded_as_not_an_html_page(crawl):
    assert_recorded(crawl, "PDF", r"^not an HTML page \(application/pdf\)$", 200)


def test_an_article_with_an_empty_body_is_recorded_and_not_stored(crawl):
    assert_recorded(crawl, "empty body", r"^no article text found$", 200)


def test_html_nested_past_the_parser_limit_is_recorded_not_stored_truncated(crawl):
    """300 nested <div>s mid-article: libxml2 gives up at depth 256 and would drop the rest of the
    text; the page is recorded with the parser's reason instead of stored with half its body."""
    assert_recorded(crawl, "nested 300 deep", r"(?i)HTML parser gave up: .*depth", 200)


# -- faults in the content that are stored all the same ---------------------------------------------


@pytest.mark.parametrize("name", ["cp1252 declared utf-8", "utf-8 without charset", "cp1252 without charset"])
def test_a_wrong_or_missing_charset_is_decoded_sensibly(crawl, name):
    """Windows-1252 bytes behind a UTF-8 declaration, or no charset named at all: the text is stored
    as written (no U+FFFD), equal to the record."""
    assert_stored_as_expected(crawl, name)
    assert re.search(r"[^\x00-\x7f]", crawl.record(name)["body"])


def test_html_nested_100_deep_is_stored_equal_to_its_record(crawl):
    assert_stored_as_expected(crawl, "nested 100 deep")


def test_malformed_dates_are_left_empty_and_the_article_stored(crawl):
    """Impossible dates in JSON-LD, meta and the header's <time> (and words no reader parses): the
    article is stored without dates rather than with a wrong one; every other field as expected."""
    record, expected = crawl.record("malformed dates"), crawl.expected("malformed dates")
    date_fields = [f"{kind}{suffix}" for kind in ("published", "modified") for suffix in ("", "_raw", "_source", "_precision")]
    assert {field: record[field] for field in date_fields} == dict.fromkeys(date_fields)
    assert {k: v for k, v in record.items() if k not in date_fields} == {
        k: v for k, v in expected.items() if k not in date_fields}
    assert crawl.failures("malformed dates") == []


def test_a_tag_archive_linked_as_an_article_is_neither_stored_nor_a_failure(crawl):
    """A listing links a tag archive as a post: at its /tag/ URL it is never fetched; at an article-shaped
    URL it is fetched once, seen to be no article, counted in not_articles, neither stored nor recorded."""
    assert crawl.server.faults[LISTING].fired >= 1
    assert crawl.server.arrivals_for(TAG) == []
    assert len(crawl.server.arrivals_for(TAG_AT_ARTICLE_URL)) == 1
    url = crawl.site.base_url + TAG_AT_ARTICLE_URL
    assert crawl.store.load_record(url) is None
    assert list(crawl.store.db.query("select * from failures where url = ?", [url])) == []
    assert crawl.run["not_articles"] == 1
