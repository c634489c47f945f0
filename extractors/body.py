"""Article text as blocks of plain text: one paragraph, heading, list item, quoted
paragraph or table row a block, blocks separated by a blank line.

Two sources: trafilatura, which finds the main content of any page (we serialize
its internal XML ourselves), and an element the site's rules already identified as
the content, serialized as it stands: trafilatura's size heuristics would drop
headings, lists and short articles there, which a known container does not need.
"""

from __future__ import annotations

import re
from copy import deepcopy

from lxml.etree import XPath
from lxml.html import HtmlElement, HtmlComment
from trafilatura import bare_extraction
from trafilatura.baseline import baseline
from trafilatura.xpaths import BODY_XPATH

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
            # the text around the quote's paragraphs is a block of its own: an embedded
            # post's attribution ("— Name (@handle) date") follows its paragraph
            found.append(clean_text(element.text or ""))
            for child in element:
                found.append(block_text(child))
                found.append(clean_text(child.tail or ""))
        elif element.tag == "table":
            for row in element.iter("row"):
                found.append(" | ".join(block_text(cell) for cell in row))
        else:
            found.append(block_text(element))
    return [text for text in found if text]


#: trafilatura's first and most specific guess at the article's container: the first element whose
#: class or id names an article body ("article__body", "post-content", itemprop="articleBody", ...).
ARTICLE_BODY_XPATH = BODY_XPATH[0]


class ArticleBodyTest:
    """ARTICLE_BODY_XPATH's test of one element, read out of the expression and run in Python.

    The expression's regular expressions run as EXSLT callbacks on every element of the page,
    about 2 ms a page: a quarter of what extraction costs besides trafilatura's own work.
    Read out of trafilatura's expression, the test stays the one trafilatura makes.
    """

    def __init__(self, xpath: str):
        self.tags = tuple(re.findall(r"self::(\w+)", xpath))
        self.values = re.findall(r"@(\w+)='([^']*)'", xpath)
        self.patterns = [(name, re.compile(pattern))
                         for name, pattern in re.findall(r"re:test\(@(\w+), '([^']+)'\)", xpath)]
        if not (self.tags and self.values and self.patterns):
            raise ValueError(f"not an expression this test can read: {xpath}")

    def first(self, tree: HtmlElement) -> HtmlElement | None:
        """The first element of the page in document order that the expression selects."""
        for element in tree.iter(*self.tags):
            if (any(element.get(name) == value for name, value in self.values)
                    or any(pattern.search(element.get(name) or "") for name, pattern in self.patterns)):
                return element
        return None


ARTICLE_BODY = ArticleBodyTest(ARTICLE_BODY_XPATH.path)
#: After the article's container, the elements of the same class, up to the next headline (the
#: next article on a page that appends articles one below the other).
SAME_CLASS_UNTIL_HEADLINE = "following::*[self::h1 or @class=$css_class]"


def copy_with_map(tree: HtmlElement, elements) -> tuple[HtmlElement, dict[HtmlElement, HtmlElement]]:
    """A copy of the page to change, and the copies of ``elements``: callers' trees are never changed."""
    copy = deepcopy(tree)
    wanted = set(elements)
    # Walked side by side, not found again by path: a path may name a tag with a prefix (Word's <st1:place>),
    # which XPath takes for an undeclared namespace.
    return copy, {original: copied for original, copied in zip(tree.iter(), copy.iter()) if original in wanted}


def with_body_chunks_joined(tree: HtmlElement) -> HtmlElement:
    """The page, with the later chunks of an article body split up by the publisher moved into its first.

    Some publishers cut a long body into several containers of one class, with ads or
    related links between them; trafilatura takes the first container of an article-body
    class for the whole article and loses the others. A chunk is a later element of the
    container's tag and class that holds a paragraph, within the same <article> element
    and before the next <h1>. The page itself is left as it is: a copy takes the chunks.
    """
    container = ARTICLE_BODY.first(tree)
    css_class = container.get("class") if container is not None else None
    if not css_class:
        return tree
    article = next(container.iterancestors("article"), None)
    chunks = []
    for element in container.xpath(SAME_CLASS_UNTIL_HEADLINE, css_class=css_class):
        if element.tag == "h1":
            break
        if (element.tag == container.tag and next(element.iterancestors("article"), None) is article
                and element.find(".//p") is not None):
            chunks.append(element)
    if not chunks:
        return tree
    joined, copies = copy_with_map(tree, [container, *chunks])
    for chunk in chunks:
        copies[container].append(copies[chunk])
    return joined


#: Social networks' embed code: the post's text in a <blockquote> of a known class, which their
#: script turns into the post's card ("twitter-tweet", "instagram-media", "tiktok-embed", ...).
EMBEDDED_POST_CLASS = re.compile(r"\b(twitter-(tweet|video)|instagram-media|tiktok-embed)\b")
#: What a wrapper around an embedded post may hold besides the post: the network's loader script.
NOT_CONTENT = {"script", "noscript", "style"}


