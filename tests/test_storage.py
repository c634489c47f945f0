"""The SQLite store, on a fresh in-memory database per test."""

from __future__ import annotations

import sqlite3

import pytest
from sqlite_utils import Database

from extractors import ArticleRecord, RelatedLink
from potus_crawler.storage import CHANGED, NEW, UNCHANGED, ArticleStore, migrations


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
    assert store.save_article(record, found_by="feed", etag='"abc"', http_last_modified="Wed, 11 Jun 2025") == NEW
    assert store.load_record(record.url) == record.as_dict()
    row = store.db["articles"].get(record.url)
    assert row["category"] == "International Relations"
    assert row["source_domain"] == "apnews.com"
    assert row["first_seen"] == row["last_seen"] == row["last_checked"]
    assert (row["found_by"], row["etag"], row["http_last_modified"]) == ("feed", '"abc"', "Wed, 11 Jun 2025")


def test_a_changed_article_keeps_its_previous_version_as_a_revision(store):
    store.save_article(make_record(), run_id=1, found_by="listing")
    changed = make_record(body="Poland’s parliament backed the government, 243 to 210.",
                          modified="2025-06-12T09:00:00+00:00", tags=["Poland"], authors=["potus"], related_links=[])
    assert store.save_article(changed, run_id=2, found_by="sitemap") == CHANGED
    assert store.db["articles"].count == 1
    assert store.load_record(changed.url) == changed.as_dict()
    assert store.db["articles"].get(changed.url)["found_by"] == "listing"
    assert store.db["article_tags"].count == 1
    assert store.db["related_links"].count == 0
    revision = next(store.db.query("select article_url, run_id, body, modified from article_revisions"))
    assert revision == {"article_url": changed.url, "run_id": 2, "body": make_record().body,
                        "modified": make_record().modified}
    # Terms are shared between articles, never duplicated.
    store.save_article(make_record(url="https://potusnews.news/other/"))
    assert [r["name"] for r in store.db.query("select name from tags order by name")] == ["NATO", "Poland"]


def test_an_article_whose_text_and_dates_did_not_change_is_unchanged_but_refreshed(store):
    store.save_article(make_record())
    # Related posts change as the site publishes: that refreshes the row, it is no new version.
    refreshed = make_record(related_links=[])
    assert store.save_article(refreshed) == UNCHANGED
    assert store.db["article_revisions"].count == 0
    assert store.load_record(refreshed.url)["related_links"] == []


def test_a_page_the_generic_path_extracted_keeps_the_stored_related_links(store):
    store.save_article(make_record(extracted_with="smartmag-v10"))
    # The theme changed: no site rules match, and only site rules find a related block.
    store.save_article(make_record(related_links=[], source_url=None, extracted_with="generic"))
    stored = store.load_record(make_record().url)
    assert stored["related_links"] == make_record().as_dict()["related_links"]
    assert stored["source_url"] == make_record().source_url and stored["extracted_with"] == "generic"


def test_a_gone_article_is_marked_never_deleted_and_comes_back(store):
    url = make_record().url
    store.save_article(make_record())
    assert store.mark_gone(url, 410) is True
    assert store.mark_gone(url, 404) is False
    assert store.mark_gone("https://potusnews.news/never-stored/", 404) is False
    row = store.db["articles"].get(url)
    assert row["gone_since"] and row["gone_status"] == 404 and row["body"] == make_record().body
    assert store.due_for_recheck(None, "9999") == []
    store.save_article(make_record())
    assert store.db["articles"].get(url)["gone_since"] is None


def test_articles_due_for_recheck_are_recent_and_not_checked_lately(store):
    store.save_article(make_record(url="https://potusnews.news/old/", published="2025-01-01T00:00:00+00:00"))
    store.save_article(make_record(url="https://potusnews.news/new/", published="2025-06-11T00:00:00+00:00"))
    assert [a.url for a in store.due_for_recheck("2025-06-01T00:00:00+00:00", "9999")] == [
        "https://potusnews.news/new/"]
    assert [a.url for a in store.due_for_recheck(None, "9999")] == [
        "https://potusnews.news/new/", "https://potusnews.news/old/"]
    assert store.due_for_recheck(None, "2000") == []
    store.db.execute("update articles set last_checked = '2001' where url = 'https://potusnews.news/old/'")
    store.mark_not_modified("https://potusnews.news/old/")
    assert store.due_for_recheck(None, "2002") == []


