"""Write exported article rows as JSON lines or CSV, one row at a time."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import TextIO

from potus_crawler.storage import LINKED_TERMS

FORMATS = ("jsonl", "csv")
#: How a list (authors, categories, tags) is written in one CSV cell.
CSV_LIST_SEPARATOR = "; "


def write(rows: Iterable[dict], out: TextIO, format: str) -> int:
    """Write every row to ``out``; returns how many. Lists arrive as JSON arrays from SQLite."""
    list_fields = [field for field, *_ in LINKED_TERMS]
    writer = None
    count = 0
    for count, row in enumerate(rows, 1):
        lists = {field: json.loads(row[field] or "[]") for field in list_fields}
        if format == "jsonl":
            out.write(json.dumps({**row, **lists}, ensure_ascii=False) + "\n")
            continue
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(row))
            writer.writeheader()
        writer.writerow({**row, **{field: CSV_LIST_SEPARATOR.join(values) for field, values in lists.items()}})
    return count
