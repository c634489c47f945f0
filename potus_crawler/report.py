"""A self-contained HTML report of a crawl database, for analysts: headline figures, charts, latest articles.

The page is one file that loads nothing: the charts are drawn with matplotlib's
object-oriented API (no pyplot, so no global backend) as SVG and inlined, text kept as
``<text>`` so it stays selectable and small. The database is opened read-only, so a
report can run while a crawl writes and never migrates or creates a database. The page
replaces an earlier one only once it is written whole.
"""

from __future__ import annotations

import html
import io
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import matplotlib
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .lean_sqlite_utils import Database
from .queries import headline_figures, scalar
from .output import output_file
from .storage import ArticleStore

#: Categories drawn on their own in the timeline; the rest are summed as OTHER.
TOP_CATEGORIES = 8
OTHER = "Other"
#: Spans longer than this many days are drawn per week, shorter ones per day.
DAILY_SPAN_LIMIT = 60
TOP_SOURCES = 10
#: Cron runs a crawl every day or more: a bar per run stays readable only for the latest ones.
RUN_HISTORY_LIMIT = 60
LATEST_ARTICLES = 10
#: Shared by every chart, current while it is drawn: readable sizes, no chart junk.
CHART_STYLE = {
    "font.size": 11,
    "axes.titlesize": 13,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
}
#: matplotlib writes a creation date and tool name into SVG metadata; without them reports of one database
#: differ only where the data does.
SVG_NO_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}
OTHER_COLOR = "#b0b0b0"
#: tab10 without its grey, which OTHER's bars would be mistaken for.
CATEGORY_COLORS = [color for i, color in enumerate(matplotlib.colormaps["tab10"].colors) if i != 7]
RUN_COLORS = {"new": "#2a9d8f", "updated": "#e9a03b", "unchanged": "#a8c5da"}
NO_DATA = '<p class="no-data">No data yet.</p>'


@dataclass(frozen=True)
class Timeline:
    """Articles per period (day or week) and category, ready to stack: one count per period in each series."""

    unit: str
    periods: list[date]
    series: dict[str, list[int]]


def category_timeline(rows: list[dict], top: int = TOP_CATEGORIES) -> Timeline | None:
    """Rows of ``articles_by_day`` as a timeline of the ``top`` categories plus OTHER, no period left out.

    None when no row has a day. Weekly periods start on Monday.
    """
    dated = [row for row in rows if row["day"]]
    if not dated:
        return None
    days = [date.fromisoformat(row["day"]) for row in dated]
    weekly = (max(days) - min(days)).days > DAILY_SPAN_LIMIT
    step = timedelta(days=7 if weekly else 1)

    def period(day: date) -> date:
        return day - timedelta(days=day.weekday()) if weekly else day

    totals = Counter()
    for row in dated:
        totals[category_label(row["category"])] += row["articles"]
    ranked = sorted(totals, key=lambda name: (-totals[name], name))
    shown = ranked[:top] if len(ranked) > top + 1 else ranked  # "Other" for a single category would hide its name
    periods = []
    current, last = period(min(days)), period(max(days))
    while current <= last:
        periods.append(current)
        current += step
    index = {p: i for i, p in enumerate(periods)}
    series = {name: [0] * len(periods) for name in shown}
    if len(shown) < len(ranked):
        series[OTHER] = [0] * len(periods)
    for row, day in zip(dated, days):
        name = category_label(row["category"])
        series[name if name in shown else OTHER][index[period(day)]] += row["articles"]
    return Timeline("week" if weekly else "day", periods, series)


def category_label(category: str | None) -> str:
    return category or "Uncategorised"


def chart_text(text: str) -> str:
    """Database text as a chart label: matplotlib reads text between two "$" as math, so escape them."""
    return text.replace("$", r"\$")


def chart_svg(figure: Figure, name: str) -> str:
    """A figure as an ``<svg>`` element to inline in HTML (no XML prolog or DOCTYPE).

    ``name`` salts the ids matplotlib gives clip paths and markers, so that two charts of one page never
    share an id while each chart's ids stay the same from one report to the next.
    """
    buffer = io.StringIO()
    # fonttype "none" keeps labels as <text> (selectable, searchable, small) instead of glyph outlines.
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": name}):
        figure.savefig(buffer, format="svg", metadata=SVG_NO_METADATA)
    svg = buffer.getvalue()
    return svg[svg.index("<svg"):]


