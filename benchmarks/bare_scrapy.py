"""A bare Scrapy spider fetching a list of URLs: what Scrapy itself costs per request, for the crawl benchmark.

    python -m benchmarks.bare_scrapy URLS_FILE

Reads one URL a line and fetches each once, at the crawl benchmark's concurrency, with Scrapy's
own defaults otherwise (not this project's settings: no extraction, no storage, no pipelines).
Prints ``N responses`` when done; the caller times the whole process, as it times the crawl's.
"""

from __future__ import annotations

import sys
from pathlib import Path

import scrapy
from scrapy.crawler import CrawlerProcess

#: The crawl benchmark's loopback settings, so both fetch alike.
SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "LOG_LEVEL": "WARNING",
    "ROBOTSTXT_OBEY": False,
    "TELNETCONSOLE_ENABLED": False,
}


class BareSpider(scrapy.Spider):
    """Fetches every URL given, once, and keeps nothing of the answers."""

    name = "bare"

    def __init__(self, urls: list[str], **kwargs):
        super().__init__(**kwargs)
        self.urls = urls

    async def start(self):
        for url in self.urls:
            # The crawl fetches some URLs twice (a redirect's target); so does this one.
            yield scrapy.Request(url, dont_filter=True, meta={"dont_redirect": True},
                                 callback=self.parse, errback=self.failed)

    def parse(self, response):
        self.crawler.stats.inc_value("bare/answered")

    def failed(self, failure):
        self.crawler.stats.inc_value("bare/answered")


def main(argv: list[str] | None = None) -> int:
    urls_file, = argv if argv is not None else sys.argv[1:]
    urls = Path(urls_file).read_text("utf-8").split()
    process = CrawlerProcess(SETTINGS)
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, urls=urls)
    process.start()
    print(f"{crawler.stats.get_value('bare/answered', 0)} responses")
    return 0


if __name__ == "__main__":
    sys.exit(main())
