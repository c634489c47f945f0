"""The demo site's content model: site settings and articles from ``data/*.json``.

Everything a page shows is derived here (listings, related posts, widgets), so the
HTML templates only render and the expected records come from the same source of
truth as the pages, never from the extractor under test.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from itertools import islice
from importlib import resources
from math import ceil

READING_WORDS_PER_MINUTE = 200
EXCERPT_WORDS = 20
DESCRIPTION_MAX_CHARS = 155
RELATED_POSTS = 6
TAG_MARKUP = re.compile(r"<[^>]+>")


def read_data(name: str) -> str:
    return (resources.files(__package__) / "data" / name).read_text("utf-8")


def slugify(name: str) -> str:
    """WordPress's slug for a term name: "U.S. Foreign Policy" -> "u-s-foreign-policy"."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower().replace("’", "")).strip("-")


def plain_text(markup: str) -> str:
    return " ".join(html.unescape(TAG_MARKUP.sub("", markup)).split())


def display_date(iso: str) -> str:
    moment = datetime.fromisoformat(iso)
    return f"{moment:%B} {moment.day}, {moment.year}"


@dataclass(frozen=True)
class Category:
    name: str
    slug: str
    term_id: int
    parent: Category | None = None

    @property
    def path(self) -> str:
        parents = f"{self.parent.slug}/" if self.parent else ""
        return f"/category/{parents}{self.slug}/"


@dataclass(frozen=True)
class Term:
    """A tag or an author: an archive of posts under ``/<base>/<slug>/``."""

    name: str
    base: str

    @property
    def slug(self) -> str:
        return slugify(self.name)

    @property
    def path(self) -> str:
        return f"/{self.base}/{self.slug}/"


@dataclass(frozen=True)
class Presentation:
    """How the theme shows one single post: its layout, the theme options and the plugins at work."""

    #: The single-post layout: "modern", "cover" or "classic".
    layout: str = "modern"
    #: The theme option "Use Modified Date": the header's date item shows the last modification.
    modified_date: bool = False
    #: The category style: "labels" (``cat-labels``) or "text" ("Normal Text", ``post-cat``).
    category_style: str = "labels"
    #: The author item of the header's meta row.
    author_item: bool = True
    #: The theme's own Article JSON-LD (8.x prints it only for posts with a featured image).
    theme_schema: bool = True
    #: "ad-inserter", "wp-automatic", "feed-copy", "inline-related": see ``SmartMagTheme.body_html``.
    plugins: frozenset[str] = frozenset()

    @classmethod
    def from_data(cls, data: dict) -> Presentation:
        return cls(**{**data, "plugins": frozenset(data.get("plugins", ()))})

    def rule_set(self, article: Article) -> str:
        """The SmartMag rules that read the page: its layout's, or the site-wide ones where the theme
        prints no post header (a cover post without a featured image)."""
        return "smartmag-v10" if self.layout == "cover" and not article.image else f"smartmag-v10/{self.layout}"

    def variants(self, article: Article) -> list[str]:
        """What the page shows of the theme's variety, one label each: how benchmarks group pages."""
        header = "no header" if self.layout == "cover" and not article.image else "header"
        labels = [f"layout {self.layout} ({header})"]
        labels += ["option use-modified-date"] if self.modified_date else []
        labels += [f"option category-style {self.category_style}"]
        labels += [] if self.author_item else ["option author-off"]
        labels += ["option co-authors"] if len(article.authors) > 1 else []
        labels += [] if self.theme_schema else ["option no-theme-schema"]
        return labels + [f"plugin {name}" for name in sorted(self.plugins)]