def timeline_chart(db: Database) -> str | None:
    timeline = category_timeline(list(db.query("select * from articles_by_day")))
    if timeline is None:
        return None
    with matplotlib.rc_context(CHART_STYLE):
        figure = Figure(figsize=(11, 4.8), layout="constrained")
        ax = figure.subplots()
        weekly = timeline.unit == "week"
        step = timedelta(days=7 if weekly else 1)
        # A week's bar starts on its Monday and spans the week; a day's is centred on the day.
        first = timeline.periods[0] - (timedelta(0) if weekly else step / 2)
        edges = date2num([first + step * n for n in range(len(timeline.periods) + 1)])
        bottom = [0] * len(timeline.periods)
        colors = iter(CATEGORY_COLORS)
        # One filled outline per category, its periods side by side: a bar each would be over a thousand
        # shapes for three years of weeks, and drawing them took most of the report's time.
        for name, counts in timeline.series.items():
            top = [b + c for b, c in zip(bottom, counts)]
            ax.stairs(top, edges, baseline=bottom, fill=True, label=chart_text(name),
                      color=OTHER_COLOR if name == OTHER else next(colors))
            bottom = top
        ax.xaxis_date()
        locator = AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(f"Articles per {timeline.unit} by primary category"
                     + (" (weeks start on Monday)" if weekly else ""))
        ax.set_xlabel(f"{'Week' if weekly else 'Day'} of publication")
        ax.set_ylabel("Articles")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), title="Primary category")
    return chart_svg(figure, "timeline")


def sources_chart(db: Database) -> str | None:
    rows = list(db.query("select source_domain, articles from articles_by_source "
                         "order by articles desc, source_domain limit ?", [TOP_SOURCES]))
    if not rows:
        return None
    with matplotlib.rc_context(CHART_STYLE):
        figure = Figure(figsize=(6.5, 4.5), layout="constrained")
        ax = figure.subplots()
        rows.reverse()  # barh draws upwards: the biggest outlet goes on top
        bars = ax.barh([chart_text(row["source_domain"]) for row in rows], [row["articles"] for row in rows],
                       color="#4c72b0")
        ax.bar_label(bars, padding=3)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(f"Top {len(rows)} source outlets")
        ax.set_xlabel("Articles linking to the outlet as their source")
        ax.set_ylabel("Outlet")
    return chart_svg(figure, "sources")


def runs_chart(db: Database) -> str | None:
    runs = list(db.query(
        "select * from (select id, coalesce(articles_new, 0) as new, coalesce(articles_updated, 0) as updated, "
        "coalesce(articles_unchanged, 0) as unchanged, requests from crawl_runs order by id desc limit ?) "
        "order by id", [RUN_HISTORY_LIMIT]))
    if not runs:
        return None
    total_runs = scalar(db, "select count(*) from crawl_runs")
    with matplotlib.rc_context(CHART_STYLE):
        figure = Figure(figsize=(6.5, 4.5), layout="constrained")
        ax = figure.subplots()
        ids = [run["id"] for run in runs]
        bottom = [0] * len(runs)
        for outcome, color in RUN_COLORS.items():
            counts = [run[outcome] for run in runs]
            ax.bar(ids, counts, bottom=bottom, color=color, label=f"articles {outcome}")
            bottom = [b + c for b, c in zip(bottom, counts)]
        # Runs that died before counting have no requests: leave a gap in the line rather than draw a 0.
        requests_axis = ax.twinx()
        requests_axis.spines["right"].set_visible(True)  # CHART_STYLE hides it; here it carries the requests scale
        requests_axis.plot(ids, [run["requests"] if run["requests"] is not None else float("nan") for run in runs],
                           color="#333333", marker="o", label="requests")
        requests_axis.set_ylabel("Requests")
        requests_axis.set_ylim(bottom=0)
        for axis in (ax.yaxis, requests_axis.yaxis):
            axis.set_major_locator(MaxNLocator(integer=True))
        # A tick per run while they fit; MaxNLocator would fall back to fractions for one or two runs.
        if len(ids) <= 20:
            ax.set_xticks(ids)
        else:
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlim(ids[0] - 1, ids[-1] + 1)  # a lone run stays a bar, not the whole plot
        shown = f"last {len(runs)} of {total_runs} runs" if total_runs > len(runs) else "every run"
        ax.set_title(f"Crawl runs ({shown})")
        ax.set_xlabel("Run id")
        ax.set_ylabel("Articles")
        handles, labels = ax.get_legend_handles_labels()
        line_handles, line_labels = requests_axis.get_legend_handles_labels()
        ax.legend(handles + line_handles, labels + line_labels, loc="upper center", bbox_to_anchor=(0.5, -0.18),
                  ncols=2)
    return chart_svg(figure, "runs")


def languages_chart(db: Database) -> str | None:
    rows = list(db.query("select coalesce(language, 'unknown') as language, count(*) as articles from articles "
                         "where gone_since is null group by 1 order by articles desc, language"))
    if not rows:
        return None
    with matplotlib.rc_context(CHART_STYLE):
        figure = Figure(figsize=(5, 3.2), layout="constrained")
        ax = figure.subplots()
        bars = ax.bar([chart_text(row["language"]) for row in rows], [row["articles"] for row in rows],
                      color="#8172b3")
        ax.bar_label(bars, padding=2)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.margins(y=0.15)  # room for the count above the tallest bar
        ax.set_title("Articles by language")
        ax.set_xlabel("Language (ISO 639-1)")
        ax.set_ylabel("Articles")
    return chart_svg(figure, "languages")


def number(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share:.1%}"


def text(value) -> str:
    """Anything from the database as HTML text; a missing value as a dash."""
    return "—" if value is None or value == "" else html.escape(str(value))