def test_failed_pages_not_stored_since_are_retried(store):
    store.record_failure("https://potusnews.news/broken/", "HTTP 500", 500)
    store.record_failure(make_record().url, "HTTP 500", 500)
    store.save_article(make_record())
    assert store.failed_urls_to_retry("2000") == ["https://potusnews.news/broken/"]
    assert store.failed_urls_to_retry("9999") == []


def test_failed_write_leaves_the_stored_article_intact(store):
    store.save_article(make_record())
    broken = make_record(title=None, body="New text")  # violates NOT NULL on title
    with pytest.raises(Exception):
        store.save_article(broken)
    assert store.load_record(broken.url) == make_record().as_dict()
    assert store.db["article_revisions"].count == 0


def test_runs_and_failures_are_recorded(store):
    run_id = store.start_run("potus", "https://potusnews.news")
    store.record_failure("https://potusnews.news/x/", "HTTP 500", 500, run_id)
    store.finish_run(run_id, "finished", pages_fetched=3, articles_new=1)
    run = store.db["crawl_runs"].get(run_id)
    assert (run["status"], run["pages_fetched"], run["articles_new"]) == ("finished", 3, 1)
    assert store.recent_runs(5) == [run]
    assert run["started"] <= run["finished"]
    failure = next(store.db.query("select url, reason, http_status, run_id from failures"))
    assert failure == {"url": "https://potusnews.news/x/", "reason": "HTTP 500", "http_status": 500, "run_id": run_id}


def test_runs_left_running_are_marked_interrupted(store):
    dead = store.start_run("potus", "https://potusnews.news")
    assert store.mark_interrupted_runs() == 1
    assert store.db["crawl_runs"].get(dead)["status"] == "interrupted"
    assert store.recent_runs(5) == []


def test_schema_migrations_are_idempotent(tmp_path):
    path = tmp_path / "potus.db"
    ArticleStore(path).close()
    store = ArticleStore(path)
    assert store.db.journal_mode == "wal"
    assert {"articles", "authors", "article_authors", "tags", "article_tags", "categories", "article_categories",
            "related_links", "crawl_runs", "failures", "article_revisions", "listing_walks"} <= set(store.db.table_names())
    store.close()


def older_database(path, stop_before: str, body: str) -> None:
    """A database as an older version left it: the migrations before ``stop_before``, one article."""
    old = Database(path)
    migrations.apply(old, stop_before=stop_before)
    old["articles"].insert({"url": "https://potusnews.news/old/", "title": "Old", "body": body})
    old.close()


def test_a_database_of_the_first_schema_upgrades_in_place(tmp_path):
    path = tmp_path / "old.db"
    older_database(path, "add_date_provenance", "Kept.")
    store = ArticleStore(path)
    assert store.db["articles"].get("https://potusnews.news/old/")["published_source"] is None
    assert store.db["articles"].get("https://potusnews.news/old/")["gone_since"] is None
    store.save_article(make_record(published_source="json-ld"))
    assert store.db["articles"].count == 2
    assert store.load_record(make_record().url)["published_source"] == "json-ld"
    store.close()


def test_runs_recorded_with_the_two_fill_rate_columns_keep_their_rates_in_fill_rates(tmp_path):
    path = tmp_path / "old.db"
    older_database(path, "add_run_rule_sets_and_fill_rates", "Kept.")
    old = Database(path)
    old["crawl_runs"].insert_all([{"status": "finished", "articles_extracted": 48, "fill_published": 1.0,
                                   "fill_authors": 0.5}, {"status": "failed"}])
    old.close()
    store = ArticleStore(path)
    assert [(run["fill_rates"], run["rule_set_counts"]) for run in store.recent_runs(5)] == [
        ({"published": 1.0, "authors": 0.5}, None)]
    assert store.db.execute("select fill_rates from crawl_runs where status = 'failed'").fetchone() == (None,)
    assert not {"fill_published", "fill_authors"} & set(store.db["crawl_runs"].columns_dict)
    store.close()


def test_dates_with_other_offsets_are_compared_as_instants(store):
    # 20:00 in New York on March 10 is 01:00 UTC on March 11: inside a window starting March 11 UTC.
    store.save_article(make_record(url="https://potusnews.news/ny/", published="2025-03-10T20:00:00-05:00"))
    store.save_article(make_record(url="https://potusnews.news/utc/", published="2025-03-10T23:00:00+00:00"))
    assert [a.url for a in store.due_for_recheck("2025-03-11T00:00:00+00:00", "9999")] == [
        "https://potusnews.news/ny/"]
    assert [row["url"] for row in store.db.query("select url from latest_articles")] == [
        "https://potusnews.news/ny/", "https://potusnews.news/utc/"]


