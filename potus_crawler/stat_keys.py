"""Keys of the Scrapy stats our components write and read, in one place: the spider and the pipelines count,
the run recorder turns the counts into a ``crawl_runs`` row, the CLI reads them to choose its exit code."""

from __future__ import annotations

from potus_crawler.storage import CHANGED, NEW, UNCHANGED

RUN_ID = "potus/run_id"
#: Article links found on listings, feeds and sitemaps (stored ones included), each counted once.
ARTICLES_FOUND = "potus/articles_found"
ARTICLE_OUTCOMES = {NEW: "potus/articles_new", CHANGED: "potus/articles_updated",
                    UNCHANGED: "potus/articles_unchanged"}
ARTICLES_GONE = "potus/articles_gone"
FAILURES = "potus/failures"
NOT_ARTICLES = "potus/not_article"
#: Articles extracted in this run; of those, the ones each rule set extracted and the ones with each field
#: filled (``potus_crawler.monitor``).
EXTRACTED = "potus/extracted"
RULE_SET_PREFIX = "potus/rule_set/"
FILLED_PREFIX = "potus/filled/"
EXTRACT_SECONDS = "potus/time/extract_s"
STORE_SECONDS = "potus/time/store_s"
#: Responses per kind of request (``request.meta["kind"]``: listing, feed, sitemap, article, recheck…).
RESPONSES_BY_KIND_PREFIX = "potus/responses/"
PROBLEMS = "potus/problems"
#: Responses written to the WARC archive, and the ones that could not be (``potus_crawler.capture``).
ARCHIVED = "potus/archive/written"
ARCHIVE_FAILED = "potus/archive/failed"
LISTING_LINKS_SKIPPED = "potus/listing_links_skipped"
LISTINGS_LEFT_EARLY = "potus/listings_left_early"
#: Listing walks begun (their first page parsed) and ended (walked to their end, or left early as known).
LISTINGS_STARTED = "potus/listings_started"
LISTINGS_DONE = "potus/listings_done"
SITEMAPS_UNCHANGED = "potus/sitemaps_unchanged"
