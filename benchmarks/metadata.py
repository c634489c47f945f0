"""Field accuracy of the extractor on the demo site and on the stored fixtures.

    python -m benchmarks.metadata [--fixtures tests/fixtures]

The demo site is measured twice: in SmartMag, which the site rules read, and in a
block theme (``potus_crawler.demo.block_theme``), which only the generic path reads.
Every page's record is compared field by field with its expected record (the demo
site's content data; the fixture's expected.json). Prints the share of pages on which
each field is exactly right, and the pages where it is not; for the demo site also
per SmartMag layout, theme option and plugin (a page counts in each it shows).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from extractors import FIELD_NAMES, ExtractionError, extract
from potus_crawler.demo import build_site

REPORTED_FIELDS = ("title", "authors", "published", "published_source", "modified", "categories", "tags",
                   "language", "source_url", "related_links", "body", "description", "image_url")
DEMO_BASE_URL = "https://potusnews.news"


def demo_cases(theme: str) -> Iterator[tuple[str, bytes, dict, list[str]]]:
    """(url, page, expected record, the layout, options and plugins the page shows) of each demo article;
    the variants are SmartMag's, so the block theme's pages show none."""
    with tempfile.TemporaryDirectory() as folder:
        site = build_site(Path(folder), DEMO_BASE_URL, theme=theme)
        expected = site.expected_records
        for article in site.content.articles:
            url = DEMO_BASE_URL + article.path
            page = site.root / article.path.strip("/") / "index.html"
            variants = article.presentation.variants(article) if theme == "smartmag" else []
            yield url, page.read_bytes(), expected[url], variants


def fixture_cases(folder: Path) -> Iterator[tuple[str, bytes, dict, list[str]]]:
    """Generated cases and, in ``checked/``, the hand-checked ones."""
    for expected_file in sorted(folder.glob("*/expected.json")) + sorted(folder.glob("checked/*/expected.json")):
        expected = json.loads(expected_file.read_text("utf-8"))
        if "error" not in expected:
            case = expected_file.parent
            yield str(case.relative_to(folder)), (case / "page.html").read_bytes(), expected, []


def wrong_fields(html: bytes, expected: dict) -> list[str]:
    try:
        record = extract(html, expected["url"]).as_dict()
    except ExtractionError as error:
        record = dict.fromkeys(FIELD_NAMES, f"{type(error).__name__}: {error}")
    return [field for field in REPORTED_FIELDS if record[field] != expected[field]]


def report(name: str, cases: Iterator[tuple[str, bytes, dict, list[str]]]) -> bool:
    """Prints the tables of one set of pages; True when every field of every page is right."""
    wrong: dict[str, list[str]] = {field: [] for field in REPORTED_FIELDS}
    groups: dict[str, list[list[str]]] = defaultdict(list)
    total = 0
    for label, html, expected, variants in cases:
        total += 1
        fields = wrong_fields(html, expected)
        for field in fields:
            wrong[field].append(label)
        for variant in variants:
            groups[variant].append(fields)
    print(f"{name}: {total} pages")
    for field, labels in wrong.items():
        share = (total - len(labels)) / total if total else 0.0
        print(f"  {field:<17} {share:7.1%}" + (f"   wrong on: {', '.join(labels[:5])}" if labels else ""))
    if groups:
        print_by_variant(groups)
    return not any(wrong.values())


def print_by_variant(groups: dict[str, list[list[str]]]) -> None:
    """One row per layout, option or plugin: its page count and each field's share of right pages."""
    width = max(map(len, groups))
    print(f"\n  {'variant':<{width}} pages " + " ".join(f"{field[:8]:>8}" for field in REPORTED_FIELDS))
    for variant in sorted(groups):
        pages = groups[variant]
        shares = (sum(field not in fields for fields in pages) / len(pages) for field in REPORTED_FIELDS)
        print(f"  {variant:<{width}} {len(pages):>5} " + " ".join(f"{share:>8.0%}" for share in shares))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fixtures", type=Path, default=Path(__file__).parent.parent / "tests" / "fixtures")
    args = parser.parse_args(argv)
    all_right = report("demo site", demo_cases("smartmag"))
    # The same site in a theme no site's rules know: what the generic WordPress path keeps.
    all_right = report("demo site, block theme", demo_cases("block")) and all_right
    if args.fixtures.is_dir():
        all_right = report(f"fixtures ({args.fixtures})", fixture_cases(args.fixtures)) and all_right
    return 0 if all_right else 1


if __name__ == "__main__":
    sys.exit(main())
