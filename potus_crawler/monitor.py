"""Is a finished crawl healthy? Its figures against the recent runs' medians.

A site that changes its layout does not fail loudly: pages still answer 200 and the
extractor still returns something, only emptier. So each run's fill rates (share of
extracted articles with a publication date, with authors), its median body length
and its share of failed pages are compared with the median of the runs before it.
"""

from __future__ import annotations

from statistics import median

#: crawl_runs columns that fall when the layout changes, with what a reader calls them.
MONITORED_FIGURES = {
    "fill_published": "publication date fill rate",
    "fill_authors": "authors fill rate",
    "body_words_median": "median body length (words)",
}
#: Failed pages beyond this share of the pages that should have been articles mean trouble whatever came before.
MAX_FAILURE_SHARE = 0.5


def run_problems(run: dict, recent_runs: list[dict], *, max_drop: float, min_articles: int) -> list[str]:
    """What is wrong with ``run``, one sentence each; [] for a healthy run.

    ``max_drop`` is the share a figure may fall below its recent median; runs that
    extracted fewer than ``min_articles`` articles are too small to judge figures on.
    """
    if not run.get("articles_found"):
        return ["no article found on any listing, feed or sitemap: is the site down, or has its layout changed?"]
    problems = []
    extracted, failures = run.get("articles_extracted") or 0, run.get("failures") or 0
    if failures >= min_articles and failures > MAX_FAILURE_SHARE * (extracted + failures):
        problems.append(f"{failures} of {extracted + failures} article pages failed")
    if extracted < min_articles:
        return problems
    for column, name in MONITORED_FIGURES.items():
        history = [r[column] for r in recent_runs if r.get(column) is not None]
        if not history or run.get(column) is None:
            continue
        usual = median(history)
        if run[column] < usual * (1 - max_drop):
            problems.append(f"{name} fell to {run[column]:.2f} against a recent median of {usual:.2f} "
                            f"({len(history)} runs): has the site's layout changed?")
    return problems
