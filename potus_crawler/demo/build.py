"""Write the demo site as static files, laid out the way WordPress answers URLs.

Building again into the same folder (after ``DemoContent.with_changes``) rewrites only
the files whose text changed and deletes those of removed posts, so the server's
``Last-Modified`` and ``ETag`` change exactly where WordPress's would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from extractors import GENERIC

from . import feeds
from .block_theme import BlockTheme
from .content import DemoContent
from .templates import SmartMagTheme

#: The themes a demo site can be rendered in, by name.
THEMES = {"smartmag": SmartMagTheme, "block": BlockTheme}
#: The rule set that must extract a theme's pages when it is not the content's own (SmartMag's):
#: no site's rules know the block theme, the generic WordPress path reads it.
EXTRACTED_WITH = {"block": GENERIC}

ROBOTS_TXT = """User-agent: *
Disallow: /wp-admin/
Allow: /wp-admin/admin-ajax.php

Sitemap: {base}/wp-sitemap.xml
"""
ABOUT_US = [
    "POTUS News collects reporting on the presidency, the White House and the wider U.S. government "
    "from outlets across the country and the world, and links every story back to its original source.",
    "We publish around the clock. Corrections and takedown requests go to the editors through the contact page.",
]


@dataclass
class DemoSite:
    """A built demo site: where it lives, where it is served, and what a crawl must find."""

    root: Path
    base_url: str
    content: DemoContent
    #: The name of the theme the pages are rendered in (a key of ``THEMES``).
    theme: str = "smartmag"
    #: Paths the loopback server answered, in order; empty for a site that is not served.
    paths_served: list[str] = field(default_factory=list)

    @property
    def expected_records(self) -> dict[str, dict]:
        """Every article's expected record, keyed by its canonical URL."""
        records = (self.content.expected_record(a, self.base_url) for a in self.content.articles)
        rule_set = EXTRACTED_WITH.get(self.theme)
        return {record["url"]: {**record, "extracted_with": rule_set} if rule_set else record for record in records}

    def apply_changes(self, changed_at: datetime) -> DemoContent:
        """Publish ``data/changes.json`` on the served site; returns the content before the changes."""
        before = self.content
        self.content = before.with_changes(changed_at)
        build_site(self.root, self.base_url, self.content, theme=self.theme)
        return before


class SiteWriter:
    """Writes files under ``root``, leaving those whose text is unchanged untouched."""

    def __init__(self, root: Path):
        self.root = root
        self.written: set[Path] = set()

    def write(self, relative: str, text: str) -> None:
        target = self.root / relative
        self.written.add(target)
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def page(self, path: str, html: str) -> None:
        self.write(f"{path.strip('/')}/index.html".lstrip("/"), html)

    def feed(self, path: str, xml: str) -> None:
        """WordPress answers ``<path>feed/``; the server gives a folder's ``index.xml`` for it."""
        self.write(f"{path.strip('/')}/feed/index.xml".lstrip("/"), xml)

    def remove_unwritten(self) -> None:
        """Files of an earlier build that this one did not write: the pages of removed posts."""
        for stale in [p for p in self.root.rglob("*") if p.is_file() and p not in self.written]:
            stale.unlink()
        for folder in sorted((p for p in self.root.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
            if not any(folder.iterdir()):
                folder.rmdir()


def build_site(root: Path, base_url: str, content: DemoContent | None = None, *,
               term_archives: bool = True, theme: str = "smartmag") -> DemoSite:
    """Write the site in ``theme`` (a key of ``THEMES``); without ``term_archives`` no tag or author archive
    (the crawler never reads them)."""
    content = content or DemoContent.load()
    renderer = THEMES[theme](content, base_url)
    root.mkdir(parents=True, exist_ok=True)
    files = SiteWriter(root)
    files.write("robots.txt", ROBOTS_TXT.format(base=renderer.base))

    for article in content.articles:
        files.page(article.path, renderer.article_page(article))
    files.write("wp-sitemap.xml", feeds.sitemap_index(renderer.base))
    files.write(feeds.POSTS_SITEMAP.lstrip("/"), feeds.url_set(
        renderer.base, [(a.path, a.last_modified) for a in content.articles]))
    files.write(feeds.OTHER_SITEMAPS[0].lstrip("/"), feeds.url_set(renderer.base, [("/about-us/", None)]))
    files.write(feeds.OTHER_SITEMAPS[1].lstrip("/"), feeds.url_set(
        renderer.base, [(c.path, None) for c in content.categories.values()]))
    files.write(feeds.OTHER_SITEMAPS[2].lstrip("/"), feeds.url_set(renderer.base, [(t.path, None) for t in content.tags]))
    files.write(feeds.OTHER_SITEMAPS[3].lstrip("/"), feeds.url_set(
        renderer.base, [(a.path, None) for a in content.authors]))
    files.feed("/", feeds.rss_feed(content, renderer.base, title=content.name, path="/", articles=content.articles))
    for category in content.categories.values():
        files.feed(category.path, feeds.rss_feed(content, renderer.base, title=f"{content.name} » {category.name}",
                                                 path=category.path, articles=content.in_category(category)))

    first_category = next(iter(content.categories.values()))
    archives = [("/", "Latest News", content.name, "home blog", content.articles, first_category, "h4", False, False)]
    for category in content.categories.values():
        archives.append((category.path, f'Browsing: <span>{category.name}</span>', category.name,
                         f"archive category category-{category.slug} category-{category.term_id}",
                         content.in_category(category), category, "h2", category.slug in content.load_more_categories,
                         category.slug in content.script_load_more_categories))
    for tag in content.tags if term_archives else ():
        archives.append((tag.path, f'Tag: <span>{tag.name}</span>', tag.name, f"archive tag tag-{tag.slug}",
                         content.with_tag(tag), first_category, "h2", False, False))
    for author in content.authors if term_archives else ():
        archives.append((author.path, f'Author: <span>{author.name}</span>', author.name,
                         f"archive author author-{author.slug}", content.by_author(author), first_category, "h2", False, False))

    for path, heading, title, body_class, posts, sidebar, heading_tag, load_more, by_script in archives:
        pages = content.pages(posts)
        for number in range(1, len(pages) + 1):
            page_path = path if number == 1 else f"{path}page/{number}/"
            files.page(page_path, renderer.archive_page(
                path=path, page=number, pages=pages, heading=heading, title=title, body_class=body_class,
                load_more=load_more, by_script=by_script, sidebar_category=sidebar, heading_tag=heading_tag))

    files.page("/about-us/", renderer.static_page("About Us", ABOUT_US))
    files.remove_unwritten()
    return DemoSite(root=root, base_url=renderer.base, content=content, theme=theme)
