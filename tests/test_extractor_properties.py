"""Robustness of the pure extractors against damaged documents, property-based (hypothesis).

Each property takes a real document of the site (a fixture page, or the demo site's feed and
sitemaps), damages it with a random sequence of mutations, in the tree (drop, duplicate, unwrap or
shuffle elements, huge or garbled attributes and text, deep nesting, no <body>, another declared
charset, an emptied article) and then in the bytes (a cut, invalid UTF-8, NUL and control bytes),
and holds the extractors to their contract: a well-typed result, or ExtractionError (NotAnArticle
included) and nothing else, and never a hang.

Runs are derandomized: every run tries the same examples, so a CI failure reproduces locally. A
failing example's repr names its fixture and each mutation, which is enough to rebuild it by hand.
The bugs they found close the file as regression tests, each a minimal reproduction.
"""

from __future__ import annotations

import copy
import json
import re
import signal
from contextlib import contextmanager
from datetime import datetime
from functools import cache

import lxml.etree
import lxml.html
import pytest
from hypothesis import HealthCheck, Phase, assume, event, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES
from extractors import ArticleRecord, ExtractionError, Listing, RelatedLink, extract, parse_listing
from extractors.feeds import DatedLink, LinkDocument, parse_link_document

# -- the time guard ------------------------------------------------------------------------------

#: A hard guard against hangs, not a performance assertion (our rule: no timed assertions in tests).
#: A normal call takes milliseconds, half a second through trafilatura; the limit is far above any
#: slow CI machine, so only a runaway (a loop, a super-linear parse of a huge value) trips it.
HANG_LIMIT_SECONDS = 10


class ExtractionHung(Exception):
    """Raised in the extractor's frame by the alarm: deliberately no ExtractionError, so it fails the test."""


@contextmanager
def hang_guard(seconds: float = HANG_LIMIT_SECONDS):
    """Interrupt the block with ExtractionHung after ``seconds``.

    SIGALRM runs its handler between Python bytecodes, in the main thread (pytest's): a hang inside
    one long C call (libxml2, a regex) is reported when that call returns, not before.
    """
    def interrupt(signum, frame):
        raise ExtractionHung(f"no result after {seconds} s")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def guarded(extractor, *arguments):
    """The extractor's result, or the ExtractionError it raised; any other exception propagates."""
    with hang_guard():
        try:
            return extractor(*arguments)
        except ExtractionError as error:
            return error


#: Sized for CI on two cores (the file runs in well under a minute when the extractors hold).
#: deadline=None: hypothesis's own per-example deadline would be a timed assertion; hang_guard
#: replaces it. No shrink phase: shrinking a hang costs HANG_LIMIT_SECONDS per attempt, and the
#: unshrunk example already names its fixture and mutations. No example database: derandomize
#: makes every run try the same examples anyway.
ROBUSTNESS = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=(HealthCheck.too_slow, HealthCheck.data_too_large),
)

# -- the documents and what was done to them -----------------------------------------------------

CASES = sorted(folder.name for folder in FIXTURES.iterdir() if (folder / "expected.json").exists())
#: The demo site's feed and sitemaps, by file under the site's root, with the path they are served at.
LINK_DOCUMENTS = {
    "feed/index.xml": "/feed/",
    "wp-sitemap.xml": "/wp-sitemap.xml",
    "wp-sitemap-posts-post-1.xml": "/wp-sitemap-posts-post-1.xml",
}


class MutatedDocument:
    """A damaged document. Its repr, printed for a failing example, says how it was damaged and
    leaves the content out (up to megabytes): a plain class, as hypothesis prints a dataclass field by field."""

    def __init__(self, source: str, url: str, steps: tuple[str, ...], content: bytes | str):
        self.source, self.url, self.steps, self.content = source, url, steps, content

    def __repr__(self) -> str:
        return f"MutatedDocument(source={self.source!r}, url={self.url!r}, steps={self.steps!r})"


@cache
def fixture_page(case: str) -> tuple[str, lxml.html.HtmlElement]:
    """(url, tree) of a fixture page, parsed once: each example damages a deep copy."""
    folder = FIXTURES / case
    url = json.loads((folder / "expected.json").read_text("utf-8"))["url"]
    return url, lxml.html.document_fromstring((folder / "page.html").read_bytes())


