"""Bring every article record to the stored form: clean text, canonical URLs, ISO dates.

Extractors already emit this form; the pipeline guarantees it for any record source
and counts each field it had to change in ``normalize/changed/<field>``.
"""

from __future__ import annotations

from functools import partial

from extractors import ArticleRecord
from extractors.normalize import canonical_url, clean_body, clean_url, clean_text, iso_datetime, site_timezone
from potus_crawler.items import FetchedArticle

STATS_PREFIX = "normalize/changed"


def unique_texts(values: list[str]) -> list[str]:
    return list(dict.fromkeys(text for text in map(clean_text, values) if text))


class NormalizePipeline:
    def __init__(self, stats, default_tz):
        self.stats = stats
        date = partial(iso_datetime, default_tz=default_tz)
        self.normalizers = {
            "url": canonical_url, "title": clean_text, "body": clean_body, "description": clean_text,
            "published": date, "modified": date, "authors": unique_texts, "categories": unique_texts,
            "tags": unique_texts, "source_url": clean_url, "image_url": clean_url,
        }

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats, site_timezone(crawler.settings["POTUS_TIMEZONE"]))

    def process_item(self, item):
        if isinstance(item, FetchedArticle):
            self.normalize(item.record)
        return item

    def normalize(self, record: ArticleRecord) -> None:
        for field, normalize in self.normalizers.items():
            before = getattr(record, field)
            if not before:
                continue
            after = normalize(before)
            if after != before:
                setattr(record, field, after)
                self.stats.inc_value(f"{STATS_PREFIX}/{field}")
        for link in record.related_links:
            link.url, link.title = canonical_url(link.url), clean_text(link.title)
        word_count = len(record.body.split())
        if record.word_count != word_count:
            record.word_count = word_count
            self.stats.inc_value(f"{STATS_PREFIX}/word_count")
