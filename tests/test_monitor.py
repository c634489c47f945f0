"""Run health: a theme or layout change shows as the site rules' share or a fill rate falling against the recent runs."""

from __future__ import annotations

from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from extractors import ArticleRecord
from potus_crawler.monitor import FILL_FIELDS, RunObserver, run_problems, stored_fill_rates
from potus_crawler.storage import ArticleStore
from test_storage import make_record

FILLED = dict.fromkeys(FILL_FIELDS, 1.0)
HEALTHY = {"articles_found": 60, "articles_extracted": 40, "failures": 0, "rule_set_counts": {"smartmag-v10": 40},
           "fill_rates": dict(FILLED, authors=0.97), "body_words_median": 480.0}
HISTORY = [dict(HEALTHY, fill_rates=dict(FILLED, authors=rate), body_words_median=words)
           for rate, words in ((1.0, 450.0), (0.95, 520.0), (0.98, 470.0))]
LIMITS = {"max_drop": 0.5, "min_articles": 10}


def with_fill(field: str, rate: float) -> dict:
    return dict(HEALTHY, fill_rates=dict(HEALTHY["fill_rates"], **{field: rate}))


def test_a_run_like_the_recent_ones_is_healthy():
    assert run_problems(HEALTHY, HISTORY, **LIMITS) == []


def test_a_fill_rate_fallen_well_below_the_median_is_named_with_both_figures():
    problems = run_problems(with_fill("authors", 0.1), HISTORY, **LIMITS)
    assert problems == ["authors fill rate fell to 10.0% against a recent median of 98.0% (3 runs): "
                        "has the site's layout changed?"]


def test_the_profiles_floors_judge_a_first_run_and_name_the_field_once():
    floors = {"tags": 0.8, "authors": 0.9}
    first_run = dict(with_fill("tags", 0.3), fill_rates=dict(FILLED, tags=0.3))
    assert run_problems(first_run, [], **LIMITS, expected_fill_rates=floors) == [
        "tags fill rate 30.0% is far below the 80% the site's profile expects: has the site's layout changed?"]
    # A few odd pages are no alarm: 60% against 80% expected, within the allowed drop of a half.
    assert run_problems(dict(first_run, fill_rates=dict(FILLED, tags=0.6)), [], **LIMITS,
                        expected_fill_rates=floors) == []
    # Fallen against the history too: one sentence for the field, the one with both figures.
    fallen = run_problems(with_fill("tags", 0.1), HISTORY, **LIMITS, expected_fill_rates=floors)
    assert fallen == ["tags fill rate fell to 10.0% against a recent median of 100.0% (3 runs): "
                      "has the site's layout changed?"]
    assert run_problems(HEALTHY, HISTORY, **LIMITS, expected_fill_rates=floors) == []


def test_every_field_is_judged():
    for field in FILL_FIELDS:
        [problem] = run_problems(with_fill(field, 0.0), HISTORY, **LIMITS)
        assert problem.startswith(f"{field} fill rate fell to 0.0%")


def test_site_rules_matching_far_fewer_pages_is_named_with_the_rule_sets_and_both_shares():
    run = dict(HEALTHY, rule_set_counts={"smartmag-v10": 4, "generic": 36})
    assert run_problems(run, HISTORY, **LIMITS) == [
        "the share of articles the site rules (smartmag-v10) extracted fell to 10.0% against a recent median of "
        "100.0% (3 runs): has the site's theme changed?"]


def test_bodies_cut_short_are_named():
    problems = run_problems(dict(HEALTHY, body_words_median=40.0), HISTORY, **LIMITS)
    assert problems == ["median body length (words) fell to 40.00 against a recent median of 470.00 (3 runs): "
                        "has the site's layout changed?"]


def test_a_small_drop_is_no_alarm():
    assert run_problems(dict(with_fill("authors", 0.6), body_words_median=300.0), HISTORY, **LIMITS) == []


def test_a_run_too_small_to_judge_is_not_judged_on_its_figures():
    small = dict(with_fill("authors", 0.0), articles_extracted=3, rule_set_counts={"generic": 3})
    assert run_problems(small, HISTORY, **LIMITS) == []


def test_the_first_run_has_nothing_to_compare_with():
    assert run_problems(with_fill("authors", 0.0), [], **LIMITS) == []


def test_runs_recorded_before_a_figure_existed_are_no_history_for_it():
    older = [{**run, "rule_set_counts": None, "fill_rates": {"published": 1.0, "authors": 1.0}} for run in HISTORY]
    assert run_problems(dict(with_fill("tags", 0.0), rule_set_counts={"generic": 40}), older, **LIMITS) == []


def test_no_article_found_is_always_a_problem():
    assert "no article found" in run_problems(dict(HEALTHY, articles_found=0), HISTORY, **LIMITS)[0]


def test_most_article_pages_failing_is_a_problem():
    problems = run_problems(dict(HEALTHY, articles_extracted=4, failures=30), HISTORY, **LIMITS)
    assert problems == ["30 of 34 article pages failed"]


def test_the_observer_counts_rule_sets_and_filled_fields_into_the_stats():
    stats = MemoryStatsCollector(get_crawler())
    observer = RunObserver(stats)
    for record in (make_record(extracted_with="smartmag-v10"), make_record(extracted_with="smartmag-v10"),
                   make_record(extracted_with="generic", tags=[], related_links=[], source_url=None, word_count=5)):
        observer.observe(record)
    figures = observer.figures()
    assert figures["rule_set_counts"] == {"smartmag-v10": 2, "generic": 1}
    assert figures["fill_rates"] == dict(FILLED, tags=2 / 3, related_links=2 / 3, source_url=2 / 3)
    assert figures["body_words_median"] == 11


def test_a_run_that_extracted_nothing_has_no_fill_rates():
    figures = RunObserver(MemoryStatsCollector(get_crawler())).figures()
    assert figures == {"rule_set_counts": {}, "fill_rates": dict.fromkeys(FILL_FIELDS), "body_words_median": None}


def test_stored_fill_rates_are_the_observer_s_figures_for_the_same_records():
    """One definition of a filled field: counted on records as a crawl extracts them, or read from the database."""
    records = [make_record(extracted_with="smartmag-v10"),
               make_record(url="https://potusnews.news/b/", authors=[], related_links=[], extracted_with="smartmag-v10"),
               ArticleRecord(url="https://potusnews.news/c/", title="C", body="Text.", extracted_with="generic")]
    store = ArticleStore(":memory:")
    observer = RunObserver(MemoryStatsCollector(get_crawler()))
    for record in records:
        store.save_article(record)
        observer.observe(record)
    assert stored_fill_rates(store.db) == observer.figures()["fill_rates"]
    store.close()


def test_stored_fill_rates_leave_gone_articles_and_their_children_out():
    store = ArticleStore(":memory:")
    store.save_article(make_record())
    store.save_article(make_record(url="https://potusnews.news/b/", tags=[], related_links=[], description=None))
    store.save_article(make_record(url="https://potusnews.news/gone/", authors=[], image_url=None))
    store.mark_gone("https://potusnews.news/gone/", 404)
    rates = stored_fill_rates(store.db)
    store.close()
    assert rates["authors"] == rates["image_url"] == rates["categories"] == 1.0
    assert rates["tags"] == rates["related_links"] == rates["description"] == 0.5
