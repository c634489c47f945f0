"""Scrapy project crawling POTUS News into SQLite."""

__version__ = "0.1.1"
