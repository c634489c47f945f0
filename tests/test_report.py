"""The HTML report: figures equal to the stored data, self-contained, escaped, and fine on an empty database."""

from __future__ import annotations

import dataclasses
import html
import re
import sqlite3
import xml.etree.ElementTree as ElementTree
from datetime import date, timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from extractors import ArticleRecord
from potus_crawler.monitor import FILL_FIELDS
from potus_crawler.report import OTHER, Timeline, category_timeline, runs_chart, write_report
from potus_crawler.storage import CHANGED, ArticleStore, DatabaseMissing, NotACrawlDatabase

HOSTILE_TITLE = 'Tariffs & <b>Trade</b> "Wars" cost $5 or $6'
SVG_NAMESPACE = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def crawl_db(built_site, tmp_path_factory):
    """The demo site's articles stored over two runs, then one edited, one gone and one with hostile text.

    Returns the database path and the records still on the site, as the database should hold them.
    """
    db = tmp_path_factory.mktemp("report") / "crawl.db"
    records = {url: ArticleRecord.from_dict(record) for url, record in built_site.expected_records.items()}
    store = ArticleStore(db)
    first = store.start_run("potus", built_site.base_url)
    for record in records.values():
        store.save_article(record, first)
    store.finish_run(first, "finished", requests=97, articles_new=len(records), articles_updated=0,
                     articles_unchanged=0)
    second = store.start_run("potus", built_site.base_url)
    edited_url, gone_url = sorted(records)[:2]
    records[edited_url] = dataclasses.replace(records[edited_url], title="Edited: " + records[edited_url].title)
    assert store.save_article(records[edited_url], second) == CHANGED
    assert store.mark_gone(gone_url, 410, second)
    del records[gone_url]
    # The newest article, so it is in the latest-articles table; no author, source, image or language.
    hostile = ArticleRecord(url="https://potusnews.news/hostile/", title=HOSTILE_TITLE, body="Text.",
                            published="2025-12-31T23:00:00-05:00", categories=["Trade <Wars> & Co"])
    store.save_article(hostile, second)
    records[hostile.url] = hostile
    store.finish_run(second, "unhealthy", requests=12, articles_new=1, articles_updated=1, articles_unchanged=3)
    store.close()
    return db, list(records.values())


@pytest.fixture(scope="module")
def report(crawl_db, tmp_path_factory):
    db, _records = crawl_db
    out = tmp_path_factory.mktemp("out") / "report.html"
    figures = write_report(db, out)
    return figures, out.read_text(encoding="utf-8")


