"""Feeds and sitemaps as the demo site (WordPress 6) and other generators write them."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from extractors import ExtractionError
from extractors.feeds import DatedLink, parse_link_document
from potus_crawler.demo.feeds import POSTS_SITEMAP


def served(site, path: str) -> bytes:
    folder = site.root / path.strip("/")
    return (folder / "index.xml").read_bytes() if folder.is_dir() else folder.read_bytes()


def test_the_site_feed_lists_the_newest_posts_with_their_dates(built_site):
    document = parse_link_document(served(built_site, "/feed/"), "https://potusnews.news/feed/")
    newest = built_site.content.articles[:10]
    assert document.kind == "rss"
    assert document.links == [DatedLink("https://potusnews.news" + a.path, a.published) for a in newest]


def test_a_category_feed_lists_that_category_only(built_site):
    category = built_site.content.categories["innovation"]
    document = parse_link_document(served(built_site, category.path + "feed/"), "https://potusnews.news/")
    assert [link.url for link in document.links] == [
        "https://potusnews.news" + a.path for a in built_site.content.in_category(category)[:10]]


def test_the_sitemap_index_leads_to_every_post_with_its_last_change(built_site):
    index = parse_link_document(served(built_site, "/wp-sitemap.xml"), "https://potusnews.news/wp-sitemap.xml")
    assert index.kind == "sitemapindex"
    assert "https://potusnews.news" + POSTS_SITEMAP in [link.url for link in index.links]
    posts = parse_link_document(served(built_site, POSTS_SITEMAP), "https://potusnews.news" + POSTS_SITEMAP)
    assert posts.kind == "urlset"
    assert posts.links == [DatedLink("https://potusnews.news" + a.path, a.last_modified)
                           for a in built_site.content.articles]


def test_atom_entries_and_relative_links_and_site_timezone():
    atom = ("<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
            "<entry><title>Présidence</title><link rel='replies' href='/a/#comments'/><link href='/a/'/>"
            "<updated>2025-06-11T08:00:00</updated></entry><entry><link href='/a/'/></entry></feed>").encode()
    document = parse_link_document(atom, "https://potusnews.news/feed/atom/", ZoneInfo("America/New_York"))
    assert document.kind == "atom"
    assert document.links == [DatedLink("https://potusnews.news/a/", "2025-06-11T08:00:00-04:00")]


def test_a_truncated_sitemap_still_gives_its_complete_entries():
    truncated = (b"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
                 b"<url><loc>https://potusnews.news/a/</loc><lastmod>2025-06-11</lastmod></url><url><loc>https://pot")
    assert parse_link_document(truncated, "https://potusnews.news/").links[0] == DatedLink(
        "https://potusnews.news/a/", "2025-06-11")


@pytest.mark.parametrize("document", [b"", b"   ", b"<html><body><p>Not found</p></body></html>",
                                      b"\x00\x01binary", b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>"])
def test_anything_else_is_a_clear_error(document):
    with pytest.raises(ExtractionError):
        parse_link_document(document, "https://potusnews.news/feed/")


@pytest.mark.parametrize(("pub_date", "expected"), [
    ("Tue, 25 Nov 2026 07:00:00 +0000", "2026-11-25T07:00:00+00:00"),
    # No zone ("-0000" says "unknown"), or a zone lost in junk: the site's zone, never a naive time.
    ("Tue, 25 Nov 2026 07:00:00 -0000", "2026-11-25T07:00:00-05:00"),
    ("Tue, 25 Nov 2026 07:00:00 ąùó" + "x" * 200, "2026-11-25T07:00:00-05:00"),
])
def test_rss_dates_always_carry_an_offset(pub_date, expected):
    feed = ("<rss version='2.0'><channel><item><link>https://potusnews.news/a/</link>"
            f"<pubDate>{pub_date}</pubDate></item></channel></rss>").encode()
    document = parse_link_document(feed, "https://potusnews.news/feed/", ZoneInfo("America/New_York"))
    assert document.links[0].updated == expected
