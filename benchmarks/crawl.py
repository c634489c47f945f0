"""End-to-end crawl speed on a large demo site, against the extraction floor, in one run.

    python -m benchmarks.crawl --articles 1000 [--recrawl]
    python -m benchmarks.crawl --analysts 100000 [--analysts-db PATH]   (see benchmarks.analysts)

1. Generates a demo site of N articles (the 48 demo articles, each published again under
   new slugs and dates: 60 to 120 KB of HTML per page, full chrome) without tag and
   author archives, which the crawler never reads.
2. Serves it on loopback with the demo's static server, in this process.
3. Crawls it end to end with ``potus-crawler crawl`` (a child process) into a fresh
   SQLite file, sampling the resident memory of the crawler and its workers every 0.1 s.
4. Fetches exactly the paths the crawl fetched with a bare Scrapy spider (``benchmarks.bare_scrapy``:
   no extraction, no storage, the same concurrency) from the same server: Scrapy's own rate.
5. Measures the floor: our extractor alone over the same article pages, in one fresh
   process; and the crawl's extraction pool alone over them.
6. Crawls a small site (``--polite-articles``) at the default, polite settings and samples its memory.
7. With ``--recrawl``, crawls the unchanged site again and compares request counts.

Prints articles/s, CPU use (cores busy, and CPU per article in the reactor's process, the
workers and the server, which bounds the rate on this machine), peak RSS, where the
crawler's time went (extraction summed over workers, storing), and the ratio crawl / floor; then, each on
a line of its own, the figures compared run to run: ``cpu/article over floor`` (the CPU time of the
crawler and its workers per article stored, over the floor's per page), ``crawl over bare scrapy``
(requests/s, each process timed from its start to its end) and ``polite peak RSS``.
Also measures the crawl's extraction pool alone, fed the same pages without Scrapy: what
extraction on every core gives when fetching costs nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from benchmarks import analysts
from extractors import extract, parse_listing
from potus_crawler.demo import build_site
from potus_crawler.demo.content import DemoContent, read_data
from potus_crawler.demo.server import serving
from potus_crawler.extraction import ExtractionPool
from potus_crawler.storage import ArticleStore

#: The newest generated post; older ones follow every ``SPACING``.
NEWEST = datetime.fromisoformat("2025-03-14T22:41:06+00:00")
SPACING = timedelta(minutes=37)
LOOPBACK = ["-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0", "-s", "LOG_LEVEL=WARNING",
            "-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16"]
#: Pages given to the pool at once when it is measured alone: about what a crawl has waiting.
IN_FLIGHT = 64
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def generated_content(articles: int) -> DemoContent:
    """``articles`` posts cycling through the demo's own, each with its slug, title and date."""
    base = json.loads(read_data("articles.json"))
    raws = []
    for number in range(articles):
        raw = base[number % len(base)]
        published = (NEWEST - number * SPACING).isoformat()
        raws.append({**raw, "slug": f"{raw['slug']}-{number}", "title": f"{raw['title']} ({number})",
                     "published": published, "modified": None})
    return DemoContent(json.loads(read_data("site.json")), raws)


