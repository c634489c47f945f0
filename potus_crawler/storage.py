"""The SQLite database analysts query: schema (as migrations) and every write the crawler makes.

One article is written in one transaction (its row, its child rows, its previous
version), so a crash or a failing record never leaves an article half-stored; WAL
mode lets analysts read while a crawl writes. Articles are never deleted: one the
site removed is marked gone, one it changed keeps its earlier versions in
``article_revisions``.
"""

from __future__ import annotations

import json
import sqlite3
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from extractors import GENERIC, ArticleRecord
from extractors.version import extractor_version
from potus_crawler.db_errors import (BUSY_TIMEOUT_SECONDS, DatabaseMissing, NotACrawlDatabase, OutdatedSchema,
                                     read_error)
from potus_crawler.lean_sqlite_utils import Database, Migrations

if TYPE_CHECKING:
    from potus_crawler.archive import WarcPointer

#: Children of an article, each replaced whole when the article is stored again.
LINKED_TERMS = (
    # (record field, term table, link table, link column)
    ("authors", "authors", "article_authors", "author_id"),
    ("categories", "categories", "article_categories", "category_id"),
    ("tags", "tags", "article_tags", "tag_id"),
)

#: Record fields stored as columns of ``articles`` under their own name.
ARTICLE_COLUMNS = ("url", "title", "body", "published", "published_raw", "published_source", "published_precision",
                   "modified", "modified_raw", "modified_source", "modified_precision", "language", "source_url",
                   "image_url", "description", "word_count", "extracted_with")
#: A stored article differs from a fetched one when one of these does; the stored one becomes a revision.
VERSIONED_COLUMNS = ("title", "body", "published", "modified")
#: Fields a new extraction may not empty: a page that lost them (a layout change, a broken page)
#: keeps what was stored. Lists of authors, categories and tags are kept the same way, and related links
#: where the generic path extracted (see save_article).
KEPT_WHEN_MISSING = ("published", "published_raw", "published_source", "published_precision", "modified",
                     "modified_raw", "modified_source", "modified_precision", "language", "source_url", "image_url",
                     "description")
#: Where the article's latest fetch is archived (``potus_crawler.archive``).
WARC_COLUMNS = ("warc_file", "warc_offset", "warc_length")
#: What a revision keeps of the version it replaces.
REVISION_COLUMNS = ("title", "body", "published", "modified", "description", "word_count", "last_checked")

REVISION_INSERT = (f"insert into article_revisions (article_url, run_id, replaced_at, reason, "
                   f"{', '.join(REVISION_COLUMNS)}) values ({', '.join('?' * (4 + len(REVISION_COLUMNS)))})")
#: Where a stored record comes from (``article_revisions.reason`` of the version it replaces): a page a crawl
#: fetched, or an archived page ``potus-crawler reextract`` extracted again.
CRAWL, REEXTRACT = "crawl", "reextract"
#: Articles columns of the fetch rather than of the extraction: a re-extraction leaves them as they are.
FETCH_COLUMNS = ("last_seen", "last_checked", "etag", "http_last_modified", "gone_since", "gone_status", *WARC_COLUMNS)

#: ``crawl_runs.spider`` of a ``potus-crawler reextract`` run: no crawl, so never a crawl's history.
REEXTRACT_RUN = "reextract"
#: crawl_runs columns holding a JSON object.
RUN_JSON_COLUMNS = ("http_status_counts", "requests_by_kind", "rule_set_counts", "fill_rates")
#: Outcomes of storing a fetched article.
NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"

#: The schema, as migrations applied in order. Each one's SQL is written out as it ran when it was
#: released (what sqlite-utils 4 generated then, copied with its quoting and spacing), never built from
#: this module's constants: a migration must do tomorrow what it did on the databases it already upgraded,
#: and a new database must get the schema an upgraded one has. A schema change is a new migration.
migrations = Migrations("potus_crawler")


def run_script(db: Database, script: str) -> None:
    """Run a migration's SQL statement by statement, inside the transaction the migration runs in
    (``executescript`` would commit it first). Dedented, so SQLite keeps the text as written here."""
    statement = ""
    for line in textwrap.dedent(script).strip().splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement:
        raise ValueError(f"incomplete SQL statement: {statement}")


