"""Frozen migrations: a database the first version made, upgraded, has the schema of a new one and keeps
its rows; the schema a new database gets does not follow the code's constants; a released migration runs
the statements it ran when it was released."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest
from sqlite_utils import Database

from extractors import ArticleRecord
from potus_crawler import storage
from potus_crawler.storage import UNCHANGED, ArticleStore, migrations

#: The migrations in the order they apply (all are pending on an empty database).
MIGRATION_NAMES = [migration.name for migration in migrations.pending(Database(memory=True))]

URL = "https://potusnews.news/senate-passes-budget/"
#: An article row as the first version wrote it, with the children of its three term tables.
FIRST_VERSION_ARTICLE = {
    "url": URL, "title": "Senate Passes Budget Resolution", "body": "Senators voted late at night.\n\nThe vote was 51 to 49.",
    "published": "2025-04-05T02:10:00+00:00", "published_raw": "April 5, 2025", "modified": "2025-04-05T02:10:00+00:00",
    "category": "Congress", "language": "en", "source_url": "https://apnews.com/article/senate-budget-9f8e",
    "source_domain": "apnews.com", "image_url": "https://potusnews.news/budget.jpg",
    "description": "Senators voted late at night.", "word_count": 11, "first_seen": "2025-04-05T03:00:00+00:00",
    "last_seen": "2025-04-05T03:00:00+00:00", "last_run_id": 1,
}
FIRST_VERSION_TERMS = (
    # (term table, link table, link column, names in order)
    ("authors", "article_authors", "author_id", ["potus", "Dana Whitfield"]),
    ("categories", "article_categories", "category_id", ["Congress", "Economy"]),
    ("tags", "article_tags", "tag_id", ["Senate", "Budget"]),
)
FAILED_URL = "https://potusnews.news/broken/"

#: What each released migration runs: a digest of its statements' text, in order. A migration in this
#: table is never edited: a database it upgraded would not get the edit, a new one would. Pin a migration
#: here once a release carries it.
RELEASED_MIGRATIONS = {
    "create_articles": "30a96fbdc26a8819",
    "add_date_provenance": "5188b3b14ea94728",
    "add_incremental_state": "b96dc863d997a74e",
    "add_search_and_views": "1798b8c7bb5157fd",
    "add_run_timings": "34f1533b537b6f4e",
    "compare_dates_as_instants": "2e040dd0167d2299",
    "add_unstemmed_search": "35c04cd020b5fcce",
}


def schema(db: Database) -> dict:
    """Every table, index, trigger and view with its SQL (runs of spaces and line breaks made one space),
    and every table's columns as ``pragma table_xinfo`` gives them (``table_info`` and FTS5's hidden ones)."""
    objects = {f"{kind} {name}": " ".join(sql.split()) if sql else None
               for kind, name, sql in db.execute("select type, name, sql from sqlite_master order by type, name")}
    columns = {name: db.execute(f'pragma table_xinfo("{name}")').fetchall()
               for name in db.table_names()}
    return {"objects": objects, "columns": columns}


def fresh_schema(tmp_path) -> dict:
    store = ArticleStore(tmp_path / "fresh.db")
    try:
        return schema(store.db)
    finally:
        store.close()


def first_version_database(path) -> None:
    """The first version's database: its one migration, then one run, one failure and one article with its
    children, written with the sqlite-utils calls that version made."""
    db = Database(path)
    migrations.apply(db, stop_before=MIGRATION_NAMES[1])
    run_id = db["crawl_runs"].insert({"spider": "potus", "base_url": "https://potusnews.news",
                                      "started": "2025-04-05T03:00:00+00:00", "status": "running"}).last_pk
    db["failures"].insert({"run_id": run_id, "url": FAILED_URL, "reason": "HTTP 500", "http_status": 500,
                           "at": "2025-04-05T03:00:01+00:00"})
    db["articles"].upsert(FIRST_VERSION_ARTICLE, pk="url")
    for terms, links, column, names in FIRST_VERSION_TERMS:
        db[links].insert_all(({"article_url": URL, column: db[terms].lookup({"name": name}), "position": position}
                              for position, name in enumerate(names)), pk=("article_url", "position"))
    db["related_links"].insert_all([{"article_url": URL, "position": 0, "url": "https://potusnews.news/house-vote/",
                                     "title": "House Vote Next", "published": None}], pk=("article_url", "position"))
    db["crawl_runs"].update(run_id, {"finished": "2025-04-05T03:00:09+00:00", "status": "finished",
                                     "pages_fetched": 2, "articles_new": 1, "failures": 1})
    db.close()


@pytest.fixture
def upgraded(tmp_path):
    """The first version's database opened by today's store, which applies the migrations it lacks."""
    path = tmp_path / "first.db"
    first_version_database(path)
    store = ArticleStore(path)
    yield store
    store.close()


def test_a_database_of_the_first_schema_upgraded_has_the_schema_of_a_new_one(upgraded, tmp_path):
    assert [migration.name for migration in migrations.applied(upgraded.db)] == MIGRATION_NAMES
    assert schema(upgraded.db) == fresh_schema(tmp_path)


def test_the_rows_of_the_first_version_survive_the_upgrade(upgraded):
    record = upgraded.load_record(URL)
    assert record == {
        # Columns added since are null, as the first version had no value for them.
        **{column: FIRST_VERSION_ARTICLE.get(column) for column in storage.ARTICLE_COLUMNS},
        **{terms: names for terms, _links, _column, names in FIRST_VERSION_TERMS},
        "related_links": [{"url": "https://potusnews.news/house-vote/", "title": "House Vote Next", "published": None}],
    }
    row = upgraded.db["articles"].get(URL)
    assert row["last_checked"] == row["last_seen"] and row["gone_since"] is None
    assert [run["pages_fetched"] for run in upgraded.recent_runs(5)] == [2]
    assert upgraded.failed_urls_to_retry("2000") == [FAILED_URL]


def search_hits(store: ArticleStore, index: str, query: str) -> list[str]:
    return [row["url"] for row in store.db.query(
        f"select a.url from {index} join articles a on a.rowid = {index}.rowid where {index} match ?", [query])]


def index_agrees_with_articles(store: ArticleStore, index: str) -> bool:
    """FTS5's check of an external-content index against the rows of ``articles``."""
    try:
        store.db.execute(f"insert into {index} ({index}, rank) values ('integrity-check', 1)")
    except sqlite3.DatabaseError:
        return False
    return True