def serialize_page(root: lxml.html.HtmlElement) -> bytes:
    return lxml.html.tostring(root, encoding="utf-8", doctype="<!DOCTYPE html>")


@pytest.fixture(scope="session")
def link_documents(built_site) -> dict[str, tuple[str, lxml.etree._ElementTree]]:
    """(url, tree) of each feed and sitemap of the demo site."""
    return {name: (built_site.base_url + path, lxml.etree.parse(str(built_site.root / name)))
            for name, path in LINK_DOCUMENTS.items()}


# -- mutations of a tree: each takes hypothesis's draw and the root, changes the tree in place,
# -- and returns a description of what it did ---------------------------------------------------

#: Where the extractors read: the meta tags, the post's (or listed posts') <article>, the post's
#: content; and the elements whose attributes and text they read. An element is drawn from one of
#: these pools or from the whole page, so that mutations land there far more often than a uniform
#: draw over ~1,000 elements of chrome would let them. (In a feed or sitemap the XPaths match
#: nothing: the whole document is the only pool.)
CONTENT = "//div[contains(concat(' ', normalize-space(@class), ' '), ' post-content ')]"
REGIONS = f"//head | //article | {CONTENT}"
READ_ELEMENTS = ("//meta | //link | //time | //script[@type='application/ld+json'] | //article | //h1"
                 " | //a[@rel] | //*[contains(@class, 'post-title')]/a")
#: lxml keeps no lone surrogate and no control character in a tree; the byte mutations add those.
#: Characters with a meaning in markup, URLs, XPath and JSON come often: parsers break on them.
TREE_TEXT = st.one_of(st.sampled_from("\"'<>&[]{}/\\:%#?@ \n\t\u00a0\u200b"),
                      st.characters(blacklist_categories=("Cs", "Cc")))


def path_of(element) -> str:
    return element.getroottree().getpath(element)


def draw_element(draw, root, where=lambda element: True):
    """An element that has a parent (so it can be dropped or unwrapped), drawn from one pool."""
    pools = [root.iter(), *(region.iter() for region in root.xpath(REGIONS)), root.xpath(READ_ELEMENTS)]
    usable = [candidates for pool in pools
              if (candidates := [element for element in pool if isinstance(element.tag, str)
                                 and element.getparent() is not None and where(element)])]
    assume(usable)
    return draw(st.sampled_from(draw(st.sampled_from(usable))))


