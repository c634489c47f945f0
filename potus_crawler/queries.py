"""Read-only questions analysts ask of the database: what is in it, full-text search, exports.

Exports read through a cursor and yield rows one at a time, so an export of the whole
database runs in constant memory. Search reads whatever a user types as a valid FTS5 query
(fts_query), the same way for the CLI and for Datasette's search page (search_match).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from potus_crawler.lean_sqlite_utils import Database
from potus_crawler.monitor import stored_fill_rates
from potus_crawler.storage import LINKED_TERMS

#: Article columns an export writes; the lists of LINKED_TERMS (authors, categories, tags) follow them.
EXPORT_COLUMNS = ("url", "title", "published", "modified", "category", "language", "source_url", "source_domain",
                  "image_url", "description", "word_count", "body", "first_seen", "last_checked", "found_by")
#: Fields an export writes as lists: the linked terms' names.
LIST_FIELDS = tuple(field for field, *_ in LINKED_TERMS)
SNIPPET_WORDS = 16
#: The search indexes over articles' title and body (storage's migrations make them): stemmed, so
#: "immigrants" finds "immigrant"; and unstemmed, where a prefix matches the words as written.
STEMMED_INDEX, UNSTEMMED_INDEX = "articles_fts", "articles_unstemmed_fts"
SEARCH_INDEXES = (STEMMED_INDEX, UNSTEMMED_INDEX)
#: Columns of both indexes, the ones a column filter (``title:word``) may name.
SEARCH_COLUMNS = ("title", "body")
#: FTS5's operators; only uppercase ones are operators, as in FTS5.
OPERATORS = ("AND", "OR", "NOT")
#: What a user types, in FTS5's pieces: a "phrase" (its closing quote optional) with its prefix
#: stars, a parenthesis, or a bareword (anything up to a blank, a quote or a parenthesis).
QUERY_PIECE = re.compile(r'"(?P<phrase>[^"]*)"?(?P<phrase_prefix>\*+)?|(?P<paren>[()])|(?P<word>[^\s"()]+)')
#: The search SQL's function that gives each index the query it is to match (see search_match).
MATCH_FUNCTION = "search_match"
#: A valid FTS5 query that matches nothing: an empty phrase.
MATCHES_NOTHING = '""'
#: Snippets mark hits with control characters no article text holds (the HTML parser drops them), so each
#: reader draws them its own way: the CLI with [ ], Datasette with <mark> once the text is escaped.
HIT_START, HIT_END = "\x02", "\x03"
HIT = re.compile(f"{HIT_START}(.*?){HIT_END}", re.DOTALL)
SNIPPET_COLUMN = "snippet"


def search_branch(index: str, limit: int) -> str:
    """The ``limit`` best hits of the search on one index, with the rank search_sql orders their union by.

    Ordered and limited here, where FTS5 gives the hits in rank order itself: the snippets are then made
    for the hits shown only, not for each of the thousands a common word matches before a sort.
    """
    return (f"select * from (select a.published, a.title, snippet({index}, 1, char({ord(HIT_START)}), "
            f"char({ord(HIT_END)}), '…', {SNIPPET_WORDS}) as {SNIPPET_COLUMN}, a.url, {index}.rank as rank "
            f"from {index} join articles a on a.rowid = {index}.rowid "
            f"where {index} match {MATCH_FUNCTION}(:q, '{index}') and a.gone_since is null "
            f"order by {index}.rank limit {limit:d})")


def search_sql(limit: int) -> str:
    """The ``limit`` articles best matching the search ``:q``, best first: the CLI's and Datasette's search
    query. Both indexes are asked; search_match gives all but the query's own index a query matching nothing."""
    return (f"select published, title, {SNIPPET_COLUMN}, url from ("
            + " union all ".join(search_branch(index, limit) for index in SEARCH_INDEXES)
            + f") order by rank limit {limit:d}")


def scalar(db: Database, sql: str) -> int | str | None:
    return db.execute(sql).fetchone()[0]


def headline_figures(db: Database) -> dict:
    """The figures at the top of the page. Counts are of articles still on the site (not gone) unless named."""
    # One pass over the index of the articles' short columns (idx_articles_current), not over their rows.
    current = next(db.query(
        "select count(*) as articles, count(distinct source_domain) as sources, "
        "count(distinct language) as languages, substr(min(published), 1, 10) as first_published, "
        "substr(max(published), 1, 10) as last_published from articles where gone_since is null"))
    figures = {
        "articles": current["articles"],
        "gone": scalar(db, "select count(*) from articles where gone_since is not null"),
        "revisions": scalar(db, "select count(*) from article_revisions"),
    }
    # Terms in use by stored articles: the term tables also keep names only gone or edited articles had.
    # Asked per term (a few hundred), each stopping at its first article on the site.
    for _field, terms, links, column in LINKED_TERMS:
        figures[terms] = scalar(db, f"select count(*) from [{terms}] t where exists (select 1 from [{links}] l "
                                    f"join articles a on a.url = l.article_url where l.{column} = t.id "
                                    "and a.gone_since is null)")
    figures.update({name: current[name] for name in ("sources", "languages", "first_published", "last_published")})
    figures["fill_rates"] = stored_fill_rates(db)
    figures["last_run"] = next(db.query(
        "select id, started, status, requests, articles_new as new, articles_updated as updated, "
        "articles_unchanged as unchanged from crawl_runs order by id desc limit 1"), None)
    return figures