@migrations()
def create_articles(db: Database) -> None:
    run_script(db, """
        CREATE TABLE "articles" (
           "url" TEXT PRIMARY KEY,
           "title" TEXT NOT NULL,
           "body" TEXT NOT NULL,
           "published" TEXT,
           "published_raw" TEXT,
           "modified" TEXT,
           "category" TEXT,
           "language" TEXT,
           "source_url" TEXT,
           "source_domain" TEXT,
           "image_url" TEXT,
           "description" TEXT,
           "word_count" INTEGER,
           "first_seen" TEXT,
           "last_seen" TEXT,
           "last_run_id" INTEGER
        );
        CREATE TABLE "authors" (
           "id" INTEGER PRIMARY KEY,
           "name" TEXT
        );
        CREATE UNIQUE INDEX "idx_authors_name"
            ON "authors" ("name");
        CREATE TABLE "article_authors" (
           "article_url" TEXT REFERENCES "articles"("url"),
           "author_id" INTEGER REFERENCES "authors"("id"),
           "position" INTEGER,
           PRIMARY KEY ("article_url", "position")
        );
        CREATE INDEX "idx_article_authors_author_id"
            ON "article_authors" ("author_id");
        CREATE TABLE "categories" (
           "id" INTEGER PRIMARY KEY,
           "name" TEXT
        );
        CREATE UNIQUE INDEX "idx_categories_name"
            ON "categories" ("name");
        CREATE TABLE "article_categories" (
           "article_url" TEXT REFERENCES "articles"("url"),
           "category_id" INTEGER REFERENCES "categories"("id"),
           "position" INTEGER,
           PRIMARY KEY ("article_url", "position")
        );
        CREATE INDEX "idx_article_categories_category_id"
            ON "article_categories" ("category_id");
        CREATE TABLE "tags" (
           "id" INTEGER PRIMARY KEY,
           "name" TEXT
        );
        CREATE UNIQUE INDEX "idx_tags_name"
            ON "tags" ("name");
        CREATE TABLE "article_tags" (
           "article_url" TEXT REFERENCES "articles"("url"),
           "tag_id" INTEGER REFERENCES "tags"("id"),
           "position" INTEGER,
           PRIMARY KEY ("article_url", "position")
        );
        CREATE INDEX "idx_article_tags_tag_id"
            ON "article_tags" ("tag_id");
        CREATE TABLE "related_links" (
           "article_url" TEXT REFERENCES "articles"("url"),
           "position" INTEGER,
           "url" TEXT,
           "title" TEXT,
           "published" TEXT,
           PRIMARY KEY ("article_url", "position")
        );
        CREATE INDEX "idx_related_links_url"
            ON "related_links" ("url");
        CREATE TABLE "crawl_runs" (
           "id" INTEGER PRIMARY KEY,
           "spider" TEXT,
           "base_url" TEXT,
           "started" TEXT,
           "finished" TEXT,
           "status" TEXT,
           "finish_reason" TEXT,
           "pages_fetched" INTEGER,
           "articles_new" INTEGER,
           "articles_updated" INTEGER,
           "failures" INTEGER,
           "dropped" INTEGER,
           "not_articles" INTEGER,
           "http_errors" INTEGER
        );
        CREATE TABLE "failures" (
           "id" INTEGER PRIMARY KEY,
           "run_id" INTEGER REFERENCES "crawl_runs"("id"),
           "url" TEXT,
           "reason" TEXT,
           "http_status" INTEGER,
           "at" TEXT
        );
        CREATE INDEX "idx_failures_url"
            ON "failures" ("url");
        CREATE INDEX "idx_articles_published"
            ON "articles" ("published");
        CREATE INDEX "idx_articles_category"
            ON "articles" ("category");
        CREATE INDEX "idx_articles_source_domain"
            ON "articles" ("source_domain");
        """)


@migrations()
def add_date_provenance(db: Database) -> None:
    run_script(db, """
        ALTER TABLE "articles" ADD COLUMN "published_source" TEXT;
        ALTER TABLE "articles" ADD COLUMN "modified_raw" TEXT;
        ALTER TABLE "articles" ADD COLUMN "modified_source" TEXT;
        """)


