"""HTML of the demo site in a WordPress block theme, modelled on the default themes (Twenty Twenty-Four/Five).

The same site, posts and plugins as the SmartMag demo (Yoast's head, WP Automatic's "Source link"
in the post content), in another theme: what the core blocks print instead of SmartMag's markup.
No site's rules know this theme, so its pages test the extractor's generic WordPress path:
``wp-block-post-title``, ``wp-block-post-date`` (``time[datetime]``), ``wp-block-post-author-name``
(the post's first author only, as core prints it), ``wp-block-post-terms`` (``rel="tag"`` links for
every taxonomy), ``wp-block-post-content``, a query loop of related posts after the content,
``wp-block-query-pagination`` and the ``wp-block-navigation`` menu.
"""

from __future__ import annotations

from html import escape

from .content import Article, display_date, slugify
from .templates import SmartMagTheme, attr

WORDPRESS_VERSION = "6.7.2"
THEME_VERSION = "1.0"
#: A sample of the theme.json styles WordPress inlines in every block theme's head.
GLOBAL_STYLES = (
    ":root{--wp--preset--color--base:#FFFFFF;--wp--preset--color--contrast:#111111;"
    "--wp--preset--font-size--small:0.875rem;--wp--preset--font-size--x-large:clamp(1.75rem, 1.75rem + ((1vw - 0.2rem) * 0.767), 2.25rem);"
    "--wp--preset--spacing--60:clamp(30px, 5vw, 50px);}"
    ":where(.wp-site-blocks) > *{margin-block-start:1.2rem;margin-block-end:0;}"
    ".wp-block-post-terms{font-size:var(--wp--preset--font-size--small);}"
)


