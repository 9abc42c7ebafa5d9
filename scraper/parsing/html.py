"""HTML front-end: a Drupal 7 taxonomy listing page to a :class:`Listing`."""

from __future__ import annotations

from lxml import etree
from parsel import Selector

from scraper.parsing import selectors as css
from scraper.parsing.html_body import body_summary
from scraper.parsing.limits import (
    MAX_AUTHOR_CHARS, MAX_SUMMARY_CHARS, MAX_TEASERS, MAX_TITLE_CHARS, cap,
)
from scraper.parsing.model import Listing, Teaser
from scraper.parsing.text_utils import collapse, is_truncated_name
from scraper.terms import SITE, canonical_url, is_record_url, page_number, tid_of, with_page


def parse_html(text: str, url: str | None) -> Listing:
    page_sel = Selector(text=text, type="html")
    base = url or SITE
    teasers = [_teaser(root, base) for root in _teaser_roots(page_sel)[:MAX_TEASERS]]
    term_url = _term_url(page_sel, url)
    page = _current_page(page_sel, url)
    return Listing(
        format="html",
        url=canonical_url(url) if url else (with_page(term_url, page) if term_url else None),
        term=_term(page_sel),
        term_url=term_url,
        tid=_tid(page_sel, url),
        page=page,
        last_page=_last_page(page_sel, page),
        next_url=_link(page_sel.css(css.PAGER_NEXT).get(), base),
        empty_term=not teasers and _has_empty_message(page_sel),
        teasers=teasers,
    )


def _has_empty_message(page_sel: Selector) -> bool:
    return page_sel.xpath(css.EMPTY_TERM, message=css.EMPTY_TERM_MESSAGE).get() == "1"


def _teaser_roots(page_sel: Selector) -> list[Selector]:
    roots = page_sel.xpath(css.TEASER_ROOTS)
    return list(roots) if roots else list(page_sel.xpath(css.TEASER_ROOTS_FALLBACK))


def _text(sel: Selector | None) -> str | None:
    if sel is None:
        return None
    value = collapse("".join(sel.xpath(".//text()").getall()))
    return value or None


def _link(href: str | None, base: str) -> str | None:
    return canonical_url(href, base=base) if href and href.strip() else None


def _teaser(root: Selector, base: str) -> Teaser:
    title_link = root.css(css.TITLE_LINK)
    heading = title_link[0] if title_link else (root.css(css.TITLE_HEADING) or [None])[0]
    author_sel = root.css(css.AUTHOR)
    author = cap(_text(author_sel[0]) if author_sel else None, MAX_AUTHOR_CHARS)
    return Teaser(
        url=_record_url(root, title_link, base),
        title=cap(_text(heading), MAX_TITLE_CHARS),
        author=author,
        author_position=_author_position(root, author_sel[0]) if author else None,
        author_truncated=bool(author and is_truncated_name(author)),
        submitted=(root.css(css.SUBMITTED_DATE).get() or "").strip() or None,
        summary=cap(_summary(root), MAX_SUMMARY_CHARS) or "",
    )


def _record_url(root: Selector, title_link: list[Selector], base: str) -> str | None:
    candidates = [link.attrib.get("href") for link in title_link]
    candidates += [root.css(css.ABOUT).get()] + root.css(css.RECORD_LINKS).getall()
    for href in candidates:
        url = _link(href, base)
        if url and is_record_url(url):
            return url
    return None


def _body_elements(root: Selector) -> list[etree._Element]:
    items = root.css(css.BODY_ITEMS) or root.css(css.BODY_FALLBACK)[:1]
    return [item.root for item in items]


def _summary(root: Selector) -> str:
    return body_summary(_body_elements(root))


def _author_position(root: Selector, author: Selector) -> str:
    """Before or after the body, by document order inside the teaser root."""
    body = _body_elements(root)
    if not body:
        return "before"
    order = {id(element): index for index, element in enumerate(root.root.iter())}
    return "before" if order.get(id(author.root), 0) < order.get(id(body[0]), 0) else "after"


def _term(page_sel: Selector) -> str | None:
    icon = page_sel.css(css.FEED_ICON)
    candidates = icon.xpath("@title").getall() + icon.css("img::attr(alt)").getall()
    candidates += page_sel.css(css.FEED_LINK_ALTERNATE).xpath("@title").getall()
    for value in candidates:
        value = collapse(value)
        if value.startswith(css.SUBSCRIBE_PREFIX):
            value = value[len(css.SUBSCRIBE_PREFIX):]
        if value:
            return cap(value, MAX_TITLE_CHARS)
    heading = page_sel.css(css.PAGE_TITLE)
    return cap(_text(heading[0]), MAX_TITLE_CHARS) if heading else None


def _tid(page_sel: Selector, url: str | None) -> int | None:
    hrefs = page_sel.css(css.FEED_ICON).xpath("@href").getall()
    hrefs += page_sel.css(css.SHORTLINK).getall() + ([url] if url else [])
    for href in hrefs:
        tid = tid_of(href)
        if tid is not None:
            return tid
    return None


def _term_url(page_sel: Selector, url: str | None) -> str | None:
    base = url or SITE
    canonical = _link(page_sel.css(css.CANONICAL).get(), base)
    if canonical and canonical.startswith(SITE + "/"):
        return with_page(canonical, 0)
    return with_page(url, 0) if url else None


def _current_page(page_sel: Selector, url: str | None) -> int:
    label = _text(page_sel.css(css.PAGER_CURRENT)[0]) if page_sel.css(css.PAGER_CURRENT) else None
    if label and label.isdigit() and 0 < int(label) < 10**6:
        return int(label) - 1
    return page_number(url) if url else 0


def _last_page(page_sel: Selector, page: int) -> int:
    """From the pager's "last" link; without one this page is the last (or only) page."""
    last = page_sel.css(css.PAGER_LAST).get()
    return max(page_number(last), page) if last else page
