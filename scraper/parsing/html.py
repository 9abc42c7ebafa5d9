"""HTML front-end: a Drupal 7 taxonomy listing page to a :class:`Listing`.

The page is parsed once into an lxml tree; every query is a selector from
:mod:`scraper.parsing.selectors`, compiled once at import and run on lxml elements directly
(no per-node ``Selector`` objects, no re-serialisation).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from lxml import etree
from parsel.selector import create_root_node

from scraper.parsing import selectors as css
from scraper.parsing.html_body import body_summary
from scraper.parsing.limits import (
    MAX_AUTHOR_CHARS, MAX_SUMMARY_CHARS, MAX_TEASERS, MAX_TITLE_CHARS, cap,
)
from scraper.parsing.model import Listing, Teaser
from scraper.parsing.text_utils import collapse, is_truncated_name
from scraper.terms import SITE, canonical_url, is_record_url, page_number, tid_of, with_page

_Element = etree._Element
# A canonical record URL: canonical_url returns it unchanged and is_record_url is True for it.
_CANONICAL_RECORD = re.compile(re.escape(SITE) + r"/pfp/ppd/[0-9]+")
# A site-absolute record path: canonical_url makes it SITE + path whenever the base is on site.
_RECORD_PATH = re.compile(r"/pfp/ppd/[0-9]+")


def parse_html(text: str, url: str | None) -> Listing:
    # The tree parsel's Selector(text=..., type="html") builds, with lxml's plain element
    # classes: lxml.html.HTMLParser differs only by a per-node Python class lookup.
    page = create_root_node(text, etree.HTMLParser, base_url=None, huge_tree=True)
    base = url or SITE
    teasers = [_teaser(root, base) for root in _teaser_roots(page)[:MAX_TEASERS]]
    term_url = _term_url(page, url)
    current = _current_page(page, url)
    return Listing(
        format="html",
        url=canonical_url(url) if url else (with_page(term_url, current) if term_url else None),
        term=_term(page),
        term_url=term_url,
        tid=_tid(page, url),
        page=current,
        last_page=_last_page(page, current),
        next_url=_link(_first(css.PAGER_NEXT_XP, page), base),
        empty_term=not teasers and _has_empty_message(page),
        teasers=teasers,
    )


def _first(query: etree.XPath, node: _Element) -> object | None:
    found = query(node)
    return found[0] if found else None


def _has_empty_message(page: _Element) -> bool:
    return css.EMPTY_TERM_XP(page, message=css.EMPTY_TERM_MESSAGE) is True


def _teaser_roots(page: _Element) -> list[_Element]:
    return css.TEASER_ROOTS_XP(page) or css.TEASER_ROOTS_FALLBACK_XP(page)


def _text(element: _Element | None) -> str | None:
    if element is None:
        return None
    value = collapse("".join(css.TEXT_NODES_XP(element)))
    return value or None


def _link(href: str | None, base: str) -> str | None:
    """``canonical_url(href, base=base)`` for a non-blank href; record links (most links on
    a page) take a shortcut with the same result."""
    if not href:
        return None
    stripped = href.strip()
    if not stripped:
        return None
    if _CANONICAL_RECORD.fullmatch(stripped):
        return stripped
    if _RECORD_PATH.fullmatch(stripped) and _base_is_site(base):
        return SITE + stripped
    return canonical_url(href, base=base)


@lru_cache(maxsize=256)
def _base_is_site(base: str) -> bool:
    """Whether a site-absolute path resolved against ``base`` lands on the site itself."""
    probe = "/pfp/ppd/0"
    return canonical_url(probe, base=base) == SITE + probe


def _teaser(root: _Element, base: str) -> Teaser:
    parts = _TeaserParts(root)
    title_link = parts.title_links
    heading = title_link[0] if title_link else parts.heading
    author = cap(_text(parts.author), MAX_AUTHOR_CHARS)
    body = parts.body_items or parts.body_fallback[:1]
    return Teaser(
        url=_record_url(parts, base),
        title=cap(_text(heading), MAX_TITLE_CHARS),
        author=author,
        author_position=_author_position(root, parts.author, body) if author else None,
        author_truncated=bool(author and is_truncated_name(author)),
        submitted=(parts.submitted or "").strip() or None,
        summary=cap(body_summary(body), MAX_SUMMARY_CHARS) or "",
    )


_XML_SPACE = re.compile(r"[ \t\r\n]+")  # what XPath's normalize-space collapses


class _TeaserParts:
    """What the teaser selectors of :mod:`~scraper.parsing.selectors` find inside one teaser
    root (the root included, as CSS on a parsel Selector does), from one walk of its
    elements in document order. Equivalent, selector by selector:

    ``title_links`` TITLE_LINK, ``heading`` TITLE_HEADING (first), ``record_hrefs``
    RECORD_LINKS, ``about`` ABOUT (first), ``author`` AUTHOR (first), ``submitted``
    SUBMITTED_DATE (first), ``body_items`` BODY_ITEMS, ``body_fallback`` BODY_FALLBACK.
    """

    __slots__ = ("about", "author", "body_fallback", "body_items", "heading", "record_hrefs",
                 "submitted", "title_links")

    def __init__(self, root: _Element) -> None:
        self.title_links: list[_Element] = []
        self.heading: _Element | None = None
        self.record_hrefs: list[str] = []
        self.about: str | None = None
        self.author: _Element | None = None
        self.submitted: str | None = None
        self.body_items: list[_Element] = []
        self.body_fallback: list[_Element] = []
        for element in root.iter():
            tag = element.tag
            if not isinstance(tag, str):
                continue  # comments, processing instructions: not elements to XPath's *
            if tag == css.TITLE_TAG and self.heading is None:
                self.heading = element
            elif tag == css.LINK_TAG:
                self._link(root, element)
            if self.about is None:
                self.about = element.get(css.ABOUT_ATTRIBUTE)
            classes = element.get("class")
            if classes:
                self._classes(root, element, classes)
            prop = element.get("property")
            if prop:
                self._property(element, prop)

    def _link(self, root: _Element, element: _Element) -> None:
        href = element.get("href")
        if href is None:
            return
        if css.RECORD_HREF_PART in href:
            self.record_hrefs.append(href)
        if any(part in href for part in css.TITLE_HREF_PARTS) and _has_ancestor(
            element, root, lambda e: e.tag == css.TITLE_TAG
        ):
            self.title_links.append(element)

    def _classes(self, root: _Element, element: _Element, classes: str) -> None:
        tokens = _XML_SPACE.split(classes)
        if self.author is None and css.AUTHOR_CLASS in tokens:
            self.author = element
        if css.BODY_ITEM_CLASS in tokens and _has_ancestor(element, root, _is_body_field):
            self.body_items.append(element)
        if not self.body_fallback and css.BODY_FALLBACK_CLASS in tokens:
            self.body_fallback.append(element)

    def _property(self, element: _Element, prop: str) -> None:
        tokens = _XML_SPACE.split(prop)
        if self.submitted is None and css.SUBMITTED_PROPERTY in tokens:
            self.submitted = element.get("content")
        if not self.body_fallback and css.BODY_FALLBACK_PROPERTY in tokens:
            self.body_fallback.append(element)


def _has_ancestor(element: _Element, root: _Element, test: Callable[[_Element], bool]) -> bool:
    """Whether a proper ancestor of ``element``, up to and including ``root``, passes ``test``."""
    if element is root:
        return False
    for ancestor in element.iterancestors():
        if test(ancestor):
            return True
        if ancestor is root:
            return False
    return False


def _is_body_field(element: _Element) -> bool:
    classes = element.get("class")
    return bool(classes) and css.BODY_CLASS in _XML_SPACE.split(classes)


def _record_url(parts: _TeaserParts, base: str) -> str | None:
    """The first candidate link that is a record URL."""
    candidates = [link.get("href") for link in parts.title_links]
    for href in [*candidates, parts.about, *parts.record_hrefs]:
        url = _link(href, base)
        if url and (_CANONICAL_RECORD.fullmatch(url) or is_record_url(url)):
            return url
    return None


def _author_position(root: _Element, author: _Element, body: list[_Element]) -> str:
    """Before or after the body, by document order inside the teaser root."""
    if not body:
        return "before"
    first_body = body[0]
    if author is first_body:
        return "after"
    for element in root.iter():
        if element is author:
            return "before"
        if element is first_body:
            return "after"
    return "after"


def _term(page: _Element) -> str | None:
    icons = css.FEED_ICON_XP(page)
    candidates = [title for icon in icons for title in css.FEED_ICON_TITLE_XP(icon)]
    candidates += [alt for icon in icons for alt in css.FEED_ICON_IMG_ALT_XP(icon)]
    candidates += [
        title for link in css.FEED_LINK_ALTERNATE_XP(page) for title in css.FEED_LINK_TITLE_XP(link)
    ]
    for value in candidates:
        value = collapse(value)
        if value.startswith(css.SUBSCRIBE_PREFIX):
            value = value[len(css.SUBSCRIBE_PREFIX):]
        if value:
            return cap(value, MAX_TITLE_CHARS)
    heading = _first(css.PAGE_TITLE_XP, page)
    return cap(_text(heading), MAX_TITLE_CHARS) if heading is not None else None


def _tid(page: _Element, url: str | None) -> int | None:
    hrefs = [href for icon in css.FEED_ICON_XP(page) for href in css.FEED_ICON_HREF_XP(icon)]
    hrefs += css.SHORTLINK_XP(page) + ([url] if url else [])
    for href in hrefs:
        tid = tid_of(href)
        if tid is not None:
            return tid
    return None


def _term_url(page: _Element, url: str | None) -> str | None:
    base = url or SITE
    canonical = _link(_first(css.CANONICAL_XP, page), base)
    if canonical and canonical.startswith(SITE + "/"):
        return with_page(canonical, 0)
    return with_page(url, 0) if url else None


def _current_page(page: _Element, url: str | None) -> int:
    label = _text(_first(css.PAGER_CURRENT_XP, page))
    if label and label.isdigit() and 0 < int(label) < 10**6:
        return int(label) - 1
    return page_number(url) if url else 0


def _last_page(page: _Element, current: int) -> int:
    """From the pager's "last" link; without one this page is the last (or only) page."""
    last = _first(css.PAGER_LAST_XP, page)
    return max(page_number(last), current) if last else current
