"""Run health: a layout change shows as fill rates falling against the recent runs."""

from __future__ import annotations

from potus_crawler.monitor import run_problems

HEALTHY = {"articles_found": 60, "articles_extracted": 40, "failures": 0, "fill_published": 1.0,
           "fill_authors": 0.97, "body_words_median": 480.0}
HISTORY = [dict(HEALTHY, fill_authors=rate, body_words_median=words)
           for rate, words in ((1.0, 450.0), (0.95, 520.0), (0.98, 470.0))]
LIMITS = {"max_drop": 0.5, "min_articles": 10}


def test_a_run_like_the_recent_ones_is_healthy():
    assert run_problems(HEALTHY, HISTORY, **LIMITS) == []


def test_a_fill_rate_fallen_well_below_the_median_is_named():
    problems = run_problems(dict(HEALTHY, fill_authors=0.1), HISTORY, **LIMITS)
    assert len(problems) == 1
    assert problems[0].startswith("authors fill rate fell to 0.10 against a recent median of 0.98 (3 runs)")


def test_bodies_cut_short_are_named():
    problems = run_problems(dict(HEALTHY, body_words_median=40.0), HISTORY, **LIMITS)
    assert [p.split(" fell")[0] for p in problems] == ["median body length (words)"]


def test_a_small_drop_is_no_alarm():
    assert run_problems(dict(HEALTHY, fill_authors=0.6, body_words_median=300.0), HISTORY, **LIMITS) == []


def test_a_run_too_small_to_judge_is_not_judged_on_fill_rates():
    assert run_problems(dict(HEALTHY, articles_extracted=3, fill_authors=0.0), HISTORY, **LIMITS) == []


def test_the_first_run_has_nothing_to_compare_with():
    assert run_problems(dict(HEALTHY, fill_authors=0.0), [], **LIMITS) == []


def test_no_article_found_is_always_a_problem():
    assert "no article found" in run_problems(dict(HEALTHY, articles_found=0), HISTORY, **LIMITS)[0]


def test_most_article_pages_failing_is_a_problem():
    problems = run_problems(dict(HEALTHY, articles_extracted=4, failures=30), HISTORY, **LIMITS)
    assert problems == ["30 of 34 article pages failed"]
