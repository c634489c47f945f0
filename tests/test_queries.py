"""What analysts ask of the database: headline figures, search, export; and the CLI commands that print them."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from potus_crawler import export
from potus_crawler.cli import main, open_existing
from potus_crawler.queries import (LIST_FIELDS, SEARCH_INDEXES, NoSearchableWord, export_rows, fts_query,
                                   headline_figures, search)
from potus_crawler.storage import ArticleStore, OutdatedSchema, migrations
from test_storage import make_record


@pytest.fixture
def store(demo_db):
    store = ArticleStore(demo_db)
    yield store
    store.close()


def test_headline_figures_count_what_is_stored(store, built_site):
    figures = headline_figures(store.db)
    assert figures["articles"] == len(built_site.expected_records) and figures["gone"] == 0
    assert figures["categories"] == 18
    assert figures["sources"] == len({r["source_url"].split("/")[2] for r in built_site.expected_records.values()
                                      if r["source_url"]})
    assert figures["first_published"] == min(r["published"] for r in built_site.expected_records.values())[:10]


def test_search_ranks_the_article_about_the_terms_first_with_a_snippet(store):
    hits = search(store.db, "Hegseth confirmation")
    assert hits[0]["title"] == "Senate Panel Grills Defense Secretary Nominee on Experience, Readiness and Culture"
    assert "[Hegseth]" in hits[0]["snippet"]


def test_search_stems_and_folds_accents(store):
    assert search(store.db, "retaliate") == search(store.db, "retaliation") != []
    assert search(store.db, "retorica")[0]["title"] == search(store.db, "retórica")[0]["title"]


def test_search_takes_a_broken_query_as_plain_words(store):
    assert search(store.db, 'Hegseth "confirmation')[0]["title"] == search(store.db, "Hegseth confirmation")[0]["title"]


def titles_with_a_word_starting(store: ArticleStore, start: str, column: str = "title || ' ' || body") -> list[str]:
    """The truth a prefix search is held to: titles of articles with a word, as written, starting with ``start``."""
    return sorted(row["title"] for row in store.db.query(f"select title, {column} as text from articles")
                  if re.search(rf"\b{start}", row["text"], re.IGNORECASE))


def test_a_prefix_finds_the_words_as_a_reader_sees_them(store):
    # The stemmed index holds "immigr" for "immigration": there "immigra*" matched nothing.
    hits = search(store.db, "immigra*", limit=100)
    assert sorted(hit["title"] for hit in hits) == titles_with_a_word_starting(store, "immigra") != []
    assert "[immigration]" in " ".join(hit["snippet"].lower() for hit in hits)
    title_hits = search(store.db, "title:immigra*", limit=100)
    assert sorted(hit["title"] for hit in title_hits) == titles_with_a_word_starting(store, "immigra", "title") != []


def test_a_query_with_a_prefix_matches_its_other_words_as_written(store):
    # The choice documented in the README: the whole query runs on the unstemmed index.
    assert search(store.db, "immigra* court") and not search(store.db, "immigra* courts")


def test_a_query_without_a_prefix_stays_stemmed(store):
    found = {hit["title"] for hit in search(store.db, "immigrants", limit=100)}
    assert set(titles_with_a_word_starting(store, r"immigrants?\b")) <= found
    assert set(titles_with_a_word_starting(store, r"immigration")) <= found


def test_fts_operators_groups_and_column_filters_work_on_real_articles(store):
    tariffs = {hit["title"] for hit in search(store.db, "tariffs", limit=100)}
    canada = {hit["title"] for hit in search(store.db, "canada", limit=100)}
    assert {hit["title"] for hit in search(store.db, "tariffs NOT canada", limit=100)} == tariffs - canada != set()
    assert {hit["title"] for hit in search(store.db, "tariffs OR canada", limit=100)} == tariffs | canada
    assert {hit["title"] for hit in search(store.db, "(tariffs OR canada) AND mexico", limit=100)} < tariffs | canada
    in_titles = {hit["title"] for hit in search(store.db, "title:tariffs", limit=100)}
    assert in_titles and all("tariff" in title.lower() for title in in_titles) and in_titles < tariffs


@pytest.mark.parametrize(("typed", "expression"), [
    ("senate vote", '"senate" AND "vote"'),
    ('"stopgap bill" OR shutdown', '"stopgap bill" OR "shutdown"'),
    ('Hegseth "confirmation', '"Hegseth" AND "confirmation"'),
    ("tariff*", '"tariff"*'),
    ('title:tariff* body:"new tariffs"', 'title:"tariff"* AND body:"new tariffs"'),
    ("Title: canada", 'title:"canada"'),
    ("title:(canada OR mexico)", 'title:("canada" OR "mexico")'),
    ("canada (tariffs OR retaliation)", '"canada" AND ("tariffs" OR "retaliation")'),
    ("Biden's U.S. co-author", '"Biden\'s" AND "U.S." AND "co-author"'),
    ("foo:bar + ^ senate", '"foo:bar" AND "senate"'),
    ("senate and or not", '"senate" AND "and" AND "or" AND "not"'),
    ("OR senate", '"senate"'),
    ("senate NOT", '"senate"'),
    ("NOT senate AND", '"senate"'),
    ("senate OR OR house", '"senate" OR "house"'),
    ("senate AND NOT house", '"senate" NOT "house"'),
    ("(senate OR house", '"senate" OR "house"'),
    ("senate) vote ()", '"senate" AND "vote"'),
    ("title: OR senate", '"senate"'),
])
def test_what_users_type_becomes_the_fts5_query_they_meant(typed, expression):
    assert fts_query(typed).expression == expression


@pytest.mark.parametrize("typed", ["", "   \t", "...", "!?* - +", '""', "( )", "AND OR NOT", "title:", '"-"*'])
def test_text_without_a_searchable_word_is_an_error(store, typed):
    with pytest.raises(NoSearchableWord, match="no searchable word"):
        search(store.db, typed)


@pytest.fixture(scope="module")
def one_article_store():
    store = ArticleStore(":memory:")
    store.save_article(make_record())
    yield store
    store.close()


#: Pieces of FTS5 syntax and of what people paste, for hypothesis to combine.
QUERY_BITS = ['"', "(", ")", "*", ":", "^", "+", "-", ".", "'", ",", " ", "\t", "\x00", "AND", "OR", "NOT", "NEAR",
              "title", "body", "title:", "body:", "rowid:", "Tusk", "vote", "é", "0", "{", "}"]
QUERY_TEXT = st.one_of(st.text(), st.lists(st.one_of(st.sampled_from(QUERY_BITS), st.text(max_size=3))).map("".join))


@settings(max_examples=1500, deadline=None, derandomize=True, database=None)
@given(typed=QUERY_TEXT)
def test_any_text_is_an_fts5_query_both_indexes_accept_or_has_no_searchable_word(one_article_store, typed):
    try:
        query = fts_query(typed)
    except NoSearchableWord:
        return
    for index in SEARCH_INDEXES:
        one_article_store.db.execute(f"select count(*) from {index} where {index} match ?", [query.expression])


def test_search_leaves_out_gone_articles_and_follows_changes(tmp_path):
    store = ArticleStore(tmp_path / "x.db")
    store.save_article(make_record())
    assert search(store.db, "parliament")
    store.save_article(make_record(body="The Sejm voted 243 to 210."))
    assert not search(store.db, "parliament") and search(store.db, "Sejm")
    store.mark_gone(make_record().url, 410)
    assert not search(store.db, "Sejm")
    store.close()


def test_export_filters_by_date_and_category_and_keeps_lists(store, built_site):
    rows = list(export_rows(store.db, since="2025-03-01", category="National Security"))
    expected = [r for r in built_site.expected_records.values()
                if r["published"] >= "2025-03-01" and "National Security" in r["categories"]]
    assert sorted(row["url"] for row in rows) == sorted(r["url"] for r in expected) and rows
    buffer = io.StringIO()
    assert export.write(store.db, buffer, "jsonl", since="2025-03-01", category="National Security") == len(rows)
    first = json.loads(buffer.getvalue().splitlines()[0])
    assert first["categories"] == built_site.expected_records[first["url"]]["categories"]


def test_csv_export_has_one_header_and_lists_in_one_cell(store, built_site):
    buffer = io.StringIO()
    count = export.write(store.db, buffer, "csv")
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert count == len(rows) == len(built_site.expected_records)
    row = rows[0]
    assert row["tags"].split("; ") == built_site.expected_records[row["url"]]["tags"]
    assert "\n\n" in row["body"]


def test_json_lines_hold_the_exported_rows_field_for_field(tmp_path):
    """SQLite writes the JSON lines: each holds its row's fields in order, lists as lists, text as stored."""
    store = ArticleStore(tmp_path / "crawl.db")
    store.save_article(make_record())
    store.save_article(make_record(url="https://potusnews.news/quotes/", body='He said "no"\n\n\tTab\\ é ✓ \u2028',
                                   authors=[], tags=[], published=None, description=None))
    store.mark_gone("https://potusnews.news/quotes/", 410)
    buffer = io.StringIO()
    assert export.write(store.db, buffer, "jsonl") == 2
    rows = [{**row, **{field: json.loads(row[field]) for field in LIST_FIELDS}} for row in export_rows(store.db)]
    store.close()
    # Lines end at "\n" only: U+2028 is a line end to str.splitlines, text inside a JSON string.
    lines = [json.loads(line) for line in buffer.getvalue().removesuffix("\n").split("\n")]
    assert [list(line.items()) for line in lines] == [list(row.items()) for row in rows]
    assert lines[0]["url"] == "https://potusnews.news/quotes/" and lines[0]["gone_since"] and lines[0]["tags"] == []


