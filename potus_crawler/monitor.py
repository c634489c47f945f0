"""Is a finished crawl healthy? What the monitor counts, the figures it makes of the counts, and its judgement.

A site that changes its theme or its layout does not fail loudly: pages still answer 200 and the
extractor still returns something, only by the generic path, or emptier. So while a crawl runs,
each record it extracts is counted by the rule set that extracted it and by the fields it filled
(``RunObserver``, into Scrapy stats); when it ends, those counts become the run's figures: the
share of articles the site rules extracted, the fill rate of every field of ``FILL_FIELDS`` and
the median body length, each compared with the median of the recent healthy runs
(``run_problems``).

A field is filled when its value is not empty: a text, a date, a list with an item. The same
definition gives the fill rates of the stored articles (``stored_fill_rates``) that ``stats``,
``report`` and ``demo`` print, so a field the monitor names reads the same everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from statistics import median

from extractors import GENERIC, ArticleRecord
from potus_crawler import stat_keys
from potus_crawler.lean_sqlite_utils import Database
from potus_crawler.storage import LINKED_TERMS

#: Record fields whose fill rate every run records and the monitor judges; ``body`` and ``url`` are
#: never empty (no record without them), the body's length is judged by its median instead.
FILL_FIELDS = ("title", "authors", "published", "modified", "categories", "tags", "related_links", "source_url",
               "image_url", "description")
#: Fields stored as rows of a child table (field -> table), not as a column of ``articles``.
CHILD_TABLES = {field: links for field, _terms, links, _column in LINKED_TERMS} | {"related_links": "related_links"}
#: Failed pages beyond this share of the pages that should have been articles mean trouble whatever came before.
MAX_FAILURE_SHARE = 0.5


class RunObserver:
    """Counts what a crawl extracted, record by record, into its Scrapy stats."""

    def __init__(self, stats):
        self.stats = stats
        self.body_words: list[int] = []

    def observe(self, record: ArticleRecord) -> None:
        self.stats.inc_value(stat_keys.EXTRACTED)
        self.stats.inc_value(stat_keys.RULE_SET_PREFIX + record.extracted_with)
        for field in FILL_FIELDS:
            if getattr(record, field):
                self.stats.inc_value(stat_keys.FILLED_PREFIX + field)
        self.body_words.append(record.word_count)

    def figures(self) -> dict:
        """The run's ``crawl_runs`` figures of what was extracted: counts per rule set, fill rates, body length."""
        stats = self.stats.get_stats()
        extracted = stats.get(stat_keys.EXTRACTED, 0)
        return {
            "rule_set_counts": {key.removeprefix(stat_keys.RULE_SET_PREFIX): count for key, count in stats.items()
                                if key.startswith(stat_keys.RULE_SET_PREFIX)},
            # None rather than 0 for a run that extracted nothing: nothing was left unfilled.
            "fill_rates": {field: stats.get(stat_keys.FILLED_PREFIX + field, 0) / extracted if extracted else None
                           for field in FILL_FIELDS},
            "body_words_median": median(self.body_words) if self.body_words else None,
        }


def stored_fill_rates(db: Database) -> dict[str, float | None]:
    """Share of the stored articles still on the site with each of FILL_FIELDS filled; None for an empty database."""
    columns = [field for field in FILL_FIELDS if field not in CHILD_TABLES]
    # One pass over the index holding the short columns of the articles on the site (idx_articles_current).
    stored, *counts = db.execute("select count(*), " + ", ".join(f"count(nullif([{field}], ''))" for field in columns)
                                 + " from articles where gone_since is null").fetchone()
    filled = dict(zip(columns, counts))
    for field, table in CHILD_TABLES.items():
        # An article's child rows are numbered from 0 (ArticleStore.save_article): the rows at position 0,
        # counted in the index by position, are the articles having any; less the few gone ones.
        filled[field] = db.execute(
            f"select (select count(*) from [{table}] where position = 0) - "
            f"(select count(*) from articles a where gone_since is not null "
            f"and exists (select 1 from [{table}] where article_url = a.url))").fetchone()[0]
    return {field: filled[field] / stored if stored else None for field in FILL_FIELDS}


