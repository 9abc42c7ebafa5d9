"""What a run learned of each URL it fetched, for the fetch state (``storage`` ``fetch_state``).

The next crawl sends a URL's stored validators (``If-None-Match`` / ``If-Modified-Since``) and
trusts a ``304 Not Modified`` to mean "the page you have": so validators are kept only for a
page the store holds. A read that succeeded (200 and parsed, or a 304 the ingest found a
stored copy for) renews the row; a failed read changes only its status, keeping the validators
of the copy the store still has; a 304 the store had no copy for clears them, or every later
request would get the same useless 304.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from pledgewatch.core.pledges import Teaser
from pledgewatch.etl.read import PageLine, RecordLine, RunLine, parse_timestamp


@dataclass(frozen=True, slots=True)
class Fetch:
    """One URL as one run fetched it (the last line for it in the run file)."""

    url: str
    status: int | None
    ok: bool  # a successful read: 200 and parsed, or 304 of a page the store holds
    not_modified: bool
    etag: str | None
    last_modified: str | None
    fetched_at: datetime | None
    listing: bool  # a listing page: its pager fields are kept too
    next_url: str | None = None
    last_page: int | None = None
    teasers: int | None = None
    records: tuple[str, ...] = ()  # record URLs of the page's teasers, in page order

    @property
    def stale_validators(self) -> bool:
        """A 304 that could not be used: the validators point at a copy the store lacks."""
        return self.not_modified and not self.ok


def record_fetch(line: RecordLine) -> Fetch:
    """The fetch a record page's line reports."""
    fields = line.fields
    not_modified = bool(fields.get("not_modified"))
    # a 304 counts as a read that found the record unchanged, unless it carries an error
    ok = bool(fields.get("ok")) or (not_modified and not fields.get("error"))
    return Fetch(line.url, fields.get("status"), ok, not_modified, fields.get("etag"),
                 fields.get("last_modified"), parse_timestamp(fields.get("fetched_at")), False)


def listing_fetch(page: PageLine, records: tuple[str, ...] = ()) -> Fetch:
    """The fetch a listing page's line reports, ``records`` the record URLs of its teasers."""
    fields = page.fields
    return Fetch(page.url, page.status, page.ok, bool(fields.get("not_modified")),
                 fields.get("etag"), fields.get("last_modified"),
                 parse_timestamp(fields.get("fetched_at")), True,
                 page.next_url, page.last_page, page.teasers, records)


class FetchLog:
    """Collects a run's fetches while its lines stream past, the last line per URL winning."""

    def __init__(self) -> None:
        self.fetches: dict[str, Fetch] = {}
        self._listed: dict[str, list[str]] = {}  # listing URL -> record URLs of its teasers so far

    def watch(self, lines: Iterable[RunLine]) -> Iterator[RunLine]:
        for line in lines:
            self.see(line)
            yield line

    def see(self, line: RunLine) -> None:
        if isinstance(line, Teaser):
            self.listed_page(line.listing_url, (line.url,))
        elif isinstance(line, PageLine):
            self.fetches[line.url] = listing_fetch(line, tuple(self._listed.pop(line.url, ())))
        elif isinstance(line, RecordLine):
            self.fetches[line.url] = record_fetch(line)

    def hand_on(self) -> dict[str, Fetch]:
        """The fetches noted since the last call, forgotten here: for a reader that hands them
        on as it goes. Merged in order into one dict, they are :attr:`fetches`."""
        done, self.fetches = self.fetches, {}
        return done

    def listed_page(self, listing_url: str | None, record_urls: Iterable[str | None]) -> None:
        """Consecutive teasers of the listing page ``listing_url``, by the record URLs they link."""
        if not listing_url:
            return
        urls = [sys.intern(url) for url in record_urls if url]  # one string per record URL
        if urls:
            self._listed.setdefault(listing_url, []).extend(urls)
