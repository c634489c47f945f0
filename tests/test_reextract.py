"""``potus-crawler reextract`` and ``extract --url``: articles extracted again from the archive, no request made."""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from extractors import extract
from extractors import version as extractor_versions
from extractors.sites import PROFILES
from benchmarks.archived_pages import archive_pages, site_pages
from potus_crawler import reextract as reextract_module
from potus_crawler.archive import UndecodableContent, decoded_content
from potus_crawler.cli import main
from potus_crawler.storage import ArticleStore
from test_crawl import PROJECT_ROOT, crawl

#: Tables a re-extraction may write; crawl_runs gets its run row besides.
ARTICLE_TABLES = ("articles", "article_revisions", "article_authors", "article_categories", "article_tags",
                  "related_links", "authors", "categories", "tags", "failures")
IN_PROCESS = ["-s", "POTUS_EXTRACTION_WORKERS=0"]


@pytest.fixture(scope="module")
def crawled_db(served_site, tmp_path_factory):
    """A crawl of the demo site, the template each test copies."""
    db = tmp_path_factory.mktemp("crawl") / "potus.db"
    crawl(served_site.base_url, db)
    return db


@pytest.fixture
def archived(served_site, crawled_db, tmp_path):
    """A copy of the crawl's database and of the WARC files its crawl wrote beside it."""
    db = tmp_path / "potus.db"
    with sqlite3.connect(crawled_db) as source, sqlite3.connect(db) as copy:
        source.backup(copy)
    source.close()
    copy.close()
    shutil.copytree(crawled_db.parent / "warc", tmp_path / "warc")
    return served_site, db


