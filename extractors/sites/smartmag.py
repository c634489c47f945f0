"""ThemeSphere SmartMag v10 on WordPress, as potusnews.news and other SmartMag sites render it.

Markup notes: ``shared/site/MARKUP.md`` in the steering repo. The header, sidebar,
footer and widgets repeat other posts' titles and dates on every page, so every
selector is anchored in the post header, the post's <article> or the related block.

Each single-post layout prints its post header in an element of its own, so each
has its rule set, named ``smartmag-v10/<layout>``; ``smartmag-v10`` itself reads
no header and serves listing pages and posts whose layout prints none (a cover
post without a featured image). The theme options change items inside the header,
which every layout's rules read alike:

- "Use Modified Date": the date item shows the modified date, classed ``date-modified``
  like the "Updated:" item, so the header then shows no publication date;
- category style "Labels" (``cat-labels``) or "Normal Text" (``post-cat``);
- the author item may be off; Co-Authors Plus links several authors in it.
"""

from dataclasses import replace

from ..selectors import has_class
from .rules import SiteRules

POST = f"//article[starts-with(@id, 'post-') and {has_class('type-post')}]"
#: The post header of each single-post layout (``partials/single/layout-*.php`` of the theme).
LAYOUT_HEADERS = {
    # Title and meta over the featured image, above the content and sidebar row.
    "cover": f"//section[{has_class('the-post-header')} and {has_class('post-cover')}]",
    # Inside the post's <article>, with the featured image.
    "classic": f"{POST}/header[{has_class('the-post-header')} and {has_class('post-header')}]",
    # Above the featured image, outside the <article>; the theme's default.
    "modern": f"//div[{has_class('the-post-header')} and {has_class('s-head-modern')}]",
}

SMARTMAG_V10 = SiteRules(
    name="smartmag-v10",
    fingerprint=f"//link[@id='smartmag-core-css'] | //div[{has_class('smart-head')}]",
    article=f"{POST}//div[{has_class('post-content')}]",
    content=f"{POST}//div[{has_class('post-content')}]",
    content_boilerplate=(
        f".//div[{has_class('post-share-float')}]",
        ".//div[starts-with(@class, 'post-share')]",
        ".//figcaption",
        # Ad slots SmartMag injects between paragraphs.
        f".//div[{has_class('a-wrap')}]",
        # Ad Inserter's blocks, before, between and after the paragraphs.
        f".//div[{has_class('code-block')}]",
        ".//script | .//style | .//noscript",
    ),
    # The aggregator's closing paragraph: a bare link to the original article (the last one counts).
    # normalize-space: WP Automatic writes "Source link " with a trailing space.
    source_link=".//a[translate(normalize-space(), 'SOURCELINK', 'sourcelink') = 'source link']",
    post_classes=f"{POST}/@class",
    tags=f"//div[{has_class('the-post-tags')}]//a[@rel='tag']",
    related_item=f"//section[{has_class('related-posts')}]//article[{has_class('l-post')}]",
    related_link=f".//*[{has_class('post-title')}]/a",
    related_published=f".//time[{has_class('post-date')}]/@datetime",
    # The listing and the featured block repeated above it; never the sidebar or footer widgets.
    listing_articles=(
        f"//div[{has_class('main-content')}]//article[{has_class('l-post')}]//*[{has_class('post-title')}]/a/@href"
        f" | //section[{has_class('block-feat-grid')}]//article//*[{has_class('post-title')}]/a/@href"
    ),
    # The load-more button's link is "#" where it loads by script: then the next page is numbered.
    next_page=(
        f"//nav[{has_class('main-pagination')}]//a[{has_class('next')}]/@href"
        f" | //div[{has_class('pagination-more')}]//a[{has_class('load-button')}]/@href"
    ),
    numbered_page="page/{number}/",
    # Menu items' own links: a mega menu also shows posts inside the main nav, and the mobile
    # menu may be empty in the server's HTML (a script copies the main nav into it).
    category_links=(
        f"//nav[{has_class('navigation-main')}]//li[{has_class('menu-item')}]/a/@href"
        f" | //ul[{has_class('mobile-menu')}]//li[{has_class('menu-item')}]/a/@href"
    ),
)


def layout_rules(layout: str, header: str) -> SiteRules:
    """The site-wide rules plus the fields that one layout's post header shows."""
    date_item = f"{header}//*[{has_class('date')}]/time[{has_class('post-date')}]"
    modified_item = f"{header}//*[{has_class('date-modified')}]/time"
    return replace(
        SMARTMAG_V10,
        name=f"{SMARTMAG_V10.name}/{layout}",
        layout=header,
        title=f"{header}//h1[{has_class('post-title')}]",
        authors=f"{header}//*[{has_class('post-author')}]//a[@rel='author']",
        published=f"{date_item}/@datetime",
        modified=f"{modified_item}/@datetime",
        published_text=date_item,
        modified_text=modified_item,
        primary_category=f"{header}//*[{has_class('cat-labels')} or {has_class('post-cat')}]//a[@rel='category']",
    )


SMARTMAG_V10_LAYOUTS = tuple(layout_rules(layout, header) for layout, header in LAYOUT_HEADERS.items())
