"""The catalogue of single-page events a listing page can suffer, applied to a written site.

Each event changes one page (or, for the redirect, one term) of a fixture site written by
:func:`tests.faults.random_sites.write_site`: fault fields in its ``site.json`` entry, or a
new body. Which page is hit is drawn by the caller's random generator among the pages the
event can hit (``where``): any page, page 0, a later page, a page with a page after it, or a
whole multi-page term.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pledgewatch.scraper.fixture_site import body_path
from pledgewatch.scraper.render import render_listing
from tests.faults.random_sites import RandomSite, Term

Where = Literal["any", "page0", "later", "has_next", "multi_page_term"]


@dataclass(frozen=True)
class Hit:
    """The page an event hits: a term of the site and a page number of its day-1 listing."""

    site: RandomSite
    term: Term
    page: int

    @property
    def url(self) -> str:
        return self.term.page_url(self.page)

    @property
    def last_page(self) -> int:
        return len(self.site.day1.pages(self.term)) - 1


@dataclass(frozen=True)
class PageEvent:
    name: str
    where: Where
    apply: Callable[[Path, Hit], None]
    settings: dict[str, Any] = field(default_factory=dict)  # crawl settings the fault needs


def choose_hit(event: PageEvent, site: RandomSite, rng: random.Random) -> Hit:
    """A page the event can hit, drawn by ``rng``; every site has a multi-page term."""
    pages = [Hit(site, t, n) for t in site.terms for n in range(len(site.day1.pages(t)))]
    last = {t: len(site.day1.pages(t)) - 1 for t in site.terms}
    fits = {
        "any": lambda h: True,
        "page0": lambda h: h.page == 0,
        "later": lambda h: h.page > 0,
        "has_next": lambda h: h.page < last[h.term],
        "multi_page_term": lambda h: h.page == 0 and last[h.term] > 0,
    }[event.where]
    return rng.choice([h for h in pages if fits(h)])


# -- ways to change a page ---------------------------------------------------------------------


def _entries(site: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    data = json.loads((site / "site.json").read_text(encoding="utf-8"))
    return data, {e["url"]: e for e in data["responses"]}


def set_fields(site: Path, url: str, **fields: Any) -> None:
    data, entries = _entries(site)
    entries[url].update(fields)
    (site / "site.json").write_text(json.dumps(data, indent=1), encoding="utf-8")


def body_of(site: Path, url: str) -> bytes:
    return (site / body_path(url)).read_bytes()


def set_body(site: Path, url: str, body: bytes) -> None:
    (site / body_path(url)).write_bytes(body)


def fields(**values: Any) -> Callable[[Path, Hit], None]:
    return lambda site, hit: set_fields(site, hit.url, **values)


def rewrite(change: Callable[[bytes], bytes]) -> Callable[[Path, Hit], None]:
    return lambda site, hit: set_body(site, hit.url, change(body_of(site, hit.url)))


def records_moved_to_node(html: bytes) -> bytes:
    """Teaser links to ``/node/<nid>``, as a Drupal 10 move without path aliases renders them."""
    return re.sub(rb'href="/pfp/ppd/(\d+)"', rb'href="/node/\1"', html)


def pager_renamed(html: bytes) -> bytes:
    """Bootstrap's pager: ``ul.pagination`` with ``page-item`` entries, no ``pager-*`` class."""
    html = html.replace(b'<div class="item-list"><ul class="pager">',
                        b'<div class="text-center"><ul class="pagination pagination-sm">')
    return re.sub(rb'<li class="pager-[^"]*">', b'<li class="page-item">', html)


def pager_removed(html: bytes) -> bytes:
    cut = re.sub(rb'<h2 class="element-invisible">Pages</h2><div class="item-list">.*?</ul></div>',
                 b"", html, flags=re.S)
    assert cut != html, "the page has no pager to remove"
    return cut


def empty_term_message(site: Path, hit: Hit) -> None:
    """The page rendered as Drupal renders an empty term, the pager kept where it had one."""
    term = hit.term
    html = render_listing(term.name, term.path, term.tid, hit.page, hit.last_page, [])
    set_body(site, hit.url, html.encode())


def next_page_served(site: Path, hit: Hit) -> None:
    set_body(site, hit.url, body_of(site, hit.term.page_url(hit.page + 1)))


def previous_page_served(site: Path, hit: Hit) -> None:
    """Page N's body served again for page N + 1 (the hit): the same page twice."""
    set_body(site, hit.url, body_of(site, hit.term.page_url(hit.page - 1)))


def cut_short(site: Path, hit: Hit) -> None:
    """A 200 whose body stops part way (a fatal error mid-render), its length announced as
    sent: nothing at the transport level is wrong. Where it stops is drawn from the hit."""
    body = body_of(site, hit.url)
    rng = random.Random(f"{hit.url}-{hit.site.seed}")
    set_body(site, hit.url, body[:int(len(body) * rng.uniform(0.25, 0.95))])


def all_pages_to_page_0(site: Path, hit: Hit) -> None:
    for page in range(1, hit.last_page + 1):
        set_fields(site, hit.term.page_url(page), status=301, redirect=hit.term.url)


CATALOGUE: tuple[PageEvent, ...] = (
    PageEvent("http-500", "any", fields(status=500)),
    PageEvent("http-503", "any", fields(status=503)),
    PageEvent("http-404", "any", fields(status=404)),
    PageEvent("timeout", "any", fields(delay=3), {"DOWNLOAD_TIMEOUT": 1}),
    PageEvent("connection-reset", "any", fields(reset=True)),
    PageEvent("truncated-transfer", "any", fields(truncate=300)),
    PageEvent("empty-200", "any", lambda site, hit: set_body(site, hit.url, b"")),
    PageEvent("teaser-markup-changed", "any", rewrite(records_moved_to_node)),
    PageEvent("pager-renamed", "has_next", rewrite(pager_renamed)),
    PageEvent("pager-removed", "has_next", rewrite(pager_removed)),
    PageEvent("empty-term-page-0", "page0", empty_term_message),
    PageEvent("empty-term-page-N", "later", empty_term_message),
    PageEvent("page-N+1-for-N", "has_next", next_page_served),
    PageEvent("page-cut-short", "any", cut_short),
    PageEvent("same-page-twice", "later", previous_page_served),
    PageEvent("term-redirected-to-page-0", "multi_page_term", all_pages_to_page_0),
)
