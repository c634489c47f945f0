"""``potus-crawler serve``: Datasette on a crawled database, checked in a real headless Chromium."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest

from potus_crawler.browse import datasette_metadata, served_datasette
from potus_crawler.queries import search
from potus_crawler.storage import ArticleStore
from test_storage import make_record

#: Screenshots land here for people (and CI's artifacts) to look at.
ARTIFACTS = Path(os.environ.get("POTUS_TEST_ARTIFACTS", Path(__file__).resolve().parent.parent / "test-artifacts"))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: An article of the demo site, and words of its body only.
KNOWN_TITLE = "Senate Panel Grills Defense Secretary Nominee on Experience, Readiness and Culture"
KNOWN_WORDS = "Hegseth confirmation"


def test_metadata_names_the_served_file_and_hides_the_search_index(demo_db):
    metadata = datasette_metadata(demo_db)
    database = metadata["databases"]["potus"]
    assert database["tables"]["articles_fts_data"] == {"hidden": True}
    assert database["tables"]["articles_unstemmed_fts_idx"] == {"hidden": True}
    assert {"category", "source_domain"} <= set(database["tables"]["articles"]["facets"])
    # Column help is docs/schema.md's, without its Markdown.
    assert database["tables"]["articles"]["columns"]["found_by"].startswith("Which source")
    assert "`" not in database["tables"]["crawl_runs"]["columns"]["status"]


def test_the_articles_page_shows_the_metadata_facets_and_suggests_none(tmp_path):
    """Suggesting facets queries every column of every row: seconds a page once there are many articles."""
    db_path = tmp_path / "crawl.db"
    store = ArticleStore(db_path)
    store.save_article(make_record())
    store.close()
    response = datasette_get(db_path, "/crawl/articles.json?_extra=suggested_facets&_extra=facet_results")
    assert response.status_code == 200
    facets = response.json()["facet_results"]
    assert list(facets) == ["category", "language", "source_domain", "found_by"]
    assert facets["category"]["results"][0]["value"] == "International Relations"
    assert response.json()["suggested_facets"] == []


def datasette_get(db_path: Path, path: str) -> httpx.Response:
    """A page of ``potus-crawler serve`` on the database, asked in process (our plugin loaded as installed)."""
    return asyncio.run(served_datasette(db_path).client.get(path))


def query_rows(db_path: Path, query: str, **parameters: str) -> list[dict]:
    response = datasette_get(db_path, f"/{db_path.stem}/{query}.json?{urlencode({**parameters, '_shape': 'array'})}")
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(("query", "parameters"), [
    ("latest_by_category", {"category": "National Security"}),
    ("search", {"q": KNOWN_WORDS}),
    ("articles_by_source_outlet", {"domain": "www.nytimes.com"}),
])
def test_each_canned_query_runs_and_finds_the_known_article(demo_db, query, parameters):
    assert KNOWN_TITLE in [row["title"] for row in query_rows(demo_db, query, **parameters)]


def test_the_search_page_shows_no_error_before_anything_is_typed(demo_db):
    page = datasette_get(demo_db, "/potus/search")
    assert page.status_code == 200 and "Search articles" in page.text
    assert "message-error" not in page.text and "fts5" not in page.text
    assert [query_rows(demo_db, "search", q=typed) for typed in ("", "   ", "?!", "OR")] == [[], [], [], []]


def test_the_search_page_reads_a_query_as_the_cli_does(demo_db):
    """A prefix on the unstemmed index, the rest stemmed, in the CLI's order."""
    store = ArticleStore.for_reading(demo_db)
    for typed in ("immigra*", "immigrants", 'title:tariff* OR "stopgap', "Trump's U.S."):
        cli_titles = [hit["title"] for hit in search(store.db, typed, limit=100)]
        assert [row["title"] for row in query_rows(demo_db, "search", q=typed)] == cli_titles != [], typed
    store.close()


def test_search_snippets_are_escaped_with_their_hits_marked(tmp_path):
    path = tmp_path / "potus.db"
    store = ArticleStore(path)
    store.save_article(make_record(body='The Sejm voted. <script>alert("owned")</script> <b>Bold</b> Sejm again.'))
    store.close()
    page = datasette_get(path, "/potus/search?q=Sejm").text
    assert "<mark>Sejm</mark> voted. &lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt; &lt;b&gt;Bold&lt;/b&gt;" in page
    assert "<script>alert" not in page and "\x02" not in page
    # The CLI draws the same hits with brackets.
    assert query_rows(path, "search", q="Sejm")[0]["snippet"].count("\x02") == 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def served(demo_db):
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "potus_crawler.cli", "serve", "--db", str(demo_db),
                               "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=1)
            break
        except OSError:
            assert server.poll() is None, server.stdout.read()
            time.sleep(0.2)
    yield base
    server.terminate()
    server.wait(timeout=10)


def chromium(*arguments: str) -> str:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: .ci/run installs Debian's package")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    result = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                             "--hide-scrollbars", *arguments], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_the_home_page_and_the_articles_page_load_with_our_help_and_facets(served):
    assert "POTUS News articles" in chromium("--dump-dom", served + "/")
    page = chromium("--dump-dom", served + "/potus/articles")
    assert "One row per article, by canonical URL." in page and "48 rows" in page
    assert 'id="facet-category"' in page and "articles?category=National+Security" in page


def test_search_in_the_browser_finds_a_known_demo_article_and_is_screenshotted(served):
    url = served + "/potus/articles?_search=" + KNOWN_WORDS.replace(" ", "+")
    page = chromium("--dump-dom", url)
    assert KNOWN_TITLE in page
    assert "1 row where search matches" in page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot = ARTIFACTS / "datasette-search.png"
    screenshot.unlink(missing_ok=True)
    chromium(f"--screenshot={screenshot}", "--window-size=1280,1400", url)
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and screenshot.stat().st_size > 20_000


def test_the_canned_search_query_runs_in_the_browser(served):
    page = chromium("--dump-dom", served + "/potus/search?q=" + KNOWN_WORDS.replace(" ", "+"))
    assert "Search articles" in page and KNOWN_TITLE in page
