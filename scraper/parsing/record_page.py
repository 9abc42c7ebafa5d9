"""Term links on a record (detail) page, for the spider's discovery mode.

Detail pages list a record's terms as links; the theme field is one comma-separated line
whose names may themselves contain commas, so names come from ``<a>`` text, never from
splitting text.
"""

from __future__ import annotations

from parsel import Selector

from pledgewatch.scraper.parsing.decode import to_text
from pledgewatch.scraper.parsing.limits import MAX_TITLE_CHARS
from pledgewatch.scraper.parsing.text_utils import collapse
from pledgewatch.scraper.terms import (
    VOCABULARIES,
    canonical_url,
    is_listing_url,
    vocabulary_of,
    with_page,
)

# Drupal 7 renders taxonomy term references with these; they also cover new vocabularies.
TERM_LINK_HINTS = "@typeof='skos:Concept' or contains(@property, 'skos:prefLabel') or @rel='tag'"
IN_FIELD = "ancestor::*[contains(concat(' ', normalize-space(@class), ' '), ' field ')]"


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
