"""What the WARC archive costs a crawl, measured side by side in one run.

    python -m benchmarks.archive --articles 1000 [--rounds 3]

Generates the large demo site of ``benchmarks.crawl`` (N articles of 60 to 120 KB), serves it on
loopback, and crawls it ``--rounds`` times with the archive on and as often with it off
(``POTUS_WARC=0``), alternating, each crawl into a fresh database, so that a machine whose load
drifts weighs on both alike. Prints each crawl's rate, the median rates, ``archive on over off``
(the ratio of the medians; the goal is at least 0.95), the reactor process's CPU per article with
and without the archive, and the archive's size: bytes per stored article, in total and for the
article responses alone. Last, the site is stopped and the first archived crawl's WARC files are
served on its address (``potus_crawler.replay``) and crawled again: the rows must equal the recording's.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.crawl import crawl, generated_content
from benchmarks.incremental import stored_rows
from potus_crawler.archive import FILE_PATTERN, scan
from potus_crawler.demo import build_site
from potus_crawler.demo.server import serving
from potus_crawler.replay import replaying


def archive_bytes(folder: Path) -> tuple[int, int]:
    """(bytes of every file, bytes of the article response records) in an archive folder."""
    files = sorted(folder.glob(FILE_PATTERN))
    article_bytes = sum(entry.length for path in files for entry in scan(path, check_digests=False)
                        if entry.type == "response" and entry.kind == "article")
    return sum(path.stat().st_size for path in files), article_bytes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3, help="crawls with the archive on, and as many off")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="potus-bench-archive-") as folder:
        root = Path(folder) / "site"
        started = time.monotonic()
        content = generated_content(args.articles)
        with serving(root) as server:
            site = build_site(root, f"http://127.0.0.1:{server.server_port}", content, term_archives=False)
            print(f"{args.articles} articles generated and written in {time.monotonic() - started:.0f} s")
            rates: dict[str, list[float]] = {"on": [], "off": []}
            reactor_ms: dict[str, list[float]] = {"on": [], "off": []}
            for round_number in range(1, args.rounds + 1):
                for mode in ("off", "on"):
                    db = Path(folder) / f"{mode}-{round_number}" / "crawl.db"
                    db.parent.mkdir()
                    result = crawl(site.base_url, db, [f"POTUS_WARC={int(mode == 'on')}"])
                    articles = result["run"]["articles_new"]
                    rates[mode].append(articles / result["wall"])
                    reactor_ms[mode].append(1000 * result["reactor_cpu"] / articles)
                    print(f"round {round_number}, archive {mode:>3}: {articles} articles in {result['wall']:.1f} s: "
                          f"{rates[mode][-1]:.1f} articles/s, reactor's process {reactor_ms[mode][-1]:.2f} ms "
                          f"CPU per article")
            on, off = statistics.median(rates["on"]), statistics.median(rates["off"])
            print(f"median: archive on {on:.1f} articles/s, off {off:.1f} articles/s")
            print(f"archive on over off: {on / off:.2f}")
            print(f"reactor's process CPU per article: on {statistics.median(reactor_ms['on']):.2f} ms, "
                  f"off {statistics.median(reactor_ms['off']):.2f} ms")
            total, article_responses = archive_bytes(Path(folder) / "on-1" / "warc")
            print(f"archive bytes per article: {total / articles:,.0f} in all ({total:,} bytes for {articles} "
                  f"articles, listings, feeds and sitemaps included); the article responses alone "
                  f"{article_responses / articles:,.0f}")
        replay_crawl(Path(folder) / "on-1" / "crawl.db", Path(folder) / "replayed" / "crawl.db", server.server_port)
    return 0


def replay_crawl(recording: Path, db: Path, port: int) -> None:
    """The recording's archive served on the site's address, now free, and crawled: the rows must be the same."""
    with replaying(sorted((recording.parent / "warc").glob(FILE_PATTERN)), port) as replay:
        result = crawl(replay.base_url, db, ["POTUS_WARC=0"])
    articles = result["run"]["articles_new"]
    print(f"replayed from the archive: {articles} articles in {result['wall']:.1f} s: "
          f"{articles / result['wall']:.1f} articles/s; rows equal to the recording's: "
          f"{stored_rows(db) == stored_rows(recording)}")


if __name__ == "__main__":
    sys.exit(main())