@dataclass
class Article:
    post_id: int
    slug: str
    title: str
    authors: list[Term]
    published: str
    modified: str | None
    categories: list[Category]
    tags: list[Term]
    language: str
    source_url: str | None
    image: dict | None
    blocks: list[dict]
    presentation: Presentation = Presentation()
    related: list[Article] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"/{self.slug}/"

    @property
    def primary_category(self) -> Category:
        return self.categories[0]

    @property
    def last_modified(self) -> str:
        return self.modified or self.published

    @cached_property
    def text_blocks(self) -> list[str]:
        """The body as a reader sees it, one string per block; figures carry no body text."""
        texts: list[str] = []
        for block in self.blocks:
            kind = block["type"]
            if kind == "p":
                texts.append(plain_text(block["html"]))
            elif kind == "h2":
                texts.append(plain_text(block["text"]))
            elif kind in ("ul", "ol"):
                texts.extend(plain_text(item) for item in block["items"])
            elif kind == "blockquote":
                texts.extend(plain_text(p) for p in block["paragraphs"])
        return texts

    @cached_property
    def body(self) -> str:
        return "\n\n".join(self.text_blocks)

    @property
    def word_count(self) -> int:
        return len(self.body.split())

    @property
    def reading_minutes(self) -> int:
        return max(1, ceil(self.word_count / READING_WORDS_PER_MINUTE))

    @property
    def excerpt(self) -> str:
        words = self.text_blocks[0].split()
        return " ".join(words[:EXCERPT_WORDS]) + ("…" if len(words) > EXCERPT_WORDS else "")

    @property
    def description(self) -> str:
        first = self.text_blocks[0]
        if len(first) <= DESCRIPTION_MAX_CHARS:
            return first
        return first[:DESCRIPTION_MAX_CHARS].rsplit(" ", 1)[0] + "…"

    def image_path(self, name: str) -> str:
        moment = datetime.fromisoformat(self.published)
        return f"/wp-content/uploads/{moment:%Y/%m}/{name}"


