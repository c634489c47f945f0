"""The SQLite store, on a fresh in-memory database per test."""

from __future__ import annotations

import pytest

from extractors import ArticleRecord, RelatedLink
from potus_crawler.storage import ArticleStore


@pytest.fixture
def store():
    store = ArticleStore(":memory:")
    yield store
    store.close()


def make_record(**changes) -> ArticleRecord:
    fields = dict(
        url="https://potusnews.news/tusk-wins-vote/", title="Tusk Government Wins Confidence Vote in Poland",
        body="Poland’s parliament backed the government.\n\nThe vote was 243 to 210.", authors=["potus", "Elena Márquez"],
        published="2025-06-11T08:00:00+00:00", published_raw="2025-06-11T08:00:00+00:00",
        modified="2025-06-11T08:00:00+00:00", categories=["International Relations", "U.S. Foreign Policy"],
        tags=["Poland", "NATO"], language="en",
        related_links=[RelatedLink("https://potusnews.news/a/", "A", "2025-06-10T08:00:00+00:00"),
                       RelatedLink("https://potusnews.news/b/", "B", None)],
        source_url="https://apnews.com/article/poland-tusk-vote-1a2b", image_url="https://potusnews.news/a.jpg",
        description="Poland’s parliament backed the government.", word_count=11)
    fields.update(changes)
    return ArticleRecord(**fields)


def test_article_round_trips_with_all_children(store):
    record = make_record()
    assert store.upsert_article(record, run_id=None) is True
    assert store.load_record(record.url) == record.as_dict()
    row = store.db["articles"].get(record.url)
    assert row["category"] == "International Relations"
    assert row["source_domain"] == "apnews.com"
    assert row["first_seen"] == row["last_seen"]


def test_second_upsert_replaces_children_and_adds_no_duplicate(store):
    store.upsert_article(make_record())
    changed = make_record(title="Tusk survives vote", tags=["Poland"], authors=["potus"], related_links=[])
    assert store.upsert_article(changed) is False
    assert store.db["articles"].count == 1
    assert store.load_record(changed.url) == changed.as_dict()
    assert store.db["article_tags"].count == 1
    assert store.db["related_links"].count == 0
    # Terms are shared between articles, never duplicated.
    store.upsert_article(make_record(url="https://potusnews.news/other/"))
    assert [r["name"] for r in store.db.query("select name from tags order by name")] == ["NATO", "Poland"]


def test_failed_write_leaves_the_stored_article_intact(store):
    store.upsert_article(make_record())
    broken = make_record(title=None)  # violates NOT NULL on title
    with pytest.raises(Exception):
        store.upsert_article(broken)
    assert store.load_record(broken.url) == make_record().as_dict()


def test_runs_and_failures_are_recorded(store):
    run_id = store.start_run("potus", "https://potusnews.news")
    store.record_failure("https://potusnews.news/x/", "HTTP 500", 500, run_id)
    store.finish_run(run_id, "finished", pages_fetched=3, articles_new=1)
    run = store.db["crawl_runs"].get(run_id)
    assert (run["status"], run["pages_fetched"], run["articles_new"]) == ("finished", 3, 1)
    assert run["started"] <= run["finished"]
    failure = next(store.db.query("select url, reason, http_status, run_id from failures"))
    assert failure == {"url": "https://potusnews.news/x/", "reason": "HTTP 500", "http_status": 500, "run_id": run_id}


def test_schema_migrations_are_idempotent(tmp_path):
    path = tmp_path / "potus.db"
    ArticleStore(path).close()
    store = ArticleStore(path)
    assert store.db.journal_mode == "wal"
    assert {"articles", "authors", "article_authors", "tags", "article_tags", "categories", "article_categories",
            "related_links", "crawl_runs", "failures"} <= set(store.db.table_names())
    store.close()


def test_a_database_of_the_first_schema_upgrades_in_place(tmp_path):
    from sqlite_utils import Database

    from potus_crawler.storage import migrations

    path = tmp_path / "old.db"
    old = Database(path)
    migrations.apply(old, stop_before="add_date_provenance")
    old["articles"].insert({"url": "https://potusnews.news/old/", "title": "Old", "body": "Kept."})
    old.close()
    store = ArticleStore(path)
    assert store.db["articles"].get("https://potusnews.news/old/")["published_source"] is None
    store.upsert_article(make_record(published_source="json-ld"))
    assert store.db["articles"].count == 2
    assert store.load_record(make_record().url)["published_source"] == "json-ld"
    store.close()
