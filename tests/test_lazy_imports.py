"""The command line imports what a command needs when it runs: --help and the analysts' commands start
without Scrapy, the extractors' libraries, the demo, and numpy (which sqlite-utils would import)."""

from __future__ import annotations

import json
import subprocess
import sys
from contextlib import closing

import pytest

from potus_crawler.storage import ArticleStore
from tests.test_storage import make_record

#: Modules of a crawl or of extraction, each of which takes a tenth of a second or more to import.
CRAWL_ONLY = ("scrapy", "twisted", "trafilatura", "lxml", "dateparser", "potus_crawler.demo", "numpy")
#: Runs the command line in a fresh interpreter and prints the modules it imported as JSON.
RUN_AND_LIST_MODULES = """
import json, sys
from potus_crawler.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def imported_by(*arguments: str) -> set[str]:
    finished = subprocess.run([sys.executable, "-c", RUN_AND_LIST_MODULES, *arguments], capture_output=True,
                              text=True, timeout=120)
    return set(json.loads(finished.stderr.splitlines()[-1]))


def crawl_modules(modules: set[str]) -> list[str]:
    return sorted(name for name in modules if name.split(".")[0] in CRAWL_ONLY or name.startswith(CRAWL_ONLY))


@pytest.fixture(scope="module")
def small_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("lazy") / "crawl.db"
    with closing(ArticleStore(path)) as store:
        store.save_article(make_record())
    return path


def test_help_imports_no_crawl_library():
    modules = imported_by("--help")
    assert "potus_crawler.cli" in modules
    assert crawl_modules(modules) == []
    assert "sqlite_utils" not in modules


@pytest.mark.parametrize("command", [["stats"], ["search", "parliament"], ["export", "--format", "csv"]])
def test_analysts_commands_import_no_crawl_library(small_db, command):
    modules = imported_by(*command, "--db", str(small_db))
    assert "potus_crawler.queries" in modules
    assert crawl_modules(modules) == []


def test_the_extract_command_still_imports_the_extractor(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>Nothing here.</p></body></html>", encoding="utf-8")
    assert "trafilatura" in imported_by("extract", str(page), "--url", "https://potusnews.news/x/")


def test_the_choices_named_on_the_command_line_are_the_modules_own():
    from potus_crawler import export
    from potus_crawler.cli import DEMO_THEMES, EXPORT_FORMATS
    from potus_crawler.demo.build import THEMES

    assert sorted(DEMO_THEMES) == sorted(THEMES)
    assert EXPORT_FORMATS == export.FORMATS
