"""Teaser blocks found by what they are: a block whose heading links to a record.

Themes name teasers differently (D7 ``div.node-teaser``, HTML5 ``<article>``, Views field
rows, Olivero's ``node--view-mode-teaser``), but every one heads its teaser with a link to
``/pfp/ppd/<nid>``. The block of a title is its outermost ancestor that holds no other
title and stops short of the page's frame (the content region, the page heading, the
pager), so a list of teasers splits into one block each however it is wrapped.

A page is read whole or not at all: a teaser-like block without a readable title link, or
teasers none of which has a body, means the markup moved, and a half-read page would
report the pledges it missed as removed and those it misread as edited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TypeAlias

from lxml import etree

from pledgewatch.scraper.items import BylinePosition
from pledgewatch.scraper.parsing import selectors as css
from pledgewatch.scraper.parsing.html_body import body_summary
from pledgewatch.scraper.parsing.html_links import record_url, text_of
from pledgewatch.scraper.parsing.html_regions import Regions
from pledgewatch.scraper.parsing.limits import (
    MAX_AUTHOR_CHARS,
    MAX_SUMMARY_CHARS,
    MAX_TEASERS,
    MAX_TITLE_CHARS,
    cap,
)
from pledgewatch.scraper.parsing.model import Teaser
from pledgewatch.scraper.parsing.text_utils import is_truncated_name

_Element: TypeAlias = etree._Element
_BYLINE_NAME = re.compile(r"(?:^|\b)(?:Submitted by|By)\s+(.+?)(?:\s+on\b.*)?$")
UNREAD_BLOCKS_ERROR = "{} teaser block(s) without a record title link: layout changed?"
NO_BODIES_ERROR = "no teaser summaries found: layout changed?"


@dataclass(slots=True)
class TeaserBlocks:
    """What the teaser search found on one page."""

    teasers: list[Teaser] = field(default_factory=list)
    error: str | None = None  # set when the page cannot be read whole
    has_markup: bool = False  # any title link or teaser-like block in the content region


@dataclass(slots=True)
class _Title:
    holder: _Element  # the heading (or "...title" element) holding the link
    link: _Element
    url: str


def read_teasers(
    page: _Element, base: str, regions: Regions, pager_links: list[_Element]
) -> TeaserBlocks:
    """Every teaser of the page, in page order; or an error and no teasers."""
    titles = _titles(page, base, regions)
    like = [e for e in css.TEASER_LIKE_XP(page) if regions.counts(e)]
    found = TeaserBlocks(has_markup=bool(titles or like))
    counts = _title_counts(titles)
    frame = _frame(page, regions, titles, pager_links)
    roots = [_block(t.holder, counts, frame) for t in titles]
    unread = _unread_blocks(like, counts, roots)
    teasers = [_teaser(root, t) for root, t in zip(roots, titles, strict=True)]
    if unread:
        found.error = UNREAD_BLOCKS_ERROR.format(unread)
    elif teasers and not any(t.summary for t in teasers):
        found.error = NO_BODIES_ERROR
    else:
        found.teasers = teasers
    return found


def _titles(page: _Element, base: str, regions: Regions) -> list[_Title]:
    """Title links to records, one per holder, in page order; outside any sidebar, and
    inside the content region when the page marks one."""
    titles: dict[_Element, _Title] = {}
    for link in css.TITLE_LINKS_XP(page):
        url = record_url(link.get("href"), base)
        if url is None or not regions.counts(link):
            continue
        holder = css.TITLE_HOLDER_OF_LINK_XP(link)[0]
        if holder not in titles:
            titles[holder] = _Title(holder, link, url)
            if len(titles) >= MAX_TEASERS:  # a hostile page; Drupal shows ten
                break
    return list(titles.values())


def _title_counts(titles: list[_Title]) -> dict[_Element, int]:
    """How many titles each ancestor of a title holds."""
    counts: dict[_Element, int] = {}
    for title in titles:
        for ancestor in title.holder.iterancestors():
            counts[ancestor] = counts.get(ancestor, 0) + 1
    return counts


def _frame(
    page: _Element, regions: Regions, titles: list[_Title], pager_links: list[_Element]
) -> set[_Element]:
    """Elements a teaser block can never be or extend into: the content regions, and
    whatever holds the page heading or the pager, with all their ancestors."""
    holders = {t.holder for t in titles}
    edges = [*regions.content, *pager_links]
    edges += [h for h in css.PAGE_HEADINGS_XP(page) if h not in holders]
    frame: set[_Element] = {page}
    for edge in edges:
        if edge in frame:
            continue
        frame.add(edge)
        for ancestor in edge.iterancestors():
            if ancestor in frame:
                break
            frame.add(ancestor)
    return frame


def _block(holder: _Element, counts: dict[_Element, int], frame: set[_Element]) -> _Element:
    block = holder
    for ancestor in holder.iterancestors():
        if ancestor in frame or counts.get(ancestor, 0) > 1 or ancestor.tag == "body":
            break
        block = ancestor
    return block


def _unread_blocks(like: list[_Element], counts: dict[_Element, int], roots: list[_Element]) -> int:
    """Teaser-like blocks that neither hold a title nor sit inside a teaser block; a block
    nested in another unread one (an article in its Views row) is the same block."""
    inside = set(roots)
    unread: set[_Element] = set()
    for element in like:  # in document order: outer blocks first
        if element in counts or element in inside:
            continue
        if not any(a in inside or a in unread for a in element.iterancestors()):
            unread.add(element)
    return len(unread)


def _first_found(queries: tuple[etree.XPath, ...], root: _Element) -> list:
    """What the first of ``queries`` to find anything finds."""
    for query in queries:
        found = query(root)
        if found:
            return found
    return []


def _teaser(root: _Element, title: _Title) -> Teaser:
    body = _first_found(css.BODY_XPS, root) or _first_found(css.BODY_FALLBACK_XPS, root)[:1]
    author, marker = _author(root)
    dates = _first_found(css.SUBMITTED_DATE_XPS, root)
    return Teaser(
        url=title.url,
        title=cap(text_of(title.link), MAX_TITLE_CHARS),
        author=author,
        author_position=_position(root, marker, body[0] if body else None) if author else None,
        author_truncated=bool(author and is_truncated_name(author)),
        submitted=(dates[0].strip() or None) if dates else None,
        summary=cap(body_summary(body), MAX_SUMMARY_CHARS) or "",
    )


def _author(root: _Element) -> tuple[str | None, _Element | None]:
    """The author and the element that showed it: a username-like element, else the name
    in a byline that reads "Submitted by NAME on …" or "By NAME"."""
    for query in css.AUTHOR_XPS:
        for element in query(root):
            name = cap(text_of(element), MAX_AUTHOR_CHARS)
            if name:
                return name, element
    for query in css.BYLINE_XPS:
        for element in query(root):
            match = _BYLINE_NAME.search(text_of(element) or "")
            if match:
                return cap(match.group(1), MAX_AUTHOR_CHARS), element
    return None, None


def _position(root: _Element, author: _Element | None, body: _Element | None) -> BylinePosition:
    """Before or after the body, by document order inside the teaser block."""
    if author is None or body is None:
        return "before"
    for element in root.iter():
        if element is author:
            return "before"
        if element is body:
            return "after"
    return "before"
