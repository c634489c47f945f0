"""Drop article records that cannot be stored, counting each reason in ``validate/dropped/<reason>``."""

from __future__ import annotations

from scrapy.exceptions import DropItem

from potus_crawler.items import FetchedArticle

REQUIRED_FIELDS = ("url", "title", "body")
STATS_PREFIX = "validate/dropped"


class ValidatePipeline:
    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item):
        if not isinstance(item, FetchedArticle):
            return item
        missing = [field for field in REQUIRED_FIELDS if not getattr(item.record, field)]
        if missing:
            reason = "missing_" + "_".join(missing)
            self.stats.inc_value(f"{STATS_PREFIX}/{reason}")
            raise DropItem(f"article record without {', '.join(missing)}: {item.record.url or '(no url)'}")
        return item
