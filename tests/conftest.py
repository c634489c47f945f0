"""Shared fixtures: the demo site built on disk, and the demo site served on loopback."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from extractors import extract
from potus_crawler.demo import build_site, demo_site
from potus_crawler.storage import ArticleStore

FIXTURES = Path(__file__).parent / "fixtures"
#: Phrases of the site's chrome (capture of the real site): none may appear in an article body.
CHROME_PHRASES = (
    "Source link", "Mins Read", "Min Read", "No Comments", "Subscribe to Updates", "Subscribe to our newsletter",
    "What's Hot", "Related Posts", "Leave A Reply", "Cancel Reply", "Editors Picks", "Our Picks", "Read More",
    "Type above and press", "Designed by potusnews", "Close Menu", "Advertisement", "Posts by", "Post Comment",
    "Save my name, email", "Welcome to POTUS News",
)
#: Chrome labels that are ordinary words inside a sentence: none may stand as a body block of its own.
CHROME_LINES = frozenset({
    "Share", "Share.", "Facebook", "Twitter", "X (Twitter)", "Instagram", "Pinterest", "Telegram", "LinkedIn",
    "Tumblr", "WhatsApp", "Email", "Website", "potus", "By potus", "Home", "About Us", "POTUS News",
    "Health & Welfare", "Innovation", "National Security", "White House News", "U.S. Foreign Policy",
})


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    """Temporary folders in one folder of this run's, removed at its end: the suite leaves the system's
    temporary folder as it found it (pytest would keep its last three runs' folders there)."""
    if config.option.basetemp is None:
        config.option.basetemp = config.stash[RUN_FOLDER] = tempfile.mkdtemp(prefix="potus-tests-")
        # The crawlers the tests start, and their workers, too: a crawler killed with SIGKILL cannot remove
        # the folder of its fork server's socket.
        os.environ["TMPDIR"] = config.stash[RUN_FOLDER]


def pytest_unconfigure(config):
    if RUN_FOLDER in config.stash:
        shutil.rmtree(config.stash[RUN_FOLDER], ignore_errors=True)


RUN_FOLDER = pytest.StashKey[str]()


def chrome_in(body: str) -> list[str]:
    """The chrome a body contains: phrases anywhere, labels as whole blocks."""
    blocks = body.split("\n\n")
    return [p for p in CHROME_PHRASES if p in body] + [b for b in blocks if b in CHROME_LINES]


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The demo site as files, with the real site's base URL (nothing served)."""
    return build_site(tmp_path_factory.mktemp("site"), "https://potusnews.news")


@pytest.fixture(scope="session")
def served_site():
    """The demo site served by a real HTTP server on 127.0.0.1 for the whole session."""
    with demo_site() as site:
        yield site


@pytest.fixture(scope="session")
def demo_db(built_site, tmp_path_factory):
    """The demo site's articles stored as a crawl stores them (extracted from the built pages)."""
    path = tmp_path_factory.mktemp("analysts") / "potus.db"
    store = ArticleStore(path)
    for url in built_site.expected_records:
        store.save_article(extract(read_page(built_site, url.removeprefix(built_site.base_url)), url),
                           found_by="listing")
    store.close()
    return path


def env_importing_tests() -> dict[str, str]:
    """The environment for a crawl that imports modules of this folder (``faults``: its resolver, extensions)."""
    tests = str(Path(__file__).resolve().parent)
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [tests, os.environ.get("PYTHONPATH")]))}


def read_page(site, path: str) -> str:
    return (site.root / path.strip("/") / "index.html").read_text(encoding="utf-8")


def callback_outputs(spider, callback: str, response) -> list:
    """What an async spider callback yields for ``response``, run to its end."""
    async def collect():
        return [output async for output in getattr(spider, callback)(response)]

    return asyncio.run(collect())