class DemoContent:
    """Site settings plus articles, newest first, with every listing the site shows."""

    def __init__(self, site: dict, articles: list[dict]):
        self.site = site
        self.name: str = site["name"]
        self.posts_per_page: int = site["posts_per_page"]
        self.load_more_categories = frozenset(site["load_more_categories"])
        #: Load-more buttons that load the next page by script: their link is "#".
        self.script_load_more_categories = frozenset(site["script_load_more_categories"])
        #: Menu entries shown as a mega menu: the category's latest posts inside the main nav.
        self.mega_menu_categories = frozenset(site["mega_menu_categories"])
        #: The mobile menu as the theme prints it: empty, for a script to fill from the main nav.
        self.mobile_menu_in_html: bool = site["mobile_menu_in_html"]
        #: One after the other, by post ID: every layout and option is met on one crawl.
        self.presentations = [Presentation.from_data(data) for data in site["single_posts"]]
        self.categories = self._categories(site["menu"])
        # Post IDs count up from the oldest post, as WordPress assigns them, unless the data fixes one.
        self.raw_articles = [{"post_id": 1000 + len(articles) - index, **raw} for index, raw in enumerate(articles)]
        # By post ID, not by position: a post keeps its presentation when newer posts are published.
        self.articles = [self._article(raw, self.presentations[raw["post_id"] % len(self.presentations)])
                         for raw in self.raw_articles]
        for article in self.articles:
            article.related = self._related(article)

    @classmethod
    def load(cls) -> DemoContent:
        return cls(json.loads(read_data("site.json")), json.loads(read_data("articles.json")))

    def with_changes(self, changed_at: datetime) -> DemoContent:
        """The site after ``data/changes.json``: posts published, one edited, one removed, all at ``changed_at``."""
        changes = json.loads(read_data("changes.json"))
        edit = changes["edit"]
        newest_id = max(raw["post_id"] for raw in self.raw_articles)
        published = [
            {**raw, "post_id": newest_id + len(changes["new_posts"]) - index, "modified": None,
             "published": (changed_at - timedelta(minutes=index)).replace(microsecond=0).isoformat()}
            for index, raw in enumerate(changes["new_posts"])
        ]
        kept = [
            {**raw, "body": raw["body"] + edit["append"],
             "modified": changed_at.replace(microsecond=0).isoformat()} if raw["slug"] == edit["slug"] else raw
            for raw in self.raw_articles if raw["slug"] != changes["remove"]
        ]
        return DemoContent(self.site, published + kept)

    @staticmethod
    def _categories(menu: list[dict]) -> dict[str, Category]:
        categories: dict[str, Category] = {}
        for entry in menu:
            parent = Category(entry["name"], entry["slug"], term_id=len(categories) + 2)
            categories[parent.slug] = parent
            for child in entry["children"]:
                categories[child["slug"]] = Category(
                    child["name"], child["slug"], term_id=len(categories) + 2, parent=parent
                )
        return categories

    def _article(self, raw: dict, presentation: Presentation) -> Article:
        return Article(
            post_id=raw["post_id"],
            slug=raw["slug"],
            title=raw["title"],
            authors=[Term(name, "author") for name in raw["authors"]],
            published=raw["published"],
            modified=raw["modified"],
            categories=[self.categories[slug] for slug in raw["categories"]],
            tags=[Term(name, "tag") for name in raw["tags"]],
            language=raw["language"],
            source_url=raw["source_url"],
            image=raw["image"],
            blocks=raw["body"],
            presentation=presentation,
        )

    def _related(self, article: Article) -> list[Article]:
        """SmartMag's default: newest posts sharing the primary category, then the newest overall."""
        # Lazy scans: a site of thousands of posts finds six in its first few dozen.
        same = (a for a in self.articles if a is not article and article.primary_category in a.categories)
        related = list(islice(same, RELATED_POSTS))
        rest = (a for a in self.articles if a is not article and a not in related)
        return related + list(islice(rest, RELATED_POSTS - len(related)))

    def in_category(self, category: Category) -> list[Article]:
        """A category archive lists its own posts and those of its child categories."""
        return [
            a for a in self.articles
            if any(c is category or c.parent is category for c in a.categories)
        ]

    def with_tag(self, tag: Term) -> list[Article]:
        return [a for a in self.articles if tag in a.tags]

    def by_author(self, author: Term) -> list[Article]:
        return [a for a in self.articles if author in a.authors]

    @cached_property
    def tags(self) -> list[Term]:
        return sorted({t for a in self.articles for t in a.tags}, key=lambda t: t.slug)

    @cached_property
    def authors(self) -> list[Term]:
        return sorted({t for a in self.articles for t in a.authors}, key=lambda t: t.slug)

    def pages(self, posts: list[Article]) -> list[list[Article]]:
        size = self.posts_per_page
        return [posts[start:start + size] for start in range(0, len(posts), size)] or [[]]

    @property
    def whats_hot(self) -> list[Article]:
        return self.articles[:3]

    @property
    def featured(self) -> list[Article]:
        """The block repeated on top of every archive page."""
        return self.articles[:3]

    @property
    def editors_picks(self) -> list[Article]:
        return self.articles[10:14]

    @property
    def our_picks(self) -> list[Article]:
        return self.articles[:7]

    def sidebar(self, category: Category) -> list[Article]:
        return self.in_category(category)[:4]

    def expected_record(self, article: Article, base_url: str) -> dict:
        """The record a perfect extractor returns for this article's page."""
        return {
            "url": base_url + article.path,
            "title": article.title,
            "body": article.body,
            "authors": [a.name for a in article.authors],
            "published": article.published,
            "published_raw": article.published,
            # The theme's JSON-LD carries both dates, and it outranks every other source.
            "published_source": "json-ld",
            "published_precision": "instant",
            "modified": article.last_modified,
            "modified_raw": article.last_modified,
            "modified_source": "json-ld",
            "modified_precision": "instant",
            "categories": [c.name for c in article.categories],
            "tags": [t.name for t in article.tags],
            "language": article.language,
            "related_links": [
                {"url": base_url + r.path, "title": r.title, "published": r.published}
                for r in article.related
            ],
            "source_url": article.source_url,
            "image_url": base_url + article.image_path(article.image["file"]) if article.image else None,
            "description": article.description,
            "word_count": article.word_count,
            # The demo renders SmartMag 10: its rules for the page's layout, never the generic path, read every page.
            "extracted_with": article.presentation.rule_set(article),
        }
