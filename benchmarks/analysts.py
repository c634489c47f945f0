"""The analysts' commands at scale, each run end to end as a child process of the installed CLI.

    python -m benchmarks.analysts --articles 100000 [--db PATH]
    python -m benchmarks.crawl --analysts 100000 [--db PATH]

Without ``--db`` (or when it does not exist yet) the database is generated first by
``benchmarks.analysts_db`` (about two minutes for 100,000 articles); give ``--db`` to keep
it for the next run. Prints, each on its own line, the labels compared run to run:
``cli start N ms`` (``potus-crawler --help``), ``search p50 N ms p95 N ms`` (20 typical
queries: words, phrases, prefixes, names, operators), ``stats N s``, ``report N s``,
``export N rows/s``; then each command's start (the same command on a database of the
48 demo articles), the peak RSS of export and report, and Datasette's articles page and a
faceted query of it, through Datasette's own test client as ``potus-crawler serve`` sets it up.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.analysts_db import generate
from potus_crawler.storage import ArticleStore

#: What analysts type: single words, "phrases", prefix*, people and places, operators, column filters.
TYPICAL_QUERIES = ["senate", "tariffs", "immigration", "shutdown", "Medicaid", '"White House"', '"Supreme Court"',
                   '"national security"', "immigra*", "tarif*", "Ukrain*", "Trump", "Hegseth", "Biden",
                   "Ottawa", "Trump tariffs", "senate OR congress", "border NOT Mexico", "title:budget",
                   '"executive order" court']
#: Runs of one command whose median is taken: a loaded machine makes single runs noisy.
REPEATS = 3
DB_HELP = "the generated database: reused if it exists, else written there and kept (default: a temporary one)"
CLI = str(Path(sys.executable).parent / "potus-crawler")
#: Commands run as an installed package's do, their modules' bytecode cached after the first run (in a
#: checkout, an environment that sets PYTHONDONTWRITEBYTECODE would compile them from source every time).
CHILD_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
RSS_SAMPLE_SECONDS = 0.01


@dataclass(frozen=True)
class Run:
    """One ``potus-crawler`` command's cost: seconds end to end, CPU seconds (what a loaded machine does not
    inflate), peak RSS in bytes."""

    seconds: float
    cpu: float
    peak_rss: int


def run_cli(*arguments: str) -> Run:
    started = time.monotonic()
    child = subprocess.Popen([CLI, *arguments], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=CHILD_ENV)
    peak_rss = 0
    # The child's own high-water mark, read while it runs: its ru_maxrss would start from this process's RSS.
    while not (finished := os.wait4(child.pid, os.WNOHANG))[0]:
        try:
            with open(f"/proc/{child.pid}/status") as status_file:
                peak_rss = max([peak_rss] + [int(line.split()[1]) * 1024 for line in status_file
                                             if line.startswith("VmHWM:")])
        except FileNotFoundError:
            pass
        time.sleep(RSS_SAMPLE_SECONDS)
    seconds = time.monotonic() - started
    _pid, status, usage = finished
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):  # 1: a search that found nothing
        raise SystemExit(f"potus-crawler {' '.join(arguments)} failed ({code}): {child.stderr.read().decode()}")
    child.stderr.close()
    return Run(seconds, usage.ru_utime + usage.ru_stime, peak_rss)


def median_run(*arguments: str) -> Run:
    """The run of median seconds of REPEATS."""
    return sorted((run_cli(*arguments) for _ in range(REPEATS)), key=lambda run: run.seconds)[REPEATS // 2]


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value at least ``share`` of the values do not exceed."""
    return sorted(values)[math.ceil(len(values) * share) - 1]


def datasette_timings(db: Path) -> dict[str, float]:
    """Seconds Datasette takes for the articles table's page and a faceted query of it, as served."""
    from potus_crawler.browse import served_datasette

    datasette = served_datasette(db)
    paths = {"articles page": f"/{db.stem}/articles",
             "faceted query": f"/{db.stem}/articles?_facet=category&_facet=language&_facet=source_domain"
                              "&language=en"}

    async def timed() -> dict[str, float]:
        await datasette.invoke_startup()
        timings = {}
        for name, path in paths.items():
            seconds = []
            for _ in range(REPEATS):
                started = time.monotonic()
                response = await datasette.client.get(path)
                seconds.append(time.monotonic() - started)
                if response.status_code != 200:
                    raise SystemExit(f"Datasette answered {response.status_code} for {path}")
            timings[name] = statistics.median(seconds)
        return timings

    return asyncio.run(timed())