def tree_pids(pid: int) -> Iterator[int]:
    """A process and all its descendants alive now (workers forked by a fork server included), from /proc."""
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/task/{current}/children") as children:
                pending.extend(int(child) for child in children.read().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
        yield current


def rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * PAGE_SIZE
    except (FileNotFoundError, ProcessLookupError):
        return 0


def pss(pid: int) -> int:
    """Proportional set size: the process's resident bytes, each page shared with others counted in
    shares (workers forked from a fork server share its language model): what the tree really holds."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            return next(int(line.split()[1]) * 1024 for line in rollup if line.startswith("Pss:"))
    except (FileNotFoundError, ProcessLookupError, PermissionError, StopIteration):
        return 0


def cpu_seconds(stat_path: str) -> float:
    """utime + stime of a /proc stat file: a process itself (not its children), or one of its threads."""
    with open(stat_path) as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def own_cpu_seconds(pid: int) -> float:
    return cpu_seconds(f"/proc/{pid}/stat")


def threads_cpu_seconds(pid: int) -> dict[int, tuple[str, float]]:
    """Each live thread of a process: its id, its name as the kernel has it (``potus_crawler.thread_names``),
    its CPU seconds."""
    threads = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            name = "main" if int(task.name) == pid else (task / "comm").read_text().strip()
            threads[int(task.name)] = (name, cpu_seconds(str(task / "stat")))
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return threads


@dataclass
class MeasuredRun:
    """A command run in a child process: wall and CPU seconds (all its descendants' included), the CPU seconds of its
    own process and of each of its threads by name (as last sampled: a thread's last 0.1 s may be missing),
    its tree's resident bytes sampled every 0.1 s as (seconds since start, bytes)."""

    wall: float
    cpu: float
    own_cpu: float
    rss_samples: list[tuple[float, int]]
    thread_cpu: dict[str, float]
    #: The most proportional set size (``pss``) the tree held at once.
    peak_pss: int

    @property
    def peak_rss(self) -> int:
        return max((rss for _, rss in self.rss_samples), default=0)


def run_measured(command: list[str], what: str) -> MeasuredRun:
    """Run ``command``, measuring it; its output (a few lines at most) is discarded. SystemExit if it fails."""
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    samples: list[tuple[float, int]] = []
    threads: dict[int, tuple[str, float]] = {}
    #: The CPU seconds of each process of the tree, as last sampled.
    processes_cpu: dict[int, float] = {}
    peak_pss = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_pss
        while not done.wait(0.1):
            pids = list(tree_pids(process.pid))
            samples.append((time.monotonic() - started, sum(map(rss, pids))))
            peak_pss = max(peak_pss, sum(map(pss, pids)))
            for pid in pids:
                try:
                    processes_cpu[pid] = own_cpu_seconds(pid)
                except (FileNotFoundError, ProcessLookupError):
                    continue
            try:
                threads.update(threads_cpu_seconds(process.pid))
            except (FileNotFoundError, ProcessLookupError):
                return

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - started
    done.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{what} exited {process.returncode}: {process.stderr.read()[-3000:]}")
    thread_cpu: dict[str, float] = {}
    for name, seconds in threads.values():
        thread_cpu[name] = thread_cpu.get(name, 0.0) + seconds
    # The kernel's count holds the process and the children it reaped: not a fork server (the process ends
    # first) nor the workers it forked, which the samples hold, less each one's last 0.1 s at most.
    cpu = max(usage.ru_utime + usage.ru_stime, sum(processes_cpu.values()))
    return MeasuredRun(wall, cpu, processes_cpu.get(process.pid, 0.0), samples, thread_cpu, peak_pss)


def crawl(base_url: str, db: Path, settings: list[str], speed: list[str] = LOOPBACK) -> dict:
    """One crawl in a child process: wall time, CPU seconds (with its workers), peak RSS, its run row.

    ``speed``: the settings that make it fast (the default: unthrottled, for loopback); none for a polite crawl."""
    command = [sys.executable, "-m", "potus_crawler.cli", "crawl", "--db", str(db), "--base-url", base_url, *speed,
               *(argument for setting in settings for argument in ("-s", setting))]
    measured = run_measured(command, "crawl")
    store = ArticleStore(db)
    run = next(iter(store.db.query("select * from crawl_runs order by id desc limit 1")))
    store.close()
    return {"wall": measured.wall, "cpu": measured.cpu, "reactor_cpu": measured.own_cpu,
            "thread_cpu": measured.thread_cpu, "peak_rss": measured.peak_rss, "peak_pss": measured.peak_pss, "run": run}


def bare_scrapy(base_url: str, paths: list[str], folder: Path) -> tuple[float, float]:
    """A bare Scrapy spider fetching ``paths``: (requests/s, timed from its process's start to its end;
    CPU seconds per request)."""
    urls = folder / "bare-urls.txt"
    urls.write_text("".join(f"{base_url}{path}\n" for path in paths), "utf-8")
    bare = run_measured([sys.executable, "-m", "benchmarks.bare_scrapy", str(urls)], "the bare Scrapy spider")
    return len(paths) / bare.wall, bare.cpu / len(paths)


def polite_peak_rss(articles: int, folder: Path, settings: list[str]) -> dict:
    """A crawl of a site of ``articles`` at the default settings (polite: delays, AutoThrottle)."""
    root = folder / "polite-site"
    with serving(root) as server:
        site = build_site(root, f"http://127.0.0.1:{server.server_port}", generated_content(articles),
                          term_archives=False)
        return crawl(site.base_url, folder / "polite.db", settings, speed=["-s", "LOG_LEVEL=WARNING"])


def article_pages(site, content: DemoContent) -> Iterator[tuple[str, Path]]:
    for article in content.articles:
        yield site.base_url + article.path, site.root / article.path.strip("/") / "index.html"


def floor(site, content: DemoContent) -> tuple[float, int]:
    """Our extractor alone over every article page, in one fresh process: (articles/s, mean page bytes)."""
    return alone(extract, [(url, str(path)) for url, path in article_pages(site, content)])


def listings_alone(site, crawled_paths: list[str]) -> float:
    """The listing parser alone over the category pages the crawl fetched, in one fresh process: pages/s."""
    pages = [(site.base_url + path, str(site.root / path.strip("/") / "index.html")) for path in crawled_paths
             if path.startswith("/category/") and not path.rstrip("/").endswith("/feed")]
    return alone(parse_listing, pages)[0]


def alone(parse, pages: list[tuple[str, str]]) -> tuple[float, int]:
    """``parse`` over ``pages`` in a process of its own, as each worker is, so that what this one holds and
    does (the generated site, the server and its threads) does not weigh on it: (pages/s, mean page bytes)."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as process:
        return process.submit(parse_one_by_one, parse, pages).result()


def parse_one_by_one(parse, pages: list[tuple[str, str]]) -> tuple[float, int]:
    """Only the parser's CPU time counts; each page is read from disk and decoded just before (the
    crawl gives its workers text too), so memory holds one."""
    seconds, total_bytes = 0.0, 0
    for url, path in pages:
        html = Path(path).read_bytes()
        total_bytes += len(html)
        text = html.decode("utf-8")
        started = time.process_time()
        parse(text, url)
        seconds += time.process_time() - started
    return len(pages) / seconds, total_bytes // len(pages)


def pool_alone(site, content: DemoContent, workers: int) -> float:
    """The crawl's extraction pool fed every article page from one event loop, without Scrapy:
    articles/s, what extraction on every core gives when fetching costs nothing."""
    pool = ExtractionPool(workers, "UTC", timeout=120, backlog=0)

    async def extract_all() -> float:
        pool.start()
        url, path = next(article_pages(site, content))
        # Every worker started and warmed up before the clock starts, as they are by the time a crawl's articles come.
        await asyncio.gather(*(pool.extract(path.read_text("utf-8"), url) for _ in range(workers)))
        started = time.monotonic()
        pending: set[asyncio.Task] = set()
        records = 0
        for url, path in article_pages(site, content):
            if len(pending) >= IN_FLIGHT:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                records += sum(task.result().record is not None for task in done)
            pending.add(asyncio.ensure_future(pool.extract(path.read_text("utf-8"), url)))
        records += sum(extracted.record is not None for extracted in await asyncio.gather(*pending))
        if records != len(content.articles):
            raise SystemExit(f"the pool alone extracted {records} of {len(content.articles)} articles")
        return records / (time.monotonic() - started)

    try:
        return asyncio.run(extract_all())
    finally:
        pool.close()


#: What each thread of the crawler's process does, by the name the kernel has for it (``thread_names``).
THREAD_ROLES = {"main": "reactor thread: Scrapy, the spider, middlewares, pipelines",
                "sqlite-writer": "sqlite-writer thread: storing", "warc-writer_0": "warc-writer thread: archiving",
                "extraction": "extraction thread: pages parsed in the crawler's process"}


def print_cpu_breakdown(full: dict, articles: int, floor_rate: float, listing_rate: float, run: dict,
                        bare_per_article: float) -> None:
    """Where the crawl's CPU went, in ms per article stored, each share beside what it costs alone."""
    listings = json.loads(run["requests_by_kind"]).get("listing", 0)
    per_article = {name: 1000 * seconds / articles for name, seconds in full["thread_cpu"].items()}
    workers = 1000 * (full["cpu"] - full["reactor_cpu"]) / articles
    floor_ms, listing_ms = 1000 / floor_rate, 1000 * listings / listing_rate / articles
    print("where the CPU per article went (ms):")
    for name, role in THREAD_ROLES.items():
        alone = f" (a bare Scrapy spider's process: {bare_per_article:.1f})" if name == "main" else ""
        print(f"  crawler, {role}: {per_article.pop(name, 0.0):.1f}{alone}")
    print(f"  crawler, other threads ({', '.join(sorted(per_article))}): {sum(per_article.values()):.1f}")
    print(f"  workers: {workers:.1f} (alone, each in one process: the articles {floor_ms:.1f}, "
          f"the {listings} listing pages {listing_ms:.1f}; the rest is starting workers, IPC, sharing the cores)")
    total = 1000 * full["cpu"] / articles
    print(f"  total: {total:.1f} = {total / floor_ms:.2f} times the floor")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--recrawl", action="store_true", help="crawl the unchanged site again and compare requests")
    parser.add_argument("--polite-articles", type=int, default=50, metavar="N",
                        help="articles of the site crawled at the polite defaults, for its memory (0: none)")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a setting for the crawls, e.g. POTUS_EXTRACTION_WORKERS=0 for extraction in-process")
    parser.add_argument("--analysts", type=int, metavar="N",
                        help="instead of a crawl, the analysts' commands on a generated database of N articles")
    parser.add_argument("--analysts-db", type=Path, help=analysts.DB_HELP)
    args = parser.parse_args(argv)
    if args.analysts:
        return analysts.run(args.analysts, args.analysts_db)

    with tempfile.TemporaryDirectory(prefix="potus-bench-") as folder:
        root, db = Path(folder) / "site", Path(folder) / "crawl.db"
        started = time.monotonic()
        content = generated_content(args.articles)
        with serving(root) as server:
            site = build_site(root, f"http://127.0.0.1:{server.server_port}", content, term_archives=False)
            print(f"{args.articles} articles generated and written in {time.monotonic() - started:.0f} s")
            server_cpu_before = time.process_time()
            full = crawl(site.base_url, db, args.set)
            served_cpu = time.process_time() - server_cpu_before
            crawled_paths = list(server.paths_served)
            run = full["run"]
            rate = run["articles_new"] / full["wall"]
            print(f"crawl: {run['articles_new']} articles stored, {run['requests']} requests in {full['wall']:.1f} s: "
                  f"{rate:.1f} articles/s")
            cores, articles = os.cpu_count(), run["articles_new"]
            workers_cpu = full["cpu"] - full["reactor_cpu"]
            print(f"  CPU {full['cpu']:.1f} s = {full['cpu'] / full['wall']:.2f} of {cores} cores busy (crawler and its "
                  f"workers; the reactor's process alone {full['reactor_cpu'] / full['wall']:.0%} of a core; "
                  f"the static server {served_cpu / full['wall']:.0%} of a core)")
            per_article = [1000 * seconds / articles for seconds in (full["reactor_cpu"], workers_cpu, served_cpu)]
            print(f"  CPU per article: reactor's process {per_article[0]:.1f} ms, workers {per_article[1]:.1f} ms "
                  f"(articles and listing pages), static server {per_article[2]:.1f} ms: {sum(per_article):.1f} ms, "
                  f"so at most {1000 * cores / sum(per_article):.0f} articles/s on {cores} cores")
            print(f"  peak RSS {full['peak_rss'] / 2**20:.0f} MiB (crawler and its workers, sampled every 0.1 s; "
                  f"pages they share counted once: peak PSS {full['peak_pss'] / 2**20:.0f} MiB)")
            extract_s, store_s = run["extract_seconds"] or 0, run["store_seconds"] or 0
            print(f"  time: extraction {extract_s:.1f} s ({1000 * extract_s / articles:.1f} ms/article, summed over "
                  f"workers), storing {store_s:.1f} s ({1000 * store_s / articles:.2f} ms/article, on the writer thread)")
            floor_rate, page_bytes = floor(site, content)
            print(f"floor: extractor alone, one process: {floor_rate:.1f} articles/s "
                  f"({1000 / floor_rate:.1f} ms/page, pages of {page_bytes / 1024:.0f} KB on average)")
            settings = dict(setting.split("=", 1) for setting in args.set)
            workers = int(settings.get("POTUS_EXTRACTION_WORKERS", cores))
            pool_rate = pool_alone(site, content, workers)
            print(f"pool alone: the crawl's extraction pool, {workers} workers fed from one event loop without Scrapy: "
                  f"{pool_rate:.1f} articles/s = {pool_rate / floor_rate:.2f} times the floor")
            print(f"ratio crawl / floor: {rate / floor_rate:.2f}")
            bare_rate, bare_cpu = bare_scrapy(site.base_url, crawled_paths, Path(folder))
            crawl_requests_rate = len(crawled_paths) / full["wall"]
            print(f"bare scrapy: the {len(crawled_paths)} paths the crawl fetched, {bare_rate:.1f} requests/s "
                  f"(the crawl: {crawl_requests_rate:.1f}), CPU {1000 * bare_cpu:.1f} ms/request "
                  f"({1000 * bare_cpu * len(crawled_paths) / articles:.1f} ms/article)")
            print_cpu_breakdown(full, articles, floor_rate, listings_alone(site, crawled_paths), run,
                                1000 * bare_cpu * len(crawled_paths) / articles)
            print(f"cpu/article over floor: {full['cpu'] / articles * floor_rate:.2f}")
            print(f"crawl over bare scrapy: {crawl_requests_rate / bare_rate:.2f}")
            if args.recrawl:
                again = crawl(site.base_url, db, args.set)
                share = again["run"]["requests"] / run["requests"]
                print(f"re-crawl of the unchanged site: {again['run']['requests']} requests "
                      f"({json.loads(again['run']['requests_by_kind'])}) = {share:.1%} of the full crawl's "
                      f"{run['requests']}, in {again['wall']:.1f} s")
        if args.polite_articles:
            polite = polite_peak_rss(args.polite_articles, Path(folder), args.set)
            print(f"polite crawl: {polite['run']['articles_new']} articles in {polite['wall']:.0f} s, "
                  f"CPU {polite['cpu']:.1f} s")
            print(f"polite peak RSS: {polite['peak_rss'] / 2**20:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
