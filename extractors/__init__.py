"""Pure article extraction: ``extract(html, url) -> ArticleRecord``. Never imports Scrapy.

The names are imported on first use (PEP 562): the record types alone (``extractors.record``) are
what the analysts' commands need, and importing the extractor means importing trafilatura and lxml.
"""

from __future__ import annotations

import importlib

#: Each public name and the module of this package that defines it.
PUBLIC_NAMES = {
    "extract": "article", "extract_body": "article",
    "Listing": "listing", "parse_listing": "listing",
    **dict.fromkeys(("FIELD_NAMES", "GENERIC", "ArticleRecord", "ExtractionError", "NotAnArticle", "RelatedLink"),
                    "record"),
}

__all__ = list(PUBLIC_NAMES)


def __getattr__(name: str):
    if name not in PUBLIC_NAMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{PUBLIC_NAMES[name]}", __name__), name)
    globals()[name] = value
    return value
