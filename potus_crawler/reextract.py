"""``potus-crawler reextract``: stored articles extracted again from their archived pages, without a request.

Each article row points at the WARC response record of the page it was extracted from
(``warc_file``, ``warc_offset``, ``warc_length``). Workers of the extraction pool take the articles in
batches: a worker reads each one's record (the main process sends it the pointer, never the page) and
the stored versions, decodes the page as a crawl does, extracts (and where it differs, normalizes) it
with the current code and compares it with the stored record; the writer thread stores what changed:

- a record that differs from the stored one in any field is stored by ``ArticleStore.save_article``
  as a crawl stores a changed article, the version it replaces kept in ``article_revisions`` with
  reason ``reextract`` where a versioned column changed; the fetch columns (``last_seen``,
  ``last_checked``, validators, gone marks) stay as they are, since no page was fetched;
- an equal record leaves the row as it is but for ``extractor_version``, stamped with the current
  extractor's when it differs (so ``--only-older`` does not select it again); no ``last_run_id``,
  no ``last_checked``, no revision: analysts see nothing changed;
- a page the extractor now rejects is recorded in ``failures`` with its reason, and a page it takes
  for no article is counted, as a crawl does; the stored version stays;
- an article whose archived record is missing or unreadable is counted and named, never a crash.

The run is a ``crawl_runs`` row with spider ``reextract`` (no request, no page fetched), which the
crawls' history (monitoring, incremental crawls) leaves out. Settings (``potus_crawler.settings``):
``POTUS_EXTRACTION_WORKERS``, ``POTUS_EXTRACTION_TIMEOUT``, ``POTUS_TIMEZONE``, ``POTUS_SITE``,
``POTUS_PROGRESS_SECONDS`` (``-s NAME=VALUE`` as for a crawl). Signals as for a crawl
(``potus_crawler.shutdown``): the first SIGINT or SIGTERM lets the articles in flight finish, the
second stops at once, the third exits on the spot.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from scrapy.http import HtmlResponse

from extractors import ArticleRecord, NotAnArticle
from extractors.normalize import canonical_url, site_timezone
from extractors.version import extractor_version
from potus_crawler import shutdown
from potus_crawler.archive import ArchiveUnreadable, read_response
from potus_crawler.extraction import Extracted, ExtractionPool, extract_timed
from potus_crawler.lock import crawl_lock
from potus_crawler.pipelines.normalize import NormalizePipeline
from potus_crawler.pipelines.validate import REQUIRED_FIELDS
from potus_crawler.progress import elapsed
from potus_crawler.spiders.potus import page_source
from potus_crawler.storage import (CHANGED, REEXTRACT, REEXTRACT_RUN, UNCHANGED, WARC_COLUMNS, ArticleStore,
                                   kept_from_stored, read_only_connection)
from potus_crawler.writer import StoreWriter

logger = logging.getLogger(__name__)

#: Articles a worker is given at once (see ``reextract_batch``).
BATCH = 16
#: Batches handed to the pool and not yet stored, per worker: one extracted while the next waits, so no worker
#: waits for work while a batch is stored; few enough that memory holds a handful of records.
BATCHES_PER_WORKER = 2
#: Stored articles read from the database at a time, so the selection of a large database stays small.
SELECTION_PAGE = 1000
#: Unreadable archived records named one a line after the summary; the rest are counted.
UNREADABLE_NAMED = 10
#: Outcomes counted besides CHANGED and UNCHANGED.
RESTAMPED, FAILED, DROPPED, NOT_ARTICLE, NOT_ARCHIVED, UNREADABLE = (
    "restamped", "failed", "dropped", "not an article", "not archived", "unreadable")


@dataclass(frozen=True)
class ArchivedArticle:
    """A stored article and where its archived page is; sent to a worker instead of the page."""

    url: str
    warc_file: str
    offset: int
    length: int


class Fixups(Counter):
    """The fields the normalizer changed, counted by name (a crawl counts them in Scrapy's stats)."""

    def inc_value(self, key: str, count: int = 1) -> None:
        self[key] += count


def extract_archived(db_folder: str | Path, article: ArchivedArticle, timezone_name: str,
                     site: str) -> tuple[Extracted, int]:
    """The archived page of ``article`` extracted as a crawl extracts it, and the archived HTTP status (for a
    failure's row). Raises ArchiveUnreadable."""
    page = read_response(db_folder, article.warc_file, article.offset, article.length)
    # The crawl's own decoding: the charset its headers and the page declare, Windows-1252 for stray bytes.
    source = page_source(HtmlResponse(page.url, status=page.status, headers=page.headers, body=page.body))
    extracted = extract_timed(source, page.url, timezone_name, site)
    if extracted.record is not None:
        # The stored article is re-extracted under its own URL, whatever the page's canonical link says now:
        # an article moves to a new URL only when the site redirects a crawl there.
        extracted.record.url = article.url
    return extracted, page.status


@dataclass
class Outcome:
    """What became of one article: CHANGED, UNCHANGED, RESTAMPED, or FAILED, DROPPED, NOT_ARTICLE, UNREADABLE,
    with what storing it takes."""

    url: str
    outcome: str
    #: CHANGED: the new record.
    record: ArticleRecord | None = None
    #: RESTAMPED: the current extractor's ``extractor_version``.
    stamp: str | None = None
    #: FAILED, DROPPED, NOT_ARTICLE, UNREADABLE: why, in one line.
    reason: str | None = None
    http_status: int | None = None


#: Outcomes the writer stores.
WRITTEN = (CHANGED, RESTAMPED, FAILED, DROPPED)


@dataclass
class BatchDone:
    """A worker's answer for a batch: each article's outcome, the seconds the extractor took, the fix-ups."""

    outcomes: list[Outcome]
    extract_seconds: float
    fixups: Fixups


def reextract_batch(db: str, batch: list[ArchivedArticle], timezone_name: str, site: str) -> BatchDone:
    """A worker's task: the batch's archived pages extracted, each record compared with the stored one (read
    here, so only what must be written travels back to the writer). Pages go to workers in batches, the
    stored versions are read in one query a table: a page costs the extractor a few milliseconds, and what
    each task costs besides would otherwise take a good share of the cores."""
    store = ArticleStore.for_reading(db)
    try:
        urls = [article.url for article in batch]
        stored, stamps = store.load_records(urls), store.stamps(urls)
    finally:
        store.close()
    done = BatchDone([], 0.0, Fixups())
    normalizer = NormalizePipeline(done.fixups, site_timezone(timezone_name))
    for article in batch:
        try:
            extracted, http_status = extract_archived(Path(db).parent, article, timezone_name, site)
        except ArchiveUnreadable as error:
            done.outcomes.append(Outcome(article.url, UNREADABLE, reason=str(error)))
            continue
        done.extract_seconds += extracted.seconds
        outcome = judged(article.url, extracted, http_status, stored[article.url], stamps[article.url])
        if outcome.outcome == CHANGED:
            # Normalized, as a crawl's pipeline does, only when it differs: the stored record is normalized and
            # normalizing is idempotent, so a record equal to it before normalizing is equal after.
            normalizer.normalize(extracted.record)
            outcome = judged(article.url, extracted, http_status, stored[article.url], stamps[article.url])
        done.outcomes.append(outcome)
    return done


def judged(url: str, extracted: Extracted, http_status: int, stored: dict, stamp: str | None) -> Outcome:
    """The outcome of a page extracted again, against the stored record (as ``load_record`` gives it) and stamp:
    the failures as a crawl judges them; CHANGED when saving the record would change any stored field."""
    record = extracted.record
    if isinstance(extracted.error, NotAnArticle):
        return Outcome(url, NOT_ARTICLE, reason=str(extracted.error))
    if extracted.error is not None:
        return Outcome(url, FAILED, reason=str(extracted.error), http_status=http_status)
    missing = [field for field in REQUIRED_FIELDS if not getattr(record, field)]
    if missing:
        return Outcome(url, DROPPED, reason=f"dropped: article record without {', '.join(missing)}",
                       http_status=http_status)
    kept = kept_from_stored(record, stored)
    if {**record.as_dict(), **{field: stored[field] for field in kept}} != stored:
        return Outcome(url, CHANGED, record=record)
    version = extractor_version(record.extracted_with)
    return Outcome(url, UNCHANGED) if version == stamp else Outcome(url, RESTAMPED, stamp=version)


def store_outcomes(store: ArticleStore, outcomes: list[Outcome], run_id: int) -> None:
    """A batch's writes: a changed record saved as a crawl saves one, a stamp brought up to date, a failure."""
    for outcome in outcomes:
        if outcome.outcome == CHANGED:
            store.save_article(outcome.record, run_id, reason=REEXTRACT)
        elif outcome.outcome == RESTAMPED:
            store.set_extractor_version(outcome.url, outcome.stamp)
        else:
            store.record_failure(outcome.url, outcome.reason, outcome.http_status, run_id)


@dataclass(frozen=True)
class Selection:
    """Which stored articles to re-extract: published since a date (all when None), made by an older extractor."""

    since: str | None = None
    only_older: bool = False

    WHERE = ("(:since is null or datetime(published) >= datetime(:since)) "
             "and (not :only_older or extracted_with is null "
             "or extractor_version is not current_extractor_version(extracted_with))")

    def count(self, connection: sqlite3.Connection) -> int:
        return connection.execute(f"select count(*) from articles where {self.WHERE}", self.parameters()).fetchone()[0]

    def articles(self, connection: sqlite3.Connection) -> Iterator[ArchivedArticle | str]:
        """Each selected article's pointer, in URL order; the URL alone for one without an archived page."""
        after = ""
        while True:
            rows = connection.execute(
                f"select url, {', '.join(WARC_COLUMNS)} from articles where url > :after and {self.WHERE} "
                "order by url limit :limit", {**self.parameters(), "after": after, "limit": SELECTION_PAGE}).fetchall()
            for url, warc_file, offset, length in rows:
                yield url if warc_file is None else ArchivedArticle(url, warc_file, offset, length)
            if len(rows) < SELECTION_PAGE:
                return
            after = rows[-1][0]

    def parameters(self) -> dict:
        return {"since": self.since, "only_older": self.only_older}


def selection_connection(db: str | Path) -> sqlite3.Connection:
    """A read-only connection that knows ``current_extractor_version(extracted_with)``."""
    connection = read_only_connection(db)
    connection.create_function("current_extractor_version", 1, extractor_version, deterministic=True)
    return connection


@dataclass
class ReextractOutcome:
    """What a run did: outcome counts (CHANGED, UNCHANGED and the names above), the selected total, the
    unreadable records named, its run id, and the first signal that stopped it (None when it ran to its end)."""

    counts: Counter
    #: The normalizer's fix-ups, by field.
    fixups: Counter
    selected: int
    unreadable: list[str]
    run_id: int | None
    signal: int | None
    seconds: float

    @property
    def extracted(self) -> int:
        return sum(self.counts[outcome] for outcome in (CHANGED, UNCHANGED, RESTAMPED))

    @property
    def nothing_archived(self) -> bool:
        """Articles were selected, and none of them has an archived page."""
        return self.selected > 0 and self.counts[NOT_ARCHIVED] == self.selected

    def summary(self) -> str:
        counts = self.counts
        ended = f"interrupted by {signal.Signals(self.signal).name}" if self.signal else "finished"
        fixed = sum(self.fixups.values())
        return (f"reextract {ended} after {self.seconds:.1f} s: {self.extracted} of {self.selected} articles "
                f"extracted again from the archive, no request: {counts[CHANGED]} updated, "
                f"{counts[UNCHANGED] + counts[RESTAMPED]} unchanged ({counts[RESTAMPED]} restamped with the current "
                f"extractor_version), {counts[FAILED] + counts[DROPPED]} failed, {counts[NOT_ARTICLE]} no longer "
                f"articles; {counts[NOT_ARCHIVED]} not archived, {counts[UNREADABLE]} archived records unreadable"
                + (f"; {fixed} fields normalized" if fixed else "") + f" (run {self.run_id})")


class Reextraction:
    """One run over a selection: articles fed to the pool, outcomes to the writer thread, progress and signals."""

    def __init__(self, db: str | Path, pool: ExtractionPool, writer: StoreWriter, progress: str,
                 progress_seconds: float):
        self.db = str(Path(db).resolve())
        self.pool, self.writer = pool, writer
        self.progress, self.progress_seconds = progress, progress_seconds
        self.counts: Counter = Counter()
        self.fixups: Counter = Counter()
        self.unreadable: list[str] = []
        self.run_id: int | None = None
        self.extract_seconds = 0.0
        # The batches in flight fail with the killed workers, and are dropped (see reextract). The process then
        # ends as usual, unlike a crawl's (shutdown.exit_now): no reactor or writer is left mid-way, and the
        # interpreter's exit releases the killed pool's semaphores, which the resource tracker would otherwise
        # report as leaked.
        self.on_signals = shutdown.SignalEscalation("the articles in flight", lambda _signum: None,
                                                    lambda _signum: pool.terminate())
        self.in_flight: set[asyncio.Task] = set()
        self.retrying = asyncio.Lock()
        self.started = time.monotonic()

    def write(self, method, *args, **kwargs) -> asyncio.Future:
        """``method(store, ...)`` on the writer thread, committed with the writes queued beside it."""
        return asyncio.wrap_future(self.writer.submit(method, *args, **kwargs))

    async def run(self, articles: Iterator[ArchivedArticle | str], selected: int) -> ReextractOutcome:
        loop = asyncio.get_running_loop()
        for signum in shutdown.SIGNALS:
            loop.add_signal_handler(signum, self.on_signals.on_signal, signum)
        await asyncio.wrap_future(self.writer.opened)
        self.run_id = await self.write(ArticleStore.start_run, REEXTRACT_RUN, "")
        ticker = asyncio.ensure_future(self.show_progress(selected))
        self.pool.start()
        window = BATCHES_PER_WORKER * max(self.pool.workers, 1)
        try:
            for batch in self.batches(articles):
                if len(self.in_flight) >= window:
                    _, self.in_flight = await asyncio.wait(self.in_flight, return_when=asyncio.FIRST_COMPLETED)
                if self.on_signals.received:
                    break
                self.in_flight.add(asyncio.ensure_future(self.reextract(batch)))
            await asyncio.gather(*self.in_flight, return_exceptions=True)
            # Still under the escalation: a signal while the run's row is written must not end in a traceback.
            await self.finish_run()
        finally:
            ticker.cancel()
            for signum in shutdown.SIGNALS:
                loop.remove_signal_handler(signum)
        return ReextractOutcome(self.counts, self.fixups, selected, self.unreadable, self.run_id,
                                self.on_signals.first_signal, time.monotonic() - self.started)

    def batches(self, articles: Iterator[ArchivedArticle | str]) -> Iterator[list[ArchivedArticle]]:
        """The archived articles in batches of ``BATCH``; the ones without an archived page counted on the way."""
        batch: list[ArchivedArticle] = []
        for article in articles:
            if isinstance(article, str):
                self.counts[NOT_ARCHIVED] += 1
                continue
            batch.append(article)
            if len(batch) == BATCH:
                yield batch
                batch = []
        if batch:
            yield batch

    async def extracted_batch(self, batch: list[ArchivedArticle]) -> BatchDone:
        try:
            return await self.pool.run(reextract_batch, self.db, batch, self.pool.timezone_name, self.pool.site)
        except Exception as failure:
            # The worker died or hung with the batch, could not read the stored versions, or met a case the
            # code did not foresee. Most often one page did it: each article is tried again alone, so only that
            # one fails, with its reason, and the run goes on.
            if len(batch) == 1 or self.stopped_at_once:
                return BatchDone([Outcome(article.url, FAILED, reason=str(failure)) for article in batch], 0.0,
                                 Fixups())
            return await self.extracted_one_by_one(batch)

    async def extracted_one_by_one(self, batch: list[ArchivedArticle]) -> BatchDone:
        """A failed batch's articles tried again one at a time, and one failed batch at a time: a page that kills
        its worker again fails every task then waiting on the pool, which must be no other retried article."""
        merged = BatchDone([], 0.0, Fixups())
        async with self.retrying:
            for article in batch:
                done = await self.extracted_batch([article])
                merged.outcomes.extend(done.outcomes)
                merged.extract_seconds += done.extract_seconds
                merged.fixups.update(done.fixups)
        return merged

    async def reextract(self, batch: list[ArchivedArticle]) -> None:
        done = await self.extracted_batch(batch)
        if self.stopped_at_once:
            # What the batch gave, or its workers' killing, is neither stored nor counted.
            return
        self.extract_seconds += done.extract_seconds
        self.fixups.update(done.fixups)
        for outcome in done.outcomes:
            if outcome.outcome == UNREADABLE and len(self.unreadable) < UNREADABLE_NAMED:
                self.unreadable.append(f"{outcome.url}: {outcome.reason}")
            elif outcome.outcome == NOT_ARTICLE:
                logger.info("Not an article now: %s (%s)", outcome.url, outcome.reason)
            elif outcome.outcome == FAILED:
                logger.warning("Not extracted again, the stored version kept: %s (%s)", outcome.url, outcome.reason)
            if outcome.outcome not in WRITTEN:
                self.counts[outcome.outcome] += 1
        writes = [outcome for outcome in done.outcomes if outcome.outcome in WRITTEN]
        if not writes:
            return
        try:
            await self.write(store_outcomes, writes, self.run_id)
        except Exception as error:
            # The transaction failed (disk full, a lock held past the timeout): the stored versions stay.
            logger.error("Could not store %d re-extracted articles: %s", len(writes), error)
            self.counts[FAILED] += len(writes)
            return
        self.counts.update(outcome.outcome for outcome in writes)

    def figures(self) -> str:
        counts = self.counts
        return (f"{counts[CHANGED]} updated, {counts[UNCHANGED] + counts[RESTAMPED]} unchanged, "
                f"{counts[FAILED] + counts[DROPPED]} failed, {counts[UNREADABLE]} unreadable")

    async def show_progress(self, selected: int) -> None:
        """A live bar on a terminal (the total is known, unlike a crawl's), a line every interval in a log."""
        if self.progress == "off":
            return
        if self.progress == "line":
            # Imported here: only a terminal's run draws a bar.
            from tqdm import tqdm

            with tqdm(total=selected, file=sys.stderr, leave=False, dynamic_ncols=True, unit="article") as bar:
                while True:
                    bar.n = sum(self.counts.values())
                    bar.set_postfix_str(self.figures())
                    await asyncio.sleep(1.0)
        while True:
            await asyncio.sleep(self.progress_seconds)
            print(f"potus-crawler: progress: {elapsed(time.monotonic() - self.started)}  articles: "
                  f"{sum(self.counts.values())} of {selected} done: {self.figures()}", file=sys.stderr, flush=True)

    @property
    def stopped_at_once(self) -> bool:
        return self.on_signals.interrupted_at_once

    async def finish_run(self) -> None:
        counts = self.counts
        if self.on_signals.received:
            status, reason = "interrupted", "stopped at once" if self.stopped_at_once else "shutdown"
        elif counts[UNREADABLE]:
            status, reason = "unhealthy", "finished"
        else:
            status, reason = "finished", "finished"
        problems = f"{counts[UNREADABLE]} archived records missing or unreadable" if counts[UNREADABLE] else None
        try:
            unchanged = counts[UNCHANGED] + counts[RESTAMPED]
            await self.write(ArticleStore.finish_run, self.run_id, status, finish_reason=reason, requests=0,
                             pages_fetched=0, articles_extracted=counts[CHANGED] + unchanged,
                             articles_updated=counts[CHANGED], articles_unchanged=unchanged,
                             failures=counts[FAILED] + counts[DROPPED], dropped=counts[DROPPED],
                             not_articles=counts[NOT_ARTICLE], extract_seconds=self.extract_seconds,
                             store_seconds=self.writer.busy_seconds, problems=problems)
        except Exception as error:
            # The next crawl marks a run left running as interrupted.
            shutdown.say(f"the reextract run could not be recorded ({error})")


def reextract_database(db: str | Path, selection: Selection, settings, progress: str = "off") -> ReextractOutcome:
    """Re-extract the selected articles of the database at ``db`` (which must exist), holding its crawl lock;
    ``settings``: the project's Scrapy settings, as a crawl takes them.

    Raises AlreadyRunning (a crawl or another re-extraction holds the lock).
    """
    with crawl_lock(db), closing(selection_connection(db)) as connection:
        # Every batch to the workers from the start: nothing throttles a re-extraction, so pages never come
        # slowly enough for the crawler's parsing thread to be the cheaper place.
        pool = ExtractionPool(settings.getint("POTUS_EXTRACTION_WORKERS"), settings["POTUS_TIMEZONE"],
                              settings.getfloat("POTUS_EXTRACTION_TIMEOUT"), site=settings["POTUS_SITE"], backlog=0)
        writer = StoreWriter(partial(ArticleStore, db))
        run = Reextraction(db, pool, writer, progress, settings.getfloat("POTUS_PROGRESS_SECONDS"))
        previous = {signum: signal.getsignal(signum) for signum in shutdown.SIGNALS}
        try:
            return asyncio.run(run.run(selection.articles(connection), selection.count(connection)))
        finally:
            if run.stopped_at_once:
                pool.terminate()
            else:
                pool.close()
            writer.close()
            for signum, handler in previous.items():
                signal.signal(signum, handler)


class NotArchived(Exception):
    """``extract --url``: the database holds no article at the URL, or none with an archived page."""


def archived_extraction(db: str | Path, url: str, settings) -> tuple[Extracted, str]:
    """``extract --url``: the stored article at ``url`` extracted again from its archived page, in this process,
    and its canonical URL. Raises NotArchived, ArchiveUnreadable."""
    with closing(read_only_connection(db)) as connection:
        canonical = canonical_url(url)
        row = connection.execute(f"select {', '.join(WARC_COLUMNS)} from articles where url = ?",
                                 [canonical]).fetchone()
    if row is None:
        raise NotArchived(f"{db} holds no article at {canonical}")
    if row[0] is None:
        raise NotArchived(f"the article at {canonical} was stored before its pages were archived")
    extracted, _ = extract_archived(Path(db).resolve().parent, ArchivedArticle(canonical, *row),
                                    settings["POTUS_TIMEZONE"], settings["POTUS_SITE"])
    return extracted, canonical
