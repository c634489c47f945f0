"""Blocks that news and blog pages put in or around the article text without being part of it.

trafilatura finds the article's container well, but keeps what publishers put inside
that container: links to related stories, newsletter prompts, contributor and contact
lines, comment headings. Each rule below is one such convention, recognized from the
block's own text. A rule only applies to a short block: article paragraphs that
happen to mention a newsletter or a Twitter account are longer than the prompts are.
"""

from __future__ import annotations

import re

#: Longest block (in words) a rule may drop: prompts and credit lines are a short paragraph at most.
MAX_BOILERPLATE_WORDS = 60

#: A label that introduces links to other stories ("Related: ...", "READ MORE: ...", "More AP NBA: ...";
#: in capitals, the label needs no colon: "DON'T MISS Five things to know [INSIGHT]") or stands alone as
#: the heading of such links ("DON'T MISS", "Most read in world news").
RELATED_LINKS = re.compile(
    r"^(related( stories| articles| coverage)?|read more|read also|also read|see more|see also|more|also"
    r"|recommended|don[’']?t miss|watch more)\b[^.!?]{0,30}:"
    r"|^(?-i:RELATED( STORIES| ARTICLES| COVERAGE)?|READ MORE|READ ALSO|ALSO READ|SEE ALSO|DON[’']?T MISS)\s+\w"
    r"|^(related( stories| articles| coverage)?|read more|see also|more|also|don[’']?t miss)\W*$"
    r"|^most (read|popular|viewed|shared)\b[^.!?]*$",
    re.IGNORECASE,
)
#: Who wrote or edited the story besides the byline: "X contributed to this report.",
#: "Additional reporting by X", "Reporting by X; Editing by Y".
CONTRIBUTOR_CREDIT = re.compile(
    r"\bcontributed( to)?( this)? (report|reporting|story|article)\b|^(additional )?reporting by\b|\bediting by\b",
    re.IGNORECASE,
)
#: Where the story came from, as a line of its own: "SOURCE: News agencies".
SOURCE_LINE = re.compile(r"^sources?\s*:", re.IGNORECASE)
#: A prompt to reach or follow the author or the publication on social media or by e-mail:
#: "Reach the reporter at ...", "Follow AP's full coverage of Brexit at https://...", "... Follow
#: him on Twitter". Anchored to the block's start or to "follow us/him/...", so that a columnist's
#: closing bio ("X is written by Y. Contact X at ...") stays, as the column's own text.
CONTACT_PROMPT = re.compile(
    r"(^(follow|reach|contact|e-?mail)\b|\bfollow (us|him|her|them|me)\b).{0,80}?"
    r"(\b(twitter|facebook|instagram|youtube|linkedin)\b|https?://|www\.|\w@\w|\s@\w)",
    re.IGNORECASE,
)
#: An invitation to a newsletter: "Sign up for our newsletter", "... delivered to your inbox".
#: The verb's imperative form only: "subscribers to the newsletter" may be article text.
NEWSLETTER_PROMPT = re.compile(r"\b(subscribe|sign up)\s+(to|for)\b.{0,60}?\bnewsletters?\b"
                               r"|\b(delivered|straight|directly) to your inbox\b", re.IGNORECASE)
#: The heading left over from a comment widget, or an invitation to comment.
COMMENTS_HEADING = re.compile(
    r"^(\d+\s+)?(comments?|leave a (comment|reply)|join the discussion|tell us what you think)\W*$", re.IGNORECASE)
#: An image credit, alone or closing a caption: "Photo: Reuters", "(Image credit: NASA)", "..., photos © Agency".
#: Not a bare "©": news agencies' copyright notices belong to their stories.
CREDIT_LINE = re.compile(r"^(photos?|images?|photograph)( credit)?\s*:|\((photo |image )?credits?\s*:"
                         r"|\b(photos?|images?|pictures?)\s*©", re.IGNORECASE)
#: A publication's request for readers' support: "If you enjoyed this article, ... Join ...".
SUPPORT_PROMPT = re.compile(r"^if you (enjoyed|liked|value|appreciate) (this|our) (article|story|post|journalism)\b",
                            re.IGNORECASE)