def site_rules_share(run: dict) -> float | None:
    """Share of the run's extracted articles that some site's rules extracted (not the generic path)."""
    counts = run.get("rule_set_counts") or {}
    extracted = sum(counts.values())
    return 1 - counts.get(GENERIC, 0) / extracted if extracted else None


def site_rule_sets(runs: list[dict]) -> list[str]:
    """The site rules the runs used, by family: ``smartmag-v10`` for its per-layout sets ``smartmag-v10/cover``…"""
    return sorted({name.split("/")[0] for run in runs for name in run.get("rule_set_counts") or {} if name != GENERIC})


def fill_rate(run: dict, field: str) -> float | None:
    return (run.get("fill_rates") or {}).get(field)


def fall(figure: str, now: float | None, history: list[float | None], max_drop: float, unit: str = "%") -> str | None:
    """"<figure> fell to … against a recent median of …" when ``now`` is more than ``max_drop`` below that median."""
    history = [value for value in history if value is not None]
    if now is None or not history:
        return None
    usual = median(history)
    if now >= usual * (1 - max_drop):
        return None
    shown = (lambda value: f"{value:.1%}") if unit == "%" else (lambda value: f"{value:.2f}")
    runs = f"{len(history)} run" + ("s" if len(history) > 1 else "")
    return f"{figure} fell to {shown(now)} against a recent median of {shown(usual)} ({runs})"


def run_problems(run: dict, recent_runs: list[dict], *, max_drop: float, min_articles: int,
                 expected_fill_rates: Mapping[str, float] | None = None) -> list[str]:
    """What is wrong with ``run``, one sentence each; [] for a healthy run.

    ``run`` and ``recent_runs`` are ``crawl_runs`` rows, JSON columns as dicts. ``max_drop`` is the
    share a figure may fall below its recent median; runs that extracted fewer than ``min_articles``
    articles are too small to judge figures on. ``expected_fill_rates`` (the site profile's) are judged
    as a recent median is, and need no history: a first crawl of a changed site is judged too.
    """
    if not run.get("articles_found"):
        return ["no article found on any listing, feed or sitemap: is the site down, or has its layout changed?"]
    problems = []
    extracted, failures = run.get("articles_extracted") or 0, run.get("failures") or 0
    if failures >= min_articles and failures > MAX_FAILURE_SHARE * (extracted + failures):
        problems.append(f"{failures} of {extracted + failures} article pages failed")
    if extracted < min_articles:
        return problems
    rule_sets = ", ".join(site_rule_sets(recent_runs)) or "none"
    fallen = [
        (fall(f"the share of articles the site rules ({rule_sets}) extracted", site_rules_share(run),
              [site_rules_share(r) for r in recent_runs], max_drop), "has the site's theme changed?"),
        *((fall(f"{field} fill rate", fill_rate(run, field), [fill_rate(r, field) for r in recent_runs], max_drop),
           "has the site's layout changed?") for field in FILL_FIELDS),
        (fall("median body length (words)", run.get("body_words_median"),
              [r.get("body_words_median") for r in recent_runs], max_drop, unit="words"),
         "has the site's layout changed?"),
    ]
    problems += [f"{sentence}: {question}" for sentence, question in fallen if sentence]
    for field, expected in (expected_fill_rates or {}).items():
        now = fill_rate(run, field)
        # Judged as a recent median is: a few odd pages are no alarm, a collapse is.
        if (now is not None and now < expected * (1 - max_drop)
                and not any(problem.startswith(f"{field} fill rate") for problem in problems)):
            problems.append(f"{field} fill rate {now:.1%} is far below the {expected:.0%} the site's profile "
                            "expects: has the site's layout changed?")
    return problems