@migrations()
def add_incremental_state(db: Database) -> None:
    """What incremental crawls need: HTTP validators, first source, gone marks, revisions, walked listings."""
    run_script(db, """
        ALTER TABLE "articles" ADD COLUMN "found_by" TEXT;
        ALTER TABLE "articles" ADD COLUMN "etag" TEXT;
        ALTER TABLE "articles" ADD COLUMN "http_last_modified" TEXT;
        ALTER TABLE "articles" ADD COLUMN "last_checked" TEXT;
        ALTER TABLE "articles" ADD COLUMN "gone_since" TEXT;
        ALTER TABLE "articles" ADD COLUMN "gone_status" INTEGER;
        update articles set last_checked = last_seen;
        CREATE INDEX "idx_articles_last_checked"
            ON "articles" ("last_checked");
        CREATE TABLE "article_revisions" (
           "id" INTEGER PRIMARY KEY,
           "article_url" TEXT REFERENCES "articles"("url"),
           "run_id" INTEGER,
           "replaced_at" TEXT,
           "title" TEXT,
           "body" TEXT,
           "published" TEXT,
           "modified" TEXT,
           "description" TEXT,
           "word_count" INTEGER,
           "last_checked" TEXT
        );
        CREATE INDEX "idx_article_revisions_article_url"
            ON "article_revisions" ("article_url");
        CREATE TABLE "listing_walks" (
           "url" TEXT PRIMARY KEY,
           "walked_to_end" TEXT,
           "run_id" INTEGER
        );
        ALTER TABLE "crawl_runs" ADD COLUMN "requests" INTEGER;
        ALTER TABLE "crawl_runs" ADD COLUMN "articles_found" INTEGER;
        ALTER TABLE "crawl_runs" ADD COLUMN "articles_extracted" INTEGER;
        ALTER TABLE "crawl_runs" ADD COLUMN "articles_unchanged" INTEGER;
        ALTER TABLE "crawl_runs" ADD COLUMN "articles_gone" INTEGER;
        ALTER TABLE "crawl_runs" ADD COLUMN "http_status_counts" TEXT;
        ALTER TABLE "crawl_runs" ADD COLUMN "requests_by_kind" TEXT;
        ALTER TABLE "crawl_runs" ADD COLUMN "fill_published" REAL;
        ALTER TABLE "crawl_runs" ADD COLUMN "fill_authors" REAL;
        ALTER TABLE "crawl_runs" ADD COLUMN "body_words_median" REAL;
        ALTER TABLE "crawl_runs" ADD COLUMN "problems" TEXT;
        """)


@migrations()
def add_search_and_views(db: Database) -> None:
    """Full-text search over title and body, kept current by triggers, and the analysts' views
    (each documented in docs/schema.md)."""
    run_script(db, """
        CREATE VIRTUAL TABLE "articles_fts" USING FTS5 (
            "title", "body",
            tokenize='porter unicode61 remove_diacritics 2',
            content="articles"
        );
        INSERT INTO "articles_fts" (rowid, "title", "body")
            SELECT rowid, "title", "body" FROM "articles";
        CREATE TRIGGER "articles_ai" AFTER INSERT ON "articles" BEGIN
          INSERT INTO "articles_fts" (rowid, "title", "body") VALUES (new.rowid, new."title", new."body");
        END;
        CREATE TRIGGER "articles_ad" AFTER DELETE ON "articles" BEGIN
          INSERT INTO "articles_fts" ("articles_fts", rowid, "title", "body") VALUES('delete', old.rowid, old."title", old."body");
        END;
        CREATE TRIGGER "articles_au" AFTER UPDATE ON "articles" BEGIN
          INSERT INTO "articles_fts" ("articles_fts", rowid, "title", "body") VALUES('delete', old.rowid, old."title", old."body");
          INSERT INTO "articles_fts" (rowid, "title", "body") VALUES (new.rowid, new."title", new."body");
        END;
        CREATE VIEW "articles_by_day" AS select substr(published, 1, 10) as day, category, count(*) as articles
                from articles where gone_since is null group by day, category;
        CREATE VIEW "articles_by_category" AS select c.name as category, count(*) as articles, min(a.published) as first_published,
                       max(a.published) as last_published
                from article_categories ac join categories c on c.id = ac.category_id
                join articles a on a.url = ac.article_url where a.gone_since is null group by c.name;
        CREATE VIEW "articles_by_source" AS select source_domain, count(*) as articles, max(published) as last_published
                from articles where gone_since is null and source_domain is not null group by source_domain;
        CREATE VIEW "latest_articles" AS select a.published, a.title, a.category, a.language, a.word_count,
                       (select group_concat(name, ', ') from (select au.name from article_authors aa
                            join authors au on au.id = aa.author_id where aa.article_url = a.url order by aa.position))
                           as authors,
                       a.source_domain, a.url
                from articles a where a.gone_since is null order by a.published desc;
        """)


@migrations()
def add_run_timings(db: Database) -> None:
    """Where a crawl's time went: seconds spent extracting (all workers) and storing."""
    run_script(db, """
        ALTER TABLE "crawl_runs" ADD COLUMN "extract_seconds" REAL;
        ALTER TABLE "crawl_runs" ADD COLUMN "store_seconds" REAL;
        """)


