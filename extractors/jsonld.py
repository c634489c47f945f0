"""Schema.org JSON-LD nodes of a page, flattened out of ``@graph`` blocks."""

from __future__ import annotations

import json
from collections.abc import Iterator

from lxml.html import HtmlElement

ARTICLE_TYPES = frozenset({"Article", "NewsArticle", "BlogPosting", "ReportageNewsArticle",
                           "AnalysisNewsArticle", "OpinionNewsArticle", "Report", "LiveBlogPosting"})


def nodes(tree: HtmlElement) -> list[dict]:
    """Every JSON-LD object of the page, in document order; broken blocks are skipped."""
    found: list[dict] = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content() or "null")
        except (ValueError, RecursionError):
            # RecursionError: arrays nested thousands deep are no schema.org data either.
            continue
        found.extend(_flatten(data))
    return found


def _flatten(data: object) -> Iterator[dict]:
    if isinstance(data, list):
        for entry in data:
            yield from _flatten(entry)
    elif isinstance(data, dict):
        yield data
        yield from _flatten(data.get("@graph", []))


def types_of(node: dict) -> set[str]:
    kind = node.get("@type", [])
    return {kind} if isinstance(kind, str) else {k for k in kind if isinstance(k, str)}


def first_value(found: list[dict], key: str, types: frozenset[str] | None = None) -> object:
    """The first non-empty ``key`` among nodes of the given types (any type when None)."""
    for node in found:
        if types is not None and not types_of(node) & types:
            continue
        value = node.get(key)
        if value:
            return value
    return None


def names(value: object) -> list[str]:
    """Names out of a schema.org person/organization value: a string, an object, or a list of either."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        name = value.get("name")
        return [name] if isinstance(name, str) else []
    if isinstance(value, list):
        return [n for entry in value for n in names(entry)]
    return []
