"""The ``potus-crawler`` command as a user runs it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest

from conftest import FIXTURES
from test_storage import make_record
from potus_crawler.cli import EXIT_LOCKED, EXIT_NO_ARTICLES, EXIT_OK, EXIT_UNHEALTHY, main
from potus_crawler.lock import AlreadyRunning, crawl_lock
from potus_crawler.storage import ArticleStore


def test_extract_prints_the_record_as_json(capsys):
    expected = json.loads((FIXTURES / "article-spanish" / "expected.json").read_text("utf-8"))
    exit_code = main(["extract", str(FIXTURES / "article-spanish" / "page.html"), "--url", expected["url"]])
    assert exit_code == 0
    assert json.loads(capsys.readouterr().out) == expected


def test_extract_of_a_page_that_is_not_an_article_fails_clearly(capsys):
    exit_code = main(["extract", str(FIXTURES / "not-article-category" / "page.html"),
                      "--url", "https://potusnews.news/category/white-house-news/"])
    assert exit_code == 1
    assert "NotAnArticle" in capsys.readouterr().err


def test_demo_serves_crawls_and_summarizes(tmp_path):
    db = tmp_path / "demo.db"
    result = subprocess.run([sys.executable, "-m", "potus_crawler.cli", "demo", "--db", str(db)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    store = ArticleStore(db)
    stored = len(store.article_urls())
    store.close()
    assert stored >= 40
    assert f"({stored}/{stored} equal to their expected record)" in result.stdout
    assert "Per primary category:" in result.stdout and "Fields filled:" in result.stdout


def run_cli(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "potus_crawler.cli", *arguments],
                          capture_output=True, text=True, timeout=300)


LOOPBACK_FAST = ("-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0")


def test_crawl_command_crawls_and_exits_zero(served_site, tmp_path):
    db = tmp_path / "cron.db"
    result = run_cli("crawl", "--db", str(db), "--base-url", served_site.base_url, *LOOPBACK_FAST)
    assert result.returncode == EXIT_OK, result.stderr[-3000:]
    assert f"articles: {len(served_site.expected_records)} new" in result.stdout
    store = ArticleStore(db)
    assert len(store.article_urls()) == len(served_site.expected_records)
    store.close()


def test_second_crawl_of_the_same_database_exits_at_once_with_the_lock_code(served_site, tmp_path):
    db = tmp_path / "cron.db"
    served_before = len(served_site.paths_served)
    with crawl_lock(db):
        result = run_cli("crawl", "--db", str(db), "--base-url", served_site.base_url, *LOOPBACK_FAST)
    assert result.returncode == EXIT_LOCKED
    assert "not started: another crawl holds" in result.stderr and f"pid {os.getpid()}" in result.stderr
    assert not db.exists() and len(served_site.paths_served) == served_before


def test_crawl_lock_is_released_when_its_holder_ends(tmp_path):
    with crawl_lock(tmp_path / "x.db"):
        with pytest.raises(AlreadyRunning):
            with crawl_lock(tmp_path / "x.db"):
                pass
    with crawl_lock(tmp_path / "x.db"):
        pass


def test_crawl_that_finds_no_article_exits_with_its_own_code(tmp_path):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    result = run_cli("crawl", "--db", str(tmp_path / "x.db"), "--base-url", f"http://127.0.0.1:{port}",
                     *LOOPBACK_FAST, "-s", "RETRY_TIMES=0", "-s", "ROBOTSTXT_OBEY=0")
    assert result.returncode == EXIT_NO_ARTICLES, result.stderr[-3000:]
    assert "no article found" in result.stderr


def test_demo_never_clears_a_database_of_a_real_site(tmp_path):
    db = tmp_path / "potus.db"
    store = ArticleStore(db)
    store.save_article(make_record())
    store.close()
    with pytest.raises(SystemExit, match="holds 1 articles of a real site"):
        main(["demo", "--db", str(db)])
    store = ArticleStore(db)
    assert store.article_urls() == [make_record().url]
    store.close()


def test_a_run_whose_figures_fall_far_below_the_recent_runs_exits_with_its_own_code(served_site, tmp_path):
    db = tmp_path / "cron.db"
    store = ArticleStore(db)
    # Three earlier runs whose articles were ten times longer: this site's layout must have lost most of the text.
    for _ in range(3):
        run_id = store.start_run("potus", served_site.base_url)
        store.finish_run(run_id, "finished", articles_found=48, articles_extracted=48, fill_published=1.0,
                         fill_authors=1.0, body_words_median=2900.0)
    store.close()
    result = run_cli("crawl", "--db", str(db), "--base-url", served_site.base_url, *LOOPBACK_FAST)
    assert result.returncode == EXIT_UNHEALTHY, result.stderr[-3000:]
    assert "median body length (words) fell to" in result.stderr and "recent median of 2900.00" in result.stderr
    store = ArticleStore(db)
    run = next(store.db.query("select status, problems, articles_new from crawl_runs order by id desc limit 1"))
    assert run["status"] == "unhealthy" and run["problems"].startswith("median body length")
    # An alarm loses nothing: the articles are stored all the same.
    assert run["articles_new"] == len(store.article_urls()) == len(served_site.expected_records)
    store.close()


def test_crawl_rejects_a_since_that_is_no_date_before_doing_anything(tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["crawl", "--db", str(tmp_path / "x.db"), "--since", "next blursday"])
    assert stopped.value.code == 2 and "--since: not a date: 'next blursday'" in capsys.readouterr().err
    assert not (tmp_path / "x.db").exists()
