"""Page-level selectors that hold on any site: meta tags, links, the document language.

Site-specific selectors live with their site's rules (``extractors/sites``).
"""

from __future__ import annotations

from dataclasses import dataclass


def has_class(name: str) -> str:
    """XPath predicate body matching one whole class name, as CSS ``.name`` does."""
    # The plain contains() first: it turns most elements away before the costly string building.
    return f"(contains(@class, '{name}') and contains(concat(' ', normalize-space(@class), ' '), ' {name} '))"


def meta_property(name: str) -> str:
    return f'//meta[@property="{name}" or @name="{name}"]/@content'


CANONICAL = '//link[@rel="canonical"]/@href'
HTML_LANG = "/html/@lang"
DOCUMENT_TITLE = "//head/title"
#: Every <h1>; the first with text is the page's headline.
HEADINGS_1 = "//h1"

OG_TITLE = meta_property("og:title")
OG_TYPE = meta_property("og:type")
OG_SITE_NAME = meta_property("og:site_name")
OG_IMAGE = meta_property("og:image")
OG_LOCALE = meta_property("og:locale")
DESCRIPTION = '//meta[@name="description"]/@content'
OG_DESCRIPTION = meta_property("og:description")
# Yoast and most SEO plugins write article:*; the others are what news CMSs and analytics tags
# write instead. schema.org JSON-LD outranks all of them.
PUBLISHED_META = (
    '//meta[@property="article:published_time" or @name="article:published_time" or @property="og:published_time"'
    ' or @itemprop="datePublished" or @name="pubdate" or @name="publishdate" or @name="publish-date"'
    ' or @name="date" or @name="parsely-pub-date" or @name="sailthru.date" or @name="dc.date.issued" or @name="DC.date.issued"]/@content'
)
MODIFIED_META = (
    '//meta[@property="article:modified_time" or @name="article:modified_time" or @property="og:updated_time"'
    ' or @itemprop="dateModified" or @name="dc.date.modified" or @name="DC.date.modified"]/@content'
)
# A microdata-marked element first; else the first <time> inside the article, which is its
# byline's (later ones belong to embedded or related posts).
PUBLISHED_TIME = '//*[@itemprop="datePublished"]/@datetime | (//article//time[@datetime])[1]/@datetime'
MODIFIED_TIME = '//*[@itemprop="dateModified"]/@datetime'
#: Relative to an article's content: paragraphs with a link, among them "Also Read: <a>…</a>" lines.
PARAGRAPHS_WITH_LINKS = ".//p[.//a[@href]]"
#: Tried in order, one at a time: a source that gives no person's name (an e-mail, a profile URL, the
#: outlet) gives way to the next. ``article:author`` is often a profile URL; analytics tags hold the byline.
AUTHOR_METAS = (
    '//meta[@name="author"]/@content',
    '//meta[@name="article:author" or @property="article:author"]/@content',
    '//meta[@name="parsely-author" or @name="sailthru.author" or @name="DCSext.author"'
    ' or @name="cXenseParse:author" or @name="dc.creator" or @name="DC.creator"'
    ' or @name="twitter:misc:Written by"]/@content',
    # Yoast's share card: the "Written by" label in twitter:labelN, the byline in the twitter:dataN after it.
    '//meta[@content="Written by" and starts-with(@name, "twitter:label")]'
    '/following-sibling::meta[1][starts-with(@name, "twitter:data")]/@content',
)
#: WordPress's first account, which posts carry when nobody signed them; its display name is no writer's.
PLACEHOLDER_ACCOUNT_PATH = "/author/admin/"
PLACEHOLDER_ACCOUNT_LINK = f'contains(@href, "{PLACEHOLDER_ACCOUNT_PATH}")'
#: A byline only the visible markup gives: schema.org microdata, a link marked as the author's, a name the
#: byline's class marks. The first of each: teasers of other posts further down the page mark theirs alike.
VISIBLE_AUTHORS = ('(//*[@itemprop="author"])[1]//*[@itemprop="name"]'
                   ' | (//*[@itemprop="author"])[1][not(.//*[@itemprop="name"])]',
                   # The first rel="author" link, with its co-authors': the byline block is the widest element
                   # around it that holds no paragraph nor heading, so teasers' own links stay out.
                   '(//a[@rel="author"])[1]/ancestor::*[not(.//p or .//h1 or .//h2 or .//h3)][last()]'
                   f'//a[@rel="author"][not({PLACEHOLDER_ACCOUNT_LINK})]'
                   f' | (//a[@rel="author"])[1][not({PLACEHOLDER_ACCOUNT_LINK})]',
                   # A byline's link to the writer's archive page: /author/<slug>, /autoren/name/<slug>.
                   '(//a[contains(@href, "/author/") or contains(@href, "/authors/") or contains(@href, "/autor/")'
                   ' or contains(@href, "/autoren/")][not(ancestor::nav or ancestor::footer)])[1]'
                   f'[not({PLACEHOLDER_ACCOUNT_LINK})]',
                   f"(//*[{has_class('authorname')} or {has_class('author-name')} or {has_class('byline__name')}])[1]")

