"""Every selector the HTML front-end uses, each defined once and compiled once.

No gfmd.org HTML was ever available, and a theme update can rename any class, so the
selectors look for what things *are* rather than one theme's names: a teaser is a block
whose heading links to a record (``/pfp/ppd/<nid>``); the pager is whatever links to other
pages of the same listing (found in :mod:`~scraper.parsing.html_pager`, by URL, not here);
the content region is any of the hooks Drupal 7 to 11 themes put around the page's main
content. Class names appear only where Drupal itself names a field (body, author) and as
alternatives that cover the theme families in ``scraper/themes/``. When real pages are
recorded and differ, change the selector here: nothing else repeats it.
"""

from __future__ import annotations

from lxml import etree
from parsel.csstranslator import HTMLTranslator

_TRANSLATOR = HTMLTranslator()


def _has_class(*names: str) -> str:
    """An XPath test: the element's class attribute holds one of ``names`` as a word. The
    plain substring test first rejects nearly every element cheaply."""
    return " or ".join(
        f"(contains(@class, '{name}') and"
        f" contains(concat(' ', normalize-space(@class), ' '), ' {name} '))"
        for name in names
    )


# -- regions ------------------------------------------------------------------------------
# Page-wide queries (``/descendant::``, from the document: "//" would also visit every text
# node) name the elements they can match (div, section, ...) wherever Drupal themes allow
# it, and test one substring that all their class names share before the exact words: a
# predicate costs about a microsecond per element it runs on, a name test next to nothing,
# and these run on every page.
#
# The main content: HTML5 <main> and role="main", Drupal's #content and content region (D7
# "region-content", D8+ "region--content"), and D7's main page-content block. A page may
# carry several; being inside any of them counts. An empty #main-content skip-link anchor
# is not a region.
_CONTENT_HOOK = (
    "(@id and (@id='content' or @id='block-system-main' or @id='main-content'))"
    " or (contains(@class, 'region') and ("
    + _has_class("region-content", "region--content") + "))"
)
IS_CONTENT_REGION = (
    f"self::main or @role='main' or ((self::div or self::section) and ({_CONTENT_HOOK}))"
)
# Sidebars: never content, even inside a content region.
_SIDEBAR_HOOK = (
    "(@id and starts-with(@id, 'sidebar')) or (contains(@class, 'sidebar') and ("
    + _has_class("sidebar", "region-sidebar-first", "region-sidebar-second", "region--sidebar")
    + "))"
)
IS_SIDEBAR = (
    f"self::aside or @role='complementary' or ((self::div or self::section) and ({_SIDEBAR_HOOK}))"
)
# Both kinds in one pass over the page; each match is then told apart by the tests above.
REGIONS = (
    "/descendant::main | /descendant::aside | /descendant::*[@role]"
    f" | /descendant::div[{_CONTENT_HOOK} or {_SIDEBAR_HOOK}]"
    f" | /descendant::section[{_CONTENT_HOOK} or {_SIDEBAR_HOOK}]"
)
# Elements holding Drupal's own message for a term without content (where it counts is
# decided in html.py: the content region, page 0).
EMPTY_TERM_HOLDERS = "/descendant::text()[contains(., $message)]/.."

# -- teasers ------------------------------------------------------------------------------
# A title link: a link to a record inside a heading or a "...title" element at most three
# levels up (h2 > a; Olivero h2 > a > span; Views div.views-field-title > h3 > a). The href
# is checked again in Python (a record path, not the submission form).
_TITLE_HOLDER = (
    "self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6"
    " or contains(@class, 'title')"
)
TITLE_LINKS = (
    f"/descendant::a[contains(@href, '/pfp/ppd/')][ancestor::*[position() <= 3][{_TITLE_HOLDER}]]"
)
TITLE_HOLDER_OF_LINK = f"ancestor::*[position() <= 3][{_TITLE_HOLDER}][1]"
# Page headings (h1): a teaser block never holds one, unless it is the teaser's own title
# (AdaptiveTheme titles teasers with h1).
PAGE_HEADINGS = "/descendant::h1"

