"""Field accuracy of the extractor on the demo site and on the stored fixtures.

    python -m benchmarks.metadata [--fixtures tests/fixtures]

The demo site is measured twice: in SmartMag, which the site rules read, and in a
block theme (``potus_crawler.demo.block_theme``), which only the generic path reads.
Every page's record is compared field by field with its expected record (the demo
site's content data; the fixture's expected.json). Prints the share of pages on which
each field is exactly right, and the pages where it is not.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from extractors import FIELD_NAMES, ExtractionError, extract
from potus_crawler.demo import build_site

REPORTED_FIELDS = ("title", "authors", "published", "published_source", "modified", "categories", "tags",
                   "language", "source_url", "related_links", "body", "description", "image_url")
DEMO_BASE_URL = "https://potusnews.news"


def demo_cases(theme: str) -> Iterator[tuple[str, bytes, dict]]:
    with tempfile.TemporaryDirectory() as folder:
        site = build_site(Path(folder), DEMO_BASE_URL, theme=theme)
        for url, expected in site.expected_records.items():
            page = site.root / url.removeprefix(DEMO_BASE_URL).strip("/") / "index.html"
            yield url, page.read_bytes(), expected


def fixture_cases(folder: Path) -> Iterator[tuple[str, bytes, dict]]:
    for case in sorted(folder.iterdir()):
        expected_file = case / "expected.json"
        if expected_file.exists():
            expected = json.loads(expected_file.read_text("utf-8"))
            if "error" not in expected:
                yield case.name, (case / "page.html").read_bytes(), expected


def report(name: str, cases: Iterator[tuple[str, bytes, dict]]) -> bool:
    """Prints the table of one set of pages; True when every field of every page is right."""
    wrong: dict[str, list[str]] = {field: [] for field in REPORTED_FIELDS}
    total = 0
    for label, html, expected in cases:
        total += 1
        try:
            record = extract(html, expected["url"]).as_dict()
        except ExtractionError as error:
            record = dict.fromkeys(FIELD_NAMES, f"{type(error).__name__}: {error}")
        for field in REPORTED_FIELDS:
            if record[field] != expected[field]:
                wrong[field].append(label)
    print(f"{name}: {total} pages")
    for field, labels in wrong.items():
        share = (total - len(labels)) / total if total else 0.0
        print(f"  {field:<17} {share:7.1%}" + (f"   wrong on: {', '.join(labels[:5])}" if labels else ""))
    return not any(wrong.values())


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