#: Elements a class marks as a byline or an author's (``article__author``, ``authors__list-item``, ``byline``),
#: the innermost ones, outside the page's menus, footer and side columns; read where the author fields name
#: only the outlet, as a box about the outlet or a teaser's author are marked alike. A byline's parts that
#: hold no name (``byline__section``, ``author-date``, ``byline__share``) are skipped.
BYLINE_PARTS_WITHOUT_NAMES = ("section", "category", "date", "time", "label", "share", "tag")
MARKED_BYLINES = ("//*[(contains(@class, 'author') or contains(@class, 'byline'))"
                  " and not(.//*[contains(@class, 'author') or contains(@class, 'byline')])"
                  f" and not({' or '.join(f'contains(@class, {part!r})' for part in BYLINE_PARTS_WITHOUT_NAMES)})"
                  " and not(ancestor::nav or ancestor::footer or ancestor::aside)"
                  f" and not(.//a[{PLACEHOLDER_ACCOUNT_LINK}])]")
#: A byline set apart in the article's text, where the author fields name only the outlet: a paragraph all in
#: bold (``<p><strong>Jane Doe</strong></p>``) among the article's paragraphs, either before its running text
#: (only a short standfirst above it) or after all of it. Bold lines in between are subheads.
BOLD_BYLINE_PARAGRAPH = (
    "//p[.//text()[normalize-space()] and not(.//text()[normalize-space()][not(ancestor::strong or ancestor::b)])]"
    "[count(../p) >= 4]"
    "[not(following-sibling::p[normalize-space()])"
    " or not(preceding-sibling::p[string-length(normalize-space()) > 100])]"
)

#: The page's own keywords, tried in order (the first that gives any wins): Google News's ``news_keywords``
#: is kept to the story, ``article:tag`` is Open Graph's; after JSON-LD ``keywords`` comes the old
#: ``keywords`` meta, which some CMSs fill with the site's standing keywords.
NEWS_KEYWORDS_META = '//meta[@name="news_keywords"]/@content'
TAG_META = meta_property("article:tag")
KEYWORDS_META = '//meta[@name="keywords" or @name="Keywords"]/@content'
SECTION_META = meta_property("article:section")
# WordPress's post classes on <article>: "category-<slug>", "tag-<slug>".
# $base and $slug are XPath variables: a slug taken from a class attribute may hold quotes.
TERM_LINK = ('//a[contains(@href, concat("/", $base, "/")) and substring(@href, string-length(@href) - '
             'string-length($slug) - 1) = concat("/", $slug, "/")]')

# -- WordPress core markup: what any WordPress theme prints, classic or block, and common plugins ----
# The generic path reads these where no site's rules match. A listed post (a query loop's item)
# is another post: every selector of the post's own fields stays outside them.

#: A classic theme's post: ``<article id="post-N" class="post category-<slug> tag-<slug> …">``; the first,
#: as widgets and related-posts blocks after it may print other posts the same way.
WP_POST = "(//article[starts-with(@id, 'post-')])[1]"
WP_POST_CLASSES = f"{WP_POST}/@class"
NOT_IN_QUERY_LOOP = f"not(ancestor::*[{has_class('wp-block-post')}])"


