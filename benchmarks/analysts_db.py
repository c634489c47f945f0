"""A crawl database of N articles made without a crawl, for measuring the analysts' commands at scale.

    python -m benchmarks.analysts_db --articles 100000 --db data/analysts-100000.db

The demo's articles (their records as a perfect extractor returns them) are stored again and
again through the project's own ArticleStore, each under a new URL, title and date, with
authors, tags and categories spread as on the real site: most posts by the site's own account,
the rest by a few dozen bylines; the demo's tags plus one of a few hundred more. The articles
are spread over a few crawl runs, as cron's daily crawls would have stored them; a few are
later edited (a revision kept) and a few are gone from the site.
"""

from __future__ import annotations

import argparse
import sys
import time
from contextlib import closing
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from extractors import ArticleRecord
from potus_crawler.demo.content import DemoContent
from potus_crawler.storage import ArticleStore

BASE_URL = "https://potusnews.example"
#: The newest generated post; older ones follow every ``SPACING`` (100,000 posts span about three years).
NEWEST = datetime.fromisoformat("2025-03-14T22:41:06+00:00")
SPACING = timedelta(minutes=16)
#: Articles stored in one transaction: one commit per article would make generation take an hour.
BATCH = 2000
CRAWL_RUNS = 5
#: The site posts mostly as its own account; every ``BYLINE_EVERY``-th post carries a person's byline.
BYLINE_EVERY = 3
BYLINES = [f"{first} {last}" for first in ("Elena", "Daniel", "Maya", "Samuel", "Priya", "Jonas", "Grace", "Omar")
           for last in ("Márquez", "Okafor", "Lindqvist", "Chen", "Haddad")]
#: Tags beyond the demo's own: one of these is added to every post.
EXTRA_TAGS = [f"{topic} {year}" for topic in ("Budget", "Election", "Court Ruling", "Trade", "Climate", "Border",
                                              "Healthcare", "Tariffs", "Cabinet", "Congress", "Supreme Court",
                                              "Executive Order", "Diplomacy", "Energy", "Defense", "Economy",
                                              "Education", "Technology", "Labor", "Housing")
              for year in range(2010, 2030)]
#: Every ``EDIT_EVERY``-th post is stored a second time with a changed title (a revision), every
#: ``GONE_EVERY``-th one is marked gone.
EDIT_EVERY, GONE_EVERY = 200, 150


def demo_records() -> list[dict]:
    content = DemoContent.load()
    return [content.expected_record(article, BASE_URL) for article in content.articles]


def generated_record(demo: list[dict], number: int) -> ArticleRecord:
    """The ``number``-th generated article (0 is the newest)."""
    base = demo[number % len(demo)]
    published = (NEWEST - number * SPACING).isoformat()
    slug = base["url"].removeprefix(BASE_URL).strip("/")
    authors = base["authors"]
    if number % BYLINE_EVERY == 0:
        authors = [BYLINES[number // BYLINE_EVERY % len(BYLINES)]]
        if number % (BYLINE_EVERY * 7) == 0:
            authors.append(BYLINES[(number // 7 + 3) % len(BYLINES)])
    extra_tag = EXTRA_TAGS[number * 7919 % len(EXTRA_TAGS)]
    return ArticleRecord.from_dict({
        **base,
        "url": f"{BASE_URL}/{slug}-{number}/",
        "title": f"{base['title']} ({number})",
        "authors": authors,
        "published": published, "published_raw": published, "modified": published, "modified_raw": published,
        "tags": [*base["tags"], extra_tag] if extra_tag not in base["tags"] else base["tags"],
        # Links to the neighbours generated from the same demo articles' neighbours would all be the demo's own.
        "related_links": [{**link, "url": link["url"].rstrip("/") + f"-{number}/"} for link in base["related_links"]],
    })


def generate(path: Path, articles: int) -> None:
    """Write ``articles`` generated articles into a new database at ``path``, oldest first, as crawls would."""
    if path.exists():
        raise SystemExit(f"{path} exists: give a new --db")
    demo = demo_records()
    with closing(ArticleStore(path)) as store:
        numbers = list(range(articles - 1, -1, -1))
        per_run = -(-len(numbers) // CRAWL_RUNS)
        for first in range(0, len(numbers), per_run):
            run_numbers = numbers[first:first + per_run]
            run_id = store.start_run("potus", BASE_URL)
            for start in range(0, len(run_numbers), BATCH):
                with store.transaction():
                    for number in run_numbers[start:start + BATCH]:
                        store.save_article(generated_record(demo, number), run_id,
                                           found_by="sitemap" if number % 4 else "listing")
            edited = [generated_record(demo, number) for number in run_numbers if number % EDIT_EVERY == 1]
            with store.transaction():
                for record in edited:
                    store.save_article(replace(record, title=f"{record.title}, updated"), run_id)
                gone = [number for number in run_numbers if number % GONE_EVERY == 2]
                for number in gone:
                    store.mark_gone(generated_record(demo, number).url, 404, run_id)
            store.finish_run(run_id, "finished", requests=len(run_numbers) + len(run_numbers) // 20,
                             articles_found=len(run_numbers), articles_extracted=len(run_numbers),
                             articles_new=len(run_numbers), articles_updated=len(edited), articles_unchanged=0,
                             articles_gone=len(gone), failures=0)
        store.db.execute("pragma wal_checkpoint(truncate)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--db", type=Path, required=True, help="the database to create (must not exist)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    generate(args.db, args.articles)
    print(f"{args.articles} articles written to {args.db} in {time.monotonic() - started:.0f} s "
          f"({args.db.stat().st_size / 2**20:.0f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
