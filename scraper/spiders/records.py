"""Record pages (``/pfp/ppd/<nid>``) the ``listings`` spider reads when it has a crawl plan.

docs/crawling.md ("What a run fetches") says which and why: a teaser whose record the plan
does not know (``new``) or whose fingerprint differs from the plan's (``changed``), the
plan's ``due`` records (asked for at the start, after the listings), and at the end of the
listings the known records no listing page showed (``missing``): only when every listing
page was read, or when they are few (:data:`MAX_MISSING_AFTER_FAILURE`), since a failed page
hides the records it would have shown and each guess costs a polite request.

Every record URL is asked for at most once per crawl, with the plan's validators
(``If-None-Match`` / ``If-Modified-Since``), and every try becomes one ``record`` line,
failures included: 404/410 is ``gone``, 304 ``not_modified``, a 200 that cannot be read
whole is a failed fetch ("layout changed?"), never an edit. An on-site redirect to another
record is followed; any other redirect fails the fetch.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

import scrapy
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from pledgewatch.core.crawl_plan import CrawlPlan, read_plan
from pledgewatch.core.errors import UnreadableInput
from pledgewatch.core.text import teaser_fingerprint
from pledgewatch.scraper.items import RecordItem, RecordWhy
from pledgewatch.scraper.parsing import read_record
from pledgewatch.scraper.pipelines import utc_now
from pledgewatch.scraper.spiders.failures import describe_failure
from pledgewatch.scraper.terms import SITE, canonical_url, is_record_url

if TYPE_CHECKING:
    from pledgewatch.scraper.parsing import Teaser

REDIRECTS = (301, 302, 303, 307, 308)
GONE = (404, 410)
# Answers that come to the callback rather than failing as HTTP errors.
RECORD_STATUSES = [*REDIRECTS, 304, *GONE]
DUE_PRIORITY = -10  # due records wait for the listings: those decide new, changed and missing
MAX_MISSING_AFTER_FAILURE = 50
UNREADABLE = "unreadable record page ({}): layout changed?"


class RecordFetching:
    """The record-page side of the ``listings`` spider (a mixin: it uses the spider's
    ``fetch_url``, ``public_url``, ``_on_site``, ``base_url``, ``settings``, ``crawler`` and
    ``logger``)."""

    plan: CrawlPlan | None
    base_url: str | None
    settings: Any
    crawler: Any
    logger: Any

    if TYPE_CHECKING:  # the spider's own
        def fetch_url(self, url: str) -> str: ...
        def public_url(self, url: str) -> str: ...
        def _on_site(self, url: str) -> bool: ...

    def init_records(self, plan: str | Path | None) -> None:
        """Read the plan (``-a plan=FILE``); a bad file is an InputError, nothing crawled."""
        self.plan = read_plan(Path(plan)) if plan else None
        known = self.plan.known if self.plan else {}
        self.known_records = {canonical_url(url): fp for url, fp in known.items()}
        self.records_asked: set[str] = set()
        self.records_seen: set[str] = set()  # on listing pages of this crawl
        self.listing_failures = 0
        self._missing_asked = False

    # -- what to read ------------------------------------------------------------------------

    def due_requests(self) -> Iterator[scrapy.Request]:
        for url in self.plan.due if self.plan else ():
            yield from self.record_request(url, "due", DUE_PRIORITY)

    def teaser_records(self, teasers: Iterable[Teaser]) -> Iterator[scrapy.Request]:
        """Records of a listing page's teasers that are new or whose teaser changed."""
        if self.plan is None:
            return
        for teaser in teasers:
            if not teaser.url or not is_record_url(teaser.url):
                continue
            url = canonical_url(teaser.url)
            self.records_seen.add(url)
            known = self.known_records.get(url)
            if known is None:
                yield from self.record_request(url, "new")
            elif known != teaser_fingerprint(teaser.title, teaser.summary):
                yield from self.record_request(url, "changed")

    def spider_idle(self) -> None:
        """At the end of the listings, once: ask for the known records no page showed."""
        if self.plan is None or self._missing_asked:
            return
        self._missing_asked = True
        missing = [u for u in self.known_records if u not in self.records_seen and u not in self.records_asked]
        if not missing:
            return
        if self.listing_failures and len(missing) > MAX_MISSING_AFTER_FAILURE:
            self.logger.warning(
                "%d known records not seen, but %d listing pages failed: not read as missing",
                len(missing), self.listing_failures)
            return
        for url in missing:
            for request in self.record_request(url, "missing"):
                self.crawler.engine.crawl(request)
        raise DontCloseSpider

    def record_request(self, url: str, why: RecordWhy, priority: int = 0) -> Iterator[scrapy.Request]:
        url = canonical_url(url)
        if url in self.records_asked:
            return
        self.records_asked.add(url)
        validators = self.plan.validators.get(url) if self.plan else None
        meta = {"record_url": url, "why": why, "dont_redirect": True,
                "handle_httpstatus_list": RECORD_STATUSES}
        yield scrapy.Request(
            self.fetch_url(url), callback=self.parse_record_line, errback=self.record_line_failed,
            headers=validators.headers() if validators else None, meta=meta, priority=priority,
            dont_filter=True,  # asked once per crawl by records_asked; discovery may ask too
        )

    # -- answers -----------------------------------------------------------------------------

    def parse_record_line(self, response: Response) -> Iterator[Any]:
        url, why = response.meta["record_url"], response.meta["why"]
        status = response.status
        if status in REDIRECTS:
            yield from self._record_redirect(response, url, why)
            return
        line = RecordItem(url=url, why=why, status=status, ok=False, fetched_at=utc_now(),
                          etag=_header(response, b"ETag"),
                          last_modified=_header(response, b"Last-Modified"))
        if status == 304:
            validators = self.plan.validators.get(url) if self.plan else None
            line.ok, line.not_modified = True, True
            if validators and not (line.etag or line.last_modified):  # the stored ones stand
                line.etag, line.last_modified = validators.etag, validators.last_modified
            yield line
            return
        line.digest = hashlib.sha256(response.body).hexdigest()
        if status in GONE:
            line.gone, line.error = True, f"HTTP {status}"
        elif status != 200:
            line.error = f"HTTP {status}"
        else:
            _read_into(line, response.body)
        yield line

    def _record_redirect(self, response: Response, url: str, why: RecordWhy) -> Iterator[Any]:
        location = (response.headers.get("Location") or b"").decode("latin-1")
        target = urljoin(response.url, location)
        public = self.public_url(target) if location else ""
        hops = int(response.meta.get("redirect_hops", 0)) + 1
        if not location or not self._on_site(target):
            error = f"offsite redirect to {target or '(no Location)'}: not followed"
        elif not is_record_url(public):
            error = f"redirect to {public}, not a record page: not followed"
        elif hops > self.settings.getint("REDIRECT_MAX_TIMES", 5):
            error = f"too many redirects (last to {public})"
        else:
            meta = {**response.meta, "redirect_hops": hops}
            yield scrapy.Request(self.fetch_url(public), callback=self.parse_record_line,
                                 errback=self.record_line_failed, meta=meta, dont_filter=True)
            return
        yield RecordItem(url=url, why=why, status=response.status, ok=False, error=error,
                         fetched_at=utc_now())

    def record_line_failed(self, failure: Failure) -> Iterator[RecordItem]:
        """Errback: a record that never answered (timeout, reset, 5xx after retries)."""
        request = failure.request  # type: ignore[attr-defined]
        status, message = describe_failure(failure)
        if self.base_url:  # lines never name the replay server
            message = message.replace(self.base_url, SITE)
        url = request.meta.get("record_url") or self.public_url(request.url)
        self.logger.warning("record page failed: %s: %s", url, message)
        yield RecordItem(url=url, why=request.meta.get("why", "new"), status=status, ok=False,
                         error=message, fetched_at=utc_now())


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _read_into(line: RecordItem, body: bytes) -> None:
    """Fill a line from a 200's body, or say why it cannot be read whole."""
    try:
        record = read_record(body, line.url)
    except UnreadableInput as error:
        line.error = UNREADABLE.format(error)
        return
    line.ok = True
    line.title, line.date_shared, line.body = record.title, record.date_shared, record.body
    line.countries = list(record.countries)
    line.terms = [[term_url, name] for term_url, name in record.terms]
    line.gfmd_source = list(record.gfmd_source)
    line.thematic_recollection = list(record.thematic_recollection)
