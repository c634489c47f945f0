"""The writer thread: writes queued together commit together, and a failing one rolls back alone."""

from __future__ import annotations

import sqlite3
import threading
from functools import partial

import pytest

from potus_crawler.storage import NEW, ArticleStore
from potus_crawler.writer import GROUP_LIMIT, StoreWriter, TransactionLost
from test_storage import make_record


def stored_urls(path) -> list[str]:
    store = ArticleStore(path)
    try:
        return [row["url"] for row in store.db.query("select url from articles order by url")]
    finally:
        store.close()


def record(number: int):
    return make_record(url=f"https://potusnews.news/story-{number:03d}/", title=f"Story {number}")


def opened_and_held(path) -> tuple[StoreWriter, threading.Event]:
    """A writer whose thread is busy with a write that waits for the event: what is submitted next queues up."""
    writer = StoreWriter(partial(ArticleStore, path))
    writer.opened.result(timeout=30)
    running, release = threading.Event(), threading.Event()

    def held(store):
        running.set()
        release.wait(30)

    writer.submit(held)
    assert running.wait(30)
    return writer, release


def test_writes_queued_while_one_commits_go_in_one_transaction_and_a_failing_one_rolls_back_alone(tmp_path):
    path = tmp_path / "potus.db"
    writer, release = opened_and_held(path)

    def broken(store):
        store.save_article(make_record(url="https://potusnews.news/story-999/", tags=["A tag of its own"]))
        raise sqlite3.IntegrityError("a write that fails half-way")

    def articles_seen(store):
        return store.db.conn.in_transaction, store.db.execute("select count(*) from articles").fetchone()[0]

    saves = [writer.submit(ArticleStore.save_article, record(number)) for number in range(3)]
    failing = writer.submit(broken)
    saves += [writer.submit(ArticleStore.save_article, record(number)) for number in range(3, 5)]
    # The tag the broken write inserted and cached went with its savepoint: it is inserted again, not reused.
    saves.append(writer.submit(ArticleStore.save_article, make_record(url=record(5).url, tags=["A tag of its own"])))
    seen = writer.submit(articles_seen)
    release.set()
    assert [future.result(timeout=30) for future in saves] == [NEW] * 6
    with pytest.raises(sqlite3.IntegrityError, match="half-way"):
        failing.result(timeout=30)
    # The last write of the group ran inside the still uncommitted transaction, the broken write's article gone.
    assert seen.result(timeout=30) == (True, 6)
    writer.close()
    assert writer.commits == 2
    assert stored_urls(path) == [record(number).url for number in range(6)]


def test_a_group_holds_at_most_the_limit(tmp_path):
    path = tmp_path / "potus.db"
    writer, release = opened_and_held(path)
    saves = [writer.submit(ArticleStore.save_article, record(number)) for number in range(GROUP_LIMIT + 5)]
    release.set()
    assert [future.result(timeout=30) for future in saves] == [NEW] * (GROUP_LIMIT + 5)
    writer.close()
    # The held write alone, then a full group, then the five left.
    assert writer.commits == 3
    assert len(stored_urls(path)) == GROUP_LIMIT + 5


def test_writes_queued_before_close_are_made(tmp_path):
    path = tmp_path / "potus.db"
    writer = StoreWriter(partial(ArticleStore, path))
    futures = [writer.submit(ArticleStore.save_article, record(number)) for number in range(10)]
    writer.close()
    assert [future.result(timeout=0) for future in futures] == [NEW] * 10
    assert len(stored_urls(path)) == 10


def test_a_store_that_cannot_open_fails_every_write_with_its_reason(tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    writer = StoreWriter(partial(ArticleStore, tmp_path / "a-file" / "potus.db"))
    with pytest.raises(OSError):
        writer.opened.result(timeout=30)
    write = writer.submit(ArticleStore.save_article, record(1))
    with pytest.raises(OSError):
        write.result(timeout=30)
    writer.close()


def test_a_write_whose_awaiting_task_was_cancelled_is_not_made_and_the_thread_goes_on(tmp_path):
    path = tmp_path / "potus.db"
    writer, release = opened_and_held(path)
    cancelled = writer.submit(ArticleStore.save_article, record(1))
    kept = writer.submit(ArticleStore.save_article, record(2))
    assert cancelled.cancel()
    release.set()
    assert kept.result(timeout=30) == NEW
    assert writer.submit(ArticleStore.save_article, record(3)).result(timeout=30) == NEW
    writer.close()
    assert stored_urls(path) == [record(2).url, record(3).url]


def test_a_transaction_sqlite_ended_itself_fails_the_whole_group_and_the_writer_goes_on(tmp_path):
    path = tmp_path / "potus.db"
    writer, release = opened_and_held(path)

    def transaction_lost(store):
        # What SQLite does on a full disk or an I/O error: the whole transaction is rolled back.
        store.db.execute("ROLLBACK")
        raise sqlite3.OperationalError("database or disk is full")

    group = [writer.submit(ArticleStore.save_article, record(1)), writer.submit(transaction_lost),
             writer.submit(ArticleStore.save_article, record(2))]
    release.set()
    for future in group:
        with pytest.raises(TransactionLost, match="disk is full"):
            future.result(timeout=30)
    assert writer.submit(ArticleStore.save_article, record(3)).result(timeout=30) == NEW
    writer.close()
    assert stored_urls(path) == [record(3).url]
