"""Every selector the HTML front-end uses, in one place.

The markup is inferred from Drupal 7 defaults (no gfmd.org HTML was available), so each
selector prefers the most robust hook: classes Drupal core always emits, RDF attributes, and
link targets rather than layout. When real pages are recorded and differ, change them here.
"""

from __future__ import annotations

from lxml import etree
from parsel.csstranslator import HTMLTranslator

from pledgewatch.scraper.render import EMPTY_TERM_TEXT

_HAS_CLASS = "contains(concat(' ', normalize-space(@class), ' '), ' {} ')"

# Teaser roots: Drupal's node-teaser class; otherwise any outermost node-<nid> block.
TEASER_ROOTS = f"//div[{_HAS_CLASS.format('node-teaser')}]"
TEASER_ROOTS_FALLBACK = (
    "//div[starts-with(@id, 'node-')][not(ancestor::div[starts-with(@id, 'node-')])]"
)

TITLE_LINK = "h2 a[href*='/pfp/ppd/'], h2 a[href*='/node/']"  # node/<nid> if pathauto is off
TITLE_HEADING = "h2"
RECORD_LINKS = "a[href*='/pfp/ppd/']::attr(href)"  # read-more link, when the title has none
ABOUT = "::attr(about)"  # RDF subject of the node, "/pfp/ppd/<nid>"

# The author anywhere in the root: some records render it as a field below the body.
AUTHOR = ".username"
SUBMITTED_DATE = "[property~='dc:date']::attr(content)"
BODY_ITEMS = ".field-name-body .field-item"
BODY_FALLBACK = "[property~='content:encoded'], .content"
BODY_CLASS = "field-name-body"
SKIPPED_IN_BODY = frozenset({"username", "links", "submitted", "field-name-field-author"})

# The same teaser selectors as the parts the HTML front-end matches in one walk of a teaser
# (html._TeaserParts): keep both in step. Class and ~= tests split on XML whitespace, as
# XPath's normalize-space does.
TITLE_TAG = "h2"
LINK_TAG = "a"
TITLE_HREF_PARTS = ("/pfp/ppd/", "/node/")
RECORD_HREF_PART = "/pfp/ppd/"
ABOUT_ATTRIBUTE = "about"
AUTHOR_CLASS = "username"
SUBMITTED_PROPERTY = "dc:date"
BODY_ITEM_CLASS = "field-item"
BODY_FALLBACK_PROPERTY = "content:encoded"
BODY_FALLBACK_CLASS = "content"

# Page level.
FEED_ICON = "a.feed-icon"
FEED_LINK_ALTERNATE = "link[rel='alternate'][type*='rss']"
PAGE_TITLE = "h1#page-title, h1.page-title, h1.title"
CANONICAL = "link[rel='canonical']::attr(href)"
SHORTLINK = "link[rel='shortlink']::attr(href)"
PAGER = "ul.pager"
PAGER_CURRENT = "ul.pager li.pager-current"
PAGER_NEXT = "ul.pager li.pager-next a::attr(href)"
PAGER_LAST = "ul.pager li.pager-last a::attr(href)"
EMPTY_TERM = "boolean(//*[contains(text(), $message)])"
EMPTY_TERM_MESSAGE = EMPTY_TERM_TEXT
SUBSCRIBE_PREFIX = "Subscribe to "


# Compiled once at import. CSS goes through parsel's own translator, so a compiled selector
# matches exactly what ``Selector.css(query)`` would; results are plain ``str`` (no smart
# strings holding the tree alive).
def _css(query: str) -> etree.XPath:
    return etree.XPath(_TRANSLATOR.css_to_xpath(query), smart_strings=False)


def _xpath(query: str) -> etree.XPath:
    return etree.XPath(query, smart_strings=False)


_TRANSLATOR = HTMLTranslator()

TEASER_ROOTS_XP = _xpath(TEASER_ROOTS)
TEASER_ROOTS_FALLBACK_XP = _xpath(TEASER_ROOTS_FALLBACK)
TITLE_LINK_XP = _css(TITLE_LINK)
TITLE_HEADING_XP = _css(TITLE_HEADING)
RECORD_LINKS_XP = _css(RECORD_LINKS)
ABOUT_XP = _css(ABOUT)
AUTHOR_XP = _css(AUTHOR)
SUBMITTED_DATE_XP = _css(SUBMITTED_DATE)
BODY_ITEMS_XP = _css(BODY_ITEMS)
BODY_FALLBACK_XP = _css(BODY_FALLBACK)
FEED_ICON_XP = _css(FEED_ICON)
FEED_ICON_TITLE_XP = _xpath("@title")
FEED_ICON_IMG_ALT_XP = _css("img::attr(alt)")
FEED_ICON_HREF_XP = _xpath("@href")
FEED_LINK_ALTERNATE_XP = _css(FEED_LINK_ALTERNATE)
FEED_LINK_TITLE_XP = _xpath("@title")
PAGE_TITLE_XP = _css(PAGE_TITLE)
CANONICAL_XP = _css(CANONICAL)
SHORTLINK_XP = _css(SHORTLINK)
PAGER_CURRENT_XP = _css(PAGER_CURRENT)
PAGER_NEXT_XP = _css(PAGER_NEXT)
PAGER_LAST_XP = _css(PAGER_LAST)
EMPTY_TERM_XP = _xpath(EMPTY_TERM)
TEXT_NODES_XP = _xpath(".//text()")

# The same page-level selectors as what the HTML front-end picks up in one pass over the page's
# div, link, ul, a and h1 elements (html._PageParts): keep both in step.
TEASER_ROOT_CLASS = "node-teaser"
FEED_ICON_TAG, FEED_ICON_CLASS = "a", "feed-icon"
LINK_ELEMENT_TAG = "link"
CANONICAL_REL, SHORTLINK_REL = "canonical", "shortlink"
FEED_LINK_REL, FEED_LINK_TYPE_PART = "alternate", "rss"
PAGE_TITLE_TAG, PAGE_TITLE_ID, PAGE_TITLE_CLASSES = "h1", "page-title", ("page-title", "title")
PAGER_TAG, PAGER_CLASS = "ul", "pager"


def _below(full: str, prefix: str) -> etree.XPath:
    """The part of ``full`` (an XPath from the page) after its ``prefix`` step, to run on a
    node ``prefix`` matched: on the only such node, the same nodes as ``full`` on the page."""
    head = _TRANSLATOR.css_to_xpath(prefix) + "/"
    query = _TRANSLATOR.css_to_xpath(full)
    if not query.startswith(head):
        raise ValueError(f"{full!r} does not start with {prefix!r}")
    return _xpath(query[len(head):])


PAGER_CURRENT_IN_PAGER_XP = _below(PAGER_CURRENT, PAGER)
PAGER_NEXT_IN_PAGER_XP = _below(PAGER_NEXT, PAGER)
PAGER_LAST_IN_PAGER_XP = _below(PAGER_LAST, PAGER)
