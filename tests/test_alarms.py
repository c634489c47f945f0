"""Alarms of a crawl, as cron meets them: the demo site crawled as built, then served changed on every page.

The first crawl is the history; the second re-fetches every article (``--full``) from pages rewritten
the way a theme change or a theme update rewrites them (``tests/faults.py``). It must finish, exit 4
(EXIT_UNHEALTHY) naming the figure that fell with both values, and lose nothing that was stored.
"""

from __future__ import annotations

from collections.abc import Callable

from faults import every_page, faulty_site, other_theme, without_tags_block
from test_faults import run_crawl

from potus_crawler.cli import EXIT_OK, EXIT_UNHEALTHY
from potus_crawler.demo import build_site
from potus_crawler.monitor import FILL_FIELDS
from potus_crawler.storage import ArticleStore


def crawl_then_crawl_rewritten(tmp_path, transform: Callable[[str], str]):
    """Both crawls' results, and the articles stored after each (URL -> record dict)."""
    db = tmp_path / "potus.db"
    with faulty_site({}) as (site, server):
        first = run_crawl(site.base_url, db)
        assert first.returncode == EXIT_OK, first.stderr[-3000:]
        before = stored_records(db)
        assert len(before) == len(site.expected_records)
        server.faults.update(every_page(site, transform))
        second = run_crawl(site.base_url, db, "--full")
    return second, before, stored_records(db), last_run(db)


def stored_records(db) -> dict[str, dict]:
    store = ArticleStore(db)
    try:
        return {url: store.load_record(url) for url in store.article_urls()}
    finally:
        store.close()


def last_run(db) -> dict:
    store = ArticleStore(db)
    try:
        return next(store.db.query("select * from crawl_runs order by id desc limit 1"))
    finally:
        store.close()


def problems(result) -> list[str]:
    return [line.removeprefix("potus-crawler crawl: ") for line in result.stderr.splitlines()
            if line.startswith("potus-crawler crawl: ")]


def test_a_theme_change_exits_unhealthy_naming_the_site_rules_share_and_loses_nothing(tmp_path):
    result, before, after, run = crawl_then_crawl_rewritten(tmp_path, other_theme)
    assert result.returncode == EXIT_UNHEALTHY, result.stderr[-3000:]
    assert ("the share of articles the site rules (smartmag-v10) extracted fell to 0.0% against a recent median "
            "of 100.0% (1 run): has the site's theme changed?") in problems(result)
    assert run["status"] == "unhealthy" and run["rule_set_counts"] == f'{{"generic": {len(before)}}}'
    # Every article was extracted again, by the generic path; whatever it could not fill kept its stored value.
    assert after.keys() == before.keys()
    assert {record["extracted_with"] for record in after.values()} == {"generic"}
    lost = {(url, field) for url, record in before.items() for field in FILL_FIELDS
            if record[field] and not after[url][field]}
    assert lost == set()


def test_one_field_broken_on_every_page_exits_unhealthy_naming_that_field(tmp_path):
    result, before, after, run = crawl_then_crawl_rewritten(tmp_path, without_tags_block)
    assert result.returncode == EXIT_UNHEALTHY, result.stderr[-3000:]
    assert problems(result) == ["tags fill rate fell to 0.0% against a recent median of 100.0% (1 run): "
                                "has the site's layout changed?"]
    assert run["status"] == "unhealthy" and run["problems"].startswith("tags fill rate")
    # The site rules still matched: the stored tags were kept, nothing else changed.
    assert after == before


def test_the_same_urls_served_in_the_second_theme_exit_unhealthy_naming_the_site_rules_share(tmp_path):
    """The real second theme (the demo's block theme) over the same URLs: a theme change as it would happen."""
    db = tmp_path / "potus.db"
    with faulty_site({}) as (site, _server):
        assert run_crawl(site.base_url, db).returncode == EXIT_OK
        before = stored_records(db)
        build_site(site.root, site.base_url, site.content, theme="block")
        result = run_crawl(site.base_url, db, "--full")
    after, run = stored_records(db), last_run(db)
    assert result.returncode == EXIT_UNHEALTHY, result.stderr[-3000:]
    assert ("the share of articles the site rules (smartmag-v10) extracted fell to 0.0% against a recent median "
            "of 100.0% (1 run): has the site's theme changed?") in problems(result)
    assert run["rule_set_counts"] == f'{{"generic": {len(before)}}}'
    assert after.keys() == before.keys()
    lost = {(url, field) for url, record in before.items() for field in FILL_FIELDS
            if record[field] and not after[url][field]}
    assert lost == set()