def headline_html(figures: dict) -> str:
    date_range = (f"{text(figures['first_published'])} to {text(figures['last_published'])}"
                  if figures["first_published"] else "—")
    tiles = [
        ("Articles stored", number(figures["articles"])),
        ("Gone from the site", number(figures["gone"])),
        ("Revisions kept", number(figures["revisions"])),
        ("Authors", number(figures["authors"])),
        ("Categories", number(figures["categories"])),
        ("Tags", number(figures["tags"])),
        ("Source outlets", number(figures["sources"])),
        ("Languages", number(figures["languages"])),
    ]
    run = figures["last_run"]
    if run:
        tiles.append(("Last crawl run", f"#{run['id']} · {text(run['status'])}"))
        run_line = (f"Last run #{run['id']} started {text(run['started'])}, status {text(run['status'])}: "
                    f"{number(run['requests'])} requests, articles {number(run['new'])} new, "
                    f"{number(run['updated'])} updated, {number(run['unchanged'])} unchanged.")
    else:
        tiles.append(("Last crawl run", "—"))
        run_line = "No crawl run recorded yet."
    fills = "".join(f"<li><span>{html.escape(field.replace('_', ' '))}</span> {percent(share)}</li>"
                    for field, share in figures["fill_rates"].items())
    tiles_html = "".join(f'<div class="tile"><div class="value">{value}</div><div class="label">{label}</div></div>'
                         for label, value in tiles)
    tiles_html += (f'<div class="tile wide"><div class="value">{date_range}</div>'
                   '<div class="label">Publication dates</div></div>')
    return (f'<section><div class="tiles">{tiles_html}</div><p>{run_line}</p>'
            f'<h2>Fields filled</h2><ul class="fills">{fills}</ul></section>')


def latest_table(db: Database) -> str:
    rows = list(db.query("select * from latest_articles limit ?", [LATEST_ARTICLES]))
    if not rows:
        return NO_DATA
    body = []
    for row in rows:
        title = text(row["title"])
        # Only web links: a stored URL is the page's own, but the page is opened by analysts' browsers.
        if str(row["url"]).startswith(("http://", "https://")):
            title = f'<a href="{html.escape(row["url"], quote=True)}">{title}</a>'
        cells = [text((row["published"] or "")[:10]), title, text(row["category"]), text(row["authors"]),
                 text(row["source_domain"]), text(row["language"]), number(row["word_count"])]
        body.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    head = "".join(f"<th>{name}</th>" for name in
                   ("Published", "Title", "Category", "Authors", "Source", "Language", "Words"))
    return f'<table class="latest"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 1200px;
       padding: 0 1rem; color: #222; line-height: 1.4; }
h1 { margin-bottom: .2rem; } h2 { margin-top: 2rem; font-size: 1.2rem; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); gap: .6rem; }
.tile { background: #f4f6f8; border-radius: 6px; padding: .6rem .8rem; }
.tile.wide { grid-column: span 2; }
.tile .value { font-size: 1.4rem; font-weight: 600; } .tile .label { color: #555; font-size: .85rem; }
.fills { display: flex; flex-wrap: wrap; gap: 1.5rem; list-style: none; padding: 0; }
.fills span { color: #555; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 1rem; }
figure { margin: 0; } figure.wide { grid-column: 1 / -1; }
svg { max-width: 100%; height: auto; }
.no-data { color: #777; font-style: italic; border: 1px dashed #ccc; padding: 2rem; text-align: center; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #e3e3e3; vertical-align: top; }
th { background: #f4f6f8; } td:first-child { white-space: nowrap; } td:last-child { text-align: right; }
footer { margin-top: 2rem; color: #777; font-size: .8rem; }
"""


def write_report(db_path: str | Path, out_path: str | Path) -> dict:
    """Write the report of the database at ``db_path`` to ``out_path``; returns the headline figures shown.

    Raises what ``ArticleStore.for_reading`` and ``output_file`` raise; the output is opened first, so a
    path that cannot be written fails before the charts are drawn, and a failed report replaces nothing.
    """
    with output_file(out_path, db_path) as out:
        db = ArticleStore.for_reading(db_path).db
        try:
            figures = headline_figures(db)
            charts = [("wide", timeline_chart(db)), ("", sources_chart(db)), ("", runs_chart(db)),
                      ("", languages_chart(db))]
            latest = latest_table(db)
        finally:
            db.close()
        out.write(report_page(db_path, figures, charts, latest))
    return figures


def report_page(db_path: str | Path, figures: dict, charts: list[tuple[str, str | None]], latest: str) -> str:
    """The report's HTML page: headline figures, charts (CSS class, SVG or None), the latest articles' table."""
    charts_html = "".join(f'<figure class="{css_class}">{svg or NO_DATA}</figure>' for css_class, svg in charts)
    generated = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Crawl report</title>
<style>{CSS}</style>
</head>
<body>
<h1>Crawl report</h1>
{headline_html(figures)}
<h2>Charts</h2>
<div class="charts">{charts_html}</div>
<h2>Latest {LATEST_ARTICLES} articles</h2>
{latest}
<footer>Generated {generated} from {html.escape(str(Path(db_path).resolve()))}</footer>
</body>
</html>
"""