def draw_huge_text(draw) -> tuple[str, str]:
    """(text, its description): a short random piece repeated to 1 MB ... 1 KB, built without drawing 1 MB.

    Hypothesis favours the first sizes listed: the megabyte, the size the issue asks for, comes first.
    """
    piece = draw(st.text(TREE_TEXT, min_size=1, max_size=12))
    size = draw(st.sampled_from([1_000_000, 100_000, 10_000, 1_000]))
    return (piece * (size // len(piece) + 1))[:size], f"{size} characters of {piece!r} repeated"


def drop_element(draw, root) -> str:
    element = draw_element(draw, root)
    step = f"drop {path_of(element)}"
    element.getparent().remove(element)
    return step


def duplicate_element(draw, root) -> str:
    element = draw_element(draw, root)
    step = f"duplicate {path_of(element)}"
    element.addnext(copy.deepcopy(element))
    return step


def shuffle_children(draw, root) -> str:
    element = draw_element(draw, root, where=lambda element: len(element) > 1)
    children = list(element)
    order = draw(st.permutations(range(len(children))))
    for index in order:
        element.append(children[index])
    return f"shuffle the children of {path_of(element)} to {order}"


def unwrap_element(draw, root) -> str:
    """The element's children and text take its place (HTML only: lxml.html's drop_tag)."""
    element = draw_element(draw, root)
    step = f"unwrap {path_of(element)}"
    element.drop_tag()
    return step


def huge_attribute(draw, root) -> str:
    element = draw_element(draw, root)
    new_names = st.sampled_from(["class", "data-mutation"])
    name = draw(st.one_of(st.sampled_from(sorted(element.attrib)), new_names) if element.attrib else new_names)
    # Glued to the existing value's last token, or a token of its own: both keep the value's other
    # tokens, so a post still matches its selectors and the huge value reaches the extractor.
    separator = draw(st.sampled_from(["", " "]))
    text, described = draw_huge_text(draw)
    element.set(name, element.get(name, "") + separator + text)
    return f"append {described} to {path_of(element)}/@{name}"


def huge_text(draw, root) -> str:
    element = draw_element(draw, root)
    text, described = draw_huge_text(draw)
    element.text = (element.text or "") + text
    return f"append {described} to the text of {path_of(element)}"


def garble_attribute(draw, root) -> str:
    element = draw_element(draw, root, where=lambda element: len(element.attrib) > 0)
    name = draw(st.sampled_from(sorted(element.attrib)))
    value = element.get(name)
    at = draw(st.integers(min_value=0, max_value=len(value)))
    inserted = draw(st.text(TREE_TEXT, min_size=1, max_size=3))
    element.set(name, value[:at] + inserted + value[at:])
    return f"insert {inserted!r} at {at} of {path_of(element)}/@{name}"


def garble_text(draw, root) -> str:
    element = draw_element(draw, root)
    text = element.text or ""
    at = draw(st.integers(min_value=0, max_value=len(text)))
    inserted = draw(st.text(TREE_TEXT, min_size=1, max_size=3))
    element.text = text[:at] + inserted + text[at:]
    return f"insert {inserted!r} at {at} of the text of {path_of(element)}"


def nest_deeply(draw, root) -> str:
    """Wrap the content of <body> or of the post's content element (a feed's root) in up to 5,000 elements."""
    element = draw(st.sampled_from(root.xpath(f"//body | {CONTENT}") or [root]))
    depth = draw(st.integers(min_value=1, max_value=5_000))
    tag = "div" if isinstance(element, lxml.html.HtmlElement) else element.tag
    outermost = innermost = element.makeelement(tag)
    for _ in range(depth - 1):
        innermost = lxml.etree.SubElement(innermost, tag)
    innermost.text, element.text = element.text, None
    innermost.extend(list(element))
    element.append(outermost)
    return f"wrap the content of {path_of(element)} in {depth} <{lxml.etree.QName(tag).localname}>"


def nest_json_ld(draw, root) -> str:
    """Wrap a JSON-LD block's value in up to 5,000 arrays: deep nesting of the page's structured data."""
    scripts = root.xpath("//script[@type='application/ld+json']")
    assume(scripts)
    script = draw(st.sampled_from(scripts))
    depth = draw(st.integers(min_value=1, max_value=5_000))
    script.text = "[" * depth + (script.text or "") + "]" * depth
    return f"wrap {path_of(script)} in {depth} JSON arrays"


def remove_body(draw, root) -> str:
    for body in root.xpath("//body"):
        body.getparent().remove(body)
    return "remove <body>"


def change_charset(draw, root) -> str:
    charset = draw(st.sampled_from(["utf-16", "utf-32", "iso-8859-1", "shift_jis", "cp037", "x-no-such-charset", ""]))
    for meta in root.xpath("//meta[@charset]"):
        meta.set("charset", charset)
    return f"declare charset {charset!r}"


def empty_article(draw, root) -> str:
    for content in root.xpath(CONTENT):
        for child in list(content):
            content.remove(child)
        content.text = None
    return "empty the post's content element"


HTML_TREE_MUTATIONS = (drop_element, duplicate_element, shuffle_children, unwrap_element, huge_attribute,
                       huge_text, garble_attribute, garble_text, nest_deeply, nest_json_ld, remove_body,
                       change_charset, empty_article)
XML_TREE_MUTATIONS = (drop_element, duplicate_element, shuffle_children, huge_attribute, huge_text,
                      garble_attribute, garble_text, nest_deeply)

# -- mutations of the serialized bytes: each takes draw and the bytes, returns (bytes, description) --

#: NUL, invalid and truncated UTF-8 sequences, an encoded surrogate, a BOM, control characters.
BAD_BYTES = (b"\x00", b"\xff\xfe", b"\xc3\x28", b"\xe2\x82", b"\xed\xa0\x80", b"\xef\xbb\xbf", b"\x1b[0m",
             b"\x0b\x0c\x7f", b"\xc0\xaf")


def cut_document(draw, data: bytes) -> tuple[bytes, str]:
    at = draw(st.integers(min_value=0, max_value=len(data)))
    return data[:at], f"cut at byte {at} of {len(data)}"


def inject_bytes(draw, data: bytes) -> tuple[bytes, str]:
    at = draw(st.integers(min_value=0, max_value=len(data)))
    injected = draw(st.one_of(st.sampled_from(BAD_BYTES), st.binary(min_size=1, max_size=16)))
    return data[:at] + injected + data[at:], f"inject {injected!r} at byte {at}"


XML_ENCODING_DECLARATION = re.compile(rb"""encoding=(["'])[^"']*\1""")


def change_xml_encoding(draw, data: bytes) -> tuple[bytes, str]:
    encoding = draw(st.sampled_from(["UTF-16", "UTF-32", "ISO-8859-1", "Shift_JIS", "cp037", "x-no-such-encoding", ""]))
    declared = XML_ENCODING_DECLARATION.sub(f'encoding="{encoding}"'.encode(), data, count=1)
    return declared, f"declare encoding {encoding!r}"


#: "Billion laughs": ten entities, each ten of the one before; expanded, 10^9 copies of "lol".
ENTITY_BOMB = b"<!DOCTYPE bomb [<!ENTITY e0 'lol'>" + b"".join(
    b"<!ENTITY e%d '%s'>" % (level, b"&e%d;" % (level - 1) * 10) for level in range(1, 10)) + b"]>"


def add_entity_bomb(draw, data: bytes) -> tuple[bytes, str]:
    """An entity-expansion DTD after the XML declaration, and its entity in the first element that closes."""
    declaration_end = data.find(b"?>") + 2
    with_dtd = data[:declaration_end] + ENTITY_BOMB + data[declaration_end:]
    return with_dtd.replace(b"</", b"&e9;</", 1), "add a billion-laughs DTD and reference it"


HTML_BYTE_MUTATIONS = (cut_document, inject_bytes)
XML_BYTE_MUTATIONS = (cut_document, inject_bytes, change_xml_encoding, add_entity_bomb)

# -- strategies ----------------------------------------------------------------------------------


@st.composite
def mutated_pages(draw) -> MutatedDocument:
    """A fixture page after 1-4 tree mutations and 0-2 byte mutations, as bytes or as text."""
    case = draw(st.sampled_from(CASES))
    url, original = fixture_page(case)
    root = copy.deepcopy(original)
    steps = [mutation(draw, root)
             for mutation in draw(st.lists(st.sampled_from(HTML_TREE_MUTATIONS), min_size=1, max_size=4))]
    content = serialize_page(root)
    for mutation in draw(st.lists(st.sampled_from(HTML_BYTE_MUTATIONS), max_size=2)):
        content, step = mutation(draw, content)
        steps.append(step)
    if draw(st.booleans()):
        # As the spider passes it: Scrapy's response.text, undecodable bytes replaced.
        content = content.decode("utf-8", errors="replace")
        steps.append("decode to str")
    return MutatedDocument(case, url, tuple(steps), content)


@st.composite
def mutated_link_documents(draw, documents: dict[str, tuple[str, lxml.etree._ElementTree]]) -> MutatedDocument:
    """A feed or sitemap after 1-4 tree mutations and 0-2 byte mutations (always bytes, as the spider passes them)."""
    name = draw(st.sampled_from(sorted(documents)))
    url, original = documents[name]
    tree = copy.deepcopy(original)
    steps = [mutation(draw, tree.getroot())
             for mutation in draw(st.lists(st.sampled_from(XML_TREE_MUTATIONS), min_size=1, max_size=4))]
    content = lxml.etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
    for mutation in draw(st.lists(st.sampled_from(XML_BYTE_MUTATIONS), max_size=2)):
        content, step = mutation(draw, content)
        steps.append(step)
    return MutatedDocument(name, url, tuple(steps), content)


# -- what a well-typed result is -----------------------------------------------------------------

OPTIONAL_TEXT_FIELDS = ("published_raw", "language", "source_url", "image_url", "description",
                        "published_source", "modified_raw", "modified_source")


def assert_iso_datetime_or_none(value: object) -> None:
    """None, or ISO 8601 with an offset."""
    if value is not None:
        assert isinstance(value, str) and datetime.fromisoformat(value).tzinfo is not None, repr(value)[:200]


def assert_list_of_text(value: object) -> None:
    assert isinstance(value, list) and all(isinstance(item, str) for item in value), repr(value)[:200]


def assert_valid_record(record: object) -> None:
    assert isinstance(record, ArticleRecord)
    for name in ("url", "title", "body"):
        assert isinstance(getattr(record, name), str) and getattr(record, name), name
    for name in OPTIONAL_TEXT_FIELDS:
        assert getattr(record, name) is None or isinstance(getattr(record, name), str), name
    assert_iso_datetime_or_none(record.published)
    assert_iso_datetime_or_none(record.modified)
    # A date says how exact it is, and no precision stands without its date.
    for date, precision in ((record.published, record.published_precision),
                            (record.modified, record.modified_precision)):
        assert precision in ({None} if date is None else {"instant", "local", "date"}), (date, precision)
    for name in ("authors", "categories", "tags"):
        assert_list_of_text(getattr(record, name))
    assert isinstance(record.related_links, list)
    for link in record.related_links:
        assert isinstance(link, RelatedLink) and isinstance(link.url, str) and isinstance(link.title, str)
        assert_iso_datetime_or_none(link.published)
    assert record.word_count == len(record.body.split())


def assert_valid_listing(listing: object) -> None:
    assert isinstance(listing, Listing)
    assert_list_of_text(listing.articles)
    assert_list_of_text(listing.menu_links)
    assert listing.next_page is None or isinstance(listing.next_page, str)


def assert_valid_link_document(document: object) -> None:
    assert isinstance(document, LinkDocument)
    assert document.kind in ("rss", "atom", "sitemapindex", "urlset")
    assert isinstance(document.links, list)
    for link in document.links:
        assert isinstance(link, DatedLink) and isinstance(link.url, str)
        assert_iso_datetime_or_none(link.updated)


# -- the properties: any exception but ExtractionError propagates and fails the test ------------


def count_refusal(result: object) -> bool:
    """True for an ExtractionError, counted by its message (``--hypothesis-show-statistics`` shows how
    many examples each refusal took, so a property that only ever exercises one is noticed)."""
    if isinstance(result, ExtractionError):
        event(f"{type(result).__name__}: {result}"[:60])
        return True
    return False


@ROBUSTNESS
@given(page=mutated_pages())
def test_extract_gives_a_record_or_extraction_error(page):
    record = guarded(extract, page.content, page.url)
    if not count_refusal(record):
        assert_valid_record(record)


@settings(ROBUSTNESS, max_examples=60)
@given(page=mutated_pages())
def test_parse_listing_gives_a_listing_or_extraction_error(page):
    listing = guarded(parse_listing, page.content, page.url)
    if not count_refusal(listing):
        assert_valid_listing(listing)


@ROBUSTNESS
@given(data=st.data())
def test_parse_link_document_gives_links_or_extraction_error(link_documents, data):
    document = data.draw(mutated_link_documents(link_documents), label="document")
    links = guarded(parse_link_document, document.content, document.url)
    if not count_refusal(links):
        assert_valid_link_document(links)


# -- regressions: the bugs found, each a minimal reproduction on a real document -------------------
# The ones not marked "found by" came from reading the code the properties exercise: the mutations
# reach them only rarely (a '"' inside a category class, a bare "Source link" as the whole content).

POST = "//article[starts-with(@id, 'post-')]"
CONTENT_OF_POST = f"{POST}{CONTENT}"


def damaged_page(case: str, damage) -> tuple[str, bytes]:
    """(url, bytes) of a fixture page after ``damage(root)``."""
    url, original = fixture_page(case)
    root = copy.deepcopy(original)
    damage(root)
    return url, serialize_page(root)


def nest_json_ld_5000_deep(root) -> None:
    script = root.xpath("//script[@type='application/ld+json']")[0]
    script.text = "[" * 5_000 + script.text + "]" * 5_000


def test_json_ld_nested_deeper_than_the_recursion_limit_is_skipped():
    # Found by the nest_json_ld mutation (in a longer, non-derandomized run of the extract property).
    url, page = damaged_page("article-short", nest_json_ld_5000_deep)
    assert_valid_record(guarded(extract, page, url))


def add_quote_to_category_class(root) -> None:
    post = root.xpath(POST)[0]
    post.set("class", post.get("class") + ' category-a"b')


def test_a_quote_in_a_category_class_is_no_crash():
    url, page = damaged_page("article-short", add_quote_to_category_class)
    assert_valid_record(guarded(extract, page, url))


def keep_only_a_bare_source_link(root) -> None:
    content = root.xpath(CONTENT_OF_POST)[0]
    link = content.xpath(".//a[normalize-space() = 'Source link']")[-1]
    for child in list(content):
        if child is not link.getparent():
            content.remove(child)
    link.getparent().drop_tag()


def test_a_source_link_alone_in_the_content_is_no_article_text():
    url, page = damaged_page("article-short", keep_only_a_bare_source_link)
    outcome = guarded(extract, page, url)
    assert isinstance(outcome, ExtractionError) and "no article text" in str(outcome)


def set_canonical_to_an_invalid_ipv6_host(root) -> None:
    root.xpath("//link[@rel='canonical']")[0].set("href", "https://[potusnews.news/")


def set_menu_links_to_an_invalid_ipv6_host(root) -> None:
    for link in root.xpath("//nav//a[@href]"):
        link.set("href", "//[potusnews.news/")


@pytest.mark.parametrize("extractor, case, damage", [
    (extract, "article-short", set_canonical_to_an_invalid_ipv6_host),
    (parse_listing, "not-article-category", set_menu_links_to_an_invalid_ipv6_host),
], ids=["extract-canonical", "parse_listing-menu"])
def test_an_invalid_ipv6_host_in_a_page_link_is_dropped(extractor, case, damage):
    url, page = damaged_page(case, damage)
    result = guarded(extractor, page, url)
    # The record falls back on the fetched URL; the listing keeps only the links a parser takes.
    links = [result.url] if extractor is extract else result.menu_links + result.articles
    assert links and not [link for link in links if "[" in link]
    if extractor is extract:
        assert result.url == url


def test_an_invalid_ipv6_host_in_a_sitemap_is_dropped(link_documents):
    # Found by the link-document property (in a longer, non-derandomized run): bytes with a '[' injected into a <loc>.
    url, original = link_documents["wp-sitemap-posts-post-1.xml"]
    tree = copy.deepcopy(original)
    tree.getroot()[0][0].text = "https://[potusnews.news/"
    document = guarded(parse_link_document, lxml.etree.tostring(tree), url)
    assert len(document.links) == len(tree.getroot()) - 1
    assert not [link for link in document.links if "[" in link.url]


HUGE_DATE = "2025-03-14T22:41:06+00:00" + "x" * 1_000_000


def set_huge_related_post_date(root) -> None:
    root.xpath("//section[contains(@class, 'related-posts')]//time[@datetime]")[0].set("datetime", HUGE_DATE)


# dateparser takes 40-400 µs a character, depending on the text: this megabyte took minutes before
# date strings were capped in length (normalize.MAX_DATE_CHARS).
def test_a_huge_date_in_a_page_is_parsed_in_time():
    # Found by huge_attribute (in a longer, non-derandomized run of the extract property): 10,000
    # characters appended to a related post's <time datetime> ran past a 3 s guard.
    url, page = damaged_page("article-short", set_huge_related_post_date)
    assert_valid_record(guarded(extract, page, url))


def test_a_huge_sitemap_lastmod_is_parsed_in_time(link_documents):
    # Found by the link-document property (huge_text: a megabyte appended to a <lastmod>).
    url, original = link_documents["wp-sitemap-posts-post-1.xml"]
    tree = copy.deepcopy(original)
    tree.getroot()[0][1].text = HUGE_DATE
    assert_valid_link_document(guarded(parse_link_document, lxml.etree.tostring(tree), url))