def command_starts(small_db: Path, out: Path) -> dict[str, float]:
    """Seconds each analyst's command takes on the 48 demo articles: little more than its start."""
    starts = {"stats": ("stats",), "search": ("search", "senate"), "export": ("export", "--out", os.devnull),
              "report": ("report", "--out", str(out / "small.html"))}
    return {name: median_run(*arguments, "--db", str(small_db)).seconds for name, arguments in starts.items()}


def measure(db: Path, small_db: Path, out: Path) -> None:
    command_starts(small_db, out)  # the first runs write the bytecode caches
    start = median_run("--help")
    print(f"cli start {1000 * start.seconds:.0f} ms")
    searches = [median_run("search", query, "--db", str(db)) for query in TYPICAL_QUERIES]
    search_seconds = [run.seconds for run in searches]
    print(f"search p50 {1000 * percentile(search_seconds, 0.5):.0f} ms "
          f"p95 {1000 * percentile(search_seconds, 0.95):.0f} ms")
    stats = median_run("stats", "--db", str(db))
    print(f"stats {stats.seconds:.2f} s")
    report = run_cli("report", "--db", str(db), "--out", str(out / "report.html"))
    print(f"report {report.seconds:.2f} s")
    export_file = out / "export.jsonl"
    export = run_cli("export", "--db", str(db), "--out", str(export_file))
    with export_file.open("rb") as exported:
        rows = sum(1 for _ in exported)
    print(f"export {rows / export.seconds:.0f} rows/s")
    print(f"  export: {rows} rows in {export.seconds:.2f} s, peak RSS {export.peak_rss / 2**20:.0f} MiB; "
          f"report peak RSS {report.peak_rss / 2**20:.0f} MiB")
    slowest = max(range(len(searches)), key=search_seconds.__getitem__)
    print(f"  slowest search {1000 * search_seconds[slowest]:.0f} ms: {TYPICAL_QUERIES[slowest]}")
    search_cpu = [run.cpu for run in searches]
    print(f"  CPU seconds (the same runs; a loaded machine inflates the times above, not these): cli start "
          f"{1000 * start.cpu:.0f} ms, search p50 {1000 * percentile(search_cpu, 0.5):.0f} ms "
          f"p95 {1000 * percentile(search_cpu, 0.95):.0f} ms, stats {stats.cpu:.2f} s, report {report.cpu:.2f} s, "
          f"export {rows / export.cpu:.0f} rows/s")
    print("  command start (on the 48 demo articles): " + ", ".join(
        f"{name} {1000 * seconds:.0f} ms" for name, seconds in command_starts(small_db, out).items()))
    timings = datasette_timings(db)
    print("datasette " + ", ".join(f"{name} {1000 * seconds:.0f} ms" for name, seconds in timings.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000,
                        help="articles in the generated database the commands read (default: %(default)s)")
    parser.add_argument("--db", type=Path, help=DB_HELP)
    args = parser.parse_args(argv)
    return run(args.articles, args.db)


def run(articles: int, db: Path | None) -> int:
    with tempfile.TemporaryDirectory(prefix="potus-analysts-") as folder:
        out = Path(folder)
        db = db or out / f"analysts-{articles}.db"
        if not db.exists():
            started = time.monotonic()
            generate(db, articles)
            print(f"{articles} articles generated into {db} in {time.monotonic() - started:.0f} s "
                  f"({db.stat().st_size / 2**20:.0f} MiB)")
        # A database generated by an older version gets this one's migrations now, not in the first command timed.
        started = time.monotonic()
        ArticleStore(db).close()
        print(f"database opened for writing (migrations applied) in {time.monotonic() - started:.1f} s")
        small_db = out / "demo-articles.db"
        generate(small_db, 48)
        measure(db, small_db, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