def last_runs(db: Database, limit: int = 5) -> list[dict]:
    return list(db.query(
        "select id, started, finished, status, requests, articles_new, articles_updated, articles_unchanged, "
        "articles_gone, failures, problems from crawl_runs order by id desc limit ?", [limit]))


class NoSearchableWord(ValueError):
    """The text holds no word to search for: it is empty, blank, or only punctuation and operators."""


class Phrase(NamedTuple):
    """Words to find together, in FTS5's sense; ``prefix`` when the last may be the start of a longer one."""

    words: str
    prefix: bool

    def __str__(self) -> str:
        # The text holds no double quote (QUERY_PIECE ends a phrase or a bareword at one), so none to double.
        return f'"{self.words}"' + ("*" if self.prefix else "")


class ColumnFilter(NamedTuple):
    """``title:`` or ``body:``, for the operand that follows."""

    column: str


@dataclass(frozen=True)
class FtsQuery:
    """A user's search as an FTS5 query, and the index it is to run on."""

    expression: str
    has_prefix: bool

    @property
    def index(self) -> str:
        # The stemmed index holds "immigr" for "immigration": a prefix the reader typed would match
        # only where it happens to be the start of a stem.
        return UNSTEMMED_INDEX if self.has_prefix else STEMMED_INDEX


def searchable(text: str) -> bool:
    """Whether FTS5's unicode61 tokenizer finds a word in ``text``: its word characters are letters,
    digits and private-use characters (Unicode categories L*, N*, Co); every other one separates words."""
    return any(unicodedata.category(character)[0] in "LN" or unicodedata.category(character) == "Co"
               for character in text)


def query_pieces(text: str) -> Iterator[Phrase | ColumnFilter | str]:
    """Phrases, column filters, operators and parentheses of ``text``; words with nothing searchable dropped."""
    # FTS5 reads a NUL as the end of the query.
    for piece in QUERY_PIECE.finditer(text.replace("\0", " ")):
        if piece["paren"]:
            yield piece["paren"]
        elif piece["word"] in OPERATORS:
            yield piece["word"]
        elif piece["word"] is not None:
            column, colon, word = piece["word"].partition(":")
            if colon and column.lower() in SEARCH_COLUMNS:
                yield ColumnFilter(column.lower())
            else:
                word = piece["word"]
            if searchable(word):
                yield Phrase(word.rstrip("*"), word.endswith("*"))
        elif searchable(piece["phrase"]):
            yield Phrase(piece["phrase"], bool(piece["phrase_prefix"]))


def balanced(pieces: list) -> list:
    """The pieces without the parentheses that have no partner."""
    open_at, unmatched = [], set()
    for position, piece in enumerate(pieces):
        if piece == "(":
            open_at.append(position)
        elif piece == ")":
            if open_at:
                open_at.pop()
            else:
                unmatched.add(position)
    unmatched.update(open_at)
    return [piece for position, piece in enumerate(pieces) if position not in unmatched]


def group_expression(pieces: Iterator) -> str | None:
    """The FTS5 expression of the pieces up to the end of this group (its ")" or the end): operators between
    operands only, each operand with the filter just before it; None when the group holds no phrase."""
    expression: list[str] = []
    operator = column = None
    for piece in pieces:
        if piece == ")":
            break
        if piece in OPERATORS:
            # Of doubled operators the last counts ("AND NOT" means NOT); a filter before one is dangling.
            operator, column = piece, None
            continue
        if isinstance(piece, ColumnFilter):
            column = piece.column
            continue
        operand = str(piece) if isinstance(piece, Phrase) else group_expression(pieces)
        if operand is None:
            continue
        if piece == "(":
            operand = f"({operand})"
        if column:
            operand = f"{column}:{operand}"
        if expression:
            # FTS5 has an implicit AND between phrases, but not next to a parenthesis.
            expression.append(operator or "AND")
        # An operator before the first operand, or one left at the end, has nothing to join: dropped.
        expression.append(operand)
        operator = column = None
    return " ".join(expression) or None


