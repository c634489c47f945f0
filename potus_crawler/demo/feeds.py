"""The demo site's RSS feeds and core WordPress sitemaps, as WordPress 6 renders them."""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

from .content import Article, DemoContent

FEED_ITEMS = 10
SITEMAP_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
#: What WordPress core lists in /wp-sitemap.xml besides the posts; a crawler must pick the posts out.
OTHER_SITEMAPS = ("/wp-sitemap-posts-page-1.xml", "/wp-sitemap-taxonomies-category-1.xml",
                  "/wp-sitemap-taxonomies-post_tag-1.xml", "/wp-sitemap-users-1.xml")
POSTS_SITEMAP = "/wp-sitemap-posts-post-1.xml"


def rfc822(iso: str) -> str:
    return format_datetime(datetime.fromisoformat(iso))


def rss_feed(content: DemoContent, base: str, *, title: str, path: str, articles: list[Article]) -> str:
    items = "".join(f"""
	<item>
		<title>{escape(article.title)}</title>
		<link>{base}{article.path}</link>
		<comments>{base}{article.path}#respond</comments>
		<dc:creator><![CDATA[{article.authors[0].name}]]></dc:creator>
		<pubDate>{rfc822(article.published)}</pubDate>
{"".join(f"		<category><![CDATA[{c.name}]]></category>{chr(10)}" for c in article.categories)}\
		<guid isPermaLink="false">{base}/?p={article.post_id}</guid>
		<description><![CDATA[{article.excerpt}]]></description>
	</item>""" for article in articles[:FEED_ITEMS])
    newest = articles[0].last_modified if articles else "2025-01-01T00:00:00+00:00"
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:atom="http://www.w3.org/2005/Atom"
	xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">
<channel>
	<title>{escape(title)}</title>
	<atom:link href="{base}{path}feed/" rel="self" type="application/rss+xml" />
	<link>{base}{path}</link>
	<description>{escape(content.site["tagline"])}</description>
	<lastBuildDate>{rfc822(newest)}</lastBuildDate>
	<language>en-US</language>
	<sy:updatePeriod>hourly</sy:updatePeriod>
	<sy:updateFrequency>1</sy:updateFrequency>
	<generator>https://wordpress.org/?v=6.7.2</generator>{items}
</channel>
</rss>
"""


def sitemap_index(base: str) -> str:
    entries = "".join(f"<sitemap><loc>{base}{path}</loc></sitemap>" for path in (POSTS_SITEMAP, *OTHER_SITEMAPS))
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<?xml-stylesheet type="text/xsl" '
            f'href="{base}/wp-sitemap-index.xsl" ?>\n<sitemapindex xmlns="{SITEMAP_NAMESPACE}">{entries}</sitemapindex>\n')


def url_set(base: str, entries: list[tuple[str, str | None]]) -> str:
    """A sitemap of ``(path, lastmod)`` pairs."""
    urls = "".join(f"<url><loc>{base}{path}</loc>" + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "") + "</url>"
                   for path, lastmod in entries)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<?xml-stylesheet type="text/xsl" '
            f'href="{base}/wp-sitemap.xsl" ?>\n<urlset xmlns="{SITEMAP_NAMESPACE}">{urls}</urlset>\n')
