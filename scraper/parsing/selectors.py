"""Every selector the HTML front-end uses, in one place.

The markup is inferred from Drupal 7 defaults (no gfmd.org HTML was available), so each
selector prefers the most robust hook: classes Drupal core always emits, RDF attributes, and
link targets rather than layout. When real pages are recorded and differ, change them here.
"""

from __future__ import annotations

from scraper.render import EMPTY_TERM_TEXT

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
