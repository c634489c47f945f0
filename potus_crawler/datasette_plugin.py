"""Datasette plugin (the ``datasette`` entry point in pyproject.toml): what the canned search query needs.

It registers queries.search_match, so that the search page reads what a user types as the CLI
does (a prefix query on the unstemmed index, an empty box as no rows rather than an FTS5 syntax
error), and draws the snippets' hit markers as <mark> in text it has escaped.
"""

from __future__ import annotations

import sqlite3

from datasette import hookimpl
from markupsafe import Markup, escape

from potus_crawler.queries import MATCH_FUNCTION, SNIPPET_COLUMN, mark_hits, search_match


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.create_function(MATCH_FUNCTION, 2, search_match, deterministic=True)


@hookimpl
def render_cell(value: object, column: str, table: str | None) -> Markup | None:
    """The snippet column of a query's results (table None), escaped, its hits marked; other cells as Datasette draws them."""
    if table is not None or column != SNIPPET_COLUMN or not isinstance(value, str):
        return None
    return Markup(mark_hits(str(escape(value)), "<mark>", "</mark>"))