def svgs(page: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", page, flags=re.DOTALL)


def svg_texts(svg: str) -> list[str]:
    """The text of every <text> element, parsed as XML: a chart with unescaped text fails here."""
    return [element.text for element in ElementTree.fromstring(svg).iter(f"{SVG_NAMESPACE}text")]


class ResourceCollector(HTMLParser):
    """Every attribute that can make a browser fetch something, with whether it sits in the latest table."""

    FETCHING = {"src", "href", "xlink:href", "srcset", "data", "poster", "action", "background"}

    def __init__(self):
        super().__init__()
        self.tags: set[str] = set()
        self.in_table = False
        self.references: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag == "table" and ("class", "latest") in attrs:
            self.in_table = True
        self.references += [(value, self.in_table) for name, value in attrs if name in self.FETCHING]

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "table":
            self.in_table = False


def test_headline_figures_equal_the_stored_data(crawl_db, report):
    db, records = crawl_db
    figures, page = report
    store = ArticleStore(db)
    last_started = store.db["crawl_runs"].get(2)["started"]
    store.close()
    published = sorted(r.published for r in records if r.published)
    assert figures == {
        "articles": len(records),
        "gone": 1,
        "revisions": 1,
        "authors": len({name for r in records for name in r.authors}),
        "categories": len({name for r in records for name in r.categories}),
        "tags": len({name for r in records for name in r.tags}),
        "sources": len({urlsplit(r.source_url).hostname for r in records if r.source_url}),
        "languages": len({r.language for r in records if r.language}),
        "first_published": published[0][:10],
        "last_published": "2025-12-31",
        "fill_rates": {field: pytest.approx(sum(bool(getattr(r, field)) for r in records) / len(records))
                       for field in FILL_FIELDS},
        "last_run": {"id": 2, "started": last_started, "status": "unhealthy", "requests": 12, "new": 1,
                     "updated": 1, "unchanged": 3},
    }
    # The demo data is varied enough for these to mean something.
    assert figures["fill_rates"]["image_url"] < 1 and figures["languages"] >= 2
    # What the page shows is what write_report returned.
    for label, value in (("Articles stored", figures["articles"]), ("Gone from the site", 1),
                         ("Tags", figures["tags"]), ("Source outlets", figures["sources"])):
        assert f'<div class="value">{value}</div><div class="label">{label}</div>' in page
    assert f"{figures['first_published']} to 2025-12-31" in page
    assert "Last run #2 started" in page and "12 requests, articles 1 new, 1 updated, 3 unchanged" in page
    assert f"image url</span> {figures['fill_rates']['image_url']:.1%}" in page


def test_the_page_loads_nothing_but_links_the_latest_articles(crawl_db, report):
    _db, records = crawl_db
    _figures, page = report
    collector = ResourceCollector()
    collector.feed(page)
    assert not collector.tags & {"script", "link", "img", "iframe", "object", "embed", "image"}
    latest = {r.url for r in sorted(records, key=lambda r: r.published or "", reverse=True)[:10]}
    outside_table = [value for value, in_table in collector.references if not in_table]
    in_table = [value for value, in_table in collector.references if in_table]
    # Outside the table only references within the page (a chart's markers); inside, the articles themselves.
    assert all(value.startswith("#") for value in outside_table)
    assert sorted(in_table) == sorted(latest)
    assert re.findall(r"url\((?!#)", page) == [] and "@import" not in page and "@font-face" not in page


def test_the_four_charts_are_inline_svg_without_prolog(report):
    _figures, page = report
    charts = svgs(page)
    assert len(charts) == 4
    assert "<?xml" not in page and "<!DOCTYPE svg" not in page
    titles = [svg_texts(chart) for chart in charts]
    assert "Articles per week by primary category (weeks start on Monday)" in titles[0]
    assert "Top 10 source outlets" in titles[1]
    assert "Crawl runs (every run)" in titles[2] and "Requests" in titles[2] and "Run id" in titles[2]
    assert "Articles by language" in titles[3] and "unknown" in titles[3]


def test_database_text_is_escaped_in_the_page(report):
    _figures, page = report
    assert html.escape(HOSTILE_TITLE) in page
    assert "<b>Trade</b>" not in page and "<Wars>" not in page
    assert "Trade &lt;Wars&gt; &amp; Co" in page


def test_database_text_is_escaped_and_plain_in_the_charts(tmp_path):
    """Category names reach the legend as text, "$" included (matplotlib would read "$…$" as math)."""
    store = ArticleStore(tmp_path / "crawl.db")
    for number, category in enumerate(["R&D <Labs>", "Budget $5 vs $6"]):
        store.save_article(ArticleRecord(url=f"https://potusnews.news/{number}/", title="T", body="B",
                                         published=f"2025-01-0{number + 1}T10:00:00+00:00", categories=[category]))
    store.close()
    write_report(tmp_path / "crawl.db", tmp_path / "report.html")
    timeline = svgs((tmp_path / "report.html").read_text(encoding="utf-8"))[0]
    assert {"R&D <Labs>", "Budget $5 vs $6"} <= set(svg_texts(timeline))
    assert "Articles per day by primary category" in svg_texts(timeline)


def test_charts_are_the_same_from_one_report_to_the_next(crawl_db, report, tmp_path):
    db, _records = crawl_db
    _figures, page = report
    write_report(db, tmp_path / "again.html")
    assert svgs((tmp_path / "again.html").read_text(encoding="utf-8")) == svgs(page)


def test_an_empty_database_gets_a_page_saying_no_data_yet(tmp_path):
    ArticleStore(tmp_path / "empty.db").close()
    figures = write_report(tmp_path / "empty.db", tmp_path / "report.html")
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert figures == {"articles": 0, "gone": 0, "revisions": 0, "authors": 0, "categories": 0, "tags": 0,
                       "sources": 0, "languages": 0, "first_published": None, "last_published": None,
                       "fill_rates": dict.fromkeys(FILL_FIELDS),
                       "last_run": None}
    assert svgs(page) == []
    assert page.count("No data yet.") == 5  # four charts and the table
    assert "No crawl run recorded yet." in page
    assert str((tmp_path / "empty.db").resolve()) in page


def test_a_missing_database_is_an_error_and_is_not_created(tmp_path):
    with pytest.raises(DatabaseMissing):
        write_report(tmp_path / "missing.db", tmp_path / "report.html")
    assert list(tmp_path.iterdir()) == []


def test_the_run_history_shows_the_latest_runs_and_says_so(tmp_path):
    store = ArticleStore(tmp_path / "runs.db")
    for _ in range(65):
        store.finish_run(store.start_run("potus", "http://127.0.0.1"), "finished", requests=10, articles_new=1)
    texts = svg_texts(runs_chart(store.db))
    store.close()
    assert "Crawl runs (last 60 of 65 runs)" in texts


def day_rows(*rows: tuple[str, str | None, int]) -> list[dict]:
    return [{"day": day, "category": category, "articles": articles} for day, category, articles in rows]


def test_a_short_span_is_drawn_per_day_with_empty_days_kept():
    timeline = category_timeline(day_rows(("2025-01-01", "A", 2), ("2025-01-04", "B", 1), ("2025-01-04", None, 1),
                                          (None, "A", 5)))
    assert timeline == Timeline("day", [date(2025, 1, 1) + timedelta(days=n) for n in range(4)],
                                {"A": [2, 0, 0, 0], "B": [0, 0, 0, 1], "Uncategorised": [0, 0, 0, 1]})


def test_a_span_over_sixty_days_is_drawn_per_week_from_monday():
    # 2025-01-01 is a Wednesday: its week starts on Monday 2024-12-30.
    assert category_timeline(day_rows(("2025-01-01", "A", 1), ("2025-03-02", "A", 1))).unit == "day"  # 60 days
    timeline = category_timeline(day_rows(("2025-01-01", "A", 1), ("2025-01-05", "A", 2), ("2025-03-03", "A", 1)))
    assert timeline.unit == "week"
    assert timeline.periods[0] == date(2024, 12, 30) and timeline.periods[-1] == date(2025, 3, 3)
    assert all(b - a == timedelta(days=7) for a, b in zip(timeline.periods, timeline.periods[1:]))
    assert timeline.series["A"][0] == 3 and timeline.series["A"][-1] == 1 and sum(timeline.series["A"]) == 4


def test_the_biggest_categories_are_kept_and_the_rest_summed_as_other():
    rows = day_rows(*((f"2025-01-{n + 1:02d}", f"C{n}", 20 - n) for n in range(10)))
    timeline = category_timeline(rows, top=8)
    assert list(timeline.series) == [f"C{n}" for n in range(8)] + [OTHER]
    assert sum(timeline.series[OTHER]) == (20 - 8) + (20 - 9)
    assert sum(map(sum, timeline.series.values())) == sum(row["articles"] for row in rows)
    # One category over the limit is shown by name: an "Other" of one would only hide it.
    assert OTHER not in category_timeline(rows[:9], top=8).series


def test_no_dated_rows_make_no_timeline():
    assert category_timeline(day_rows((None, "A", 3))) is None
    assert category_timeline([]) is None


def test_every_id_a_chart_refers_to_is_defined_once_on_the_page(report):
    """Four SVGs share the page's id space: a clip path or marker defined twice could draw another chart's."""
    _figures, page = report
    referenced = set(re.findall(r'url\(#([^)]+)\)', page)) | set(re.findall(r'href="#([^"]+)"', page))
    defined = re.findall(r'\bid="([^"]+)"', page)
    assert referenced and all(defined.count(name) == 1 for name in referenced)


def test_a_database_without_the_crawl_schema_is_an_error(tmp_path):
    sqlite3.connect(tmp_path / "other.db").execute("create table notes (text)").connection.close()
    with pytest.raises(NotACrawlDatabase, match="is no potus-crawler database"):
        write_report(tmp_path / "other.db", tmp_path / "report.html")
    assert not (tmp_path / "report.html").exists()