def wp_post_terms(taxonomy: str) -> str:
    """Term links of a block theme's ``core/post-terms`` block; WordPress marks every taxonomy's ``rel="tag"``."""
    return (f"//*[{has_class('wp-block-post-terms')} and {has_class('taxonomy-' + taxonomy)} and {NOT_IN_QUERY_LOOP}]"
            "//a[@href]")


#: Block themes' category terms; classic themes' ``the_category()`` links (``rel="category tag"``).
WP_CATEGORY_LINKS = (f"{wp_post_terms('category')}"
                     f" | {WP_POST}//a[contains(concat(' ', normalize-space(@rel), ' '), ' category ')]")
#: Block themes' tag terms; classic themes' ``the_tags()`` links (``rel="tag"`` alone).
WP_TAG_LINKS = f"{wp_post_terms('post_tag')} | {WP_POST}//a[@rel='tag']"
#: The byline: the core post-author blocks (the post's first author only), a classic theme's ``rel="author"``
#: link. The last resort: JSON-LD and Yoast's author meta name every co-author.
WP_AUTHORS = (f"//*[({has_class('wp-block-post-author-name')} or {has_class('wp-block-post-author__name')})"
              f" and {NOT_IN_QUERY_LOOP}]"
              f" | {WP_POST}//a[@rel='author']")
#: WP Automatic's closing link to the original article, "Source link" (a trailing space or not); the last counts.
SOURCE_LINK = "//a[@href][translate(normalize-space(), 'SOURCELINK', 'sourcelink') = 'source link']"


@dataclass(frozen=True)
class RelatedBlock:
    """A related-posts block: each of its items; relative to an item, the post's link and its date."""

    item: str
    link: str
    published: str | None = None


#: Tried in order; the first that lists posts gives the related links.
RELATED_BLOCKS = (
    # Jetpack's related posts; it shows dates as text only ("March 14, 2025"), so none is read.
    RelatedBlock(item=f"//*[@id='jp-relatedposts']//*[{has_class('jp-relatedposts-post')}]",
                 link=f".//*[{has_class('jp-relatedposts-post-title')}]//a[@href]"),
    # YARPP's list and thumbnail templates.
    RelatedBlock(item=f"//*[{has_class('yarpp-related')}]//li"
                      f" | //*[{has_class('yarpp-related')}]//a[{has_class('yarpp-thumbnail')}]",
                 link="descendant-or-self::a[@href]"),
    # A block theme's query loop after the post's content (the first one: later ones are "more posts").
    RelatedBlock(item=f"(//*[{has_class('wp-block-post-content')}]/following::*[{has_class('wp-block-post-template')}])[1]"
                      f"/*[{has_class('wp-block-post')}]",
                 link=f".//*[{has_class('wp-block-post-title')}]//a[@href]",
                 published=f".//*[{has_class('wp-block-post-date')}]//time/@datetime"),
)

#: Listing pages of any WordPress theme, for a page no site's rules match: the posts of a block theme's
#: main query loop (the first in <main>: a template may add a "more posts" loop below it) and of a classic
#: theme's loop (``<article id="post-N">`` headings); the next link of the query loop's pagination and of
#: core's (``the_posts_pagination``, ``next_posts_link``); the menus of the navigation block and of
#: ``wp_nav_menu``.
WP_LISTING_ARTICLES = (f"(//main//*[{has_class('wp-block-query')}])[1]//*[{has_class('wp-block-post')}]"
                       f"//*[{has_class('wp-block-post-title')}]//a/@href"
                       " | //article[starts-with(@id, 'post-')]//*[self::h1 or self::h2 or self::h3]//a/@href")
WP_NEXT_PAGE = (f"//a[{has_class('wp-block-query-pagination-next')}]/@href"
                f" | //a[{has_class('next')} and {has_class('page-numbers')}]/@href"
                " | //*[contains(@class, 'nav-previous')]//a/@href")
WP_MENU_LINKS = (f"//nav[{has_class('wp-block-navigation')}]//a/@href"
                 f" | //li[{has_class('menu-item')}]/a/@href")
