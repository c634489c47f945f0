"""Generic body extraction: what a news page's body keeps and which publishers' boilerplate it drops."""

from __future__ import annotations

import lxml.html
import pytest

from extractors import extract_body
from extractors.body import ARTICLE_BODY, ARTICLE_BODY_XPATH, borderless_style
from extractors.boilerplate import MAX_BOILERPLATE_WORDS, is_boilerplate

#: Paragraphs long enough for trafilatura to take their container as the article.
ARTICLE_TEXT = [
    "The city council voted on Tuesday to expand the bus network to the northern suburbs, a plan that "
    "residents had asked for since the last line there closed a decade ago.",
    "The new routes will start running in the spring, the transit agency said, and fares will stay at "
    "their current level for at least two years while ridership is measured.",
    "Council members who opposed the plan said the money would be better spent on repairing roads, "
    "but the measure passed by a comfortable margin after a long public hearing.",
]


def news_page(*extra_blocks: str, headline: str = "Council expands bus network") -> str:
    paragraphs = "".join(f"<p>{text}</p>" for text in [*ARTICLE_TEXT, *extra_blocks])
    return (f"<html><head><title>{headline} | The Daily</title></head><body>"
            f"<nav><a href='/'>Home</a></nav><article><h1>{headline}</h1>{paragraphs}</article>"
            f"<footer>Copyright The Daily</footer></body></html>")


def body_of(*extra_blocks: str) -> str:
    return extract_body(news_page(*extra_blocks), "https://news.example.com/2024/05/bus-network")


def test_plain_article_paragraphs_are_kept():
    assert body_of().split("\n\n") == ARTICLE_TEXT


#: Blocks that publishers put inside the article container, by the convention that recognizes them.
BOILERPLATE_BLOCKS = {
    "links to other stories": [
        "Related: Five things to know about the new bus routes",
        "READ MORE: Transit agency names new director",
        "More AP politics: https://apnews.com/politics",
        "DON'T MISS",
        "DON'T MISS Five things to know about the new routes [INSIGHT] Depot opens to visitors [PICTURES]",
        "Also:",
        "Most read in world news",
    ],
    "contributor and source credits": [
        "Associated Press writers Jane Doe and John Roe contributed to this report.",
        "Jane Doe contributed reporting from Albany.",
        "Additional reporting by Jane Doe",
        "Reporting by Jane Doe; Editing by John Roe",
        "SOURCE: News agencies",
    ],
    "contact prompts and bare addresses": [
        "Reach the reporter on Twitter at http://twitter.com/janedoe",
        "Follow our full coverage of the council at https://news.example.com/council",
        "Follow us on Twitter, Facebook and Instagram.",
        "Jane Doe covers transit. Follow her on Twitter @janedoe.",
        "jane.doe@news.example.com",
        "twitter.com/janedoe",
        "Listen: https://pod.example.com/ep12 Download: https://pod.example.com/ep12.mp3 "
        "Apple Podcasts: https://apple.example.com/p/12",
    ],
    "newsletter prompts, comment headings, taxonomy": [
        "Subscribe to the Morning Briefing newsletter",
        "Get the day's top headlines delivered to your inbox every morning.",
        "Comments",
        "Filed under: Transit | Council",
    ],
    "image credits, timestamps, support prompts": [
        "Photo: Jane Doe/Reuters",
        "The new buses at the depot on Monday. (Image credit: Transit Agency)",
        "The depot, installation views, photos © Jane Doe, 2024",
        "Updated at 1:23 p.m.",
        "5:45 AM PST 11/19/2024 by Jane Roe",
        "Monday, May 6, 2024 – By Jane Roe and John Roe",
        "Tell us what YOU think...",
        "Story continues below advertisement",
        "Anzeige",
        "If you enjoyed this article, we have a proposition for you: become a member. Members read every story "
        "without ads, join calls with our editors and get the print magazine, and they keep our newsroom going. "
        "Consider it!",
    ],
}


@pytest.mark.parametrize("block", [pytest.param(block, id=f"{rule}: {block[:30]}")
                                   for rule, blocks in BOILERPLATE_BLOCKS.items() for block in blocks])
def test_boilerplate_block_is_dropped(block):
    assert body_of(block).split("\n\n") == ARTICLE_TEXT


