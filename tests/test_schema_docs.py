"""docs/schema.md against a freshly migrated database: the analysts' contract stays true.

These tests fail when a migration adds a table, a view or a
column the document does not describe, or when the document describes one that is gone.
"""

from __future__ import annotations

import pytest

from potus_crawler.schema_docs import SCHEMA_DOC, SchemaSection, schema_sections
from potus_crawler.storage import ArticleStore

#: Tables sqlite-utils (applied migrations) and FTS5 (the index's shadow tables) keep for
#: themselves: the document names them without a section.
INTERNAL_TABLES = ("_sqlite_migrations", *(f"{index}_{shadow}" for index in ("articles_fts", "articles_unstemmed_fts")
                                             for shadow in ("data", "idx", "docsize", "config")))


@pytest.fixture(scope="module")
def documented() -> dict[str, SchemaSection]:
    sections = schema_sections(SCHEMA_DOC.read_text("utf-8"))
    names = [section.name for section in sections]
    assert len(names) == len(set(names)), f"sections documented twice: {sorted({n for n in names if names.count(n) > 1})}"
    return {section.name: section for section in sections}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    store = ArticleStore(tmp_path_factory.mktemp("schema") / "x.db")
    yield store.db
    store.close()


@pytest.fixture(scope="module")
def schema_objects(db) -> set[str]:
    """Tables and views analysts query: everything but the internal tables."""
    return set(db.table_names() + db.view_names()) - set(INTERNAL_TABLES)


def test_every_table_and_view_has_a_section(documented, schema_objects):
    assert sorted(schema_objects - documented.keys()) == [], "tables or views without a section"


def test_every_section_names_a_table_or_view(documented, schema_objects):
    assert sorted(documented.keys() - schema_objects) == [], "sections of tables or views that do not exist"


def test_documented_columns_are_the_database_columns(db, documented, schema_objects):
    mismatches = {}
    for name in sorted(schema_objects & documented.keys()):
        listed = [column.name for column in documented[name].columns]
        actual = {column.name for column in db[name].columns}
        problems = {"undocumented": actual - set(listed), "not in the database": set(listed) - actual,
                    "listed twice": {column for column in listed if listed.count(column) > 1}}
        if any(problems.values()):
            mismatches[name] = {problem: sorted(columns) for problem, columns in problems.items() if columns}
    assert mismatches == {}


def test_documented_types_are_the_declared_types(db, documented, schema_objects):
    # Only declared types can be checked: SQLite declares none for a view's computed
    # columns or an FTS5 table's, where the document gives the expression's type in words.
    wrong = {}
    for name in sorted(schema_objects & documented.keys()):
        listed = {column.name: column.type for column in documented[name].columns}
        for column in db[name].columns:
            if column.type and column.name in listed and listed[column.name] != column.type:
                wrong[f"{name}.{column.name}"] = {"documented": listed[column.name], "declared": column.type}
    assert wrong == {}


def test_documented_primary_keys_are_the_database_primary_keys(db, documented, schema_objects):
    views = set(db.view_names())
    wrong = {}
    for name in sorted(schema_objects & documented.keys()):
        # sqlite-utils gives ["rowid"] for a table without a declared key; a view has none.
        actual = [] if name in views else db[name].pks
        if documented[name].primary_key != actual:
            wrong[name] = {"documented": documented[name].primary_key, "actual": actual}
    assert wrong == {}


def test_internal_tables_exist_and_are_mentioned(db):
    # The skip list must stay exact: a name the schema no longer has is to be removed from it.
    text = SCHEMA_DOC.read_text("utf-8")
    assert [name for name in INTERNAL_TABLES if name not in db.table_names()] == []
    assert [name for name in INTERNAL_TABLES if f"`{name}`" not in text] == []
