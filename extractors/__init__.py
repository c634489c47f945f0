"""Pure article extraction: ``extract(html, url) -> ArticleRecord``. Never imports Scrapy."""

from .article import extract, extract_body
from .listing import Listing, parse_listing
from .record import FIELD_NAMES, GENERIC, ArticleRecord, ExtractionError, NotAnArticle, RelatedLink

__all__ = ["FIELD_NAMES", "GENERIC", "ArticleRecord", "ExtractionError", "NotAnArticle", "RelatedLink",
           "Listing", "extract", "extract_body", "parse_listing"]