def rows(db: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(db) as connection:
        tables = {table: sorted(connection.execute(f"select * from {table}").fetchall(), key=repr)
                  for table in ARTICLE_TABLES}
    connection.close()
    return tables


def articles_by_url(db: Path) -> dict[str, dict]:
    with sqlite3.connect(db) as connection:
        connection.row_factory = sqlite3.Row
        found = {row["url"]: dict(row) for row in connection.execute("select * from articles")}
    connection.close()
    return found


def last_run(db: Path) -> dict:
    store = ArticleStore.for_reading(db)
    run = next(iter(store.db.query("select * from crawl_runs order by id desc limit 1")))
    store.close()
    return run


def reextract(db: Path, *arguments: str) -> int:
    return main(["reextract", "--db", str(db), "-q", *arguments])


def test_reextract_without_a_request_finds_every_article_unchanged(archived, capsys):
    site, db = archived
    before, served = rows(db), len(site.paths_served)
    assert reextract(db, "-s", "POTUS_EXTRACTION_WORKERS=1") == 0
    articles = len(site.expected_records)
    assert f"{articles} of {articles} articles extracted again from the archive, no request: 0 updated, " \
           f"{articles} unchanged" in capsys.readouterr().out
    assert rows(db) == before
    assert len(site.paths_served) == served
    run = last_run(db)
    assert (run["spider"], run["status"], run["requests"], run["articles_extracted"], run["articles_unchanged"],
            run["articles_updated"], run["failures"]) == ("reextract", "finished", 0, articles, articles, 0, 0)


def test_a_changed_rule_updates_exactly_the_articles_it_changes(archived, monkeypatch, capsys):
    site, db = archived
    profile = PROFILES["potusnews"]
    # The classic layout's rules stop dropping ad slots from the body.
    patched = replace(profile, rule_sets=tuple(
        replace(rules, content_boilerplate=tuple(x for x in rules.content_boilerplate
                                                 if "a-wrap" not in x and "code-block" not in x))
        if rules.name == "smartmag-v10/classic" else rules for rules in profile.rule_sets))
    pages = site_pages(site)
    before = articles_by_url(db)
    affected = {url for url, page in pages.items()
                if extract(page, url, profile=patched).body != before[url]["body"]}
    assert 0 < len(affected) < len(pages)
    monkeypatch.setitem(PROFILES, "potusnews", patched)
    assert reextract(db, *IN_PROCESS) == 0
    assert f"{len(affected)} updated, {len(pages) - len(affected)} unchanged" in capsys.readouterr().out
    after, run_id = articles_by_url(db), last_run(db)["id"]
    for url in pages:
        if url not in affected:
            assert after[url] == before[url]
            continue
        changed = {column for column in before[url] if after[url][column] != before[url][column]}
        assert changed == {"body", "word_count", "last_run_id"}
        assert after[url]["last_run_id"] == run_id
    with sqlite3.connect(db) as connection:
        revisions = connection.execute("select article_url, run_id, reason, body, last_checked "
                                       "from article_revisions").fetchall()
    connection.close()
    assert sorted(revisions) == sorted((url, run_id, "reextract", before[url]["body"], before[url]["last_checked"])
                                       for url in affected)


def test_only_older_takes_up_exactly_the_rows_another_extractor_made(archived, capsys):
    site, db = archived
    urls = sorted(site.expected_records)
    older = urls[:3]
    with sqlite3.connect(db) as connection:
        connection.execute("update articles set extractor_version = null where url = ?", [older[0]])
        connection.executemany("update articles set extractor_version = '0.0.1+' || extracted_with where url = ?",
                               [[url] for url in older[1:]])
    connection.close()
    before = articles_by_url(db)
    assert reextract(db, "--only-older", *IN_PROCESS) == 0
    assert "3 of 3 articles extracted again from the archive, no request: 0 updated, 3 unchanged (3 restamped" \
        in capsys.readouterr().out
    after = articles_by_url(db)
    for url in urls:
        differing = {column for column in before[url] if after[url][column] != before[url][column]}
        assert differing == ({"extractor_version"} if url in older else set())
    assert len({after[url]["extractor_version"] for url in older} - {before[urls[-1]]["extractor_version"]}) <= 2
    assert reextract(db, "--only-older", *IN_PROCESS) == 0
    assert "0 of 0 articles" in capsys.readouterr().out


def test_a_rule_set_revised_in_place_makes_its_articles_older(archived, monkeypatch, capsys):
    _site, db = archived
    rules = extractor_versions.RULE_SETS["smartmag-v10/classic"]
    classic = [url for url, row in articles_by_url(db).items() if row["extracted_with"] == rules.name]
    assert classic
    monkeypatch.setitem(extractor_versions.RULE_SETS, rules.name, replace(rules, revision=rules.revision + 1))
    assert reextract(db, "--only-older", *IN_PROCESS) == 0
    assert f"{len(classic)} of {len(classic)} articles" in capsys.readouterr().out
    stamps = {url: row["extractor_version"] for url, row in articles_by_url(db).items() if url in classic}
    assert set(stamps.values()) == {f"{extractor_versions.PACKAGE_VERSION}+smartmag-v10/classic.r{rules.revision + 1}"}


def test_since_takes_only_articles_published_since_the_date(archived, capsys):
    _site, db = archived
    published = sorted(row["published"] for row in articles_by_url(db).values())
    since = published[len(published) // 2]
    expected = sum(1 for date in published if date >= since)
    assert reextract(db, "--since", since, *IN_PROCESS) == 0
    assert f"{expected} of {expected} articles" in capsys.readouterr().out
    assert last_run(db)["articles_extracted"] == expected


def test_a_missing_or_damaged_archive_is_counted_and_named_and_nothing_is_touched(archived, capsys):
    _site, db = archived
    urls = sorted(articles_by_url(db))
    with sqlite3.connect(db) as connection:
        connection.execute("update articles set warc_file = 'warc/gone.warc.gz' where url = ?", [urls[0]])
        connection.execute("update articles set warc_offset = warc_offset + 7 where url = ?", [urls[1]])
        connection.execute("update articles set warc_file = null where url = ?", [urls[2]])
    connection.close()
    before = rows(db)
    assert reextract(db, *IN_PROCESS) == 4
    out, err = capsys.readouterr()
    assert f"{len(urls) - 3} unchanged" in out and "1 not archived, 2 archived records unreadable" in out
    assert f"unreadable: {urls[0]}: cannot read {db.parent / 'warc/gone.warc.gz'}: No such file or directory" in err
    assert f"unreadable: {urls[1]}: {db.parent}/warc/" in err and "no WARC record there (ArchiveLoadFailed)" in err
    assert err.count("\n") == 2
    assert "Traceback" not in err
    assert rows(db) == before
    run = last_run(db)
    assert (run["status"], run["problems"]) == ("unhealthy", "2 archived records missing or unreadable")


def test_a_page_the_code_did_not_foresee_fails_alone_not_its_batch(archived, monkeypatch, capsys, caplog):
    _site, db = archived
    urls = sorted(articles_by_url(db))
    assert len(urls) > reextract_module.BATCH
    culprit = urls[3]
    extract_archived = reextract_module.extract_archived

    def failing_on_culprit(db_folder, article, *arguments):
        if article.url == culprit:
            raise RuntimeError("an unforeseen case")
        return extract_archived(db_folder, article, *arguments)

    monkeypatch.setattr(reextract_module, "extract_archived", failing_on_culprit)
    before = rows(db)
    assert reextract(db, *IN_PROCESS) == 0
    assert f"{len(urls) - 1} of {len(urls)} articles extracted again from the archive, no request: 0 updated, " \
           f"{len(urls) - 1} unchanged (0 restamped with the current extractor_version), 1 failed" in capsys.readouterr().out
    assert [record.getMessage() for record in caplog.records if record.levelname == "WARNING"] == [
        f"Not extracted again, the stored version kept: {culprit} (an unforeseen case)"]
    after = rows(db)
    assert [(url, reason) for _id, _run, url, reason, *_rest in after.pop("failures")] == [(culprit, "an unforeseen case")]
    before.pop("failures")
    assert after == before
    assert last_run(db)["failures"] == 1


def test_a_database_whose_articles_were_never_archived_says_so(served_site, tmp_path, capsys):
    db = tmp_path / "plain.db"
    crawl(served_site.base_url, db, "-s", "POTUS_WARC=0")
    assert reextract(db) == 3
    assert "not archived" in capsys.readouterr().out


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br"])
def test_a_payload_archived_as_the_site_encoded_it_reads_back(archived, capsys, coding):
    site, db = archived
    url = sorted(site.expected_records)[0]
    archive_pages(db, site_pages(site), encoded={url: coding})
    assert main(["extract", "--url", url, "--db", str(db)]) == 0
    assert json.loads(capsys.readouterr().out) == site.expected_records[url]
    assert reextract(db, *IN_PROCESS) == 0
    assert f"{len(site.expected_records)} unchanged" in capsys.readouterr().out


def test_a_payload_in_an_encoding_that_cannot_be_undone_is_unreadable_and_named(archived, capsys):
    site, db = archived
    urls = sorted(site.expected_records)
    archive_pages(db, site_pages(site), encoded={urls[0]: "compress"})
    before = rows(db)
    assert reextract(db, *IN_PROCESS) == 4
    out, err = capsys.readouterr()
    assert "1 archived records unreadable" in out and "Traceback" not in err
    assert "its Content-Encoding 'compress' is none this crawler can undo" in err
    assert rows(db) == before
    assert main(["extract", "--url", urls[0], "--db", str(db)]) == 2
    assert "Content-Encoding 'compress'" in capsys.readouterr().err


def test_extract_url_prints_the_record_of_the_archived_page(archived, capsys):
    site, db = archived
    url = sorted(site.expected_records)[5]
    assert main(["extract", "--url", url, "--db", str(db)]) == 0
    assert json.loads(capsys.readouterr().out) == site.expected_records[url]
    assert main(["extract", "--url", f"{site.base_url}/no-such-post/", "--db", str(db)]) == 2
    assert capsys.readouterr().err.strip() == f"potus-crawler extract: {db} holds no article at " \
                                              f"{site.base_url}/no-such-post/"


@pytest.mark.parametrize("signals, code, first_line, finish_reason", [
    ([signal.SIGINT], 130, "SIGINT received: finishing the articles in flight (send it again to stop at once)",
     "shutdown"),
    ([signal.SIGTERM], 143, "SIGTERM received: finishing the articles in flight (send it again to stop at once)",
     "shutdown"),
    ([signal.SIGINT, signal.SIGINT], 130,
     "SIGINT received: finishing the articles in flight (send it again to stop at once)", "stopped at once"),
])
def test_a_signal_stops_the_run_in_one_line_and_records_it_interrupted(archived, signals, code, first_line,
                                                                        finish_reason):
    _site, db = archived
    # Copies of the articles and their lists pointing at the same archived pages: a run long enough to interrupt.
    with sqlite3.connect(db) as connection:
        for table, key in (("articles", "url"), ("article_authors", "article_url"),
                           ("article_categories", "article_url"), ("article_tags", "article_url"),
                           ("related_links", "article_url")):
            columns = [row[1] for row in connection.execute(f"pragma table_info({table})")]
            for n in range(20):
                values = ", ".join(f"{key} || 'copy-{n}/'" if column == key else column for column in columns)
                connection.execute(f"insert into {table} ({', '.join(columns)}) select {values} from {table} "
                                   f"where {key} not like '%copy-%'")
    connection.close()
    before = articles_by_url(db)
    process = subprocess.Popen([sys.executable, "-m", "potus_crawler.cli", "reextract", "--db", str(db), "-q",
                                "-s", "POTUS_EXTRACTION_WORKERS=1"], cwd=PROJECT_ROOT, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not started(db):
        time.sleep(0.05)
    for signum in signals:
        process.send_signal(signum)
        time.sleep(0.5)
    out, err = process.communicate(timeout=300)
    assert process.returncode == code, err
    lines = err.strip().splitlines()
    assert lines[0] == f"potus-crawler: {first_line}"
    assert len(lines) == len(signals)
    assert out.startswith(f"reextract interrupted by {signal.Signals(signals[0]).name} after ")
    run = last_run(db)
    assert (run["status"], run["finish_reason"]) == ("interrupted", finish_reason)
    assert articles_by_url(db) == before


def started(db: Path) -> bool:
    try:
        with sqlite3.connect(db, timeout=1) as connection:
            return bool(connection.execute("select count(*) from crawl_runs where spider = 'reextract'").fetchone()[0])
    except sqlite3.OperationalError:
        return False


def test_a_reextract_run_is_no_part_of_the_crawls_history(archived):
    _site, db = archived
    store = ArticleStore.for_reading(db)
    crawls_before = (store.last_finished_run_started(), store.recent_runs(10))
    store.close()
    assert reextract(db, *IN_PROCESS) == 0
    store = ArticleStore.for_reading(db)
    assert (store.last_finished_run_started(), store.recent_runs(10)) == crawls_before
    store.close()


def test_progress_goes_to_the_log_as_the_run_goes(archived, capsys):
    site, db = archived
    assert main(["reextract", "--db", str(db), "-s", "POTUS_PROGRESS_SECONDS=0.001", *IN_PROCESS]) == 0
    progress = [line for line in capsys.readouterr().err.splitlines() if line.startswith("potus-crawler: progress: ")]
    assert progress
    assert f"of {len(site.expected_records)} done: " in progress[-1]


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br"])
def test_a_damaged_encoded_body_is_undecodable_content_not_a_crash(coding):
    with pytest.raises(UndecodableContent, match=f"its {coding} content cannot be decoded"):
        decoded_content(b"\x1f\x8b not what the header says", coding)
