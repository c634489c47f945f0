"""Items the spider yields.

Articles are ``extractors.ArticleRecord`` dataclasses: the extractor's record is the
item, so the schema is defined once. A page that could not become an article is a
``PageFailure``, stored with its reason so nothing fails silently.
"""

from __future__ import annotations

from dataclasses import dataclass

from extractors import ArticleRecord


@dataclass
class PageFailure:
    url: str
    #: What went wrong, in words, e.g. "HTTP 500" or "no article text found".
    reason: str
    http_status: int | None = None


__all__ = ["ArticleRecord", "PageFailure"]