def test_the_search_indexes_hold_the_articles_stored_before_them_and_follow_later_writes(upgraded):
    # "voting" is stemmed to "vote" in the porter index; the unstemmed one finds "Senat…" as a prefix.
    assert search_hits(upgraded, "articles_fts", "voting") == [URL]
    assert search_hits(upgraded, "articles_unstemmed_fts", '"senat"*') == [URL]
    assert upgraded.save_article(ArticleRecord.from_dict(upgraded.load_record(URL))) == UNCHANGED
    upgraded.db.execute("update articles set title = 'Budget Resolution Adopted' where url = ?", [URL])
    assert search_hits(upgraded, "articles_unstemmed_fts", 'title:"adopt"*') == [URL]
    assert all(index_agrees_with_articles(upgraded, index) for index in ("articles_fts", "articles_unstemmed_fts"))


def changed(value):
    """A constant as a later version might have it: one entry fewer, or other text or number."""
    if isinstance(value, dict):
        return dict(list(value.items())[1:])
    if isinstance(value, (tuple, list)):
        return value[1:]
    if isinstance(value, str):
        return f"{value} changed"
    return value + 1


def test_the_schema_a_new_database_gets_does_not_follow_the_storage_constants(monkeypatch):
    db = Database(memory=True)
    migrations.apply(db)
    expected = schema(db)
    constants = [name for name, value in vars(storage).items()
                 if name.isupper() and isinstance(value, (tuple, list, dict, str, int, float))]
    assert "LINKED_TERMS" in constants and "ARTICLE_COLUMNS" in constants
    for name in constants:
        monkeypatch.setattr(storage, name, changed(getattr(storage, name)))
    db = Database(memory=True)
    migrations.apply(db)
    assert schema(db) == expected, "a migration reads a constant of storage: write its SQL out"


class StatementLog:
    """The database a migration is handed, as far as migrations may use it: each statement runs on ``db``
    and its text is kept."""

    def __init__(self, db: Database):
        self.db = db
        self.statements: list[str] = []

    def execute(self, sql: str, parameters=None) -> sqlite3.Cursor:
        self.statements.append(sql)
        return self.db.execute(sql, parameters)


def test_released_migrations_run_the_statements_they_ran_when_released():
    db = Database(memory=True)
    digests = {}
    for migration in migrations.pending(db):
        log = StatementLog(db)
        migration.fn(log)
        digests[migration.name] = hashlib.sha256("\n".join(log.statements).encode()).hexdigest()[:16]
    assert MIGRATION_NAMES[:len(RELEASED_MIGRATIONS)] == list(RELEASED_MIGRATIONS), "released migrations renamed or moved"
    assert {name: digests[name] for name in RELEASED_MIGRATIONS} == RELEASED_MIGRATIONS, (
        "a released migration was edited: restore it and make the change a new migration")


def test_date_precision_moves_out_of_the_date_sources_into_its_own_columns():
    db = Database(memory=True)
    migrations.apply(db, stop_before="add_date_precision")
    rows = [  # (url, published, published_source, modified, modified_source)
        ("https://potusnews.news/a/", "2025-04-05", "url, date only", "2025-04-05", "published"),
        ("https://potusnews.news/b/", "2025-04-05T02:10:00+02:00", "json-ld, local time",
         "2025-04-06", "byline, date only"),
        ("https://potusnews.news/c/", "2025-04-05T02:10:00+00:00", "meta", "2025-04-05T02:10:00+00:00", "published"),
        ("https://potusnews.news/d/", "2025-04-05T02:10:00+00:00", None, None, None),
    ]
    db["articles"].insert_all([{"url": url, "title": "T", "body": "B", "published": published,
                                "published_source": published_source, "modified": modified,
                                "modified_source": modified_source}
                               for url, published, published_source, modified, modified_source in rows])
    migrations.apply(db)
    assert [tuple(row) for row in db.execute(
        "select published_source, published_precision, modified_source, modified_precision from articles order by url")
    ] == [("url", "date", "published", "date"), ("json-ld", "local", "byline", "date"),
          ("meta", "instant", "published", "instant"), (None, None, None, None)]
