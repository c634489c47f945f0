"""Body extraction quality and speed on a benchmark folder, ours beside plain trafilatura.

    python -m benchmarks.extraction --bench DIR [--out predictions.json]

DIR is laid out as the article-extraction-benchmark: ``html/<id>.html.gz`` (or ``.html``)
and ``ground-truth.json`` mapping each id to ``{"articleBody": ..., "url": ...}``.
Each extractor runs over every page in this one process; pages are read and
decompressed before the clock starts, so docs/s is extraction alone.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

from benchmarks.scoring import score_corpus
from extractors import ExtractionError, extract_body

#: The reference configuration the benchmark's README reports for trafilatura.
BASELINE_OPTIONS = {"favor_precision": True, "include_comments": False}


def load_bench(folder: Path) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(truth bodies, page URLs, page HTML) by document id."""
    truth = json.loads((folder / "ground-truth.json").read_text("utf-8"))
    pages: dict[str, str] = {}
    for key in truth:
        packed, plain = folder / "html" / f"{key}.html.gz", folder / "html" / f"{key}.html"
        raw = gzip.decompress(packed.read_bytes()) if packed.exists() else plain.read_bytes()
        pages[key] = raw.decode("utf-8", errors="replace")
    return ({key: entry.get("articleBody") or "" for key, entry in truth.items()},
            {key: entry.get("url") or "" for key, entry in truth.items()}, pages)


def ours(html: str, url: str) -> str:
    try:
        return extract_body(html, url)
    except ExtractionError:
        return ""


def plain_trafilatura(html: str, url: str) -> str:
    return trafilatura.extract(html, url=url, **BASELINE_OPTIONS) or ""


EXTRACTORS: dict[str, Callable[[str, str], str]] = {"potus-crawler": ours, "trafilatura": plain_trafilatura}


def run(extractor: Callable[[str, str], str], pages: dict[str, str], urls: dict[str, str]) -> tuple[dict[str, str], float]:
    started = time.perf_counter()
    bodies = {key: extractor(html, urls[key]) for key, html in pages.items()}
    return bodies, len(pages) / (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench", type=Path, required=True, help="benchmark folder (html/, ground-truth.json)")
    parser.add_argument("--out", type=Path, help="write our predictions here, in the benchmark's format")
    args = parser.parse_args(argv)

    truths, urls, pages = load_bench(args.bench)
    print(f"{len(pages)} pages from {args.bench}")
    print(f"{'extractor':<16} {'F1':>6} {'prec':>6} {'recall':>6} {'exact':>6} {'empty':>6} {'docs/s':>7}")
    rates = {}
    for name, extractor in EXTRACTORS.items():
        bodies, rates[name] = run(extractor, pages, urls)
        score = score_corpus(truths, bodies)
        print(f"{name:<16} {score.f1:6.3f} {score.precision:6.3f} {score.recall:6.3f} {score.accuracy:6.3f} "
              f"{score.empty_predictions:6d} {rates[name]:7.1f}")
        if name == "potus-crawler" and args.out:
            args.out.write_text(json.dumps({key: {"articleBody": body} for key, body in bodies.items()},
                                           ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"speed ratio potus-crawler / trafilatura: {rates['potus-crawler'] / rates['trafilatura']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
