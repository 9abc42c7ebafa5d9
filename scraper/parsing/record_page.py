"""Record (detail) pages: their term links for discovery mode, and the whole record.

Detail pages list a record's terms as links; the theme field is one comma-separated line
whose names may themselves contain commas, so names come from ``<a>`` text, never from
splitting text. :func:`read_record` reads the whole page by label (site.md §4) into a
:class:`~scraper.parsing.record_model.RecordPage`, or refuses it.
"""

from __future__ import annotations

from typing import TypeAlias

from lxml import etree
from parsel import Selector

from pledgewatch.scraper.parsing import selectors as css
from pledgewatch.scraper.parsing.decode import to_text, to_text_and_utf8
from pledgewatch.scraper.parsing.html import CUT_SHORT_ERROR, cut_short, html_tree
from pledgewatch.scraper.parsing.html_body import body_summary
from pledgewatch.scraper.parsing.html_links import resolve, text_of
from pledgewatch.scraper.parsing.html_regions import Regions
from pledgewatch.scraper.parsing.limits import MAX_FIELD_VALUES, MAX_RECORD_BODY_CHARS, MAX_TITLE_CHARS
from pledgewatch.scraper.parsing.record_fields import is_like_counter, read_fields
from pledgewatch.scraper.parsing.record_model import RecordPage, RecordUnreadable
from pledgewatch.scraper.parsing.selectors import IN_FIELD, TERM_LINK_HINTS
from pledgewatch.scraper.parsing.text_utils import collapse
from pledgewatch.scraper.terms import (
    VOCABULARIES,
    canonical_url,
    is_listing_url,
    vocabulary_of,
    with_page,
)

_Element: TypeAlias = etree._Element



def parse_record_page(body: bytes | str, url: str) -> list[tuple[str, str]]:
    """``(term_url, term_name)`` for each distinct term linked from the page, in page order.

    A link counts when it leads to a listing in a known vocabulary, or to any listing when
    Drupal marked it as a term reference (``skos:Concept``) or it sits inside a field.
    """
    page = Selector(text=to_text(body), type="html")
    found: dict[str, str] = {}
    for link in page.xpath("//a[@href]"):
        target = canonical_url(link.attrib["href"], base=url)
        if not is_listing_url(target) or target in found:
            continue
        if _is_term_link(link, target):
            name = collapse("".join(link.xpath(".//text()").getall()))[:MAX_TITLE_CHARS]
            if name:
                found[with_page(target, 0)] = name
    return list(found.items())


def _is_term_link(link: Selector, target: str) -> bool:
    if vocabulary_of(target) in VOCABULARIES:
        return True
    return link.xpath(f"boolean(self::*[{TERM_LINK_HINTS}] or {IN_FIELD})").get() == "1"


# -- the whole record ----------------------------------------------------------------------

NO_CONTENT_REGION = "no content region (main, #content, region-content)"
NO_TITLE = "no title (page heading)"
NO_BODY = "no body field"
A_LISTING = "a listing page (teasers or a feed icon), not a record"


def read_record(body: bytes | str, url: str) -> RecordPage:
    """Read a record page whole, by label; raise :class:`RecordUnreadable` when it cannot be.

    A page cut short, without a content region, title or body, or a listing served in the
    record's place is unreadable: a half-read record would report its missing fields as
    deleted. ``url`` is the record's canonical URL (relative links resolve against it).
    """
    text, utf8 = to_text_and_utf8(body)  # UnreadableInput for empty, binary, undecodable
    if cut_short(text):
        raise RecordUnreadable(CUT_SHORT_ERROR)
    page = html_tree(text, utf8)
    regions = Regions(page)
    if not regions.has_content:
        raise RecordUnreadable(NO_CONTENT_REGION)
    if any(regions.counts(mark) for mark in css.LISTING_MARKS_XP(page)):
        raise RecordUnreadable(A_LISTING)
    title = _title(page, regions)
    if not title:
        raise RecordUnreadable(NO_TITLE)
    body_elements = _body_elements(page, regions)
    if not body_elements:
        raise RecordUnreadable(NO_BODY)
    skipped = set(body_elements)
    fields = read_fields(page, regions.counts, skipped)
    dates = fields.get("date_shared") or []
    return RecordPage(
        url=canonical_url(url),
        title=title,
        date_shared=dates[0] if dates else None,
        body=_body_text(body_elements),
        countries=tuple(fields.get("countries") or ()),
        terms=tuple(_terms(page, regions, skipped, url)),
        gfmd_source=tuple(fields.get("gfmd_source") or ()),
        thematic_recollection=tuple(fields.get("thematic_recollection") or ()),
    )


def _title(page: _Element, regions: Regions) -> str | None:
    """The page heading, wherever the theme puts it (Olivero: above the content region,
    outside ``<main>``) but never in a sidebar; else the content region's first h1."""
    headings = [h for h in css.RECORD_TITLE_XP(page) if not regions.in_sidebar(h)]
    headings += [h for h in css.PAGE_HEADINGS_XP(page) if regions.in_content(h)]
    for heading in headings:
        title = text_of(heading)
        if title:
            return title[:MAX_TITLE_CHARS]
    return None


def _body_elements(page: _Element, regions: Regions) -> list[_Element]:
    for query in css.RECORD_BODY_XPS:
        found = [e for e in query(page) if regions.counts(e)]
        outermost = [e for e in found if not any(a in found for a in e.iterancestors())]
        if outermost:
            return outermost
    return []


def _body_text(elements: list[_Element]) -> str:
    paragraphs = [p for p in body_summary(elements).split("\n\n") if not is_like_counter(p)]
    return "\n\n".join(paragraphs)[:MAX_RECORD_BODY_CHARS]


def _terms(page: _Element, regions: Regions, skipped: set[_Element], url: str) -> list[tuple[str, str]]:
    """Every term link of the record outside its body, in page order, each URL once."""
    found: dict[str, str] = {}
    for link in css.LINKS_XP(page):
        target = resolve(link.get("href"), url)
        if not target or not is_listing_url(target):
            continue
        target = with_page(target, 0)
        if target in found or not regions.counts(link):
            continue
        if any(a in skipped for a in link.iterancestors()):
            continue
        if vocabulary_of(target) in VOCABULARIES or css.IS_TERM_LINK_XP(link):
            name = text_of(link)
            if name and not is_like_counter(name):
                found[target] = name[:MAX_TITLE_CHARS]
        if len(found) >= MAX_FIELD_VALUES:
            break
    return list(found.items())
