"""HTML front-end: a Drupal 7 taxonomy listing page to a :class:`Listing`.

The page is parsed once into an lxml tree; every query is a selector from
:mod:`scraper.parsing.selectors`, compiled once at import and run on lxml elements directly
(no per-node ``Selector`` objects, no re-serialisation). The selectors that every page needs
are matched in two kinds of pass instead (one over the page, one per teaser): an XPath query
visits every node of the tree it runs on, and there are a dozen of them per page.
``tests/scraper/test_parsing_html_walks.py`` holds the passes to the selectors.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from lxml import etree

from pledgewatch.scraper.parsing import selectors as css
from pledgewatch.scraper.parsing.html_body import body_summary
from pledgewatch.scraper.parsing.limits import (
    MAX_AUTHOR_CHARS, MAX_SUMMARY_CHARS, MAX_TEASERS, MAX_TITLE_CHARS, cap,
)
from pledgewatch.scraper.parsing.model import Listing, Teaser
from pledgewatch.scraper.parsing.text_utils import collapse, is_truncated_name
from pledgewatch.scraper.terms import SITE, canonical_url, is_record_url, page_number, tid_of, with_page

_Element = etree._Element
# A canonical record URL: canonical_url returns it unchanged and is_record_url is True for it.
_CANONICAL_RECORD = re.compile(re.escape(SITE) + r"/pfp/ppd/[0-9]+")
# A site-absolute record path: canonical_url makes it SITE + path whenever the base is on site.
_RECORD_PATH = re.compile(r"/pfp/ppd/[0-9]+")


def parse_html(text: str, url: str | None, utf8: bytes | None = None) -> Listing:
    """``utf8``, when given, is ``text.encode("utf-8")``, which the tree is parsed from."""
    page = _tree(text, utf8)
    parts = _PageParts(page)
    base = url or SITE
    teasers = [_teaser(root, base) for root in parts.teaser_roots()[:MAX_TEASERS]]
    term_url = _term_url(parts, url)
    current = _current_page(parts, url)
    return Listing(
        format="html",
        url=canonical_url(url) if url else (with_page(term_url, current) if term_url else None),
        term=_term(parts),
        term_url=term_url,
        tid=_tid(parts, url),
        page=current,
        last_page=_last_page(parts, current),
        next_url=_link(parts.pager_first(css.PAGER_NEXT_XP, css.PAGER_NEXT_IN_PAGER_XP), base),
        empty_term=not teasers and _has_empty_message(page),
        teasers=teasers,
    )


def _tree(text: str, utf8: bytes | None) -> _Element:
    """The tree parsel's ``create_root_node(text, etree.HTMLParser)`` builds (what
    ``Selector(text=..., type="html")`` holds, with lxml's plain element classes:
    lxml.html.HTMLParser differs only by a per-node Python class lookup).

    parsel strips the text, drops NUL characters and encodes it to UTF-8; when the page's
    UTF-8 bytes are at hand and stripping them as bytes is the same (no Unicode whitespace at
    either end), they are used as they are. The parser keeps no table of ``id`` attributes:
    nothing here looks elements up by id.
    """
    body = _stripped_utf8(utf8) if utf8 is not None else None
    if body is None:
        body = text.strip().replace("\x00", "").encode("utf-8")
    parser = etree.HTMLParser(recover=True, encoding="utf-8", huge_tree=True, collect_ids=False)
    root = etree.fromstring(body or b"<html/>", parser=parser, base_url=None)
    if root is None:
        root = etree.fromstring(b"<html/>", parser=parser, base_url=None)
    return root


def _stripped_utf8(utf8: bytes) -> bytes | None:
    """``text.strip().replace("\\x00", "").encode("utf-8")`` from ``utf8``, the text's UTF-8
    bytes, or None when ``str.strip`` would strip more than ``bytes.strip``: the text starts
    or ends with a non-ASCII character or one of U+001C..U+001F."""
    stripped = utf8.strip()
    if not stripped:
        return None
    first, last = stripped[0], stripped[-1]
    if first >= 0x80 or last >= 0x80 or 0x1C <= first <= 0x1F or 0x1C <= last <= 0x1F:
        return None
    return stripped.replace(b"\x00", b"")


class _PageParts:
    """The page-level selectors' matches, from one pass over the page's ``div``, ``link``,
    ``ul``, ``a`` and ``h1`` elements in document order instead of one XPath query over the
    whole tree per selector (each query visits every node of the page). Equivalent:

    ``roots`` TEASER_ROOTS, ``feed_icons`` FEED_ICON, ``canonical`` CANONICAL (first),
    ``shortlinks`` SHORTLINK, ``feed_links`` FEED_LINK_ALTERNATE, ``page_title`` PAGE_TITLE
    (first), ``pagers`` the ``ul.pager`` elements the PAGER_* selectors start from.
    """

    __slots__ = ("canonical", "feed_icons", "feed_links", "page", "page_title", "pagers",
                 "roots", "shortlinks")

    def __init__(self, page: _Element) -> None:
        self.page = page
        roots: list[_Element] = []
        feed_icons: list[_Element] = []
        feed_links: list[_Element] = []
        shortlinks: list[str] = []
        pagers: list[_Element] = []
        canonical: str | None = None
        page_title: _Element | None = None
        for element in page.iter(_DIV, _LINK_ELEMENT, _PAGER_TAG, _FEED_ICON_TAG, _PAGE_TITLE_TAG):
            tag = element.tag
            if tag == _DIV:
                classes = element.get("class")
                if (classes and _TEASER_ROOT_CLASS in classes
                        and _is_word(classes, _TEASER_ROOT_CLASS)):
                    roots.append(element)
            elif tag == _FEED_ICON_TAG:
                classes = element.get("class")
                if classes and _FEED_ICON_CLASS in classes and _is_word(classes, _FEED_ICON_CLASS):
                    feed_icons.append(element)
            elif tag == _LINK_ELEMENT:
                rel = element.get("rel")
                if rel == _CANONICAL_REL:
                    if canonical is None:
                        canonical = element.get("href")
                elif rel == _SHORTLINK_REL:
                    href = element.get("href")
                    if href is not None:
                        shortlinks.append(href)
                elif rel == _FEED_LINK_REL:
                    kind = element.get("type")
                    if kind is not None and _FEED_LINK_TYPE_PART in kind:
                        feed_links.append(element)
            elif tag == _PAGER_TAG:
                classes = element.get("class")
                if classes and _PAGER_CLASS in classes and _is_word(classes, _PAGER_CLASS):
                    pagers.append(element)
            elif page_title is None and _is_page_title(element):
                page_title = element
        if page.getprevious() is not None or page.getnext() is not None:
            # TEASER_ROOTS starts from the document (//div), and a broken page can hold more
            # than one top-level tree; the pass above only saw the one lxml calls the root.
            roots = css.TEASER_ROOTS_XP(page)
        self.roots = roots
        self.feed_icons = feed_icons
        self.feed_links = feed_links
        self.shortlinks = shortlinks
        self.pagers = pagers
        self.canonical = canonical
        self.page_title = page_title

    def teaser_roots(self) -> list[_Element]:
        return self.roots or css.TEASER_ROOTS_FALLBACK_XP(self.page)

    def pager_first(self, query: etree.XPath, below_pager: etree.XPath) -> object | None:
        """The first match of a PAGER_* selector: from the page's only pager when it has one
        (the usual case), else the selector itself over the page."""
        if not self.pagers:
            return None
        if len(self.pagers) == 1:
            return _first(below_pager, self.pagers[0])
        return _first(query, self.page)


def _is_page_title(h1: _Element) -> bool:
    if h1.get("id") == css.PAGE_TITLE_ID:
        return True
    classes = h1.get("class")
    return bool(classes) and any(_has_token(classes, c) for c in css.PAGE_TITLE_CLASSES)


_DIV = "div"
_TEASER_ROOT_CLASS = css.TEASER_ROOT_CLASS
_FEED_ICON_TAG, _FEED_ICON_CLASS = css.FEED_ICON_TAG, css.FEED_ICON_CLASS
_LINK_ELEMENT = css.LINK_ELEMENT_TAG
_CANONICAL_REL, _SHORTLINK_REL = css.CANONICAL_REL, css.SHORTLINK_REL
_FEED_LINK_REL, _FEED_LINK_TYPE_PART = css.FEED_LINK_REL, css.FEED_LINK_TYPE_PART
_PAGE_TITLE_TAG = css.PAGE_TITLE_TAG
_PAGER_TAG, _PAGER_CLASS = css.PAGER_TAG, css.PAGER_CLASS


def _first(query: etree.XPath, node: _Element) -> object | None:
    found = query(node)
    return found[0] if found else None


def _has_empty_message(page: _Element) -> bool:
    return css.EMPTY_TERM_XP(page, message=css.EMPTY_TERM_MESSAGE) is True


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
        author_position=parts.author_position(body) if author else None,
        author_truncated=bool(author and is_truncated_name(author)),
        submitted=(parts.submitted or "").strip() or None,
        summary=cap(body_summary(body), MAX_SUMMARY_CHARS) or "",
    )


_XML_SPACE = re.compile(r"[ \t\r\n]+")  # what XPath's normalize-space collapses


def _is_word(value: str, word: str) -> bool:
    """``word`` is one of the XML-whitespace separated words of ``value`` (CSS ``~=``).

    The passes test ``word in value`` first: that rejects nearly every attribute without a
    split or a call.
    """
    return word in _XML_SPACE.split(value)


def _has_token(value: str, word: str) -> bool:
    return word in value and _is_word(value, word)


class _TeaserParts:
    """What the teaser selectors of :mod:`~scraper.parsing.selectors` find inside one teaser
    root (the root included, as CSS on a parsel Selector does), from one walk of its
    elements in document order. Equivalent, selector by selector:

    ``title_links`` TITLE_LINK, ``heading`` TITLE_HEADING (first), ``record_hrefs``
    RECORD_LINKS, ``about`` ABOUT (first), ``author`` AUTHOR (first), ``submitted``
    SUBMITTED_DATE (first), ``body_items`` BODY_ITEMS, ``body_fallback`` BODY_FALLBACK.

    The walk runs once per teaser, ten times per page, over every element of the teaser:
    it is the parser's inner loop, hence one flat method, attribute reads kept to the
    elements that can match, and positions noted for :meth:`author_position` instead of
    a second walk.
    """

    __slots__ = ("about", "author", "author_index", "body_fallback", "body_fallback_index",
                 "body_item_index", "body_items", "heading", "record_hrefs", "submitted",
                 "title_links")

    def __init__(self, root: _Element) -> None:
        title_links: list[_Element] = []
        record_hrefs: list[str] = []
        body_items: list[_Element] = []
        body_fallback: list[_Element] = []
        heading = author = None
        about = submitted = None
        author_index = body_item_index = body_fallback_index = -1
        # Elements only: comments and processing instructions are not elements to XPath's *.
        for index, element in enumerate(root.iter(_ELEMENTS)):
            tag = element.tag
            if tag == _TITLE_TAG:
                if heading is None:
                    heading = element
            elif tag == _LINK_TAG:
                href = element.get("href")
                if href is not None:
                    if _RECORD_HREF_PART in href:
                        record_hrefs.append(href)
                    if any(part in href for part in _TITLE_HREF_PARTS) and _has_ancestor(
                        element, root, _is_title
                    ):
                        title_links.append(element)
            if about is None:
                about = element.get(_ABOUT_ATTRIBUTE)
            classes = element.get("class")
            if classes:
                if author is None and _AUTHOR_CLASS in classes and _is_word(
                    classes, _AUTHOR_CLASS
                ):
                    author, author_index = element, index
                if (_BODY_ITEM_CLASS in classes and _is_word(classes, _BODY_ITEM_CLASS)
                        and _has_ancestor(element, root, _is_body_field)):
                    if not body_items:
                        body_item_index = index
                    body_items.append(element)
                if (not body_fallback and _BODY_FALLBACK_CLASS in classes
                        and _is_word(classes, _BODY_FALLBACK_CLASS)):
                    body_fallback.append(element)
                    body_fallback_index = index
            prop = element.get("property")
            if prop:
                if (submitted is None and _SUBMITTED_PROPERTY in prop
                        and _is_word(prop, _SUBMITTED_PROPERTY)):
                    submitted = element.get("content")
                if (not body_fallback and _BODY_FALLBACK_PROPERTY in prop
                        and _is_word(prop, _BODY_FALLBACK_PROPERTY)):
                    body_fallback.append(element)
                    body_fallback_index = index
        self.title_links = title_links
        self.heading = heading
        self.record_hrefs = record_hrefs
        self.about = about
        self.author = author
        self.submitted = submitted
        self.body_items = body_items
        self.body_fallback = body_fallback
        self.author_index = author_index
        self.body_item_index = body_item_index
        self.body_fallback_index = body_fallback_index

    def author_position(self, body: list[_Element]) -> str:
        """Before or after the body, by document order inside the teaser root."""
        if not body:
            return "before"
        first_body = self.body_item_index if self.body_items else self.body_fallback_index
        return "before" if self.author_index < first_body else "after"


_ELEMENTS = etree.Element  # as a tag filter of iter(): elements only
_TITLE_TAG = css.TITLE_TAG
_LINK_TAG = css.LINK_TAG
_TITLE_HREF_PARTS = css.TITLE_HREF_PARTS
_RECORD_HREF_PART = css.RECORD_HREF_PART
_ABOUT_ATTRIBUTE = css.ABOUT_ATTRIBUTE
_AUTHOR_CLASS = css.AUTHOR_CLASS
_BODY_ITEM_CLASS = css.BODY_ITEM_CLASS
_BODY_FALLBACK_CLASS = css.BODY_FALLBACK_CLASS
_SUBMITTED_PROPERTY = css.SUBMITTED_PROPERTY
_BODY_FALLBACK_PROPERTY = css.BODY_FALLBACK_PROPERTY


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


def _is_title(element: _Element) -> bool:
    return element.tag == _TITLE_TAG


def _is_body_field(element: _Element) -> bool:
    classes = element.get("class")
    return bool(classes) and _has_token(classes, css.BODY_CLASS)


def _record_url(parts: _TeaserParts, base: str) -> str | None:
    """The first candidate link that is a record URL."""
    candidates = [link.get("href") for link in parts.title_links]
    for href in [*candidates, parts.about, *parts.record_hrefs]:
        url = _link(href, base)
        if url and (_CANONICAL_RECORD.fullmatch(url) or is_record_url(url)):
            return url
    return None


def _term(parts: _PageParts) -> str | None:
    icons = parts.feed_icons
    candidates = [title for icon in icons for title in css.FEED_ICON_TITLE_XP(icon)]
    candidates += [alt for icon in icons for alt in css.FEED_ICON_IMG_ALT_XP(icon)]
    candidates += [title for link in parts.feed_links for title in css.FEED_LINK_TITLE_XP(link)]
    for value in candidates:
        value = collapse(value)
        if value.startswith(css.SUBSCRIBE_PREFIX):
            value = value[len(css.SUBSCRIBE_PREFIX):]
        if value:
            return cap(value, MAX_TITLE_CHARS)
    heading = parts.page_title
    return cap(_text(heading), MAX_TITLE_CHARS) if heading is not None else None


def _tid(parts: _PageParts, url: str | None) -> int | None:
    hrefs = [href for icon in parts.feed_icons for href in css.FEED_ICON_HREF_XP(icon)]
    hrefs += parts.shortlinks + ([url] if url else [])
    for href in hrefs:
        tid = tid_of(href)
        if tid is not None:
            return tid
    return None


def _term_url(parts: _PageParts, url: str | None) -> str | None:
    base = url or SITE
    canonical = _link(parts.canonical, base)
    if canonical and canonical.startswith(SITE + "/"):
        return with_page(canonical, 0)
    return with_page(url, 0) if url else None


def _current_page(parts: _PageParts, url: str | None) -> int:
    label = _text(parts.pager_first(css.PAGER_CURRENT_XP, css.PAGER_CURRENT_IN_PAGER_XP))
    if label and label.isdigit() and 0 < int(label) < 10**6:
        return int(label) - 1
    return page_number(url) if url else 0


def _last_page(parts: _PageParts, current: int) -> int:
    """From the pager's "last" link; without one this page is the last (or only) page."""
    last = parts.pager_first(css.PAGER_LAST_XP, css.PAGER_LAST_IN_PAGER_XP)
    return max(page_number(last), current) if last else current