# Blocks that look like teasers in some theme: each must hold a readable title link, or
# the page is not read (a half-read page would report its unread pledges as removed).
TEASER_LIKE = (
    "/descendant::article | /descendant::div[(@id and starts-with(@id, 'node-'))"
    " or ((contains(@class, 'teaser') or contains(@class, 'views-row')) and ("
    + _has_class("node-teaser", "node--view-mode-teaser", "views-row") + "))]"
)

# Inside one teaser block, each as alternatives in order of preference: the first that
# finds something is used (and only the common first one runs on most pages).
# The author: D7's username, D8+'s uid field, a Views author field (plain text when not
# linked); else the byline's "Submitted by X on" / "By X" (read in html_teasers).
AUTHOR = (".username", ".field--name-uid", ".views-field-name .field-content",
          ".views-field-uid .field-content")
BYLINE = (".submitted", ".node__meta", ".byline", "[rel~='sioc:has_creator']")
SUBMITTED_DATE = ("[property~='dc:date']::attr(content)", "time::attr(datetime)")
# The summary: the body field (D7 field item, D8+ field, Views field), else D7's RDF
# body or the node's content wrapper (only the first of those).
BODY = (".field-name-body .field-item", ".field--name-body", ".views-field-body .field-content")
BODY_FALLBACK = ("[property~='content:encoded'], .content",)
# Skipped when the body's text is read (bylines and links rendered inside a body wrapper).
SKIPPED_IN_BODY = frozenset({
    "username", "links", "submitted", "field-name-field-author", "field--name-uid",
    "node__meta", "views-field-name", "element-invisible", "visually-hidden",
})

# -- page level ---------------------------------------------------------------------------
FEED_ICON = "a.feed-icon"
FEED_ICON_TITLE = "@title"
FEED_ICON_IMG_ALT = "img::attr(alt)"
FEED_ICON_HREF = "@href"
FEED_LINK_TITLE = "link[rel='alternate'][type*='rss']::attr(title)"
PAGE_TITLE = "h1#page-title, h1.page-title, h1.title"
CANONICAL = "link[rel='canonical']::attr(href)"
SHORTLINK = "link[rel='shortlink']::attr(href)"
# Candidate pager links; html_pager keeps those to the listing's own path.
PAGE_LINKS = "/descendant::a[contains(@href, 'page=')]"
# The current page's label, read only when the page's URL is unknown (a saved file).
PAGER_CURRENT = (
    "li.pager-current, .pager__item--current, .pager__item--active, .pagination li.active,"
    " [aria-current='page']"
)
SUBSCRIBE_PREFIX = "Subscribe to "

# -- record pages (/pfp/ppd/<nid>) ----------------------------------------------------------
# Record fields are read by their label (site.md §4), never by position: empty fields are
# left out of the page entirely. Each key is the RecordPage field (or, for term fields whose
# values are read as term links, the vocabulary's words), each value the label as published,
# without its colon. A label may be a Drupal 7 ``.field-label`` ("Date Shared:&nbsp;"), a
# Drupal 8+ ``.field__label`` ("Date Shared") or plain text ("<p>Date Shared:</p>").
RECORD_LABELS: dict[str, str] = {
    "date_shared": "Date Shared",
    "countries": "Countries and areas",
    "sdg": "2030 Agenda migration-relevant and related target Labels",
    "gcm": "GCM Thematic Cluster Areas",
    "geographical_relevance": "Geographical Relevance",
    "gfmd_source": "GFMD Source",
    "thematic_recollection": "Thematic Recollection RT",
}
FIELD_LABEL = ".field-label, .field__label"
FIELD_ITEM = ".field-item, .field__item"
# The record's title: the page heading, else the first h1 of the content region.
RECORD_TITLE = PAGE_TITLE
# The record's body: the same fields as a teaser's summary (the full view renders the body
# field, not its trimmed summary).
RECORD_BODY = BODY
# Marks of a listing served where a record was asked for (a redirect to a term, a theme's
# fallback): teaser blocks, or a feed icon ("Subscribe to TERM").
LISTING_MARKS = (
    "/descendant::div[contains(@class, 'teaser') and ("
    + _has_class("node-teaser", "node--view-mode-teaser") + ")]"
    " | /descendant::article[contains(@class, 'teaser') and ("
    + _has_class("node--view-mode-teaser") + ")]"
    " | /descendant::a[contains(@class, 'feed-icon')]"
)
# A link that is a term reference: Drupal 7 marks them (RDF ``skos:Concept``, ``rel="tag"``);
# inside any field they count too (Drupal 8+ drops the RDF marks). A link to a listing in a
# known vocabulary counts wherever it is (decided in Python).
TERM_LINK_HINTS = "@typeof='skos:Concept' or contains(@property, 'skos:prefLabel') or @rel='tag'"
IN_FIELD = "ancestor::*[contains(concat(' ', normalize-space(@class), ' '), ' field ')]"
# The like-counter widget ("76 liked this page."): volatile, never part of the record.
LIKE_COUNTER = r"^[0-9][0-9,.]*\s+(?:people\s+)?(?:liked|likes?)\s+this(?:\s+page)?\.?$"


