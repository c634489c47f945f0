"""Write the stored articles as JSON lines or CSV, streamed: one article at a time in memory."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import TextIO

from potus_crawler import queries
from potus_crawler.lean_sqlite_utils import Database

FORMATS = ("jsonl", "csv")
#: How a list (authors, categories, tags) is written in one CSV cell.
CSV_LIST_SEPARATOR = "; "


def write(db: Database, out: TextIO, format: str, since: str | None = None, category: str | None = None) -> int:
    """Write the articles ``queries.export_rows`` selects to ``out``; returns how many."""
    if format == "jsonl":
        return write_lines(queries.export_json_objects(db, since, category), out)
    return write_csv(queries.export_rows(db, since, category), out)


def write_lines(lines: Iterable[str], out: TextIO) -> int:
    count = 0
    for count, line in enumerate(lines, 1):
        out.write(line)
        out.write("\n")
    return count


def write_csv(rows: Iterable[dict], out: TextIO) -> int:
    """Rows of ``queries.export_rows`` as CSV with a header; lists, JSON arrays there, joined in one cell."""
    writer = None
    count = 0
    for count, row in enumerate(rows, 1):
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(row))
            writer.writeheader()
        writer.writerow({**row, **{field: CSV_LIST_SEPARATOR.join(json.loads(row[field] or "[]"))
                                   for field in queries.LIST_FIELDS}})
    return count
