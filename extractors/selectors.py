"""Page-level selectors that hold on any site: meta tags, links, the document language.

Site-specific selectors live with their site's rules (``extractors/sites``).
"""

from __future__ import annotations


def has_class(name: str) -> str:
    """XPath predicate body matching one whole class name, as CSS ``.name`` does."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


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
    ' or @name="parsely-pub-date" or @name="sailthru.date" or @name="dc.date.issued" or @name="DC.date.issued"]/@content'
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
AUTHOR_META = '//meta[@name="author"]/@content'
TAG_META = meta_property("article:tag")
SECTION_META = meta_property("article:section")
# WordPress's post classes on <article>: "category-<slug>", "tag-<slug>".
# $base and $slug are XPath variables: a slug taken from a class attribute may hold quotes.
TERM_LINK = ('//a[contains(@href, concat("/", $base, "/")) and substring(@href, string-length(@href) - '
             'string-length($slug) - 1) = concat("/", $slug, "/")]')
# Listing pages of any WordPress theme, for a site no rules know (a profile's ``generic_listings``):
# the post <article>s core's loop prints and block themes' query loop; core's pagination
# (``the_posts_pagination``, ``next_posts_link``) and the query loop's; menus of ``wp_nav_menu``
# and of the navigation block.
WP_LISTING_ARTICLES = (
    "//article[starts-with(@id, 'post-')]//*[self::h1 or self::h2 or self::h3]//a/@href"
    f" | //li[{has_class('wp-block-post')}]//*[{has_class('wp-block-post-title')}]//a/@href"
)
WP_NEXT_PAGE = (
    f"//a[{has_class('next')} and {has_class('page-numbers')}]/@href"
    f" | //a[{has_class('wp-block-query-pagination-next')}]/@href"
    " | //*[contains(@class, 'nav-previous')]//a/@href"
)
WP_MENU_LINKS = (
    f"//li[{has_class('menu-item')}]/a/@href"
    f" | //a[{has_class('wp-block-navigation-item__content')}]/@href"
)
