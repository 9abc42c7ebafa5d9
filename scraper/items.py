"""The items a crawl emits: each becomes one line of the run file (one JSON object).

These field names are the contract with the ETL (``etl.ingest``): fields may be
added, none of these renamed or removed. Values are kept *as published*; only
the ETL normalizes text.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, Literal

BylinePosition = Literal["before", "after"]
Depth = Literal["all", "first"]


@dataclass(slots=True)
class TeaserItem:
    """What one teaser on one listing page said."""

    url: str | None  # absolute record URL (https://gfmd.org/pfp/ppd/<nid>), None when unknown
    title: str | None
    author: str | None
    submitted: str | None  # ISO 8601, None when the page does not say
    summary: str  # paragraphs separated by a blank line, text as published
    term: str | None  # term name, from "Subscribe to TERM"
    term_url: str | None  # canonical term listing URL (page 0)
    listing_url: str | None  # canonical URL of the page this teaser was on
    position: int  # 0-based on the page
    page: int | None = None  # 0-based ?page=N of listing_url
    vocabulary: str | None = None  # URL prefix of the term, e.g. "contributors"
    author_position: BylinePosition | None = None
    author_truncated: bool = False  # "Mr. Ace Paolo …": Drupal cut the name at 15 chars
    type: Literal["teaser"] = field(default="teaser")


@dataclass(slots=True)
class PageItem:
    """What happened when one listing page was fetched and parsed."""

    url: str  # canonical listing URL
    status: int | None  # HTTP status, None when no response came (timeout, reset)
    term: str | None
    teasers: int  # count of teasers parsed from this page
    ok: bool
    error: str | None  # None, or a message saying what failed
    term_url: str | None = None
    vocabulary: str | None = None
    page: int | None = None  # 0-based
    last_page: int | None = None  # highest page the pager links (>= page); == page on the last page
    next_url: str | None = None  # canonical URL of the next page, None on the last page
    empty_term: bool = False  # Drupal's "no content" message on page 0: ok with zero teasers
    digest: str | None = None  # sha256 hex of the response body
    fetched_at: str | None = None  # ISO 8601 UTC
    etag: str | None = None  # the response's ETag, for the next request's If-None-Match
    last_modified: str | None = None  # its Last-Modified, for If-Modified-Since
    not_modified: bool = False  # a 304: the stored page stands (its teasers come from the store)
    depth: Depth = "all"  # "first": the plan read page 0 of this term only (docs/crawling.md)
    type: Literal["page"] = field(default="page")


@dataclass(slots=True)
class CrawlItem:
    """The last line of a crawl: how it ended. A file without it was cut short."""

    started: str  # ISO 8601 UTC
    finished: str
    reason: str  # Scrapy's close reason; "finished" when the crawl ran to its end
    source: str  # "live" or "replay:<dir>"
    parser_version: str
    start_urls: list[str] = field(default_factory=list)  # term listing URLs the crawl started from
    pages_ok: int = 0
    pages_failed: int = 0
    plan: str | None = None  # "full" or "cover"; None: no plan, every term read whole
    type: Literal["crawl"] = field(default="crawl")


@dataclass(slots=True)
class TermItem:
    """A term found by discovery mode on a record page."""

    url: str  # canonical term listing URL
    name: str | None
    vocabulary: str | None
    new: bool  # True when the crawl's term list did not know it
    found_on: str | None = None  # record URL it was linked from
    type: Literal["term"] = field(default="term")


RecordWhy = Literal["new", "changed", "missing", "due", "discover"]


@dataclass(slots=True)
class RecordItem:
    """One record page (``/pfp/ppd/<nid>``) the crawl tried (docs/crawling.md).

    ``ok`` is a 200 read whole; ``gone`` a 404 or 410 (``ok`` false); ``not_modified`` a 304
    (``ok`` true, no fields: the stored record stands). The record's fields are set only
    when it was read; a page that could not be read is ``ok: false`` with an ``error``.
    """

    url: str  # canonical record URL, https://gfmd.org/pfp/ppd/<nid>
    why: RecordWhy
    status: int | None  # HTTP status, None when no response came (timeout, reset)
    ok: bool
    gone: bool = False
    not_modified: bool = False
    error: str | None = None
    title: str | None = None
    date_shared: str | None = None  # as published: "Monday, December 23, 2013 - 15:15"
    body: str | None = None  # paragraphs separated by a blank line, text as published
    countries: list[str] | None = None
    terms: list[list[str]] | None = None  # [[term_url, name], ...] in page order
    gfmd_source: list[str] | None = None
    thematic_recollection: list[str] | None = None
    etag: str | None = None
    last_modified: str | None = None
    digest: str | None = None  # sha256 hex of the response body
    fetched_at: str | None = None  # ISO 8601 UTC
    type: Literal["record"] = field(default="record")


RunItem = TeaserItem | PageItem | CrawlItem | TermItem | RecordItem


def to_dict(item: RunItem) -> dict[str, Any]:
    return dataclasses.asdict(item)


def to_json_line(item: RunItem) -> str:
    """One JSON Lines line; ``ensure_ascii=False`` keeps the text readable in diffs."""
    return json.dumps(to_dict(item), ensure_ascii=False, separators=(",", ":")) + "\n"