def _css(query: str) -> etree.XPath:
    """A CSS selector compiled through parsel's own translator: it matches exactly what
    ``Selector.css(query)`` would, relative to the element it runs on."""
    return etree.XPath(_TRANSLATOR.css_to_xpath(query), smart_strings=False)


def _css_each(queries: tuple[str, ...]) -> tuple[etree.XPath, ...]:
    return tuple(_css(query) for query in queries)


def _xpath(query: str) -> etree.XPath:
    return etree.XPath(query, smart_strings=False)


REGIONS_XP = _xpath(REGIONS)
IS_CONTENT_REGION_XP = _xpath(f"boolean(self::*[{IS_CONTENT_REGION}])")
IS_SIDEBAR_XP = _xpath(f"boolean(self::*[{IS_SIDEBAR}])")
EMPTY_TERM_HOLDERS_XP = _xpath(EMPTY_TERM_HOLDERS)
TITLE_LINKS_XP = _xpath(TITLE_LINKS)
TITLE_HOLDER_OF_LINK_XP = _xpath(TITLE_HOLDER_OF_LINK)
PAGE_HEADINGS_XP = _xpath(PAGE_HEADINGS)
TEASER_LIKE_XP = _xpath(TEASER_LIKE)
AUTHOR_XPS = _css_each(AUTHOR)
BYLINE_XPS = _css_each(BYLINE)
SUBMITTED_DATE_XPS = _css_each(SUBMITTED_DATE)
BODY_XPS = _css_each(BODY)
BODY_FALLBACK_XPS = _css_each(BODY_FALLBACK)
FEED_ICON_XP = _css(FEED_ICON)
FEED_ICON_TITLE_XP = _xpath(FEED_ICON_TITLE)
FEED_ICON_IMG_ALT_XP = _css(FEED_ICON_IMG_ALT)
FEED_ICON_HREF_XP = _xpath(FEED_ICON_HREF)
FEED_LINK_TITLE_XP = _css(FEED_LINK_TITLE)
PAGE_TITLE_XP = _css(PAGE_TITLE)
CANONICAL_XP = _css(CANONICAL)
SHORTLINK_XP = _css(SHORTLINK)
PAGE_LINKS_XP = _xpath(PAGE_LINKS)
PAGER_CURRENT_XP = _css(PAGER_CURRENT)
TEXT_NODES_XP = _xpath(".//text()")
FIELD_LABEL_XP = _css(FIELD_LABEL)
FIELD_ITEM_XP = _css(FIELD_ITEM)
RECORD_TITLE_XP = _css(RECORD_TITLE)
RECORD_BODY_XPS = _css_each(RECORD_BODY)
LISTING_MARKS_XP = _xpath(LISTING_MARKS)
LINKS_XP = _xpath(".//a[@href]")
IS_TERM_LINK_XP = _xpath(f"boolean(self::*[{TERM_LINK_HINTS}] or {IN_FIELD})")
