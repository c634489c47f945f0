"""``(html, url) -> ArticleRecord``: site rules where a page matches them, generic rules elsewhere.

One small method per field, each a cascade from the most to the least trusted
source: the site's own markup, schema.org JSON-LD, meta tags, the document title.
"""

from __future__ import annotations

import copy
import re
from datetime import timezone, tzinfo
from functools import cached_property
from html import unescape
from urllib.parse import urlsplit, urlunsplit

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

from . import dates, jsonld, selectors
from .body import MIN_EXTRACTED_CHARS, baseline_blocks, extract_blocks, html_blocks
from .boilerplate import article_span, is_related_links_line, without_boilerplate
from .dates import FoundDate
from .language import identify
from .normalize import canonical_url, clean_body, clean_text, clean_url, iso_datetime, joined_url, site_timezone
from .profiles import SiteProfile
from .record import GENERIC, ArticleRecord, ExtractionError, NotAnArticle, RelatedLink
from .selectors import RelatedBlock
from .sites import DEFAULT_PROFILE, SiteRules

#: Bylines that name no person.
PLACEHOLDER_AUTHORS = frozenset({"admin", "administrator", "editor", "staff", "webmaster", "guest", "unknown"})
BYLINE_PREFIX = re.compile(r"^\s*(by|por|von|par)\s+", re.IGNORECASE)
AUTHOR_SEPARATORS = re.compile(r"\s*(?:,|;|\band\b|\bund\b|\by\b|&)\s*")
#: A byline in the article's text may also part its names with a slash: "Jane Doe/John Roe".
TEXT_BYLINE_SEPARATORS = re.compile(rf"{AUTHOR_SEPARATORS.pattern}|\s*/\s*")
#: A name as a byline line writes it: two to four words, each capitalized but for short particles inside
#: ("Ursula von der Leyen"), no digits, no sentence's end. What else a bold line says (a subhead, a call to
#: share) is rarely so shaped.
NAME_WORD = re.compile(r"[^\W\d_]+(?:['’.-][^\W\d_]+)*\.?")
NAME_PARTICLE_CHARS = 3
#: Words a label, a call to act or a section's name has and a person's name hardly ever does, in the languages
#: the crawl meets (en, de, fr, es, pt, it): "Key Points", "Share This Article", "City News", "Mehr zum Thema",
#: "Lire aussi", "Leia também". A rare surname among them ("Read", "Key") is the price of not signing articles
#: with a page's furniture.
NON_NAME_WORDS = frozenset({
    "this", "that", "these", "the", "our", "your", "more", "read", "share", "article", "news", "key", "points",
    "note", "editor's", "editors", "related", "latest", "top", "follow", "us", "newsletter", "subscribe",
    "comments", "also", "see", "mehr", "zum", "zur", "thema", "lesen", "auch", "artikel", "teilen", "folgen",
    "uns", "weitere", "lire", "aussi", "voir", "notre", "partager", "leer", "lea", "también", "más",
    "noticias", "compartir", "leia", "também", "mais", "notícias", "veja", "leggi", "anche", "notizie",
    "condividi",
})
#: Words that make an account's display name a desk's, not a writer's: "Tagesblatt Redaktion", "News Team".
STAFF_WORDS = frozenset({"staff", "team", "editorial", "newsroom", "desk", "redaktion", "rédaction", "redacción",
                         "redação", "redazione", "redacao"})
#: Profile URLs and e-mail addresses that CMSs put where a name belongs.
NOT_A_NAME = re.compile(r"@|https?://|www\.|\.com\b")
#: Longer "names" are captions or job titles run into the byline.
MAX_NAME_WORDS = 5
#: Under these, a country's domains are registered one level down: ``example.co.uk``.
SECOND_LEVEL_DOMAINS = frozenset({"co", "com", "net", "org", "ac", "gov", "or", "ne"})
TITLE_SEPARATORS = (" - ", " | ", " – ", " — ", " :: ", " » ", "：", "ㅣ", " ㅣ ")
#: What divides a headline from a label beside it: a section or kicker before it, a section or site after it.
LABEL_BEFORE = re.compile(r"[|:：/»·–—-]\s*$")
LABEL_AFTER = re.compile(r"^\s*[|:：/»·–—ㅣ-]")
WEBPAGE_TYPES = frozenset({"WebPage", "ItemPage"})
#: Typographic quotes and apostrophes, which share cards and SEO plugins often write as ASCII ones.
ASCII_QUOTES = str.maketrans("‘’‚‛“”„‟", "''''\"\"\"\"")
#: lxml refuses a str that still declares its byte encoding.
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
#: Comments and processing instructions dropped at parse time: scripted sites put ``<!-- -->``
#: inside paragraphs, and trafilatura cuts a paragraph's text at such a node.
HTML_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)