@pytest.mark.parametrize("block", [
    # Article sentences that share a word or two with a rule.
    "More than 2,000 residents signed the petition, and many more attended the hearings.",
    "Related to the vote, the agency will also study a tram line along the river.",
    "Riders can follow the construction on the agency's website, which is updated weekly.",
    "Subscribers to the agency's newsletter were the first to learn of the plan.",
    "The photos were published by the agency on Monday.",
    "If you liked the old routes, the agency says, you will like the new ones even more.",
    # A sentence that starts with an imperative "Don't miss".
    "Don't miss the open day at the depot on Saturday, when the new buses can be visited.",
    # The time that heads an entry of a live story, and a sentence that starts with a date.
    "4:14 p.m.",
    "May 6, 2024 by then, the agency said, all buses will run on electricity.",
    # Dates heading a timeline's entries, a score, words that begin like a month or a day, a review's rating.
    "March 1, 2020",
    "Nov. 19, 2019, 5:45 PM EST",
    "Monaco 3-0 Marseille",
    "Juneteenth 2021",
    "Rating: 8.5/10",
    "Advertisement for the new routes ran in three languages.",
    # A news agency's copyright notice and a columnist's closing bio belong to the story.
    "© 2024 The Associated Press. All rights reserved. This material may not be published or broadcast.",
    "Dear Reader is written by Jane Doe. Contact Dear Reader at www.example.com or P.O. Box 1, Albany.",
])
def test_article_sentences_resembling_boilerplate_are_kept(block):
    assert body_of(block).split("\n\n") == [*ARTICLE_TEXT, block]


def test_long_paragraph_is_never_boilerplate():
    paragraph = "Related: " + " ".join(["riders"] * MAX_BOILERPLATE_WORDS)
    assert not is_boilerplate(paragraph)


def test_headline_is_dropped_where_the_page_repeats_it():
    """The <h1> above the text, and the same headline again as a video's title inside it."""
    page = news_page().replace(f"<p>{ARTICLE_TEXT[1]}</p>",
                               f"<div class='video'><p>Council expands bus network</p></div><p>{ARTICLE_TEXT[1]}</p>")
    assert extract_body(page, "https://news.example.com/2024/05/bus-network").split("\n\n") == ARTICLE_TEXT


def test_headline_in_the_og_title_only_is_dropped():
    page = news_page(headline="Bus network grows").replace(
        "<head>", "<head><meta property='og:title' content='Council expands bus network'>").replace(
        "<h1>Bus network grows</h1>", "<h1>Bus network grows</h1><p>Council expands bus network</p>")
    assert extract_body(page, "https://news.example.com/2024/05/bus-network").split("\n\n") == ARTICLE_TEXT


def test_body_falls_back_to_trafilatura_baseline_when_the_extraction_is_a_notice(monkeypatch):
    """Pages whose article wrapper trafilatura's class filters discard leave it a reprint notice only."""
    notice = "This copy is for your personal, non-commercial use only."
    monkeypatch.setattr("extractors.article.extract_blocks", lambda tree, url=None: [notice])
    body = extract_body(news_page(), "https://news.example.com/2024/05/bus-network")
    assert notice not in body
    assert all(paragraph in body for paragraph in ARTICLE_TEXT)


def test_short_extraction_is_kept_when_the_baseline_finds_no_more(monkeypatch):
    brief = "Council expands bus network to the northern suburbs."
    monkeypatch.setattr("extractors.article.extract_blocks", lambda tree, url=None: [brief])
    page = f"<html><head><title>Brief</title></head><body><article><p>{brief}</p></article></body></html>"
    assert extract_body(page, "https://news.example.com/2024/05/brief") == brief


def article_page(article: str, after: str = "") -> str:
    return (f"<html><head><title>Council expands bus network</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>Council expands bus network</h1>{article}</article>{after}</body></html>")


def test_article_body_split_into_chunks_is_joined():
    """A body cut into containers of one class, with an ad between them, is one article."""
    paragraphs = [*ARTICLE_TEXT, "Construction of the first new stops begins next month, the agency said."]
    first, second = (f"<div class='article__body'><p>{one}</p><p>{two}</p></div>"
                     for one, two in (paragraphs[:2], paragraphs[2:]))
    ad = "<div class='ad-slot'><p>Advertisement</p></div>"
    body = extract_body(article_page(first + ad + second), "https://news.example.com/2024/05/bus")
    assert body.split("\n\n") == paragraphs


