"""The ``potus-crawler`` command as a user runs it."""

from __future__ import annotations

import json
import os
import re
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
        store.finish_run(run_id, "finished", articles_found=48, articles_extracted=48,
                         fill_rates={"published": 1.0, "authors": 1.0}, body_words_median=2900.0)
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


def test_a_crawl_not_on_a_terminal_logs_a_progress_line_at_each_interval(served_site, tmp_path):
    result = run_cli("crawl", "--db", str(tmp_path / "cron.db"), "--base-url", served_site.base_url, *LOOPBACK_FAST,
                     "-s", "DOWNLOAD_DELAY=0.02", "-s", "POTUS_PROGRESS_SECONDS=0.5")
    assert result.returncode == EXIT_OK, result.stderr[-3000:]
    lines = [line for line in result.stderr.splitlines() if line.startswith("potus-crawler: progress: ")]
    assert lines, result.stderr[-3000:]
    assert re.search(r"\d:\d\d:\d\d  articles: \d+ new, 0 updated, 0 unchanged, 0 failed  requests: \d+ "
                     r"\(\d+\.\d pages/s\)  listings walked: \d+ of \d+$", lines[-1])
    # Nothing else at the default level: no Scrapy banner, no stats dump.
    assert [line for line in result.stderr.splitlines() if line not in lines] == []


def test_a_quiet_crawl_prints_its_summary_only(served_site, tmp_path):
    result = run_cli("crawl", "--quiet", "--db", str(tmp_path / "cron.db"), "--base-url", served_site.base_url,
                     *LOOPBACK_FAST, "-s", "POTUS_PROGRESS_SECONDS=0.2")
    assert result.returncode == EXIT_OK, result.stderr[-3000:]
    assert result.stderr == ""
    assert len(result.stdout.splitlines()) == 1 and result.stdout.startswith("crawl finished after ")


def test_the_progress_line_says_what_is_done_and_how_many_listings_of_those_found(served_site):
    from potus_crawler import stat_keys
    from potus_crawler.progress import progress_line

    stats = {stat_keys.ARTICLE_OUTCOMES["new"]: 12, stat_keys.ARTICLE_OUTCOMES["changed"]: 2, stat_keys.FAILURES: 1,
             "downloader/request_count": 40, "downloader/response_count": 38, stat_keys.LISTINGS_STARTED: 5,
             stat_keys.LISTINGS_DONE: 3}
    assert progress_line(stats, 3725.0) == ("1:02:05  articles: 12 new, 2 updated, 0 unchanged, 1 failed  "
                                            "requests: 40 (0.0 pages/s)  listings walked: 3 of 5")


def test_below_info_a_logged_exception_is_one_line(caplog):
    import logging

    from potus_crawler.logs import ExceptionsInOneLine

    try:
        raise ConnectionRefusedError("Connection was refused by other side")
    except ConnectionRefusedError:
        record = logging.getLogger("test").makeRecord("test", logging.ERROR, __file__, 1, "Error downloading %s",
                                                      ("<GET http://127.0.0.1:9/robots.txt>",), sys.exc_info())
    assert ExceptionsInOneLine().filter(record)
    assert logging.Formatter().format(record) == ("Error downloading <GET http://127.0.0.1:9/robots.txt> "
                                                  "(ConnectionRefusedError: Connection was refused by other side)")


def test_an_unreachable_site_gives_no_traceback(tmp_path):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    result = run_cli("crawl", "--db", str(tmp_path / "x.db"), "--base-url", f"http://127.0.0.1:{port}",
                     *LOOPBACK_FAST, "-s", "RETRY_TIMES=0")
    assert result.returncode == EXIT_NO_ARTICLES
    assert "Traceback" not in result.stderr and "ConnectionRefusedError" in result.stderr


def test_the_default_contact_is_warned_about_on_a_real_site_only(caplog):
    from scrapy.utils.test import get_crawler

    from potus_crawler import settings as project_settings
    from potus_crawler.spiders.potus import PotusSpider

    project = {name: value for name, value in vars(project_settings).items() if name.isupper()}
    for base_url, warned in (("https://potusnews.news", True), ("http://127.0.0.1:8765", False),
                             ("http://localhost:8765", False)):
        caplog.clear()
        PotusSpider.from_crawler(get_crawler(PotusSpider, {**project, "POTUS_EXTRACTION_WORKERS": 0}),
                                 base_url=base_url)
        assert ("POTUS_CONTACT is left at its default" in caplog.text) is warned, base_url
    caplog.clear()
    PotusSpider.from_crawler(get_crawler(PotusSpider, {**project, "POTUS_EXTRACTION_WORKERS": 0,
                                                       "POTUS_CONTACT": "mailto:ops@example.org"}),
                             base_url="https://potusnews.news")
    assert "POTUS_CONTACT" not in caplog.text


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_demo_serve_serves_until_ctrl_c_and_publishes_its_changes_on_enter(tmp_path):
    import signal
    import urllib.error
    import urllib.request

    port = free_port()
    # Its own temporary folder, to see that the built site is removed (other processes build demos too).
    temp = tmp_path / "temp"
    temp.mkdir()
    server = subprocess.Popen([sys.executable, "-m", "potus_crawler.cli", "demo", "--serve", "--port", str(port),
                               "--changes"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env={**os.environ, "TMPDIR": str(temp)},
                              # As a shell starts a background job: Ctrl-C must stop it all the same.
                              preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        header = [server.stdout.readline() for _ in range(5)]
        base = f"http://127.0.0.1:{port}"
        assert header[0] == f"Demo site with 48 articles served at {base}/\n"
        assert f"crawl --base-url {base} --db data/demo-served.db" in header[2]
        assert f"crawl potus -a base_url={base} -s POTUS_DB=data/demo-served.db" in header[3]
        removed = f"{base}/midwest-soybean-farmers-brace-for-retaliation/"
        assert urllib.request.urlopen(removed, timeout=30).status == 200
        server.stdin.write("\n")
        server.stdin.flush()
        assert server.stdout.readline() == "Changes published.\n"
        with pytest.raises(urllib.error.HTTPError) as gone:
            urllib.request.urlopen(removed, timeout=30)
        assert gone.value.code == 404
        server.send_signal(signal.SIGINT)
        stdout, stderr = server.communicate(timeout=60)
    finally:
        server.kill()
        server.wait()
    assert server.returncode == EXIT_OK and stdout == "Demo site stopped.\n" and stderr == ""
    assert list(temp.iterdir()) == []


def test_demo_serve_on_a_port_in_use_says_so_in_one_line(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["demo", "--serve", "--port", str(port)]) == 2
    assert capsys.readouterr().err == f"potus-crawler demo: cannot serve on 127.0.0.1:{port}: Address already in use\n"


@pytest.mark.parametrize(("arguments", "line"), [
    (["missing.html", "--url", "https://potusnews.news/x/"], "potus-crawler extract: cannot read missing.html: "
                                                            "No such file or directory"),
    ([".", "--url", "https://potusnews.news/x/"], "potus-crawler extract: cannot read .: Is a directory"),
])
def test_extract_of_a_file_it_cannot_read_says_so_in_one_line(capsys, arguments, line):
    assert main(["extract", *arguments]) == 2
    assert capsys.readouterr().err == line + "\n"


def test_extract_needs_a_web_address(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["extract", str(FIXTURES / "article-spanish" / "page.html"), "--url", "notaurl"])
    assert stopped.value.code == 2
    assert "argument --url: not an http:// or https:// address: 'notaurl'" in capsys.readouterr().err
