"""The SQLite database analysts query: schema (as migrations) and every write the crawler makes.

One article is written in one transaction (its row and all its child rows), so a
crash or a failing record never leaves an article half-stored; WAL mode lets
analysts read while a crawl writes.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from extractors import ArticleRecord

#: Children of an article, each replaced whole when the article is stored again.
LINKED_TERMS = (
    # (record field, term table, link table, link column)
    ("authors", "authors", "article_authors", "author_id"),
    ("categories", "categories", "article_categories", "category_id"),
    ("tags", "tags", "article_tags", "tag_id"),
)

#: Record fields stored as columns of ``articles`` under their own name.
ARTICLE_COLUMNS = ("url", "title", "body", "published", "published_raw", "published_source", "modified",
                   "modified_raw", "modified_source", "language", "source_url", "image_url", "description",
                   "word_count")

migrations = Migrations("potus_crawler")


@migrations()
def create_articles(db: Database) -> None:
    db["articles"].create({
        "url": str, "title": str, "body": str, "published": str, "published_raw": str, "modified": str,
        "category": str, "language": str, "source_url": str, "source_domain": str, "image_url": str,
        "description": str, "word_count": int, "first_seen": str, "last_seen": str, "last_run_id": int,
    }, pk="url", not_null={"title", "body"})
    for field, terms, links, column in LINKED_TERMS:
        db[terms].create({"id": int, "name": str}, pk="id")
        db[terms].create_index(["name"], unique=True)
        db[links].create({"article_url": str, column: int, "position": int},
                         pk=("article_url", "position"),
                         foreign_keys=[("article_url", "articles", "url"), (column, terms, "id")])
        db[links].create_index([column])
    db["related_links"].create({"article_url": str, "position": int, "url": str, "title": str, "published": str},
                               pk=("article_url", "position"), foreign_keys=[("article_url", "articles", "url")])
    db["related_links"].create_index(["url"])
    db["crawl_runs"].create({
        "id": int, "spider": str, "base_url": str, "started": str, "finished": str, "status": str,
        "finish_reason": str, "pages_fetched": int, "articles_new": int, "articles_updated": int,
        "failures": int, "dropped": int, "not_articles": int, "http_errors": int,
    }, pk="id")
    db["failures"].create({"id": int, "run_id": int, "url": str, "reason": str, "http_status": int, "at": str},
                          pk="id", foreign_keys=[("run_id", "crawl_runs", "id")])
    db["failures"].create_index(["url"])
    db["articles"].create_index(["published"])
    db["articles"].create_index(["category"])
    db["articles"].create_index(["source_domain"])


@migrations()
def add_date_provenance(db: Database) -> None:
    for column in ("published_source", "modified_raw", "modified_source"):
        db["articles"].add_column(column, str)


def now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


class ArticleStore:
    """Reads and writes of one database file (``":memory:"`` for tests)."""

    def __init__(self, path: str | Path):
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.db = Database(path if str(path) == ":memory:" else Path(path))
        self.db.execute("PRAGMA busy_timeout = 5000")
        self.db.execute("PRAGMA foreign_keys = ON")
        if str(path) != ":memory:":
            self.db.enable_wal()
        migrations.apply(self.db)

    def close(self) -> None:
        self.db.close()

    def upsert_article(self, record: ArticleRecord, run_id: int | None = None) -> bool:
        """Store one article with its children; True when it was new."""
        seen = now()
        row = {
            **{column: getattr(record, column) for column in ARTICLE_COLUMNS},
            "category": record.categories[0] if record.categories else None,
            "source_domain": urlsplit(record.source_url).hostname if record.source_url else None,
            "last_seen": seen, "last_run_id": run_id,
        }
        with self.db.atomic():
            existing = self.db.query("select first_seen from articles where url = ?", [record.url])
            first_seen = next(iter(existing), {}).get("first_seen")
            self.db["articles"].upsert({**row, "first_seen": first_seen or seen}, pk="url")
            for field, terms, links, column in LINKED_TERMS:
                self.db.execute(f"delete from [{links}] where article_url = ?", [record.url])
                self.db[links].insert_all(
                    ({"article_url": record.url, column: self.db[terms].lookup({"name": name}), "position": position}
                     for position, name in enumerate(getattr(record, field))),
                    pk=("article_url", "position"))
            self.db.execute("delete from related_links where article_url = ?", [record.url])
            self.db["related_links"].insert_all(
                ({"article_url": record.url, "position": position, "url": link.url, "title": link.title,
                  "published": link.published} for position, link in enumerate(record.related_links)),
                pk=("article_url", "position"))
        return first_seen is None

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

    def finish_run(self, run_id: int, status: str, **counts: int | str | None) -> None:
        with self.db.atomic():
            self.db["crawl_runs"].update(run_id, {"finished": now(), "status": status, **counts})

    # -- reads -----------------------------------------------------------------------

    def load_record(self, url: str) -> dict | None:
        """An article as its record dict again, children included; None when not stored."""
        rows = list(self.db.query("select * from articles where url = ?", [url]))
        if not rows:
            return None
        row = rows[0]
        record = {name: row[name] for name in ARTICLE_COLUMNS}
        for field, terms, links, column in LINKED_TERMS:
            record[field] = [r["name"] for r in self.db.query(
                f"select t.name from [{links}] l join [{terms}] t on t.id = l.{column} "
                "where l.article_url = ? order by l.position", [url])]
        record["related_links"] = [dict(r) for r in self.db.query(
            "select url, title, published from related_links where article_url = ? order by position", [url])]
        return record

    def article_urls(self) -> list[str]:
        return [row["url"] for row in self.db.query("select url from articles order by url")]

    def articles_per_category(self) -> list[tuple[str, int]]:
        return [(row["category"], row["n"]) for row in self.db.query(
            "select category, count(*) as n from articles group by category order by n desc, category")]

    def fill_rates(self) -> dict[str, float]:
        """Share of stored articles with each field filled, children tables included."""
        total = self.db["articles"].count
        if not total:
            return {}
        columns = ("published", "modified", "language", "source_url", "image_url", "description")
        rates = {column: self.db.execute(f"select count(*) from articles where coalesce([{column}], '') != ''")
                 .fetchone()[0] / total for column in columns}
        for field, _terms, links, _column in LINKED_TERMS + (("related_links", None, "related_links", None),):
            rates[field] = self.db.execute(f"select count(distinct article_url) from [{links}]").fetchone()[0] / total
        return rates