def fts_query(text: str) -> FtsQuery:
    """What a user typed as a valid FTS5 query, keeping what FTS5 users expect.

    Kept: "phrases" (an unterminated quote is closed), ``prefix*``, AND / OR / NOT (uppercase, as in
    FTS5), parentheses, and column filters ``title:`` / ``body:`` before a word, phrase or parenthesis.
    Every other word is quoted, so ``Biden's``, ``U.S.``, ``foo:bar`` or ``^`` are searched as words.
    Dropped: parentheses without a partner, operators with nothing to join (``OR senate``, ``senate
    NOT``), filters with nothing to filter, and pieces with no letter or digit. ``NoSearchableWord``
    when nothing is left.
    """
    pieces = balanced(list(query_pieces(text)))
    phrases = [piece for piece in pieces if isinstance(piece, Phrase)]
    if not phrases:
        raise NoSearchableWord(f"no searchable word in {text!r}: give a word, \"a phrase\" or a prefix*")
    return FtsQuery(group_expression(iter(pieces)), has_prefix=any(phrase.prefix for phrase in phrases))


def search_match(text: str | None, index: str) -> str:
    """The query search_sql's ``index match`` gets for the search ``text``: the user's query on the index it
    belongs on, one matching nothing on the other. Text with no searchable word matches nothing either, so
    Datasette's search page, which runs before anything is typed, shows no rows rather than an error."""
    try:
        query = fts_query(text or "")
    except NoSearchableWord:
        return MATCHES_NOTHING
    return query.expression if query.index == index else MATCHES_NOTHING


def mark_hits(snippet: str, before: str, after: str) -> str:
    """A snippet of search_sql with each hit between ``before`` and ``after``; a stray marker is removed."""
    return HIT.sub(lambda hit: f"{before}{hit[1]}{after}", snippet).replace(HIT_START, "").replace(HIT_END, "")


def search(db: Database, terms: str, limit: int = 10) -> list[dict]:
    """Articles matching ``terms`` (as fts_query reads them), best first, with a snippet marking hits with [ ].

    ``NoSearchableWord`` when the terms hold nothing to search for.
    """
    fts_query(terms)  # raises here: search_match, run by SQLite, reads such terms as matching nothing
    db.register_function(search_match, name=MATCH_FUNCTION, deterministic=True)
    return [{**row, SNIPPET_COLUMN: mark_hits(row[SNIPPET_COLUMN], "[", "]")}
            for row in db.query(search_sql(limit), {"q": terms})]


def export_query(columns: dict[str, str], since: str | None, category: str | None) -> tuple[str, dict]:
    """The SQL selecting ``columns`` (name -> SQL of the article ``a``) of the articles an export writes, and
    its parameters. Oldest first, in the order of idx_articles_published_instant: read in the index's
    order, no sort holds every article before the first is written."""
    conditions = []
    if since is not None:
        conditions.append("datetime(a.published) >= datetime(:since)")
    if category is not None:
        conditions.append("exists (select 1 from article_categories ac join categories c on c.id = ac.category_id "
                          "where ac.article_url = a.url and c.name = :category)")
    selected = ", ".join(f"{sql} as [{name}]" for name, sql in columns.items())
    where = f" where {' and '.join(conditions)}" if conditions else ""
    return (f"select {selected} from articles a{where} order by datetime(a.published), a.url",
            {"since": since, "category": category})


#: What an export writes of an article: its columns (gone ones marked), then its lists as JSON arrays.
EXPORTED = {
    **{column: f"a.{column}" for column in (*EXPORT_COLUMNS, "gone_since")},
    **{field: f"(select json_group_array(name) from (select t.name from [{links}] l join [{terms}] t "
              f"on t.id = l.{column} where l.article_url = a.url order by l.position))"
       for field, terms, links, column in LINKED_TERMS},
}


def export_rows(db: Database, since: str | None = None, category: str | None = None) -> Iterator[dict]:
    """Every stored article (gone ones too, marked), oldest first, its lists as JSON arrays.

    ``since`` keeps articles published on or after that ISO date; ``category`` keeps articles
    filed under that category name, primary or not.
    """
    yield from db.query(*export_query(EXPORTED, since, category))


def export_json_objects(db: Database, since: str | None = None, category: str | None = None) -> Iterator[str]:
    """The articles of ``export_rows``, each as the text of one JSON object of the same fields, made by SQLite:
    three times the rate of decoding and encoding each row in Python."""
    members = ", ".join(f"'{name}', {sql}" for name, sql in EXPORTED.items())
    sql, parameters = export_query({"article": f"json_object({members})"}, since, category)
    for (line,) in db.execute(sql, parameters):
        yield line
