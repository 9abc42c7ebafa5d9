"""HTML front-end: a Drupal taxonomy listing page to a :class:`Listing`.

The page is parsed once into an lxml tree; every query is a selector of
:mod:`scraper.parsing.selectors`, compiled once at import and run on lxml elements directly
(no per-node ``Selector`` objects, no re-serialisation). What the page is made of is read by
meaning, so a theme update does not silently change what it says: teasers in
:mod:`~scraper.parsing.html_teasers`, the pager in :mod:`~scraper.parsing.html_pager`.

Drupal's empty-term message makes an ok page without teasers only on page 0, inside the
content region, with no teaser markup there; anywhere else the page failed. A document cut
short (it opens ``<html>`` and never closes its body) fails whole.
"""

from __future__ import annotations

import re
from typing import TypeAlias

from lxml import etree

from pledgewatch.scraper.parsing import selectors as css
from pledgewatch.scraper.parsing.html_links import resolve, text_of
from pledgewatch.scraper.parsing.html_pager import read_pager
from pledgewatch.scraper.parsing.html_regions import Regions
from pledgewatch.scraper.parsing.html_teasers import TeaserBlocks, read_teasers
from pledgewatch.scraper.parsing.limits import MAX_TITLE_CHARS, cap
from pledgewatch.scraper.parsing.model import EMPTY_TERM_TEXT, Listing, empty_term_error
from pledgewatch.scraper.parsing.text_utils import collapse
from pledgewatch.scraper.terms import SITE, canonical_url, tid_of, with_page

_Element: TypeAlias = etree._Element


def parse_html(text: str, url: str | None, utf8: bytes | None = None) -> Listing:
    """``utf8``, when given, is ``text.encode("utf-8")``, which the tree is parsed from."""
    listing = _parse_tree(text, url, utf8)
    if cut_short(text):
        listing.teasers, listing.error = [], CUT_SHORT_ERROR
    return listing


CUT_SHORT_ERROR = "the document stops before its end (no </body> or </html>): cut short?"
_OPENS_HTML = re.compile(r"<html[\s>]", re.IGNORECASE)
_CLOSES_BODY = re.compile(r"</(?:body|html)\s*>", re.IGNORECASE)


def cut_short(text: str) -> bool:
    """A document that opens ``<html>`` and never closes its body stopped part way: a fatal
    error mid-render, or a proxy that cut the response and announced the cut length. lxml
    closes it quietly, so the teasers and pager after the cut would read as the end of the
    term, and its last pledges as gone from it. Fragments (no ``<html>``) are not judged."""
    return bool(_OPENS_HTML.search(text, 0, 4096)) and not _CLOSES_BODY.search(text)


def _parse_tree(text: str, url: str | None, utf8: bytes | None) -> Listing:
    page = _tree(text, utf8)
    term_url = _term_url(page, url)
    base = url or term_url or SITE
    pager = read_pager(page, url, term_url, base)
    regions = Regions(page)
    found = read_teasers(page, base, regions, pager.links)
    empty_term, error = _empty_term(page, regions, pager.current, found)
    if url:
        here: str | None = canonical_url(url)
    else:
        here = with_page(term_url, pager.current) if term_url else None
    return Listing(
        format="html",
        url=here,
        term=_term(page),
        term_url=term_url,
        tid=_tid(page, url),
        page=pager.current,
        last_page=pager.last_page,
        next_url=pager.next_url,
        empty_term=empty_term,
        teasers=found.teasers,
        error=error,
    )


def _empty_term(
    page: _Element, regions: Regions, current: int, found: TeaserBlocks
) -> tuple[bool, str | None]:
    """(empty_term, error): the message counts on page 0, in the content region, with no
    teaser markup there."""
    if found.has_markup or found.error:
        return False, found.error
    holders = css.EMPTY_TERM_HOLDERS_XP(page, message=EMPTY_TERM_TEXT)
    if not any(regions.in_content(holder) for holder in holders):
        return False, None  # the page record says: no teasers found
    if current > 0:
        return False, empty_term_error(current)
    return True, None


def _tree(text: str, utf8: bytes | None = None) -> _Element:
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


html_tree = _tree  # the same tree for record pages (scraper.parsing.record_page)


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


def _term(page: _Element) -> str | None:
    """The term's name: from "Subscribe to TERM" (feed icon, feed link), else the page title."""
    icons = css.FEED_ICON_XP(page)
    candidates = [title for icon in icons for title in css.FEED_ICON_TITLE_XP(icon)]
    candidates += [alt for icon in icons for alt in css.FEED_ICON_IMG_ALT_XP(icon)]
    candidates += css.FEED_LINK_TITLE_XP(page)
    for value in candidates:
        value = collapse(value)
        if value.startswith(css.SUBSCRIBE_PREFIX):
            value = value[len(css.SUBSCRIBE_PREFIX):]
        if value:
            return cap(value, MAX_TITLE_CHARS)
    headings = css.PAGE_TITLE_XP(page)
    return cap(text_of(headings[0]), MAX_TITLE_CHARS) if headings else None


def _tid(page: _Element, url: str | None) -> int | None:
    hrefs = [href for icon in css.FEED_ICON_XP(page) for href in css.FEED_ICON_HREF_XP(icon)]
    hrefs += css.SHORTLINK_XP(page) + ([url] if url else [])
    for href in hrefs:
        tid = tid_of(href)
        if tid is not None:
            return tid
    return None


def _term_url(page: _Element, url: str | None) -> str | None:
    """The listing's page 0: from the canonical link when it is on the site, else ``url``."""
    links = css.CANONICAL_XP(page)
    canonical = resolve(links[0], url or SITE) if links else None
    if canonical and canonical.startswith(SITE + "/"):
        return with_page(canonical, 0)
    return with_page(url, 0) if url else None
