"""HTML of the demo site in ThemeSphere SmartMag v10 markup, as WordPress + Yoast emit it.

Every page carries the full chrome of the real site (off-canvas menu copy, newsletter
and "What's Hot" widgets, two headers, breadcrumbs, sidebar, footer widgets, search
modal, JSON-LD, scripts), because that chrome is what an extractor must learn to drop.
"""

from __future__ import annotations

import json
from html import escape
from urllib.parse import quote, urlsplit

from .content import Article, Category, DemoContent, Term, display_date, slugify

THEME_VERSION = "10.2.1"
SHARE_SERVICES = ("Facebook", "Twitter", "Pinterest", "Telegram", "LinkedIn", "Tumblr", "WhatsApp", "Email")
BOTTOM_SHARE_SERVICES = ("Facebook", "Twitter", "Pinterest", "LinkedIn", "Tumblr", "Email")
SOCIAL_PROFILES = (("facebook", "Facebook"), ("twitter", "X (Twitter)"), ("instagram", "Instagram"))
INLINE_CSS = (
    ":root{--c-main:#e54e53;--c-main-rgb:229,78,83;--text-font:\"Public Sans\",system-ui,sans-serif;"
    "--body-font:\"Public Sans\",system-ui,sans-serif;--title-font:\"Outfit\",system-ui,sans-serif;}"
    ".smart-head-main .smart-head-mid{--head-h:86px;}.main-footer .upper-footer{background-color:#15171a;}"
    ".post-content{font-size:17px;line-height:1.7;}.cat-labels .category{background-color:#e54e53;}"
    ".loop-list .ratio-is-custom{padding-bottom:calc(100% / 1.575);}"
    "@media (max-width:767px){.main-sidebar{margin-top:40px;}.post-title{font-size:25px;}}"
)
#: Ad Inserter's block: the plugin's wrapper around an ad network's code.
AD_INSERTER_BLOCK = (
    "<div class='code-block code-block-{number}' style='margin: 8px 0; clear: both;'><span class=\"ad-label\">Advertisement</span>"
    '<script async src="https://pagead2.googlesyndication.com/pagead/js/adsbygoogle.js"></script>'
    '<ins class="adsbygoogle" style="display:block" data-ad-client="ca-pub-0000000000000000" data-ad-slot="{number}00"></ins>'
    "<script>(adsbygoogle = window.adsbygoogle || []).push({{}});</script></div>"
)
MEGA_MENU_POSTS = 4
#: Labels of editors' lines linking to another post of the site, inside the text.
INLINE_RELATED_LABELS = ("Also Read:", "Read more:", "Related:")
#: What WP Automatic copies from an outlet's feed before the article: the outlet's disclaimers.
FEED_COPY_HEAD = (
    "Trusted Editorial content, reviewed by leading industry experts and seasoned editors. Ad Disclosure",
    "This content is produced in accordance with our Editorial Policy.",
)
EMOJI_SETTINGS = {
    "baseUrl": "https://s.w.org/images/core/emoji/15.0.3/72x72/",
    "ext": ".png",
    "svgUrl": "https://s.w.org/images/core/emoji/15.0.3/svg/",
    "svgExt": ".svg",
    "source": {"concatemoji": "/wp-includes/js/wp-emoji-release.min.js?ver=6.7.2"},
}


def attr(value: str) -> str:
    return escape(value, quote=True)


def json_script(data: object, **attributes: str) -> str:
    # "</" must not end the script element early; WordPress escapes slashes the same way.
    payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    attrs = "".join(f' {name.replace("_", "-")}="{attr(value)}"' for name, value in attributes.items())
    return f"<script{attrs}>{payload}</script>"


