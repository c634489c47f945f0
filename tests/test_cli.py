"""The ``potus-crawler`` command as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import FIXTURES
from potus_crawler.cli import main
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
