"""Incremental crawls of the demo site, as cron runs them: what each crawl fetches and stores.

    python -m benchmarks.incremental [--since 2025-03-10]

Serves the demo site on loopback and runs ``potus-crawler crawl`` (the cron entry) on it:

1. a first crawl into an empty database;
2. a crawl into another database killed (SIGKILL) half-way and started again, compared with the first;
3. a second crawl of the first database with nothing changed;
4. a third after the site published three posts, edited one and removed one;
5. two overlapping crawls of one database.

Prints each crawl's requests by kind (from Scrapy's stats, as stored in ``crawl_runs``)
and its article counts. ``--since`` sets the re-check window; runs minutes apart
would skip articles checked minutes ago, so ``POTUS_RECHECK_MINUTES`` is 0 here.
"""

from __future__ import annotations

import argparse
import json
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path

from potus_crawler.cli import EXIT_LOCKED
from potus_crawler.demo import demo_site
from potus_crawler.storage import ArticleStore

LOOPBACK = ["-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0", "-s", "POTUS_RECHECK_MINUTES=0",
            "-s", "LOG_LEVEL=WARNING"]
#: Slow the killed crawl down so that it is surely killed half-way.
THROTTLED = ["-s", "CONCURRENT_REQUESTS=1", "-s", "DOWNLOAD_DELAY=0.05"]


def crawl_command(base_url: str, db: Path, since: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "potus_crawler.cli", "crawl", "--db", str(db), "--base-url", base_url,
            "--since", since, *LOOPBACK, *extra]


def crawl(base_url: str, db: Path, since: str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(crawl_command(base_url, db, since, *extra), capture_output=True, text=True, timeout=600)


def last_run(db: Path) -> dict:
    store = ArticleStore(db)
    run = next(iter(store.db.query("select * from crawl_runs order by id desc limit 1")))
    store.close()
    return run


def report(label: str, result: subprocess.CompletedProcess, db: Path) -> dict:
    run = last_run(db)
    kinds = json.loads(run["requests_by_kind"] or "{}")
    print(f"{label:<34} exit {result.returncode:>2}  requests {run['requests']:>3}  "
          f"({', '.join(f'{kind} {n}' for kind, n in sorted(kinds.items()))})")
    print(f"{'':<34} articles new {run['articles_new']}, updated {run['articles_updated']}, "
          f"unchanged {run['articles_unchanged']}, gone {run['articles_gone']}, failed {run['failures']}")
    return run


def stored_rows(db: Path) -> dict:
    """Everything a crawl stores about articles, without the times it stored them at."""
    store = ArticleStore(db)
    rows = {url: store.load_record(url) for url in store.article_urls()}
    store.close()
    return rows


def stored_count(db: Path) -> int:
    """Articles in a database another process is writing: read-only, and 0 before its schema exists."""
    try:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as connection:
            return connection.execute("select count(*) from articles").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def crawl_killed_after(command: list[str], db: Path, articles: int) -> set[str]:
    """Run a crawl and SIGKILL it once it stored ``articles`` articles; returns the URLs stored by then."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while process.poll() is None and stored_count(db) < articles:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    store = ArticleStore(db)
    stored = store.article_urls()
    store.close()
    return set(stored)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--since", default="2025-03-10", help="re-check window start (default 2025-03-10)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder, demo_site() as site:
        db = Path(folder) / "cron.db"
        print(f"Demo site: {len(site.content.articles)} articles at {site.base_url}; re-check window since {args.since}")
        report("1. first crawl", crawl(site.base_url, db, args.since), db)
        baseline = stored_rows(db)

        resumed_db = Path(folder) / "resumed.db"
        stored_when_killed = crawl_killed_after(crawl_command(site.base_url, resumed_db, args.since, *THROTTLED),
                                                resumed_db, articles=len(baseline) // 2)
        print(f"2. killed after {len(stored_when_killed)} articles stored, then run again:")
        report("   resumed crawl", crawl(site.base_url, resumed_db, args.since), resumed_db)
        print(f"   same rows as the uninterrupted crawl: {stored_rows(resumed_db) == baseline}")

        report("3. second crawl, nothing changed", crawl(site.base_url, db, args.since), db)
        site.apply_changes(datetime.now(timezone.utc))
        report("4. after 3 posts, 1 edit, 1 removal", crawl(site.base_url, db, args.since), db)
        store = ArticleStore(db)
        print(f"   article_revisions rows: {store.db['article_revisions'].count}, gone marks: "
              f"{store.db.execute('select count(*) from articles where gone_since is not null').fetchone()[0]}")
        store.close()

        first = subprocess.Popen(crawl_command(site.base_url, db, args.since, *THROTTLED),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.5)
        second = crawl(site.base_url, db, args.since)
        first.wait()
        print(f"5. overlapping crawls: the second exits {second.returncode} (lock code {EXIT_LOCKED}): "
              f"{second.stderr.strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