def test_body_container_of_the_next_article_is_not_joined():
    """On pages that append the next story below, its container has the same class, after its own headline."""
    body = "".join(f"<p>{text}</p>" for text in ARTICLE_TEXT)
    next_story = ("<article><h1>Library opens on Sundays</h1><div class='article__body'><p>The city library will "
                  "open on Sundays from June, the mayor announced.</p></div></article>")
    page = article_page(f"<div class='article__body'>{body}</div>", after=next_story)
    assert extract_body(page, "https://news.example.com/2024/05/bus").split("\n\n") == ARTICLE_TEXT


def test_embedded_post_is_kept_with_its_attribution():
    """Quoted posts sit in wrappers named "embed" or "widget", which trafilatura drops as boilerplate."""
    tweet = ("<div class='article-widget social-embed'><div class='embed__inner'><blockquote class='twitter-tweet'>"
             "<p>The new northern routes start running on March 3. Service every ten minutes at peak times.</p>"
             "— City Transit (@citytransit) <a href='https://twitter.com/citytransit/status/1'>May 3, 2024</a>"
             "</blockquote></div><script src='https://platform.twitter.com/widgets.js'></script></div>")
    paragraphs = [f"<p>{text}</p>" for text in ARTICLE_TEXT]
    page = article_page("".join(paragraphs[:2]) + tweet + paragraphs[2])
    assert extract_body(page, "https://news.example.com/2024/05/bus").split("\n\n") == [
        *ARTICLE_TEXT[:2],
        "The new northern routes start running on March 3. Service every ten minutes at peak times.",
        "— City Transit (@citytransit) May 3, 2024",
        ARTICLE_TEXT[2],
    ]


FRENCH_TEXT = [
    "Le conseil municipal a voté mardi l’extension du réseau de bus vers les communes du nord, un projet que "
    "les habitants réclamaient depuis la fermeture de la dernière ligne il y a dix ans.",
    "Les nouvelles lignes circuleront dès le printemps, selon la régie des transports, et les tarifs resteront "
    "inchangés pendant au moins deux ans, le temps de mesurer la fréquentation.",
    "Les élus opposés au projet estiment que l’argent aurait été mieux employé à réparer les routes, mais la "
    "mesure a été adoptée à une large majorité après une longue audience publique.",
]


def french_body(*, between: str = "", closing: str = "") -> list[str]:
    first, *rest = (f"<p>{text}</p>" for text in FRENCH_TEXT)
    page = article_page(first + between + "".join(rest) + closing)
    return extract_body(page, "https://actu.example.fr/2024/05/bus").split("\n\n")


def test_heading_text_after_an_empty_spacer_div_is_kept():
    """Some editors put empty spacer <div>s inside headings; trafilatura loses the text that follows one."""
    spacer = "<div class='height-spacer'></div>"
    heading = f"<h2><strong>{spacer}Où acheter les billets ?{spacer}</strong></h2>"
    assert french_body(between=heading) == [FRENCH_TEXT[0], "Où acheter les billets ?", *FRENCH_TEXT[1:]]


def test_subheading_written_as_a_div_between_paragraphs_is_kept():
    subheading = "<div class='article_subheadline'>Qu’est-ce qui change pour les <em>usagers</em> ?</div>"
    assert french_body(between=subheading) == [FRENCH_TEXT[0], "Qu’est-ce qui change pour les usagers ?",
                                                *FRENCH_TEXT[1:]]


def test_advertisement_label_between_paragraphs_stays_dropped():
    assert french_body(between="<div class='ad-label'>Publicité</div>") == FRENCH_TEXT


def test_paragraph_pasted_from_word_with_no_border_is_kept():
    """Word's pasted styles say "border:none"; trafilatura drops elements whose style names a border."""
    note = "Cet article a été adapté de sa source originale."
    closing = (f"<p><em><span style='border:none windowtext 1.0pt; font-size:10.5pt; padding:0in'>"
               f"<span style='color:#111111'>{note}</span></span></em></p>")
    assert french_body(closing=closing) == [*FRENCH_TEXT, note]


