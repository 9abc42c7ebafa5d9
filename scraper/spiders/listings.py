"""The ``listings`` spider: every page of every term listing, as teaser and page records.

It starts from term URLs taken from links (``KNOWN_TERMS``, a terms file, or ``-a terms=``),
never from slugs built out of names, and follows the pager's ``next`` link to the last page.
Every listing page it tries yields exactly one page record, failures included, so the ETL can
tell a vanished pledge from a page that did not load. With ``-a discover=1`` it also reads
the record pages linked from teasers, reports terms it did not know, and crawls them too.

With a crawl plan (``-a plan=FILE``, ``core.crawl_plan``; docs/crawling.md) it reads the
plan's terms instead, each to its depth (``first``: page 0 only), sending each page's stored
validators; a ``304 Not Modified`` stands for the stored page (``spiders/conditional.py``).
It then also reads record pages, as ``record`` lines (:mod:`scraper.spiders.records`);
without a plan it reads none.

In replay mode (``-a base_url=http://127.0.0.1:PORT``) requests go to the loopback server
while every record still carries the public ``https://gfmd.org`` URL. With ``-a site=DIR``
(the fixture site being served) the crawl starts from that site's terms, offline and without
politeness delays, as ``pledgewatch crawl --replay DIR`` does.

Run by Scrapy itself, ``scrapy crawl listings -O run.jsonl`` writes the run file there: a
single JSON Lines feed becomes the pipeline's output (Scrapy's feed exporter would write
whole pages as items and no crawl record, which is not a run file).
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy import signals
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from pledgewatch.core.crawl_plan import CrawlPlan, Depth, Validators, read_plan
from pledgewatch.core.errors import InputError
from pledgewatch.scraper.items import PageItem, TermItem
from pledgewatch.scraper.parsing import PARSER_VERSION, parse_listing, parse_record_page
from pledgewatch.scraper.pipelines import PageItems, run_file_from_feed, utc_now
from pledgewatch.scraper.spiders.conditional import (
    NOT_MODIFIED,
    not_modified_page,
    response_validators,
)
from pledgewatch.scraper.spiders.failures import describe_failure
from pledgewatch.scraper.spiders.records import RecordFetching
from pledgewatch.scraper.terms import (
    KNOWN_TERMS,
    SITE,
    canonical_url,
    is_listing_url,
    is_record_url,
    is_site_url,
    load_terms_file,
    page_number,
    term_url_of,
    vocabulary_of,
)

REDIRECT_CODES = [301, 302, 303, 307, 308]


class SpiderArgumentError(InputError):
    """A spider argument (``-a name=value``) that cannot be used; the message names it."""


def _flag(value: Any) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


class ListingsSpider(RecordFetching, scrapy.Spider):
    """Crawl term listings page by page; see the module docstring."""

    name = "listings"
    allowed_domains = ["gfmd.org"]  # noqa: RUF012  # Scrapy's own attribute, set per spider  # www.gfmd.org is a subdomain; mirrors are not allowed

    def __init__(
        self,
        terms: str | Iterable[str] | None = None,
        terms_file: str | None = None,
        discover: Any = False,
        base_url: str | None = None,
        max_pages: Any = None,
        site: str | None = None,
        plan: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.base_url = self._check_base_url(base_url)
        self.site = self._check_site(site, self.base_url)
        self.plan: CrawlPlan | None = read_plan(Path(plan)) if plan else None
        if self.plan is not None:  # the plan's terms, at their depths, replace any other list
            self.term_urls = list(dict.fromkeys(t.url for t in self.plan.terms))
        else:
            self.term_urls = self._start_terms(terms or (self.site.terms if self.site else None),
                                               terms_file)
        self.depths: dict[str, Depth] = {t.url: t.depth for t in self.plan.terms} \
            if self.plan else {}
        self.discover = _flag(discover)
        self.max_pages = self._check_max_pages(max_pages)
        self.parser_version = PARSER_VERSION
        self.known_terms: set[str] = set(self.term_urls)
        self.term_names: dict[str, str] = {}
        self._seen_terms: set[str] = set()  # terms already reported by discovery
        self.init_records(plan)  # self.plan: the crawl plan, None without one
        if self.base_url:
            self.allowed_domains = [*self.allowed_domains, urlsplit(self.base_url).hostname or ""]

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> ListingsSpider:
        """Scrapy's own command line: ``-a site=DIR`` replays, ``-O FILE.jsonl`` is the run file."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        if not crawler.settings.frozen:
            if spider.site is not None:
                from pledgewatch.scraper.crawl import REPLAY_SETTINGS

                source = f"replay:{spider.site.root}"
                crawler.settings.update({**REPLAY_SETTINGS, "PLEDGEWATCH_SOURCE": source},
                                        priority="spider")
            run_file_from_feed(crawler.settings)
        crawler.signals.connect(spider.spider_idle, signal=signals.spider_idle)
        return spider

    # -- arguments -------------------------------------------------------------------------

    @staticmethod
    def _check_site(site: str | None, base_url: str | None) -> Any:
        if not site:
            return None
        if not base_url:
            raise SpiderArgumentError("site: give base_url too, where the fixture site is served")
        from pledgewatch.scraper.fixture_site import load_site

        return load_site(Path(site))

    @staticmethod
    def _check_base_url(base_url: str | None) -> str | None:
        if not base_url:
            return None
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SpiderArgumentError(f"base_url: expected http://HOST:PORT, got {base_url!r}")
        return f"{parts.scheme}://{parts.netloc}"

    @staticmethod
    def _start_terms(terms: str | Iterable[str] | None, terms_file: str | None) -> list[str]:
        raw = terms.replace(",", " ").split() if isinstance(terms, str) else list(terms or [])
        urls = [term_url_of(canonical_url(u)) for u in raw] or list(KNOWN_TERMS)
        for bad in (u for u in urls if not is_listing_url(u)):
            raise SpiderArgumentError(f"terms: not a gfmd.org term listing URL: {bad}")
        if terms_file:
            urls += load_terms_file(terms_file)
        return list(dict.fromkeys(urls))

    @staticmethod
    def _check_max_pages(max_pages: Any) -> int | None:
        if max_pages in (None, ""):
            return None
        if not str(max_pages).isdigit() or int(max_pages) < 1:
            raise SpiderArgumentError(f"max_pages: expected a positive integer, got {max_pages!r}")
        return int(max_pages)

    # -- URLs ------------------------------------------------------------------------------

    def fetch_url(self, url: str) -> str:
        """Where to request a canonical URL: the site itself, or the replay server."""
        if not self.base_url:
            return url
        parts = urlsplit(url)
        return self.base_url + parts.path + (f"?{parts.query}" if parts.query else "")

    def public_url(self, url: str) -> str:
        """The canonical ``https://gfmd.org`` form of a fetched (maybe loopback) URL."""
        return canonical_url(url, fetch_base=self.base_url)

    def _on_site(self, url: str) -> bool:
        host = urlsplit(url).netloc
        return is_site_url(url) or bool(self.base_url and host == urlsplit(self.base_url).netloc)

    # -- listings --------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.term_urls:
            yield self.listing_request(url)
        for request in self.due_requests():
            yield request

    def listing_request(self, url: str) -> scrapy.Request:
        meta = {"listing_url": url, "dont_redirect": True,
                "handle_httpstatus_list": [*REDIRECT_CODES, NOT_MODIFIED]}
        stored = self.plan.validators.get(url) if self.plan else None
        return scrapy.Request(
            self.fetch_url(url), callback=self.parse, errback=self.listing_failed, meta=meta,
            headers=stored.headers() if stored else None,
        )

    def depth_of(self, url: str) -> Depth:
        """``first``: the plan reads page 0 of this term only; ``all`` without a plan."""
        return self.depths.get(term_url_of(url), "all")

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        listing_url = response.meta.get("listing_url") or self.public_url(response.url)
        if response.status in REDIRECT_CODES:
            yield from self._redirected(response, listing_url)
            return
        stored = self.plan.validators.get(listing_url) if self.plan else None
        if response.status == NOT_MODIFIED:
            yield from self._not_modified(response, listing_url, stored)
            return
        fetched_at, digest = utc_now(), hashlib.sha256(response.body).hexdigest()
        try:
            if not isinstance(response, TextResponse):
                raise ValueError(f"not a text response ({response.headers.get('Content-Type')!r})")
            listing = parse_listing(response.text, url=self.public_url(response.url))
        except Exception as error:  # a page the parser cannot read is a failed page, not a crash
            yield self._failed_page(listing_url, response.status, f"unparseable page: {error}", digest)
            return
        if listing.term and listing.term_url:
            self.term_names[listing.term_url] = listing.term
        page = listing.page_item(response.status, digest=digest, fetched_at=fetched_at)
        self.listing_failures += not page.ok
        page.etag, page.last_modified = response_validators(response)
        page.depth = self.depth_of(listing_url)
        yield PageItems([*listing.teaser_items(), page])  # one item: teasers, then the page
        yield from self.teaser_records(listing.teasers)
        yield from self._next_page(listing.url or listing_url, listing.next_url)
        if self.discover:
            yield from self._record_requests(t.url for t in listing.teasers)

    def _not_modified(self, response: Response, listing_url: str,
                      stored: Validators | None) -> Iterator[Any]:
        """A 304: the stored page stands; follow its stored pager, parse nothing."""
        if stored is None:  # not asked conditionally: a server's mistake, not a page
            yield self._failed_page(listing_url, response.status, "304 to an unconditional request")
            return
        depth = self.depth_of(listing_url)
        yield not_modified_page(listing_url, response, stored,
                                self.term_names.get(term_url_of(listing_url)), depth)
        self.records_seen.update(stored.records)  # listed there, as the stored copy shows
        yield from self._next_page(listing_url, stored.next_url)

    def _next_page(self, url: str, next_url: str | None) -> Iterator[scrapy.Request]:
        if not next_url or not is_listing_url(next_url) or self.depth_of(url) == "first":
            return
        if term_url_of(next_url) != term_url_of(url) or page_number(next_url) <= page_number(url):
            self.logger.warning("pager of %s points elsewhere (%s); not followed", url, next_url)
            return
        if self.max_pages is not None and page_number(next_url) >= self.max_pages:
            return
        yield self.listing_request(next_url)

    def _redirected(self, response: Response, listing_url: str) -> Iterator[Any]:
        location = (response.headers.get("Location") or b"").decode("latin-1")
        target = urljoin(response.url, location)
        hops = int(response.meta.get("redirect_hops", 0)) + 1
        if not location or not self._on_site(target):
            error = f"offsite redirect to {target or '(no Location)'}: not followed"
        elif hops > self.settings.getint("REDIRECT_MAX_TIMES", 5):
            error = f"too many redirects (last to {target})"
        else:
            # In replay an on-site target (a recorded https://www.gfmd.org/... ) is served by
            # the replay server too; a hop fetches this listing, so it is never a duplicate.
            request = self.listing_request(listing_url).replace(url=self.fetch_url(target), dont_filter=True)
            request.meta["redirect_hops"] = hops
            yield request
            return
        yield self._failed_page(listing_url, response.status, error)

    def listing_failed(self, failure: Failure) -> Iterator[PageItem]:
        """Errback: a page that never parsed still gets its page record."""
        request = failure.request  # type: ignore[attr-defined]
        listing_url = request.meta.get("listing_url") or self.public_url(request.url)
        status, message = describe_failure(failure)
        if self.base_url:  # records never name the replay server
            message = message.replace(self.base_url, SITE)
        self.logger.warning("listing page failed: %s: %s", listing_url, message)
        yield self._failed_page(listing_url, status, message)

    def _failed_page(self, url: str, status: int | None, error: str, digest: str | None = None) -> PageItem:
        term_url = term_url_of(url)
        self.listing_failures += 1
        return PageItem(
            url=url,
            status=status,
            term=self.term_names.get(term_url),
            teasers=0,
            ok=False,
            error=error,
            term_url=term_url,
            vocabulary=vocabulary_of(url),
            page=page_number(url),
            digest=digest,
            fetched_at=utc_now(),
            depth=self.depth_of(url),
        )

    # -- discovery -------------------------------------------------------------------------

    def _record_requests(self, urls: Iterable[str | None]) -> Iterator[scrapy.Request]:
        for url in urls:
            if url and is_record_url(url):
                yield scrapy.Request(
                    self.fetch_url(url),
                    callback=self.parse_record,
                    errback=self.record_failed,
                    meta={"record_url": url},
                )

    def parse_record(self, response: Response) -> Iterator[Any]:
        record_url = response.meta.get("record_url") or self.public_url(response.url)
        if not isinstance(response, TextResponse):
            return
        for raw in parse_record_page(response.text, self.public_url(response.url)):
            url, name = _term_link(raw)
            term_url = term_url_of(self.public_url(url))
            if is_listing_url(term_url) and term_url not in self._seen_terms:
                yield from self._found_term(term_url, name, record_url)

    def _found_term(self, term_url: str, name: str | None, record_url: str) -> Iterator[Any]:
        self._seen_terms.add(term_url)
        new = term_url not in self.known_terms
        yield TermItem(term_url, name, vocabulary_of(term_url), new, found_on=record_url)
        if new:
            self.logger.info("new term %s (%s) found on %s", term_url, name, record_url)
            self.known_terms.add(term_url)
            yield self.listing_request(term_url)

    def record_failed(self, failure: Failure) -> None:
        _, message = describe_failure(failure)
        self.logger.warning("record page failed: %s: %s", failure.request.url, message)  # type: ignore[attr-defined]


def _term_link(raw: Any) -> tuple[str, str | None]:
    """Accept the parser's term links as objects with url/name, pairs, or bare URLs."""
    if isinstance(raw, str):
        return raw, None
    if isinstance(raw, tuple):
        return str(raw[0]), (raw[1] if len(raw) > 1 else None)
    return str(raw.url), getattr(raw, "name", None)
