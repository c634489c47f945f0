"""What analysts ask of the database: headline figures, search, export; and the CLI commands that print them."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import tracemalloc

import pytest
from sqlite_utils import Database

from potus_crawler import export
from potus_crawler.cli import main, open_existing
from potus_crawler.queries import export_rows, headline_figures, search
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
    assert export.write(rows, buffer, "jsonl") == len(rows)
    first = json.loads(buffer.getvalue().splitlines()[0])
    assert first["categories"] == built_site.expected_records[first["url"]]["categories"]


def test_csv_export_has_one_header_and_lists_in_one_cell(store, built_site):
    buffer = io.StringIO()
    count = export.write(export_rows(store.db), buffer, "csv")
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert count == len(rows) == len(built_site.expected_records)
    row = rows[0]
    assert row["tags"].split("; ") == built_site.expected_records[row["url"]]["tags"]
    assert "\n\n" in row["body"]


def test_export_streams_in_constant_memory(tmp_path):
    store = ArticleStore(tmp_path / "big.db")
    body = "Word " * 400
    for number in range(2000):
        store.save_article(make_record(url=f"https://potusnews.news/post-{number}/", body=f"{body}{number}"))
    tracemalloc.start()
    with open(tmp_path / "out.jsonl", "w", encoding="utf-8") as out:
        count = export.write(export_rows(store.db), out, "jsonl")
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
    out = tmp_path / "export.csv"
    assert main(["export", "--format", "csv", "--category", "Innovation", "--out", str(out), "--db", str(demo_db)]) == 0
    with out.open(encoding="utf-8") as exported:
        rows = list(csv.DictReader(exported))
    assert rows and all("Innovation" in row["categories"].split("; ") for row in rows)
    assert capsys.readouterr().err.startswith(f"{len(rows)} articles exported")


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
