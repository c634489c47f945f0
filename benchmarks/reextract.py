"""``potus-crawler reextract`` over a large archive, against the one-process extractor floor, in one run.

    python -m benchmarks.reextract --articles 10000

1. Renders the demo's 48 article pages (60 to 120 KB of HTML each, full chrome) and extracts each once.
2. Archives them under N new URLs (page ``n % 48`` for URL ``n``), written with warcio as request/response
   pairs, gzip per record, and stores N matching articles with the project's own store: what a crawl with
   its archive on leaves behind.
3. Measures the floor: our extractor alone over the same pages in one fresh process (a sample of them:
   the rate is per page), as ``benchmarks.crawl`` does.
4. Runs ``potus-crawler reextract`` (a child process) over the N articles, sampling the resident memory of
   it and its workers every 0.1 s.

Prints articles/s, ``reextract over floor: X.XX``, peak RSS and PSS, and the RSS of each quarter of the run (flat
memory: the last quarter's no higher than the second's).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from benchmarks.archived_pages import archive_pages, site_pages
from benchmarks.crawl import MeasuredRun, alone, run_measured
from extractors import extract
from potus_crawler.demo import build_site
from potus_crawler.storage import ArticleStore

BASE_URL = "https://potusnews.news"
#: ``--since`` of a run that selects no article: what starting and ending cost.
NO_ARTICLE_SINCE = "2999-01-01"
#: Pages the floor is measured over: enough to average the 48 pages' costs several times over.
FLOOR_PAGES = 480


def build_archive(folder: Path, articles: int) -> tuple[Path, list[tuple[str, str]]]:
    """The database and its archive; returns the database and (URL, page file) pairs for the floor."""
    site = build_site(folder / "site", BASE_URL, term_archives=False)
    pages = list(site_pages(site).items())
    records = [extract(page, url) for url, page in pages]
    db = folder / "potus.db"
    store = ArticleStore(db)
    urls = [f"{url.rstrip('/')}-{number}/" for number in range(articles) for url in [pages[number % len(pages)][0]]]
    with store.transaction():
        for number, url in enumerate(urls):
            store.save_article(replace(records[number % len(pages)], url=url), found_by="listing")
    store.close()
    archive_pages(db, ((url, pages[number % len(pages)][1]) for number, url in enumerate(urls)))
    files = [(url, str(site.root / url.removeprefix(BASE_URL).strip("/") / "index.html")) for url, _ in pages]
    return db, [files[number % len(files)] for number in range(FLOOR_PAGES)]


def floor(pages: list[tuple[str, str]]) -> float:
    """Our extractor alone, one process of its own (as each worker is): articles/s."""
    return alone(extract, pages)[0]


def reextract(db: Path, *arguments: str) -> MeasuredRun:
    """One run in a child process, measured; its summary is in its run row."""
    return run_measured([sys.executable, "-m", "potus_crawler.cli", "reextract", "--db", str(db), "-q", *arguments],
                        "reextract")


def run_summary(db: Path) -> str:
    store = ArticleStore.for_reading(db)
    run = next(iter(store.db.query("select * from crawl_runs order by id desc limit 1")))
    store.close()
    return (f"run {run['id']}: {run['status']}, {run['articles_extracted']} extracted, {run['articles_updated']} "
            f"updated, {run['articles_unchanged']} unchanged, {run['failures']} failed, {run['requests']} requests")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="potus-bench-") as folder:
        started = time.monotonic()
        db, floor_pages = build_archive(Path(folder), args.articles)
        archive_bytes = sum(path.stat().st_size for path in (Path(folder) / "warc").iterdir())
        print(f"{args.articles} articles stored and archived in {time.monotonic() - started:.0f} s "
              f"({archive_bytes / args.articles / 1024:.0f} KB of WARC per article)")
        floor_rate = floor(floor_pages)
        print(f"floor: extractor alone, one process: {floor_rate:.1f} articles/s ({1000 / floor_rate:.1f} ms/page, "
              f"{len(floor_pages)} pages)")
        idle = reextract(db, "--since", NO_ARTICLE_SINCE)
        idle_wall, idle_cpu = idle.wall, idle.cpu
        print(f"start and end alone (a run that selects no article): {idle_wall:.1f} s, CPU {idle_cpu:.1f} s "
              "(imports, the workers' start and warm-up)")
        measured = reextract(db)
        wall, cpu, samples = measured.wall, measured.cpu, measured.rss_samples
        rate = args.articles / wall
        print(run_summary(db))
        print(f"reextract: {args.articles} articles in {wall:.1f} s (the command end to end, workers' start "
              f"included) = {rate:.1f} articles/s on {os.cpu_count()} cores")
        steady = 1000 * (cpu - idle_cpu) / args.articles
        steady_rate = args.articles / (wall - idle_wall)
        print(f"  without the start and end: {steady_rate:.1f} articles/s, {steady:.1f} ms CPU per article "
              f"= {steady_rate / floor_rate:.2f} times the floor")
        per_article = 1000 * cpu / args.articles
        print(f"  CPU {cpu:.1f} s = {cpu / wall:.2f} of {os.cpu_count()} cores busy (reextract and its workers): "
              f"{per_article:.1f} ms per article against the floor's {1000 / floor_rate:.1f} ms (the main process "
              f"{1000 * measured.own_cpu / args.articles:.2f} ms); on idle cores at most "
              f"{os.cpu_count() * 1000 / per_article / floor_rate:.2f} times the floor")
        quarters = [max((rss for seconds, rss in samples if wall * q / 4 <= seconds < wall * (q + 1) / 4), default=0)
                    for q in range(4)]
        print(f"peak RSS {measured.peak_rss / 2**20:.0f} MiB (reextract and its workers, every 0.1 s; pages they "
              f"share counted once: peak PSS {measured.peak_pss / 2**20:.0f} MiB); "
              f"per quarter of the run: {', '.join(f'{rss / 2**20:.0f}' for rss in quarters)} MiB")
        print(f"reextract over floor: {rate / floor_rate:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