class SmartMagTheme:
    """Renders every kind of page of one demo site served at ``base_url``."""

    def __init__(self, content: DemoContent, base_url: str):
        self.content = content
        self.base = base_url.rstrip("/")

    def url(self, path: str) -> str:
        return self.base + path

    # -- pieces shared by every page -------------------------------------------------

    def head(self, *, title: str, canonical: str, description: str, og_type: str,
             extra_meta: str = "", schema: dict | None = None, feed: str = "") -> str:
        site = self.content.name
        schema_graph = schema or {"@context": "https://schema.org", "@graph": [self.website_node()]}
        return f"""<head>
<meta charset="UTF-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>{escape(title)}</title>
<meta name="robots" content="index, follow, max-image-preview:large, max-snippet:-1, max-video-preview:-1" />
<!-- This site is optimized with the Yoast SEO plugin v24.6 - https://yoast.com/wordpress/plugins/seo/ -->
<meta name="description" content="{attr(description)}" />
<link rel="canonical" href="{attr(canonical)}" />
<meta property="og:locale" content="en_US" />
<meta property="og:type" content="{og_type}" />
<meta property="og:title" content="{attr(title)}" />
<meta property="og:description" content="{attr(description)}" />
<meta property="og:url" content="{attr(canonical)}" />
<meta property="og:site_name" content="{attr(site)}" />
{extra_meta}<meta name="twitter:card" content="summary_large_image" />
{json_script(schema_graph, type="application/ld+json", class_="yoast-schema-graph")}
<!-- / Yoast SEO plugin. -->
<link rel='dns-prefetch' href='//fonts.googleapis.com' />
<link rel="alternate" type="application/rss+xml" title="{attr(site)} &raquo; Feed" href="{self.url('/feed/')}" />
<link rel="alternate" type="application/rss+xml" title="{attr(site)} &raquo; Comments Feed" href="{self.url('/comments/feed/')}" />
{feed}<script type="text/javascript">
/* <![CDATA[ */
window._wpemojiSettings = {json.dumps(EMOJI_SETTINGS)};
!function(i,n){{var o,s,e;function c(e){{try{{var t={{supportTests:e,timestamp:(new Date).valueOf()}};sessionStorage.setItem(o,JSON.stringify(t))}}catch(e){{}}}}}}(window,document);
/* ]]> */
</script>
<style id='wp-emoji-styles-inline-css' type='text/css'>img.wp-smiley, img.emoji {{display: inline !important; border: none !important; height: 1em !important; width: 1em !important;}}</style>
{self.theme_assets()}
<link rel="https://api.w.org/" href="{self.url('/wp-json/')}" />
<link rel="EditURI" type="application/rsd+xml" title="RSD" href="{self.url('/xmlrpc.php?rsd')}" />
<meta name="generator" content="WordPress 6.7.2" />
<link rel="icon" href="{self.url('/wp-content/uploads/2024/11/cropped-favicon-32x32.png')}" sizes="32x32" />
</head>"""

    def theme_assets(self) -> str:
        """The theme's stylesheets and scripts in the head: what tells one theme from another."""
        return f"""<link rel='stylesheet' id='smartmag-core-css' href='{self.url('/wp-content/themes/smart-mag/style.css?ver=' + THEME_VERSION)}' type='text/css' media='all' />
<style id='smartmag-core-inline-css' type='text/css'>{INLINE_CSS}</style>
<link rel='stylesheet' id='smartmag-fonts-css' href='https://fonts.googleapis.com/css?family=Public+Sans%3A400%2C500%2C600%2C700%7COutfit%3A400%2C500%2C600%2C700&#038;display=swap' type='text/css' media='all' />
<script type="text/javascript" src="{self.url('/wp-includes/js/jquery/jquery.min.js?ver=3.7.1')}" id="jquery-core-js"></script>
<script>var BunyadSchemeKey = 'bunyad-scheme'; (() => {{ const d = document.documentElement; const c = d.classList; var scheme = localStorage.getItem(BunyadSchemeKey); if (scheme) {{ d.dataset.origClass = c; scheme === 'dark' ? c.remove('s-light', 'site-s-light') : c.remove('s-dark', 'site-s-dark'); c.add('site-s-' + scheme, 's-' + scheme); }} }})();</script>"""

    def website_node(self) -> dict:
        return {
            "@type": "WebSite",
            "@id": self.url("/#website"),
            "url": self.url("/"),
            "name": self.content.name,
            "description": self.content.site["tagline"],
            "potentialAction": [{
                "@type": "SearchAction",
                "target": {"@type": "EntryPoint", "urlTemplate": self.url("/?s={search_term_string}")},
                "query-input": {"@type": "PropertyValueSpecification", "valueRequired": True,
                                "valueName": "search_term_string"},
            }],
            "inLanguage": "en-US",
        }

    def menu_items(self, menu_id: str, *, mega_menus: bool = False) -> str:
        """The main menu's items; with ``mega_menus``, the mega menu entries of the desktop nav."""
        items = [f'<li id="{menu_id}-item-10" class="menu-item menu-item-type-custom menu-item-object-custom menu-item-home menu-item-10"><a href="{self.url("/")}">Home</a></li>']
        for entry in self.content.site["menu"]:
            parent = self.content.categories[entry["slug"]]
            children = [self.content.categories[c["slug"]] for c in entry["children"]]
            submenu = ""
            if children:
                submenu = '<ul class="sub-menu">' + "".join(
                    f'<li id="{menu_id}-item-{c.term_id + 100}" class="menu-item menu-item-type-taxonomy menu-item-object-category menu-cat-{c.term_id} menu-item-{c.term_id + 100}"><a href="{self.url(c.path)}">{escape(c.name)}</a></li>'
                    for c in children) + "</ul>"
            has_children = " menu-item-has-children" if children else ""
            if mega_menus and parent.slug in self.content.mega_menu_categories:
                has_children += " item-mega-menu"
                submenu = self.mega_menu(parent, children)
            items.append(
                f'<li id="{menu_id}-item-{parent.term_id + 100}" class="menu-item menu-item-type-taxonomy menu-item-object-category{has_children} menu-cat-{parent.term_id} menu-item-{parent.term_id + 100}"><a href="{self.url(parent.path)}">{escape(parent.name)}</a>{submenu}</li>')
        return "".join(items)

    def mega_menu(self, category: Category, children: list[Category]) -> str:
        """SmartMag's category mega menu: sub-categories, the category's latest posts, a "View All" link."""
        sub_categories = "".join(
            f'<li class="menu-item menu-item-type-taxonomy menu-item-object-category menu-cat-{c.term_id}"><a href="{self.url(c.path)}">{escape(c.name)}</a></li>'
            for c in children)
        posts = "".join(
            f'<article class="l-post grid-post grid-base-post"><div class="content"><h2 class="is-title post-title"><a href="{self.url(a.path)}">{escape(a.title)}</a></h2>'
            f'<div class="post-meta-items meta-below"><span class="meta-item date"><span class="date-link"><time class="post-date" datetime="{a.published}">{display_date(a.published)}</time></span></span></div></div></article>'
            for a in self.content.in_category(category)[:MEGA_MENU_POSTS])
        return (f'<div class="sub-menu mega-menu mega-menu-a wrap"><ul class="sub-cats">{sub_categories}</ul>'
                f'<section class="column recent-posts"><div class="posts">{posts}</div>'
                f'<a href="{self.url(category.path)}" class="view-all">View All</a></section></div>')

    def logo(self, css_class: str) -> str:
        return (f'<img src="{self.url("/wp-content/uploads/2024/11/potus-logo.png")}" class="{css_class}" '
                f'width="240" height="56" alt="{attr(self.content.name)}" />')

    def small_post(self, article: Article, *, with_excerpt: bool = False) -> str:
        excerpt = f'<div class="excerpt"><p>{escape(article.excerpt)}</p></div>' if with_excerpt else ""
        media = ""
        if article.image:
            media = (f'<div class="media"><a href="{self.url(article.path)}" class="image-link media-ratio ar-bunyad-thumb" title="{attr(article.title)}">'
                     f'<span data-bgsrc="{self.url(article.image_path(article.image["file"]))}" class="img bg-cover wp-post-image attachment-medium size-medium lazyload" role="img" aria-label="{attr(article.image["alt"])}"></span></a></div>')
        return f"""<article class="l-post small-post small-a-post m-pos-left">{media}<div class="content">
<div class="post-meta post-meta-a post-meta-left has-below"><h4 class="is-title post-title"><a href="{self.url(article.path)}">{escape(article.title)}</a></h4>
<div class="post-meta-items meta-below"><span class="meta-item date"><span class="date-link"><time class="post-date" datetime="{article.published}">{display_date(article.published)}</time></span></span></div></div>{excerpt}
</div></article>"""

    def posts_widget(self, widget_id: str, heading: str, articles: list[Article], *,
                     css: str = "widget ts-block-widget smartmag-widget-posts-small",
                     first_with_excerpt: bool = False) -> str:
        posts = "".join(self.small_post(a, with_excerpt=first_with_excerpt and i == 0) for i, a in enumerate(articles))
        return f"""<div id="{widget_id}" class="{css}"><div class="block">
<section class="block-wrap block-posts-small block-sc mb-none" data-id="{widget_id}">
<div class="widget-title block-head block-head-ac block-head block-head-ac block-head-g is-left has-style"><h5 class="heading">{escape(heading)}</h5></div>
<div class="block-content"><div class="loop loop-small loop-small-a loop-sep loop-small-sep grid grid-1 md:grid-1 sm:grid-1 xs:grid-1">{posts}</div></div>
</section></div></div>"""

    def social_icons(self) -> str:
        links = "".join(
            f'<a href="#" class="link service s-{key}" target="_blank" rel="nofollow noopener"><i class="icon tsi tsi-{key}"></i><span class="visuallyhidden">{label}</span></a>'
            for key, label in SOCIAL_PROFILES)
        return f'<div class="spc-social-block spc-social spc-social-b smart-head-social">{links}</div>'

    def off_canvas(self) -> str:
        return f"""<div class="off-canvas-backdrop"></div>
<div class="mobile-menu-container off-canvas s-dark hide-widgets-sm" id="off-canvas">
<div class="off-canvas-head"><a href="#" class="close"><span class="visuallyhidden">Close Menu</span><i class="tsi tsi-times"></i></a>
<div class="ts-logo">{self.logo("logo-mobile logo-image")}<span class="logo-text">{escape(self.content.name)}</span></div></div>
<div class="off-canvas-content"><ul id="menu-main-menu-1" class="mobile-menu">{self.menu_items("mobile-menu") if self.content.mobile_menu_in_html else ""}</ul>
<div class="off-canvas-widgets">
<div id="smartmag-block-newsletter-2" class="widget ts-block-widget smartmag-widget-newsletter"><div class="block"><div class="block-newsletter "><div class="spc-newsletter spc-newsletter-b spc-newsletter-center spc-newsletter-sm">
<div class="bg-wrap"></div><div class="inner"><h3 class="heading">Subscribe to Updates</h3><div class="base-text message"><p>Subscribe to our newsletter and never miss our latest news</p></div>
<form method="post" action="" class="form fields-style fields-full" target="_blank"><div class="main-fields"><p class="field-email"><input type="email" name="EMAIL" placeholder="Your email address.." required /></p>
<p class="field-submit"><input type="submit" value="Subscribe my Newsletter for New Posts &amp; tips Let's stay updated!" /></p></div></form></div></div></div></div></div>
{self.posts_widget("smartmag-block-posts-small-3", "What's Hot", self.content.whats_hot)}
</div>{self.social_icons()}</div></div>"""

    def headers(self) -> str:
        return f"""<div class="smart-head smart-head-a smart-head-main" id="smart-head" data-sticky="auto" data-sticky-type="smart" data-sticky-full>
<div class="smart-head-row smart-head-mid is-light smart-head-row-full"><div class="inner full">
<div class="items items-left "><a href="{self.url('/')}" title="{attr(self.content.name)}" rel="home" class="logo-link ts-logo logo-is-image"><span>{self.logo("logo-image logo-image-dark")}{self.logo("logo-image")}</span></a>
<div class="nav-wrap"><nav class="navigation navigation-main nav-hov-a"><ul id="menu-main-menu" class="menu">{self.menu_items("menu", mega_menus=True)}</ul></nav></div></div>
<div class="items items-right "><a href="#" class="search-icon has-icon-only is-icon" title="Search"><i class="tsi tsi-search"></i></a>
<div class="scheme-switcher has-icon-only"><a href="#" class="toggle is-icon toggle-dark" title="Switch to Dark Design - easier on eyes."><i class="icon tsi tsi-moon"></i></a></div></div>
</div></div></div>
<div class="smart-head smart-head-a smart-head-mobile" id="smart-head-mobile" data-sticky="mid" data-sticky-type="smart"><div class="smart-head-row smart-head-mid smart-head-row-3 is-light smart-head-row-full"><div class="inner wrap">
<div class="items items-left "><button class="offcanvas-toggle has-icon" type="button" aria-label="Menu"><span class="hamburger-icon hamburger-icon-a"><span class="inner"></span></span></button></div>
<div class="items items-center "><a href="{self.url('/')}" title="{attr(self.content.name)}" rel="home" class="logo-link ts-logo logo-is-image"><span>{self.logo("logo-mobile logo-image")}</span></a></div>
<div class="items items-right "><a href="#" class="search-icon has-icon-only is-icon" title="Search"><i class="tsi tsi-search"></i></a></div>
</div></div></div>"""

    def breadcrumbs(self, current: str) -> str:
        return (f'<nav class="breadcrumbs is-full-width breadcrumbs-a" id="breadcrumb"><div class="inner ts-contain ">'
                f'<span><a href="{self.url("/")}"><span>Home</span></a></span><span class="delim">&raquo;</span>'
                f'<span class="current">{escape(current)}</span></div></nav>')

    def sidebar(self, category: Category) -> str:
        return f"""<aside class="col-4 main-sidebar has-sep" data-sticky="1"><div class="inner theiaStickySidebar">
{self.posts_widget("smartmag-block-posts-small-2", category.name, self.content.sidebar(category), first_with_excerpt=True)}
<div id="media_image-2" class="widget widget_media_image"><div class="a-wrap a-wrap-base a-wrap-2"><span class="label">Advertisement</span><a href="#"><img width="300" height="250" src="{self.url('/wp-content/uploads/2024/11/ad-300x250.jpg')}" alt="Advertisement" /></a></div></div>
</div></aside>"""

    def footer(self) -> str:
        footer_links = "".join(
            f'<li class="menu-item menu-item-type-post_type menu-item-object-page"><a href="{self.url("/" if name == "Home" else f"/{slugify(name)}/")}">{escape(name)}</a></li>'
            for name in self.content.site["footer_menu"])
        return f"""<footer class="main-footer cols-gap-lg footer-bold s-dark"><div class="upper-footer bold-footer-upper"><div class="ts-contain wrap"><div class="widgets row cf">
{self.posts_widget("smartmag-block-posts-small-4", "Editors Picks", self.content.editors_picks, css="widget col-4 ts-block-widget smartmag-widget-posts-small")}
<div class="widget col-4 widget-about"><div class="widget-title block-head block-head-ac block-head block-head-ac block-head-g is-left has-style"><h5 class="heading">About Us</h5></div>
<div class="inner "><div class="image-logo">{self.logo("logo-image")}</div><div class="base-text about-text"><p>{escape(self.content.site["about"])}</p></div></div></div>
{self.posts_widget("smartmag-block-posts-small-5", "Our Picks", self.content.our_picks, css="widget col-4 ts-block-widget smartmag-widget-posts-small")}
</div></div></div>
<div class="lower-footer bold-footer-lower"><div class="ts-contain inner">{self.social_icons()}
<div class="links"><div class="menu-footer-links-container"><ul id="menu-footer-links" class="menu">{footer_links}</ul></div></div>
<div class="copyright">&copy; 2025 potusnews. Designed by potusnews.</div></div></div></footer>"""

    def page(self, *, head: str, body_class: str, breadcrumb: str, main: str, aside: str,
             above_main: str = "", above_row: str = "", trailing_scripts: str = "") -> str:
        return f"""<!DOCTYPE html>
<html lang="en-US" class="s-light site-s-light">
{head}
<body class="{body_class} right-sidebar has-lb has-lb-sm ts-img-hov-fade layout-normal elementor-default elementor-kit-7">
<div class="main-wrap">
{self.off_canvas()}
{self.headers()}
{self.breadcrumbs(breadcrumb)}
{above_main}<div class="main ts-contain cf right-sidebar">{above_row}<div class="ts-row">
<div class="col-8 main-content">{main}</div>
{aside}
</div></div>
{self.footer()}
</div><!-- .main-wrap -->
<div class="search-modal-wrap" data-scheme="dark"><div class="search-modal-box" role="dialog" aria-modal="true">
<form method="get" class="search-form" action="{self.url('/')}"><input type="search" class="search-field live-search-query" name="s" placeholder="Search..." value="" required />
<button type="submit" class="search-submit visuallyhidden">Submit</button><p class="message">Type above and press <em>Enter</em> to search. Press <em>Esc</em> to cancel.</p></form></div></div>
{trailing_scripts}<script type="text/javascript" id="smartmag-lazyload-js-extra">
/* <![CDATA[ */
var BunyadLazy = {{"type":"normal"}};
/* ]]> */
</script>
<script type="text/javascript" src="{self.url('/wp-content/themes/smart-mag/js/lazyload.js?ver=' + THEME_VERSION)}" id="smartmag-lazyload-js"></script>
<script type="text/javascript" defer src="{self.url('/wp-content/themes/smart-mag/js/theme.js?ver=' + THEME_VERSION)}" id="smartmag-theme-js"></script>
</body>
</html>
"""

    def posts_json_script(self) -> str:
        posts = [{"id": a.post_id, "title": a.title, "url": self.url(a.path), "date": a.published}
                 for a in self.content.our_picks]
        return f'<script type="text/javascript" id="smartmag-posts-js-extra">var SmartMagPosts = {json.dumps(posts, ensure_ascii=False)};</script>\n'

    # -- article pages ---------------------------------------------------------------

    def article_page(self, article: Article) -> str:
        canonical = self.url(article.path)
        image_url = self.image_url(article)
        head = self.article_head(article, image_url)
        body_class = (f"post-template-default single single-post postid-{article.post_id} single-format-standard "
                      f"post-layout-{article.presentation.layout}")
        schemas = [self.flat_article_schema(article, image_url)] if article.presentation.theme_schema else []
        schemas.append(self.breadcrumb_schema(article.title, canonical))
        trailing = "".join(json_script(schema, type="application/ld+json") + "\n" for schema in schemas)
        above_row, main = self.article_main(article, image_url)
        return self.page(head=head, body_class=body_class, breadcrumb=article.title, main=main, above_row=above_row,
                         aside=self.sidebar(article.primary_category), trailing_scripts=trailing + self.posts_json_script())

    def image_url(self, article: Article) -> str | None:
        return self.url(article.image_path(article.image["file"])) if article.image else None

    def article_head(self, article: Article, image_url: str | None) -> str:
        """An article's head as Yoast writes it, whatever the theme."""
        meta = ['<meta property="article:publisher" content="https://www.facebook.com/potusnews" />',
                f'<meta property="article:published_time" content="{article.published}" />']
        if article.modified:
            meta.append(f'<meta property="article:modified_time" content="{article.modified}" />')
        if image_url:
            meta.append(f'<meta property="og:image" content="{image_url}" />\n<meta property="og:image:width" content="1200" />\n'
                        f'<meta property="og:image:height" content="800" />\n<meta property="og:image:type" content="image/jpeg" />')
        byline = ", ".join(a.name for a in article.authors)
        meta += [f'<meta name="author" content="{attr(byline)}" />',
                 '<meta name="twitter:label1" content="Written by" />',
                 f'<meta name="twitter:data1" content="{attr(byline)}" />',
                 '<meta name="twitter:label2" content="Est. reading time" />',
                 f'<meta name="twitter:data2" content="{article.reading_minutes} minute{"s" if article.reading_minutes > 1 else ""}" />']
        comments_feed = (f'<link rel="alternate" type="application/rss+xml" title="{attr(self.content.name)} &raquo; '
                         f'{attr(article.title)} Comments Feed" href="{self.url(article.path + "feed/")}" />\n'
                         f'<link rel="alternate" title="JSON" type="application/json" href="{self.url(f"/wp-json/wp/v2/posts/{article.post_id}")}" />\n'
                         f"<link rel='shortlink' href='{self.url(f'/?p={article.post_id}')}' />\n")
        return self.head(title=f"{article.title} - {self.content.name}", canonical=self.url(article.path),
                         description=article.description, og_type="article", extra_meta="\n".join(meta) + "\n",
                         schema=self.article_schema_graph(article, image_url), feed=comments_feed)

    def article_schema_graph(self, article: Article, image_url: str | None) -> dict:
        canonical = self.url(article.path)
        page = {
            "@type": "WebPage", "@id": canonical, "url": canonical,
            "name": f"{article.title} - {self.content.name}",
            "isPartOf": {"@id": self.url("/#website")},
            "datePublished": article.published, "dateModified": article.last_modified,
            "author": {"@id": self.url(f"/#/schema/person/{article.authors[0].slug}")},
            "breadcrumb": {"@id": canonical + "#breadcrumb"}, "inLanguage": "en-US",
            "potentialAction": [{"@type": "ReadAction", "target": [canonical]}],
        }
        if image_url:
            page["primaryImageOfPage"] = {"@id": canonical + "#primaryimage"}
            page["thumbnailUrl"] = image_url
        graph = [page]
        if image_url:
            graph.append({"@type": "ImageObject", "inLanguage": "en-US", "@id": canonical + "#primaryimage",
                          "url": image_url, "contentUrl": image_url, "width": 1200, "height": 800})
        graph.append({"@type": "BreadcrumbList", "@id": canonical + "#breadcrumb", "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": "Home", "item": self.url("/")},
            {"@type": "ListItem", "position": 2, "name": article.title}]})
        graph.append(self.website_node())
        graph.extend({"@type": "Person", "@id": self.url(f"/#/schema/person/{a.slug}"), "name": a.name,
                      "url": self.url(a.path), "sameAs": [self.base]} for a in article.authors)
        return {"@context": "https://schema.org", "@graph": graph}

    def flat_article_schema(self, article: Article, image_url: str | None) -> dict:
        schema = {
            "@context": "http://schema.org", "@type": "Article",
            "headline": article.title, "url": self.url(article.path),
            "datePublished": article.published, "dateModified": article.last_modified,
            "author": [{"@type": "Person", "name": a.name, "url": self.url(a.path)} for a in article.authors],
            "publisher": {"@type": "Organization", "name": self.content.name, "sameAs": self.base,
                          "logo": {"@type": "ImageObject", "url": self.url("/wp-content/uploads/2024/11/potus-logo.png")}},
            "mainEntityOfPage": {"@type": "WebPage", "@id": self.url(article.path)},
        }
        if image_url:
            schema["image"] = {"@type": "ImageObject", "url": image_url, "width": 1200, "height": 800}
        return schema

    def breadcrumb_schema(self, name: str, url: str) -> dict:
        return {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": "Home", "item": self.url("/")},
            {"@type": "ListItem", "position": 2, "name": name, "item": url}]}

    def post_meta(self, article: Article) -> str:
        """The single post's PostMeta block: category, title, then author, dates, comments and read time."""
        shown = article.presentation
        primary = article.primary_category
        category_class = "cat-labels" if shown.category_style == "labels" else "post-cat"
        author = ""
        if shown.author_item:
            # Co-Authors Plus links every author of the post, "A and B", "A, B and C".
            links = [f'<a href="{self.url(a.path)}" title="Posts by {attr(a.name)}" class="author url fn" rel="author">'
                     f'{escape(a.name)}</a>' for a in article.authors]
            names = ", ".join(links[:-1]) + " and " + links[-1] if len(links) > 1 else links[0]
            author = (f'<span class="meta-item post-author has-img"><img alt=\'\' src=\'{self.url("/wp-content/uploads/avatar-32.png")}\' '
                      f"class='avatar avatar-32 photo' height='32' width='32' decoding='async'/><span class=\"by\">By</span> {names}</span>\n")
        if shown.modified_date:
            # "Use Modified Date": the date item itself shows the last change, and no "Updated:" item follows.
            dates = (f'<span class="meta-item has-next-icon date-modified"><time class="post-date" datetime="{article.last_modified}">'
                     f'{display_date(article.last_modified)}</time></span>')
        else:
            dates = (f'<span class="meta-item has-next-icon date"><time class="post-date" datetime="{article.published}">'
                     f'{display_date(article.published)}</time></span>')
            if article.modified:
                dates += (f'<span class="meta-item has-next-icon date-modified"><span class="updated-on">Updated:</span>'
                          f'<time class="post-date" datetime="{article.modified}">{display_date(article.modified)}</time></span>')
        minutes = article.reading_minutes
        return f"""<div class="post-meta post-meta-a post-meta-left post-meta-single has-below">
<div class="post-meta-items meta-above"><span class="meta-item {category_class}"><a href="{self.url(primary.path)}" class="category term-color-{primary.term_id}" rel="category">{escape(primary.name)}</a></span></div>
<h1 class="is-title post-title">{escape(article.title)}</h1>
<div class="post-meta-items meta-below{" has-author-img" if shown.author_item else ""}">{author}{dates}
<span class="has-next-icon meta-item comments has-icon"><a href="{self.url(article.path)}#respond"><i class="tsi tsi-comment-o"></i>No Comments</a></span>
<span class="meta-item read-time has-icon"><i class="tsi tsi-clock"></i>{minutes} Min{"s" if minutes > 1 else ""} Read</span></div>
</div>"""

    def featured_image(self, article: Article, image_url: str, size: str) -> str:
        return (f'<a href="{image_url}" class="image-link media-ratio ar-bunyad-main" title="{attr(article.title)}">'
                f'<img width="1200" height="800" src="{image_url}" class="attachment-{size} size-{size} wp-post-image" alt="{attr(article.image["alt"])}" decoding="async" fetchpriority="high" '
                f'srcset="{image_url} 1200w, {image_url.replace(".jpg", "-768x512.jpg")} 768w" sizes="(max-width: 788px) 100vw, 788px" title="{attr(article.title)}" /></a>')

    def post_article(self, article: Article, header: str = "") -> str:
        """The post's <article>: the classic layout's header, the content with its float share bar, the tags."""
        classes = " ".join(
            [f"post-{article.post_id} post type-post status-publish format-standard"]
            + (["has-post-thumbnail"] if article.image else [])
            + [f"category-{c.slug}" for c in article.categories] + [f"tag-{t.slug}" for t in article.tags])
        tags = ""
        if article.tags:
            tags = '<div class="the-post-tags">' + "".join(
                f'<a href="{self.url(t.path)}" rel="tag">{escape(t.name)}</a>' for t in article.tags) + "</div>"
        return f"""<article id="post-{article.post_id}" class="{classes}">
{header}<div class="post-content-wrap has-share-float">
<div class="post-share-float share-float-b is-hidden spc-social-colors spc-social-colored"><div class="inner"><span class="share-text">Share</span>
<div class="services">{self.share_links(article, ("Facebook", "Twitter", "LinkedIn", "Pinterest", "Telegram", "Email"), with_label=True)}</div></div></div>
<div class="post-content cf entry-content content-spacious">
{self.body_html(article)}
</div>
</div>
{tags}
</article>"""

    def post_footer(self, article: Article) -> str:
        return f"""<div class="post-share-bot"><span class="info">Share.</span><span class="share-links spc-social spc-social-colors spc-social-bg">{self.share_links(article, BOTTOM_SHARE_SERVICES, with_label=False)}</span></div>
{self.author_box(article.authors[0])}
{self.related_posts(article)}
{self.comment_form(article)}"""

    def article_main(self, article: Article, image_url: str | None) -> tuple[str, str]:
        """(above the content row, in the main column): the post in its layout (``partials/single/layout-*.php``)."""
        layout = article.presentation.layout
        if layout == "cover":
            # Title and meta over the featured image, across the page; without an image, no header at all.
            cover = ""
            if image_url:
                cover = (f'<section class="the-post-header post-cover"><div class="featured">{self.featured_image(article, image_url, "bunyad-main-full")}'
                         f'<div class="overlay s-dark">{self.post_meta(article)}</div></div></section>\n')
            return cover, f'<div class="the-post-wrap">{self.post_article(article)}\n{self.post_footer(article)}</div>'
        featured = (f'<div class="single-featured"><div class="featured">{self.featured_image(article, image_url, "bunyad-main")}</div></div>'
                    if image_url else "")
        if layout == "classic":
            header = f'<header class="the-post-header post-header cf">{featured}{self.post_meta(article)}</header>\n'
            return "", f'<div class="the-post s-post-classic">{self.post_article(article, header)}\n{self.post_footer(article)}</div>'
        return "", f"""<div class="the-post-header s-head-modern s-head-modern-a">
{self.post_meta(article)}
{self.share_bar(article, css="post-share post-share-b spc-social-colors post-share-b1", services=SHARE_SERVICES)}
</div>
{featured}
<div class="the-post s-post-modern">
{self.post_article(article)}
{self.post_footer(article)}
</div>"""

    def share_links(self, article: Article, services: tuple[str, ...], *, with_label: bool) -> str:
        target = quote(self.url(article.path), safe="")
        out = []
        for service in services:
            key = service.lower()
            label = f'<span class="label">{service}</span>' if with_label else f'<span class="visuallyhidden">{service}</span>'
            out.append(f'<a href="https://share.example/{key}?u={target}" class="cf service s-{key}" target="_blank" title="{service}" rel="nofollow noopener"><i class="tsi tsi-{key}"></i>{label}</a>')
        return "".join(out)

    def share_bar(self, article: Article, *, css: str, services: tuple[str, ...]) -> str:
        return f'<div class="{css}"><div class="share-links">{self.share_links(article, services, with_label=True)}</div></div>'

    def body_html(self, article: Article) -> str:
        parts = []
        for block in article.blocks:
            kind = block["type"]
            if kind == "p":
                parts.append(f"<p>{block['html']}</p>")
            elif kind == "h2":
                parts.append(f"<h2 class=\"wp-block-heading\">{escape(block['text'])}</h2>")
            elif kind in ("ul", "ol"):
                items = "".join(f"<li>{escape(item)}</li>" for item in block["items"])
                parts.append(f'<{kind} class="wp-block-list">{items}</{kind}>')
            elif kind == "blockquote":
                quoted = "".join(f"<p>{escape(p)}</p>" for p in block["paragraphs"])
                parts.append(f'<blockquote class="wp-block-quote is-layout-flow wp-block-quote-is-layout-flow">{quoted}</blockquote>')
            elif kind == "figure":
                src = self.url(article.image_path(block["src"]))
                parts.append(
                    f'<figure class="wp-block-image size-large"><img loading="lazy" decoding="async" width="1024" height="683" '
                    f'src="{src}" alt="" class="wp-image-{article.post_id + 5000}" srcset="{src} 1024w, {src.replace(".jpg", "-300x200.jpg")} 300w" '
                    f'sizes="auto, (max-width: 1024px) 100vw, 1024px" /><figcaption class="wp-element-caption">{escape(block["caption"])}</figcaption></figure>')
        plugins = article.presentation.plugins
        if "inline-related" in plugins and article.related:
            # An editor's line linking to another post of the site, inside the text.
            label = INLINE_RELATED_LABELS[article.post_id % len(INLINE_RELATED_LABELS)]
            other = article.related[0]
            parts.insert(1, f'<p><strong>{label}</strong> <a href="{self.url(other.path)}">{escape(other.title)}</a></p>')
        if "feed-copy" in plugins and article.source_url:
            parts[:0] = [f"<p>{escape(line)}</p>" for line in FEED_COPY_HEAD]
            parts += self.feed_copy_tail(article)
        if article.source_url:
            if "wp-automatic" in plugins:
                # WP Automatic's closing link: a trailing space in the text, no target.
                parts.append(f'<p><a href="{attr(article.source_url)}">Source link </a></p>')
            else:
                parts.append(f'<p><a href="{attr(article.source_url)}" target="_blank" rel="noopener">Source link</a></p>')
        if "ad-inserter" in plugins:
            # Ad Inserter's blocks before the text, after its second block and after its end.
            parts.insert(2, AD_INSERTER_BLOCK.format(number=2))
            parts = [AD_INSERTER_BLOCK.format(number=1), *parts, AD_INSERTER_BLOCK.format(number=3)]
        return "\n".join(parts)

    def feed_copy_tail(self, article: Article) -> list[str]:
        """What WP Automatic copies after the article from the outlet's feed: its closing line and its widgets."""
        outlet = urlsplit(article.source_url).hostname.removeprefix("www.")
        return [
            f'<p>The post <a href="{attr(article.source_url)}">{escape(article.title)}</a> appeared first on '
            f'<a href="https://{outlet}/">{escape(outlet)}</a>.</p>',
            f"<p>Sign up for the {escape(outlet)} newsletter: the day's top stories, delivered to your inbox.</p>",
            '<div class="author-widget"><p>Jane Roe</p><p>Web 3 Journalist</p>'
            f"<p>Jane Roe covers markets and policy for {escape(outlet)}. About Author</p></div>",
            "<p>Some links in this article are affiliate links: we may earn a commission at no cost to you.</p>",
        ]

    def author_box(self, author: Term) -> str:
        return f"""<div class="author-box"><section class="author-info">
<img alt='' src='{self.url("/wp-content/uploads/avatar-95.png")}' class='avatar avatar-95 photo' height='95' width='95' loading='lazy' decoding='async'/>
<div class="description"><a href="{self.url(author.path)}" title="Posts by {attr(author.name)}" rel="author">{escape(author.name)}</a>
<ul class="social-icons"><li><a href="{self.base}" class="icon tsi tsi-home" title="Website"><span class="visuallyhidden">Website</span></a></li></ul>
<p class="bio author-bio"></p></div></section></div>"""

    def related_posts(self, article: Article) -> str:
        posts = []
        for related in article.related:
            media = ""
            if related.image:
                media = (f'<div class="media"><a href="{self.url(related.path)}" class="image-link media-ratio ratio-16-9" title="{attr(related.title)}">'
                         f'<span data-bgsrc="{self.url(related.image_path(related.image["file"]))}" class="img bg-cover wp-post-image attachment-bunyad-medium size-bunyad-medium lazyload" role="img" aria-label="{attr(related.image["alt"])}"></span></a></div>')
            posts.append(f"""<article class="l-post grid-post grid-sm-post">{media}<div class="content"><div class="post-meta post-meta-a has-below">
<h4 class="is-title post-title"><a href="{self.url(related.path)}">{escape(related.title)}</a></h4>
<div class="post-meta-items meta-below"><span class="meta-item date"><span class="date-link"><time class="post-date" datetime="{related.published}">{display_date(related.published)}</time></span></span></div></div></div></article>""")
        return f"""<section class="related-posts grid-3">
<div class="block-head block-head-ac block-head-a block-head-a1 is-left"><h4 class="heading">Related <span class="color">Posts</span></h4></div>
<section class="block-wrap block-grid cols-gap-sm mb-none"><div class="block-content"><div class="loop loop-grid loop-grid-sm grid grid-3 md:grid-2 xs:grid-1">{"".join(posts)}</div></div></section>
</section>"""

    def comment_form(self, article: Article) -> str:
        return f"""<div class="comments"><div id="comments" class="comments-area "><div id="respond" class="comment-respond">
<h3 id="reply-title" class="comment-reply-title"><span class="heading">Leave A Reply</span> <small><a rel="nofollow" id="cancel-comment-reply-link" href="{self.url(article.path)}#respond" style="display:none;">Cancel Reply</a></small></h3>
<form action="{self.url('/wp-comments-post.php')}" method="post" id="commentform" class="comment-form">
<p><textarea name="comment" id="comment" cols="45" rows="8" aria-required="true" placeholder="Your Comment" maxlength="65525" required="required"></textarea></p>
<p class="form-field comment-form-author"><input id="author" name="author" type="text" placeholder="Name*" value="" size="30" maxlength="245" required='required' /></p>
<p class="form-field comment-form-email"><input id="email" name="email" type="email" placeholder="Email*" value="" size="30" maxlength="100" required='required' /></p>
<p class="form-field comment-form-url"><input id="url" name="url" type="text" placeholder="Website" value="" size="30" maxlength="200" /></p>
<p class="comment-form-cookies-consent"><input id="wp-comment-cookies-consent" name="wp-comment-cookies-consent" type="checkbox" value="yes" /><label for="wp-comment-cookies-consent">Save my name, email, and website in this browser for the next time I comment.</label></p>
<p class="form-submit"><input name="submit" type="submit" id="comment-submit" class="submit" value="Post Comment" /><input type='hidden' name='comment_post_ID' value='{article.post_id}' id='comment_post_ID' /></p>
</form></div></div></div>"""

    # -- archive pages ---------------------------------------------------------------

    def list_post(self, article: Article, heading_tag: str, css: str) -> str:
        primary = article.primary_category
        media = ""
        if article.image:
            media = (f'<div class="media"><a href="{self.url(article.path)}" class="image-link media-ratio ratio-is-custom" title="{attr(article.title)}">'
                     f'<span data-bgsrc="{self.url(article.image_path(article.image["file"]))}" class="img bg-cover wp-post-image attachment-bunyad-medium size-bunyad-medium lazyload" '
                     f'data-bgset="{self.url(article.image_path(article.image["file"]))} 450w" data-sizes="(max-width: 390px) 100vw, 390px" role="img" aria-label="{attr(article.image["alt"])}"></span></a></div>')
        authors = ", ".join(f'<a href="{self.url(a.path)}" title="Posts by {attr(a.name)}" rel="author">{escape(a.name)}</a>' for a in article.authors)
        return f"""<article class="l-post {css} m-pos-left">{media}<div class="content">
<div class="post-meta post-meta-a has-below"><div class="post-meta-items meta-above"><span class="meta-item post-cat"><a href="{self.url(primary.path)}" class="category term-color-{primary.term_id}" rel="category">{escape(primary.name)}</a></span></div>
<{heading_tag} class="is-title post-title"><a href="{self.url(article.path)}">{escape(article.title)}</a></{heading_tag}>
<div class="post-meta-items meta-below"><span class="meta-item post-author"><span class="by">By</span> {authors}</span><span class="meta-item date"><span class="date-link"><time class="post-date" datetime="{article.published}">{display_date(article.published)}</time></span></span></div></div>
<div class="excerpt"><p>{escape(article.excerpt)}</p></div>
<a href="{self.url(article.path)}" class="read-more-link read-more-btn ts-button ts-button-alt">Read More</a>
</div></article>"""

    def featured_block(self) -> str:
        posts = "".join(self.list_post(a, "h2", "grid-overlay overlay-post") for a in self.content.featured)
        return (f'<section class="block-wrap block-feat-grid block-feat-grid-a has-media-shadows mb-none" data-id="feat-1">'
                f'<div class="block-content"><div class="feat-grid feat-grid-a grid-3 feat-grid-equals">{posts}</div></div></section>\n')

    def pagination(self, archive_path: str, page: int, last: int, load_more: bool, by_script: bool) -> str:
        """Numbered links, or a load-more button: a link to the next page, or "#" where a script loads it."""
        def page_url(n: int) -> str:
            return self.url(archive_path if n == 1 else f"{archive_path}page/{n}/")

        if last <= 1:
            return ""
        if load_more:
            if page == last:
                return ""
            target = "#" if by_script else page_url(page + 1)
            return (f'<div class="main-pagination pagination-more" data-type="load-more"><a href="{target}" '
                    f'class="ts-button load-button load-button-a ts-button-alt" data-page="{page}">Load More<i class="tsi tsi-repeat"></i></a></div>')
        links = []
        if page > 1:
            links.append(f'<a class="prev page-numbers" href="{page_url(page - 1)}"><span class="visuallyhidden">Previous</span><i class="tsi tsi-angle-left"></i></a>')
        shown = sorted({1, last, page - 1, page, page + 1} & set(range(1, last + 1)))
        previous = 0
        for n in shown:
            if n - previous > 1:
                links.append('<span class="page-numbers dots">&hellip;</span>')
            links.append(f'<span aria-current="page" class="page-numbers current">{n}</span>' if n == page
                         else f'<a class="page-numbers" href="{page_url(n)}">{n}</a>')
            previous = n
        if page < last:
            links.append(f'<a class="next page-numbers" href="{page_url(page + 1)}"><span class="visuallyhidden">Next</span><i class="tsi tsi-angle-right"></i></a>')
        return f'<nav class="main-pagination pagination-numbers" data-type="numbers">{"".join(links)}</nav>'

    def archive_page(self, *, path: str, page: int, pages: list[list[Article]], heading: str,
                     title: str, body_class: str, load_more: bool, sidebar_category: Category, by_script: bool = False,
                     heading_tag: str = "h2", description: str = "") -> str:
        page_path = path if page == 1 else f"{path}page/{page}/"
        canonical = self.url(page_path)
        head = self.head(title=title if page == 1 else f"{title} - Page {page}", canonical=canonical,
                         description=description or title, og_type="website",
                         schema={"@context": "https://schema.org", "@graph": [
                             {"@type": "CollectionPage", "@id": canonical, "url": canonical, "name": title,
                              "isPartOf": {"@id": self.url("/#website")}, "inLanguage": "en-US"},
                             self.website_node()]})
        css = "list-post list-post-a" if heading_tag == "h2" else "grid-post grid-base-post"
        posts = "".join(self.list_post(a, heading_tag, css) for a in pages[page - 1])
        intro = f'<div class="archive-description base-text"><p>{escape(description)}</p></div>' if description else ""
        main = f"""<h1 class="archive-heading">{heading}</h1>{intro}
<section class="block-wrap block-posts-list mb-none" data-id="archive"><div class="block-content"><div class="loop loop-list loop-sep loop-list-sep grid grid-1 md:grid-1 sm:grid-1">{posts}</div>
{self.pagination(path, page, len(pages), load_more, by_script)}</div></section>"""
        return self.page(head=head, body_class=f"{body_class} paged-{page}", breadcrumb=title, main=main,
                         aside=self.sidebar(sidebar_category), above_main=self.featured_block(),
                         trailing_scripts=self.posts_json_script())

    def static_page(self, title: str, paragraphs: list[str]) -> str:
        path = f"/{slugify(title)}/"
        head = self.head(title=f"{title} - {self.content.name}", canonical=self.url(path),
                         description=paragraphs[0][:150], og_type="article")
        main = (f'<div class="the-post-header s-head-modern"><h1 class="is-title post-title">{escape(title)}</h1></div>'
                f'<div class="the-page the-post"><div class="post-content entry-content cf">'
                + "".join(f"<p>{escape(p)}</p>" for p in paragraphs) + "</div></div>")
        first_category = next(iter(self.content.categories.values()))
        return self.page(head=head, body_class="page-template-default page page-id-2", breadcrumb=title,
                         main=main, aside=self.sidebar(first_category))