@migrations()
def compare_dates_as_instants(db: Database) -> None:
    """Pages date themselves with their own offsets, so order by instant; and the search index is
    rewritten only when the title or the body changes, not by every re-check that touches a row."""
    run_script(db, """
        DROP VIEW "latest_articles";
        CREATE VIEW "latest_articles" AS select a.published, a.title, a.category, a.language, a.word_count,
                       (select group_concat(name, ', ') from (select au.name from article_authors aa
                            join authors au on au.id = aa.author_id where aa.article_url = a.url order by aa.position))
                           as authors,
                       a.source_domain, a.url
                from articles a where a.gone_since is null order by datetime(a.published) desc;
        """)
    db.execute("drop trigger if exists articles_au")
    db.execute("""
        create trigger articles_au after update of title, body on articles begin
          insert into articles_fts (articles_fts, rowid, title, body) values ('delete', old.rowid, old.title, old.body);
          insert into articles_fts (rowid, title, body) values (new.rowid, new.title, new.body);
        end""")


@migrations()
def add_unstemmed_search(db: Database) -> None:
    """A second search index, unstemmed, for prefix queries: the porter index holds "immigr" for
    "immigration", so "immigra*" matched nothing there. External content on ``articles`` like
    ``articles_fts`` (the text is stored once), kept current by triggers of its own."""
    db.execute("""
        create virtual table articles_unstemmed_fts using fts5(
          title, body, tokenize = 'unicode61 remove_diacritics 2', content = 'articles')""")
    db.execute("""
        create trigger articles_unstemmed_ai after insert on articles begin
          insert into articles_unstemmed_fts (rowid, title, body) values (new.rowid, new.title, new.body);
        end""")
    db.execute("""
        create trigger articles_unstemmed_ad after delete on articles begin
          insert into articles_unstemmed_fts (articles_unstemmed_fts, rowid, title, body)
            values ('delete', old.rowid, old.title, old.body);
        end""")
    db.execute("""
        create trigger articles_unstemmed_au after update of title, body on articles begin
          insert into articles_unstemmed_fts (articles_unstemmed_fts, rowid, title, body)
            values ('delete', old.rowid, old.title, old.body);
          insert into articles_unstemmed_fts (rowid, title, body) values (new.rowid, new.title, new.body);
        end""")
    db.execute("insert into articles_unstemmed_fts (articles_unstemmed_fts) values ('rebuild')")


@migrations()
def add_extraction_provenance(db: Database) -> None:
    """Which rule set extracted each article's stored version (``smartmag-v10``, ``generic``)."""
    db.execute("alter table articles add column extracted_with text")


@migrations()
def add_run_rule_sets_and_fill_rates(db: Database) -> None:
    """Per run, the articles each rule set extracted and every monitored field's fill rate, as JSON objects;
    the two fill-rate columns they replace move into ``fill_rates``."""
    db.execute("alter table crawl_runs add column rule_set_counts text")
    db.execute("alter table crawl_runs add column fill_rates text")
    db.execute("""
        update crawl_runs set fill_rates = json_object('published', fill_published, 'authors', fill_authors)
        where fill_published is not null or fill_authors is not null""")
    db.execute("alter table crawl_runs drop column fill_published")
    db.execute("alter table crawl_runs drop column fill_authors")


@migrations()
def add_date_precision(db: Database) -> None:
    """How exact each stored date is, in columns of its own: ``instant``, ``local`` or ``date``. Rows stored while
    the precision was a suffix of the date's source (``url, date only``, ``json-ld, local time``) get it from
    there and lose the suffix; other rows with a date source are instants; rows without one stay null."""
    run_script(db, """
        ALTER TABLE "articles" ADD COLUMN "published_precision" TEXT;
        ALTER TABLE "articles" ADD COLUMN "modified_precision" TEXT;
        UPDATE "articles" SET "published_precision" = CASE
            WHEN "published_source" LIKE '%, date only' THEN 'date'
            WHEN "published_source" LIKE '%, local time' THEN 'local'
            ELSE 'instant' END
        WHERE "published" IS NOT NULL AND "published_source" IS NOT NULL;
        UPDATE "articles" SET "modified_precision" = CASE
            WHEN "modified_source" = 'published' THEN "published_precision"
            WHEN "modified_source" LIKE '%, date only' THEN 'date'
            WHEN "modified_source" LIKE '%, local time' THEN 'local'
            ELSE 'instant' END
        WHERE "modified" IS NOT NULL AND "modified_source" IS NOT NULL;
        UPDATE "articles" SET
            "published_source" = replace(replace("published_source", ', date only', ''), ', local time', ''),
            "modified_source" = replace(replace("modified_source", ', date only', ''), ', local time', '');
        """)


@migrations()
def add_warc_archive_pointers(db: Database) -> None:
    """Where each article's latest fetch is archived (a WARC file beside the database, its response record's
    gzip member), and the WARC files each run wrote, as a JSON list."""
    run_script(db, """
        ALTER TABLE "articles" ADD COLUMN "warc_file" TEXT;
        ALTER TABLE "articles" ADD COLUMN "warc_offset" INTEGER;
        ALTER TABLE "articles" ADD COLUMN "warc_length" INTEGER;
        ALTER TABLE "crawl_runs" ADD COLUMN "warc_files" TEXT;
        """)


