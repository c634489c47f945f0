"""Schema.org JSON-LD nodes of a page, flattened out of ``@graph`` blocks."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from lxml.html import HtmlElement

#: ``//<![CDATA[`` and ``//]]>``: what XHTML-era templates wrap a script's JSON in.
CDATA_WRAPPER = re.compile(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$")
ARTICLE_TYPES = frozenset({"Article", "NewsArticle", "BlogPosting", "ReportageNewsArticle",
                           "AnalysisNewsArticle", "OpinionNewsArticle", "Report", "LiveBlogPosting"})


def nodes(tree: HtmlElement) -> list[dict]:
    """Every JSON-LD object of the page, in document order; broken blocks are skipped."""
    found: list[dict] = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(CDATA_WRAPPER.sub("", script.text_content() or "") or "null")
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
        # News CMSs nest the article in its page: {"@type": "WebPage", "mainEntity": {"@type": "NewsArticle", …}}.
        yield from _flatten(data.get("mainEntity", []))


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


#: Authors of these types are the outlet, not a person writing for it.
ORGANIZATION_TYPES = frozenset({"Organization", "NewsMediaOrganization", "Corporation", "Brand"})


def by_id(found: list[dict]) -> dict[str, dict]:
    """Nodes that carry an ``@id`` and more than it, by that id: the targets of ``{"@id": …}`` references."""
    return {node["@id"]: node for node in found if isinstance(node.get("@id"), str) and len(node) > 1}


def names(value: object) -> list[str]:
    """Names out of a schema.org person/organization value: a string, an object, or a list of either;
    an object's name may be ``name``, Reuters-style ``byline``, or ``givenName`` with ``familyName``."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        name = value.get("name") or value.get("byline")
        if not name and isinstance(value.get("familyName"), str):
            name = f"{value.get('givenName') or ''} {value['familyName']}".strip()
        return [name] if isinstance(name, str) else []
    if isinstance(value, list):
        return [n for entry in value for n in names(entry)]
    return []


def persons(value: object, graph: dict[str, dict]) -> list[object]:
    """An author value as a list, ``{"@id": …}`` references replaced by the nodes of ``graph`` (see ``by_id``)
    they point to, without organizations: an outlet's brand names no writer."""
    entries = value if isinstance(value, list) else [value]
    resolved = [graph.get(entry.get("@id"), entry) if isinstance(entry, dict) else entry for entry in entries]
    return [entry for entry in resolved if not (isinstance(entry, dict) and types_of(entry) & ORGANIZATION_TYPES)]