def holds_only(wrapper: HtmlElement, child: HtmlElement) -> bool:
    """True if the wrapper has no text and no element but the child (and scripts)."""
    return (not (wrapper.text or "").strip()
            and all(element is child or not isinstance(element.tag, str) or element.tag in NOT_CONTENT
                    for element in wrapper)
            and not any((element.tail or "").strip() for element in wrapper))


def sole_wrapper(post: HtmlElement) -> HtmlElement | None:
    """The outermost element below <body> that holds nothing but the post, if any."""
    wrapper, element = None, post
    while (parent := element.getparent()) is not None and parent.tag != "body" and holds_only(parent, element):
        wrapper = element = parent
    return wrapper


def with_embedded_posts_unwrapped(tree: HtmlElement) -> HtmlElement:
    """The page, with each embedded social post standing in for the wrappers that hold only it.

    Publishers quote tweets and Instagram posts in the article, in wrappers whose class
    says what they are ("embed", "social", "widget"); trafilatura discards elements of
    such classes as share buttons and ads, and the quoted post with them. The page
    itself is left as it is: a copy takes the change.
    """
    wrappers = {post: wrapper for post in tree.iter("blockquote")
                if EMBEDDED_POST_CLASS.search(post.get("class") or "") and (wrapper := sole_wrapper(post)) is not None}
    if not wrappers:
        return tree
    unwrapped, copies = copy_with_map(tree, [*wrappers, *wrappers.values()])
    for post, wrapper in wrappers.items():
        post, wrapper = copies[post], copies[wrapper]
        post.tail = wrapper.tail
        wrapper.getparent().replace(wrapper, post)
    return unwrapped


#: Markup that trafilatura misreads, repaired on a copy of the page before extraction.
#: An empty <div> inside a paragraph or heading, a spacer some editors put there: trafilatura loses the text after it.
SPACER_IN_TEXT = XPath("//div[not(node())][ancestor::*[self::p or self::h1 or self::h2 or self::h3 or self::h4"
                       " or self::h5 or self::h6]]")
#: A <div> of inline text only, between two paragraphs: a subheading or a paragraph written as a div, whose
#: text trafilatura's precision mode drops. It keeps its class, so the class rules for ads still apply to it.
TEXT_DIV_AMONG_PARAGRAPHS = XPath(
    "//div[preceding-sibling::*[1][self::p] and following-sibling::*[1][self::p] and normalize-space()"
    " and not(*[not(self::a or self::b or self::strong or self::em or self::i or self::span or self::br)])]")
#: Elements whose style mentions borders: trafilatura's precision mode drops them as boxed teasers, even where
#: the style declares no border at all (``border:none``, and Word's ``border:none windowtext 1.0pt`` pasted into
#: a CMS around whole paragraphs).
BORDER_STYLED = XPath("//*[contains(@style, 'border')]")
#: A pull quote: an <aside> holding nothing but a quotation, which trafilatura drops with the asides of the page.
#: It is shown as part of the article; as a <blockquote> it is kept. An aside that links or shows an image is
#: a teaser, not a quote.
PULL_QUOTE = XPath("//aside[not(.//a or .//img)][.//q or .//blockquote"
                   " or starts-with(normalize-space(), '“') or starts-with(normalize-space(), '\"')]")
#: Longest pull quote, in characters: a quotation lifted from the text is a sentence or two.
MAX_PULL_QUOTE_CHARS = 300
NO_BORDER = re.compile(r"^\s*border[\w-]*\s*:\s*(none|0)\b", re.IGNORECASE)


def borderless_style(style: str) -> str:
    """``style`` without its declarations of no border."""
    return ";".join(declaration for declaration in style.split(";") if not NO_BORDER.match(declaration))


def with_markup_repaired(tree: HtmlElement) -> HtmlElement:
    """The page, with the markup above repaired on a copy; the page itself if it has none."""
    spacers, text_divs = SPACER_IN_TEXT(tree), TEXT_DIV_AMONG_PARAGRAPHS(tree)
    # Each element whose style declares no border at all, with its style without those declarations.
    borderless = {element: style for element in BORDER_STYLED(tree)
                  if "border" not in (style := borderless_style(element.get("style"))).lower()}
    quotes = [aside for aside in PULL_QUOTE(tree) if len(aside.text_content().strip()) <= MAX_PULL_QUOTE_CHARS]
    if not (spacers or text_divs or borderless or quotes):
        return tree
    repaired, copies = copy_with_map(tree, [*spacers, *text_divs, *borderless, *quotes])
    for quote in quotes:
        copies[quote].tag = "blockquote"
    for spacer in spacers:
        copies[spacer].drop_tree()
    for text_div in text_divs:
        copies[text_div].tag = "p"
    for element, style in borderless.items():
        copies[element].set("style", style)
    return repaired


def extract_blocks(tree: HtmlElement | str, url: str | None = None, **options) -> list[str]:
    """Text blocks of the main content of a page (or of an element narrowed to it)."""
    if isinstance(tree, HtmlElement):
        tree = with_markup_repaired(with_embedded_posts_unwrapped(with_body_chunks_joined(tree)))
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
