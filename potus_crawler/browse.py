"""``potus-crawler serve``: the database in Datasette, with our titles, help, canned queries and facets.

Datasette keys its metadata by database name (the file's stem), so the metadata kept
as data in ``data/datasette.json`` is put under the served file's name here. Column
help comes from docs/schema.md, the one place each column's meaning is written; the
search query's SQL from queries.py, the one the CLI runs (its function and snippets come
with our Datasette plugin, potus_crawler/datasette_plugin.py).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from potus_crawler.queries import SEARCH_INDEXES, search_sql
from potus_crawler.schema_docs import column_help

if TYPE_CHECKING:
    from datasette.app import Datasette

#: Hits the search page shows at most.
SEARCH_PAGE_ROWS = 100


def datasette_metadata(db_path: Path) -> dict:
    metadata = json.loads((resources.files("potus_crawler") / "data" / "datasette.json").read_text("utf-8"))
    database = metadata.pop("database")
    # Search is for the FTS query; the indexes and the shadow tables behind them are noise to a reader.
    hidden = {f"{index}{suffix}": {"hidden": True} for index in SEARCH_INDEXES
              for suffix in ("", "_data", "_idx", "_docsize", "_config")}
    database["tables"] = {**hidden, **database["tables"]}
    for table, columns in column_help().items():
        database["tables"].setdefault(table, {})["columns"] = columns
    database["queries"]["search"]["sql"] = search_sql(SEARCH_PAGE_ROWS)
    return {**metadata, "databases": {db_path.stem: database}}


def served_datasette(db_path: Path) -> Datasette:
    """Datasette on the database, as ``serve`` runs it."""
    from datasette.app import Datasette

    return Datasette(files=[str(db_path)], metadata=datasette_metadata(db_path),
                     settings={"sql_time_limit_ms": 5000, "default_page_size": 50,
                               # Bodies run to thousands of words: a table of them is unreadable in full.
                               "truncate_cells_html": 300,
                               # A suggestion is a query over every row per column, 50 ms each at the time
                               # limit: 3 s a page at 100,000 articles. The metadata names each table's
                               # facets, and every column's menu still offers "Facet by this".
                               "suggest_facets": False})


def serve(db_path: Path, host: str, port: int) -> None:
    """Serve the database read-only until interrupted."""
    import uvicorn

    uvicorn.run(served_datasette(db_path).app(), host=host, port=port, log_level="warning")
