"""docs/schema.md read back as data: the column help Datasette shows, and what the schema tests check.

A schema section is a ``## name`` heading whose section holds a ``| column | type | meaning |
example |`` table and a ``Primary key:`` line; other sections (introduction, example
queries) are prose and ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

#: Where the document lives in a clone of the project; an installed wheel has no docs/.
SCHEMA_DOC = Path(__file__).resolve().parent.parent / "docs" / "schema.md"
COLUMN_TABLE_HEADER = ["column", "type", "meaning", "example"]
BACKTICKED = re.compile(r"`([^`]+)`")
#: A Markdown table cell separator: a pipe not escaped as ``\|``.
CELL_SEPARATOR = re.compile(r"(?<!\\)\|")


@dataclass(frozen=True)
class DocumentedColumn:
    name: str
    type: str
    meaning: str


@dataclass
class SchemaSection:
    name: str
    columns: list[DocumentedColumn] = field(default_factory=list)
    #: Names in the ``Primary key:`` line; None when the section has no such line.
    primary_key: list[str] | None = None


def table_cells(line: str) -> list[str]:
    return [cell.strip().replace("\\|", "|") for cell in CELL_SEPARATOR.split(line.strip().strip("|"))]


def schema_sections(markdown: str) -> list[SchemaSection]:
    """Every ``## name`` section holding a column table, in document order."""
    sections: list[SchemaSection] = []
    current: SchemaSection | None = None
    in_code_block = in_column_table = False
    for line in markdown.splitlines():
        # SQL examples may hold lines that look like headings or table rows.
        if line.startswith("```"):
            in_code_block = not in_code_block
            continue
        if in_code_block:
            continue
        if line.startswith("## "):
            current = SchemaSection(line[3:].strip())
            in_column_table = False
            sections.append(current)
        elif current is None:
            continue
        elif line.startswith("Primary key:"):
            current.primary_key = BACKTICKED.findall(line)
        elif line.startswith("|"):
            cells = table_cells(line)
            if cells == COLUMN_TABLE_HEADER:
                in_column_table = True
            elif in_column_table and not set(cells[0]) <= set("-: "):
                current.columns.append(DocumentedColumn(cells[0].strip("`"), cells[1], cells[2]))
        else:
            in_column_table = False
    return [section for section in sections if section.columns]


def column_help(path: Path = SCHEMA_DOC) -> dict[str, dict[str, str]]:
    """Table or view -> column -> its meaning as plain text; {} where the document is not installed."""
    if not path.is_file():
        return {}
    return {section.name: {column.name: BACKTICKED.sub(r"\1", column.meaning) for column in section.columns}
            for section in schema_sections(path.read_text("utf-8"))}