#: A timestamp line: "Updated at 1:23 p.m.", "Published: May 3, 2024".
TIMESTAMP_LINE = re.compile(r"^(last )?(updated|published|posted)\b[^.]{0,40}\d", re.IGNORECASE)
#: A line of nothing but the story's date, its time and the byline: "5:45 AM PST 11/19/2019 by Jane Roe",
#: "Monday, May 6, 2024 - By Jane Roe". It names a day, a month or a numeric date, and a writer: a date or
#: time alone ("March 1, 2020", "4:14 p.m.") heads an entry of a timeline or a live story. Names of months
#: and days whole or abbreviated, so that "Monaco 3-0 Marseille" is no date. No "|", so that a table's row
#: of figures is not taken for one.
MONTH_OR_DAY = (r"(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sept?(ember)?|oct(ober)?"
                r"|nov(ember)?|dec(ember)?|mon(day)?|tue(s(day)?)?|wed(nesday)?|thu(rs?(day)?)?|fri(day)?"
                r"|sat(urday)?|sun(day)?)\.?")
NUMERIC_DATE = r"\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}"
DATE_PART = (rf"({NUMERIC_DATE}|\d{{1,2}}:\d{{2}}|[ap]\.?m\.?|\d{{1,4}}(st|nd|rd|th)?|(?-i:[A-Z]{{2,4}})"
             rf"|{MONTH_OR_DAY}|[,•·–—-])")
BYLINE_NAMES = r"by\s+(?-i:[A-Z][\w.'’-]*)(\s+(and\s+)?(?-i:[A-Z][\w.'’-]*)){0,4}"
DATE_AND_BYLINE = re.compile(
    rf"^(?=.*\d)(?=.*({NUMERIC_DATE}|\b{MONTH_OR_DAY}\b))"
    rf"(({DATE_PART}\s*)+{BYLINE_NAMES}|{BYLINE_NAMES}\s*({DATE_PART}\s*)+)$", re.IGNORECASE)
#: Taxonomy lines: "Filed under: ...", "Tags: ...".
TAXONOMY_LINE = re.compile(r"^(filed under|tags|tagged|topics)\s*:", re.IGNORECASE)
#: A block that is nothing but web or e-mail addresses, each perhaps labelled: the author's contact links,
#: a podcast's "Listen: https://… Download: https://…".
ADDRESSES_ONLY = re.compile(
    r"^(\s*(\w+( \w+)?:\s*)?(https?://\S+|www\.\S+|[\w.+-]+@[\w-]+(\.[\w-]+)+|[a-z][\w-]*(\.[\w-]+)*\.[a-z]{2,}/\S*)"
    r"[\s,;|]*)+$",
    re.IGNORECASE,
)

#: An outlet's editorial-policy disclaimer, which aggregators copy with its feed: "Trusted Editorial
#: content, reviewed by leading industry experts…", "This content is produced in accordance with
#: our Editorial Policy", "Ad Disclosure".
EDITORIAL_DISCLAIMER = re.compile(r"^trusted editorial content\b|\bin accordance with\b.{0,80}\beditorial policy\b"
                                  r"|^ad disclosure\W*$", re.IGNORECASE)
#: An outlet's author widget, copied with its feed: "Jane Roe Web 3 Journalist … About Author".
AUTHOR_WIDGET = re.compile(r"\babout (the )?author\W*$", re.IGNORECASE)
#: An affiliate offer or its disclosure: "This article contains affiliate links…".
AFFILIATE_OFFER = re.compile(r"\baffiliate (links?|disclosure|partners?|commissions?|offers?)\b", re.IGNORECASE)

#: An ad slot's label standing alone: "Advertisement", "Story continues below advertisement", "Anzeige",
#: "Publicité", "Publicidad", "Pubblicità", "Publicidade", "広告" (a div between paragraphs is read as one).
AD_LABEL = re.compile(r"^\W*((story|article|text) continues (below|after) (this )?)?(advertisement|advertising|ad|"
                      r"sponsored|anzeige|werbung|publicit[ée]|publicidad|pubblicit[àa]|publicidade|reklama|広告|"
                      r"スポンサーリンク)\W*$", re.IGNORECASE)