def test_the_search_index_is_rewritten_only_when_title_or_body_change(store):
    record = make_record()
    store.save_article(record)
    changes = store.db.execute("select total_changes()").fetchone()[0]
    store.mark_not_modified(record.url)
    # One row updated; the index (a delete and an insert in its shadow tables) is not touched.
    assert store.db.execute("select total_changes()").fetchone()[0] - changes == 1


def unstemmed_hits(store: ArticleStore, query: str) -> list[str]:
    return [row["url"] for row in store.db.query(
        "select a.url from articles_unstemmed_fts join articles a on a.rowid = articles_unstemmed_fts.rowid "
        "where articles_unstemmed_fts match ? order by a.url", [query])]


def index_agrees_with_articles(store: ArticleStore) -> bool:
    """FTS5's check of an external-content index against the rows of ``articles`` (rank 1: content too)."""
    try:
        store.db.execute("insert into articles_unstemmed_fts (articles_unstemmed_fts, rank) values ('integrity-check', 1)")
    except sqlite3.DatabaseError:
        return False
    return True


def test_the_unstemmed_index_holds_words_as_written_and_follows_inserts_updates_and_deletes(store):
    record = make_record(body="Immigration judges ruled.")
    store.save_article(record)
    # The porter index holds "immigr": a prefix typed as written finds nothing there.
    assert store.db.execute("select count(*) from articles_fts where articles_fts match '\"immigra\"*'").fetchone()[0] == 0
    assert unstemmed_hits(store, '"immigra"*') == [record.url]
    store.save_article(make_record(title="Asylum Ruling", body="Judges ruled on asylum."))
    assert unstemmed_hits(store, '"immigra"*') == [] and unstemmed_hits(store, 'title:"asyl"*') == [record.url]
    other = make_record(url="https://potusnews.news/other/", body="Immigrants wait.", authors=[], categories=[],
                        tags=[], related_links=[])
    store.save_article(other)
    assert unstemmed_hits(store, '"immigra"*') == [other.url]
    store.db.execute("delete from articles where url = ?", [other.url])
    assert unstemmed_hits(store, '"immigra"*') == [] and index_agrees_with_articles(store)


def test_the_unstemmed_index_is_built_for_articles_stored_before_it_existed(tmp_path):
    path = tmp_path / "old.db"
    older_database(path, "add_unstemmed_search", "Immigration courts.")
    store = ArticleStore(path)
    assert unstemmed_hits(store, '"immigra"*') == ["https://potusnews.news/old/"]
    assert index_agrees_with_articles(store)
    store.close()


def test_the_monitors_history_holds_healthy_runs_large_enough_to_judge(store):
    for status, extracted in (("finished", 40), ("finished", 2), ("unhealthy", 40), ("failed", 40), ("finished", 12)):
        run_id = store.start_run("potus", "https://potusnews.news")
        store.finish_run(run_id, status, articles_extracted=extracted)
    assert [run["articles_extracted"] for run in store.recent_runs(10, min_extracted=10)] == [12, 40]
    assert [run["id"] for run in store.recent_runs(10, before_id=5, min_extracted=10)] == [1]


def test_a_new_extraction_that_lost_fields_keeps_what_was_stored(store):
    store.save_article(make_record())
    # The site's layout changed: the page still has its text, but no dates, authors or tags are found.
    degraded = make_record(published=None, published_raw=None, modified=None, authors=[], tags=[],
                           source_url=None, description="")
    assert store.save_article(degraded) == UNCHANGED
    assert store.load_record(degraded.url) == make_record().as_dict()


def test_a_changed_publication_date_is_a_new_version(store):
    store.save_article(make_record())
    assert store.save_article(make_record(published="2025-06-12T08:00:00+00:00")) == CHANGED
    assert store.db["article_revisions"].count == 1


def test_the_last_finished_run_is_the_one_that_ran_to_its_end(store):
    assert store.last_finished_run_started() is None
    finished = store.start_run("potus", "https://potusnews.news")
    store.finish_run(finished, "finished")
    store.finish_run(store.start_run("potus", "https://potusnews.news"), "failed")
    store.start_run("potus", "https://potusnews.news")
    assert store.last_finished_run_started() == store.db["crawl_runs"].get(finished)["started"]
