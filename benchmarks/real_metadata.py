"""Title, authors, publication date and topics on real news pages, ours beside the peers.

    python -m benchmarks.real_metadata [BENCH] [--out DIR]

BENCH (default ``../shared/bench/metadata`` from the project root) holds ``pages/<id>.html.gz``,
``expected.json`` and ``score.py``. The extractors take turns on each page in this one process
(pages are read and decompressed before the clock starts), and each one's predictions are written in
``score.py``'s format, our tags as topics; ``score.py`` then scores them all in one table.
newspaper4k is measured when installed (``pip install -e '.[bench]'``). Speed is ms per page,
and as a ratio of trafilatura's pages per second measured in the same run.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import trafilatura

from extractors import ExtractionError, extract

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BENCH = PROJECT_ROOT.parent / "shared" / "bench" / "metadata"

Prediction = dict[str, object]


def ours(html: str, url: str) -> Prediction:
    try:
        record = extract(html, url)
    except ExtractionError:
        return {}
    return {"title": record.title, "authors": record.authors, "published": record.published,
            "topics": record.tags}


def plain_trafilatura(html: str, url: str) -> Prediction:
    document = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    if document is None:
        return {}
    found = document.as_dict()
    authors = [name.strip() for name in (found.get("author") or "").split(";") if name.strip()]
    return {"title": found.get("title"), "authors": authors, "published": found.get("date"),
            "topics": found.get("tags") or []}


def newspaper4k(html: str, url: str) -> Prediction:
    import newspaper

    # Offline: without this it fetches every image for its size, seconds per page in network timeouts.
    config = newspaper.Config()
    config.fetch_images = False
    article = newspaper.Article(url, config=config)
    try:
        article.download(input_html=html)
        article.parse()
    except Exception:  # noqa: BLE001 - it raises bare exceptions on some CJK pages; a crash is a missing page.
        return {}
    published = article.publish_date
    return {"title": article.title, "authors": list(article.authors),
            "published": published.isoformat() if isinstance(published, (date, datetime)) else published,
            # Its tags are the article:tag metas; the keywords meta comes apart in meta_keywords.
            "topics": sorted(article.tags or ()) or list(article.meta_keywords or ())}


def extractors() -> dict[str, Callable[[str, str], Prediction]]:
    found = {"potus-crawler": ours, "trafilatura": plain_trafilatura}
    try:
        import newspaper  # noqa: F401
    except ImportError:
        print("newspaper4k not installed (pip install -e '.[bench]'): not measured")
    else:
        found["newspaper4k"] = newspaper4k
    return found


def load_pages(bench: Path) -> tuple[dict[str, dict], dict[str, str]]:
    """(expected values, page HTML) by page id."""
    expected = json.loads((bench / "expected.json").read_text("utf-8"))
    pages = {key: gzip.decompress((bench / "pages" / f"{key}.html.gz").read_bytes()).decode("utf-8", "replace")
             for key in expected}
    return expected, pages


def run(extractors: dict[str, Callable[[str, str], Prediction]], pages: dict[str, str],
        expected: dict[str, dict]) -> tuple[dict[str, dict[str, Prediction]], dict[str, float]]:
    """Each extractor's predictions by page id, and the seconds each took.

    The extractors take turns page by page: the machine's load, which comes and goes over a run, then
    weighs on each of them alike, and their ratio holds where their separate totals would not.
    """
    predictions: dict[str, dict[str, Prediction]] = {name: {} for name in extractors}
    seconds = dict.fromkeys(extractors, 0.0)
    for key, html in pages.items():
        for name, extractor in extractors.items():
            started = time.perf_counter()
            predictions[name][key] = extractor(html, expected[key]["url"])
            seconds[name] += time.perf_counter() - started
    return predictions, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("bench", type=Path, nargs="?", default=DEFAULT_BENCH,
                        help="benchmark folder (pages/, expected.json, score.py)")
    parser.add_argument("--out", type=Path, help="keep the predictions here (<extractor>.json); default: a temporary folder")
    args = parser.parse_args(argv)

    expected, pages = load_pages(args.bench)
    print(f"{len(pages)} pages from {args.bench}")
    with tempfile.TemporaryDirectory() as scratch:
        out = args.out or Path(scratch)
        out.mkdir(parents=True, exist_ok=True)
        predictions, seconds = run(extractors(), pages, expected)
        files = []
        for name, predicted in predictions.items():
            files.append(out / f"{name}.json")
            files[-1].write_text(json.dumps(predicted, ensure_ascii=False, indent=1, default=str), "utf-8")
        subprocess.run([sys.executable, str(args.bench / "score.py"), str(args.bench / "expected.json"),
                        *map(str, files)], check=True)
    for name, taken in seconds.items():
        print(f"{name:<16} {1000 * taken / len(pages):7.1f} ms/page   "
              f"speed ratio to trafilatura {seconds['trafilatura'] / taken:5.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