@migrations()
def add_extractor_versions_and_revision_reasons(db: Database) -> None:
    """Which extractor made each article's stored version, and why each revision was replaced: a crawl
    fetched a changed page, or a re-extraction of the archived page gave another record."""
    run_script(db, """
        ALTER TABLE "articles" ADD COLUMN "extractor_version" TEXT;
        CREATE INDEX "idx_articles_extractor_version"
            ON "articles" ("extractor_version");
        ALTER TABLE "article_revisions" ADD COLUMN "reason" TEXT;
        UPDATE "article_revisions" SET "reason" = 'crawl';
        """)

@migrations()
def add_analysts_indexes(db: Database) -> None:
    """What the analysts' commands read, without reading the article rows (bodies make them a gigabyte at
    100,000 articles): the current articles' short columns in one covering index (counts, fill rates,
    facets, the views by day and by source); articles in the order of their instants (the latest
    articles, exports streamed in order without sorting them all); and the child rows by position, where
    those at position 0 count the articles having any (fill rates). The indexes of category and of source
    alone go: SQLite preferred them for a facet of either in Datasette under a filter on another column,
    and then read every matching row for that column."""
    run_script(db, """
        DROP INDEX "idx_articles_category";
        DROP INDEX "idx_articles_source_domain";
        CREATE INDEX "idx_articles_current"
            ON "articles" ("gone_since", "source_domain", "language", "category", "found_by", "published",
                           "modified", "source_url", "image_url", "title", "description", "url");
        CREATE INDEX "idx_articles_published_instant"
            ON "articles" (datetime("published"), "url");
        CREATE INDEX "idx_article_authors_position"
            ON "article_authors" ("position");
        CREATE INDEX "idx_article_categories_position"
            ON "article_categories" ("position");
        CREATE INDEX "idx_article_tags_position"
            ON "article_tags" ("position");
        CREATE INDEX "idx_related_links_position"
            ON "related_links" ("position");
        """)


def kept_from_stored(record: ArticleRecord, stored: dict) -> set[str]:
    """The fields a stored article keeps when ``record`` replaces it (``stored``: its row, or its record as
    ``load_record`` gives it): the ``KEPT_WHEN_MISSING`` ones the record lacks, the lists of authors,
    categories and tags it lacks, and its related links where the generic path found none, since it finds
    none on any page (site rules that find no related block mean the page shows none now)."""
    kept = {column for column in KEPT_WHEN_MISSING if not getattr(record, column) and stored[column]}
    kept.update(field for field, *_ in LINKED_TERMS if not getattr(record, field))
    if not record.related_links and record.extracted_with == GENERIC:
        kept.add("related_links")
    return kept


@dataclass(frozen=True)
class KnownArticle:
    """What a crawl needs to know of a stored article to decide whether to fetch it again."""

    url: str
    published: str | None
    last_checked: str | None
    etag: str | None
    http_last_modified: str | None
    gone_since: str | None


@dataclass(frozen=True)
class CrawlState:
    """What a crawl reads of the earlier ones when it starts, in one read."""

    known: dict[str, KnownArticle]
    walked_listings: set[str]
    last_finished_run_started: str | None
    due_for_recheck: list[KnownArticle]
    failed_urls_to_retry: list[str]


def now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def read_only_connection(path: str | Path) -> sqlite3.Connection:
    """A connection that cannot write to the file at ``path`` (SQLite's ``mode=ro``), whatever its schema."""
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_SECONDS)