def parse_html(html: str | bytes, *, whole: bool = False) -> HtmlElement:
    """The document's tree; raises ExtractionError for input that is no HTML page.

    With ``whole``, also for a page the parser stopped reading part-way: an article must
    not be taken for the part of it that was read.
    """
    if not html or not html.strip():
        raise ExtractionError("empty document")
    if isinstance(html, str):
        html = XML_DECLARATION.sub("", html)
    try:
        tree = lxml.html.document_fromstring(html, parser=HTML_PARSER)
    except (lxml.etree.ParserError, ValueError) as error:
        raise ExtractionError(f"not parseable as HTML: {error}") from error
    if whole:
        # Tag soup gives mere errors; a fatal one (nesting past 256 levels, a text node past 10 MB)
        # means libxml2 stopped there and the tree lacks the rest of the page.
        fatal = next((e for e in HTML_PARSER.error_log if e.level == lxml.etree.ErrorLevels.FATAL), None)
        if fatal is not None:
            raise ExtractionError(f"the HTML parser gave up: {fatal.message.strip()}")
    if tree.find("body") is None:
        raise ExtractionError("no <body> in document")
    return tree


def matching_rules(tree: HtmlElement, profile: SiteProfile) -> SiteRules | None:
    """The first of ``profile``'s rule sets that the page is of. A theme's rule sets share their fingerprint, and
    each expression scans the whole tree (a quarter of a millisecond on a 60 KB page): each is evaluated once."""
    found: dict[str, bool] = {}

    def present(xpath: str) -> bool:
        if xpath not in found:
            found[xpath] = bool(tree.xpath(xpath))
        return found[xpath]

    return next((rules for rules in profile.rule_sets if rules.matches(present)), None)


def keyword_list(value: object) -> list[str]:
    """Keywords out of a comma-separated string or a list of strings (JSON-LD gives either)."""
    if isinstance(value, str):
        return value.split(",")
    return [keyword for keyword in value if isinstance(keyword, str)] if isinstance(value, list) else []


def unlabelled(title: str, headline: str) -> str:
    """``headline`` where ``title`` is it with labels around it ("Section | Headline - Site"), else ``title``."""
    before, found, after = title.partition(headline)
    if not found or title == headline:
        return title
    if (not before or LABEL_BEFORE.search(before)) and (not after or LABEL_AFTER.match(after)):
        return headline
    return title


def is_name_shaped(text: str) -> bool:
    """True for text written as one person's name (see ``NAME_WORD``): "Jana Roth", "Ursula von der Leyen"."""
    words = text.split()
    inner = words[1:-1]
    return (2 <= len(words) <= 4 and all(NAME_WORD.fullmatch(word) for word in words)
            and words[0][0].isupper() and words[-1][0].isupper() and not text.endswith(".")
            and all(word[0].isupper() or len(word) <= NAME_PARTICLE_CHARS for word in inner)
            and not any(word.casefold().replace("’", "'") in NON_NAME_WORDS for word in words))


def is_admin_account(person: object) -> bool:
    """A JSON-LD author that is the CMS's first account (``…/author/admin/``)."""
    if not isinstance(person, dict):
        return False
    links = (person.get("@id"), person.get("url"))
    return any(isinstance(link, str) and link.endswith(selectors.PLACEHOLDER_ACCOUNT_PATH) for link in links)


def element_text(found: object) -> str:
    """Clean text of an XPath result: an element's text content or an attribute's value."""
    if isinstance(found, HtmlElement):
        return clean_text(found.text_content())
    return clean_text(str(found))


