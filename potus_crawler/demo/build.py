"""Write the demo site as static files, laid out the way WordPress answers URLs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .content import DemoContent
from .templates import SmartMagTheme

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
    #: Paths the loopback server answered, in order; empty for a site that is not served.
    paths_served: list[str] = field(default_factory=list)

    @property
    def expected_records(self) -> dict[str, dict]:
        """Every article's expected record, keyed by its canonical URL."""
        records = (self.content.expected_record(a, self.base_url) for a in self.content.articles)
        return {record["url"]: record for record in records}


def write_page(root: Path, path: str, html: str) -> None:
    target = root / path.strip("/") / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")


def build_site(root: Path, base_url: str, content: DemoContent | None = None) -> DemoSite:
    content = content or DemoContent.load()
    theme = SmartMagTheme(content, base_url)
    root.mkdir(parents=True, exist_ok=True)
    (root / "robots.txt").write_text(ROBOTS_TXT.format(base=theme.base), encoding="utf-8")

    for article in content.articles:
        write_page(root, article.path, theme.article_page(article))

    first_category = next(iter(content.categories.values()))
    archives = [("/", "Latest News", content.name, "home blog", content.articles, first_category, "h4", False)]
    for category in content.categories.values():
        archives.append((category.path, f'Browsing: <span>{category.name}</span>', category.name,
                         f"archive category category-{category.slug} category-{category.term_id}",
                         content.in_category(category), category, "h2", category.slug in content.load_more_categories))
    for tag in content.tags:
        archives.append((tag.path, f'Tag: <span>{tag.name}</span>', tag.name, f"archive tag tag-{tag.slug}",
                         content.with_tag(tag), first_category, "h2", False))
    for author in content.authors:
        archives.append((author.path, f'Author: <span>{author.name}</span>', author.name,
                         f"archive author author-{author.slug}", content.by_author(author), first_category, "h2", False))

    for path, heading, title, body_class, posts, sidebar, heading_tag, load_more in archives:
        pages = content.pages(posts)
        for number in range(1, len(pages) + 1):
            page_path = path if number == 1 else f"{path}page/{number}/"
            write_page(root, page_path, theme.archive_page(
                path=path, page=number, pages=pages, heading=heading, title=title, body_class=body_class,
                load_more=load_more, sidebar_category=sidebar, heading_tag=heading_tag))

    write_page(root, "/about-us/", theme.static_page("About Us", ABOUT_US))
    return DemoSite(root=root, base_url=theme.base, content=content)
