"""Article text as blocks of plain text: one paragraph, heading, list item, quoted
paragraph or table row a block, blocks separated by a blank line.

Two sources: trafilatura, which finds the main content of any page (we serialize
its internal XML ourselves), and an element the site's rules already identified as
the content, serialized as it stands: trafilatura's size heuristics would drop
headings, lists and short articles there, which a known container does not need.
"""

from __future__ import annotations

from lxml.html import HtmlElement, HtmlComment
from trafilatura import bare_extraction
from trafilatura.baseline import baseline

from .normalize import clean_text

#: Precision over recall: on news pages the extra recall is mostly boilerplate.
TRAFILATURA_OPTIONS = {
    "favor_precision": True,
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "with_metadata": False,
}
#: trafilatura's MIN_EXTRACTED_SIZE: a shorter text is a notice or a caption, not an article.
MIN_EXTRACTED_CHARS = 250


def block_text(element) -> str:
    for line_break in element.iter("lb"):
        line_break.tail = " " + (line_break.tail or "")
    return clean_text("".join(element.itertext()))


def blocks(body) -> list[str]:
    """Blocks of trafilatura's XML body, in document order."""
    found: list[str] = []
    for element in body:
        if element.tag == "list":
            for item in element.iter("item"):
                nested = [child for child in item if child.tag == "list"]
                for child in nested:
                    item.remove(child)
                found.append(block_text(item))
                for child in nested:
                    found.extend(blocks([child]))
        elif element.tag == "quote" and any(child.tag == "p" for child in element):
            found.extend(block_text(child) for child in element)
        elif element.tag == "table":
            for row in element.iter("row"):
                found.append(" | ".join(block_text(cell) for cell in row))
        else:
            found.append(block_text(element))
    return [text for text in found if text]


def extract_blocks(tree: HtmlElement | str, url: str | None = None, **options) -> list[str]:
    """Text blocks of the main content of a page (or of an element narrowed to it)."""
    document = bare_extraction(tree, url=url, **{**TRAFILATURA_OPTIONS, **options})
    if document is None or document.body is None:
        return []
    return blocks(document.body)


def baseline_blocks(tree: HtmlElement) -> list[str]:
    """trafilatura's baseline: the text of JSON-LD articleBody, of <article> or of all paragraphs, one block.

    Its rescue for pages whose article container its filters discarded; trafilatura runs
    it itself below MIN_EXTRACTED_CHARS, but not in precision mode.
    """
    return blocks(baseline(tree)[0])


HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
TEXT_BLOCKS = HEADINGS | {"p", "pre", "dt", "dd", "figcaption", "address"}
LISTS = {"ul", "ol", "dl"}
#: Elements whose children are blocks in their own right.
CONTAINERS = {"div", "section", "article", "main", "figure", "blockquote", "details", "aside", "header", "footer",
              "center", "form", "tbody", "thead"}


def html_blocks(element: HtmlElement) -> list[str]:
    """Blocks of an HTML element known to hold article text only, in document order."""
    found: list[str] = []
    inline: list[str] = []

    def flush() -> None:
        text = clean_text("".join(inline))
        if text:
            found.append(text)
        inline.clear()

    inline.append(element.text or "")
    for child in element:
        if isinstance(child, HtmlComment) or not isinstance(child.tag, str):
            inline.append(child.tail or "")
            continue
        tag = child.tag.lower()
        if tag in TEXT_BLOCKS or tag in LISTS or tag in CONTAINERS or tag in ("table", "li", "tr", "hr"):
            flush()
            if tag in TEXT_BLOCKS or tag == "li" and not any(c.tag in LISTS for c in child):
                found.append(clean_text(child.text_content()))
            elif tag == "table":
                found.extend(" | ".join(clean_text(cell.text_content()) for cell in row.xpath("./th|./td"))
                             for row in child.iter("tr"))
            elif tag != "hr":
                found.extend(html_blocks(child))
        elif tag == "br":
            inline.append(" ")
        else:
            inline.append(child.text_content())
        inline.append(child.tail or "")
    flush()
    return [text for text in found if text]