class ArticlePage:
    """One parsed page and the rules that apply to it; each property is one record field."""

    def __init__(self, tree: HtmlElement, url: str, default_tz: tzinfo = timezone.utc,
                 profile: SiteProfile = DEFAULT_PROFILE):
        self.tree = tree
        self.page_url = url
        self.default_tz = default_tz
        self.profile = profile
        self.rules = matching_rules(tree, profile)

    def canonical(self, url: str) -> str:
        return canonical_url(url, trailing_slash=self.profile.trailing_slash)

    # -- helpers ---------------------------------------------------------------------

    def texts(self, xpath: str | None, context: HtmlElement | None = None) -> list[str]:
        if not xpath:
            return []
        found = (self.tree if context is None else context).xpath(xpath)
        return [text for text in (element_text(item) for item in found) if text]

    def first(self, *xpaths: str | None) -> str | None:
        for xpath in xpaths:
            texts = self.texts(xpath)
            if texts:
                return texts[0]
        return None

    def absolute(self, link: str | None) -> str | None:
        return joined_url(self.page_url, link) if link else None

    @cached_property
    def jsonld(self) -> list[dict]:
        return jsonld.nodes(self.tree)

    def jsonld_value(self, key: str) -> object:
        return (jsonld.first_value(self.jsonld, key, jsonld.ARTICLE_TYPES)
                or jsonld.first_value(self.jsonld, key, WEBPAGE_TYPES))

    @cached_property
    def site_name(self) -> str | None:
        return self.first(selectors.OG_SITE_NAME)

    # -- what the page is ------------------------------------------------------------

    def require_article(self) -> None:
        if self.rules is not None and not self.tree.xpath(self.rules.article):
            raise NotAnArticle(f"no article content ({self.rules.name} page of another kind)")

    # -- fields ----------------------------------------------------------------------

    @cached_property
    def url(self) -> str:
        """The page's canonical link when it stays on the fetched site, else the fetched URL.

        The scheme and host are the fetched URL's: a site behind a proxy often declares
        ``http://`` canonicals while it answers on ``https://``, and the crawl must recognise
        the article under the URL its listings give.
        """
        declared = self.absolute(self.first(selectors.CANONICAL))
        fetched = urlsplit(self.page_url)
        if declared and urlsplit(declared).hostname == fetched.hostname:
            return self.canonical(urlunsplit((fetched.scheme, fetched.netloc, *urlsplit(declared)[2:])))
        return self.canonical(self.page_url)

    @cached_property
    def title(self) -> str:
        """og:title, the headline its publisher gives the article to be shared, before the JSON-LD headline,
        which is often a search engine's variant; but where og:title is the page's confirmed headline with
        labels around it (a section, a kicker, a site name not otherwise stated), that headline."""
        if self.rules:
            from_rules = self.first(self.rules.title)
            if from_rules:
                return from_rules
        sources = (self.first(selectors.OG_TITLE), self.jsonld_headline, self.visible_headline, self.document_title)
        chosen = next((self.without_site_name(clean_text(unescape(title))) for title in sources if title), "")
        confirmed = self.confirmed_headline
        return self.as_displayed(unlabelled(chosen, confirmed) if confirmed else chosen)

    def as_displayed(self, title: str) -> str:
        """``title`` with the visible headline's quotes where the two differ in nothing else and the document
        title writes them as the visible headline does: og:title was typed with ASCII quotes for sharing."""
        visible, document = self.visible_headline, self.document_title
        if (not visible or not document or visible == title
                or visible.translate(ASCII_QUOTES) != title.translate(ASCII_QUOTES)):
            return title
        return visible if self.without_site_name(document) == visible else title

    @cached_property
    def confirmed_headline(self) -> str | None:
        """The headline the page's other sources agree on: the JSON-LD headline where the visible one is the same
        or missing; without a JSON-LD headline, the visible one where the document title is the same."""
        headline, visible = self.jsonld_headline, self.visible_headline
        if headline:
            return self.without_site_name(headline) if visible in (None, headline) else None
        if visible and self.document_title and visible == self.without_site_name(self.document_title):
            return visible
        return None

    @cached_property
    def jsonld_headline(self) -> str | None:
        headline = self.jsonld_value("headline")
        # CMSs often write the JSON-LD headline HTML-escaped ("&#8216;", "&quot;").
        return clean_text(unescape(headline)) if isinstance(headline, str) else None

    @cached_property
    def visible_headline(self) -> str | None:
        return self.first(selectors.HEADINGS_1)

    @cached_property
    def document_title(self) -> str | None:
        return self.first(selectors.DOCUMENT_TITLE)

    @cached_property
    def site_names(self) -> list[str]:
        """The site's names as the page states them: og:site_name, the JSON-LD publisher, and the suffix
        that og:title and the document title share after a separator."""
        publisher = jsonld.names(self.jsonld_value("publisher"))
        return [name for name in (self.site_name, *publisher, self.repeated_title_suffix) if name]

    @cached_property
    def repeated_title_suffix(self) -> str | None:
        """A suffix that two different titles of the page end in is no part of either headline."""
        titles = {title for title in (self.first(selectors.OG_TITLE), self.document_title) if title}
        # Unless the headline itself ends so: "Bericht: Aktivistin getötet - Justiz dementiert".
        headlines = [title for title in (self.visible_headline, self.jsonld_headline) if title]
        for separator in TITLE_SEPARATORS:
            suffixes = {title.rpartition(separator)[2] for title in titles if separator in title}
            if len(titles) == 2 and all(separator in title for title in titles) and len(suffixes) == 1:
                suffix = suffixes.pop()
                return None if any(headline.endswith(suffix) for headline in headlines) else suffix
        return None

    def without_site_name(self, title: str) -> str:
        for name in self.site_names:
            for separator in TITLE_SEPARATORS:
                suffix = separator + name
                if title.casefold().endswith(suffix.casefold()) and len(title) > len(suffix):
                    return title[: -len(suffix)].strip()
        return title

    @cached_property
    def authors(self) -> list[str]:
        """The first source's person names, sources from the most trusted down, or a later one's that adds
        co-authors to them; a source that names no person (an e-mail, a profile URL, the outlet's brand)
        gives way to the next. On the generic path, where every author field names the outlet or nobody's
        account, a class-marked byline or a bold byline line in the text."""
        sources: list[list[str]] = [self.texts(self.rules.authors)] if self.rules else []
        # Where one string holds several names ("A, B und C, dpa"), they are split before any is judged.
        persons = [person for person in jsonld.persons(self.jsonld_value("author"), jsonld.by_id(self.jsonld))
                   if not self.is_placeholder_account(person)]
        sources.append([name for text in jsonld.names(persons) for name in AUTHOR_SEPARATORS.split(text)])
        sources += [[name for meta in self.texts(xpath) for name in AUTHOR_SEPARATORS.split(meta)]
                    for xpath in selectors.AUTHOR_METAS]
        if not self.rules:
            sources += [self.texts(selectors.WP_AUTHORS), *map(self.texts, selectors.VISIBLE_AUTHORS)]
        found = [names for names in map(self.person_names, sources) if names]
        if not found and not self.rules and (any(sources) or self.jsonld_value("author")):
            # The author fields credit the outlet (or nobody's account): the writer is signed in the text.
            found = [names for names in map(self.person_names, (self.marked_byline, self.text_byline)) if names]
        # A graph may name the first author only (Yoast's does) where a later source names every co-author.
        return max(found, key=lambda names: (set(names) >= set(found[0]), len(names)), default=[])

    @cached_property
    def marked_byline(self) -> list[str]:
        """The names of the first element a class marks as a byline that holds only names, or names and the
        one word of a place or an agency ("Von Jana Roth, Köln"), which is dropped; a byline run into its date
        ("By A and B Monday, November 18, 2019") or a writer's bio gives none."""
        for line in self.texts(selectors.MARKED_BYLINES):
            parts = AUTHOR_SEPARATORS.split(BYLINE_PREFIX.sub("", line))
            if is_name_shaped(parts[0]) and all(is_name_shaped(part) or len(part.split()) == 1 for part in parts):
                return [part for part in parts if is_name_shaped(part)]
        return []

    @cached_property
    def text_byline(self) -> list[str]:
        """The names of a bold byline line that opens or closes the article's text, if it holds only names."""
        for line in self.texts(selectors.BOLD_BYLINE_PARAGRAPH):
            names = TEXT_BYLINE_SEPARATORS.split(line)
            if all(map(is_name_shaped, names)):
                return names
        return []

    def is_placeholder_account(self, person: object) -> bool:
        """The CMS's first account where its display name is no writer's: a placeholder, a desk's, or one the
        outlet's name is part of ("Tagesblatt Online", "Ilanga D" of "Ilanga News"). On a one-writer blog the
        owner's ``admin`` account often carries the owner's own name, which the blog's may hold in turn
        ("Jana Roth" of "Jana Roth Fotografie")."""
        if not is_admin_account(person):
            return False
        words = set(" ".join(jsonld.names(person)).casefold().split())
        outlets = [set(site.casefold().split()) - NON_NAME_WORDS for site in self.site_names] + [{self.host_name}]
        return (not words or words <= PLACEHOLDER_AUTHORS or bool(words & STAFF_WORDS)
                or any(words & outlet and not words < outlet for outlet in outlets))

    def person_names(self, candidates: list[str]) -> list[str]:
        names: list[str] = []
        for candidate in candidates:
            name = clean_text(BYLINE_PREFIX.sub("", candidate))
            if self.is_person_name(name) and name not in names:
                names.append(name)
        return names

    def is_person_name(self, name: str) -> bool:
        """Not a placeholder, the site or outlet, a profile link or e-mail, nor a sentence."""
        outlet = {site.casefold() for site in self.site_names} | {self.host, self.host_name}
        return (bool(name) and name.lower() not in PLACEHOLDER_AUTHORS and name.casefold() not in outlet
                and not NOT_A_NAME.search(name) and len(name.split()) <= MAX_NAME_WORDS)

    @cached_property
    def host(self) -> str:
        return (urlsplit(self.page_url).hostname or "").removeprefix("www.")

    @cached_property
    def host_name(self) -> str:
        """The outlet's name as its domain spells it: ``vnexpress`` of vnexpress.net, ``lto`` of lto.de."""
        labels = self.host.split(".")
        second_level = len(labels) > 2 and labels[-2] in SECOND_LEVEL_DOMAINS
        return labels[-3] if second_level else labels[-2] if len(labels) > 1 else self.host

    def date_candidates(self, jsonld_key: str, meta: str, time_element: str, rules_time: str | None,
                        rules_text: str | None) -> list[tuple[str, object]]:
        """(source, raw) of one date, the most trusted source first."""
        return [
            (dates.JSON_LD, self.jsonld_value(jsonld_key)),
            (dates.META, self.first(meta)),
            # With site rules, only their own <time>: a page's first <article> may be another post's card.
            (dates.TIME_ELEMENT, self.first(rules_time) if self.rules else self.first(time_element)),
            (dates.BYLINE, self.first(rules_text)),
        ]

    @cached_property
    def published_candidates(self) -> list[tuple[str, object]]:
        rules = self.rules
        return self.date_candidates("datePublished", selectors.PUBLISHED_META, selectors.PUBLISHED_TIME,
                                    rules and rules.published, rules and rules.published_text)

    @cached_property
    def modified_candidates(self) -> list[tuple[str, object]]:
        rules = self.rules
        return self.date_candidates("dateModified", selectors.MODIFIED_META, selectors.MODIFIED_TIME,
                                    rules and rules.modified, rules and rules.modified_text)

    @cached_property
    def page_zone(self) -> tzinfo | None:
        """The offset the page's dates state, for those of its times that state none."""
        return dates.page_zone(raw for _, raw in self.published_candidates + self.modified_candidates)

    @cached_property
    def published(self) -> FoundDate | None:
        candidates = self.published_candidates + [(dates.URL, dates.url_date(self.page_url))]
        return dates.first_plausible(candidates, self.default_tz, page_tz=self.page_zone)

    @cached_property
    def modified(self) -> FoundDate | None:
        """The last update; the publication date itself when the page names no other."""
        found = dates.first_plausible(self.modified_candidates, self.default_tz, page_tz=self.page_zone)
        if found is None and self.published is not None:
            return FoundDate(self.published.value, self.published.raw, "published", self.published.precision)
        return found

    @cached_property
    def categories(self) -> list[str]:
        if self.rules:
            names = self.texts(self.rules.primary_category)[:1] + self.class_terms(self.rules.post_classes, "category")
        else:
            names = (self.texts(selectors.WP_CATEGORY_LINKS)
                     or self.class_terms(selectors.WP_POST_CLASSES, "category"))
        if not names:
            section = self.jsonld_value("articleSection")
            names = [section] if isinstance(section, str) else [s for s in section or [] if isinstance(s, str)]
            names += self.texts(selectors.SECTION_META)
        return list(dict.fromkeys(clean_text(name) for name in names if clean_text(name)))

    def class_terms(self, classes: str | None, base: str) -> list[str]:
        """The display names of the terms WordPress lists in post classes: ``category-<slug>``, ``tag-<slug>``."""
        prefix = f"{base}-"
        # Category archives live under the site's category base (``/category/`` unless the site renamed it).
        archive = self.profile.urls.category_base if base == "category" else base
        return [self.term_name(archive, css_class.removeprefix(prefix))
                for css_class in " ".join(self.texts(classes)).split() if css_class.startswith(prefix)]

    def term_name(self, base: str, slug: str) -> str:
        """A term's display name from any link to its archive on the page, else from its slug."""
        links = self.tree.xpath(selectors.TERM_LINK, base=base, slug=slug)
        linked = next((text for text in map(element_text, links) if text), None)
        return linked or slug.replace("-", " ").title()

    @cached_property
    def tags(self) -> list[str]:
        """The page's own keywords: the theme's tag links, else the first keyword source that gives any;
        one entry per name, whatever its case."""
        if self.rules:
            tags = self.texts(self.rules.tags)
        else:
            tags = self.texts(selectors.WP_TAG_LINKS) or self.class_terms(selectors.WP_POST_CLASSES, "tag")
        keyword_sources = (self.keyword_meta(selectors.NEWS_KEYWORDS_META), keyword_list(self.jsonld_value("keywords")),
                           self.keyword_meta(selectors.TAG_META), self.keyword_meta(selectors.KEYWORDS_META))
        tags = tags or next((source for source in keyword_sources if source), [])
        unique: dict[str, str] = {}
        # Keywords come HTML-escaped as headlines do ("&amp;").
        for tag in (clean_text(unescape(tag)) for tag in tags):
            if tag:
                unique.setdefault(tag.casefold(), tag)
        return list(unique.values())

    def keyword_meta(self, xpath: str) -> list[str]:
        return [keyword for content in self.texts(xpath) for keyword in keyword_list(content)]

    @cached_property
    def related_links(self) -> list[RelatedLink]:
        """The site's related-posts block; on the generic path, the first common block that lists posts."""
        if self.rules is None:
            blocks = selectors.RELATED_BLOCKS
        elif self.rules.related_item:
            blocks = (RelatedBlock(self.rules.related_item, self.rules.related_link, self.rules.related_published),)
        else:
            blocks = ()
        return next((links for links in map(self.related_in, blocks) if links), [])

    def related_in(self, block: RelatedBlock) -> list[RelatedLink]:
        links = []
        for item in self.tree.xpath(block.item):
            anchors = item.xpath(block.link)
            if not anchors or not anchors[0].get("href"):
                continue
            published = self.texts(block.published, context=item)
            links.append(RelatedLink(
                url=self.canonical(self.absolute(anchors[0].get("href"))),
                title=element_text(anchors[0]),
                published=iso_datetime(published[0], self.default_tz) if published else None,
            ))
        return links

    @cached_property
    def image_url(self) -> str | None:
        image = self.absolute(self.first(selectors.OG_IMAGE) or self.jsonld_image())
        return clean_url(image) if image else None

    def jsonld_image(self) -> str | None:
        image = self.jsonld_value("image")
        if isinstance(image, list):
            image = image[0] if image else None
        if isinstance(image, dict):
            image = image.get("url")
        return image if isinstance(image, str) else None

    @cached_property
    def description(self) -> str | None:
        return self.first(selectors.DESCRIPTION, selectors.OG_DESCRIPTION)

    @cached_property
    def content(self) -> tuple[str, str | None]:
        """(body, source_url): from the site's content element when the rules find it, else generic.

        An empty content element stays empty: a generic fallback there would pick up
        the widgets around it, which are other posts' text.
        """
        if self.rules:
            containers = self.tree.xpath(self.rules.content)
            if containers:
                return self.content_by_rules(containers[0])
        # trafilatura often keeps the headline, as the first block or where a video or a
        # share box repeats it; the page states it as its title, og:title or first <h1>.
        headlines = [self.title, self.first(selectors.OG_TITLE), self.first(selectors.HEADINGS_1)]
        blocks = without_boilerplate(article_span(extract_blocks(self.tree, url=self.page_url)), headlines)
        if len("".join(blocks)) < MIN_EXTRACTED_CHARS:
            rescued = without_boilerplate(article_span(baseline_blocks(self.tree)), headlines)
            blocks = max(blocks, rescued, key=lambda found: len("".join(found)))
        return "\n\n".join(blocks), self.source_link_off_site

    @cached_property
    def source_link_off_site(self) -> str | None:
        """The last "Source link" of the page that leads to another site: the original outlet's article."""
        for link in reversed(self.tree.xpath(selectors.SOURCE_LINK)):
            target = self.absolute(link.get("href"))
            if target and (urlsplit(target).hostname or "").removeprefix("www.") != self.host:
                return clean_url(target)
        return None

    def content_by_rules(self, container: HtmlElement) -> tuple[str, str | None]:
        content = copy.deepcopy(container)
        for xpath in self.rules.content_boilerplate:
            for element in content.xpath(xpath):
                element.drop_tree()
        source_url = None
        if self.rules.source_link:
            links = content.xpath(self.rules.source_link)
            if links:
                link = links[-1]
                target = self.absolute(link.get("href"))
                source_url = clean_url(target) if target else None
                holder = link.getparent()
                # The paragraph holding only the link goes with it; the content element itself stays.
                alone = holder is not content and clean_text(holder.text_content()) == element_text(link)
                (holder if alone else link).drop_tree()
        for line in content.xpath(selectors.PARAGRAPHS_WITH_LINKS):
            if self.links_to_own_site(line) and is_related_links_line(element_text(line)):
                line.drop_tree()
        return "\n\n".join(article_span(html_blocks(content))), source_url

    def links_to_own_site(self, element: HtmlElement) -> bool:
        """True if the element links to a page of the fetched site: the site's other posts."""
        return any(urlsplit(self.absolute(href) or "").hostname == urlsplit(self.page_url).hostname
                   for href in element.xpath(".//a/@href"))

    @property
    def rule_set(self) -> str:
        """The name of the rules that steered extraction, for the record and the crawl's monitoring."""
        return self.rules.name if self.rules else GENERIC

    @cached_property
    def language(self) -> str | None:
        return identify(self.content[0], self.first(selectors.HTML_LANG, selectors.OG_LOCALE))

    def record(self) -> ArticleRecord:
        self.require_article()
        body, source_url = self.content
        body = clean_body(body)
        if not body:
            raise ExtractionError("no article text found")
        title = self.title
        if not title:
            raise ExtractionError("no title found")
        published, modified = self.published, self.modified
        return ArticleRecord(
            url=self.url,
            title=title,
            body=body,
            authors=self.authors,
            published=published and published.value,
            published_raw=published and published.raw,
            published_source=published and published.source,
            published_precision=published and published.precision,
            modified=modified and modified.value,
            modified_raw=modified and modified.raw,
            modified_source=modified and modified.source,
            modified_precision=modified and modified.precision,
            categories=self.categories,
            tags=self.tags,
            language=self.language,
            related_links=self.related_links,
            source_url=source_url,
            image_url=self.image_url,
            description=self.description,
            word_count=len(body.split()),
            extracted_with=self.rule_set,
        )


def extract(html: str | bytes, url: str, default_tz: tzinfo | None = None, *,
            profile: SiteProfile = DEFAULT_PROFILE) -> ArticleRecord:
    """The article record of one page of ``profile``'s site; dates without an offset in ``default_tz``,
    by default the profile's zone.

    Raises NotAnArticle for pages of a known site that are not articles, and
    ExtractionError (its parent) for anything that gives no usable record.
    """
    zone = default_tz or site_timezone(profile.timezone)
    try:
        return ArticlePage(parse_html(html, whole=True), url, zone, profile).record()
    except ExtractionError:
        raise
    except Exception as unforeseen:
        # A case the extractor does not handle is a defect to fix, but the page is still one that gives no
        # record: the crawl records it with this reason and goes on, instead of losing it in a traceback.
        raise ExtractionError(f"the extractor failed: {type(unforeseen).__name__}: {unforeseen}") from unforeseen


def extract_body(html: str | bytes, url: str | None = None) -> str:
    """Only the body text, for any news page; empty when none is found."""
    page = ArticlePage(parse_html(html), url or "", timezone.utc)
    return clean_body(page.content[0])