class ArticleStore:
    """Reads and writes of one database file (``":memory:"`` for tests)."""

    @classmethod
    def for_reading(cls, path: str | Path) -> ArticleStore:
        """The crawl database at ``path``, read-only: no migration, no write, so reading needs no write access
        and never changes the file under a crawl.

        Raises DatabaseMissing; NotACrawlDatabase for an empty file, a file that is no SQLite database
        or one without our migrations; DatabaseLocked; OutdatedSchema when it is ours but lacks migrations
        of this version; UnreadableDatabase when SQLite cannot read it otherwise.
        """
        path = Path(path)
        if not path.exists():
            raise DatabaseMissing(f"no database at {path}")
        if path.is_dir():
            raise NotACrawlDatabase(f"{path} is a folder, not a database")
        if path.stat().st_size == 0:
            # SQLite takes an empty file for an empty database: only a crawl may give it a schema.
            raise NotACrawlDatabase(f"{path} is empty: no crawl has written it")
        store = cls.__new__(cls)
        store.db = Database(read_only_connection(path))
        store.term_ids = {}
        try:
            applied = migrations.applied(store.db)
            pending = [migration.name for migration in migrations.pending(store.db)]
        except sqlite3.DatabaseError as error:
            store.close()
            raise read_error(path, error) from None
        if not applied:
            store.close()
            raise NotACrawlDatabase(f"{path} is no potus-crawler database (it holds no potus-crawler schema)")
        if pending:
            store.close()
            raise OutdatedSchema(f"{path} lacks the migrations {', '.join(pending)}")
        return store

    def __init__(self, path: str | Path):
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.db = Database(path if str(path) == ":memory:" else Path(path))
        self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
        self.db.execute("PRAGMA foreign_keys = ON")
        if str(path) != ":memory:":
            self.db.enable_wal()
            # In WAL mode NORMAL cannot corrupt the file; a power cut may lose the last commits, which the
            # next crawl fetches again. FULL would sync every article to disk.
            self.db.execute("PRAGMA synchronous = NORMAL")
        migrations.apply(self.db)
        self.term_ids: dict[tuple[str, str], int] = {}

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A transaction, or a savepoint inside one: on an error, rolled back whole with the ids cached in it."""
        try:
            with self.db.atomic():
                yield
        except BaseException:
            # Ids of terms inserted in the rolled-back transaction are gone with it.
            self.term_ids.clear()
            raise

    def save_article(self, record: ArticleRecord, run_id: int | None = None, *, found_by: str | None = None,
                     etag: str | None = None, http_last_modified: str | None = None,
                     archived: WarcPointer | None = None, reason: str = CRAWL) -> str:
        """Store one article with its children: NEW, CHANGED (the stored version kept) or UNCHANGED.

        ``reason`` says where the record comes from: CRAWL, a page just fetched; REEXTRACT, an archived page
        extracted again, which changes what was extracted only: ``FETCH_COLUMNS`` stay as stored.
        ``archived`` points at a fetched page's WARC record; an article fetched without one keeps the pointer
        it had only when its fields are all as stored (the record there still gives what is stored).
        """
        seen = now()
        row = {
            **{column: getattr(record, column) for column in ARTICLE_COLUMNS},
            "category": record.categories[0] if record.categories else None,
            "source_domain": urlsplit(record.source_url).hostname if record.source_url else None,
            "extractor_version": extractor_version(record.extracted_with), "last_run_id": run_id,
        }
        if reason == CRAWL:
            row.update(last_seen=seen, last_checked=seen, etag=etag, http_last_modified=http_last_modified,
                       gone_since=None, gone_status=None,
                       **dict(zip(WARC_COLUMNS, (archived.file, archived.offset, archived.length) if archived
                                  else (None,) * len(WARC_COLUMNS))))
        with self.transaction():
            stored = next(iter(self.db.query("select * from articles where url = ?", [record.url])), None)
            kept = kept_from_stored(record, stored) if stored is not None else set()
            row.update({column: stored[column] for column in KEPT_WHEN_MISSING if column in kept})
            if stored is None:
                outcome = NEW
                row.update(first_seen=seen, found_by=found_by)
            elif any(stored[column] != row[column] for column in VERSIONED_COLUMNS):
                outcome = CHANGED
                self.db.execute(REVISION_INSERT, [record.url, run_id, seen, reason,
                                                  *(stored[column] for column in REVISION_COLUMNS)])
            else:
                outcome = UNCHANGED
                if reason == CRAWL and archived is None and all(row[column] == stored[column]
                                                                  for column in ARTICLE_COLUMNS):
                    # Only a page that still gives the stored fields may stay their record's source: a
                    # re-extraction of an older page would take back what this fetch brought.
                    row.update({column: stored[column] for column in WARC_COLUMNS})
            self.upsert_row(row)
            for field, terms, links, column in LINKED_TERMS:
                if field in kept:
                    continue
                self.db.execute(f"delete from [{links}] where article_url = ?", [record.url])
                self.db.conn.executemany(
                    f"insert into [{links}] (article_url, {column}, position) values (?, ?, ?)",
                    [(record.url, self.term_id(terms, name), position)
                     for position, name in enumerate(getattr(record, field))])
            if "related_links" in kept:
                return outcome
            self.db.execute("delete from related_links where article_url = ?", [record.url])
            self.db.conn.executemany(
                "insert into related_links (article_url, position, url, title, published) values (?, ?, ?, ?, ?)",
                [(record.url, position, link.url, link.title, link.published)
                 for position, link in enumerate(record.related_links)])
        return outcome

    def upsert_row(self, row: dict) -> None:
        """Insert the article row or update the columns it names; sqlite-utils' upsert re-reads the schema each time."""
        columns = list(row)
        self.db.execute(
            f"insert into articles ({', '.join(columns)}) values ({', '.join('?' * len(columns))}) on conflict(url) "
            f"do update set {', '.join(f'{c} = excluded.{c}' for c in columns if c != 'url')}",
            [row[c] for c in columns])

    def term_id(self, table: str, name: str) -> int:
        """The id of an author, category or tag, created on first use; cached, as a crawl repeats them all."""
        key = (table, name)
        if key not in self.term_ids:
            self.db.execute(f"insert or ignore into [{table}] (name) values (?)", [name])
            self.term_ids[key] = self.db.execute(f"select id from [{table}] where name = ?", [name]).fetchone()[0]
        return self.term_ids[key]

    def mark_not_modified(self, url: str, run_id: int | None = None) -> None:
        """The site answered 304 Not Modified: the stored version is current."""
        seen = now()
        with self.db.atomic():
            self.db.execute("update articles set last_seen = ?, last_checked = ?, last_run_id = ?, gone_since = null, "
                            "gone_status = null where url = ?", [seen, seen, run_id, url])

    def mark_gone(self, url: str, http_status: int, run_id: int | None = None) -> bool:
        """The site answers 404/410 for a stored article: mark it, keep it. True when it just went."""
        checked = now()
        with self.db.atomic():
            stored = next(iter(self.db.query("select gone_since from articles where url = ?", [url])), None)
            if stored is None:
                return False
            self.db.execute("update articles set gone_since = coalesce(gone_since, ?), gone_status = ?, "
                            "last_checked = ?, last_run_id = ? where url = ?", [checked, http_status, checked, run_id, url])
        return stored["gone_since"] is None

    def set_extractor_version(self, url: str, version: str | None) -> None:
        """A re-extraction found the stored record unchanged: the current extractor's stamp is its stamp now."""
        with self.db.atomic():
            self.db.execute("update articles set extractor_version = ? where url = ?", [version, url])

    def record_failure(self, url: str, reason: str, http_status: int | None = None,
                       run_id: int | None = None) -> None:
        with self.db.atomic():
            self.db["failures"].insert({"run_id": run_id, "url": url, "reason": reason,
                                        "http_status": http_status, "at": now()})

    def start_run(self, spider: str, base_url: str) -> int:
        with self.db.atomic():
            table = self.db["crawl_runs"].insert({"spider": spider, "base_url": base_url, "started": now(),
                                                  "status": "running"})
        return table.last_pk

    def finish_run(self, run_id: int, status: str, **counts: int | float | str | dict | None) -> None:
        values = {name: json.dumps(value, sort_keys=True) if isinstance(value, dict) else value
                  for name, value in counts.items()}
        with self.db.atomic():
            self.db["crawl_runs"].update(run_id, {"finished": now(), "status": status, **values})

    def add_run_warc_file(self, run_id: int, name: str) -> None:
        with self.db.atomic():
            self.db.execute("update crawl_runs set warc_files = json_insert(coalesce(warc_files, '[]'), '$[#]', ?) "
                            "where id = ?", [name, run_id])

    def forget_warc_files(self, names: list[str]) -> None:
        """Files retention deleted leave their runs' lists, which name the files kept."""
        with self.db.atomic():
            for name in names:
                self.db.execute("update crawl_runs set warc_files = (select json_group_array(j.value) from "
                                "json_each(warc_files) j where j.value != ?) where warc_files is not null "
                                "and exists (select 1 from json_each(warc_files) where value = ?)", [name, name])

    def mark_interrupted_runs(self) -> int:
        """Runs still marked running when a new one holds the lock died without closing; say so."""
        with self.db.atomic():
            return self.db.execute("update crawl_runs set status = 'interrupted' where status = 'running'").rowcount

    def mark_listings_walked(self, urls: list[str], run_id: int | None = None) -> None:
        """Listings walked to their last page in a crawl that finished: later crawls may stop early in them."""
        walked = now()
        with self.db.atomic():
            self.db["listing_walks"].upsert_all(
                ({"url": url, "walked_to_end": walked, "run_id": run_id} for url in urls), pk="url")

    # -- reads -----------------------------------------------------------------------

    def load_record(self, url: str) -> dict | None:
        """An article as its record dict again, children included; None when not stored."""
        return self.load_records([url]).get(url)

    def load_records(self, urls: list[str]) -> dict[str, dict]:
        """Articles as their record dicts again, children included, by URL (one query a table for them all);
        the ones not stored are left out."""
        marks = ", ".join("?" * len(urls))
        records = {row["url"]: {**{name: row[name] for name in ARTICLE_COLUMNS},
                                **{field: [] for field, *_ in LINKED_TERMS}, "related_links": []}
                   for row in self.db.query(f"select * from articles where url in ({marks})", urls)}
        for field, terms, links, column in LINKED_TERMS:
            for row in self.db.query(f"select l.article_url, t.name from [{links}] l join [{terms}] t "
                                     f"on t.id = l.{column} where l.article_url in ({marks}) "
                                     "order by l.article_url, l.position", urls):
                records[row["article_url"]][field].append(row["name"])
        for row in self.db.query("select article_url, url, title, published from related_links "
                                 f"where article_url in ({marks}) order by article_url, position", urls):
            records[row.pop("article_url")]["related_links"].append(row)
        return records

    def stamps(self, urls: list[str]) -> dict[str, str | None]:
        """The stored ``extractor_version`` of each article stored at one of ``urls``."""
        return dict(self.db.execute(f"select url, extractor_version from articles where url in "
                                    f"({', '.join('?' * len(urls))})", urls).fetchall())

    def crawl_state(self, recheck_published_since: str | None, recheck_checked_before: str,
                    failed_since: str) -> CrawlState:
        """Everything a starting crawl needs: the re-check bounds and retry start as ``due_for_recheck``
        and ``failed_urls_to_retry`` take them."""
        return CrawlState(self.known_articles(), self.walked_listings(), self.last_finished_run_started(),
                          self.due_for_recheck(recheck_published_since, recheck_checked_before),
                          self.failed_urls_to_retry(failed_since))

    def known_articles(self) -> dict[str, KnownArticle]:
        return {row["url"]: KnownArticle(**row) for row in self.db.query(
            "select url, published, last_checked, etag, http_last_modified, gone_since from articles")}

    def due_for_recheck(self, published_since: str | None, checked_before: str) -> list[KnownArticle]:
        """Stored articles, not gone, published since the date (all when None), not checked since the time."""
        return [KnownArticle(**row) for row in self.db.query(
            "select url, published, last_checked, etag, http_last_modified, gone_since from articles "
            "where gone_since is null and (:since is null or datetime(published) >= datetime(:since)) "
            "and coalesce(last_checked, '') < :checked_before order by datetime(published) desc",
            {"since": published_since, "checked_before": checked_before})]

    def failed_urls_to_retry(self, failed_since: str) -> list[str]:
        """Pages that failed since the time and are still not stored: a later crawl tries them again."""
        return [row["url"] for row in self.db.query(
            "select distinct url from failures where at >= ? and url not in (select url from articles) order by url",
            [failed_since])]

    def last_finished_run_started(self) -> str | None:
        """When the last crawl that ran to its end started: what a sitemap dated before it held, it has seen."""
        return self.db.execute("select max(started) from crawl_runs where status in ('finished', 'unhealthy') "
                               "and spider is not ?", [REEXTRACT_RUN]).fetchone()[0]

    def walked_listings(self) -> set[str]:
        return {row["url"] for row in self.db.query("select url from listing_walks")}

    def recent_runs(self, limit: int, before_id: int | None = None, min_extracted: int = 0) -> list[dict]:
        """The latest healthy finished runs (newest first) that extracted at least ``min_extracted`` articles.

        A monitor compares a run with these: small runs' fill rates are noise, and an unhealthy
        run in the history would make a broken layout look normal after a few runs. JSON columns
        come as dicts, as ``finish_run`` took them.
        """
        rows = self.db.query(
            "select * from crawl_runs where status = 'finished' and spider is not :reextract "
            "and id < coalesce(:before, 1e18) "
            "and coalesce(articles_extracted, 0) >= :min_extracted order by id desc limit :limit",
            {"before": before_id, "limit": limit, "min_extracted": min_extracted, "reextract": REEXTRACT_RUN})
        return [{name: json.loads(value) if name in RUN_JSON_COLUMNS and value else value
                 for name, value in row.items()} for row in rows]

    def warc_files_by_run(self) -> dict[int, list[str]]:
        """The WARC files each run wrote (and retention kept), oldest run first."""
        return {row["id"]: json.loads(row["warc_files"]) for row in self.db.query(
            "select id, warc_files from crawl_runs where warc_files is not null order by id")}

    def warc_pointers(self) -> list[tuple[str, str, int, int]]:
        """(url, warc_file, warc_offset, warc_length) of every article with an archived record."""
        return [tuple(row) for row in self.db.execute(
            "select url, warc_file, warc_offset, warc_length from articles where warc_file is not null order by url")]

    def article_urls(self) -> list[str]:
        return [row["url"] for row in self.db.query("select url from articles order by url")]

    def articles_per_category(self) -> list[tuple[str, int]]:
        return [(row["category"], row["n"]) for row in self.db.query(
            "select category, count(*) as n from articles group by category order by n desc, category")]
