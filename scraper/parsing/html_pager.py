"""The pager, read by what it links to rather than by one theme's markup.

Drupal 7's ``ul.pager``, Bootstrap's ``ul.pagination``, Drupal 8+'s ``nav.pager`` and a
Views mini pager all link to ``?page=N`` of the listing's own path; that is what is read
here. A theme update that renames the pager's classes changes nothing, where reading one
class would make every multi-page term look like a single page. ``last_page`` is the
highest page linked (a full pager links the last one; a mini pager only the next one, so
there it is the next page until the end), ``next_url`` the link to the page after this one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from lxml import etree

from pledgewatch.scraper.parsing.html_links import resolve, text_of
from pledgewatch.scraper.parsing.selectors import PAGE_LINKS_XP, PAGER_CURRENT_XP
from pledgewatch.scraper.terms import canonical_url, page_number

_NUMBER = re.compile(r"(?<![0-9])([0-9]{1,6})(?![0-9])")


@dataclass(slots=True)
class Pager:
    """Where this page sits among its listing's pages."""

    current: int
    last_page: int
    next_url: str | None
    links: list[etree._Element] = field(default_factory=list)  # links to the listing's pages


def read_pager(page: etree._Element, url: str | None, term_url: str | None, base: str) -> Pager:
    """``url`` is where the page was fetched; ``term_url`` the listing's page 0 (from the
    page's canonical link, else ``url``). Links to either path count as the listing's own."""
    own_paths = {urlsplit(u).path for u in (term_url, url and canonical_url(url)) if u}
    links: list[etree._Element] = []
    targets: dict[int, str] = {}
    for link in PAGE_LINKS_XP(page):
        target = resolve(link.get("href"), base)
        if target and urlsplit(target).path in own_paths:
            links.append(link)
            targets.setdefault(page_number(target), target)
    current = page_number(url) if url else _labelled_current(page)
    return Pager(
        current=current,
        last_page=max([current, *targets]),
        next_url=targets.get(current + 1),
        links=links,
    )


def _labelled_current(page: etree._Element) -> int:
    """The current page from the pager's own label (1-based: "5", "5 (current)", "Current
    page 5", "5 of 8"), for a page saved without its URL; 0 when there is none."""
    for element in PAGER_CURRENT_XP(page):
        match = _NUMBER.search(text_of(element) or "")
        if match and int(match.group(1)) > 0:
            return int(match.group(1)) - 1
    return 0
