"""Write ``tests/fixtures/<case>/``: a page of the demo site and its expected record, side by side.

Expected records come from the demo site's content data, never from the extractor,
so a fixture test checks the extractor against what the page really says. Cases are
added or rewritten, never deleted; ``fixtures/checked/`` (hand-checked) is never touched.

    python tests/write_fixtures.py
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

from potus_crawler.demo import build_site
from potus_crawler.demo.content import Article, DemoContent

FIXTURES = Path(__file__).parent / "fixtures"
BASE_URL = "https://potusnews.news"


def has_block(kind: str):
    return lambda article: any(block["type"] == kind for block in article.blocks)


#: case name -> how to pick the first article that shows it.
ARTICLE_CASES = {
    "article-latest": lambda article: True,
    "article-spanish": lambda article: article.language == "es",
    # The header shows both dates (with "Use Modified Date" it shows the modification only).
    "article-updated": lambda article: article.modified is not None and not article.presentation.modified_date,
    "article-no-source-link": lambda article: article.source_url is None,
    "article-second-author": lambda article: [a.name for a in article.authors] != ["potus"] and len(article.authors) == 1,
    "article-co-authored": lambda article: len(article.authors) > 1,
    "article-figure": has_block("figure"),
    "article-list": lambda article: has_block("ul")(article) or has_block("ol")(article),
    "article-blockquote": has_block("blockquote"),
    "article-inline-link": lambda article: any("<a " in block.get("html", "") for block in article.blocks),
    "article-layout-cover": lambda article: article.presentation.layout == "cover" and article.image is not None,
    "article-layout-cover-no-image": lambda article: article.presentation.layout == "cover" and article.image is None,
    "article-layout-classic": lambda article: article.presentation.layout == "classic",
    "article-use-modified-date": lambda article: article.presentation.modified_date,
    "article-author-item-off": lambda article: not article.presentation.author_item,
    "article-category-style-text": lambda article: article.presentation.category_style == "text",
    "article-ad-inserter": lambda article: "ad-inserter" in article.presentation.plugins,
    "article-feed-copy": lambda article: "feed-copy" in article.presentation.plugins,
}
#: Pages of the site that are not articles: case name -> path.
OTHER_PAGES = {
    "not-article-category": "/category/white-house-news/",
    "not-article-category-page-2": "/category/white-house-news/page/2/",
    "not-article-home": "/",
    "not-article-about": "/about-us/",
}


def pick(content: DemoContent, case: str, taken: set[str]) -> Article:
    """The first article that shows the case and is not another case's page already."""
    if case == "article-short":
        return min(content.articles, key=lambda article: article.word_count)
    return next(article for article in content.articles
                if ARTICLE_CASES[case](article) and article.slug not in taken)


def write_case(name: str, page: Path, expected: dict) -> None:
    folder = FIXTURES / name
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(page, folder / "page.html")
    (folder / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        site = build_site(Path(folder), BASE_URL)
        taken: set[str] = set()
        for case in ["article-short", *ARTICLE_CASES]:
            article = pick(site.content, case, taken)
            taken.add(article.slug)
            write_case(case, site.root / article.slug / "index.html",
                       site.content.expected_record(article, BASE_URL))
        for case, path in OTHER_PAGES.items():
            write_case(case, site.root / path.strip("/") / "index.html",
                       {"url": BASE_URL + path, "error": "NotAnArticle"})
    print(f"wrote {len(ARTICLE_CASES) + 1 + len(OTHER_PAGES)} fixtures under {FIXTURES}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