class BlockTheme(SmartMagTheme):
    """Renders every kind of page of one demo site in the block theme.

    It shares with ``SmartMagTheme`` what is no theme's: Yoast's head and JSON-LD, and the post
    content as WordPress stores it; everything the theme draws around them is its own.
    """

    def theme_assets(self) -> str:
        return f"""<link rel='stylesheet' id='wp-block-library-css' href='{self.url(f"/wp-includes/css/dist/block-library/style.min.css?ver={WORDPRESS_VERSION}")}' media='all' />
<style id='global-styles-inline-css'>{GLOBAL_STYLES}</style>
<style id='core-block-supports-inline-css'>.wp-container-core-group-is-layout-1{{flex-wrap:nowrap;gap:5px;}}</style>
<link rel='stylesheet' id='twentytwentyfive-style-css' href='{self.url(f"/wp-content/themes/twentytwentyfive/style.css?ver={THEME_VERSION}")}' media='all' />"""

    # -- pieces shared by every page -------------------------------------------------

    def navigation_link(self, label: str, path: str) -> str:
        return (f'<li class=" wp-block-navigation-item wp-block-navigation-link"><a class="wp-block-navigation-item__content" '
                f'href="{self.url(path)}"><span class="wp-block-navigation-item__label">{escape(label)}</span></a></li>')

    def navigation(self) -> str:
        items = [self.navigation_link("Home", "/")]
        for entry in self.content.site["menu"]:
            parent = self.content.categories[entry["slug"]]
            children = [self.content.categories[c["slug"]] for c in entry["children"]]
            if not children:
                items.append(self.navigation_link(parent.name, parent.path))
                continue
            submenu = "".join(self.navigation_link(c.name, c.path) for c in children)
            items.append(
                f'<li class=" wp-block-navigation-item has-child open-on-hover-click wp-block-navigation-submenu">'
                f'<a class="wp-block-navigation-item__content" href="{self.url(parent.path)}">{escape(parent.name)}</a>'
                f'<button aria-label="{attr(parent.name)} submenu" class="wp-block-navigation__submenu-icon wp-block-navigation-submenu__toggle" aria-expanded="false">'
                f'<svg xmlns="http://www.w3.org/2000/svg" width="12" height="12" viewBox="0 0 12 12" fill="none" aria-hidden="true" focusable="false"><path d="M1.50002 4L6.00002 8L10.5 4" stroke-width="1.5"></path></svg></button>'
                f'<ul class="wp-block-navigation__submenu-container wp-block-navigation-submenu">{submenu}</ul></li>')
        return f"""<nav class="is-responsive items-justified-right wp-block-navigation is-horizontal is-content-justification-right is-layout-flex wp-block-navigation-is-layout-flex" aria-label="Main menu" data-wp-interactive="core/navigation" data-wp-context='{{"overlayOpenedBy":{{}},"type":"overlay","roleAttribute":"","ariaLabel":"Menu"}}'>
<button aria-haspopup="dialog" aria-label="Open menu" class="wp-block-navigation__responsive-container-open" data-wp-on-async--click="actions.openMenuOnClick"><svg width="24" height="24" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4 7.5h16v1.5H4z"></path></svg></button>
<div class="wp-block-navigation__responsive-container" id="modal-1"><div class="wp-block-navigation__responsive-close" tabindex="-1"><div class="wp-block-navigation__responsive-dialog">
<button aria-label="Close menu" class="wp-block-navigation__responsive-container-close"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false"><path d="m13.06 12 6.47-6.47-1.06-1.06L12 10.94 5.53 4.47 4.47 5.53 10.94 12l-6.47 6.47 1.06 1.06L12 13.06l6.47 6.47 1.06-1.06L13.06 12Z"></path></svg></button>
<div class="wp-block-navigation__responsive-container-content" id="modal-1-content"><ul class="wp-block-navigation__container is-responsive items-justified-right wp-block-navigation">{"".join(items)}</ul></div>
</div></div></div></nav>"""

    def site_title(self) -> str:
        return f'<p class="wp-block-site-title"><a href="{self.url("/")}" target="_self" rel="home">{escape(self.content.name)}</a></p>'

    def header(self) -> str:
        return f"""<header class="wp-block-template-part"><div class="wp-block-group alignfull has-global-padding is-layout-constrained">
<div class="wp-block-group alignwide is-content-justification-space-between is-layout-flex">{self.site_title()}
{self.navigation()}</div></div></header>"""

    def footer(self) -> str:
        links = "".join(self.navigation_link(name, "/" if name == "Home" else f"/{slugify(name)}/")
                        for name in self.content.site["footer_menu"])
        return f"""<footer class="wp-block-template-part"><div class="wp-block-group has-global-padding is-layout-constrained">
<div class="wp-block-group alignwide is-layout-flow">{self.site_title()}<p class="wp-block-site-tagline">{escape(self.content.site["tagline"])}</p>
<nav class="is-vertical wp-block-navigation is-layout-flex" aria-label="Footer menu"><ul class="wp-block-navigation__container is-vertical wp-block-navigation">{links}</ul></nav></div>
<p class="has-small-font-size">Designed with <a href="https://wordpress.org" rel="nofollow">WordPress</a></p></div></footer>"""

    def page(self, *, head: str, body_class: str, main: str) -> str:
        return f"""<!DOCTYPE html>
<html lang="en-US">
{head}
<body class="{body_class} wp-embed-responsive">
<div class="wp-site-blocks">
{self.header()}
<main class="wp-block-group has-global-padding is-layout-constrained wp-block-group-is-layout-constrained" style="margin-top:var(--wp--preset--spacing--60)">
{main}
</main>
{self.footer()}
</div>
<script src="{self.url(f"/wp-includes/js/dist/script-modules/block-library/navigation/view.min.js?ver={WORDPRESS_VERSION}")}" id="@wordpress/block-library/navigation/view-js-module" type="module"></script>
</body>
</html>
"""

    # -- the core blocks, as WordPress renders them -----------------------------------

    def post_title(self, article: Article, tag: str, *, linked: bool, css: str = "") -> str:
        title = escape(article.title)
        if linked:
            title = f'<a href="{self.url(article.path)}" target="_self">{title}</a>'
        return f'<{tag} class="wp-block-post-title{css}">{title}</{tag}>'

    def post_date(self, article: Article) -> str:
        return (f'<div class="wp-block-post-date has-small-font-size"><time datetime="{article.published}">'
                f'<a href="{self.url(article.path)}">{display_date(article.published)}</a></time></div>')

    def post_terms(self, taxonomy: str, terms: list, separator: str = ", ", css: str = "") -> str:
        """Links to the terms' archives; ``get_the_term_list`` marks them all ``rel="tag"``, categories too."""
        if not terms:
            return ""
        links = f'<span class="wp-block-post-terms__separator">{escape(separator)}</span>'.join(
            f'<a href="{self.url(term.path)}" rel="tag">{escape(term.name)}</a>' for term in terms)
        return f'<div class="taxonomy-{taxonomy}{css} wp-block-post-terms">{links}</div>'

    def post_classes(self, article: Article) -> str:
        return " ".join([f"wp-block-post post-{article.post_id} post type-post status-publish format-standard hentry"]
                        + [f"category-{c.slug}" for c in article.categories] + [f"tag-{t.slug}" for t in article.tags])

    def post_template(self, articles: list[Article], title_tag: str, *, with_excerpt: bool) -> str:
        """A query loop's items: the loop's own ``li`` per post, carrying the post's classes."""
        items = []
        for article in articles:
            excerpt = (f'<div class="wp-block-post-excerpt"><p class="wp-block-post-excerpt__excerpt">{escape(article.excerpt)} </p>'
                       f'<p class="wp-block-post-excerpt__more-text"><a class="wp-block-post-excerpt__more-link" href="{self.url(article.path)}">Read more</a></p></div>'
                       if with_excerpt else "")
            items.append(f'<li class="{self.post_classes(article)}">{self.post_title(article, title_tag, linked=True)}'
                         f'{excerpt}{self.post_date(article)}</li>')
        return f'<ul class="wp-block-post-template is-layout-flow wp-block-post-template-is-layout-flow">{"".join(items)}</ul>'

    # -- article pages ---------------------------------------------------------------

    def article_page(self, article: Article) -> str:
        image_url = self.image_url(article)
        featured = ""
        if image_url:
            featured = (f'<figure style="aspect-ratio:3/2;" class="wp-block-post-featured-image"><img width="1200" height="800" src="{image_url}" '
                        f'class="attachment-post-thumbnail size-post-thumbnail wp-post-image" alt="{attr(article.image["alt"])}" '
                        f'style="width:100%;height:100%;object-fit:cover;" decoding="async" fetchpriority="high" /></figure>')
        author = article.authors[0]
        main = f"""<div class="wp-block-group alignfull has-global-padding is-layout-constrained">
{self.post_terms("category", article.categories)}
{self.post_title(article, "h1", linked=False, css=" has-xx-large-font-size")}
{featured}
<div class="wp-block-group has-x-small-font-size is-nowrap is-layout-flex wp-container-core-group-is-layout-1"><p class="has-primary-color has-text-color">Written by </p>
<div class="wp-block-post-author-name"><a href="{self.url(author.path)}" target="_self" class="wp-block-post-author-name__link">{escape(author.name)}</a></div>
{self.post_date(article)}</div>
<div class="entry-content alignfull wp-block-post-content has-global-padding is-layout-constrained wp-block-post-content-is-layout-constrained">
{self.body_html(article)}
</div>
<div class="wp-block-group has-global-padding is-layout-constrained">{self.post_terms("post_tag", article.tags, "  ", " is-style-post-terms-1")}</div>
{self.related_query(article)}
{self.post_navigation(article)}
</div>"""
        body_class = f"post-template-default single single-post postid-{article.post_id} single-format-standard"
        return self.page(head=self.article_head(article, image_url), body_class=body_class, main=main)

    def related_query(self, article: Article) -> str:
        """Related posts as sites build them in a block theme: a query loop after the content."""
        return f"""<div class="wp-block-group alignwide related-posts is-layout-flow"><h2 class="wp-block-heading">Related Posts</h2>
<div class="wp-block-query alignwide is-layout-flow wp-block-query-is-layout-flow">{self.post_template(article.related, "h3", with_excerpt=False)}</div></div>"""

    def post_navigation(self, article: Article) -> str:
        """TT5's previous and next post links: two more posts' titles on every article page."""
        index = self.content.articles.index(article)
        newer = self.content.articles[index - 1] if index > 0 else None
        older = self.content.articles[index + 1] if index + 1 < len(self.content.articles) else None
        links = []
        if older:
            links.append(f'<div class="post-navigation-link-previous wp-block-post-navigation-link"><span class="wp-block-post-navigation-link__arrow-previous is-arrow-arrow" aria-hidden="true">←</span>'
                         f'<a href="{self.url(older.path)}" rel="prev">{escape(older.title)}</a></div>')
        if newer:
            links.append(f'<div class="post-navigation-link-next wp-block-post-navigation-link"><a href="{self.url(newer.path)}" rel="next">{escape(newer.title)}</a>'
                         f'<span class="wp-block-post-navigation-link__arrow-next is-arrow-arrow" aria-hidden="true">→</span></div>')
        return f'<nav class="wp-block-group alignwide is-content-justification-space-between is-layout-flex" aria-label="Post navigation">{"".join(links)}</nav>'

    # -- archive pages ---------------------------------------------------------------

    def query_pagination(self, archive_path: str, page: int, last: int) -> str:
        """``wp-block-query-pagination``: previous, numbers (``paginate_links``), next; nothing for one page."""
        if last <= 1:
            return ""

        def page_url(n: int) -> str:
            return self.url(archive_path if n == 1 else f"{archive_path}page/{n}/")

        parts = []
        if page > 1:
            parts.append(f'<a href="{page_url(page - 1)}" class="wp-block-query-pagination-previous"><span class="wp-block-query-pagination-previous-arrow is-arrow-arrow" aria-hidden="true">←</span>Previous Page</a>')
        numbers = "".join(f'<span aria-current="page" class="page-numbers current">{n}</span>' if n == page
                          else f'<a class="page-numbers" href="{page_url(n)}">{n}</a>' for n in range(1, last + 1))
        parts.append(f'<div class="wp-block-query-pagination-numbers">{numbers}</div>')
        if page < last:
            parts.append(f'<a href="{page_url(page + 1)}" class="wp-block-query-pagination-next">Next Page<span class="wp-block-query-pagination-next-arrow is-arrow-arrow" aria-hidden="true">→</span></a>')
        return (f'<nav class="alignwide wp-block-query-pagination is-content-justification-space-between is-layout-flex" '
                f'aria-label="Pagination">{"".join(parts)}</nav>')

    def archive_page(self, *, path: str, page: int, pages: list[list[Article]], heading: str, title: str,
                     body_class: str, **smartmag_options) -> str:
        """An archive or the home page; the options only SmartMag renders (load more, sidebar, heading level) go unused."""
        page_path = path if page == 1 else f"{path}page/{page}/"
        canonical = self.url(page_path)
        head = self.head(title=title if page == 1 else f"{title} - Page {page}", canonical=canonical,
                         description=title, og_type="website",
                         schema={"@context": "https://schema.org", "@graph": [
                             {"@type": "CollectionPage", "@id": canonical, "url": canonical, "name": title,
                              "isPartOf": {"@id": self.url("/#website")}, "inLanguage": "en-US"},
                             self.website_node()]})
        main = f"""<h1 class="wp-block-query-title">{heading}</h1>
<div class="wp-block-query alignfull is-layout-flow wp-block-query-is-layout-flow">{self.post_template(pages[page - 1], "h2", with_excerpt=True)}
{self.query_pagination(path, page, len(pages))}</div>"""
        return self.page(head=head, body_class=f"{body_class} paged-{page}", main=main)

    def static_page(self, title: str, paragraphs: list[str]) -> str:
        path = f"/{slugify(title)}/"
        head = self.head(title=f"{title} - {self.content.name}", canonical=self.url(path),
                         description=paragraphs[0][:150], og_type="article")
        main = (f'<h1 class="wp-block-post-title">{escape(title)}</h1>'
                '<div class="entry-content wp-block-post-content is-layout-constrained">'
                + "".join(f"<p>{escape(p)}</p>" for p in paragraphs) + "</div>")
        return self.page(head=head, body_class="page-template-default page page-id-2", main=main)
