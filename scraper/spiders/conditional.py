"""Conditional requests of listing pages, and the page line of a ``304 Not Modified``.

A 304 has no body: the page is the one the store already holds. The spider writes its page
line from the stored pager fields the plan carries (``core.crawl_plan.Validators``) and
parses nothing; the ingest puts the stored teasers back before anything reads the run
(``etl.not_modified``). See docs/crawling.md.
"""

from __future__ import annotations

from scrapy.http import Response

from pledgewatch.core.crawl_plan import Depth, Validators
from pledgewatch.scraper.items import PageItem
from pledgewatch.scraper.pipelines import utc_now
from pledgewatch.scraper.terms import page_number, term_url_of, vocabulary_of

NOT_MODIFIED = 304


def response_validators(response: Response) -> tuple[str | None, str | None]:
    """The response's ``ETag`` and ``Last-Modified``, as text (None when absent)."""
    def header(name: str) -> str | None:
        value = response.headers.get(name)
        return value.decode("latin-1") if value else None

    return header("ETag"), header("Last-Modified")


def not_modified_page(url: str, response: Response, stored: Validators, term: str | None,
                      depth: Depth) -> PageItem:
    """The page line of a 304 for a listing page, standing for the stored page."""
    etag, last_modified = response_validators(response)
    return PageItem(
        url=url, status=response.status, term=term, teasers=stored.teasers or 0, ok=True,
        error=None, term_url=term_url_of(url), vocabulary=vocabulary_of(url),
        page=page_number(url), last_page=stored.last_page, next_url=stored.next_url,
        fetched_at=utc_now(), etag=etag or stored.etag,
        last_modified=last_modified or stored.last_modified, not_modified=True, depth=depth)