def test_export_streams_in_constant_memory(tmp_path):
    store = ArticleStore(tmp_path / "big.db")
    body = "Word " * 400
    for number in range(2000):
        store.save_article(make_record(url=f"https://potusnews.news/post-{number}/", body=f"{body}{number}"))
    tracemalloc.start()
    with open(tmp_path / "out.jsonl", "w", encoding="utf-8") as out:
        count = export.write(store.db, out, "jsonl")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    store.close()
    # About 4 MB of bodies went out; a streaming export holds one row at a time.
    assert count == 2000 and peak < 1_000_000


def test_the_commands_print_stats_search_hits_and_exports(demo_db, tmp_path, capsys):
    assert main(["stats", "--db", str(demo_db)]) == 0
    assert "articles         48" in capsys.readouterr().out
    assert main(["search", "Hegseth", "--db", str(demo_db), "--limit", "1"]) == 0
    assert "1. Senate Panel Grills Defense Secretary Nominee" in capsys.readouterr().out
    assert main(["search", "zzzyzx", "--db", str(demo_db)]) == 1
    assert "no article matches 'zzzyzx'" in capsys.readouterr().err
    assert main(["search", " ?! ", "--db", str(demo_db)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "potus-crawler search: no searchable word in ' ?! ': give a word, \"a phrase\" or a prefix*"]
    out = tmp_path / "export.csv"
    assert main(["export", "--format", "csv", "--category", "Innovation", "--out", str(out), "--db", str(demo_db)]) == 0
    with out.open(encoding="utf-8") as exported:
        rows = list(csv.DictReader(exported))
    assert rows and all("Innovation" in row["categories"].split("; ") for row in rows)
    assert capsys.readouterr().err.startswith(f"{len(rows)} articles exported")


@pytest.mark.parametrize(("limit", "message"), [("0", "at least 1, got 0"), ("-1", "at least 1, got -1"),
                                               ("ten", "not a whole number: 'ten'"), ("2.5", "not a whole number: '2.5'")])
def test_search_takes_only_a_limit_of_one_or_more(demo_db, capsys, limit, message):
    with pytest.raises(SystemExit) as stopped:
        main(["search", "Hegseth", "--db", str(demo_db), "--limit", limit])
    assert stopped.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"potus-crawler search: error: argument --limit: {message}"


def test_a_limit_keeps_that_many_best_hits(demo_db, capsys):
    assert main(["search", "tariffs", "--db", str(demo_db), "--limit", "2"]) == 0
    assert [line.split(".")[0].strip() for line in capsys.readouterr().out.splitlines() if line[:3].strip()] == ["1", "2"]


def test_a_missing_database_is_a_clear_error_and_is_not_created(tmp_path, capsys):
    assert main(["stats", "--db", str(tmp_path / "none.db")]) == 2
    assert "no database at" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()


def test_the_analysts_commands_read_without_writing(demo_db, tmp_path, capsys):
    """Opened read-only: the file is never written, and the connection refuses a write."""
    copy = tmp_path / "copy.db"
    with sqlite3.connect(demo_db) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    before = copy.read_bytes()
    assert main(["stats", "--db", str(copy)]) == 0
    assert main(["search", "Hegseth", "--db", str(copy)]) == 0
    assert copy.read_bytes() == before
    store = open_existing(str(copy))
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        store.db.execute("delete from articles")
    store.close()


def test_a_database_of_an_older_version_is_upgraded_once_then_read(tmp_path, capsys):
    path = tmp_path / "old.db"
    old = Database(path)
    migrations.apply(old, stop_before="compare_dates_as_instants")
    old.close()
    with pytest.raises(OutdatedSchema, match="compare_dates_as_instants"):
        ArticleStore.for_reading(path)
    assert main(["stats", "--db", str(path)]) == 0
    assert "articles         0" in capsys.readouterr().out
    ArticleStore.for_reading(path).close()
