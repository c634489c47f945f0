"""Spiders of potus_crawler: each discovers and schedules pages; extraction lives in ``extractors``."""