def test_word_smart_tags_in_a_repaired_paragraph_are_read_as_text():
    """Word wraps places and names in prefixed "smart tags" (<st1:place>), which lxml keeps as tag names."""
    note = "Reportage réalisé à Boston et à Montréal."
    closing = ("<p style='border:none windowtext 1.0pt'><st1:city><st1:place>"
               "<span style='border:none windowtext 1.0pt'>Reportage réalisé à Boston</span></st1:place></st1:city>"
               " et à <st1:place>Montréal</st1:place>.<o:p></o:p></p>")
    assert french_body(closing=closing) == [*FRENCH_TEXT, note]


def test_borderless_style_keeps_every_declaration_but_no_border():
    assert borderless_style("border:none windowtext 1.0pt; padding:0in; BORDER-TOP: 0") == " padding:0in"
    assert borderless_style("border: 1px solid #ccc; padding: 4px") == "border: 1px solid #ccc; padding: 4px"


def test_closing_prompt_to_click_through_is_dropped():
    prompt = "Get the transit map delivered to your door every month. Click here for more information."
    assert body_of(prompt).split("\n\n") == ARTICLE_TEXT


def test_click_here_instruction_within_the_text_is_kept():
    instruction = "To see the new timetable, click here and choose your stop."
    assert body_of(instruction, ARTICLE_TEXT[0].replace("Tuesday", "Wednesday")).split("\n\n") == [
        *ARTICLE_TEXT, instruction, ARTICLE_TEXT[0].replace("Tuesday", "Wednesday")]


@pytest.mark.parametrize("markup", [
    "<div class='post'><p>Texte</p></div>",
    "<section id='main'><div itemprop='articleBody'><p>Texte</p></div></section>",
    "<div class='wrapper'><div id='article-content-1'><p>Texte</p></div></div>"
    "<article class='article__body'><p>Suite</p></article>",
    "<main class='l-page'><div class='c-entry-content '><p>Texte</p></div></main>",
    "<div class='sidebar'><p>Rien ici</p></div>",
])
def test_article_body_test_selects_what_trafilaturas_expression_selects_first(markup):
    tree = lxml.html.document_fromstring(f"<html><body><nav class='menu'>Accueil</nav>{markup}</body></html>")
    selected = ARTICLE_BODY_XPATH(tree)
    assert ARTICLE_BODY.first(tree) is (selected[0] if selected else None)


def test_heading_over_the_closing_boilerplate_goes_with_it():
    body = body_of("Ce qu’il faut savoir", "Sign up for our newsletter to get the latest transit news.")
    assert body.split("\n\n") == ARTICLE_TEXT


@pytest.mark.parametrize("closing", ["— Ville de Lyon (@VilleDeLyon) 3 mai 2024", "___", "Les élus en séance"])
def test_closing_line_that_no_boilerplate_follows_is_kept(closing):
    assert body_of(closing).split("\n\n") == [*ARTICLE_TEXT, closing]


@pytest.mark.parametrize("trailer", ["Click here for more recipes from our test kitchen.", "Tags: food, bread"])
def test_last_line_over_a_closing_prompt_or_taxonomy_line_is_kept(trailer):
    """Only a widget (related links, a newsletter prompt) stands under a heading of its own."""
    last_line = "Serve with fresh bread"
    assert body_of(last_line, trailer).split("\n\n") == [*ARTICLE_TEXT, last_line]


def test_signature_over_the_closing_boilerplate_is_kept():
    signature = "— City Transit (@citytransit) May 3, 2024"
    assert body_of(signature, "Updated at 1:23 p.m.").split("\n\n") == [*ARTICLE_TEXT, signature]


def test_pull_quote_in_an_aside_is_kept():
    """A quotation set beside the text in an <aside>; trafilatura drops asides."""
    quote = "<aside class='pull-quote'><q>La ligne du nord rouvrira au printemps</q></aside>"
    assert french_body(between=quote) == [FRENCH_TEXT[0], "La ligne du nord rouvrira au printemps", *FRENCH_TEXT[1:]]


def test_aside_teaser_with_a_link_stays_dropped():
    teaser = "<aside class='pull-quote'>“<a href='/2024/04/tram'>Le tramway arrive en 2026</a>”</aside>"
    assert french_body(between=teaser) == FRENCH_TEXT
