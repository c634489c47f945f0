"""ThemeSphere SmartMag v10 on WordPress, as potusnews.news renders it.

Markup notes: ``shared/site/MARKUP.md`` in the steering repo. The header, sidebar,
footer and widgets repeat other posts' titles and dates on every page, so every
selector is anchored in the post header, the post's <article> or the related block.
"""

from ..selectors import has_class
from .rules import SiteRules

HEADER = f"//div[{has_class('the-post-header')}]"
POST = f"//article[starts-with(@id, 'post-') and {has_class('type-post')}]"

SMARTMAG_V10 = SiteRules(
    name="smartmag-v10",
    fingerprint=f"//link[@id='smartmag-core-css'] | //div[{has_class('smart-head')}]",
    article=f"{POST}//div[{has_class('post-content')}]",
    content=f"{POST}//div[{has_class('post-content')}]",
    content_boilerplate=(
        f".//div[{has_class('post-share-float')}]",
        f".//div[starts-with(@class, 'post-share')]",
        ".//figcaption",
        # Ad slots SmartMag injects between paragraphs.
        f".//div[{has_class('a-wrap')}]",
        ".//script | .//style | .//noscript",
    ),
    # The aggregator's closing paragraph: a bare link to the original article (the last one counts).
    source_link=".//a[translate(normalize-space(), 'SOURCELINK', 'sourcelink') = 'source link']",
    title=f"{HEADER}//h1[{has_class('post-title')}]",
    authors=f"{HEADER}//*[{has_class('post-author')}]//a[@rel='author']",
    published=f"{HEADER}//*[{has_class('date')}]/time[{has_class('post-date')}]/@datetime",
    modified=f"{HEADER}//*[{has_class('date-modified')}]/time/@datetime",
    published_text=f"{HEADER}//*[{has_class('date')}]/time[{has_class('post-date')}]",
    modified_text=f"{HEADER}//*[{has_class('date-modified')}]/time",
    primary_category=f"{HEADER}//*[{has_class('cat-labels')}]//a[@rel='category']",
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
    next_page=(
        f"//nav[{has_class('main-pagination')}]//a[{has_class('next')}]/@href"
        f" | //div[{has_class('pagination-more')}]//a[{has_class('load-button')}]/@href"
    ),
    category_links=(
        f"//nav[{has_class('navigation-main')}]//a/@href | //ul[{has_class('mobile-menu')}]//a/@href"
    ),
)