BOILERPLATE_BLOCKS = (AD_LABEL, RELATED_LINKS, CONTRIBUTOR_CREDIT, SOURCE_LINE, CONTACT_PROMPT, NEWSLETTER_PROMPT,
                      COMMENTS_HEADING, CREDIT_LINE, SUPPORT_PROMPT, TIMESTAMP_LINE, DATE_AND_BYLINE, TAXONOMY_LINE,
                      ADDRESSES_ONLY, EDITORIAL_DISCLAIMER, AUTHOR_WIDGET, AFFILIATE_OFFER)
#: The blocks that open a widget under a heading of its own, at the article's end.
CLOSING_WIDGETS = (RELATED_LINKS, CONTACT_PROMPT, NEWSLETTER_PROMPT, SUPPORT_PROMPT, ADDRESSES_ONLY, AUTHOR_WIDGET,
                   AFFILIATE_OFFER)
#: The line WordPress ends each post of its feed with ("The post <title> appeared first on <site>."):
#: in an aggregator's copy of a feed it closes the original article, and what follows it is the
#: outlet's promos and widgets.
FEED_FOOTER = re.compile(r"^the post\b.+\bappeared first on\b", re.IGNORECASE)


#: A prompt to click through, closing the article: "Click here to download the app.", "… Click here for more
#: information." Only at the end: in the text, "click here" is an instruction of a how-to.
CLOSING_PROMPT = re.compile(r"\bclick here\b", re.IGNORECASE)


#: Longest heading (in words) that may head the boilerplate closing an article ("How to listen to the podcast").
MAX_HEADING_WORDS = 8
#: Words and nothing a sentence, a signature or a separator would hold ("— Jane Roe (@jroe)", "___").
HEADING = re.compile(r"^[^\W\d_][\w ,'’&-]*$")


def is_short(block: str) -> bool:
    return len(block.split()) <= MAX_BOILERPLATE_WORDS


def is_boilerplate(block: str) -> bool:
    """True for a short block that one of the publishers' conventions above recognizes."""
    return is_short(block) and any(pattern.search(block) for pattern in BOILERPLATE_BLOCKS)


def is_related_links_line(block: str) -> bool:
    """True for a short block introduced as links to other stories: "Also Read: …", "Related: …"."""
    return is_short(block) and bool(RELATED_LINKS.search(block))


def article_span(blocks: list[str]) -> list[str]:
    """The blocks from the article's own first paragraph to its last.

    A copied feed's closing line ends the article, and everything after it goes with it;
    boilerplate blocks before the first or after the last paragraph go too, and so do
    prompts to click through after the last, and the heading that stood over those
    closing blocks. Between them nothing is dropped: there, only a block's own markup
    tells boilerplate from text.
    """
    end = next((index for index, block in enumerate(blocks) if is_short(block) and FEED_FOOTER.search(block)),
               len(blocks))
    start = 0
    while start < end and is_boilerplate(blocks[start]):
        start += 1
    closing_trimmed_from = end
    while end > start and (is_boilerplate(blocks[end - 1])
                           or is_short(blocks[end - 1]) and CLOSING_PROMPT.search(blocks[end - 1])):
        end -= 1
    if start < end < closing_trimmed_from and is_heading_like(blocks[end - 1]) and opens_a_widget(blocks[end]):
        end -= 1
    return blocks[start:end]


def opens_a_widget(block: str) -> bool:
    """True for the first block of a closing widget a heading stands over ("More stories", "Listen to the
    podcast"): links to other stories, a newsletter or support prompt, contact links. Not a closing click-through
    prompt or a taxonomy line, which follow the text's own last line."""
    return any(pattern.search(block) for pattern in CLOSING_WIDGETS)


def is_heading_like(block: str) -> bool:
    """True for a few words without punctuation: a heading, in a list of blocks."""
    return len(block.split()) <= MAX_HEADING_WORDS and bool(HEADING.match(block))


def without_boilerplate(blocks: list[str], headlines: list[str | None]) -> list[str]:
    """The blocks that are neither the page's headline (in any of its forms) nor boilerplate."""
    repeated = {headline.casefold() for headline in headlines if headline}
    return [block for block in blocks if block.casefold() not in repeated and not is_boilerplate(block)]
