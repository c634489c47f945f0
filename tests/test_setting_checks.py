"""Settings are checked before the first request: a bad one ends the crawl in one line with exit code 2."""

from __future__ import annotations

import subprocess
import sys

import pytest

from potus_crawler.cli import EXIT_USAGE, crawl_settings, main
from potus_crawler.setting_checks import BadSetting, check_settings


@pytest.mark.parametrize(("assignment", "allowed"), [
    ("CONCURRENT_REQUESTS=abc", "a whole number from 1 up"),
    ("CONCURRENT_REQUESTS=2.5", "a whole number from 1 up"),
    ("CONCURRENT_REQUESTS=0", "a whole number from 1 up"),
    ("POTUS_EXTRACTION_WORKERS=lots", "a whole number from 0 to 64"),
    ("POTUS_EXTRACTION_BACKLOG=-1", "a whole number from 0 up"),
    ("POTUS_TIMEZONE=Mars/Olympus", "an IANA time zone"),
    ("POTUS_TIMEZONE=Europe/Berln", "did you mean Europe/Berlin"),
    ("POTUS_MONITOR_RUNS=ten", "a whole number from 1 up"),
    ("POTUS_MONITOR_MAX_DROP=1.5", "a number above 0 to 1"),
    ("DOWNLOAD_DELAY=-1", "a number from 0 up"),
    ("DOWNLOAD_TIMEOUT=0", "a number above 0"),
    ("DOWNLOAD_DELAY=nan", "a number from 0 up"),
    ("ROBOTSTXT_OBEY=maybe", "1/0, true/false"),
    ("LOG_LEVEL=LOUD", "one of CRITICAL, ERROR, WARNING, INFO, DEBUG (upper case), or a level's number"),
    # Logging takes level names in upper case only, and a profile or progress mode as written.
    ("LOG_LEVEL=info", "one of CRITICAL, ERROR, WARNING, INFO, DEBUG"),
    ("POTUS_PROGRESS=OFF", "one of line, log, off"),
    ("POTUS_RECHECK_SINCE=next blursday", "a date such as 2025-03-10"),
    ("POTUS_FEEDS=feed/", "each starting with /"),
    ("POTUS_PROGRESS=sometimes", "one of line, log, off"),
    ("POTUS_SITE=drupal", "one of potusnews, wordpress"),
    ("POTUS_TIMEZON=UTC", "no such setting (did you mean POTUS_TIMEZONE?)"),
    ("POTUS_WARC=sometimes", "1/0, true/false"),
    ("POTUS_WARC_MAX_MB=0", "a number above 0"),
    ("POTUS_WARC_KEEP_DAYS=-1", "a number from 0 up"),
])
def test_a_bad_setting_is_named_with_its_value_and_what_is_allowed(tmp_path, capsys, assignment, allowed):
    name, value = assignment.split("=", 1)
    db = tmp_path / "potus.db"
    assert main(["crawl", "--db", str(db), "--base-url", "http://127.0.0.1:9", "-s", assignment]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err == f"potus-crawler crawl: setting {name}={value!r} is not allowed: " + err.split(": ", 2)[2]
    assert allowed in err and err.count("\n") == 1
    # Refused before anything: no database, no lock file, no request.
    assert list(tmp_path.iterdir()) == []


def test_the_database_must_be_a_sqlite_file_in_a_folder_that_can_be_written(tmp_path, capsys):
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a database", encoding="utf-8")
    read_only = tmp_path / "read-only"
    read_only.mkdir()
    read_only.chmod(0o500)
    cases = {str(text_file): "a SQLite file (this one is something else)", str(tmp_path): "a file, not a folder"}
    if not __import__("os").access(read_only, __import__("os").W_OK):  # root may write anywhere
        cases[str(read_only / "sub" / "x.db")] = "a path in a folder this user may write"
    try:
        for db, allowed in cases.items():
            assert main(["crawl", "--db", db, "--base-url", "http://127.0.0.1:9"]) == EXIT_USAGE
            assert allowed in capsys.readouterr().err
    finally:
        read_only.chmod(0o700)
    assert text_file.read_text(encoding="utf-8") == "not a database"


def test_a_base_url_that_is_no_web_address_is_refused(tmp_path, capsys):
    assert main(["crawl", "--db", str(tmp_path / "x.db"), "--base-url", "potusnews.news"]) == EXIT_USAGE
    assert "POTUS_BASE_URL='potusnews.news' is not allowed: an http:// or https:// address" in capsys.readouterr().err


@pytest.mark.parametrize("level", ["INFO", "WARN", "20", 10])
def test_every_log_level_logging_takes_is_allowed(level):
    check_settings(crawl_settings({"LOG_LEVEL": level}))


def test_the_project_defaults_pass_every_check():
    check_settings(crawl_settings({}))


def test_the_demo_checks_its_settings_too(tmp_path, capsys):
    assert main(["demo", "--db", str(tmp_path / "demo.db"), "-s", "CONCURRENT_REQUESTS=many"]) == EXIT_USAGE
    assert "setting CONCURRENT_REQUESTS='many' is not allowed" in capsys.readouterr().err


def test_scrapy_crawl_refuses_a_bad_setting_before_opening_the_spider(tmp_path):
    """The development path: the spider checks the same rules, so no run row is left ``running``."""
    db = tmp_path / "potus.db"
    result = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "potus", "-a", "base_url=http://127.0.0.1:9",
                             "-s", f"POTUS_DB={db}", "-s", "POTUS_MONITOR_RUNS=ten"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "setting POTUS_MONITOR_RUNS='ten' is not allowed: a whole number from 1 up" in result.stderr
    assert not db.exists()


def test_bad_setting_is_a_value_error_naming_the_setting():
    with pytest.raises(BadSetting) as raised:
        check_settings(crawl_settings({"RETRY_TIMES": "-2"}))
    assert raised.value.name == "RETRY_TIMES" and isinstance(raised.value, ValueError)


def test_a_damaged_database_is_one_line_before_the_crawl(tmp_path, capsys):
    db = tmp_path / "potus.db"
    # A SQLite header, then no database: the check of the header passes, opening it does not.
    db.write_bytes(b"SQLite format 3\x00" + b"junk" * 4096)
    assert main(["crawl", "--db", str(db), "--base-url", "http://127.0.0.1:9"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith(f"potus-crawler crawl: {db}") and err.count("\n") == 1 and "Traceback" not in err
