"""Read-only questions analysts ask of the database: what is in it, full-text search, exports.

Every function reads through a cursor and yields rows one at a time, so an export of
the whole database runs in constant memory.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from sqlite_utils import Database

from potus_crawler.storage import LINKED_TERMS

#: Article columns an export writes; the lists of LINKED_TERMS (authors, categories, tags) follow them.
EXPORT_COLUMNS = ("url", "title", "published", "modified", "category", "language", "source_url", "source_domain",
                  "image_url", "description", "word_count", "body", "first_seen", "last_checked", "found_by")
SNIPPET_WORDS = 16
#: The search indexes over articles' title and body (storage's migrations make them): stemmed, so
#: "immigrants" finds "immigrant"; and unstemmed, where a prefix matches the words as written.
STEMMED_INDEX, UNSTEMMED_INDEX = "articles_fts", "articles_unstemmed_fts"
SEARCH_INDEXES = (STEMMED_INDEX, UNSTEMMED_INDEX)


def scalar(db: Database, sql: str) -> int | str | None:
    return db.execute(sql).fetchone()[0]


def headline_figures(db: Database) -> dict:
    """The figures at the top of the page. Counts are of articles still on the site (not gone) unless named."""
    figures = {
        "articles": scalar(db, "select count(*) from articles where gone_since is null"),
        "gone": scalar(db, "select count(*) from articles where gone_since is not null"),
        "revisions": scalar(db, "select count(*) from article_revisions"),
    }
    # Terms in use by stored articles: the term tables also keep names only gone or edited articles had.
    for _field, terms, links, column in LINKED_TERMS:
        figures[terms] = scalar(db, f"select count(distinct l.{column}) from [{links}] l "
                                    "join articles a on a.url = l.article_url where a.gone_since is null")
    figures.update(
        sources=scalar(db, "select count(*) from articles_by_source"),
        languages=scalar(db, "select count(distinct language) from articles where gone_since is null"),
        first_published=scalar(db, "select substr(min(published), 1, 10) from articles where gone_since is null"),
        last_published=scalar(db, "select substr(max(published), 1, 10) from articles where gone_since is null"),
    )
    filled = {
        "published": "coalesce(published, '') != ''",
        "authors": "url in (select article_url from article_authors)",
        "source_url": "coalesce(source_url, '') != ''",
        "image_url": "coalesce(image_url, '') != ''",
    }
    # None rather than 0 % for an empty database: nothing is unfilled yet.
    stored = figures["articles"]
    figures["fill_rates"] = {
        field: (scalar(db, f"select count(*) from articles where gone_since is null and {condition}") / stored
                if stored else None)
        for field, condition in filled.items()}
    figures["last_run"] = next(db.query(
        "select id, started, status, requests, articles_new as new, articles_updated as updated, "
        "articles_unchanged as unchanged from crawl_runs order by id desc limit 1"), None)
    return figures


def last_runs(db: Database, limit: int = 5) -> list[dict]:
    return list(db.query(
        "select id, started, finished, status, requests, articles_new, articles_updated, articles_unchanged, "
        "articles_gone, failures, problems from crawl_runs order by id desc limit ?", [limit]))


def search(db: Database, terms: str, limit: int = 10) -> list[dict]:
    """Articles matching ``terms`` (FTS5 syntax: words, "phrases", OR, prefix*), best first, with a snippet.

    Terms that are no valid FTS5 query (a stray quote or colon) are searched as plain words.
    """
    sql = (f"select a.url, a.title, a.published, snippet(articles_fts, 1, '[', ']', '…', {SNIPPET_WORDS}) as snippet "
           "from articles_fts join articles a on a.rowid = articles_fts.rowid "
           "where articles_fts match :terms and a.gone_since is null order by rank limit :limit")
    try:
        return list(db.query(sql, {"terms": terms, "limit": limit}))
    except sqlite3.OperationalError:
        return list(db.query(sql, {"terms": db.quote_fts(terms), "limit": limit}))


def export_rows(db: Database, since: str | None = None, category: str | None = None) -> Iterator[dict]:
    """Every stored article (gone ones too, marked), oldest first, its lists as JSON arrays.

    ``since`` keeps articles published on or after that ISO date; ``category`` keeps articles
    filed under that category name, primary or not.
    """
    lists = ", ".join(
        f"(select json_group_array(name) from (select t.name from [{links}] l join [{terms}] t on t.id = l.{column} "
        f"where l.article_url = a.url order by l.position)) as {field}"
        for field, terms, links, column in LINKED_TERMS)
    sql = (f"select {', '.join(f'a.{c}' for c in EXPORT_COLUMNS)}, a.gone_since, {lists} from articles a "
           "where (:since is null or datetime(a.published) >= datetime(:since)) and (:category is null or exists ("
           "select 1 from article_categories ac join categories c on c.id = ac.category_id "
           "where ac.article_url = a.url and c.name = :category)) order by datetime(a.published), a.url")
    yield from db.query(sql, {"since": since, "category": category})
