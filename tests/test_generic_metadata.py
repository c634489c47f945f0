"""Title, authors, dates and topics on the generic path: news pages no site's rules know, in the forms
news CMSs write their metadata (each page here is made up for one behaviour)."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

import pytest

from extractors import extract

URL = "https://news.example.org/politik/2024/wahl-ergebnis-12345.html"
BODY = "<p>" + "Die Auszählung dauerte bis in die Nacht, und am Morgen stand das Ergebnis fest. " * 6 + "</p>"


def page(head: str = "", body: str = "", *, jsonld: object = None) -> str:
    """A news page: ``head`` markup, JSON-LD blocks, an article with ``body`` markup before its text."""
    blocks = "".join(f'<script type="application/ld+json">{json.dumps(data)}</script>'
                     for data in (jsonld if isinstance(jsonld, list) else [jsonld] if jsonld else []))
    return (f"<html><head><title>Wahl entschieden</title>{head}{blocks}</head>"
            f"<body><article>{body}{BODY}</article></body></html>")


def article(**fields) -> dict:
    return {"@context": "https://schema.org", "@type": "NewsArticle", **fields}


# -- titles ------------------------------------------------------------------------------------------

def test_html_entities_left_in_the_jsonld_headline_are_decoded():
    html = page(jsonld=article(headline="Kanzler: &quot;Wir bleiben&quot; &#8211; Bürger &ouml;ffnen Türen"))
    assert extract(html, URL).title == 'Kanzler: "Wir bleiben" – Bürger öffnen Türen'


@pytest.mark.parametrize("og_title, site_name, title", [
    ("Wahl entschieden | Tagesblatt", "Tagesblatt", "Wahl entschieden"),
    # Japanese and Chinese sites put the name after a full-width colon, with no spaces.
    ("衆院選の結果確定：東西新聞デジタル", "東西新聞デジタル", "衆院選の結果確定"),
])
def test_the_site_name_suffix_is_stripped_where_og_site_name_names_it(og_title, site_name, title):
    html = page(f'<meta property="og:title" content="{og_title}"><meta property="og:site_name" content="{site_name}">')
    assert extract(html, URL).title == title


def test_the_publisher_names_the_site_in_a_headline_suffix():
    html = page(jsonld=article(headline="Wahl entschieden - Tagesblatt", publisher={"@type": "Organization",
                                                                                     "name": "Tagesblatt"}))
    assert extract(html, URL).title == "Wahl entschieden"


def test_a_suffix_repeated_by_two_different_titles_is_the_site_name():
    html = page('<meta property="og:title" content="Wahl entschieden: Mehrheit steht - Tagesblatt">'
                ).replace("<title>Wahl entschieden</title>", "<title>Wahl entschieden – alle Ergebnisse - Tagesblatt</title>")
    assert extract(html, URL).title == "Wahl entschieden: Mehrheit steht"


def test_a_dash_inside_the_headline_is_kept_without_a_site_name_to_match():
    html = page('<meta property="og:title" content="Bericht: Aktivistin getötet - Justiz dementiert">'
                ).replace("<title>Wahl entschieden</title>", "<title>Bericht: Aktivistin getötet - Justiz dementiert</title>")
    assert extract(html, URL).title == "Bericht: Aktivistin getötet - Justiz dementiert"


def test_og_title_is_preferred_to_a_differing_jsonld_headline():
    html = page('<meta property="og:title" content="Knappe Mehrheit für die Koalition">', "<h1>Wahl entschieden</h1>",
                jsonld=article(headline="Wahl 2024: Ergebnis, Sitzverteilung und Koalitionen im Überblick"))
    assert extract(html, URL).title == "Knappe Mehrheit für die Koalition"


def test_labels_around_the_confirmed_headline_in_og_title_are_dropped():
    html = page('<meta property="og:title" content="Landtagswahl | Wahl entschieden | Politik">',
                "<h1>Wahl entschieden</h1>", jsonld=article(headline="Wahl entschieden"))
    assert extract(html, URL).title == "Wahl entschieden"


def test_a_kicker_every_metadata_source_states_is_kept():
    html = page('<meta property="og:title" content="Nach der Auszählung: Wahl entschieden">',
                "<h1>Wahl entschieden</h1>", jsonld=article(headline="Nach der Auszählung: Wahl entschieden"))
    assert extract(html, URL).title == "Nach der Auszählung: Wahl entschieden"


def test_the_visible_headline_and_document_title_confirm_the_headline_without_jsonld():
    html = page('<meta property="og:title" content="Wahl entschieden | Tagesblatt">', "<h1>Wahl entschieden</h1>")
    assert extract(html, URL).title == "Wahl entschieden"


def test_a_suffix_the_visible_headline_ends_in_is_no_site_name():
    html = page('<meta property="og:title" content="Bericht: Aktivistin getötet - Justiz dementiert">',
                "<h1>Neu: Bericht: Aktivistin getötet - Justiz dementiert</h1>"
                ).replace("<title>Wahl entschieden</title>",
                          "<title>Neu: Bericht: Aktivistin getötet - Justiz dementiert</title>")
    assert extract(html, URL).title == "Bericht: Aktivistin getötet - Justiz dementiert"



@pytest.mark.parametrize("document_title, title", [
    # The document title writes the quotes as the headline shown does: og:title was typed plain for sharing.
    ("Kanzler: „Wir bleiben“ – Bürger’s Ärger | Tagesblatt", "Kanzler: „Wir bleiben“ – Bürger’s Ärger"),
    # The document title writes them as og:title does: that spelling stands.
    ('Kanzler: "Wir bleiben" – Bürger\'s Ärger | Tagesblatt', 'Kanzler: "Wir bleiben" – Bürger\'s Ärger'),
])
def test_og_titles_ascii_quotes_give_way_to_the_visible_headlines_where_the_document_title_has_those(
        document_title, title):
    html = page('<meta property="og:title" content="Kanzler: &quot;Wir bleiben&quot; – Bürger\'s Ärger">'
                '<meta property="og:site_name" content="Tagesblatt">',
                body="<h1>Kanzler: „Wir bleiben“ – Bürger’s Ärger</h1>"
                ).replace("<title>Wahl entschieden</title>", f"<title>{document_title}</title>")
    assert extract(html, URL).title == title

# -- authors -----------------------------------------------------------------------------------------

def test_the_article_nested_as_the_webpage_main_entity_gives_its_author():
    html = page(jsonld={"@context": "https://schema.org", "@type": "WebPage",
                        "mainEntity": article(author={"@type": "Person", "name": "Jana Roth"})})
    assert extract(html, URL).authors == ["Jana Roth"]


def test_an_author_given_as_an_id_reference_is_looked_up_in_the_graph():
    html = page(jsonld={"@context": "https://schema.org", "@graph": [
        article(author={"@id": "https://news.example.org/#/person/7"}),
        {"@type": "Person", "@id": "https://news.example.org/#/person/7", "name": "Jana Roth"},
    ]})
    assert extract(html, URL).authors == ["Jana Roth"]


def test_a_byline_field_or_given_and_family_names_name_the_author():
    byline = page(jsonld=article(author=[{"@type": "Person", "byline": "Jana Roth"}]))
    parts = page(jsonld=article(author=[{"@type": "Person", "givenName": "Anna Maria", "familyName": "Berg"}]))
    assert extract(byline, URL).authors == ["Jana Roth"]
    assert extract(parts, URL).authors == ["Anna Maria Berg"]


def test_several_names_in_one_string_are_split_before_the_word_limit():
    html = page(jsonld=article(author={"@type": "Person", "name": "Jana Roth, Max Maria Berg und Ole Lund, dpa"}))
    assert extract(html, URL).authors == ["Jana Roth", "Max Maria Berg", "Ole Lund", "dpa"]


def test_an_email_as_meta_author_falls_back_to_the_next_source():
    html = page('<meta name="author" content="j.roth@news.example.org">'
                '<meta name="article:author" content="Jana Roth">')
    assert extract(html, URL).authors == ["Jana Roth"]


def test_a_byline_only_in_visible_markup_is_read():
    html = page(body='<p class="byline" itemprop="author" itemscope itemtype="https://schema.org/Person">'
                     'Von <span itemprop="name">Jana Roth</span></p>')
    assert extract(html, URL).authors == ["Jana Roth"]


def test_the_outlet_as_author_is_dropped_for_the_next_source():
    html = page('<meta name="author" content="Jana Roth">',
                jsonld=article(author={"@type": "Organization", "name": "Tagesblatt Nachrichten"}))
    assert extract(html, URL).authors == ["Jana Roth"]


def test_yoasts_written_by_share_label_names_the_author_where_meta_author_is_an_email():
    html = page('<meta name="author" content="j.roth@news.example.org">'
                '<meta name="twitter:label1" content="Written by"><meta name="twitter:data1" content="Jana Roth">'
                '<meta name="twitter:label2" content="Est. reading time">'
                '<meta name="twitter:data2" content="4 Minuten">')
    assert extract(html, URL).authors == ["Jana Roth"]


def test_a_bylines_link_to_the_writers_archive_names_the_author_and_the_menus_links_do_not():
    html = page(body='<nav><a href="/autoren/">Alle Autoren</a></nav>'
                     '<header><h1>Wahl entschieden</h1><p>von <a href="/autoren/name/jana-roth">Dr. Jana Roth</a></p>'
                     '</header>')
    assert extract(html, URL).authors == ["Dr. Jana Roth"]



def test_co_authors_rel_author_links_in_one_byline_block_are_read_and_a_teasers_are_not():
    html = page('<meta name="author" content="Ole Lund">',
                body='<div class="bylines"><address><a rel="author" href="mailto:j.roth@news.example.org">'
                     '<span>Jana</span> <span>Roth</span></a></address>'
                     '<address><a rel="author" href="mailto:o.lund@news.example.org">Ole Lund</a></address></div>'
                ).replace("</article>", '</article><aside><h2>Mehr zum Thema</h2><p>Koalition steht</p>'
                                        '<a rel="author" href="/autoren/kai-berg">Kai Berg</a></aside>')
    assert extract(html, URL).authors == ["Jana Roth", "Ole Lund"]


def test_the_cms_first_account_names_no_writer():
    html = page(body='<p class="meta">von <a rel="author" href="https://news.example.org/author/admin/">Tagesblatt '
                     'Redaktion</a></p>',
                jsonld=article(author={"@id": "https://news.example.org/author/admin/",
                                       "name": "Tagesblatt Redaktion"}))
    assert extract(html, URL).authors == []


@pytest.mark.parametrize("site, name, authors", [
    # A one-writer blog's owner signs with the first account under their own name, which the blog may bear …
    ("Tagesblatt", "Jana Roth", ["Jana Roth"]),
    ("Jana Roth Fotografie", "Jana Roth", ["Jana Roth"]),
    # … where the account's display name is the placeholder, a desk's or one the outlet's name is part of,
    # it names nobody.
    ("Tagesblatt", "admin", []),
    ("Tagesblatt", "Tagesblatt", []),
    ("Tagesblatt", "Tagesblatt Online", []),
    ("Tagesblatt News", "Tagesblatt K", []),
    ("Stadtanzeiger", "Team Süd", []),
])
def test_the_cms_first_account_names_its_writer_only_under_a_persons_name(site, name, authors):
    html = page(f'<meta property="og:site_name" content="{site}">',
                body=f'<p class="meta">von <a rel="author" href="/author/admin/">{name}</a></p>',
                jsonld=article(author={"@type": "Person", "name": name,
                                       "url": "https://news.example.org/author/admin/"}))
    assert extract(html, URL).authors == authors


@pytest.mark.parametrize("before, after, authors", [
    # Where the author fields give only the outlet, a bold line opening the text, under a short standfirst …
    ("<p><em>Die Koalition steht, die Ministerien sind verteilt</em></p><p><strong>Jana Roth/Ole Lund</strong></p>",
     "", ["Jana Roth", "Ole Lund"]),
    # … or closing it, signs the article.
    ("", '<p style="text-align:right"><strong>Lê Thị Phương</strong></p>', ["Lê Thị Phương"]),
    # A bold subhead between paragraphs signs nothing, nor does a closing bold sentence.
    ("", "<p><strong>Neue Mehrheiten</strong></p><p>" + "Die Opposition kündigte Widerstand an. " * 5 + "</p>", []),
    ("", "<p><b>Folgen Sie uns auf Mastodon.</b></p>", []),
    # A bold label or call to share opening or closing the text is shaped like a name but holds words no name has.
    ("<p><strong>Key Points</strong></p>", "", []),
    ("", "<p><strong>Share This Article</strong></p>", []),
    ("", "<p><b>Mehr zum Thema</b></p>", []),
])
def test_a_bold_byline_line_opening_or_closing_the_text_names_the_author_the_fields_do_not(before, after, authors):
    paragraphs = "".join("<p>" + f"Absatz {n}: Die Auszählung dauerte bis in die Nacht. " * 4 + "</p>"
                         for n in range(4))
    html = (f"<html><head><title>Wahl entschieden</title><meta name=\"author\" content=\"Tagesblatt\">"
            f"<meta property=\"og:site_name\" content=\"Tagesblatt\"></head><body><nav><a href=\"/\">Start</a></nav>"
            f"<article><h1>Wahl entschieden</h1><div class=\"entry-content\">{before}{paragraphs}{after}</div>"
            f"</article></body></html>")
    assert extract(html, URL).authors == authors


def test_a_byline_its_class_marks_names_the_author_the_fields_do_not_and_a_place_after_the_name_is_dropped():
    html = page('<meta property="og:site_name" content="Tagesblatt">',
                body='<div class="article__authors"><span class="authors__brand">plus</span>'
                     '<span class="article__author">Von Jana Roth, Köln</span></div>',
                jsonld=article(author={"@type": "Organization", "name": "Tagesblatt"})
                ).replace("</article>", '</article><footer><p class="author-box">Ole Lund</p></footer>')
    assert extract(html, URL).authors == ["Jana Roth"]


@pytest.mark.parametrize("section", ["City News", "Region Hannover"])
def test_the_section_a_bylines_part_names_is_no_author(section):
    html = page(body=f'<div class="byline"><span class="byline__section">{section}</span>'
                     '<time class="byline__date" datetime="2024-11-18">18. November 2024</time></div>',
                jsonld=article(author={"@type": "Organization", "name": "Tagesblatt"}))
    assert extract(html, URL).authors == []


def test_a_bylines_name_beside_its_section_and_date_parts_names_the_author():
    html = page(body='<div class="byline"><span class="byline__section">Region Hannover</span>'
                     '<span class="byline__author">Jörg Müller</span>'
                     '<time class="byline__date" datetime="2024-11-18">18. November 2024</time></div>',
                jsonld=article(author={"@type": "Organization", "name": "Tagesblatt"}))
    assert extract(html, URL).authors == ["Jörg Müller"]


def test_a_marked_byline_run_into_its_date_names_nobody():
    html = page(body='<div class="byline">By Jana Roth and Ole Lund Monday, November 18, 2024, 04:05 pm CET</div>',
                jsonld=article(author={"@type": "Organization", "name": "Tagesblatt"}))
    assert extract(html, URL).authors == []


def test_a_bold_name_line_does_not_outrank_the_author_fields():
    html = page('<meta name="author" content="Kai Berg">', body="<p><strong>Jana Roth</strong></p>" + BODY * 3)
    assert extract(html, URL).authors == ["Kai Berg"]

# -- topics ------------------------------------------------------------------------------------------

def test_news_keywords_give_the_tags():
    html = page('<meta name="news_keywords" content="Wahl, Bundestag, Koalition">'
                '<meta name="keywords" content="Nachrichten, Politik, Wetter">')
    assert extract(html, URL).tags == ["Wahl", "Bundestag", "Koalition"]


def test_jsonld_keywords_as_a_string_or_a_list_give_the_tags():
    as_string = page(jsonld=article(keywords="Wahl, Bundestag"))
    as_list = page(jsonld=article(keywords=["Wahl", "Bundestag"]))
    assert extract(as_string, URL).tags == extract(as_list, URL).tags == ["Wahl", "Bundestag"]


def test_article_tag_metas_then_the_keywords_meta_give_the_tags():
    tagged = page('<meta property="article:tag" content="Wahl"><meta property="article:tag" content="Bundestag">'
                  '<meta name="keywords" content="Nachrichten">')
    assert extract(tagged, URL).tags == ["Wahl", "Bundestag"]
    assert extract(page('<meta name="keywords" content="Wahl,Bundestag">'), URL).tags == ["Wahl", "Bundestag"]


def test_the_section_is_a_category_and_no_tag_and_a_tag_repeated_in_other_case_is_one():
    html = page('<meta property="article:section" content="Politik">'
                '<meta name="news_keywords" content="Wahl, wahl, Bundestag">')
    record = extract(html, URL)
    assert (record.categories, record.tags) == (["Politik"], ["Wahl", "Bundestag"])


# -- dates -------------------------------------------------------------------------------------------

def test_a_time_with_a_zone_abbreviation_keeps_its_zone():
    html = page(body='<p class="date">28.04.2023, 18:11 Uhr CEST</p>',
                jsonld=article(datePublished="28.04.2023, 18:11 Uhr CEST"))
    assert extract(html, URL).published == "2023-04-28T18:11:00+02:00"


def test_a_time_without_a_zone_takes_the_offset_of_the_pages_other_dates():
    html = page('<meta name="date" content="2023-04-28T18:11:01+02:00">',
                jsonld=article(datePublished="2023-04-28 18:11:01.0", dateModified="2023-04-28T18:43:01"))
    record = extract(html, URL)
    assert (record.published, record.published_source, record.published_precision) == (
        "2023-04-28T18:11:01+02:00", "json-ld", "instant")
    assert (record.modified, record.modified_precision) == ("2023-04-28T18:43:01+02:00", "instant")


def test_a_time_without_any_zone_on_the_page_is_taken_in_the_profile_zone_and_said_so():
    record = extract(page(jsonld=article(datePublished="2023-04-28 18:11")), URL, default_tz=ZoneInfo("Europe/Berlin"))
    assert (record.published, record.published_source, record.published_precision) == (
        "2023-04-28T18:11:00+02:00", "json-ld", "local")


def test_a_date_without_a_time_stays_a_date_and_gets_no_invented_midnight():
    record = extract(page('<meta property="article:published_time" content="2024-08-22">'), URL)
    assert (record.published, record.published_source, record.published_precision) == ("2024-08-22", "meta", "date")


def test_jsonld_wrapped_in_cdata_is_read():
    block = json.dumps(article(datePublished="2024-08-22T12:30:00+02:00"))
    html = page().replace("</head>", f'<script type="application/ld+json">//<![CDATA[\n{block}\n//]]></script></head>')
    assert extract(html, URL).published == "2024-08-22T12:30:00+02:00"


def test_the_outlet_named_as_its_domain_spells_it_is_no_author():
    html = page('<meta name="author" content="Tagesblatt">')
    assert extract(html, "https://www.tagesblatt.co.at/politik/wahl.html").authors == []


def test_a_byline_name_marked_by_its_class_is_read_and_teasers_below_are_not():
    html = page(body='<p>Do 25.04.24 | 14:07 Uhr | Von <span class="authorname">Jana Roth </span></p>'
                ).replace("</article>", '</article><aside><span class="authorname">Ole Lund</span></aside>')
    assert extract(html, URL).authors == ["Jana Roth"]


def test_an_article_tag_holding_several_keywords_is_split_and_entities_are_decoded():
    html = page('<meta property="article:tag" content="Wahl,Bundestag,Bund &amp;amp; Länder">')
    assert extract(html, URL).tags == ["Wahl", "Bundestag", "Bund & Länder"]
